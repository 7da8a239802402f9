#!/bin/bash
# The project's two entry points for people and CI, on Debian 12:
#   ./dev.sh demo   install what is missing, build, run sriov-apply on the bundled example host
#   ./dev.sh test   install what is missing, build (warnings are errors), run the unit and
#                   integration tiers and the hostile inputs (tests/hostile/run.sh), then the tiers
#                   again under AddressSanitizer + UndefinedBehaviorSanitizer,
#                   then the end-to-end tier (tests/e2e: a VM with an emulated SR-IOV card, as
#                   root; SRIOV_SKIP_E2E=1 leaves it out for a quick local run)
#   ./dev.sh package  build the Debian package (dpkg-buildpackage, debian/) into dist/, check it
#                   with lintian (errors fail), print its size and contents
#   ./dev.sh bench  the benchmarks, which print figures
#   ./dev.sh fuzz [SECONDS]  build the libFuzzer targets (clang-14, build-fuzz/) and run each
#                   for SECONDS (default 60); any crash, leak, timeout or out-of-memory fails
# Packages are installed with apt-get (through sudo when not root) only when missing.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"

JOBS=${JOBS:-$(nproc)}

# Build tools and libraries (Debian 12 package names; versions are bookworm's).
PACKAGES=(
  cmake ninja-build g++ pkg-config
  libyaml-cpp-dev libvirt-dev libudev-dev libcli11-dev libspdlog-dev libfmt-dev doctest-dev
  libyaml-dev libnl-3-dev libnl-route-3-dev libpugixml-dev nlohmann-json3-dev
  # the libFuzzer targets (tests/fuzz)
  clang-14 libclang-rt-14-dev
  # the format check (tests/check-format.sh)
  clang-format-14
  # tests/hostile/run.sh writes its generated inputs with python3
  python3
  # tier 2: a real libvirtd started by the integration tests in a private mount namespace
  libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients qemu-system-x86
  # the Debian package (./dev.sh package) and the man page test
  debhelper dpkg-dev devscripts lintian groff-base fakeroot git
  # the Ansible collection's tests (tests/ansible): the module run by ansible-core, and the checks
  # ansible-test sanity runs (validate-modules needs voluptuous; pep8, pyflakes)
  ansible-core python3-voluptuous pycodestyle pyflakes3
)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

install_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "==> installing: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}"
  fi
}

# build DIR [cmake options...]
build() {
  local dir=$1; shift
  cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
  cmake --build "$dir" -j "$JOBS"
}

# The main job on the bundled example host: every example spec planned against the simulated
# lab host in examples/lab.state.yaml (nothing on this machine is read or changed).
demo() {
  install_packages "${PACKAGES[@]}"
  build build
  echo "==> sriov-apply validate examples/*.yaml"
  ./build/sriov-apply validate examples/*.yaml
  local spec code
  for spec in examples/*.yaml; do
    case "$spec" in *.state.yaml) continue ;; esac
    echo
    echo "==> sriov-apply plan --state examples/lab.state.yaml $spec"
    code=0
    ./build/sriov-apply plan --state examples/lab.state.yaml "$spec" || code=$?
    # 0: planned; 4: refused by design (the plan says why). Anything else is a failure.
    [ "$code" = 0 ] || [ "$code" = 4 ] || { echo "exit $code" >&2; exit "$code"; }
  done
  # Then apply for real, on a copy of the lab host: the second apply must change nothing.
  local state
  state=$(mktemp --suffix=.state.yaml)
  cp examples/lab.state.yaml "$state"
  echo
  # With --state the lock is STATE.lock and no snapshot is written (the state file is the host).
  echo "==> sriov-apply apply --state $state examples/two-pfs.yaml"
  ./build/sriov-apply apply --state "$state" examples/two-pfs.yaml
  echo
  echo "==> the same again: nothing to do"
  ./build/sriov-apply apply --state "$state" --detailed-exitcode examples/two-pfs.yaml
  rm -f "$state" "$state.lock"
}

test_all() {
  install_packages "${PACKAGES[@]}"
  # The spec schema test (tests/schema) runs Ajv under node. A machine that already has node and
  # npm (e.g. NodeSource's nodejs, which bundles npm and conflicts with Debian's npm package)
  # keeps them; otherwise Debian's nodejs and npm are installed.
  command -v node >/dev/null && command -v npm >/dev/null || install_packages nodejs npm
  echo "==> Ajv for the spec schema test (npm ci in tests/schema)"
  (cd tests/schema && npm ci --no-audit --no-fund --silent)
  echo "==> clang-format check (tests/check-format.sh)"
  tests/check-format.sh
  echo "==> build (warnings are errors)"
  build build -DSRIOV_WERROR=ON
  echo "==> tests"
  ctest --test-dir build --output-on-failure
  echo "==> hostile inputs against the binary (tests/hostile/run.sh; about 30 s)"
  tests/hostile/run.sh build/sriov-apply
  echo "==> build with AddressSanitizer + UndefinedBehaviorSanitizer"
  build build-asan -DSRIOV_WERROR=ON -DSRIOV_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
  echo "==> tests under ASan + UBSan"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure
  echo "==> the Debian package (./dev.sh package; its own unit-test run is skipped: they ran above)"
  SRIOV_PACKAGE_NOCHECK=1 package
  echo "==> fuzzing: each target for 60 s (tests/fuzz)"
  fuzz 60
  if [ "${SRIOV_SKIP_E2E:-0}" = 1 ]; then
    echo "==> end-to-end tests skipped (SRIOV_SKIP_E2E=1)"
  else
    echo "==> end-to-end tests (tests/e2e/run.sh: sriov-apply in a VM with an emulated igb card)"
    # The boot scenarios install the package built above into the VM.
    as_root env E2E_BIN="$PWD/build/sriov-apply" E2E_DEB="$(ls "$PWD"/dist/sriov-apply_*_amd64.deb)" \
      tests/e2e/run.sh
  fi
  echo "==> all tests passed"
}

# The libFuzzer targets of tests/fuzz, each for SECONDS, seeded from examples/, tests/golden and
# tests/fuzz/corpus/TARGET (the reproducers); the corpus grows in build-fuzz/corpus/TARGET.
FUZZ_TARGETS=(spec_loader state_file domain_xml network_xml udev_rules canonical_yaml)
fuzz() {
  local seconds=${1:-60}
  install_packages "${PACKAGES[@]}"
  cmake -S . -B build-fuzz -G Ninja -DSRIOV_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++-14 >/dev/null
  cmake --build build-fuzz -j "$JOBS" --target "${FUZZ_TARGETS[@]/#/fuzz_}"
  local t seeds
  for t in "${FUZZ_TARGETS[@]}"; do
    mkdir -p "build-fuzz/corpus/$t"
    case $t in
      spec_loader) seeds=(examples examples/invalid) ;;
      state_file) seeds=(tests/golden) ;;
      canonical_yaml) seeds=(tests/golden examples) ;;
      *) seeds=() ;;
    esac
    [ -d "tests/fuzz/corpus/$t" ] && seeds+=("tests/fuzz/corpus/$t")
    echo "==> fuzz $t for $seconds s"
    local rc=0
    ASAN_OPTIONS=detect_leaks=1 "build-fuzz/fuzz_$t" -max_total_time="$seconds" \
      -rss_limit_mb=2048 -timeout=10 -max_len=65536 -print_final_stats=1 \
      -artifact_prefix="build-fuzz/crash-$t-" "build-fuzz/corpus/$t" "${seeds[@]}" \
      >"build-fuzz/fuzz-$t.log" 2>&1 || rc=$?
    grep -E "^(stat::number_of_executed_units|SUMMARY|==[0-9]+==ERROR)|DONE" \
      "build-fuzz/fuzz-$t.log" || true
    # libFuzzer exits non-zero on any crash, leak, timeout or out-of-memory.
    [ "$rc" = 0 ] || { echo "fuzz $t failed (build-fuzz/fuzz-$t.log, build-fuzz/crash-$t-*)" >&2; exit 1; }
  done
}

# The Debian package, built from a copy of the tree (no build dirs, no .git; the git revision is
# passed on) so that dpkg-buildpackage writes nothing outside it; the .debs land in dist/.
package() {
  install_packages "${PACKAGES[@]}"
  local work rev
  # A fixed folder (ours, made fresh): dpkg-buildflags' -ffile-prefix-map names it, so ccache
  # hits on the next package build only if the path is the same.
  work=${TMPDIR:-/tmp}/sriov-apply-package.$(id -u)
  rm -rf "$work"
  mkdir -m 700 "$work"
  rev=$(git describe --always --dirty --tags 2>/dev/null || echo unknown)
  mkdir "$work/sriov-apply"
  tar --exclude='./build*' --exclude=./dist --exclude=./.git --exclude='./obj-*' --exclude=./tests/schema/node_modules -cf - . |
    tar -xf - -C "$work/sriov-apply"
  echo "==> dpkg-buildpackage -b (Release; revision $rev)"
  local launcher=""
  command -v ccache >/dev/null && launcher=ccache
  (cd "$work/sriov-apply" && SRIOV_GIT_REVISION="$rev" SRIOV_COMPILER_LAUNCHER="$launcher" \
    CCACHE_BASEDIR="$work" DEB_BUILD_OPTIONS="parallel=$JOBS${SRIOV_PACKAGE_NOCHECK:+ nocheck}" \
    dpkg-buildpackage -b -uc -us --no-sign >"$work/build.log" 2>&1) ||
    { tail -50 "$work/build.log"; rm -rf "$work"; exit 1; }
  mkdir -p dist
  rm -f dist/sriov-apply_*.deb dist/sriov-apply-dbgsym_*.deb dist/sriov-apply_*.changes \
    dist/sriov-apply_*.buildinfo
  mv "$work"/sriov-apply*_*.deb "$work"/sriov-apply_*.changes "$work"/sriov-apply_*.buildinfo dist/
  rm -rf "$work"
  echo "==> lintian (errors fail)"
  lintian --fail-on error dist/sriov-apply_*.changes
  local deb
  deb=$(ls dist/sriov-apply_*.deb)
  echo "==> $deb: $(stat -c %s "$deb") bytes, installed size $(dpkg-deb -f "$deb" Installed-Size) KiB"
  dpkg-deb -f "$deb" Depends
  dpkg-deb -c "$deb"
}

# Benchmarks print figures (not run by test: timing on shared machines is noise).
bench() {
  install_packages "${PACKAGES[@]}"
  build build-release -DCMAKE_BUILD_TYPE=Release
  tests/bench/run.sh build-release
  echo
  ./build-release/sriov-bench
  echo
  ./build-release/sriov-bench-plan
}

case "${1:-}" in
  demo) demo ;;
  test) test_all ;;
  bench) bench ;;
  fuzz) fuzz "${2:-60}" ;;
  package) package ;;
  *) echo "usage: $0 demo|test|package|bench|fuzz [SECONDS]" >&2; exit 2 ;;
esac
