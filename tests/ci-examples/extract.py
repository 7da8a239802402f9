#!/usr/bin/python3
"""Writes the shell commands of a CI example (contrib/ci) as one script per job or step.

Usage: extract.py gitlab|github FILE OUTDIR; prints the scripts' paths in the order the CI runs
them. The install of the package (GitLab's .install-sriov-apply before_script, the GitHub step
with id `install`) and the `uses:` actions are left out: the test puts the binary on the PATH.
"""
import os
import sys

import yaml

GITLAB_KEYWORDS = {'stages', 'default', 'workflow', 'variables', 'include', 'image', 'services', 'cache'}


def gitlab_jobs(doc):
    stages = doc.get('stages', ['build', 'test', 'deploy'])
    jobs = [(name, job) for name, job in doc.items()
            if name not in GITLAB_KEYWORDS and not name.startswith('.') and isinstance(job, dict)]
    for name, job in sorted(jobs, key=lambda nj: stages.index(nj[1].get('stage', 'test'))):
        if 'before_script' in job:
            sys.exit('%s: a before_script of its own (only .install-sriov-apply is left out)' % name)
        # GitLab's bash runs the lines of script: one after the other, stopping at a failure
        yield name, ['set -eo pipefail'] + list(job['script'])


def github_steps(doc):
    for job_name, job in doc['jobs'].items():
        shell = job.get('defaults', {}).get('run', {}).get('shell')
        if shell != 'bash':
            sys.exit('job %s: the test runs the steps with bash; give defaults.run.shell: bash' % job_name)
        for i, step in enumerate(job['steps']):
            if 'run' not in step or step.get('id') == 'install':
                continue
            # shell: bash is run as `bash --noprofile --norc -eo pipefail {0}`
            yield step.get('id', '%s-%d' % (job_name, i)), ['set -eo pipefail', step['run']]


def main():
    kind, path, outdir = sys.argv[1:4]
    with open(path) as f:
        doc = yaml.safe_load(f)
    jobs = gitlab_jobs(doc) if kind == 'gitlab' else github_steps(doc)
    for n, (name, lines) in enumerate(jobs):
        script = os.path.join(outdir, '%02d-%s.sh' % (n, name))
        with open(script, 'w') as f:
            f.write('\n'.join(lines) + '\n')
        print(script)


if __name__ == '__main__':
    main()
