# Sourced by the Ansible tests: a private, offline Ansible (its home, temp folders and
# collections path under $work) that finds the collection in contrib/ansible, and the paths the
# tests' playbooks get. Needs: $src (the source tree) and $work (a fresh temporary folder).
export ANSIBLE_HOME=$work/ansible-home
export ANSIBLE_LOCAL_TEMP=$work/ansible-tmp
export ANSIBLE_REMOTE_TEMP=$work/ansible-tmp
export ANSIBLE_COLLECTIONS_PATH=$src/contrib/ansible
export ANSIBLE_ROLES_PATH=$src/contrib/ansible/ansible_collections/sriov_apply/host/roles
export ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 ANSIBLE_RETRY_FILES_ENABLED=0
export ANSIBLE_GATHERING=explicit ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_INVENTORY_UNPARSED_WARNING=0
export ANSIBLE_DEPRECATION_WARNINGS=0 ANSIBLE_STDOUT_CALLBACK=default
