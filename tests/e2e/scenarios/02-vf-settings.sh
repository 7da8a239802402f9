# e2e-boot: plain
# Scenario 2: per-VF settings through netlink on existing VFs, read back from the kernel with
# ip -j link show. The VFs are created by a first apply, the settings come in a second one right
# after it (the PF's link is still coming back: the tx rate waits for it, see 04). Both applies
# also run on a SimulatedHost loaded from this host's state, which must predict the outcome.
. /share/scenarios/lib.sh
pf_spec count.yaml 2
tool_sim apply count.yaml
check "apply 0 -> 2 exits 0" [ "$RC" = 0 ]

pf_spec vfs.yaml 2 '      - index: 0
        mac: "02:00:00:00:00:10"
        vlan: 42
        spoofCheck: false
        trust: true
        maxTxRate: 100'
tool_sim apply --detailed-exitcode vfs.yaml
check "apply of the VF settings exits 2 (changes made)" [ "$RC" = 2 ]
check "sriov_numvfs reads 2" [ "$(numvfs)" = 2 ]
vf0=$(vf_json 0); echo "kernel VF 0: $vf0"
check "VF 0 mac 02:00:00:00:00:10" [ "$(echo "$vf0" | jq -r .address)" = 02:00:00:00:00:10 ]
check "VF 0 vlan 42" [ "$(echo "$vf0" | jq -r '.vlan_list[0].vlan')" = 42 ]
check "VF 0 spoof check off" [ "$(echo "$vf0" | jq -r .spoofchk)" = false ]
check "VF 0 trust on" [ "$(echo "$vf0" | jq -r .trust)" = true ]
check "VF 0 max tx rate 100" [ "$(echo "$vf0" | jq -r .rate.max_tx)" = 100 ]
vfnet=$(ls "$D/virtfn0/net" 2>/dev/null || true)
echo "info: VF 0 netdev ${vfnet:-none} has MAC $(cat /sys/class/net/$vfnet/address 2>/dev/null) (igb: 'Reload the VF driver to make this change effective')"

tool apply --detailed-exitcode vfs.yaml
check "apply again exits 0 (host matched)" [ "$RC" = 0 ]
check "apply again says No changes" sh -c 'printf "%s\n" "$1" | grep -q "No changes"' - "$OUT"
