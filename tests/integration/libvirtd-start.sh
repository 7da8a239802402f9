#!/bin/bash
# Starts a hermetic system-mode libvirtd (root, no systemd) in a private mount namespace, with
# all its state under STATE_DIR and a fake SR-IOV PF in the sysfs it sees (fake-sysfs.sh).
# Waits until it answers, at most SRIOV_LIBVIRTD_TIMEOUT seconds (default 90); on failure prints
# the daemon's log and exits 1. On success prints the URI to connect with on stdout.
#
#   usage: libvirtd-start.sh STATE_DIR
#
# STATE_DIR/cache (QEMU capabilities) is kept between runs: a first start takes ~10 s, later
# ones well under a second. Everything else in STATE_DIR is wiped at each start.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
state=${1:?usage: libvirtd-start.sh STATE_DIR}
timeout=${SRIOV_LIBVIRTD_TIMEOUT:-90}

die() { echo "libvirtd-start.sh: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (mount namespace, system-mode libvirtd)"
for tool in libvirtd virsh unshare qemu-system-x86_64; do
  command -v "$tool" >/dev/null || die "$tool not found; install it with:
  apt-get install -y libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients qemu-system-x86"
done
# libvirtd dies with "Failed to parse user 'libvirt-qemu'" unless the user and group exist
# (Debian's libvirt-daemon-system package would create them; a fresh CI machine lacks them).
getent group kvm >/dev/null || groupadd -r kvm
getent group libvirt-qemu >/dev/null || groupadd -r libvirt-qemu
id libvirt-qemu >/dev/null 2>&1 ||
  useradd -r -g libvirt-qemu -G kvm -M -s /usr/sbin/nologin libvirt-qemu

mkdir -p "$state"
state=$(cd "$state" && pwd)
"$here/libvirtd-stop.sh" "$state"  # whatever an interrupted run left behind
rm -rf "${state:?}"/{etc,run,lib,log,fakesys,mounts} "$state"/*.pid
mkdir -p "$state"/{etc,run,lib,cache,log}

cat > "$state/etc/libvirtd.conf" <<'CONF'
unix_sock_group = "root"
unix_sock_rw_perms = "0700"
auth_unix_rw = "none"
auth_unix_ro = "none"
log_outputs = "3:stderr"
CONF
cat > "$state/etc/qemu.conf" <<'CONF'
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
stdio_handler = "file"
security_driver = "none"
cgroup_controllers = [ ]
CONF
# The mount points have to exist on the host's file system (empty folders, harmless).
mkdir -p /etc/libvirt /run/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt

# A unix socket's path has at most 107 bytes; reach one under a long STATE_DIR (a deep CI
# checkout) through a short symlink.
socket=$state/run/libvirt-sock
if [ ${#socket} -gt 100 ]; then
  short=/tmp/sriov-libvirtd-$(printf %s "$state" | md5sum | cut -c1-12)
  ln -sfn "$state/run" "$short"
  socket=$short/libvirt-sock
fi
uri="qemu:///system?socket=$socket"
started=$(date +%s%N)
# unshare and bash exec into libvirtd, so $! is the daemon's pid.
unshare --mount --propagation private /bin/bash "$here/libvirtd-ns.sh" "$state" \
  >"$state/log/libvirtd.log" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$state/daemon.pid"

fail() {
  echo "libvirtd-start.sh: $*" >&2
  echo "---- $state/log/libvirtd.log" >&2
  cat "$state/log/libvirtd.log" >&2 || true
  echo "----" >&2
  "$here/libvirtd-stop.sh" "$state"
  exit 1
}

deadline=$((started + timeout * 1000000000))
until virsh -q -c "$uri" version >/dev/null 2>&1; do
  kill -0 "$pid" 2>/dev/null || fail "libvirtd (pid $pid) exited during start-up"
  [ "$(date +%s%N)" -lt "$deadline" ] || fail "libvirtd did not answer on $uri within ${timeout}s"
  sleep 0.1
done
echo "libvirtd-start.sh: libvirtd (pid $pid) ready after $((($(date +%s%N) - started) / 1000000)) ms" >&2
echo "$uri"
