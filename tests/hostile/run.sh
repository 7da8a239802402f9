#!/bin/bash
# Runs a corpus of hostile inputs against the sriov-apply binary and prints, per input class,
# how many were tried and how many ended in a clear error (exit 1/3/4 with "error" on stderr),
# a crash (signal or exit >= 128), a hang (over 20 s) or a changed host (the state file of a
# refused or failed apply differs afterwards). Fails unless crash, hang and host changed are 0.
#   tests/hostile/run.sh [BINARY]   (default build/sriov-apply; simulated hosts only)
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")/../.."
BIN=$(readlink -f "${1:-build/sriov-apply}")
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
H='apiVersion: sriov-apply/v1'
LAB=examples/lab.state.yaml

# class NAME FILE...: every file is a spec run through validate, plan and apply --state.
declare -A TRIED CLEAR CRASH HANG CHANGED
ORDER=()
record() {  # class code stderr-file changed
  local c=$1 code=$2 errf=$3 changed=$4
  [ -n "${TRIED[$c]+x}" ] || { ORDER+=("$c"); TRIED[$c]=0; CLEAR[$c]=0; CRASH[$c]=0; HANG[$c]=0; CHANGED[$c]=0; }
  TRIED[$c]=$((TRIED[$c] + 1))
  if [ "$code" = 124 ]; then HANG[$c]=$((HANG[$c] + 1))
  elif [ "$code" -ge 128 ]; then CRASH[$c]=$((CRASH[$c] + 1))
  elif { [ "$code" = 1 ] || [ "$code" = 3 ] || [ "$code" = 4 ]; } && grep -q "error" "$errf"; then
    CLEAR[$c]=$((CLEAR[$c] + 1))
  fi
  [ "$changed" = 1 ] && CHANGED[$c]=$((CHANGED[$c] + 1))
  return 0
}
run() {  # class spec-path [state-path]
  local c=$1 spec=$2 state=${3:-$LAB} code
  ( ulimit -v 4000000; timeout -k 2 20 "$BIN" validate "$spec" >"$W/out" 2>"$W/err" ); code=$?
  cat "$W/out" >>"$W/err"; record "$c" "$code" "$W/err" 0
  ( ulimit -v 4000000; timeout -k 2 20 "$BIN" plan --state "$state" "$spec" >"$W/out" 2>"$W/err" ); code=$?
  record "$c" "$code" "$W/err" 0
  # A regular state file is applied on a copy (compared afterwards); anything else as it is.
  local target=$state changed=0
  [ -f "$state" ] && { cp "$state" "$W/s.yaml"; target=$W/s.yaml; }
  ( ulimit -v 4000000; timeout -k 2 20 "$BIN" apply --state "$target" --output json "$spec" >"$W/out" 2>"$W/err" ); code=$?
  [ -f "$state" ] && ! cmp -s "$state" "$W/s.yaml" && changed=1
  record "$c" "$code" "$W/err" "$changed"
}
spec() { printf '%b' "$1" >"$W/spec.yaml"; echo "$W/spec.yaml"; }

# 1. Texts on which yaml-cpp's LoadAll never ends, and other broken YAML.
for t in ',' ',\n' '\n,' ',,,' '# c\n,' "$H\\n," ', a' '[' '{' ']' '}' '- [' '&a' '*a' '!!' \
  '? ,' "$H\\n---\\n$H" '---\n---\n---' '\t' '%YAML 1.2\n---\n,'; do
  run "YAML that never ends in LoadAll / broken" "$(spec "$t")"
done
# 2. Alias bombs, deep nesting, huge scalars.
python3 - "$W" <<'PY'
import sys
w = sys.argv[1]
def bomb(width, levels):
    s = "a0: &a0 [" + ", ".join(["x"] * width) + "]\n"
    for i in range(1, levels):
        s += f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * width) + "]\n"
    return s
open(f"{w}/bomb1.yaml", "w").write(bomb(10, 30))
open(f"{w}/bomb2.yaml", "w").write(bomb(2, 60))
open(f"{w}/bomb3.yaml", "w").write("apiVersion: sriov-apply/v1\nx: &x " + "y" * (1 << 20) + "\nl: [" + ", ".join(["*x"] * 200) + "]\n")
open(f"{w}/deep1.yaml", "w").write("[" * 100000 + "]" * 100000)
open(f"{w}/deep2.yaml", "w").write("".join("  " * i + "k:\n" for i in range(3000)))
open(f"{w}/deep3.yaml", "w").write("{a: " * 5000 + "1" + "}" * 5000)
open(f"{w}/long.yaml", "w").write("apiVersion: sriov-apply/v1\nhost: " + "h" * (8 << 20) + "\n")
open(f"{w}/big.yaml", "w").write("#" * (17 << 20))
PY
for f in bomb1 bomb2 bomb3 deep1 deep2 deep3 long big; do run "alias bombs, nesting, size" "$W/$f.yaml"; done
# 3. Files that are not files.
mkfifo "$W/fifo"
for f in "$W" /dev/zero /dev/urandom /dev/null /nonexistent "$W/fifo"; do
  [ "$f" = "$W/fifo" ] && (for i in 1 2 3; do printf "%s\n" "$H" >"$W/fifo"; done) &
  run "folders, devices, pipes, missing" "$f"
  wait
done
# 4. Control characters, NUL, invalid UTF-8 in names and virtualport fields (YAML escapes).
for v in '\\0' '\\x01' '\\e[2J' '\\N' '\\_' '\\n    1. fake' '\\x7f' '\\u0085' '\\xff'; do
  run "control characters / invalid UTF-8" "$(spec "$H\\nguests:\\n  - name: \"web$v\"\\n")"
  run "control characters / invalid UTF-8" "$(spec "$H\\nnetworks:\\n  - name: \"default$v\"\\n    pf: enp3s0f0\\n")"
  run "control characters / invalid UTF-8" "$(spec "$H\\npfs:\\n  - name: enp3s0f0\\n    numVfs: 2\\nguests:\\n  - name: g\\n    interfaces:\\n      - vf: {pf: enp3s0f0, index: 0}\\n        virtualport: {type: 802.1Qbh, profileid: \"p$v\"}\\n")"
done
for b in $'\xff' $'\xc0\xaf' $'\xed\xa0\x80' $'a\x00b'; do
  printf '%s\nhost: %s\n' "$H" "$b" >"$W/raw.yaml"
  run "control characters / invalid UTF-8" "$W/raw.yaml"
done
# 5. State files that are broken or hostile (exit 1 expected).
for t in ',' '[' "$H\\nkind: HostState\\npfs: [,]" "$H\\nkind: HostState\\npfs: &p [*p]"; do
  printf '%b' "$t" >"$W/state.yaml"
  run "hostile state files" examples/two-pfs.yaml "$W/state.yaml"
done
for f in "$W/bomb1.yaml" "$W/deep1.yaml" "$W/big.yaml" /dev/zero "$W"; do
  run "hostile state files" examples/two-pfs.yaml "$f"
done

printf '%-45s %6s %12s %6s %5s %13s\n' "input class" tried "clear error" crash hang "host changed"
fail=0
for c in "${ORDER[@]}"; do
  printf '%-45s %6s %12s %6s %5s %13s\n' "$c" "${TRIED[$c]}" "${CLEAR[$c]}" "${CRASH[$c]}" \
    "${HANG[$c]}" "${CHANGED[$c]}"
  [ "${CRASH[$c]}" = 0 ] && [ "${HANG[$c]}" = 0 ] && [ "${CHANGED[$c]}" = 0 ] || fail=1
  [ "${CLEAR[$c]}" = "${TRIED[$c]}" ] || fail=1
done
exit $fail
