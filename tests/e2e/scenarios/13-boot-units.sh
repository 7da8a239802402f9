# e2e-boot: sd0 sd1 sd2 sdnopf
# Scenario 13: boot-time convergence under systemd as PID 1, from the .deb built by this run.
# sd0 installs the package (nothing enabled, nothing changed), writes a spec (PF A: VF 0 with mac,
# vlan, trust, spoof check and max rate, VF 2 on vfio-pci, VF 1 a hostdev interface of the
# autostart guest bootguest; PF B: a <pf dev> pool, autostart; persist: false, so the unit and
# not the udev rule makes the VFs), applies it once, enables both units.
# sd1 asserts from sysfs, ip, virsh and systemctl only, with no command run after the boot,
# that the host phase converged the kernel side before libvirtd started and libvirt then ran
# the pool and the guest on it; then breaks the spec. sd2: the unit fails visibly (exit 3,
# file:line:col in the journal), libvirtd starts, nothing changed. sdnopf (no igb cards): the
# unit ends after its PF wait naming the missing PF, libvirtd starts, nothing changed.
. /share/scenarios/lib.sh
KEEP=/var/lib/e2e-boot   # on the VM's disk: survives the reboots
SPEC=/etc/sriov-apply/host.yaml
BIN=/usr/sbin/sriov-apply
prop() { systemctl show "$1" -p "$2" --value; }
# secs USEC: a monotonic timestamp in seconds since boot.
secs() { echo "$1" | awk '{printf "%.1f", $1 / 1000000}'; }
vf_of() { basename "$(readlink -f "/sys/class/net/$1/device/virtfn$2")"; }
vf_of_json() { ip -j link show "$1" | jq -c ".[0].vfinfo_list[] | select(.vf == $2)"; }
snapshots() { ls /var/lib/sriov-apply/before-*.state.yaml 2>/dev/null | wc -l; }
journal() { journalctl -b -u "$1" --no-pager -o cat; }
timeline() {
  k=$(prop sriov-apply.service ExecMainStartTimestampMonotonic)
  e=$(prop sriov-apply.service ExecMainExitTimestampMonotonic)
  l=$(prop libvirtd.service ExecMainStartTimestampMonotonic)
  v=$(prop sriov-apply-libvirt.service ExecMainExitTimestampMonotonic)
  echo "timeline (s since boot): sriov-apply.service $(secs "$k") -> $(secs "$e"), libvirtd start $(secs "$l"), sriov-apply-libvirt.service end $(secs "$v")"
}
# ledger: each phase appends its number, boot and boot id to $KEEP/phases and checks that the
# phase before it ran, once, on an earlier boot: a boot run twice (the harness retries a boot
# that hangs early) or a reboot whose disk lost the last phase's writes shows here by name.
ledger() {
  id=$(cat /proc/sys/kernel/random/boot_id)
  echo "phases so far (phase boot boot-id uptime):"; cat "$KEEP/phases" 2>/dev/null || true
  if [ "$E2E_PHASE" -gt 1 ]; then
    check "phase $((E2E_PHASE - 1)) was the last to run, on an earlier boot" \
      sh -c "tail -1 '$KEEP/phases' | awk -v p=$((E2E_PHASE - 1)) -v id=$id '\$1 == p && \$3 != id { ok = 1 } END { exit !ok }'"
    check "... and this phase has not run before" sh -c "! awk '\$1 == $E2E_PHASE' '$KEEP/phases' | grep -q ."
  fi
  echo "$E2E_PHASE $E2E_BOOT $id $(cut -d' ' -f1 /proc/uptime)" >> "$KEEP/phases"
  sync
}
unit_report() {
  for u in sriov-apply.service sriov-apply-libvirt.service; do
    echo "--- systemctl status $u"; systemctl status --no-pager "$u" || true
    echo "--- journal of $u"; journal "$u"
  done
}

case $E2E_PHASE in
1)
  set -- $PFS; A=${1:-}; B=${2:-}
  check "two igb PFs on this boot ($PFS)" [ -n "$B" ]
  mkdir -p "$KEEP"; echo "$A $B" > "$KEEP/pfs"; : > "$KEEP/phases"
  ledger
  check "PID 1 is systemd" [ "$(cat /proc/1/comm)" = systemd ]
  check "the .deb of this run is in the share" [ -f /share/sriov-apply.deb ]
  dpkg-deb -I /share/sriov-apply.deb | sed -n '/Package/,/Description/p'
  dpkg -i /share/sriov-apply.deb
  check "the package is installed" dpkg -s sriov-apply
  check "it ships both units" sh -c 'dpkg -L sriov-apply | grep -qx /lib/systemd/system/sriov-apply.service && dpkg -L sriov-apply | grep -qx /lib/systemd/system/sriov-apply-libvirt.service'
  check "installing enabled neither unit" [ "$(systemctl is-enabled sriov-apply.service sriov-apply-libvirt.service | tr '\n' ' ')" = "disabled disabled " ]
  check "installing started neither unit" [ "$(systemctl is-active sriov-apply.service sriov-apply-libvirt.service | tr '\n' ' ')" = "inactive inactive " ]
  check "installing changed nothing (no VFs, no rules file, no snapshot)" [ "$(cat /sys/class/net/$A/device/sriov_numvfs)$(cat /sys/class/net/$B/device/sriov_numvfs)$(snapshots)" = 000 ]
  check "the packaged binary runs" $BIN --version
  define_guest bootguest halt
  virsh autostart bootguest
  mkdir -p /etc/sriov-apply
  cat > "$SPEC" <<YAML
apiVersion: sriov-apply/v1
pfs:
  - name: $A
    numVfs: 3
    persist: false
    vfs:
      - index: 0
        mac: "02:00:00:00:e2:00"
        vlan: 10
        trust: true
        spoofCheck: false
        maxTxRate: 100
      - index: 2
        driver: vfio-pci
  - name: $B
    numVfs: 2
    persist: false
networks:
  - name: vfpool
    pf: $B
    autostart: true
guests:
  - name: bootguest
    interfaces:
      - vf: {pf: $A, index: 1}
        mac: "52:54:00:e2:00:01"
YAML
  cat "$SPEC"
  set +e; $BIN apply "$SPEC"; rc=$?; set -e
  check "the first apply converges (exit 0)" [ "$rc" = 0 ]
  systemctl enable sriov-apply.service sriov-apply-libvirt.service
  check "both units enabled" [ "$(systemctl is-enabled sriov-apply.service sriov-apply-libvirt.service | tr '\n' ' ')" = "enabled enabled " ]
  snapshots > "$KEEP/snapshots"
  ;;
2)
  read -r A B < "$KEEP/pfs"
  unit_report
  ledger
  timeline | tee "$KEEP/timeline-sd1"; cp "$KEEP/timeline-sd1" /share/logs/boot-timeline.txt
  check "sriov-apply.service succeeded at boot" [ "$(prop sriov-apply.service Result)/$(prop sriov-apply.service ExecMainStatus)" = success/0 ]
  check "sriov-apply-libvirt.service succeeded at boot" [ "$(prop sriov-apply-libvirt.service Result)/$(prop sriov-apply-libvirt.service ExecMainStatus)" = success/0 ]
  check "the host phase ended before libvirtd started" [ "$(prop sriov-apply.service ExecMainExitTimestampMonotonic)" -le "$(prop libvirtd.service ExecMainStartTimestampMonotonic)" ]
  check "the libvirt phase ran after libvirtd started" [ "$(prop sriov-apply-libvirt.service ExecMainStartTimestampMonotonic)" -ge "$(prop libvirtd.service ExecMainStartTimestampMonotonic)" ]
  check "the host phase's plan is in the journal" sh -c 'journalctl -b -u sriov-apply.service -o cat | grep -q "set-numvfs"'
  check "the libvirt phase found nothing to do" sh -c 'journalctl -b -u sriov-apply-libvirt.service -o cat | grep -q "No changes"'
  check "PF $A has 3 VFs, PF $B 2" [ "$(cat /sys/class/net/$A/device/sriov_numvfs)/$(cat /sys/class/net/$B/device/sriov_numvfs)" = 3/2 ]
  echo "VF 0 of $A: $(vf_of_json "$A" 0)"
  check "VF 0: mac, vlan 10, trust on, spoof check off, max rate 100" [ "$(vf_of_json "$A" 0 | jq -r '"\(.address) \(.vlan_list[0].vlan) \(.trust) \(.spoofchk) \(.rate.max_tx)"')" = "02:00:00:00:e2:00 10 true false 100" ]
  check "VF 2 of $A is bound to vfio-pci" [ "$(vf_driver "$(vf_of "$A" 2)")" = vfio-pci ]
  check "both PFs are up" sh -c "ip -j link show $A | jq -e '.[0].flags | index(\"UP\")' >/dev/null && ip -j link show $B | jq -e '.[0].flags | index(\"UP\")' >/dev/null"
  virsh net-info vfpool
  check "libvirt autostarted the pool" sh -c 'virsh net-info vfpool | grep -qE "^Active: +yes" && virsh net-info vfpool | grep -qE "^Autostart: +yes"'
  virsh net-dumpxml vfpool > net.xml
  check "the pool lists $B's 2 VFs" [ "$(xn net.xml '/network/forward/address')/$(xn net.xml "/network/forward/address[$(pci_xpath "$(vf_of "$B" 1)")]")" = 2/1 ]
  check "libvirt autostarted bootguest" [ "$(dom_state bootguest)" = running ]
  dump bootguest live.xml
  H="/domain/devices/interface[@type='hostdev']"
  check "bootguest runs with VF 1 of $A as a hostdev interface, MAC ...:01" [ "$(xn live.xml "$H/source/address[$(pci_xpath "$(vf_of "$A" 1)")]")/$(xp live.xml "$H/mac/@address")" = 1/52:54:00:e2:00:01 ]
  check "libvirt set VF 1's MAC through the PF" [ "$(vf_of_json "$A" 1 | jq -r .address)" = 52:54:00:e2:00:01 ]
  check "VF 1 is on vfio-pci (the guest holds it)" [ "$(vf_driver "$(vf_of "$A" 1)")" = vfio-pci ]
  snapshots > "$KEEP/snapshots"
  # The next boot's spec is broken: numVfs is not a number.
  cp "$SPEC" "$KEEP/host.yaml"
  sed -i 's/numVfs: 3/numVfs: three/' "$SPEC"
  sync
  check "the broken spec is written" grep -q 'numVfs: three' "$SPEC"
  ;;
3)
  read -r A B < "$KEEP/pfs"
  unit_report
  ledger
  check "the spec is the one broken on the last boot" grep -q 'numVfs: three' "$SPEC"
  check "sriov-apply.service failed with exit 3 (invalid spec)" [ "$(systemctl is-failed sriov-apply.service)/$(prop sriov-apply.service Result)/$(prop sriov-apply.service ExecMainStatus)" = failed/exit-code/3 ]
  check "the journal names the spec's line and column" sh -c "journalctl -b -u sriov-apply.service -o cat | grep -qE '^$SPEC:[0-9]+:[0-9]+: error'"
  check "libvirtd started anyway" [ "$(prop libvirtd.service ExecMainStartTimestampMonotonic)" -gt 0 ]
  check "nothing changed: no VFs (persist: false), no rules file" [ "$(cat /sys/class/net/$A/device/sriov_numvfs)/$(cat /sys/class/net/$B/device/sriov_numvfs)/$(ls /etc/udev/rules.d/70-sriov-apply.rules 2>/dev/null | wc -l)" = 0/0/0 ]
  check "nothing changed: no snapshot written at this boot" [ "$(snapshots)" = "$(cat "$KEEP/snapshots")" ]
  # The next boot: the spec is right again, but the cards are gone; wait 15 s for them.
  cp "$KEEP/host.yaml" "$SPEC"
  echo "SRIOV_APPLY_WAIT_FOR_PFS=15" > /etc/default/sriov-apply
  sync
  ;;
4)
  read -r A B < "$KEEP/pfs"
  unit_report
  ledger
  check "no igb PF on this boot" [ ! -e "/sys/class/net/$A" ]
  start=$(prop sriov-apply.service ExecMainStartTimestampMonotonic); end=$(prop sriov-apply.service ExecMainExitTimestampMonotonic)
  echo "sriov-apply.service ran $(secs $((end - start))) s"
  check "sriov-apply.service failed with exit 1" [ "$(systemctl is-failed sriov-apply.service)/$(prop sriov-apply.service ExecMainStatus)" = failed/1 ]
  check "... after its 15 s PF wait, well within its timeout" sh -c "[ $((end - start)) -ge 15000000 ] && [ $((end - start)) -lt 60000000 ]"
  check "the journal says which PFs are missing and where the spec names them" sh -c "journalctl -b -u sriov-apply.service -o cat | grep -qF 'not on this host: $A ($SPEC:3:5), $B ($SPEC:'"
  check "libvirtd started anyway" [ "$(prop libvirtd.service ExecMainStartTimestampMonotonic)" -gt 0 ]
  check "nothing changed: no snapshot written at this boot" [ "$(snapshots)" = "$(cat "$KEEP/snapshots")" ]
  # A clean purge: every file of the package, the units' enablement and the snapshots go; the
  # operator's spec stays.
  dpkg -L sriov-apply | sort > files.txt
  systemctl disable sriov-apply.service sriov-apply-libvirt.service
  dpkg --purge sriov-apply
  check "purged: dpkg knows no sriov-apply" sh -c '! dpkg -s sriov-apply >/dev/null 2>&1'
  left=$(while read -r f; do if [ -f "$f" ]; then echo "$f"; fi; done < files.txt)
  check "purged: none of its files is left ($left)" [ -z "$left" ]
  check "purged: no unit and no enablement link left" sh -c '! ls /etc/systemd/system/*/sriov-apply* /lib/systemd/system/sriov-apply* 2>/dev/null | grep -q .'
  check "purged: the snapshots are gone, the spec stays" sh -c '[ ! -e /var/lib/sriov-apply ] && [ -f /etc/sriov-apply/host.yaml ]'
  rm -rf "$KEEP"
  ;;
esac
