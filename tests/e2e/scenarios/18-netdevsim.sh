# e2e-boot: plain
# Scenario 18: the tool's netlink writer and reader (NetlinkWriter::setVf, NetlinkReader::readPf)
# on the real rtnetlink of the kernel's netdevsim (built for the image's kernel by
# guest/build-image.sh), driven by the test program sriov-netlink-check: distinct settings on
# every VF, read back in one request, compared field by field. 256 VFs (an ice-class PF) read
# back whole, also as ip -j link shows a few of them; 334 is the most a VF list can hold (each
# VF is 196 bytes in a 16-bit attribute length); at 335 and 512 the kernel still sends one
# answer, with the list's length wrapped, and the reader refuses it by name and count. The check
# itself fails on a wrong expectation.
. /share/scenarios/lib.sh
ID=18
BUSDEV=/sys/bus/netdevsim/devices/netdevsim$ID
check "the netdevsim module loads (out of tree, /lib/modules/$(uname -r)/extra)" modprobe netdevsim
modinfo netdevsim | grep -E '^(filename|vermagic):'
mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug
echo "$ID 1" > /sys/bus/netdevsim/new_device
# The device goes again however the scenario ends (the next scenarios see no netdevsim port).
trap 'rc=$?; set +e; { echo 0 > "$BUSDEV/sriov_numvfs"; echo "$ID" > /sys/bus/netdevsim/del_device; } 2>/dev/null; exit $rc' EXIT
udevadm settle -t 30
NDS=$(ls "$BUSDEV/net" | head -1)
check "netdevsim$ID has a port netdev ($NDS)" [ -n "$NDS" ]
check "its device has sriov_numvfs" [ -f "/sys/class/net/$NDS/device/sriov_numvfs" ]
DBG=/sys/kernel/debug/netdevsim/netdevsim$ID
echo "netdevsim$ID: port $NDS, max_vfs $(cat "$DBG/max_vfs")"

# vfs N: the port with N VFs (max_vfs may only change while it has none; the VF settings start
# from zero then).
vfs() {
  echo 0 > "$BUSDEV/sriov_numvfs"
  echo "$1" > "$DBG/max_vfs"
  echo "$1" > "$BUSDEV/sriov_numvfs"
  check "the port has $1 VFs" [ "$(cat "$BUSDEV/sriov_numvfs")" = "$1" ]
}
# nlcheck ARGS...: sriov-netlink-check, its output in $OUT, exit code in $RC.
nlcheck() {
  echo "\$ sriov-netlink-check $*"
  t=$(date +%s.%N)
  set +e; OUT=$(/share/sriov-netlink-check "$@" 2>&1); RC=$?; set -e
  printf '%s\n' "$OUT"
  echo "[exit $RC after $(echo "$t $(date +%s.%N)" | awk '{printf "%.2f", $2-$1}') s]"
}
# field LINE KEY: the value of KEY=VALUE in a SET line.
field() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
# kernel_matches N: the SET lines of $OUT against ip -j link show (the kernel's own view). ip
# asks with VF statistics (100 bytes more a VF), so its list wraps past 221 VFs: the VFs it
# still lists are compared (VF 0 and 1 at least), the others said.
kernel_matches() {
  ip -j link show "$NDS" > ip.json 2> ip.err || true
  listed=$(jq '.[0].vfinfo_list | length' ip.json 2>&1 || echo "unparsable: $(head -c 200 ip.json)")
  echo "ip -j link show at $1 VFs lists $listed VFs; its stderr: $(cat ip.err)"
  IP_LISTED=$listed
  printf '%s\n' "$OUT" | grep '^SET ' > set.txt
  while read -r line; do
    vf=$(field "$line" vf)
    got=$(jq -c ".[0].vfinfo_list[] | select(.vf == $vf)" ip.json 2>/dev/null || true)
    if [ -z "$got" ]; then
      check "ip link lists VF 0 and 1 at least (VF $vf)" [ "$vf" -gt 1 ]
      echo "info: VF $vf is past ip's truncated list"; continue
    fi
    echo "kernel VF $vf: $got"
    check "ip link: VF $vf mac" [ "$(echo "$got" | jq -r .address)" = "$(field "$line" mac)" ]
    check "ip link: VF $vf vlan" [ "$(echo "$got" | jq -r '.vlan_list[0].vlan')" = "$(field "$line" vlan)" ]
    check "ip link: VF $vf qos" [ "$(echo "$got" | jq -r '.vlan_list[0].qos // 0')" = "$(field "$line" qos)" ]
    check "ip link: VF $vf vlan protocol 802.1Q (ip prints only 802.1ad)" [ "$(echo "$got" | jq -r '.vlan_list[0].protocol // "802.1Q"')" = 802.1Q ]
    check "ip link: VF $vf min_tx_rate" [ "$(echo "$got" | jq -r .rate.min_tx)" = "$(field "$line" min_tx)" ]
    check "ip link: VF $vf max_tx_rate" [ "$(echo "$got" | jq -r .rate.max_tx)" = "$(field "$line" max_tx)" ]
    check "ip link: VF $vf spoof check" [ "$(echo "$got" | jq -r .spoofchk)" = "$(field "$line" spoofchk)" ]
    check "ip link: VF $vf trust" [ "$(echo "$got" | jq -r .trust)" = "$(field "$line" trust)" ]
    check "ip link: VF $vf link state" [ "$(echo "$got" | jq -r .link_state)" = "$(field "$line" link_state)" ]
  done < set.txt
}

vfs 256
nlcheck --seed 256 "$NDS"
check "256 VFs: set, read back in one request, all equal (exit 0)" [ "$RC" = 0 ]
check "256 VFs: PASS" has "PASS 256 VFs of $NDS" "$OUT"
kernel_matches 256
check "ip -j link itself cannot list 256 VFs (with statistics the list is over 64 KiB)" [ "$IP_LISTED" -lt 256 ] 2>/dev/null
check "ip says so" grep -q "Truncated VF list: $NDS" ip.err
echo "FIGURE netdevsim 256 VFs: $(printf '%s\n' "$OUT" | grep '^FIGURE' | sed 's/^FIGURE netlink-check //' | tr '\n' ' ') ip-vfinfo-listed=$IP_LISTED"

# The check can fail: one expectation made wrong on purpose (VF 200's MAC) must be found.
nlcheck --seed 257 --wrong-expectation 200 "$NDS"
check "a wrong expectation fails the check (exit 1)" [ "$RC" = 1 ]
check "it names VF 200 and its MAC" has "FAIL VF 200 of $NDS (the first that differs): mac: want 02:5e:ff:ff:ff:ff" "$OUT"

# The largest VF list one attribute holds: 4 + 334 x 196 = 65,468 bytes.
vfs 334
nlcheck --seed 334 "$NDS"
check "334 VFs read back whole (exit 0)" [ "$RC" = 0 ]
kernel_matches 334
vfs 335
nlcheck --seed 335 "$NDS"
check "335 VFs: the read is refused (exit 3)" [ "$RC" = 3 ]
check "335 VFs: the error names the PF and the count" has "cannot read VF settings of $NDS through netlink: the kernel's answer lists" "$OUT"
check "335 VFs: ... lists 0 of 335 VFs (the wrapped length, 128 bytes, holds no whole VF)" has "lists 0 of 335 VFs" "$OUT"

vfs 512
nlcheck --seed 512 "$NDS"
check "512 VFs: every VF was set (the writer's requests are small), the read is refused (exit 3)" [ "$RC" = 3 ]
check "512 VFs: the error names the PF, the count and what to do" has "cannot read VF settings of $NDS through netlink: the kernel's answer lists 177 of 512 VFs" "$OUT"
check "512 VFs: ... lower sriov_numvfs" has "lower sriov_numvfs" "$OUT"
# The VFs set at 512 as the kernel shows them where ip's (wrapped) list still reaches.
kernel_matches 512
echo "FIGURE netdevsim 512 VFs: $(printf '%s\n' "$OUT" | grep '^FIGURE' | sed 's/^FIGURE netlink-check //' | tr '\n' ' ') ip-vfinfo-listed=$IP_LISTED"
