#!/bin/bash
# The libvirt figures of issue 14: a no-op `sriov-apply plan` against a private libvirtd
# (tests/integration/libvirtd-start.sh) with DOMAINS defined (shut-off) domains holding 2 VFs
# each and 4 networks, over a fake sysfs of 16 PFs x 250 VFs (make-sysfs.py): its wall time
# (median of 5; the shell baselines: of 3), the RPCs the daemon dispatched for it (virt-admin's debug log), and the two
# shell baselines reading the same facts (shell-one-session.sh, shell-per-call.sh).
#   usage: libvirt-bench.sh BUILD_DIR [DOMAINS]   (root: the daemon runs in a mount namespace)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=$(cd "${1:?usage: libvirt-bench.sh BUILD_DIR [DOMAINS]}" && pwd)
domains=${2:-2000}
work=$build/bench-libvirt
state=$work/libvirtd
mkdir -p "$work"
trap '"$here/../integration/libvirtd-stop.sh" "$state"' EXIT
uri=$("$here/../integration/libvirtd-start.sh" "$state" 2>/dev/null)
sys=$work/sys
python3 "$here/make-sysfs.py" "$sys" 16 250

# The domains and networks, defined through one virsh session.
python3 - "$work" "$domains" <<'PY'
import sys
work, n = sys.argv[1], int(sys.argv[2])
def vf(k):
    p, i = divmod(k, 250)
    routing = 8 + i
    bus = 0x20 + 2 * p + (routing >> 8)
    return bus, (routing >> 3) & 0x1F, routing & 7
with open(work + "/define.virsh", "w") as cmds:
    for g in range(n):
        ifaces = ""
        for k in (2 * g, 2 * g + 1):
            b, s, f = vf(k % 4000)
            ifaces += ("<interface type='hostdev' managed='yes'><mac address='52:54:00:%02x:%02x:%02x'/>"
                       "<source><address type='pci' domain='0x0000' bus='0x%02x' slot='0x%02x' "
                       "function='0x%x'/></source><vlan><tag id='%d'/></vlan></interface>\n"
                       % (k & 1, (g >> 8) & 0xff, g & 0xff, b, s, f, 100 + g % 100))
        xml = f"""<domain type='qemu'><name>vm{g:04d}</name>
<memory unit='KiB'>8388608</memory><vcpu placement='static'>4</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os><features><acpi/><apic/></features>
<clock offset='utc'><timer name='rtc' tickpolicy='catchup'/><timer name='pit' tickpolicy='delay'/></clock>
<on_poweroff>destroy</on_poweroff><on_reboot>restart</on_reboot><on_crash>destroy</on_crash>
<devices><emulator>/usr/bin/qemu-system-x86_64</emulator>
<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
<source file='/var/lib/libvirt/images/vm{g:04d}.qcow2'/><target dev='vda' bus='virtio'/></disk>
<interface type='bridge'><source bridge='br-mgmt'/><model type='virtio'/></interface>
{ifaces}<serial type='pty'><target port='0'/></serial><console type='pty'><target type='serial' port='0'/></console>
<input type='tablet' bus='usb'/><graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'/>
<video><model type='virtio' heads='1' primary='yes'/></video><memballoon model='virtio'/>
<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng></devices></domain>
"""
        path = f"{work}/vm{g:04d}.xml"
        with open(path, "w") as f:
            f.write(xml)
        cmds.write(f"define {path}\n")
    for p in range(4):
        path = f"{work}/net{p}.xml"
        with open(path, "w") as f:
            f.write(f"<network><name>pool{p}</name><forward mode='hostdev' managed='yes'>"
                    f"<pf dev='ens{p + 1}f0'/></forward></network>\n")
        cmds.write(f"net-define {path}\n")
PY
virsh -q -c "$uri" <"$work/define.virsh" >/dev/null

apply=$build/sriov-apply
host=(--sysfs-root "$sys" --connect "$uri")
"$apply" show --as-spec "${host[@]}" >"$work/spec.yaml"
# A no-op: exit 0 (nothing to do) with --detailed-exitcode.
"$apply" plan --detailed-exitcode "${host[@]}" "$work/spec.yaml" >/dev/null ||
  { echo "libvirt-bench.sh: the plan is not a no-op" >&2; exit 1; }

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N); echo $(((t1 - t0) / 1000000)); }
runs() { for _ in 1 2 3 4 5; do ms "$@"; done | median; }
runs3() { for _ in 1 2 3; do ms "$@"; done | median; }  # the slow shell baselines

plan_ms=$(runs "$apply" plan "${host[@]}" "$work/spec.yaml")

# RPCs: the daemon logs every dispatched call of the remote program (0x20008086).
admin="libvirtd:///system?socket=${uri#*socket=}"
admin=${admin%/libvirt-sock}/libvirt-admin-sock
virt-admin -q -c "$admin" daemon-log-outputs "1:file:$state/log/rpc.log"
virt-admin -q -c "$admin" daemon-log-filters "1:rpc.netserverprogram 4:*"
count() { grep -c 'virNetServerProgramDispatch.*prog=536903814 ' "$state/log/rpc.log" || true; }
before=$(count)
"$apply" plan "${host[@]}" "$work/spec.yaml" >/dev/null
rpcs=$(($(count) - before))
virt-admin -q -c "$admin" daemon-log-filters "4:*"

one_ms=$(runs3 "$here/shell-one-session.sh" "$sys" "$uri")
per_ms=$(runs3 "$here/shell-per-call.sh" "$sys" "$uri")
echo "libvirt_domains=$domains libvirt_networks=4 plan_ms=$plan_ms rpcs=$rpcs one_session_ms=$one_ms per_call_ms=$per_ms"
