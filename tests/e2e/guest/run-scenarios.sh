#!/bin/sh
# Runs in the e2e guest on each boot (started by /sbin/e2e-init, or on the systemd boots by
# e2e-run.service once libvirtd and sriov-apply's units are done): finds the igb PF, starts
# libvirtd (systemd has started it on a systemd boot), then runs the /share/scenarios/*.sh (but lib.sh) that name this boot (e2e.boot= on
# the kernel command line) in their "# e2e-boot:" line, logging to /share/logs/NAME.log and
# appending "RESULT PASS|FAIL NAME SECONDS" to /share/results.txt.
# A scenario starts from a clean host (no domains, no networks, 0 VFs, PF down, no rules file,
# no saved state). One that lists several boots runs again on each later boot, with
# E2E_PHASE=2, 3..., without cleaning first: it checks what survived the reboot. Order on a boot:
# scenarios continuing from an earlier boot, then those of this boot only, then those that
# continue on a later boot (so that nothing cleans the host between their phase and the reboot).
# A scenario with a "# e2e-independent" line carries nothing across its boots: each of its phases
# starts clean and runs with this boot's own scenarios, never between another's phase and the
# reboot (it would clean that scenario's state away).
export PATH=/share:/usr/sbin:/usr/bin:/sbin:/bin
S=/share; R=$S/results.txt
mkdir -p "$S/logs"; touch "$R"
up() { cut -d' ' -f1 /proc/uptime; }
BOOT=$(sed -n 's/.*e2e\.boot=\([a-z0-9]*\).*/\1/p' /proc/cmdline); BOOT=${BOOT:-plain}
# Everything below also goes to logs/guest-BOOT.log (init's /share/guest.log is the last boot's).
if [ -z "${E2E_TEED:-}" ]; then
  E2E_TEED=1 sh -c '"$0" 2>&1 | tee "$1"; exit 0' "$0" "$S/logs/guest-$BOOT.log"
  exit 0
fi
echo "guest: boot $BOOT, kernel $(uname -r), uptime $(up) s"
# The host stops a boot whose heartbeat file is older than E2E_STALL (run.sh): a frozen guest.
# (Its output is not the tee's pipe, which must close for the boot to end.)
( while :; do up > "$S/heartbeat-$BOOT"; sleep 10; done ) < /dev/null > /dev/null 2>&1 &
HEARTBEAT=$!
boots_of() { sed -n 's/^# e2e-boot: *//p' "$1" | head -1 | grep . || echo plain; }
independent() { grep -q '^# e2e-independent' "$1"; }

modprobe igb; modprobe igbvf; modprobe vfio-pci
udevadm settle -t 30
# PF: the first igb PF; PFS: all of them (the systemd boots have two cards, sdnopf none).
PF=""; PFS=""
for n in /sys/class/net/*; do
  [ -e "$n/device/sriov_totalvfs" ] || continue
  if [ "$(basename "$(readlink -f "$n/device/driver")")" = igb ]; then
    [ -n "$PF" ] || PF=$(basename "$n"); PFS="$PFS $(basename "$n")"
  fi
done
export PFS
SYSTEMD=0; [ "$(cat /proc/1/comm)" = systemd ] && SYSTEMD=1
if [ -z "$PF" ] && [ "$BOOT" = sdnopf ]; then
  echo "guest: no igb PF, as this boot wants (the card is left out)"
  PF=absent
elif [ -z "$PF" ]; then
  echo "guest: no igb PF with sriov_totalvfs"; ip -br link
  for f in "$S"/scenarios/*.sh; do [ "$(basename "$f")" = lib.sh ] || echo "RESULT FAIL $(basename "$f" .sh) 0" >> "$R"; done
  exit 1
fi
export PF
echo "guest: PF $PF pci $(basename "$(readlink -f /sys/class/net/$PF/device)") totalvfs $(cat /sys/class/net/$PF/device/sriov_totalvfs) numvfs $(cat /sys/class/net/$PF/device/sriov_numvfs) (uptime $(up) s)"
echo "guest: IOMMU groups: $(ls /sys/kernel/iommu_groups 2>/dev/null | wc -l)"
echo "guest: sriov-apply: $(sriov-apply --version 2>&1 | head -1)"
missing=$(ldd /share/sriov-apply.bin | grep 'not found')
[ -z "$missing" ] || echo "guest: sriov-apply misses libraries: $missing"

if [ $SYSTEMD = 0 ]; then
  virtlogd -d
  LIBVIRT_LOG_OUTPUTS="2:file:/var/log/libvirt/libvirtd.log" libvirtd -d -p /run/libvirtd.pid
fi
for i in $(seq 1 120); do [ -S /run/libvirt/libvirt-sock ] && break; sleep 0.5; done
export LIBVIRT_DEFAULT_URI=qemu:///system
virsh -q uri >/dev/null 2>&1 && echo "guest: libvirtd up at $(up) s" || echo "guest: libvirtd did not start"

# A clean host: what any scenario may have left behind, gone.
clean() {
  for d in $(virsh list --all --name); do
    virsh destroy "$d" >/dev/null 2>&1; virsh undefine "$d" >/dev/null 2>&1
  done
  # libvirt gives a destroyed guest's VFs back to igbvf; let that finish before they go (the
  # host's QEMU 10 once aborted in TCG, iotlb_to_section, when they were removed at once).
  udevadm settle -t 30; sleep 1
  for n in $(virsh net-list --all --name); do
    virsh net-destroy "$n" >/dev/null 2>&1; virsh net-undefine "$n" >/dev/null 2>&1
  done
  # A VF given to vfio-pci by hand (virsh nodedev-detach: 14-adopt-by-hand) stays in libvirt's
  # books as detached by hand after the VF is gone, and libvirt then leaves a new VF at that
  # address on vfio-pci when a guest lets go of it, managed or not. Give every VF on vfio-pci
  # back through libvirt, which forgets it then.
  for p in $PFS; do
    for l in /sys/class/net/"$p"/device/virtfn*; do
      [ "$(basename "$(readlink -f "$l/driver" 2>/dev/null)")" = vfio-pci ] || continue
      virsh nodedev-reattach "pci_$(basename "$(readlink -f "$l")" | tr ':.' '__')" >/dev/null 2>&1 || true
    done
  done
  for p in $PFS; do
    echo 0 > "/sys/class/net/$p/device/sriov_numvfs"; udevadm settle -t 30
    ip link set "$p" down
  done
  rm -rf /etc/udev/rules.d/70-sriov-apply.rules /var/lib/sriov-apply /tmp/e2e
}

# watchdog PID LOG: once the scenario phase PID has run PHASE_TIMEOUT seconds (run.sh's
# E2E_PHASE_TIMEOUT), writes to LOG why it is stuck (every process's state, wait channel and
# kernel stack, the blocked tasks and the kernel's last words) and kills its whole session (its
# id in /run/e2e-phase.sid).
PHASE_TIMEOUT=$(cat "$S/phase-timeout" 2>/dev/null || echo 300)
watchdog() {
  i=0
  while [ $i -lt $PHASE_TIMEOUT ]; do sleep 1; i=$((i + 1)); kill -0 "$1" 2>/dev/null || return 0; done
  {
    echo "guest: WATCHDOG: phase still running after $PHASE_TIMEOUT s (uptime $(up) s); killing it"
    ps -eo pid,ppid,sid,stat,etimes,wchan:30,args | awk '$1 != 2 && $2 != 2'
    sid=$(cat /run/e2e-phase.sid 2>/dev/null)
    for p in $(ps -eo pid= -o sid= | awk -v s="$sid" '$2 == s { print $1 }'); do
      echo "-- kernel stack of $p ($(tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null)):"
      cat "/proc/$p/stack" 2>/dev/null
    done
    echo w > /proc/sysrq-trigger 2>/dev/null
    echo "-- dmesg (last 60 lines):"; dmesg | tail -60
  } >> "$2" 2>&1
  echo "guest: WATCHDOG killed $(basename "$2" .log) after $PHASE_TIMEOUT s"
  [ -n "$sid" ] || sid=$1
  kill -TERM -- "-$sid" 2>/dev/null; sleep 5; kill -KILL -- "-$sid" 2>/dev/null; kill -KILL "$1" 2>/dev/null
}

# run NAME PHASE PHASES: one phase of a scenario; its result line once it failed or is complete.
run() {
  name=$1; phase=$2; phases=$3; f=$S/scenarios/$name.sh
  if [ "$phase" = 1 ]; then clean; : > "$S/logs/$name.log"
  elif independent "$f"; then clean; fi
  mkdir -p /tmp/e2e
  echo "guest: == $name, phase $phase of $phases (uptime $(up) s)"
  echo "==== $name phase $phase of $phases, boot $BOOT" >> "$S/logs/$name.log"
  t0=$(date +%s.%N)
  # The phase runs in its own session (setsid) under a watchdog: a phase that hangs is killed
  # after PHASE_TIMEOUT seconds and fails with what every process was waiting on, and the
  # boot's other scenarios still run (the host's E2E_TIMEOUT is then left for a frozen guest).
  rm -f /run/e2e-phase.sid
  ( cd /tmp/e2e && E2E_BOOT=$BOOT E2E_PHASE=$phase exec setsid -w sh -c 'echo $$ > /run/e2e-phase.sid; exec sh -e "$0"' "$f" ) >> "$S/logs/$name.log" 2>&1 &
  pid=$!
  watchdog "$pid" "$S/logs/$name.log" &
  dog=$!
  wait "$pid"; rc=$?
  kill "$dog" 2>/dev/null; wait "$dog" 2>/dev/null
  secs=$(echo "$t0 $(date +%s.%N)" | awk '{printf "%.1f", $2-$1}')
  before=$(awk -v n="$name" '$1 == "PHASE" && $3 == n { s += $5 } END { printf "%.1f", s }' "$R")
  total=$(echo "$before $secs" | awk '{printf "%.1f", $1+$2}')
  if [ $rc != 0 ]; then
    echo "RESULT FAIL $name $total" | tee -a "$R"
  elif [ "$phase" = "$phases" ]; then
    echo "RESULT PASS $name $total" | tee -a "$R"
  else
    next="continues after the reboot"; independent "$f" && next="the next phase starts clean"
    echo "PHASE PASS $name $secs (phase $phase of $phases; $next)" | tee -a "$R"
  fi
  sync
}

continuing=""; here=""; later=""
for f in "$S"/scenarios/*.sh; do
  name=$(basename "$f" .sh); [ "$name" != lib ] || continue
  grep -q "^RESULT [A-Z]* $name " "$R" && continue   # failed on an earlier boot
  boots=$(boots_of "$f"); phases=$(echo $boots | wc -w)
  phase=$(echo $boots | tr ' ' '\n' | grep -nx "$BOOT" | cut -d: -f1)
  [ -n "$phase" ] || continue
  if [ "$phases" = 1 ] || independent "$f"; then here="$here $name:$phase:$phases"
  elif [ "$phase" -gt 1 ]; then continuing="$continuing $name:$phase:$phases"
  else later="$later $name:1:$phases"; fi
done
for s in $continuing $here $later; do
  run $(echo "$s" | tr ':' ' ')
done
dmesg | grep -iE 'sriov|VFs|igb|vfio|DMAR' | tail -40 > "$S/logs/dmesg-$BOOT.log"
if [ $SYSTEMD = 1 ]; then
  journalctl -b --no-pager > "$S/logs/journal-$BOOT.log" 2>&1
else
  cp /var/log/libvirt/libvirtd.log "$S/logs/libvirtd-$BOOT.log" 2>/dev/null
  kill "$(cat /run/libvirtd.pid)" 2>/dev/null
fi
kill $HEARTBEAT 2>/dev/null
echo "guest: boot $BOOT done at $(up) s"
