#!/bin/bash
# Installs the build tree with DESTDIR and --prefix /usr and compares the file list with the
# expected one (one path a line, examples/ expanded from the source tree at test time).
# Usage: check-install.sh BUILD_DIR EXPECTED_LIST
set -euo pipefail
build=$1 expected=$2
src=$(cd "$(dirname "$0")/../.." && pwd)
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
DESTDIR="$dest" cmake --install "$build" --prefix /usr >/dev/null
unitdir=$(sed -n 's/^SRIOV_SYSTEMD_UNIT_DIR:[A-Z]*=//p' "$build/CMakeCache.txt")
case $unitdir in /*) ;; *) unitdir=/usr/$unitdir ;; esac
want=$( {
  grep -v '^#' "$expected" | sed "s|@UNITDIR@|$unitdir|"
  (cd "$src/examples" && find . -path ./invalid -prune -o -type f -print | sed 's|^\./|/usr/share/doc/sriov-apply/examples/|')
} | sort)
got=$(cd "$dest" && find . -type f | sed 's|^\.||' | sort)
if [ "$want" != "$got" ]; then
  echo "FAIL: installed files differ from $expected (< expected, > installed):"
  diff <(echo "$want") <(echo "$got") || true
  exit 1
fi
"$dest/usr/sbin/sriov-apply" --version | head -1
echo "install: $(echo "$got" | wc -l) files ok"
