# e2e-boot: plain
# Scenario 7: sriov-apply show on the real kernel reports what sysfs, netlink and libvirt say;
# show --as-spec prints a spec that is valid and that apply leaves unchanged.
. /share/scenarios/lib.sh
pf_spec setup.yaml 2 '      - index: 0
        mac: "02:00:00:00:00:20"
        vlan: 42
        spoofCheck: false
        trust: true
      - index: 1
        trust: true'
# A pool of VF 1 only: libvirt sets the MAC and VLAN of a pool's VFs, so the spec may not.
printf 'networks:\n  - name: vfpool\n    vfs: [{pf: %s, index: 1}]\n' "$PF" >> setup.yaml
tool apply setup.yaml
check "setup apply exits 0" [ "$RC" = 0 ]

tool show --output json
check "show exits 0" [ "$RC" = 0 ]
printf '%s\n' "$OUT" > show.json
pf() { jq -r --arg n "$PF" ".pfs[] | select(.name == \$n) | $1" show.json; }
check "hostname" [ "$(jq -r .hostname show.json)" = "$(hostname)" ]
check "iommuEnabled false (no IOMMU on this boot)" [ "$(jq -r .iommuEnabled show.json)" = false ]
check "PF pci = the netdev's device" [ "$(pf .pci)" = "$(basename "$(readlink -f "$D")")" ]
check "PF driver igb" [ "$(pf .driver)" = igb ]
check "vendor and device ids from sysfs" [ "$(pf .vendorId):$(pf .deviceId)" = "$(cat "$D/vendor"):$(cat "$D/device")" ]
check "totalVfs = sriov_totalvfs" [ "$(pf .totalVfs)" = "$(cat "$D/sriov_totalvfs")" ]
check "numVfs = sriov_numvfs" [ "$(pf .numVfs)" = "$(numvfs)" ]
check "vfOffset = sriov_offset" [ "$(pf .vfOffset)" = "$(cat "$D/sriov_offset")" ]
check "vfStride = sriov_stride" [ "$(pf .vfStride)" = "$(cat "$D/sriov_stride")" ]
check "linkUp = IFF_UP" [ "$(pf .linkUp)" = "$(ip -j link show "$PF" | jq '.[0].flags | index("UP") != null')" ]
for i in 0 1; do
  k=$(vf_json $i)
  check "VF $i pci = virtfn$i" [ "$(pf ".vfs[$i].pci")" = "$(vf_pci $i)" ]
  check "VF $i driver = bound driver" [ "$(pf ".vfs[$i].driver")" = "$(vf_driver "$(vf_pci $i)")" ]
  check "VF $i netdev = its net/ entry" [ "$(pf ".vfs[$i].netdev")" = "$(ls "$D/virtfn$i/net")" ]
  check "VF $i mac = ip link" [ "$(pf ".vfs[$i].mac")" = "$(echo "$k" | jq -r .address)" ]
  check "VF $i spoofCheck = ip link" [ "$(pf ".vfs[$i].spoofCheck")" = "$(echo "$k" | jq -r .spoofchk)" ]
  check "VF $i trust = ip link" [ "$(pf ".vfs[$i].trust")" = "$(echo "$k" | jq -r .trust)" ]
done
check "VF 0 vlan = ip link" [ "$(pf '.vfs[0].vlan')" = "$(vf_json 0 | jq -r '.vlan_list[0].vlan')" ]
check "network vfpool active and autostart as virsh says" [ "$(jq -r '.networks[] | select(.name == "vfpool") | "\(.active) \(.autostart)"' show.json)" = "true true" ]
check "its XML is libvirt's inactive XML" [ "$(jq -r '.networks[] | select(.name == "vfpool") | .xml' show.json)" = "$(virsh net-dumpxml --inactive vfpool)" ]
tool show
check "show (YAML) exits 0" [ "$RC" = 0 ]
check "YAML: kind HostState" has "kind: HostState" "$OUT"

tool show --as-spec
check "show --as-spec exits 0" [ "$RC" = 0 ]
sriov-apply show --as-spec > adopted.yaml 2>/dev/null
tool validate adopted.yaml
check "the adopted spec is valid" [ "$RC" = 0 ]
check "it has the PF with 2 VFs" grep -q "numVfs: 2" adopted.yaml
check "it has VF 0's MAC" grep -q "02:00:00:00:00:20" adopted.yaml
check "it has the network" grep -q "vfpool" adopted.yaml
ip -j link show "$PF" > link-before.json; sriov-apply show --output json | jq 'del(.domains)' > state-before.json
tool plan --detailed-exitcode adopted.yaml
check "plan of the adopted spec exits 0" [ "$RC" = 0 ]
tool_sim apply --detailed-exitcode adopted.yaml
check "apply of the adopted spec exits 0 (no changes)" [ "$RC" = 0 ]
check "... and says No changes" has "No changes" "$OUT"
ip -j link show "$PF" > link-after.json; sriov-apply show --output json | jq 'del(.domains)' > state-after.json
check "the kernel's view of the PF is unchanged" cmp link-before.json link-after.json
check "show is unchanged" cmp state-before.json state-after.json
