# e2e-boot: iommu
# Scenario 12: a failure in the middle of an apply. Two running guests with onDisruption:
# restart hold VFs of the PF whose count changes: g4 (acpi-off) shuts down when asked, g3 (halt,
# no OS) ignores the ACPI power button. Both shutdowns run at once; g4's is done, g3's fails
# after --shutdown-timeout; sriov-apply rolls everything back to the state before: g4 is
# started again with its device, g3 keeps running untouched, the pool and the VFs as they were.
. /share/scenarios/lib.sh
define_guest g3 halt
define_guest g4 acpi-off
rs_spec() {
  pool1_spec "$1" "$2"
  cat >> "$1" <<YAML
  - name: g3
    onDisruption: restart
    interfaces:
      - vf: {pf: $PF, index: 0}
        mac: "52:54:00:6d:90:40"
      - network: vfpool
        mac: "52:54:00:6d:90:41"
  - name: g4
    onDisruption: restart
    interfaces:
      - vf: {pf: $PF, index: 2}
        mac: "52:54:00:6d:90:42"
        vlan: 44
YAML
  echo "--- $1"; cat "$1"
}
rs_spec three.yaml 3
tool apply --detailed-exitcode three.yaml
check "setup apply exits 2" [ "$RC" = 2 ]
start_guest g3
start_guest g4
check "g3 and g4 are running" [ "$(dom_state g3)/$(dom_state g4)" = running/running ]
id3=$(virsh domid g3); id4=$(virsh domid g4)
# The state before: the kernel's and libvirt's views (g4's live XML only for its interface: it
# is a new QEMU process after the rollback).
snap() {
  ip -j link show "$PF" | jq -c '.[0].vfinfo_list' > "$1.vfs"
  for i in 0 1 2 3; do echo "$i $(readlink -f "$D/virtfn$i" 2>/dev/null) $(vf_driver "$(vf_pci $i)" 2>/dev/null)"; done > "$1.sysfs"
  virsh dumpxml g3 > "$1.g3-live.xml"
  virsh dumpxml --inactive g3 > "$1.g3-config.xml"
  virsh dumpxml g4 | sed -n '/<interface/,/<\/interface>/p' > "$1.g4-live-interface.xml"
  virsh dumpxml --inactive g4 > "$1.g4-config.xml"
  virsh net-dumpxml vfpool > "$1.net.xml"
  virsh net-info vfpool > "$1.net-info"
  cp "$RULES" "$1.rules"
}
snap before

rs_spec four.yaml 4
tool apply --shutdown-timeout 8 four.yaml
check "apply fails: exit 1" [ "$RC" = 1 ]
check "it says g3 did not shut down within 8 s" has "guest g3 did not shut down within 8 s" "$OUT"
check "g4 was shut down before that (the failure came in the middle)" has "shutdown-guest guest/g4 done" "$OUT"
check "it rolled back" has "rolled back: the host is as it was before this apply" "$OUT"
check "the rollback started g4 again" sh -c 'printf "%s\n" "$1" | sed -n "/rolling back/,\$p" | grep -q "start-guest guest/g4 done"' - "$OUT"
snap after
for part in vfs sysfs g3-live.xml g3-config.xml g4-live-interface.xml g4-config.xml net.xml net-info rules; do
  check "unchanged after the rollback: $part" diff -u before.$part after.$part
done
check "g3 still runs, same domain id" [ "$(dom_state g3)/$(virsh domid g3)" = "running/$id3" ]
check "g4 runs again, a new domain id" [ "$(dom_state g4)" = running ] && [ "$(virsh domid g4)" != "$id4" ]
check "sriov_numvfs reads 3" [ "$(numvfs)" = 3 ]
check "VF 2 is g4's again: vfio-pci, MAC and VLAN set by libvirt" [ "$(vf_driver "$(vf_pci 2)") $(vf_json 2 | jq -r '.address + " " + (.vlan_list[0].vlan|tostring)')" = "vfio-pci 52:54:00:6d:90:42 44" ]
