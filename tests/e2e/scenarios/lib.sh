# Sourced by each scenario (run with sh -e in the guest, cwd a fresh /tmp/e2e, $PF the igb PF).
# Assert on the kernel's view (sysfs, netlink), never on sriov-apply's output alone.
D=/sys/class/net/$PF/device
RULES=/etc/udev/rules.d/70-sriov-apply.rules

# check DESCRIPTION COMMAND...: the command must succeed, else the scenario fails here.
check() {
  d=$1; shift
  if "$@"; then echo "ok - $d"; else echo "not ok - $d"; exit 1; fi
}
# tool ARGS...: runs sriov-apply, output in $OUT (and the log), exit code in $RC, timing in the log.
tool() {
  echo "\$ sriov-apply $*"
  t=$(date +%s.%N)
  set +e; OUT=$(sriov-apply "$@" 2>&1); RC=$?; set -e
  printf '%s\n' "$OUT"
  echo "[exit $RC after $(echo "$t $(date +%s.%N)" | awk '{printf "%.2f", $2-$1}') s]"
}
numvfs() { cat "$D/sriov_numvfs"; }
# pf_spec FILE NUMVFS [VFS_YAML]: writes a one-PF spec.
pf_spec() {
  {
    echo "apiVersion: sriov-apply/v1"
    echo "pfs:"
    echo "  - name: $PF"
    echo "    numVfs: $2"
    [ -z "${3:-}" ] || printf '    vfs:\n%s\n' "$3"
  } > "$1"
  echo "--- $1"; cat "$1"
}
# pool1_spec FILE NUMVFS: a spec with the PF at NUMVFS VFs and a pool network vfpool of VF 1
# only, ending in "guests:" for the caller to append to.
pool1_spec() {
  cat > "$1" <<YAML
apiVersion: sriov-apply/v1
pfs:
  - name: $PF
    numVfs: $2
networks:
  - name: vfpool
    vfs: [{pf: $PF, index: 1}]
guests:
YAML
}
# vf_json N: VF N of the PF as the kernel reports it (ip -j link show, vfinfo_list).
vf_json() { ip -j link show "$PF" | jq -c ".[0].vfinfo_list[] | select(.vf == $1)"; }
# wait_carrier: waits up to 15 s for the PF's link (igb renegotiates for ~1-2 s after VFs are
# enabled or disabled; some VF settings fail meanwhile, see bug-rate-after-create.sh).
wait_carrier() {
  i=0
  while [ "$(cat /sys/class/net/$PF/carrier 2>/dev/null)" != 1 ] && [ $i -lt 150 ]; do sleep 0.1; i=$((i+1)); done
  echo "PF carrier $(cat /sys/class/net/$PF/carrier 2>/dev/null) after $((i * 100)) ms"
}
# vf_pci N: the PCI address of VF N (from the PF's virtfnN link).
vf_pci() { basename "$(readlink -f "$D/virtfn$1")"; }
# vf_driver PCI: the driver bound to a PCI device, or "none".
vf_driver() { d=$(readlink -f "/sys/bus/pci/devices/$1/driver" 2>/dev/null) && basename "$d" || echo none; }
# has ARG TEXT...: TEXT (all arguments after the first) contains ARG.
has() { n=$1; shift; printf '%s\n' "$*" | grep -qF -- "$n"; }
# xp FILE XPATH: the string value of XPATH in an XML file; xn FILE XPATH: count(XPATH).
xp() { xmllint --xpath "string($2)" "$1"; }
xn() { xmllint --xpath "count($2)" "$1"; }
# pci_xpath PCI: an XPath predicate matching a libvirt <address> element of that PCI address
# (libvirt writes hex with 0x and leading zeros: domain='0x0000' bus='0x01' slot='0x10' ...).
pci_xpath() {
  echo "$1" | awk -F'[:.]' '{printf "@domain=\"0x%s\" and @bus=\"0x%s\" and @slot=\"0x%s\" and @function=\"0x%s\"", $1, $2, $3, $4}'
}

# pci_attrs PCI: the same address as attributes of a libvirt <address type='pci' .../> element.
pci_attrs() {
  echo "$1" | awk -F'[:.]' '{printf "type=\x27pci\x27 domain=\x270x%s\x27 bus=\x270x%s\x27 slot=\x270x%s\x27 function=\x270x%s\x27", $1, $2, $3, $4}'
}

# ---- libvirt domains inside the test VM (nested guests, no OS: see guest/bootsector.S) -------
# define_guest NAME halt|acpi-off|hotplug: defines a minimal shut-off q35 domain booting that
# disk. halt: ignores ACPI shutdown and PCI unplug; acpi-off: powers off on the ACPI power
# button; hotplug: that, and it completes PCI unplugs (ejects through QEMU's ACPI hot-plug).
define_guest() {
  mkdir -p /var/lib/libvirt/images
  cp "/share/disks/$2.img" "/var/lib/libvirt/images/$1.img"
  cat > "$1.xml" <<XML
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type><boot dev='hd'/></os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='/var/lib/libvirt/images/$1.img'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <controller type='pci' index='0' model='pcie-root'/>
    <controller type='pci' model='pcie-root-port'/>
    <controller type='pci' model='pcie-root-port'/>
    <controller type='pci' model='pcie-root-port'/>
    <controller type='pci' model='pcie-root-port'/>
    <memballoon model='none'/>
  </devices>
</domain>
XML
  virsh define "$1.xml"
}
dom_state() { virsh domstate "$1" 2>/dev/null | head -1; }
# start_guest NAME: starts it and waits until libvirt says running (nested TCG is slow).
start_guest() {
  t=$(date +%s.%N)
  virsh start "$1" || return 1
  i=0; while [ "$(dom_state "$1")" != running ] && [ $i -lt 300 ]; do sleep 0.2; i=$((i+1)); done
  echo "guest $1 $(dom_state "$1") after $(echo "$t $(date +%s.%N)" | awk '{printf "%.1f", $2-$1}') s"
}
# dump NAME FILE [--inactive]: the domain's XML into FILE (and the log).
dump() { virsh dumpxml "$1" ${3:-} > "$2"; echo "--- virsh dumpxml $1 ${3:-}"; sed -n '/<interface/,/<\/interface>/p;/<hostdev/,/<\/hostdev>/p' "$2"; }

# ---- The simulation, checked against the real host ----------------------------------------
# sim_apply ARGS...: before the real apply with the same ARGS, the same apply on a SimulatedHost
# loaded from this host's state (sriov-apply show): its exit code in $SIM_RC, its host in
# sim.state.yaml. Then sim_compare checks that the simulation predicted the real host.
sim_apply() {
  sriov-apply show > sim.state.yaml
  set +e; SIM_OUT=$(sriov-apply "$@" --state sim.state.yaml 2>&1); SIM_RC=$?; set -e
  echo "[simulated: exit $SIM_RC]"
}
# The part of a state both must agree on: PFs and VFs (counts, addresses, drivers, netdevs,
# netlink settings), networks (active, autostart, persistent), domains (state), owned files.
sim_projection() {
  jq -S '{iommuEnabled,
          files: [(.files // [])[] | {path, content}],
          pfs: [.pfs[] | {name, pci, numVfs, linkUp, vfs: [.vfs[] | {index, pci, netdev, driver,
                mac, vlan, qos, spoofCheck, trust, linkState, minTxRate, maxTxRate}]}],
          networks: [.networks[] | {name, active, autostart, persistent}],
          domains: [.domains[] | {name, state}]}'
}
# sim_compare: after the real apply ($RC), the simulated one must have had the same exit code and
# left the same state (sim_projection), and show --as-spec must print the same spec for both.
# (The real host is observed once; both sides are then read from their state files.)
sim_compare() {
  sriov-apply show > real.state.yaml
  for side in real sim; do
    sriov-apply show --output json --state $side.state.yaml | sim_projection > $side.json
    sriov-apply show --as-spec --state $side.state.yaml > $side.spec.yaml 2>&1 || true
  done
  ok=0
  [ "$SIM_RC" = "$RC" ] || { echo "simulation: exit $SIM_RC, real host: exit $RC"; echo "$SIM_OUT"; ok=1; }
  diff -u real.json sim.json > sim.diff || { echo "simulated state differs (- real, + simulated):"; cat sim.diff; ok=1; }
  diff -u real.spec.yaml sim.spec.yaml > sim.spec.diff || { echo "show --as-spec differs (- real, + simulated):"; cat sim.spec.diff; ok=1; }
  return $ok
}
# tool_sim ARGS...: sim_apply ARGS, tool ARGS, then check that the simulation predicted it.
tool_sim() {
  sim_apply "$@"
  tool "$@"
  check "the simulated host predicted the real one (exit code, state, show --as-spec)" sim_compare
}
