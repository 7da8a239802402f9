#!/bin/bash
# Stops the libvirtd that libvirtd-start.sh started for STATE_DIR, and any QEMU it left
# running (libvirtd leaves guests running when it stops). Safe to call when nothing runs.
#   usage: libvirtd-stop.sh STATE_DIR
set -uo pipefail
state=${1:?usage: libvirtd-stop.sh STATE_DIR}

# Whether pid has exited; a zombie has (QEMU is reparented to PID 1, which may reap late).
gone() {  # PID
  local status
  status=$(awk '/^State:/ { print $2 }' "/proc/$1/status" 2>/dev/null) || return 0
  [ -z "$status" ] || [ "$status" = Z ]
}

# Stops pid when it still is a process whose name starts with name (not a reused pid):
# SIGTERM, then SIGKILL after 5 s.
stop() {  # PID NAME
  local pid=$1 name=$2 comm
  comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 0
  [[ $comm == "$name"* ]] || return 0
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 1 100); do
    gone "$pid" && return 0
    sleep 0.05
  done
  kill -KILL "$pid" 2>/dev/null
}

# Guests first (run/qemu/driver.pid is the daemon's own lock file, not a guest).
for file in "$state"/run/qemu/*.pid; do
  [ -f "$file" ] && [ "${file##*/}" != driver.pid ] && stop "$(cat "$file")" qemu-system
done
for file in "$state/libvirtd.pid" "$state/daemon.pid"; do
  [ -f "$file" ] && stop "$(cat "$file")" libvirtd
done
exit 0
