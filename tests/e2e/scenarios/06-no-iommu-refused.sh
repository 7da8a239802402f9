# e2e-boot: plain
# Scenario 6: without an IOMMU no guest can be given a VF. The preflight must refuse such a spec
# (exit 4) before anything changes. First the real negative case behind it: libvirt itself
# cannot start a guest with a VF here.
. /share/scenarios/lib.sh
check "no IOMMU groups on this boot" [ "$(ls /sys/kernel/iommu_groups | wc -l)" = 0 ]
define_guest g1 halt

echo "## libvirt without an IOMMU: a guest with a VF does not start"
echo 1 > "$D/sriov_numvfs"; udevadm settle
vf=$(vf_pci 0)
cat > if.xml <<XML
<interface type='hostdev' managed='yes'>
  <source><address $(pci_attrs "$vf")/></source>
</interface>
XML
cat if.xml
virsh attach-device g1 if.xml --config
set +e; err=$(virsh start g1 2>&1); r=$?; set -e
echo "$err [exit $r]"
check "virsh start fails" [ "$r" != 0 ]
check "... because of the missing IOMMU (no VFIO)" has "passthrough" "$err"
virsh detach-device g1 if.xml --config
echo 0 > "$D/sriov_numvfs"; udevadm settle

echo "## sriov-apply refuses"
virsh dumpxml --inactive g1 > before.xml
pf_spec spec.yaml 2
cat >> spec.yaml <<YAML
guests:
  - name: g1
    interfaces:
      - vf: {pf: $PF, index: 0}
        mac: "52:54:00:6d:90:10"
        vlan: 42
YAML
cat spec.yaml
tool_sim apply --detailed-exitcode spec.yaml
check "apply exits 4 (refused)" [ "$RC" = 4 ]
check "the refusal names the IOMMU" has "IOMMU is off" "$OUT"
check "no VFs were created" [ "$(numvfs)" = 0 ]
check "no rules file was written" [ ! -e "$RULES" ]
check "no snapshot was saved (nothing was about to change)" [ ! -e /var/lib/sriov-apply ] || [ -z "$(ls /var/lib/sriov-apply)" ]
virsh dumpxml --inactive g1 > after.xml
check "the guest's definition is unchanged" cmp before.xml after.xml
check "the guest is still shut off" [ "$(dom_state g1)" = "shut off" ]
