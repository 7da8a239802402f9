#!/bin/sh
# Checks that every C++ file in the tree is formatted with the repo's .clang-format (no changes made).
# Usage: tests/check-format.sh [clang-format binary]; exits non-zero listing the files that differ.
set -eu
cd "$(dirname "$0")/.."
format=${1:-clang-format-14}
git ls-files '*.cpp' '*.h' | xargs "$format" --dry-run -Werror
