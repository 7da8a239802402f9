#!/bin/bash
# Renders each man page with groff's man macros and every warning on; any output on stderr fails.
set -uo pipefail
fail=0
for page in "$@"; do
  warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1 >/dev/null)
  if [ -n "$warnings" ] || ! groff -man -Tutf8 -ww -z "$page" 2>/dev/null; then
    echo "FAIL: $page"; echo "$warnings"; fail=1
  else
    echo "ok: $page"
  fi
done
exit $fail
