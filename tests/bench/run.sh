#!/bin/bash
# `./dev.sh bench`: every figure of issue 14's table against its goal, measured in one run on
# this machine (medians of 5 whole-process runs; CPU = user + system, memory = peak RSS).
#   usage: tests/bench/run.sh BUILD_DIR   (root for the libvirt figures: a private libvirtd)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
apply=$build/sriov-apply
speed=$build/sriov-bench-speed
work=$build/bench-state

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# "CPU_MS RSS_KB" of one run of the command, from its rusage (wait4: microseconds; GNU time's
# output rounds to 10 ms).
measure() {
  python3 -c '
import os, sys
pid = os.fork()
if pid == 0:
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.execvp(sys.argv[1], sys.argv[1:])
_, _, usage = os.wait4(pid, 0)
print("%.1f %d" % ((usage.ru_utime + usage.ru_stime) * 1000, usage.ru_maxrss))
' "$@"
}
verdict() { awk -v v="$1" -v g="$2" -v dir="$3" 'BEGIN {ok = dir == "<=" ? v <= g : v >= g; print ok ? "met" : "NOT met"}'; }
row() { printf '%-58s %14s  goal %-12s %s\n' "$1" "$2" "$3 $4" "$(verdict "$2" "$4" "$3")"; }

echo "issue 14 figures on $(hostname), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
mkdir -p "$work"
for vfs in 1000 4000; do
  mkdir -p "$work/$vfs"
  "$speed" generate "$work/$vfs" $((vfs / 250)) 250 $((vfs / 2))
  cpu=() rss=()
  for _ in 1 2 3 4 5; do
    read -r c m < <(measure "$apply" plan --state "$work/$vfs/state.yaml" "$work/$vfs/spec.yaml")
    cpu+=("$c") rss+=("$m")
  done
  c=$(printf '%s\n' "${cpu[@]}" | median)
  m=$(printf '%s\n' "${rss[@]}" | median)
  row "no-op plan --state, $vfs VFs, $((vfs / 2)) guests: CPU ms" "$c" "<=" 100
  row "  its peak memory, MB" "$((m / 1024))" "<=" 50
done

read -r one eight ratio < <("$speed" jobs)
row "apply 8 PFs vs 1 at the default --jobs (${eight}s / ${one}s)" "$ratio" "<=" 1.5
for size in "16 250 2000" "1 65535 0"; do
  seconds=$("$speed" converge $size)
  set -- $size
  row "converge the simulated host from empty, $(($1 * $2)) VFs, $3 guests: s" "$seconds" "<=" \
    "$([ "$2" = 65535 ] && echo 60 || echo 2)"
done

if [ "$(id -u)" != 0 ]; then
  echo "(the libvirt figures need root: a private libvirtd in a mount namespace)"
  exit 0
fi
line=$("$here/libvirt-bench.sh" "$build" 2000 | tail -1)
eval "$line"  # libvirt_domains= plan_ms= rpcs= one_session_ms= per_call_ms=
floor=$((4 + libvirt_networks + 6 + libvirt_domains))
row "no-op plan, private libvirtd, $libvirt_domains shut-off domains: wall ms" "$plan_ms" "<=" 300
row "  its RPCs (floor: 10 list calls + 1 XML per object = $floor)" "$rpcs" "<=" "$((floor + 10))"
row "  vs one virsh session reading the same facts: x faster" \
  "$(awk -v a="$one_session_ms" -v b="$plan_ms" 'BEGIN {printf "%.1f", a / b}')" ">=" 5
row "  vs one virsh process per call: x faster" \
  "$(awk -v a="$per_call_ms" -v b="$plan_ms" 'BEGIN {printf "%.1f", a / b}')" ">=" 20
echo "(running domains cost 1 inactive XML more each: counted by the integration test"
echo " 'LibvirtReader reads networks and domains at libvirt's RPC floor')"
