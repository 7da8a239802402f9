#!/bin/bash
# The CI examples (contrib/ci: GitLab CI and GitHub Actions) run as their CI would run them, on
# a fixture repository of specs and saved host states (hosts/HOST/{host.yaml,state.yaml}) with
# the binary under test on the PATH: with good specs every job passes and the plans are shown
# (log, artifacts, GitHub's step summary) and the saved plan applies on its host; an invalid spec fails validate and plan with its
# FILE:LINE:COL; a refused plan (the host: guard) fails plan (exit 4), the other hosts' plans
# still shown. The commands come from the CI files themselves (extract.py).
# Usage: run.sh BINARY
set -euo pipefail
bin=$(readlink -f "$1")
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
mkdir "$work/bin"
ln -s "$bin" "$work/bin/sriov-apply"
export PATH=$work/bin:$PATH

# fixture REPO CASE: lab-01 with changes, lab-03 matching its state; CASE adds a bad host
fixture() {
  local repo=$1
  rm -rf "$repo"; mkdir -p "$repo/hosts/lab-01" "$repo/hosts/lab-03"
  cp "$src/examples/two-pfs.yaml" "$repo/hosts/lab-01/host.yaml"
  cp "$src/examples/lab.state.yaml" "$repo/hosts/lab-01/state.yaml"
  cp "$src/examples/lab.state.yaml" "$repo/hosts/lab-03/state.yaml"
  sed -i 's/^hostname: lab-01$/hostname: lab-03/' "$repo/hosts/lab-03/state.yaml"
  sriov-apply show --as-spec --state "$repo/hosts/lab-03/state.yaml" > "$repo/hosts/lab-03/host.yaml"
  case $2 in
    good) ;;
    invalid)   # a spec with errors
      mkdir "$repo/hosts/lab-02"
      cp "$src/examples/invalid/types-and-ranges.yaml" "$repo/hosts/lab-02/host.yaml"
      cp "$src/examples/lab.state.yaml" "$repo/hosts/lab-02/state.yaml" ;;
    refused)   # lab-01's spec on lab-02: the host: guard refuses it
      mkdir "$repo/hosts/lab-02"
      cp "$src/examples/two-pfs.yaml" "$repo/hosts/lab-02/host.yaml"
      sed 's/^hostname: lab-01$/hostname: lab-02/' "$src/examples/lab.state.yaml" > "$repo/hosts/lab-02/state.yaml" ;;
  esac
}

# ci KIND FILE CASE: runs every job/step in order as the CI does (stopping at the first failed
# job, like a pipeline), leaves the log in $log and the job that failed in $failed
ci() {
  local kind=$1 file=$2 case=$3 repo=$work/repo scripts=$work/scripts
  fixture "$repo" "$case"
  rm -rf "$scripts"; mkdir "$scripts"
  log=$work/$kind-$case.log failed=""
  export GITHUB_STEP_SUMMARY=$work/$kind-$case.summary
  : > "$log"; : > "$GITHUB_STEP_SUMMARY"
  for script in $(python3 "$src/tests/ci-examples/extract.py" "$kind" "$file" "$scripts"); do
    echo "--- $(basename "$script")" >> "$log"
    (cd "$repo" && bash --noprofile --norc "$script") >> "$log" 2>&1 || { failed=$(basename "$script"); break; }
  done
  # the plan job's artifacts
  plans=$repo/plans
}

check_kind() {
  local kind=$1 file=$2 plan_job=$3
  [ -n "$(python3 "$src/tests/ci-examples/extract.py" "$kind" "$file" "$work")" ] || fail "$file: no commands"
  ci "$kind" "$file" good
  [ -z "$failed" ] || { cat "$log"; fail "$kind, good specs: $failed failed"; }
  grep -q '^=== lab-01 (exit 2)$' "$log" || { cat "$log"; fail "$kind: lab-01's plan not shown"; }
  grep -q '^Plan: 12 actions, 7 disruptive, highest disruption: recreate$' "$log" || fail "$kind: no plan text"
  grep -q '^lab-03: no changes$' "$log" || { cat "$log"; fail "$kind: lab-03 should have no changes"; }
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["kind"] == "Plan" and d["changes"]' \
    "$plans/lab-01.json" || fail "$kind: plans/lab-01.json is not the plan"
  grep -q 'set-numvfs' "$plans/lab-01.txt" || fail "$kind: plans/lab-01.txt has no plan"
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["kind"] == "SavedPlan" and d["host"] == "lab-01"' \
    "$plans/lab-01.plan.json" || fail "$kind: plans/lab-01.plan.json is not the saved plan"
  # ... and both against the schemas their kinds name (Ajv, when tests/schema has it)
  if [ -d "$src/tests/schema/node_modules/ajv" ]; then
    node "$src/tests/schema/check-outputs.mjs" "$src/schema" "$src/tests/golden" \
      "$plans/lab-01.json" "$plans/lab-01.plan.json" > /dev/null || fail "$kind: a plan breaks its schema"
  fi
  # the saved plan applies on the host it was made for (here: a copy of the saved state)
  cp "$work/repo/hosts/lab-01/state.yaml" "$work/lab-01.host.yaml"
  (cd "$work/repo" && sriov-apply apply --state "$work/lab-01.host.yaml" plans/lab-01.plan.json > /dev/null) ||
    fail "$kind: the saved plan plans/lab-01.plan.json does not apply"
  if [ "$kind" = github ]; then
    grep -q '^### lab-01: changes planned, review them$' "$GITHUB_STEP_SUMMARY" || fail "github: no step summary"
  fi
  echo "ok: $kind, good specs"

  ci "$kind" "$file" invalid
  case $failed in *-validate.sh) ;; *) cat "$log"; fail "$kind, invalid spec: validate did not fail ($failed)";; esac
  grep -q 'hosts/lab-02/host.yaml:4:13: error: .numVfs. must be an integer' "$log" || { cat "$log"; fail "$kind: no FILE:LINE:COL"; }
  echo "ok: $kind, invalid spec fails validate"

  # the plan job alone (a pipeline would stop at validate): exit 3 fails it, all hosts shown
  fixture "$work/repo" invalid
  rc=0; (cd "$work/repo" && bash --noprofile --norc "$work/scripts/$plan_job") > "$log" 2>&1 || rc=$?
  [ $rc != 0 ] || { cat "$log"; fail "$kind: the plan job passed with an invalid spec"; }
  grep -q '^lab-02: the spec is invalid$' "$log" || { cat "$log"; fail "$kind: plan job did not name the invalid spec"; }
  grep -q 'hosts/lab-02/host.yaml:4:13: error' "$log" || fail "$kind: plan job shows no position"
  grep -q '^=== lab-03 (exit 0)$' "$log" || fail "$kind: the hosts after the invalid one were not planned"
  echo "ok: $kind, invalid spec fails plan (exit 3)"

  ci "$kind" "$file" refused
  [ "$failed" = "$plan_job" ] || { cat "$log"; fail "$kind, refused plan: expected $plan_job to fail, got '$failed'"; }
  grep -q '^=== lab-02 (exit 4)$' "$log" || { cat "$log"; fail "$kind: lab-02 not refused"; }
  grep -q "error   host: the spec is for host 'lab-01', but this is 'lab-02'" "$log" || fail "$kind: refusal not shown"
  grep -q '^lab-02: the plan is refused$' "$log" || fail "$kind: no verdict for lab-02"
  grep -q '^=== lab-01 (exit 2)$' "$log" || fail "$kind: lab-01's plan not shown next to the refusal"
  echo "ok: $kind, refused plan fails plan (exit 4)"
}

check_kind gitlab "$src/contrib/ci/gitlab-ci.yml" 01-plan.sh
check_kind github "$src/contrib/ci/github-actions.yml" 01-plan.sh
echo "PASS: CI examples"
