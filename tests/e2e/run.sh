#!/bin/sh
# End-to-end tests of sriov-apply on a real kernel: a Debian 12 guest under QEMU 10 (TCG) with an
# emulated Intel 82576 (-device igb) driven by the real igb/igbvf drivers. See README.md.
# Usage: tests/e2e/run.sh [SCENARIO...]   (default: every tests/e2e/scenarios/[0-9]*.sh)
# Env:   E2E_CACHE   guest image cache (default build/e2e-cache)
#        E2E_BIN     the sriov-apply binary to test (default: build it in build/)
#        E2E_NETLINK_CHECK  scenario 18's test program (default: sriov-netlink-check beside
#                    E2E_BIN, else built in build/)
#        E2E_SKIP_HOST_DEPS=1  do not check or install host packages
#        E2E_TIMEOUT  seconds each boot of the VM may run (default 900)
#        E2E_STALL    seconds without the guest runner's heartbeat after which a boot counts as
#                     frozen (default 240)
#        E2E_PHASE_TIMEOUT  seconds a scenario phase may run in the guest before its watchdog
#                     kills it and it fails with where it hung (default 300)
# Needs root (apt, debootstrap, chroot). Exit 0 only if every scenario printed RESULT PASS.
#
# Boots: a scenario says on which boots of the VM it runs with a line "# e2e-boot: NAME..."
# (default plain). The VM boots once per name that a chosen scenario needs, in this order, on
# one disk (a qcow2 overlay made for this run on top of the cached image), so what a boot
# leaves on disk is there at the next one:
#   plain   no IOMMU
#   iommu   emulated Intel VT-d (intel-iommu, intel_iommu=on iommu=pt): guests can get VFs
#   iommu2  the same with two igb cards (two PFs; init= as plain and iommu)
#   sd0 sd1 sd2   systemd as PID 1 (no init=; e2e-run.service runs the scenarios after libvirt
#           and sriov-apply's units), VT-d, two igb cards
#   sdnopf  the same without the igb cards (a PF that is gone)
# E2E_DEB: the sriov-apply .deb the boot scenarios install (./dev.sh test passes the one it built).
# A scenario listing two boots runs in both, the second time after the reboot (E2E_PHASE=2).
set -eu
HERE=$(dirname "$(readlink -f "$0")")
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${E2E_CACHE:-$ROOT/build/e2e-cache}
case $CACHE in /*) ;; *) CACHE=$ROOT/$CACHE ;; esac
SHARE=$CACHE/share
BOOTS="plain iommu iommu2 sd0 sd1 sd2 sdnopf"
t0=$(date +%s); last=$t0
step() { now=$(date +%s); echo "e2e: $1 took $((now-last)) s (total $((now-t0)) s)"; last=$now; }
die() { echo "e2e: FAIL: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (apt-get, debootstrap and chroot need it)"
export DEBIAN_FRONTEND=noninteractive
APT="apt-get -o DPkg::Lock::Timeout=600 -q"

# 1. Host packages: QEMU >= 10 (igb emulation with SR-IOV) from bookworm-backports, debootstrap,
#    binutils (the nested guests' boot sector).
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
    $APT install -y --no-install-recommends -t bookworm-backports qemu-system-x86 qemu-utils
    rm -f "$BP"; trap - EXIT
    $APT update
  fi
  for p in debootstrap e2fsprogs cmake ninja-build binutils qemu-utils; do
    dpkg -s "$p" >/dev/null 2>&1 || $APT install -y --no-install-recommends "$p"
  done
fi
m=$(qemu_major); [ -n "$m" ] && [ "$m" -ge 10 ] || die "QEMU 10 or later needed, found: $(qemu-system-x86_64 --version | head -1)"
qemu-system-x86_64 -device help | grep -q '"igb"' || die "this QEMU has no igb device"
step "host packages"

# 2. Guest image, rebuilt only when the files that make it change.
sum=$(cat "$HERE/guest/packages.txt" "$HERE/guest/build-image.sh" "$HERE/guest/init" "$HERE/guest/e2e-run.service" | sha256sum | cut -c1-16)
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
if [ -n "${E2E_BIN:-}" ]; then
  BIN=$(readlink -f "$E2E_BIN"); [ -x "$BIN" ] || die "E2E_BIN $E2E_BIN is not an executable"
else
  [ -f build/build.ninja ] || cmake -S . -B build -G Ninja > "$CACHE/cmake.log" 2>&1 || { tail -30 "$CACHE/cmake.log"; die "cmake failed"; }
  ninja -C build sriov-apply || die "build of sriov-apply failed"
  BIN=$ROOT/build/sriov-apply
fi
# The test program of scenario 18-netdevsim (tests/e2e/netlink_check): E2E_NETLINK_CHECK, or the
# one beside the binary (./dev.sh builds both in build/), or built in build/.
CHECK=${E2E_NETLINK_CHECK:-$(dirname "$BIN")/sriov-netlink-check}
if [ ! -x "$CHECK" ]; then
  [ -f build/build.ninja ] || cmake -S . -B build -G Ninja > "$CACHE/cmake.log" 2>&1 || { tail -30 "$CACHE/cmake.log"; die "cmake failed"; }
  ninja -C build sriov-netlink-check || die "build of sriov-netlink-check failed"
  CHECK=$ROOT/build/sriov-netlink-check
fi
step "build sriov-apply"

# 4. The 9p share: binary, guest runner, scenarios, the nested guests' boot disks. Results come
#    back through it.
rm -rf "$SHARE"; mkdir -p "$SHARE/scenarios" "$SHARE/disks"
cp "$BIN" "$SHARE/sriov-apply.bin"
cp "$HERE/guest/sriov-apply-json.sh" "$SHARE/sriov-apply"
cp "$CHECK" "$SHARE/sriov-netlink-check"
cp "$HERE/guest/run-scenarios.sh" "$SHARE/"
echo "${E2E_PHASE_TIMEOUT:-300}" > "$SHARE/phase-timeout"
if [ -n "${E2E_DEB:-}" ]; then
  [ -f "$E2E_DEB" ] || die "E2E_DEB $E2E_DEB is not a file"
  cp "$E2E_DEB" "$SHARE/sriov-apply.deb"
fi
cp "$HERE/scenarios/lib.sh" "$SHARE/scenarios/"
if [ $# -gt 0 ]; then
  for s in "$@"; do cp "$HERE/scenarios/$(basename "$s" .sh).sh" "$SHARE/scenarios/" || die "no scenario $s"; done
else
  cp "$HERE"/scenarios/[0-9]*.sh "$SHARE/scenarios/"
fi
expected=$(cd "$SHARE/scenarios" && ls ./*.sh | sed -e 's|^\./||' -e 's/\.sh$//' | grep -vx lib)
for kind in halt acpi-off hotplug; do
  case $kind in halt) defs="" ;; acpi-off) defs="--defsym ACPI=1" ;; hotplug) defs="--defsym ACPI=1 --defsym HOTPLUG=1" ;; esac
  as --32 $defs -o "$CACHE/$kind.o" "$HERE/guest/bootsector.S" &&
    ld -m elf_i386 -Ttext 0x7c00 --oformat binary -e _start -o "$SHARE/disks/$kind.img" "$CACHE/$kind.o" ||
    die "cannot assemble the $kind boot sector"
  truncate -s 1M "$SHARE/disks/$kind.img"
done
boots_of() { sed -n 's/^# e2e-boot: *//p' "$1" | head -1 | grep . || echo plain; }
# missing_on BOOT: the chosen scenarios that run on BOOT and have no RESULT line yet.
missing_on() {
  for s in $expected; do
    boots_of "$SHARE/scenarios/$s.sh" | tr ' ' '\n' | grep -qx "$1" || continue
    grep -q "^RESULT [A-Z]* $s " "$SHARE/results.txt" 2>/dev/null || echo "$s"
  done
}
needed=""
for b in $BOOTS; do
  for s in $expected; do
    if boots_of "$SHARE/scenarios/$s.sh" | tr ' ' '\n' | grep -qx "$b"; then needed="$needed $b"; break; fi
  done
done
step "share"

# 5. Boot once per needed boot, all on one overlay disk made fresh for this run.
rm -f "$SHARE/results.txt" "$CACHE/run.qcow2"
qemu-img create -q -f qcow2 -F raw -b "$CACHE/rootfs.img" "$CACHE/run.qcow2"
for b in $needed; do
  machine=q35; iommu=""; append=""; init="init=/sbin/e2e-init"
  cards="-netdev user,id=n0,restrict=on -device igb,bus=rp1,netdev=n0,mac=52:54:00:12:34:56"
  case $b in
    sd*|iommu2) [ $b = iommu2 ] || init="e2e.systemd=1 systemd.show_status=0"
      cards="-device pcie-root-port,id=rp2,chassis=2,slot=2 $cards"
      cards="$cards -netdev user,id=n1,restrict=on -device igb,bus=rp2,netdev=n1,mac=52:54:00:12:34:57" ;;
  esac
  [ $b = sdnopf ] && cards=""
  if [ $b != plain ]; then
    machine=q35,kernel-irqchip=split; iommu="-device intel-iommu,intremap=on,caching-mode=on"
    # no_timer_check: under TCG on a busy host the kernel may find the timer too slow through
    # the remapped IO-APIC and panic ("timer doesn't work through Interrupt-remapped IO-APIC").
    append="intel_iommu=on iommu=pt no_timer_check"
  fi
  # An early hang (emulated VT-d under load: RCU stalls before init, seen about once in four
  # boots) never reaches the scenario runner, which writes logs/guest-BOOT.log first thing: such
  # a boot is killed after E2E_START_TIMEOUT seconds and tried again (3 tries). The disk is
  # untouched then: the runner, the first to write to it, never ran.
  attempt=1; hung=0
  while :; do
    echo "e2e: booting the VM ($b, TCG, try $attempt), serial log: $CACHE/serial-$b.log"
    rc=0
    # shellcheck disable=SC2086
    timeout "${E2E_TIMEOUT:-900}" qemu-system-x86_64 -machine $machine -accel tcg -cpu max -smp 2 -m 2048 \
      -no-reboot -nodefaults -display none -serial file:"$CACHE/serial-$b.log" -monitor none $iommu \
      -kernel "$CACHE/vmlinuz" -initrd "$CACHE/initrd.img" \
      -append "root=/dev/vda rw console=ttyS0 $init panic=-1 quiet loglevel=4 e2e.boot=$b $append" \
      -drive file="$CACHE/run.qcow2",format=qcow2,if=virtio,cache=unsafe \
      -virtfs local,path="$SHARE",mount_tag=share,security_model=none,id=share \
      -device pcie-root-port,id=rp1,chassis=1,slot=1 \
      $cards < /dev/null &
    qemu=$!
    started=0
    for _ in $(seq 1 "${E2E_START_TIMEOUT:-300}"); do
      [ -f "$SHARE/logs/guest-$b.log" ] && { started=1; break; }
      kill -0 $qemu 2>/dev/null || break
      sleep 1
    done
    if [ $started = 0 ] && kill -0 $qemu 2>/dev/null && [ $attempt -lt 3 ]; then
      kill $qemu; wait $qemu 2>/dev/null || true
      cp "$CACHE/serial-$b.log" "$CACHE/serial-$b-try$attempt.log"
      echo "e2e: boot $b did not reach the scenario runner in ${E2E_START_TIMEOUT:-300} s (serial log: $CACHE/serial-$b-try$attempt.log); trying again" >&2
      attempt=$((attempt + 1))
      continue
    fi
    # The runner touches heartbeat-BOOT every 10 s: a guest silent for E2E_STALL seconds froze,
    # and is stopped then rather than at E2E_TIMEOUT.
    while [ $started = 1 ] && kill -0 $qemu 2>/dev/null; do
      sleep 5
      hb=$(stat -c %Y "$SHARE/heartbeat-$b" 2>/dev/null || echo "")
      if [ -n "$hb" ] && [ $(( $(date +%s) - hb )) -gt "${E2E_STALL:-240}" ]; then
        echo "e2e: boot $b: no heartbeat from the guest for ${E2E_STALL:-240} s; stopping it" >&2
        kill $qemu 2>/dev/null; wait $qemu 2>/dev/null || true
        rc=124; why="went silent for ${E2E_STALL:-240} s"
        break
      fi
    done
    [ $rc = 124 ] || { wait $qemu || rc=$?; why="ran out of ${E2E_TIMEOUT:-900} s"; }
    # A boot that ran out of E2E_TIMEOUT or went silent froze (a scenario phase that hangs is
    # killed by the runner's own watchdog after 300 s and fails, with where it hung, in its
    # log: the guest's heartbeat goes on meanwhile). Show where it
    # stopped; when every scenario it left without a result starts clean on this boot (phase 1,
    # or independent), boot it once more: the runner skips the scenarios that have a result.
    if [ $rc = 124 ]; then
      echo "e2e: boot $b $why; the serial log's last lines:" >&2
      tail -40 "$CACHE/serial-$b.log" >&2
      cp "$CACHE/serial-$b.log" "$CACHE/serial-$b-hung$attempt.log"
      rerun=""; retry=1
      for s in $(missing_on "$b"); do
        echo "e2e: $s has no result; its log's last lines:" >&2
        tail -30 "$SHARE/logs/$s.log" >&2 2>/dev/null
        first=$(boots_of "$SHARE/scenarios/$s.sh" | awk '{print $1}')
        if [ "$first" = "$b" ] || grep -q '^# e2e-independent' "$SHARE/scenarios/$s.sh"; then
          rerun="$rerun $s"
        else
          retry=0
        fi
      done
      if [ $retry = 1 ] && [ -n "$rerun" ] && [ $hung = 0 ]; then
        hung=1
        for s in $rerun; do
          grep -v "^PHASE [A-Z]* $s " "$SHARE/results.txt" > "$SHARE/results.new" || true
          mv "$SHARE/results.new" "$SHARE/results.txt"
        done
        mv "$SHARE/logs/guest-$b.log" "$SHARE/logs/guest-$b-hung.log"
        rm -f "$SHARE/heartbeat-$b"
        echo "e2e: boot $b froze; booting it once more for$rerun" >&2
        attempt=$((attempt + 1))
        continue
      fi
    fi
    break
  done
  step "boot $b and its scenarios"
  [ $rc = 0 ] || echo "e2e: qemu exited with $rc (124: timed out)" >&2
done
rm -f "$CACHE/run.qcow2"

# 6. Verdict: every scenario needs its RESULT line, and all of them PASS.
R=$SHARE/results.txt
[ -f "$R" ] || { for b in $needed; do tail -40 "$CACHE/serial-$b.log"; done; die "no result file $R: the guest did not run the scenarios"; }
echo "e2e: results (logs in $SHARE/logs/):"
grep '^RESULT' "$R"
fail=0
for s in $expected; do
  line=$(grep "^RESULT [A-Z]* $s " "$R" || true)
  case $line in
    "RESULT PASS "*) ;;
    "RESULT FAIL "*) fail=1; echo "---- $s failed; its log:"; cat "$SHARE/logs/$s.log" ;;
    *) fail=1; echo "e2e: FAIL: no result for scenario $s; its log's last lines:" >&2
       tail -30 "$SHARE/logs/$s.log" >&2 2>/dev/null ;;
  esac
done
[ $fail = 0 ] || die "some scenarios failed (see above)"

# 7. Every JSON document sriov-apply printed in the guest (sriov-apply-json.sh kept them) against
#    the schema its kind names, with Ajv as tests/schema does (npm ci there installs it).
docs=$(ls "$SHARE"/json/*.json 2>/dev/null | wc -l)
if [ "$docs" -gt 0 ]; then
  command -v node >/dev/null && [ -d "$ROOT/tests/schema/node_modules/ajv" ] ||
    die "$docs JSON documents from the guest, but no Ajv to check them: run npm ci in tests/schema"
  node "$ROOT/tests/schema/check-outputs.mjs" "$ROOT/schema" "$ROOT/tests/golden" "$SHARE"/json/*.json ||
    die "JSON documents from the guest do not match their schemas (commands: $SHARE/json/*.cmd)"
  step "check $docs JSON documents from the guest against schema/"
fi
echo "e2e: all $(echo "$expected" | wc -w) scenarios passed in $(( $(date +%s) - t0 )) s"
