# Known failure, not run by default (tests/e2e/run.sh bug-rate-after-create): VFs and a maxTxRate
# in one apply from 0 VFs. igb refuses a VF rate (EINVAL) while the PF link is down, and enabling
# VFs resets the PF, so its link is down for ~1-2 s right after set-numvfs. sriov-apply sets the
# rate at once, fails with "Invalid input data or parameter" and rolls back.
. /share/scenarios/lib.sh
pf_spec one-shot.yaml 2 '      - index: 0
        mac: "02:00:00:00:00:10"
        maxTxRate: 100'
ip link set "$PF" up; wait_carrier
dmesg -C
tool apply --detailed-exitcode one-shot.yaml
echo "PF carrier now: $(cat /sys/class/net/$PF/carrier)"; dmesg | grep -E 'Link is|VFs|IOV' || true
check "one-shot apply of numVfs + maxTxRate exits 2 (changes made)" [ "$RC" = 2 ]
check "VF 0 max tx rate 100" [ "$(vf_json 0 | jq -r .rate.max_tx)" = 100 ]
