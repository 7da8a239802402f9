#!/bin/sh
# The e2e guest's sriov-apply (/share/sriov-apply, first on PATH): runs the binary under test
# (/share/sriov-apply.bin) and keeps each JSON document it prints (--output json) in
# /share/json, with the command beside it, for run.sh to check against schema/ on the host.
json=0; prev=""
for a in "$@"; do
  case "$prev $a" in "--output json" | "-o json") json=1 ;; esac
  case "$a" in --output=json | -ojson) json=1 ;; esac
  prev=$a
done
[ $json = 1 ] || exec /share/sriov-apply.bin "$@"
mkdir -p /share/json
doc=$(mktemp --suffix=.json /share/json/doc-XXXXXX)
printf '%s\n' "sriov-apply $*" > "${doc%.json}.cmd"
/share/sriov-apply.bin "$@" > "$doc"; rc=$?
cat "$doc"
exit $rc
