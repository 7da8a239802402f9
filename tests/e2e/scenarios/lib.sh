# Sourced by each scenario (run with sh -e in the guest, cwd a fresh /tmp/e2e, $PF the igb PF).
# Assert on the kernel's view (sysfs, netlink), never on sriov-apply's output alone.
D=/sys/class/net/$PF/device
RULES=/etc/udev/rules.d/70-sriov-apply.rules

# check DESCRIPTION COMMAND...: the command must succeed, else the scenario fails here.
check() {
  d=$1; shift
  if "$@"; then echo "ok - $d"; else echo "not ok - $d"; exit 1; fi
}
# tool ARGS...: runs sriov-apply, output in $OUT (and the log), exit code in $RC, timing in the log.
tool() {
  echo "\$ sriov-apply $*"
  t=$(date +%s.%N)
  set +e; OUT=$(sriov-apply "$@" 2>&1); RC=$?; set -e
  printf '%s\n' "$OUT"
  echo "[exit $RC after $(echo "$t $(date +%s.%N)" | awk '{printf "%.2f", $2-$1}') s]"
}
numvfs() { cat "$D/sriov_numvfs"; }
# pf_spec FILE NUMVFS [VFS_YAML]: writes a one-PF spec.
pf_spec() {
  {
    echo "apiVersion: sriov-apply/v1"
    echo "pfs:"
    echo "  - name: $PF"
    echo "    numVfs: $2"
    [ -z "${3:-}" ] || printf '    vfs:\n%s\n' "$3"
  } > "$1"
  echo "--- $1"; cat "$1"
}
# vf_json N: VF N of the PF as the kernel reports it (ip -j link show, vfinfo_list).
vf_json() { ip -j link show "$PF" | jq -c ".[0].vfinfo_list[] | select(.vf == $1)"; }
# wait_carrier: waits up to 15 s for the PF's link (igb renegotiates for ~1-2 s after VFs are
# enabled or disabled; some VF settings fail meanwhile, see bug-rate-after-create.sh).
wait_carrier() {
  i=0
  while [ "$(cat /sys/class/net/$PF/carrier 2>/dev/null)" != 1 ] && [ $i -lt 150 ]; do sleep 0.1; i=$((i+1)); done
  echo "PF carrier $(cat /sys/class/net/$PF/carrier 2>/dev/null) after $((i * 100)) ms"
}
