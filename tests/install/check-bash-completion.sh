#!/bin/bash
# Sources the bash completion and calls its function with COMP_WORDS set, as bash would.
# Usage: check-bash-completion.sh COMPLETION_FILE SRIOV_APPLY_BIN
set -uo pipefail
source "$1"
bin=$(readlink -f "$2")
fail=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" && touch host.yaml lab.state.yaml notes.txt
complete_line() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _sriov_apply; }
expect() { # expect WORD... -- LINE...: every WORD is offered
  local want=() w
  while [ "$1" != -- ]; do want+=("$1"); shift; done; shift
  complete_line "$@"
  for w in "${want[@]}"; do
    printf '%s\n' "${COMPREPLY[@]}" | grep -qxF -- "$w" || { echo "FAIL: '$*' does not offer $w (got: ${COMPREPLY[*]})"; fail=1; }
  done
}
refuse() { # refuse WORD -- LINE...: WORD is not offered
  local w=$1; shift 2
  complete_line "$@"
  printf '%s\n' "${COMPREPLY[@]}" | grep -qxF -- "$w" && { echo "FAIL: '$*' offers $w"; fail=1; }
  return 0
}
expect apply plan show validate schema help version host.yaml -- sriov-apply ""
expect plan validate -- sriov-apply help ""
refuse notes.txt -- sriov-apply ""
expect trace debug info warn error off -- sriov-apply --log-level ""
expect none attribute link detach restart recreate -- sriov-apply plan --max-disruption ""
expect all host libvirt -- sriov-apply apply --phase ""
expect text json -- sriov-apply plan -o ""
expect yaml json -- sriov-apply show --output ""
refuse text -- sriov-apply show --output ""
expect lab.state.yaml notes.txt -- sriov-apply plan --state ""
expect host.yaml lab.state.yaml -- sriov-apply validate ""
# Every option of every command's --help is offered after "-" (the completion cannot go stale).
for sub in apply plan show validate; do
  opts=$("$bin" "$sub" --help | grep -E '^ +-' | sed -E 's/^ +//; s/ .*//' | tr ',' '\n' | sort -u)
  [ -n "$opts" ] || { echo "FAIL: no options in $sub --help"; fail=1; }
  for o in $opts; do expect "$o" -- sriov-apply "$sub" -; done
done
[ $fail = 0 ] && echo "bash completion: ok"
exit $fail
