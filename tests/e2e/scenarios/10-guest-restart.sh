# e2e-boot: iommu
# Scenario 10: a running guest holds VF 0 (hostdev interface, MAC and VLAN) and a VF of a pool
# (network interface). The PF's count changes 2 -> 3, which destroys every VF; with
# onDisruption: restart the guest is shut down (ACPI; the acpi-off boot sector answers it),
# the count changes, and it is started again with its devices and the same MACs.
. /share/scenarios/lib.sh
define_guest g1 acpi-off
guest_spec() {
  pool1_spec "$1" "$2"
  cat >> "$1" <<YAML
  - name: g1
    onDisruption: restart
    interfaces:
      - vf: {pf: $PF, index: 0}
        mac: "52:54:00:6d:90:20"
        vlan: 42
      - network: vfpool
        mac: "52:54:00:6d:90:21"
YAML
  echo "--- $1"; cat "$1"
}
H="/domain/devices/interface[mac/@address='52:54:00:6d:90:20']"
N="/domain/devices/interface[@type='network']"
# running_checks: g1 runs with both VFs through vfio-pci, libvirt set their MACs and VLAN.
running_checks() {
  check "g1 is running" [ "$(dom_state g1)" = running ]
  dump g1 live.xml
  check "live: hostdev interface on VF 0, MAC ...:20, VLAN 42" [ "$(xn live.xml "$H/source/address[$(pci_xpath "$(vf_pci 0)")]")/$(xp live.xml "$H/mac/@address")/$(xp live.xml "$H/vlan/tag/@id")" = 1/52:54:00:6d:90:20/42 ]
  # libvirt's live XML shows the pool's interface as what it got: <interface type='hostdev'> on
  # the VF it took, the network's name gone (the inactive XML keeps type='network').
  P="/domain/devices/interface[mac/@address='52:54:00:6d:90:21']"
  check "live: the pool's interface (MAC ...:21) is a hostdev interface on VF 1, alias kept" [ "$(xp live.xml "$P/@type")/$(xn live.xml "$P/source/address[$(pci_xpath "$(vf_pci 1)")]")/$(xp live.xml "$P/alias/@name")" = hostdev/1/ua-sriov-net1 ]
  check "VF 0 and VF 1 are bound to vfio-pci" [ "$(vf_driver "$(vf_pci 0)") $(vf_driver "$(vf_pci 1)")" = "vfio-pci vfio-pci" ]
  q=$(ps -eo args | grep '[q]emu-system')
  check "the nested QEMU has both VFs (vfio-pci devices)" sh -c 'printf "%s" "$3" | grep -qF "\"host\":\"$1\"" && printf "%s" "$3" | grep -qF "\"host\":\"$2\""' - "$(vf_pci 0)" "$(vf_pci 1)" "$q"
  check "libvirt set VF 0's MAC and VLAN through the PF" [ "$(vf_json 0 | jq -r '.address + " " + (.vlan_list[0].vlan|tostring)')" = "52:54:00:6d:90:20 42" ]
  check "libvirt set VF 1's MAC through the PF" [ "$(vf_json 1 | jq -r .address)" = 52:54:00:6d:90:21 ]
}

guest_spec two.yaml 2
tool apply --detailed-exitcode two.yaml
check "setup apply exits 2" [ "$RC" = 2 ]
start_guest g1
running_checks
id1=$(virsh domid g1)

guest_spec three.yaml 3
tool_sim apply --detailed-exitcode three.yaml
check "apply 2 -> 3 exits 2" [ "$RC" = 2 ]
check "it shut the guest down and started it again" sh -c 'printf "%s\n" "$1" | grep -q "shutdown-guest guest/g1 done" && printf "%s\n" "$1" | grep -q "start-guest guest/g1 done"' - "$OUT"
check "sriov_numvfs reads 3" [ "$(numvfs)" = 3 ]
check "g1 was restarted (new domain id)" [ "$(virsh domid g1)" != "$id1" ]
running_checks
check "VF 2 is new and free (igbvf)" [ "$(vf_driver "$(vf_pci 2)")" = igbvf ]
dump g1 config.xml --inactive
check "config: the same two interfaces" [ "$(xn config.xml "$H/source/address[$(pci_xpath "$(vf_pci 0)")]")/$(xp config.xml "$N/mac/@address")" = 1/52:54:00:6d:90:21 ]

tool_sim apply --detailed-exitcode three.yaml
check "apply again exits 0" [ "$RC" = 0 ]
sriov-apply show --as-spec > adopted.yaml
cat adopted.yaml
tool apply --detailed-exitcode adopted.yaml
check "apply of show --as-spec with the running guest exits 0" [ "$RC" = 0 ]
