#!/bin/bash
# The fleet playbook (sriov_apply.host.fleet) and the role on four simulated hosts, all on
# localhost (each with its own state file, copies of examples/lab.state.yaml, and its own spec
# folder; no package install, no units): with batches of 1 then 50 % and a failure limit of
# 49 %, the canary converges; the second batch has a host with an invalid spec (refused by the
# role's `sriov-apply validate` before it is placed), so the play stops at that task: the other
# host of the batch is not converged and the last host is never touched. A check-mode run
# before changes nothing and shows the plans as diffs.
# Usage: fleet.sh BINARY
set -euo pipefail
bin=$(readlink -f "$1")
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$src/tests/ansible/env.sh"
fail() { echo "FAIL: $*"; exit 1; }
{
  echo "[sriov_hosts]"
  for h in h1 h2 h3 h4; do
    mkdir -p "$work/$h"
    cp "$src/examples/lab.state.yaml" "$work/$h/state.yaml"
    spec=$src/examples/vf-pool-network.yaml
    [ $h = h3 ] && spec=$src/examples/invalid/types-and-ranges.yaml
    echo "$h sriov_apply_spec_src=$spec sriov_apply_spec_path=$work/$h/etc/host.yaml sriov_apply_state=$work/$h/state.yaml"
  done
  echo "[sriov_hosts:vars]"
  printf '%s\n' ansible_connection=local ansible_python_interpreter=/usr/bin/python3 \
    sriov_apply_install=false sriov_apply_enable_units=false "sriov_apply_binary=$bin"
} > "$work/inventory"
run() {
  ansible-playbook -i "$work/inventory" sriov_apply.host.fleet -e sriov_fleet_become=false \
    -e '{"sriov_fleet_serial": [1, "50%"], "sriov_fleet_max_fail_percentage": 49}' \
    -e sriov_fleet_max_disruption=recreate "$@" > "$work/out" 2>&1
}
# check mode: every batch plans (h3 fails validation), nothing changes
run --check --diff && fail "the check-mode run did not fail on h3's invalid spec" || true
for h in h1 h2 h4; do
  cmp -s "$src/examples/lab.state.yaml" "$work/$h/state.yaml" || fail "check mode changed $h"
  [ -e "$work/$h/etc/host.yaml" ] && fail "check mode placed $h's spec"
done
grep -q 'set-numvfs pf/enp3s0f0: 0 \[recreate\]' "$work/out" || { cat "$work/out"; fail "check mode showed no diff"; }
# the real run: h1 alone, then h2 + h3 (h3 fails: 50 % > 49 %, the play ends), h4 never
run && { cat "$work/out"; fail "the run did not fail"; }
cat "$work/out"
grep -q "fatal: \[h3\]: .*:4:13: error: 'numVfs' must be an integer" "$work/out" || fail "h3's error has no position"
cmp -s "$src/examples/lab.state.yaml" "$work/h1/state.yaml" && fail "h1 was not converged"
cmp -s "$src/examples/lab.state.yaml" "$work/h2/state.yaml" || fail "h2 was converged after h3 failed in its batch"
[ -e "$work/h3/etc/host.yaml" ] && fail "h3's invalid spec was placed"
cmp -s "$src/examples/lab.state.yaml" "$work/h4/state.yaml" || fail "h4 was converged after the batch before it failed"
[ -e "$work/h4/etc/host.yaml" ] && fail "h4's spec was placed after the batch before it failed"
cmp -s "$src/examples/vf-pool-network.yaml" "$work/h1/etc/host.yaml" || fail "h1's spec is not in place"
grep -E -q '^h1 +: ok=[0-9]+ +changed=[1-9]' "$work/out" || fail "h1 reported no change"
grep -q '^h4' "$work/out" && fail "h4 appears in the recap: it was run"
echo "PASS: ansible fleet"
