#!/usr/bin/python
# -*- coding: utf-8 -*-
# The sriov_apply module: converges a host's SR-IOV VFs and their libvirt users on a spec by
# running the sriov-apply command line (plan in check mode, apply otherwise) and mapping its JSON
# documents and exit codes onto Ansible's changed/failed/diff.
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: sriov_apply
short_description: Converge SR-IOV VFs and their libvirt guests and networks on a spec
description:
  - Runs C(sriov-apply) on the managed host. In check mode it runs C(sriov-apply plan), which
    changes nothing; otherwise C(sriov-apply apply), which converges the host on the spec,
    verifies the result and rolls back on a failure.
  - C(changed) comes from the detailed exit code (C(--detailed-exitcode)); 2 means changes were
    planned (check mode) or made.
  - The plan is returned as the diff (one line per action, C(from) before and C(to) after) and as
    the JSON document C(sriov-apply plan --output json) prints.
  - An invalid spec (exit 3), a refused plan (exit 4) or a runtime failure (exit 1) fails the
    task with the tool's message; an invalid spec's diagnostics keep their FILE:LINE:COL.
  - Saved plans (C(plan_out), C(plan_file)) need an C(sriov-apply) that has C(plan --out FILE)
    and C(apply PLANFILE); with an older one the task fails saying so.
version_added: "0.1.0"
author:
  - sriov-apply developers (@sriov-apply)
requirements:
  - sriov-apply (the command line) on the managed host
options:
  spec:
    description:
      - Path of the spec (C(host.yaml)) on the managed host.
      - Exactly one of C(spec), C(spec_content) and C(plan_file) is required.
    type: path
  spec_content:
    description:
      - The spec itself, as YAML text. It is written to a temporary file on the managed host;
        diagnostics name it C(<spec_content>).
    type: str
  plan_file:
    description:
      - Apply this saved plan (made by C(sriov-apply plan --out FILE), for example by this module
        with C(plan_out) in check mode) instead of planning again. The tool refuses it (exit 4)
        when the host changed since the plan was made.
      - The plan options it was made with (C(max_disruption), C(phase), C(force),
        C(persist_file)) are the saved plan's; only C(state), C(connect) and C(extra_args) are
        passed.
      - In check mode the saved plan is read and reported; nothing runs.
    type: path
  plan_out:
    description:
      - Write the plan to this file (C(sriov-apply plan --out FILE)) for review and a later
        C(plan_file) run. The plan records the spec's path, so it needs C(spec), a file that
        stays where it is until the plan is applied. A refused plan is not saved.
      - In check mode only the plan is made. Otherwise the module makes the plan, writes it here
        and applies exactly that file.
    type: path
  state:
    description:
      - A state file (the output of C(sriov-apply show)). The module then works on a simulated
        host loaded from it instead of the real one, and an apply writes the result back to it.
        Meant for tests and CI.
    type: path
  max_disruption:
    description:
      - Refuse (fail, change nothing) a plan with an action above this disruption level.
      - When not given, the tool's default (C(recreate)) applies.
    type: str
    choices: [none, attribute, link, detach, restart, recreate]
  phase:
    description:
      - The boot phase to converge (see the tool's docs/boot.md). C(host) converges the kernel side
        only without asking libvirt; C(libvirt) and C(all) converge the whole spec.
      - When not given, the tool's default (C(all)) applies.
    type: str
    choices: [all, host, libvirt]
  force:
    description:
      - Allow disrupting guests that the spec does not list.
    type: bool
    default: false
  connect:
    description:
      - The libvirt connection URI. When not given, the tool's default (C(qemu:///system)).
    type: str
  persist_file:
    description:
      - The udev rules file sriov-apply owns. When not given, the tool's default.
    type: path
  extra_args:
    description:
      - More options passed to the command as they are, before the spec (for example
        C(--jobs 2)).
    type: list
    elements: str
    default: []
  binary:
    description:
      - The sriov-apply executable, a name looked up in the PATH (and the sbin folders) or a path.
    type: str
    default: sriov-apply
notes:
  - Check mode is supported and changes nothing on the host (with C(plan_out), the plan file is
    written).
  - Diff mode is supported; the diff is returned in every mode.
seealso:
  - name: sriov-apply documentation
    description: The spec format, the exit codes and the JSON documents (docs/spec.md).
    link: https://github.com/sriov-apply/sriov-apply/blob/main/docs/spec.md
attributes:
  check_mode:
    description: Runs C(sriov-apply plan), which changes nothing, and reports what apply would change.
    support: full
  diff_mode:
    description: The plan's actions as before and after texts.
    support: full
'''

EXAMPLES = r'''
- name: Show what would change (nothing is changed)
  sriov_apply.host.sriov_apply:
    spec: /etc/sriov-apply/host.yaml
  check_mode: true
  register: sriov_plan

- name: Converge, refusing anything that would restart a guest or re-create VFs
  sriov_apply.host.sriov_apply:
    spec: /etc/sriov-apply/host.yaml
    max_disruption: detach

- name: An inline spec
  sriov_apply.host.sriov_apply:
    spec_content: |
      apiVersion: sriov-apply/v1
      pfs:
        - name: enp3s0f0
          numVfs: 4

- name: Plan against a saved host state in CI (nothing on the machine is touched)
  sriov_apply.host.sriov_apply:
    spec: hosts/lab-01/host.yaml
    state: hosts/lab-01/state.yaml
  check_mode: true

- name: Review flow, step 1 - save the plan for review
  sriov_apply.host.sriov_apply:
    spec: /etc/sriov-apply/host.yaml
    plan_out: /var/lib/sriov-apply/reviewed.plan.json
  check_mode: true

- name: Review flow, step 2 - apply exactly the reviewed plan (refused if the host moved)
  sriov_apply.host.sriov_apply:
    plan_file: /var/lib/sriov-apply/reviewed.plan.json
'''

RETURN = r'''
changed:
  description: Whether changes were planned (check mode) or made (exit code 2).
  returned: always
  type: bool
rc:
  description:
    - The exit code of sriov-apply (0 no changes, 2 changes, 1 failure, 3 invalid spec, 4 refused).
    - 2 is a success; the module sets C(failed) itself, so Ansible does not take it for a failure.
  returned: when the command ran
  type: int
  sample: 2
cmd:
  description: The command line that ran.
  returned: when the command ran
  type: list
  elements: str
plan:
  description:
    - The plan (C(kind=Plan)) as C(sriov-apply plan --output json) prints it, with its actions,
      each with kind, target, from, to, disruption and reason; after an apply, each action also
      has its outcome and duration.
  returned: when a plan was made
  type: dict
  sample: {"apiVersion": "sriov-apply/v1", "kind": "Plan", "changes": true,
           "highestDisruption": "recreate", "preflight": [],
           "actions": [{"id": 1, "kind": "set-numvfs", "target": "pf/enp3s0f0", "from": "2",
                        "to": "0", "disruption": "recreate", "after": [], "reason": "..."}]}
result:
  description: The apply result (C(kind=ApplyResult)) with its status (converged, no-changes, refused, failed, ...).
  returned: when apply ran
  type: dict
error:
  description: The error document (C(kind=Error)) the tool printed.
  returned: when the tool failed before it had a plan or result
  type: dict
diagnostics:
  description: The spec's problems, each with file, line, col, severity and message.
  returned: when the tool reported any
  type: list
  elements: dict
  sample: [{"file": "host.yaml", "line": 4, "col": 5, "severity": "error",
            "message": "unknown key 'numVf' in a PF; did you mean 'numVfs'?"}]
diff:
  description: The plan as before (each action's C(from)) and after (its C(to)) texts.
  returned: when a plan was made
  type: dict
msg:
  description: One line about the outcome, or the tool's error message with the diagnostics as FILE:LINE:COL.
  returned: always
  type: str
stderr:
  description: What sriov-apply printed on stderr.
  returned: when the command ran
  type: str
'''

import json
import os
import re

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_text

SPEC_CONTENT_NAME = '<spec_content>'


def host_options(params):
    """The options that say which host and how: the same for plan and apply. A saved plan
    carries its own plan options (max disruption, phase, force, persist file): only the host."""
    args = []
    if params['state']:
        args += ['--state', params['state']]
    if params['connect']:
        args += ['--connect', params['connect']]
    if params['plan_file']:
        return args + list(params['extra_args'])
    if params['persist_file']:
        args += ['--persist-file', params['persist_file']]
    if params['max_disruption']:
        args += ['--max-disruption', params['max_disruption']]
    if params['phase']:
        args += ['--phase', params['phase']]
    if params['force']:
        args.append('--force')
    return args + list(params['extra_args'])


def value_text(value):
    if value is None:
        return '(none)'
    return to_text(value)


def plan_diff(plan):
    """Ansible's diff from a plan: one line per action, its `from` before, its `to` after."""
    before, after = [], []
    for action in plan.get('actions', []):
        head = '%s. %s %s' % (action.get('id'), action.get('kind'), action.get('target'))
        before.append('%s: %s\n' % (head, value_text(action.get('from'))))
        after.append('%s: %s [%s]\n' % (head, value_text(action.get('to')), action.get('disruption')))
    return {'before': ''.join(before), 'after': ''.join(after),
            'before_header': 'observed host', 'after_header': 'planned (sriov-apply plan)'}


def plan_summary(plan):
    actions = plan.get('actions', [])
    if not actions:
        return 'the host matches the spec'
    disruptive = len([a for a in actions if a.get('disruption') != 'none'])
    return 'Plan: %d actions, %d disruptive, highest disruption: %s' % (
        len(actions), disruptive, plan.get('highestDisruption'))


def diagnostic_text(diagnostic):
    return '%s:%s:%s: %s: %s' % (diagnostic.get('file'), diagnostic.get('line'), diagnostic.get('col'),
                                 diagnostic.get('severity'), diagnostic.get('message'))


def refusal_text(plan, error=None):
    reasons = ['%s: %s' % (p.get('target'), p.get('message'))
               for p in plan.get('preflight', []) if p.get('severity') == 'error']
    if error:
        reasons.append(error)
    return 'the plan is refused: ' + ('; '.join(reasons) or 'no reason given (see plan)')


def failure_message(document, rc):
    """The message of a failed run: the error's, with each diagnostic as FILE:LINE:COL."""
    kind = document.get('kind')
    if kind == 'Error':
        message = document.get('message', 'sriov-apply failed')
        parts = [diagnostic_text(d) for d in document.get('diagnostics', [])]
        parts += ['hint: ' + h for h in document.get('hints', [])]
        return message + (': ' + '; '.join(parts) if parts else '')
    if kind == 'Plan' and document.get('refused'):
        return refusal_text(document)
    if kind == 'ApplyResult':
        if document.get('status') == 'refused':
            return refusal_text(document.get('plan', {}), document.get('error'))
        failed = ['%s %s: %s' % (a.get('kind'), a.get('target'), a.get('error'))
                  for a in document.get('plan', {}).get('actions', []) if a.get('outcome') == 'failed']
        text = 'apply %s' % document.get('status')
        if document.get('error'):
            text += ': %s' % document.get('error')
        return text + ('; failed: ' + '; '.join(failed) if failed else '')
    return 'sriov-apply exited with %d' % rc


def named_spec(text, spec_path, params):
    """Diagnostics name the temporary file of spec_content as <spec_content>."""
    if params['spec_content'] is not None and spec_path:
        return text.replace(spec_path, SPEC_CONTENT_NAME)
    return text


def run_json(module, cmd, spec_path):
    """Runs cmd, returns (rc, document, stderr); a run without one JSON document fails the task."""
    rc, out, err = module.run_command(cmd)
    out = named_spec(out, spec_path, module.params)
    err = named_spec(err, spec_path, module.params)
    try:
        document = json.loads(out)
    except ValueError:
        module.fail_json(msg='sriov-apply printed no JSON document (exit %d): %s' % (rc, err.strip() or out.strip()),
                         rc=rc, cmd=cmd, stdout=out, stderr=err)
    return rc, document, err


def require_saved_plans(module, binary):
    """plan_out / plan_file need `plan --out FILE`; an older tool is told apart before it runs."""
    rc, out, err = module.run_command([binary, 'help', 'plan'])
    if rc != 0 or not re.search(r'(^|[\s,])--out([\s=,]|$)', out, re.M):
        module.fail_json(msg='this sriov-apply (%s) has no saved plans (plan --out FILE, apply PLANFILE); '
                             'install a newer one or use spec' % binary)


def spec_file(module):
    """The spec's path on the managed host; spec_content goes to a file in the module's tmpdir."""
    if module.params['spec_content'] is None:
        # absolute: a saved plan records the spec's path, and apply reads it from there
        return os.path.abspath(module.params['spec'])
    path = os.path.join(module.tmpdir, 'spec.yaml')
    with open(path, 'w') as f:
        f.write(module.params['spec_content'])
    return path


def fail(module, document, rc, result):
    result['msg'] = failure_message(document, rc)
    if document.get('kind') == 'Error':
        result['error'] = document
        result['diagnostics'] = document.get('diagnostics', [])
    module.fail_json(**result)


def report_plan(module, plan, rc, result):
    if plan.get('kind') != 'Plan':
        fail(module, plan, rc, result)
    result.update(changed=rc == 2, plan=plan, diff=plan_diff(plan), msg=plan_summary(plan))
    if rc not in (0, 2):
        fail(module, plan, rc, result)
    module.exit_json(failed=False, **result)


def saved_plan_check(module):
    """Check mode with plan_file: the saved plan is read and reported, nothing runs."""
    try:
        with open(module.params['plan_file']) as f:
            document = json.load(f)
    except (IOError, OSError, ValueError) as e:
        module.fail_json(msg='cannot read the saved plan %s: %s' % (module.params['plan_file'], to_text(e)))
    plan = document.get('plan') if isinstance(document, dict) and document.get('kind') == 'SavedPlan' else None
    if not isinstance(plan, dict) or 'actions' not in plan:
        module.fail_json(msg='%s is not a saved sriov-apply plan' % module.params['plan_file'])
    module.exit_json(changed=bool(plan.get('changes')), plan=plan, diff=plan_diff(plan),
                     msg=plan_summary(plan) + ' (saved plan, not run in check mode)')


def run(module, binary):
    params = module.params
    spec_path = spec_file(module) if params['plan_file'] is None else None
    common = ['--output', 'json', '--detailed-exitcode'] + host_options(params)
    result = {'changed': False}
    target = params['plan_file'] or spec_path
    if module.check_mode or params['plan_out']:
        cmd = [binary, 'plan'] + common + (['--out', params['plan_out']] if params['plan_out'] else [])
        rc, plan, err = run_json(module, cmd + ['--', spec_path], spec_path)
        result.update(rc=rc, cmd=cmd + ['--', spec_path], stderr=err)
        if module.check_mode or rc not in (0, 2) or plan.get('kind') != 'Plan':
            report_plan(module, plan, rc, result)
        target = params['plan_out']
    cmd = [binary, 'apply'] + common + ['--', target]
    rc, document, err = run_json(module, cmd, spec_path)
    result.update(rc=rc, cmd=cmd, stderr=err)
    if document.get('kind') == 'ApplyResult':
        plan = document.get('plan', {})
        result.update(result=document, plan=plan, diff=plan_diff(plan))
    if rc not in (0, 2):
        fail(module, document, rc, result)
    result.update(changed=rc == 2, msg='apply %s' % document.get('status', 'done'))
    module.exit_json(failed=False, **result)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            spec=dict(type='path'),
            spec_content=dict(type='str'),
            plan_file=dict(type='path'),
            plan_out=dict(type='path'),
            state=dict(type='path'),
            max_disruption=dict(type='str', choices=['none', 'attribute', 'link', 'detach', 'restart', 'recreate']),
            phase=dict(type='str', choices=['all', 'host', 'libvirt']),
            force=dict(type='bool', default=False),
            connect=dict(type='str'),
            persist_file=dict(type='path'),
            extra_args=dict(type='list', elements='str', default=[]),
            binary=dict(type='str', default='sriov-apply'),
        ),
        mutually_exclusive=[['spec', 'spec_content', 'plan_file'], ['plan_file', 'plan_out'], ['spec_content', 'plan_out']],
        required_one_of=[['spec', 'spec_content', 'plan_file']],
        supports_check_mode=True,
    )
    binary = module.get_bin_path(module.params['binary'], required=True)
    for name in ('plan_file', 'plan_out'):  # the tool resolves them from its own folder
        if module.params[name]:
            module.params[name] = os.path.abspath(module.params[name])
    if module.params['plan_file'] or module.params['plan_out']:
        require_saved_plans(module, binary)
    if module.params['plan_file'] and module.check_mode:
        saved_plan_check(module)
    run(module, binary)


if __name__ == '__main__':
    main()
