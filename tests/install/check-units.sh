#!/bin/bash
# The installed systemd units: `systemd-analyze verify` finds nothing to say about them (with the
# binary under test in place of /usr/sbin/sriov-apply), they are ordered as docs/boot.md says, and
# the command line of each ExecStart is one the binary accepts.
# Usage: check-units.sh BUILD_DIR BINARY
set -euo pipefail
build=$1 bin=$(readlink -f "$2")
src=$(cd "$(dirname "$0")/../.." && pwd)
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
DESTDIR="$dest/root" cmake --install "$build" --prefix /usr >/dev/null
fail() { echo "FAIL: $*"; exit 1; }
unitdir=$(sed -n 's/^SRIOV_SYSTEMD_UNIT_DIR:[A-Z]*=//p' "$build/CMakeCache.txt")
case $unitdir in /*) ;; *) unitdir=/usr/$unitdir ;; esac
mkdir "$dest/units"
for unit in sriov-apply.service sriov-apply-libvirt.service sriov-apply-drift.service; do
  f=$dest/root$unitdir/$unit
  [ -f "$f" ] || fail "$unit is not installed"
  grep -q '^ExecStart=/usr/sbin/sriov-apply ' "$f" || fail "$unit: ExecStart does not run /usr/sbin/sriov-apply"
  sed "s|/usr/sbin/sriov-apply|$bin|" "$f" > "$dest/units/$unit"
done
cp "$dest/root$unitdir/sriov-apply-drift.timer" "$dest/units/"
out=$(systemd-analyze verify --man=no "$dest"/units/*.service "$dest"/units/*.timer 2>&1) || fail "systemd-analyze verify: $out"
[ -z "$out" ] || fail "systemd-analyze verify says: $out"
host=$dest/root$unitdir/sriov-apply.service
libvirt=$dest/root$unitdir/sriov-apply-libvirt.service
for u in libvirtd.service virtqemud.service virtnetworkd.service libvirt-guests.service; do
  grep -E "^Before=.*\b$u\b" "$host" >/dev/null || fail "sriov-apply.service is not Before=$u"
done
grep -E '^After=.*\bsriov-apply\.service\b.*\blibvirtd\.service\b' "$libvirt" >/dev/null ||
  fail "sriov-apply-libvirt.service is not After=sriov-apply.service libvirtd.service"
grep -E '^Before=.*\blibvirt-guests\.service\b' "$libvirt" >/dev/null ||
  fail "sriov-apply-libvirt.service is not Before=libvirt-guests.service"
grep -q -- '--phase host --wait-for-pfs' "$host" || fail "sriov-apply.service does not run --phase host with a PF wait"
grep -q -- '--phase libvirt' "$libvirt" || fail "sriov-apply-libvirt.service does not run --phase libvirt"
# Each ExecStart as systemd runs it (the environment's defaults expanded) is accepted by the binary:
# as a dry run on the simulated lab host, it plans (0) or refuses (4), never a usage error (1).
for f in "$host" "$libvirt"; do
  args=$(sed -n 's|^ExecStart=/usr/sbin/sriov-apply apply ||p' "$f" |
    sed -e 's/\${SRIOV_APPLY_WAIT_FOR_PFS}/60/' -e 's/\$SRIOV_APPLY_OPTIONS//' \
      -e "s|\${SRIOV_APPLY_SPEC}|$src/examples/two-pfs.yaml|")
  code=0
  # shellcheck disable=SC2086
  "$bin" apply --dry-run --state "$src/examples/lab.state.yaml" $args >/dev/null 2>"$dest/err" || code=$?
  [ "$code" = 0 ] || [ "$code" = 4 ] || fail "$(basename "$f"): 'apply $args' exits $code: $(cat "$dest/err")"
done
# The drift check's command line writes its metrics and exits 0 (no drift), 2 (drift) or 4.
drift=$dest/root$unitdir/sriov-apply-drift.service
args=$(sed -n 's|^ExecStart=/usr/sbin/sriov-apply plan ||p' "$drift" |
  sed -e "s|\${SRIOV_APPLY_METRICS}|$dest/drift.prom|" -e "s|\${SRIOV_APPLY_SPEC}|$src/examples/two-pfs.yaml|")
code=0
# shellcheck disable=SC2086
"$bin" plan --state "$src/examples/lab.state.yaml" $args >/dev/null 2>"$dest/err" || code=$?
[ "$code" = 2 ] || fail "sriov-apply-drift.service: 'plan $args' exits $code: $(cat "$dest/err")"
grep -q '^sriov_apply_drift 1$' "$dest/drift.prom" || fail "the drift check wrote no drift metric"
grep -q '^SuccessExitStatus=2 4$' "$drift" || fail "sriov-apply-drift.service does not take exit 2 and 4 as success"
echo "units: 4 verified, ordered, and their command lines accepted"
