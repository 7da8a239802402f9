#!/bin/bash
# The Ansible module (contrib/ansible: sriov_apply.host.sriov_apply) run by Debian's ansible-core
# against localhost on simulated hosts (--state on copies of examples/lab.state.yaml): check mode
# reports the change and leaves the state file byte for byte; a run changes it; the second run
# reports changed: false; an invalid spec (a path or inline) fails with its FILE:LINE:COL; a plan
# above --max-disruption fails and changes nothing; saved plans (plan_out / plan_file) when the
# binary has `plan --out`, otherwise the module's clear refusal. The assertions are in module.yml.
# Every document the module returned is then checked against its kind's JSON Schema (Ajv).
# Usage: run.sh BINARY
set -euo pipefail
bin=$(readlink -f "$1")
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v ansible-playbook >/dev/null || { echo "FAIL: ansible-playbook is missing (apt install ansible-core)"; exit 1; }
. "$src/tests/ansible/env.sh"
saved_plans=false
"$bin" help plan 2>/dev/null | grep -q -E -- '(^|[[:space:],])--out([[:space:]=,]|$)' && saved_plans=true
echo "saved plans in this binary (plan --out): $saved_plans"
mkdir "$work/documents"
ansible-playbook -i localhost, -c local "$src/tests/ansible/module.yml" \
  -e "binary=$bin examples=$src/examples work=$work saved_plans=$saved_plans"
# What the module returned (plans, apply results, errors, the saved plan) against the schema its
# kind names, by the same Ajv checker as the golden plans.
[ -d "$src/tests/schema/node_modules/ajv" ] ||
  { echo "FAIL: Ajv is not installed: run 'npm ci' in $src/tests/schema (./dev.sh does)"; exit 1; }
[ ! -f "$work/reviewed.plan.json" ] || cp "$work/reviewed.plan.json" "$work/documents/saved.plan.json"
[ "$(ls "$work/documents" | wc -l)" -ge 7 ] || { echo "FAIL: the playbook kept too few documents"; exit 1; }
node "$src/tests/schema/check-outputs.mjs" "$src/schema" "$src/tests/golden" "$work"/documents/*.json
# Byte for byte, not only by checksum: the state file the check-mode runs saw.
cmp "$src/examples/lab.state.yaml" "$work/check.state.yaml" ||
  { echo "FAIL: check mode changed the state file"; exit 1; }
echo "PASS: ansible module"
