#!/bin/sh
# Runs in the e2e guest (started by /sbin/e2e-init): finds the igb PF, starts libvirtd, then runs
# each /share/scenarios/*.sh but lib.sh from a clean host (0 VFs, no rules file, no saved state),
# logging to /share/logs/NAME.log and appending "RESULT PASS|FAIL NAME SECONDS" to /share/results.txt.
export PATH=/share:/usr/sbin:/usr/bin:/sbin:/bin
S=/share; R=$S/results.txt
rm -f "$R"; mkdir -p "$S/logs"
up() { cut -d' ' -f1 /proc/uptime; }
echo "guest: kernel $(uname -r), uptime $(up) s"

modprobe igb; modprobe igbvf
udevadm settle -t 30
PF=""
for n in /sys/class/net/*; do
  [ -e "$n/device/sriov_totalvfs" ] || continue
  [ "$(basename "$(readlink -f "$n/device/driver")")" = igb ] && PF=$(basename "$n")
done
if [ -z "$PF" ]; then
  echo "guest: no igb PF with sriov_totalvfs"; ip -br link
  for f in "$S"/scenarios/*.sh; do [ "$(basename "$f")" = lib.sh ] || echo "RESULT FAIL $(basename "$f" .sh) 0" >> "$R"; done
  exit 1
fi
export PF
echo "guest: PF $PF pci $(basename "$(readlink -f /sys/class/net/$PF/device)") totalvfs $(cat /sys/class/net/$PF/device/sriov_totalvfs)"
echo "guest: sriov-apply: $(sriov-apply --version 2>&1 | head -1)"
missing=$(ldd /share/sriov-apply | grep 'not found')
[ -z "$missing" ] || echo "guest: sriov-apply misses libraries: $missing"

virtlogd -d
LIBVIRT_LOG_OUTPUTS="2:file:/var/log/libvirt/libvirtd.log" libvirtd -d -p /run/libvirtd.pid
for i in $(seq 1 120); do [ -S /run/libvirt/libvirt-sock ] && break; sleep 0.5; done
export LIBVIRT_DEFAULT_URI=qemu:///system
virsh -q uri >/dev/null 2>&1 && echo "guest: libvirtd up at $(up) s" || echo "guest: libvirtd did not start"

for f in "$S"/scenarios/*.sh; do
  name=$(basename "$f" .sh); [ "$name" != lib ] || continue
  # Clean host for each scenario.
  echo 0 > "/sys/class/net/$PF/device/sriov_numvfs"; udevadm settle -t 30
  rm -rf /etc/udev/rules.d/70-sriov-apply.rules /var/lib/sriov-apply /tmp/e2e
  mkdir -p /tmp/e2e
  echo "guest: == $name (uptime $(up) s)"
  t0=$(date +%s.%N)
  ( cd /tmp/e2e && sh -e "$f" ) > "$S/logs/$name.log" 2>&1; rc=$?
  secs=$(echo "$t0 $(date +%s.%N)" | awk '{printf "%.1f", $2-$1}')
  if [ $rc = 0 ]; then verdict=PASS; else verdict=FAIL; fi
  echo "RESULT $verdict $name $secs" | tee -a "$R"
  sed 's/^/    /' "$S/logs/$name.log"
  sync
done
dmesg | grep -iE 'sriov|VFs|igb' | tail -20 > "$S/logs/dmesg-igb.log"
kill "$(cat /run/libvirtd.pid)" 2>/dev/null
echo "guest: done at $(up) s"
