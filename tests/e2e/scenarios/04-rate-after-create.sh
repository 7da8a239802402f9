# e2e-boot: plain
# Scenario 4 (issue 5): VFs and a maxTxRate in one apply. Enabling VFs resets the igb PF; its
# link is down for ~1.5 s, and igb refuses a VF rate (EINVAL) while the PF has no link
# (igb_ndo_set_vf_bw checks the link-up bit). sriov-apply must wait for the carrier and set the
# rate, from a PF that had its link and from one that was down (the plan sets it up first).
# Then the igb facts SimulatedHost models, asserted on the kernel.
. /share/scenarios/lib.sh
pf_spec one-shot.yaml 2 '      - index: 0
        mac: "02:00:00:00:00:10"
        maxTxRate: 100'

echo "## from a PF that is up and has its link"
ip link set "$PF" up; wait_carrier
dmesg -C
tool_sim apply --detailed-exitcode one-shot.yaml
dmesg | grep -E 'Link is|VFs|IOV' || true
check "one-shot apply of numVfs + maxTxRate exits 2 (changes made)" [ "$RC" = 2 ]
check "VF 0 max tx rate 100" [ "$(vf_json 0 | jq -r .rate.max_tx)" = 100 ]
check "VF 0 mac 02:00:00:00:00:10" [ "$(vf_json 0 | jq -r .address)" = 02:00:00:00:00:10 ]

echo "## from a PF that is down, with 0 VFs"
echo 0 > "$D/sriov_numvfs"; udevadm settle; ip link set "$PF" down
check "the PF is down" sh -c "! ip -j link show $PF | jq -e '.[0].flags | index(\"UP\")' >/dev/null"
# --jobs 1: the plan's set-vf waits for set-numvfs but not for set-link-up (a planner gap, see
# README "Differences found"); run in parallel, the rate may reach igb before the PF is up, and
# SimulatedHost then refuses it as igb does. One at a time, set-link-up (id 2) comes first.
tool_sim apply --jobs 1 --detailed-exitcode one-shot.yaml
check "one-shot apply from a down PF exits 2" [ "$RC" = 2 ]
check "the PF is up" sh -c "ip -j link show $PF | jq -e '.[0].flags | index(\"UP\")' >/dev/null"
check "VF 0 max tx rate 100" [ "$(vf_json 0 | jq -r .rate.max_tx)" = 100 ]

echo "## igb facts (SimulatedHost models them)"
wait_carrier
# rc CMD...: runs CMD, prints and returns its exit code (as text) without failing the scenario.
rc() { set +e; "$@"; r=$?; set -e; echo "[exit $r: $*]"; return 0; }
out=$(rc ip link set "$PF" vf 1 max_tx_rate 2000 2>&1); echo "$out"
check "with link (1000 Mbps): a rate above the link speed is refused" has "exit 2" "$out"
ip link set "$PF" down
out=$(rc ip link set "$PF" vf 1 max_tx_rate 50 2>&1); echo "$out"
check "PF down: a rate is refused (Invalid argument)" has "Invalid argument" "$out"
out=$(rc ip link set "$PF" vf 1 max_tx_rate 0 2>&1); echo "$out"
check "PF down: even rate 0 is refused" has "exit 2" "$out"
check "PF down: VF 0 keeps its rate 100" [ "$(vf_json 0 | jq -r .rate.max_tx)" = 100 ]
out=$(rc ip link set "$PF" vf 1 mac 02:00:00:00:00:11 vlan 7 2>&1); echo "$out"
check "PF down: mac and vlan are accepted" has "exit 0" "$out"
