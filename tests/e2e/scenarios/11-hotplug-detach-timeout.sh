# e2e-boot: iommu
# Scenario 11: with onDisruption: hotplug, a count change detaches the guest's VF live first.
# libvirt only asks the guest to unplug it; a guest without an OS (the halt boot sector) never
# answers, so the device never goes. sriov-apply must notice within --detach-timeout, say so,
# and roll back: the PF keeps its VF count, the guest keeps running with its device, and its
# configuration still has the device (libvirt took it out when it sent the request: LinuxHost
# puts it back).
. /share/scenarios/lib.sh
define_guest g2 halt
hp_spec() {
  cat > "$1" <<YAML
apiVersion: sriov-apply/v1
pfs:
  - name: $PF
    numVfs: $2
guests:
  - name: g2
    onDisruption: hotplug
    interfaces:
      - vf: {pf: $PF, index: 0}
        mac: "52:54:00:6d:90:30"
        vlan: 43
YAML
  echo "--- $1"; cat "$1"
}
H="/domain/devices/interface[@type='hostdev']"
hp_spec two.yaml 2
tool apply --detailed-exitcode two.yaml
check "setup apply exits 2" [ "$RC" = 2 ]
start_guest g2
check "g2 is running" [ "$(dom_state g2)" = running ]
dump g2 live-before.xml
check "live: the hostdev interface on VF 0" [ "$(xn live-before.xml "$H/source/address[$(pci_xpath "$(vf_pci 0)")]")" = 1 ]
virsh dumpxml --inactive g2 > config-before.xml
vf0_before=$(vf_json 0); echo "VF 0 before: $vf0_before"
id=$(virsh domid g2)

hp_spec three.yaml 3
tool apply --detach-timeout 10 three.yaml
dump g2 live-after.xml
dump g2 config-after.xml --inactive
sriov-apply show > after.state.yaml; cp after.state.yaml /var/lib/sriov-apply/before-*.state.yaml /share/logs/ 2>/dev/null || true
check "apply 2 -> 3 fails: exit 1" [ "$RC" = 1 ]
check "it says the guest did not release the device within 10 s" has "did not release" "$OUT"
check "... naming the timeout" has "within 10 s" "$OUT"
check "... and the VF" has "$(vf_pci 0)" "$OUT"
check "it rolled back" has "rolled back: the host is as it was before this apply" "$OUT"
check "sriov_numvfs still reads 2" [ "$(numvfs)" = 2 ]
check "no virtfn2" [ ! -e "$D/virtfn2" ]
check "g2 still runs, not restarted" [ "$(dom_state g2)/$(virsh domid g2)" = "running/$id" ]
check "live: the hostdev interface is still on VF 0 (the unplug never completed)" [ "$(xn live-after.xml "$H/source/address[$(pci_xpath "$(vf_pci 0)")]")" = 1 ]
check "config: the device is still there (LinuxHost put it back), MAC and VLAN as before" [ "$(xn config-after.xml "$H/source/address[$(pci_xpath "$(vf_pci 0)")]")/$(xp config-after.xml "$H/mac/@address")/$(xp config-after.xml "$H/vlan/tag/@id")" = 1/52:54:00:6d:90:30/43 ]
check "VF 0 still bound to vfio-pci" [ "$(vf_driver "$(vf_pci 0)")" = vfio-pci ]
echo "VF 0 after: $(vf_json 0)"
check "VF 0's MAC and VLAN as before" [ "$(vf_json 0 | jq -c '[.address, .vlan_list]')" = "$(echo "$vf0_before" | jq -c '[.address, .vlan_list]')" ]
check "the rules file still says 2" grep -qF 'ATTR{device/sriov_numvfs}="2"' "$RULES"
tool apply --detailed-exitcode two.yaml
check "the spec before still matches: apply exits 0" [ "$RC" = 0 ]
