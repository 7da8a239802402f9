# e2e-boot: iommu
# Scenario 14 (issue 13): a host prepared by hand the RHEL way, then adopted. VFs created
# through sysfs, VF 0 detached to vfio-pci by hand (virsh nodedev-detach) and given to g1 as a
# managed='no' hostdev; VF 1 given to g1 as a hand-written hostdev interface without alias
# (no managed attribute, so libvirt reads 'no': VF 1 is detached by hand too), with a guest
# address and <rom bar='off'/> (no boot order: the guest boots by <os><boot>, and libvirt
# refuses per-device boot elements beside it). g1 runs. show --as-spec, then apply of it: no
# changes. Then the interface's VLAN changes: the plan touches that one device only, and the
# device keeps what the spec does not model. libvirt cannot change a running guest's hostdev
# interface in place ("cannot change config of 'hostdev' network type"): the change is that
# device's live replace, nothing else.
. /share/scenarios/lib.sh
echo 0 > "$D/sriov_numvfs"
echo 2 > "$D/sriov_numvfs"
ip link set "$PF" up; wait_carrier
for n in 0 1; do
  virsh nodedev-detach "pci_$(vf_pci $n | tr ':.' '__')"
done
check "VF 0 and VF 1 are on vfio-pci (detached by hand)" [ "$(vf_driver "$(vf_pci 0)") $(vf_driver "$(vf_pci 1)")" = "vfio-pci vfio-pci" ]
define_guest g1 halt
cat > hostdev.xml <<XML
<hostdev mode='subsystem' type='pci' managed='no'>
  <source><address $(pci_attrs "$(vf_pci 0)")/></source>
</hostdev>
XML
cat > iface.xml <<XML
<interface type='hostdev'>
  <mac address='52:54:00:6d:90:40'/>
  <source><address $(pci_attrs "$(vf_pci 1)")/></source>
  <vlan><tag id='42'/></vlan>
  <rom bar='off'/>
</interface>
XML
virsh attach-device g1 hostdev.xml --config
virsh attach-device g1 iface.xml --config
start_guest g1
check "g1 is running" [ "$(dom_state g1)" = running ]

sriov-apply show --as-spec > adopted.yaml
cat adopted.yaml
check "as-spec says managed: false for both devices" [ "$(grep -c 'managed: false' adopted.yaml)" = 2 ]
tool validate adopted.yaml
check "the as-spec validates" [ "$RC" = 0 ]
tool_sim apply --detailed-exitcode adopted.yaml
check "apply of the as-spec changes nothing (exit 0)" [ "$RC" = 0 ]

# A live change of the interface means a live detach, which the boot-sector guest never answers
# (issue 16's hot-plug guest is the fix): the VLAN change is made on the shut-off guest, where it
# is one in-place update of the device's own XML.
virsh destroy g1
dump g1 before.xml --inactive
sed 's/^\(        \)vlan: 42$/\1vlan: 43/' adopted.yaml > vlan43.yaml
check "vlan43.yaml changes one vlan" [ "$(diff adopted.yaml vlan43.yaml | grep -c '^>')" = 1 ]
tool plan --output json vlan43.yaml
printf '%s\n' "$OUT" | sed -n '/^{/,$p' > plan.json
check "the plan touches g1's interface only" [ "$(jq -r '[.actions[].target] | unique | join(" ")' plan.json)" = "guest/g1/$(vf_pci 1)" ]
tool_sim apply --detailed-exitcode vlan43.yaml
check "apply exits 2" [ "$RC" = 2 ]
dump g1 config.xml --inactive
I="/domain/devices/interface[mac/@address='52:54:00:6d:90:40']"
check "config: VLAN 43 on VF 1" [ "$(xp config.xml "$I/vlan/tag/@id")/$(xn config.xml "$I/source/address[$(pci_xpath "$(vf_pci 1)")]")" = 43/1 ]
check "config: rom kept" [ "$(xp config.xml "$I/rom/@bar")" = off ]
check "the managed='no' hostdev on VF 0 is as it was" [ "$(xn config.xml "/domain/devices/hostdev[@managed='no']/source/address[$(pci_xpath "$(vf_pci 0)")]")" = 1 ]
tool_sim apply --detailed-exitcode vlan43.yaml
check "apply again exits 0" [ "$RC" = 0 ]
