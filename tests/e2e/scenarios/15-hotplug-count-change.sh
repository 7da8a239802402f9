# e2e-boot: iommu
# Scenario 15: the default disruption path succeeding. A running guest (the hotplug boot
# sector, which completes PCI unplugs through QEMU's ACPI hot-plug) holds VF 0 (hostdev
# interface, MAC and VLAN) and a VF of a pool (network interface); VF 2 has a host-side MAC.
# First --max-disruption attribute refuses the count change and nothing moves. Then, with
# onDisruption: hotplug, the count 4 -> 5 detaches both devices live, re-creates the VFs and
# attaches them again live: the guest never restarts (same domain id), its nested QEMU has both
# VFs again, with the same MACs and VLAN, and every VF the spec sets has its MAC again while the
# one it does not set is as it was.
. /share/scenarios/lib.sh
define_guest g5 hotplug
guest_spec() {
  pool1_spec "$1" "$2"
  # pool1_spec ends with "guests:"; the host-side VF 2 setting goes into the PF's vfs.
  sed -i "s/^    numVfs: $2\$/    numVfs: $2\n    vfs:\n      - index: 2\n        mac: \"02:00:00:6d:90:52\"/" "$1"
  cat >> "$1" <<YAML
  - name: g5
    onDisruption: hotplug
    interfaces:
      - vf: {pf: $PF, index: 0}
        mac: "52:54:00:6d:90:50"
        vlan: 45
      - network: vfpool
        mac: "52:54:00:6d:90:51"
YAML
  echo "--- $1"; cat "$1"
}
H="/domain/devices/interface[mac/@address='52:54:00:6d:90:50']"
P="/domain/devices/interface[mac/@address='52:54:00:6d:90:51']"
# vf_devices: how many igb VFs (8086:10ca) the nested QEMU itself has (its own device list).
vf_devices() { virsh qemu-monitor-command g5 --hmp 'info pci' | grep -c '8086:10ca' || true; }
# guest_checks: g5 runs with VF 0 and VF 1 live, through vfio-pci, with their MACs and VLAN.
guest_checks() {
  check "g5 is running" [ "$(dom_state g5)" = running ]
  dump g5 live.xml
  check "live: hostdev interface on VF 0, MAC ...:50, VLAN 45" [ "$(xn live.xml "$H/source/address[$(pci_xpath "$(vf_pci 0)")]")/$(xp live.xml "$H/vlan/tag/@id")" = 1/45 ]
  check "live: the pool's interface (MAC ...:51) on VF 1" [ "$(xn live.xml "$P/source/address[$(pci_xpath "$(vf_pci 1)")]")" = 1 ]
  check "the nested QEMU's device list (info pci) has two igb VFs" [ "$(vf_devices)" = 2 ]
  check "VF 0 and VF 1 are bound to vfio-pci" [ "$(vf_driver "$(vf_pci 0)") $(vf_driver "$(vf_pci 1)")" = "vfio-pci vfio-pci" ]
  check "VF 0's MAC and VLAN on the PF" [ "$(vf_json 0 | jq -r '.address + " " + (.vlan_list[0].vlan|tostring)')" = "52:54:00:6d:90:50 45" ]
  check "VF 1's MAC on the PF" [ "$(vf_json 1 | jq -r .address)" = 52:54:00:6d:90:51 ]
  check "VF 2's host-side MAC" [ "$(vf_json 2 | jq -r .address)" = 02:00:00:6d:90:52 ]
}

guest_spec four.yaml 4
tool apply --detailed-exitcode four.yaml
check "setup apply exits 2" [ "$RC" = 2 ]
start_guest g5
guest_checks
id=$(virsh domid g5)
vf3_before=$(vf_json 3); echo "VF 3 before: $vf3_before"
virsh dumpxml --inactive g5 > config-before.xml
ip -j link show "$PF" | jq -c '.[0].vfinfo_list' > vfs-before.json

# (c) the same guest with --max-disruption attribute: refused, nothing changed.
guest_spec five.yaml 5
tool apply --detailed-exitcode --max-disruption attribute five.yaml
check "--max-disruption attribute refuses the count change: exit 4" [ "$RC" = 4 ]
check "sriov_numvfs still reads 4" [ "$(numvfs)" = 4 ]
check "g5 still runs, same domain id" [ "$(dom_state g5)/$(virsh domid g5)" = "running/$id" ]
ip -j link show "$PF" | jq -c '.[0].vfinfo_list' > vfs-refused.json
check "every VF's settings as before" cmp vfs-before.json vfs-refused.json
virsh dumpxml --inactive g5 > config-refused.xml
check "the guest's config byte for byte as before" cmp config-before.xml config-refused.xml
check "the nested QEMU still has both VFs" [ "$(vf_devices)" = 2 ]

# (a) the count change, hot-unplug and hot-plug.
tool_sim apply --detailed-exitcode five.yaml
check "apply 4 -> 5 exits 2" [ "$RC" = 2 ]
check "it detached both devices live and attached them again" [ "$(printf '%s\n' "$OUT" | grep -c '\] detach-device guest/g5/ua-sriov-net[01] done')/$(printf '%s\n' "$OUT" | grep -c '\] attach-device guest/g5/ua-sriov-net[01] done')" = 2/2 ]
check "sriov_numvfs reads 5" [ "$(numvfs)" = 5 ]
check "g5 was never restarted (same domain id)" [ "$(virsh domid g5)" = "$id" ]
guest_checks
echo "VF 3 after: $(vf_json 3)"
check "VF 3, which the spec does not set, as before" [ "$(vf_json 3 | jq -c '[.address, .vlan_list]')" = "$(echo "$vf3_before" | jq -c '[.address, .vlan_list]')" ]
check "VF 4 is new and free (igbvf)" [ "$(vf_driver "$(vf_pci 4)")" = igbvf ]
dump g5 config.xml --inactive
check "config: VF 0's interface with MAC and VLAN, the pool's interface with its MAC" [ "$(xn config.xml "$H/source/address[$(pci_xpath "$(vf_pci 0)")]")/$(xp config.xml "$H/vlan/tag/@id")/$(xp config.xml "$P/@type")" = 1/45/network ]

tool_sim apply --detailed-exitcode five.yaml
check "apply again exits 0" [ "$RC" = 0 ]
check "... No changes" has "No changes" "$OUT"
