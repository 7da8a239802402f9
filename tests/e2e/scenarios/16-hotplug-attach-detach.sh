# e2e-boot: iommu
# Scenario 16: live attach and live detach without a count change (the RHEL 9 procedure,
# `virsh attach-interface ... --live --config`, done by the tool). A running guest (hotplug boot
# sector) holds VF 0; the next spec drops it and gives the guest VF 1 instead: VF 1 is attached
# live and into the config, VF 0 is detached live (the guest ejects it) and from the config and
# goes back to igbvf; the guest never restarts; the nested QEMU's device list follows.
. /share/scenarios/lib.sh
define_guest g6 hotplug
# g6_spec FILE INDEX MAC: 3 VFs, g6 holds VF INDEX with MAC (VLAN 46).
g6_spec() {
  cat > "$1" <<YAML
apiVersion: sriov-apply/v1
pfs:
  - name: $PF
    numVfs: 3
guests:
  - name: g6
    onDisruption: hotplug
    interfaces:
      - vf: {pf: $PF, index: $2}
        mac: "$3"
        vlan: 46
YAML
  echo "--- $1"; cat "$1"
}
H="/domain/devices/interface[@type='hostdev']"
vf_devices() { virsh qemu-monitor-command g6 --hmp 'info pci' | grep -c '8086:10ca' || true; }
# on_vf FILE N: how many hostdev interfaces of FILE are on VF N.
on_vf() { xn "$1" "$H/source/address[$(pci_xpath "$(vf_pci "$2")")]"; }

g6_spec vf0.yaml 0 52:54:00:6d:90:60
tool apply --detailed-exitcode vf0.yaml
check "setup apply exits 2" [ "$RC" = 2 ]
start_guest g6
id=$(virsh domid g6)
dump g6 live-before.xml
check "live: VF 0, not VF 1" [ "$(on_vf live-before.xml 0)/$(on_vf live-before.xml 1)" = 1/0 ]
check "the nested QEMU has one igb VF" [ "$(vf_devices)" = 1 ]
check "VF 0 on vfio-pci, VF 1 on igbvf" [ "$(vf_driver "$(vf_pci 0)") $(vf_driver "$(vf_pci 1)")" = "vfio-pci igbvf" ]
# libvirt's status file says it took VF 0 off igbvf (origstates/unbind): libvirt gives it back
# when it removes the device, and the tool, after the live detach, waits for its netdev.
echo "--- origstates in /run/libvirt/qemu/g6.xml"; grep -A4 '<origstates' /run/libvirt/qemu/g6.xml || true
check "libvirt's status file: VF 0's origstates say unbind" sh -c 'grep -A3 "<origstates" /run/libvirt/qemu/g6.xml | grep -q "<unbind/>"'

# What libvirt saved of VF 0 when g6 started (its admin MAC and VLAN, and igbvf's own MAC):
# the state carries it (libvirtSaved), so the simulation restores it on the detach like libvirt.
SAVED=/run/libvirt/hostdevmgr
echo "--- $SAVED/${PF}_vf0"; cat "$SAVED/${PF}_vf0" || true; echo
sriov-apply show --output json | jq -c ".pfs[0].vfs[0].libvirtSaved"
check "show: what libvirt saved of VF 0" [ "$(sriov-apply show --output json | jq -r '.pfs[0].vfs[0].libvirtSaved.adminMac // "none"')" != none ]
check "show: nothing saved of VF 1" [ "$(sriov-apply show --output json | jq -r '.pfs[0].vfs[1].libvirtSaved // "none"')" = none ]

g6_spec vf1.yaml 1 52:54:00:6d:90:61
restored=$(sriov-apply show --output json | jq -r '.pfs[0].vfs[0].libvirtSaved | .mac // .adminMac')
tool_sim apply --detailed-exitcode vf1.yaml
echo "VF 0 right after the apply: driver $(vf_driver "$(vf_pci 0)"), $(vf_json 0 | jq -c '{address}')"
# What libvirtd said of the hostdevs while it removed VF 0 (its errors: a failed reset or re-attach
# leaves the VF on vfio-pci).
echo "--- libvirtd's errors so far"; grep -iE ' error ?: |failed' /var/log/libvirt/libvirtd.log | tail -n 15 || true
check "apply exits 2" [ "$RC" = 2 ]
check "VF 0 came back ready (no note that it did not)" sh -c '! printf "%s" "$1" | grep -q "note: $2"' - "$OUT" "$(vf_pci 0)"
check "sriov_numvfs still 3 (no count change)" [ "$(numvfs)" = 3 ]
check "g6 never restarted (same domain id)" [ "$(dom_state g6)/$(virsh domid g6)" = "running/$id" ]
dump g6 live-after.xml
dump g6 config-after.xml --inactive
check "live: VF 1 attached, VF 0 detached" [ "$(on_vf live-after.xml 0)/$(on_vf live-after.xml 1)" = 0/1 ]
check "config: VF 1 (MAC ...:61, VLAN 46), not VF 0" [ "$(on_vf config-after.xml 0)/$(on_vf config-after.xml 1)/$(xp config-after.xml "$H/mac/@address")/$(xp config-after.xml "$H/vlan/tag/@id")" = 0/1/52:54:00:6d:90:61/46 ]
check "the nested QEMU has one igb VF" [ "$(vf_devices)" = 1 ]
check "VF 1 on vfio-pci, VF 0 back on igbvf" [ "$(vf_driver "$(vf_pci 1)") $(vf_driver "$(vf_pci 0)")" = "vfio-pci igbvf" ]
echo "VF 0 after its detach: $(vf_json 0)"
check "libvirt restored VF 0: not the guest's MAC, no VLAN" [ "$(vf_json 0 | jq -r '(.address != "52:54:00:6d:90:60") and ((.vlan_list[0].vlan // 0) == 0)')" = true ]
check "VF 0 got the MAC libvirt saved ($restored)" [ "$(vf_json 0 | jq -r .address)" = "$restored" ]
check "libvirt forgot VF 0" [ ! -e "$SAVED/${PF}_vf0" ]
check "libvirt saved VF 1" [ -f "$SAVED/${PF}_vf1" ]
echo "--- $SAVED/${PF}_vf1"; cat "$SAVED/${PF}_vf1" || true; echo
# The simulation saved VF 1's admin MAC and VLAN as libvirt did (igbvf's own random MAC it
# cannot know: it makes one up).
for side in real sim; do
  sriov-apply show --output json --state $side.state.yaml | jq -c '.pfs[0].vfs[1].libvirtSaved | {adminMac, vlanTag}' > $side.saved.json
done
check "the simulation saved VF 1 as libvirt did (admin MAC, VLAN)" diff real.saved.json sim.saved.json
check "VF 1's MAC and VLAN on the PF" [ "$(vf_json 1 | jq -r '.address + " " + (.vlan_list[0].vlan|tostring)')" = "52:54:00:6d:90:61 46" ]

tool_sim apply --detailed-exitcode vf1.yaml
check "apply again exits 0" [ "$RC" = 0 ]

# A VF an admin once gave to vfio-pci by hand (virsh nodedev-detach) stays in libvirt's books as
# detached by hand: when a guest that got it managed lets go of it, libvirt leaves it on
# vfio-pci (its status file says unbind all the same). The tool says so at once, with the
# command that gives it back, and does not wait for it.
VF2=$(vf_pci 2); NODE2="pci_$(echo "$VF2" | tr ':.' '__')"
virsh nodedev-detach "$NODE2"
g6_spec vf2.yaml 2 52:54:00:6d:90:62
tool apply --detailed-exitcode vf2.yaml
check "VF 2 (detached by hand first) attached managed: exit 2" [ "$RC" = 2 ]
check "VF 1 back ready on igbvf (no note)" sh -c '! printf "%s" "$1" | grep -q "note:"' - "$OUT"
tool apply --detailed-exitcode vf1.yaml
check "VF 2 detached live: exit 2" [ "$RC" = 2 ]
check "VF 2 stays on vfio-pci" [ "$(vf_driver "$VF2")" = vfio-pci ]
check "the tool says libvirt left VF 2 on vfio-pci and how to give it back" sh -c 'printf "%s" "$1" | grep "note: $2 stays on its passthrough driver" | grep -q "virsh nodedev-reattach $3"' - "$OUT" "$VF2" "$NODE2"
check "it did not wait for VF 2" sh -c '! printf "%s" "$1" | grep -q "waiting for $2"' - "$OUT" "$VF2"
virsh nodedev-reattach "$NODE2"
check "virsh nodedev-reattach gives VF 2 back to igbvf" [ "$(vf_driver "$VF2")" = igbvf ]
tool apply --detailed-exitcode vf1.yaml
check "and again: exit 0" [ "$RC" = 0 ]
