# e2e-boot: plain iommu
# e2e-independent
# Scenario 19: `sriov-apply doctor` on the real kernel. Plain boot: the IOMMU is off and doctor
# prints the exact kernel arguments to add (exit 4); the IOMMU boot: ready (exit 0). Both: a
# NetworkManager keyfile with an [sriov] section on the PF is named as a competing manager.
# Phase 1 runs on the plain boot, phase 2 on the IOMMU boot; each phase checks its own boot.
. /share/scenarios/lib.sh
groups=$(ls /sys/kernel/iommu_groups | wc -l)
vfs_before=$(numvfs)
echo "boot $E2E_BOOT: $groups IOMMU groups; /proc/cmdline: $(cat /proc/cmdline)"

tool doctor
if [ "$groups" = 0 ]; then
  check "doctor exits 4 (not ready) without an IOMMU" [ "$RC" = 4 ]
  check "it says the IOMMU is off" has "error: iommu host: the IOMMU is off" "$OUT"
  # The arguments depend on the CPU the kernel reports (QEMU's TCG `-cpu max` says AuthenticAMD).
  vendor=$(awk '/^vendor_id/ {print $3; exit}' /proc/cpuinfo)
  case $vendor in
    GenuineIntel) args="intel_iommu=on iommu=pt" ;;
    *) args="iommu=pt" ;;
  esac
  echo "cpu vendor: $vendor"
  check "it prints the arguments the kernel command line lacks for this CPU ($vendor)" \
    has "grubby --args=\"$args\" --update-kernel=ALL" "$OUT"
  check "... and the Debian form" has "add \"$args\" to GRUB_CMDLINE_LINUX in /etc/default/grub" "$OUT"
  check "the kernel command line indeed lacks them" sh -c '! grep -qw iommu=pt /proc/cmdline'
  check "it says not ready" has "not ready" "$OUT"
else
  check "doctor exits 0 (ready) with the IOMMU on" [ "$RC" = 0 ]
  check "it names the VT-d unit it read" has "ok: iommu host: Intel VT-d on (/sys/class/iommu: dmar" "$OUT"
  check "there is such a unit" [ -n "$(ls /sys/class/iommu)" ]
  check "it says ready" [ "$(printf '%s\n' "$OUT" | tail -1)" = ready ]
fi
pci=$(basename "$(readlink -f "$D")")
check "it reports the PF with its driver and VF limit from sysfs" \
  has "$pci $(cat "$D/vendor"):$(cat "$D/device")" "$OUT"
check "... its totalvfs" has "/$(cat "$D/sriov_totalvfs") VFs" "$OUT"

tool doctor --output json
check "the JSON report parses and says ready as the exit code does" \
  [ "$(printf '%s\n' "$OUT" | jq -r .ready)" = "$([ "$RC" = 0 ] && echo true || echo false)" ]

echo "## a spec without guests does not need the IOMMU"
pf_spec spec.yaml 1
tool doctor spec.yaml
check "doctor SPEC exits 0" [ "$RC" = 0 ]

echo "## a NetworkManager keyfile that sets the PF's VF count"
mkdir -p /etc/NetworkManager/system-connections
cat > /etc/NetworkManager/system-connections/e2e-pf.nmconnection <<INI
[connection]
id=e2e-pf
type=ethernet
interface-name=$PF

[sriov]
total-vfs=3
INI
tool doctor spec.yaml
rm -f /etc/NetworkManager/system-connections/e2e-pf.nmconnection
check "doctor exits 4 with the keyfile" [ "$RC" = 4 ]
check "it names the keyfile and its total-vfs" \
  has "error: managers pf/$PF: /etc/NetworkManager/system-connections/e2e-pf.nmconnection ([sriov] total-vfs=3" "$OUT"
check "doctor changed nothing (sriov_numvfs)" [ "$(numvfs)" = "$vfs_before" ]
