#!/bin/bash
# Runs a corpus of hostile inputs against the sriov-apply binary (validate, plan and apply
# --state of each; simulated hosts only) and prints, per input class, how many runs were tried
# and how each ended:
#   clear error   an input that is invalid ended with exit 1, 3 or 4 and says why ("error" on
#                 stderr, or a refused plan on stdout); for a FIFO that nobody writes, the run
#                 ended with 143 on the SIGTERM sent after 1 s
#   valid         an input that is valid (some are deliberately near a limit, or odd but allowed)
#                 ended normally: exit 0, or 4 with a refused plan (refused by design)
#   crash         a signal or exit >= 128 that was not asked for
#   hang          still running after 20 s (killed)
#   host changed  the state file of a run that should not change it differs afterwards
#   missed        anything else: a run that is none of the above (listed below the table)
# Fails unless crash, hang, host changed and missed are 0.
#   tests/hostile/run.sh [BINARY]   (default build/sriov-apply)
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")/../.."
BIN=$(readlink -f "${1:-build/sriov-apply}")
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
H='apiVersion: sriov-apply/v1'
LAB=examples/lab.state.yaml

declare -A TRIED CLEAR VALID CRASH HANG CHANGED MISSED
ORDER=()
MISSES=()
# record CLASS EXPECT CODE COMMAND CHANGED: EXPECT is invalid, valid or sigterm; the run's
# stdout is in $W/out, its stderr in $W/err.
record() {
  local c=$1 expect=$2 code=$3 cmd=$4 changed=$5 outcome
  [ -n "${TRIED[$c]+x}" ] || {
    ORDER+=("$c")
    TRIED[$c]=0 CLEAR[$c]=0 VALID[$c]=0 CRASH[$c]=0 HANG[$c]=0 CHANGED[$c]=0 MISSED[$c]=0
  }
  TRIED[$c]=$((TRIED[$c] + 1))
  local refused=0 said=0
  grep -q "Refused:\|\"refused\": true" "$W/out" 2>/dev/null && refused=1
  grep -q "error" "$W/err" 2>/dev/null && said=1
  if [ "$expect" = sigterm ] && [ "$code" = 143 ]; then outcome=CLEAR
  elif [ "$code" = 124 ] || [ "$code" = 137 ]; then outcome=HANG
  elif [ "$code" -ge 128 ]; then outcome=CRASH
  elif [ "$expect" = invalid ] && { [ "$code" = 1 ] || [ "$code" = 3 ] || [ "$code" = 4 ]; } &&
    { [ "$said" = 1 ] || { [ "$code" = 4 ] && [ "$refused" = 1 ]; }; }; then outcome=CLEAR
  elif [ "$expect" = valid ] && { [ "$code" = 0 ] || { [ "$code" = 4 ] && [ "$refused" = 1 ]; }; }
  then outcome=VALID
  else outcome=MISSED
  fi
  # Whatever the outcome, a terminal must not get an escape or a control character that an
  # input carried (observed names are escaped on their way out).
  if [ "$outcome" != MISSED ] && LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$W/out" "$W/err"; then
    outcome=MISSED
    cmd="$cmd (a control character reached the terminal)"
  fi
  declare -n counter=$outcome
  counter[$c]=$((counter[$c] + 1))
  [ "$outcome" = MISSED ] || [ "$outcome" = CRASH ] || [ "$outcome" = HANG ] &&
    MISSES+=("$outcome: $c: $cmd: exit $code: $(head -c 300 "$W/err" | head -n 2 | tr '\n' ' ')")
  [ "$changed" = 1 ] && CHANGED[$c]=$((CHANGED[$c] + 1))
  return 0
}
bounded() { ( ulimit -v 4000000; timeout -k 2 20 "$BIN" "$@" >"$W/out" 2>"$W/err" ); }
# run CLASS SPEC_EXPECT SPEC [STATE [STATE_EXPECT]]: validate SPEC (expect SPEC_EXPECT), then
# plan and apply it on STATE (default the lab host; invalid when either is). A regular state file
# is applied on a copy; a run expected invalid must leave it as it was.
run() {
  local c=$1 sx=$2 spec=$3 state=${4:-$LAB} stx=${5:-valid} code
  local px=valid
  [ "$sx" = valid ] && [ "$stx" = valid ] || px=invalid
  bounded validate "$spec"; code=$?
  cat "$W/out" >>"$W/err"
  record "$c" "$sx" "$code" "validate $spec" 0
  bounded plan --state "$state" "$spec"; code=$?
  record "$c" "$px" "$code" "plan --state $state $spec" 0
  local target=$state changed=0
  [ -f "$state" ] && { cp "$state" "$W/s.yaml"; target=$W/s.yaml; }
  bounded apply --state "$target" --output json "$spec"; code=$?
  [ "$px" = invalid ] && [ -f "$state" ] && ! cmp -s "$state" "$W/s.yaml" && changed=1
  record "$c" "$px" "$code" "apply --state $target $spec" "$changed"
}
spec() { printf '%b' "$1" >"$W/spec.yaml"; echo "$W/spec.yaml"; }

# 1. Texts on which yaml-cpp's LoadAll never ends, and other broken YAML.
C="YAML that never ends in LoadAll / broken"
for t in ',' ',\n' '\n,' ',,,' '# c\n,' "$H\\n," ', a' '[' '{' ']' '}' '- [' '&a' '*a' '!!' \
  '? ,' "$H\\n---\\n$H" '---\n---\n---' '\t' '%YAML 1.2\n---\n,'; do
  run "$C" invalid "$(spec "$t")"
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
open(f"{w}/deep4.yaml", "w").write("apiVersion: sriov-apply/v1\nhost: " + "[" * 65 + "]" * 65 + "\n")
open(f"{w}/big.yaml", "w").write("#" * (17 << 20))
# Valid, near the limits: an 8 MiB host name (the spec limit is 16 MiB), 60 levels of nesting.
open(f"{w}/long.yaml", "w").write("apiVersion: sriov-apply/v1\nhost: " + "h" * (8 << 20) + "\n")
PY
C="alias bombs, nesting, size"
for f in bomb1 bomb2 bomb3 deep1 deep2 deep3 deep4 big; do run "$C" invalid "$W/$f.yaml"; done
run "$C" valid "$W/long.yaml"
# 3. Files that are not files. A FIFO is fed once per run; one that nobody writes gets SIGTERM.
C="folders, devices, pipes, missing"
for f in "$W" /dev/zero /dev/urandom /dev/null /nonexistent; do run "$C" invalid "$f"; done
mkfifo "$W/fifo"
for args in "validate $W/fifo" "plan --state $LAB $W/fifo" "apply --state $W/fifo.state.yaml $W/fifo"; do
  cp "$LAB" "$W/fifo.state.yaml"
  (printf '%s\npfs:\n  - name: enp3s0f1\n    numVfs: 0\n' "$H" >"$W/fifo") &
  # shellcheck disable=SC2086
  bounded $args; code=$?
  wait
  record "$C" valid "$code" "$args (fed)" 0
done
C="a FIFO nobody writes, SIGTERM after 1 s"
for args in "validate $W/fifo" "plan --state $LAB $W/fifo" "apply --state $LAB $W/fifo" \
  "apply --state $W/fifo examples/two-pfs.yaml"; do
  # shellcheck disable=SC2086
  "$BIN" $args >"$W/out" 2>"$W/err" &
  pid=$!
  sleep 1
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; wait "$pid"; code=124; else wait "$pid"; code=$?; fi
  record "$C" sigterm "$code" "$args" 0
done
rm -f "$W/fifo.lock" "$W/fifo.state.yaml.lock"
# 4. Control characters, NUL and invalid UTF-8 in names and virtualport fields (YAML escapes).
# "\xff" in a double-quoted YAML string is U+00FF (ÿ), printable UTF-8: a guest name or profile
# id may hold it (a network name may not: libvirt's object names are ASCII in sriov-apply).
C="control characters / invalid UTF-8"
for v in '\\0' '\\x01' '\\e[2J' '\\N' '\\_' '\\n    1. fake' '\\x7f' '\\u0085' '\\xff' '\\t' '\\r'; do
  ok=invalid
  [ "$v" = '\\xff' ] && ok=valid
  run "$C" "$ok" "$(spec "$H\\nguests:\\n  - name: \"web$v\"\\n")"
  run "$C" invalid "$(spec "$H\\nnetworks:\\n  - name: \"default$v\"\\n    pf: enp3s0f0\\n")"
  run "$C" "$ok" "$(spec "$H\\npfs:\\n  - name: enp3s0f0\\n    numVfs: 2\\nguests:\\n  - name: g\\n    interfaces:\\n      - vf: {pf: enp3s0f0, index: 0}\\n        virtualport: {type: 802.1Qbh, profileid: \"p$v\"}\\n")"
done
# Raw bytes (not YAML escapes): invalid UTF-8, an overlong '/', a UTF-16 surrogate, a NUL.
for b in '\377' '\300\257' '\355\240\200' 'a\000b' 'a\033[2Jb'; do
  printf '%s\nhost: %b\n' "$H" "$b" >"$W/raw.yaml"
  run "$C" invalid "$W/raw.yaml"
done
# 5. YAML tags, line breaks, characters that are more than one byte.
C="YAML tags, CR line breaks, multi-byte text"
for t in 'numVfs: !!str 2' 'numVfs: !foo 2' 'numVfs: !!float 2' 'numVfs: !!int abc' \
  'numVfs: !<tag:x> 2'; do
  run "$C" invalid "$(spec "$H\\npfs:\\n  - name: enp3s0f1\\n    $t\\n")"
done
run "$C" valid "$(spec "$H\\npfs:\\n  - name: enp3s0f1\\n    numVfs: !!int 2\\n")"
run "$C" valid "$(spec "$H\\rpfs:\\r  - name: enp3s0f1\\r    numVfs: 2\\r")"
run "$C" valid "$(spec "$H\\r\\npfs:\\r\\n  - name: enp3s0f1\\r\\n    numVfs: 2\\r\\n")"
run "$C" invalid "$(spec "$H\\rpfs:\\r  - name: enp3s0f1\\r    numVfs: x\\r")"
run "$C" invalid "$(spec "$H\\nguests:\\n  - name: \"é€ü\"\\n    hostdevs: [{pci: \"ééé\"}]\\n")"
# 6. State files that are broken, hostile or that no kernel could produce (exit 1 expected).
C="hostile state files"
states=()
n=0
add_state() { n=$((n + 1)); printf '%b' "$1" >"$W/state$n.yaml"; states+=("$W/state$n.yaml"); }
add_state ','
add_state '['
add_state "$H\\nkind: HostState\\npfs: [,]"
add_state "$H\\nkind: HostState\\npfs: &p [*p]"
python3 - "$W" "$LAB" <<'PY'
import sys
w, lab = sys.argv[1], open(sys.argv[2]).read()
def put(name, text): open(f"{w}/{name}.state.yaml", "w").write(text)
def swap(a, b, text=lab):
    assert a in text, a
    return text.replace(a, b, 1)
# What the kernel guarantees, broken one way each.
put("stride0", swap("    vfStride: 2\n", "    vfStride: 0\n"))
put("vf-twice", swap('        pci: "0000:03:10.2"', '        pci: "0000:03:10.0"', swap("      - index: 1\n", "      - index: 0\n")))
put("numvfs-list", swap("    numVfs: 2\n", "    numVfs: 3\n"))
put("numvfs-total", swap("    totalVfs: 7\n", "    totalVfs: 1\n"))
put("pf-twice", swap('    pci: "0000:03:00.1"', '    pci: "0000:03:00.0"'))
put("vf-elsewhere", swap('        pci: "0000:03:10.2"', '        pci: "0000:03:10.4"'))
put("name-twice", swap("  - name: enp3s0f1\n", "  - name: enp3s0f0\n"))
put("guest-twice", swap("  - name: db1\n", "  - name: build1\n"))
# Domain XML over the limits: 300 levels deep; 5 MiB.
name = "        <name>build1</name>\n"
put("xml-deep", swap(name, name + "        <metadata>" + "<m>" * 300 + "</m>" * 300 + "</metadata>\n"))
put("xml-big", swap(name, name + "        <metadata>" + "x" * (5 << 20) + "</metadata>\n"))
PY
for f in stride0 vf-twice numvfs-list numvfs-total pf-twice vf-elsewhere name-twice guest-twice \
  xml-deep xml-big; do
  states+=("$W/$f.state.yaml")
done
states+=("$W/bomb1.yaml" "$W/deep1.yaml" "$W/big.yaml" /dev/zero "$W")
for f in "${states[@]}"; do run "$C" valid examples/two-pfs.yaml "$f" invalid; done
# 7. Names observed on the host with a newline or ESC (valid; the output must escape them).
C="observed names with control characters"
python3 - "$W" "$LAB" <<'PY'
import sys
w, lab = sys.argv[1], open(sys.argv[2]).read()
lab = lab.replace("  - name: enp3s0f1\n", '  - name: "enp3s0f1\\n    1. fake line\\e[2J"\n', 1)
lab = lab.replace("  - name: build1\n", '  - name: "build1\\nFAKE\\e[31m"\n', 1)
open(f"{w}/names.state.yaml", "w").write(lab)
PY
printf '%s\npfs:\n  - pci: "0000:03:00.1"\n    numVfs: 2\n' "$H" >"$W/pci.yaml"
run "$C" valid "$W/pci.yaml" "$W/names.state.yaml"
run "$C" valid examples/two-pfs.yaml "$W/names.state.yaml"

printf '%-42s %6s %12s %6s %6s %5s %13s %7s\n' "input class" tried "clear error" valid crash hang \
  "host changed" missed
fail=0
for c in "${ORDER[@]}"; do
  printf '%-42s %6s %12s %6s %6s %5s %13s %7s\n' "$c" "${TRIED[$c]}" "${CLEAR[$c]}" "${VALID[$c]}" \
    "${CRASH[$c]}" "${HANG[$c]}" "${CHANGED[$c]}" "${MISSED[$c]}"
  [ "${CRASH[$c]}" = 0 ] && [ "${HANG[$c]}" = 0 ] && [ "${CHANGED[$c]}" = 0 ] &&
    [ "${MISSED[$c]}" = 0 ] || fail=1
done
if [ ${#MISSES[@]} -gt 0 ]; then
  echo
  printf '%s\n' "${MISSES[@]}"
fi
exit $fail
