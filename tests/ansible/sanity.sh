#!/bin/bash
# The checks `ansible-test sanity` runs on the collection's module, run directly from Debian's
# ansible-core: `ansible-test sanity` itself cannot run offline (it builds a virtualenv per test
# and fetches pip from ci-files.testing.ansible.com first). So: validate-modules (the module's
# DOCUMENTATION/EXAMPLES/RETURN against its argument_spec), the code-smell scripts, compile,
# pep8 (pycodestyle with ansible-test's settings), pyflakes, runtime-metadata, ansible-doc on the
# module and the role, and a syntax check of the fleet playbook.
# Usage: sanity.sh
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$src/tests/ansible/env.sh"
py=/usr/bin/python3   # Debian's, with the packages (voluptuous, yaml, jinja2) validate-modules needs
sanity=$($py -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')/_util/controller/sanity
collection=$src/contrib/ansible/ansible_collections/sriov_apply/host
module=plugins/modules/sriov_apply.py
cd "$collection"
fail=0
check() {  # check NAME COMMAND...: runs it, prints its output, counts a failure
  local out
  if out=$("${@:2}" 2>&1) && [ -z "$out" ]; then echo "ok: $1"
  else echo "FAIL: $1"; printf '%s\n' "$out"; fail=1; fi
}
# validate-modules prints {} when it has nothing to say (exit 3 when it has).
out=$($py "$sanity/validate-modules/validate.py" --format json --arg-spec \
  --collection ansible_collections/sriov_apply/host --collection-version 0.1.0 "$module" 2>&1) || true
if [ "$out" = "{}" ]; then echo "ok: validate-modules"; else echo "FAIL: validate-modules"; echo "$out"; fail=1; fi
for smell in future-import-boilerplate metaclass-boilerplate line-endings no-assert no-basestring \
  no-dict-iteritems no-dict-iterkeys no-dict-itervalues no-get-exception no-illegal-filenames \
  no-main-display no-smart-quotes no-unicode-literals replace-urlopen shebang use-argspec-type-path \
  use-compat-six; do
  check "$smell" $py "$sanity/code-smell/$smell.py" "$module"
done
check runtime-metadata $py "$sanity/code-smell/runtime-metadata.py" meta/runtime.yml
check compile $py -c 'import sys; compile(open(sys.argv[1]).read(), sys.argv[1], "exec")' "$module"
check pep8 pycodestyle --max-line-length 160 --ignore "$(paste -sd, "$sanity/pep8/current-ignore.txt")" "$module"
check pyflakes pyflakes3 "$module"
# ansible-doc parses DOCUMENTATION, EXAMPLES and RETURN as a user sees them.
cd "$work"   # outside the collection: as a user runs them, by their names
doc_ok=1
doc=$(ansible-doc sriov_apply.host.sriov_apply 2>&1) || { echo "$doc"; doc_ok=0; }
for word in spec_content plan_file max_disruption EXAMPLES 'RETURN VALUES'; do
  grep -q -- "$word" <<<"$doc" || { echo "ansible-doc shows no $word"; doc_ok=0; }
done
role=$(ansible-doc -t role sriov_apply.host.sriov_apply 2>&1) || { echo "$role"; doc_ok=0; }
grep -q 'sriov_apply_spec_path' <<<"$role" || { echo "ansible-doc -t role shows no sriov_apply_spec_path"; doc_ok=0; }
[ $doc_ok = 1 ] && echo "ok: ansible-doc (module, role)" || { echo "FAIL: ansible-doc"; fail=1; }
out=$(ansible-playbook --syntax-check -i localhost, sriov_apply.host.fleet 2>&1) &&
  grep -q '^playbook: .*/playbooks/fleet.yml$' <<<"$out" && ! grep -q 'ERROR' <<<"$out" &&
  echo "ok: fleet playbook syntax" ||
  { echo "FAIL: fleet playbook syntax"; echo "$out"; fail=1; }
[ $fail = 0 ] && echo "PASS: ansible sanity" || { echo "FAIL: ansible sanity"; exit 1; }
