# e2e-boot: plain
# Scenario 5: a hostdev pool network (<forward mode='hostdev'><pf dev='PF'/>) is defined,
# started and autostarted; after a VF count change it is active again and lists the new VFs.
# Assertions on libvirt's view: virsh net-info and the active XML of virsh net-dumpxml (libvirt
# lists a <pf dev> pool's VFs there once it is started).
. /share/scenarios/lib.sh
pool_spec() {
  pf_spec "$1" "$2"
  printf 'networks:\n  - name: vfpool\n    pf: %s\n' "$PF" >> "$1"
  echo "--- $1 (networks)"; tail -3 "$1"
}
# net_checks N: vfpool is active, persistent, autostarted and its active XML lists VFs 0..N-1.
net_checks() {
  virsh net-info vfpool | tee net-info.txt
  check "net-info: active" grep -qE '^Active: +yes' net-info.txt
  check "net-info: persistent" grep -qE '^Persistent: +yes' net-info.txt
  check "net-info: autostart" grep -qE '^Autostart: +yes' net-info.txt
  virsh net-dumpxml vfpool | tee net.xml
  check "forward mode hostdev, managed" [ "$(xp net.xml '/network/forward/@mode')/$(xp net.xml '/network/forward/@managed')" = hostdev/yes ]
  check "<pf dev='$PF'/>" [ "$(xp net.xml '/network/forward/pf/@dev')" = "$PF" ]
  check "sriov-apply's metadata marks it as owned" [ "$(xn net.xml '/network/metadata/*')" -ge 1 ]
  check "the active XML lists $1 VF addresses" [ "$(xn net.xml '/network/forward/address')" = "$1" ]
  i=0
  while [ $i -lt "$1" ]; do
    check "VF $i ($(vf_pci $i)) is in the pool" [ "$(xn net.xml "/network/forward/address[$(pci_xpath "$(vf_pci $i)")]")" = 1 ]
    i=$((i+1))
  done
}

pool_spec two.yaml 2
tool_sim apply --detailed-exitcode two.yaml
check "apply of 2 VFs and the pool exits 2" [ "$RC" = 2 ]
net_checks 2

pool_spec three.yaml 3
tool_sim apply --detailed-exitcode three.yaml
check "apply 2 -> 3 VFs exits 2" [ "$RC" = 2 ]
check "the pool was stopped for the count change and started again" sh -c 'printf "%s\n" "$1" | grep -q "stop-network network/vfpool" && printf "%s\n" "$1" | grep -q "start-network network/vfpool"' - "$OUT"
check "sriov_numvfs reads 3" [ "$(numvfs)" = 3 ]
net_checks 3

tool_sim apply --detailed-exitcode three.yaml
check "apply again exits 0 (host matched)" [ "$RC" = 0 ]
