# e2e-boot: iommu
# Scenario 9: a shut-off guest gets, in its configuration only, a hostdev interface on VF 0 with
# a MAC and a VLAN, and a network interface from a pool (an explicit VF list: VF 1). Assertions
# on virsh dumpxml --inactive; the VFs on the host are left alone (nothing runs).
. /share/scenarios/lib.sh
define_guest g1 halt
pool1_spec spec.yaml 2
cat >> spec.yaml <<YAML
  - name: g1
    interfaces:
      - vf: {pf: $PF, index: 0}
        mac: "52:54:00:6d:90:10"
        vlan: 42
      - network: vfpool
        mac: "52:54:00:6d:90:11"
YAML
cat spec.yaml
tool_sim apply --detailed-exitcode spec.yaml
check "apply exits 2" [ "$RC" = 2 ]
check "the guest is still shut off" [ "$(dom_state g1)" = "shut off" ]
dump g1 g1.xml --inactive
H="/domain/devices/interface[@type='hostdev']"
N="/domain/devices/interface[@type='network']"
check "one hostdev interface" [ "$(xn g1.xml "$H")" = 1 ]
check "... on VF 0 ($(vf_pci 0))" [ "$(xn g1.xml "$H/source/address[$(pci_xpath "$(vf_pci 0)")]")" = 1 ]
check "... managed" [ "$(xp g1.xml "$H/@managed")" = yes ]
check "... MAC 52:54:00:6d:90:10" [ "$(xp g1.xml "$H/mac/@address")" = 52:54:00:6d:90:10 ]
check "... VLAN 42" [ "$(xp g1.xml "$H/vlan/tag/@id")" = 42 ]
check "... with sriov-apply's alias" has "ua-sriov-" "$(xp g1.xml "$H/alias/@name")"
check "one network interface" [ "$(xn g1.xml "$N")" = 1 ]
check "... from vfpool" [ "$(xp g1.xml "$N/source/@network")" = vfpool ]
check "... MAC 52:54:00:6d:90:11" [ "$(xp g1.xml "$N/mac/@address")" = 52:54:00:6d:90:11 ]
check "... with sriov-apply's alias" has "ua-sriov-" "$(xp g1.xml "$N/alias/@name")"
virsh net-dumpxml vfpool > net.xml
check "vfpool lists VF 1 only" [ "$(xn net.xml '/network/forward/address')/$(xn net.xml "/network/forward/address[$(pci_xpath "$(vf_pci 1)")]")" = 1/1 ]
check "VF 0 is left on igbvf with no MAC (nothing runs)" [ "$(vf_driver "$(vf_pci 0)")/$(vf_json 0 | jq -r .address)" = igbvf/00:00:00:00:00:00 ]

tool_sim apply --detailed-exitcode spec.yaml
check "apply again exits 0" [ "$RC" = 0 ]
