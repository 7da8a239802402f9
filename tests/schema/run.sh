#!/bin/sh
# The schema test: Ajv (tests/schema/node_modules, from `npm ci`) against sriov-apply validate, and
# over the output schemas and the golden plans.
# usage: run.sh SOURCE_DIR SRIOV_APPLY_BINARY
set -eu
src=$1
if [ ! -d "$src/tests/schema/node_modules/ajv" ]; then
  echo "Ajv is not installed: run 'npm ci' in $src/tests/schema (./dev.sh does)" >&2
  exit 1
fi
node "$src/tests/schema/check-examples.mjs" "$src/schema/sriov-apply.schema.json" "$2" \
  "$src/examples" "$src/tests/schema/cases"
exec node "$src/tests/schema/check-outputs.mjs" "$src/schema" "$src/tests/golden"
