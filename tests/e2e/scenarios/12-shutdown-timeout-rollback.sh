# e2e-boot: iommu
# Scenario 12: a failure in the middle of an apply. A running guest with onDisruption: restart
# holds VF 0 and a VF of a pool; a count change must shut it down, but it has no OS (the halt
# boot sector ignores the ACPI power button). The actions before the shutdown ran; the
# shutdown fails after --shutdown-timeout; sriov-apply rolls everything back to the state before.
. /share/scenarios/lib.sh
define_guest g3 halt
rs_spec() {
  cat > "$1" <<YAML
apiVersion: sriov-apply/v1
pfs:
  - name: $PF
    numVfs: $2
    vfs:
      - index: 2
        mac: "02:00:00:00:00:42"
networks:
  - name: vfpool
    vfs: [{pf: $PF, index: 1}]
guests:
  - name: g3
    onDisruption: restart
    interfaces:
      - vf: {pf: $PF, index: 0}
        mac: "52:54:00:6d:90:40"
      - network: vfpool
        mac: "52:54:00:6d:90:41"
YAML
  echo "--- $1"; cat "$1"
}
rs_spec three.yaml 3
tool apply --detailed-exitcode three.yaml
check "setup apply exits 2" [ "$RC" = 2 ]
start_guest g3
check "g3 is running" [ "$(dom_state g3)" = running ]
id=$(virsh domid g3)
# The state before: the kernel's and libvirt's views.
snap() {
  ip -j link show "$PF" | jq -c '.[0].vfinfo_list' > "$1.vfs"
  for i in 0 1 2 3; do echo "$i $(readlink -f "$D/virtfn$i" 2>/dev/null) $(vf_driver "$(vf_pci $i)" 2>/dev/null)"; done > "$1.sysfs"
  virsh dumpxml g3 | grep -v '<seclabel' > "$1.live.xml"
  virsh dumpxml --inactive g3 > "$1.config.xml"
  virsh net-dumpxml vfpool > "$1.net.xml"
  virsh net-info vfpool | grep -v '^UUID' > "$1.net-info"
  cp "$RULES" "$1.rules"
}
snap before

rs_spec four.yaml 4
sed -i 's/02:00:00:00:00:42/02:00:00:00:00:43/' four.yaml
tool apply --shutdown-timeout 8 four.yaml
check "apply fails: exit 1" [ "$RC" = 1 ]
check "it says the guest did not shut down within 8 s" has "did not shut down within 8 s" "$OUT"
check "the shutdown failed after other actions were done" sh -c 'printf "%s\n" "$1" | sed -n "1,/FAILED/p" | grep -q " done in "' - "$OUT"
check "it rolled back" has "rolled back: the host is as it was before this apply" "$OUT"
snap after
for part in vfs sysfs live.xml config.xml net.xml net-info rules; do
  check "unchanged after the rollback: $part" diff -u before.$part after.$part
done
check "g3 still runs, same domain id" [ "$(dom_state g3)/$(virsh domid g3)" = "running/$id" ]
check "sriov_numvfs reads 3" [ "$(numvfs)" = 3 ]
check "VF 2 keeps mac 02:00:00:00:00:42" [ "$(vf_json 2 | jq -r .address)" = 02:00:00:00:00:42 ]
