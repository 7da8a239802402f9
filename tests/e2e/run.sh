#!/bin/sh
# End-to-end tests of sriov-apply on a real kernel: a Debian 12 guest under QEMU 10 (TCG) with an
# emulated Intel 82576 (-device igb) driven by the real igb/igbvf drivers. See README.md.
# Usage: tests/e2e/run.sh [SCENARIO...]   (default: every tests/e2e/scenarios/[0-9]*.sh; name
#        others, e.g. bug-rate-after-create, to run them)
# Env:   E2E_CACHE   guest image cache (default build/e2e-cache)
#        E2E_SKIP_HOST_DEPS=1  do not check or install host packages
#        E2E_TIMEOUT  seconds the VM may run (default 900)
# Needs root (apt, debootstrap, chroot). Exit 0 only if every scenario printed RESULT PASS.
set -eu
HERE=$(dirname "$(readlink -f "$0")")
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${E2E_CACHE:-$ROOT/build/e2e-cache}
case $CACHE in /*) ;; *) CACHE=$ROOT/$CACHE ;; esac
SHARE=$CACHE/share
t0=$(date +%s); last=$t0
step() { now=$(date +%s); echo "e2e: $1 took $((now-last)) s (total $((now-t0)) s)"; last=$now; }
die() { echo "e2e: FAIL: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (apt-get, debootstrap and chroot need it)"
export DEBIAN_FRONTEND=noninteractive
APT="apt-get -o DPkg::Lock::Timeout=600 -q"

# 1. Host packages: QEMU >= 10 (igb emulation with SR-IOV) from bookworm-backports, debootstrap.
qemu_major() { qemu-system-x86_64 --version 2>/dev/null | sed -n 's/^QEMU emulator version \([0-9]*\).*/\1/p'; }
if [ "${E2E_SKIP_HOST_DEPS:-0}" != 1 ]; then
  m=$(qemu_major)
  if [ -z "$m" ] || [ "$m" -lt 10 ]; then
    BP=/etc/apt/sources.list.d/sriov-apply-e2e-backports.list
    echo 'deb http://deb.debian.org/debian bookworm-backports main' > "$BP"
    # The backports source is only for QEMU: remove it again whatever happens, so the host's
    # other packages stay bookworm's.
    trap 'rm -f "$BP"' EXIT
    $APT update
    $APT install -y --no-install-recommends -t bookworm-backports qemu-system-x86
    rm -f "$BP"; trap - EXIT
    $APT update
  fi
  for p in debootstrap e2fsprogs cmake ninja-build; do
    dpkg -s "$p" >/dev/null 2>&1 || $APT install -y --no-install-recommends "$p"
  done
fi
m=$(qemu_major); [ -n "$m" ] && [ "$m" -ge 10 ] || die "QEMU 10 or later needed, found: $(qemu-system-x86_64 --version | head -1)"
qemu-system-x86_64 -device help | grep -q '"igb"' || die "this QEMU has no igb device"
step "host packages"

# 2. Guest image, rebuilt only when the files that make it change.
sum=$(cat "$HERE/guest/packages.txt" "$HERE/guest/build-image.sh" "$HERE/guest/init" | sha256sum | cut -c1-16)
mkdir -p "$CACHE"
if [ "$(cat "$CACHE/image.sum" 2>/dev/null)" = "$sum" ] && [ -f "$CACHE/rootfs.img" ]; then
  echo "e2e: guest image $CACHE/rootfs.img is current ($sum)"
else
  echo "e2e: building the guest image ($sum) into $CACHE, log: $CACHE/image.log"
  rm -f "$CACHE/image.sum"
  "$HERE/guest/build-image.sh" "$CACHE" > "$CACHE/image.log" 2>&1 || { tail -30 "$CACHE/image.log"; die "guest image build failed"; }
  echo "$sum" > "$CACHE/image.sum"
fi
step "guest image"

# 3. sriov-apply, built on this Debian 12 host; it runs unchanged in the Debian 12 guest.
cd "$ROOT"
[ -f build/build.ninja ] || cmake -S . -B build -G Ninja > "$CACHE/cmake.log" 2>&1 || { tail -30 "$CACHE/cmake.log"; die "cmake failed"; }
ninja -C build sriov-apply || die "build of sriov-apply failed"
step "build sriov-apply"

# 4. The 9p share: binary, guest runner, scenarios. Results come back through it.
rm -rf "$SHARE"; mkdir -p "$SHARE/scenarios"
cp build/sriov-apply "$HERE/guest/run-scenarios.sh" "$SHARE/"
cp "$HERE/scenarios/lib.sh" "$SHARE/scenarios/"
if [ $# -gt 0 ]; then
  for s in "$@"; do cp "$HERE/scenarios/$(basename "$s" .sh).sh" "$SHARE/scenarios/" || die "no scenario $s"; done
else
  cp "$HERE"/scenarios/[0-9]*.sh "$SHARE/scenarios/"
fi
expected=$(cd "$SHARE/scenarios" && ls ./*.sh | sed -e 's|^\./||' -e 's/\.sh$//' | grep -vx lib)

# 5. Boot. -snapshot: the guest's disk writes are thrown away, every run starts from the same image.
echo "e2e: booting the VM (TCG), serial log: $CACHE/serial.log"
rc=0
timeout "${E2E_TIMEOUT:-900}" qemu-system-x86_64 -machine q35 -accel tcg -cpu max -smp 2 -m 2048 \
  -no-reboot -nodefaults -display none -serial file:"$CACHE/serial.log" -monitor none \
  -kernel "$CACHE/vmlinuz" -initrd "$CACHE/initrd.img" \
  -append "root=/dev/vda rw console=ttyS0 init=/sbin/e2e-init panic=-1 quiet loglevel=4" \
  -drive file="$CACHE/rootfs.img",format=raw,if=virtio,cache=unsafe,snapshot=on \
  -virtfs local,path="$SHARE",mount_tag=share,security_model=none,id=share \
  -device pcie-root-port,id=rp1,chassis=1,slot=1 \
  -netdev user,id=n0,restrict=on \
  -device igb,bus=rp1,netdev=n0,mac=52:54:00:12:34:56 < /dev/null || rc=$?
step "VM boot and scenarios"
[ $rc = 0 ] || echo "e2e: qemu exited with $rc (124: timed out)" >&2

# 6. Verdict: every scenario needs its RESULT line, and all of them PASS.
R=$SHARE/results.txt
[ -f "$R" ] || { tail -40 "$CACHE/serial.log"; die "no result file $R: the guest did not run the scenarios"; }
echo "e2e: results (logs in $SHARE/logs/):"
cat "$R"
fail=0
for s in $expected; do
  line=$(grep "^RESULT [A-Z]* $s " "$R" || true)
  case $line in
    "RESULT PASS "*) ;;
    "RESULT FAIL "*) fail=1; echo "---- $s failed; its log:"; cat "$SHARE/logs/$s.log" ;;
    *) fail=1; echo "e2e: FAIL: no result for scenario $s" >&2 ;;
  esac
done
[ $fail = 0 ] || die "some scenarios failed (see above)"
echo "e2e: all $(echo "$expected" | wc -w) scenarios passed in $(( $(date +%s) - t0 )) s"
