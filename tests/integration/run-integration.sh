#!/bin/bash
# CTest's "integration" test: starts the hermetic libvirtd, runs the integration test binary
# against it, and stops the daemon whatever happens.
#   usage: run-integration.sh TEST_BINARY STATE_DIR [doctest options...]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
binary=${1:?usage: run-integration.sh TEST_BINARY STATE_DIR [doctest options...]}
state=${2:?usage: run-integration.sh TEST_BINARY STATE_DIR [doctest options...]}
shift 2

trap '"$here/libvirtd-stop.sh" "$state"' EXIT
uri=$("$here/libvirtd-start.sh" "$state")
SRIOV_TEST_LIBVIRT_URI=$uri SRIOV_TEST_SYSFS_ROOT=$(cd "$state" && pwd)/fakesys "$binary" "$@"
