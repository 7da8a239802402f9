# e2e-boot: plain
# Scenario 3: igb cannot force a VF's link state (a real driver limit). An apply that changes the
# VF count and asks for linkState: enable must fail clearly, exit 1, and roll the host back.
. /share/scenarios/lib.sh
pf_spec before.yaml 2 '      - index: 0
        mac: "02:00:00:00:00:10"
        vlan: 42'
tool apply before.yaml
check "setup apply exits 0" [ "$RC" = 0 ]
check "setup: sriov_numvfs reads 2" [ "$(numvfs)" = 2 ]
before=$(vf_json 0); echo "kernel VF 0 before: $before"

pf_spec bad.yaml 3 '      - index: 0
        mac: "02:00:00:00:00:10"
        vlan: 42
        linkState: enable'
tool_sim apply bad.yaml
check "apply with linkState on igb exits 1" [ "$RC" = 1 ]
check "the error names \"link state\"" sh -c 'printf "%s\n" "$1" | grep -qi "link state"' - "$OUT"
check "the error says \"not supported\"" sh -c 'printf "%s\n" "$1" | grep -qi "not supported"' - "$OUT"
check "rolled back: sriov_numvfs reads 2 again" [ "$(numvfs)" = 2 ]
check "rolled back: no virtfn2" [ ! -e "$D/virtfn2" ]
after=$(vf_json 0); echo "kernel VF 0 after: $after"
check "rolled back: VF 0 mac 02:00:00:00:00:10" [ "$(echo "$after" | jq -r .address)" = 02:00:00:00:00:10 ]
check "rolled back: VF 0 vlan 42" [ "$(echo "$after" | jq -r '.vlan_list[0].vlan')" = 42 ]
echo "--- $RULES"; cat "$RULES" || true
check "rolled back: the rules file still says 2" grep -qF 'ATTR{device/sriov_numvfs}="2"' "$RULES"
