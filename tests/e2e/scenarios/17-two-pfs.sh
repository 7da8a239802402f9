# e2e-boot: iommu2
# Scenario 17: two PFs in one apply (the apply runs independent PFs at once). Both counts change
# in one apply and both converge; its wall time is printed beside a one-PF apply's of the same
# change. Then a failure on the second PF (igb refuses a VF's link state) rolls BOTH back:
# counts, VF settings, the rules file.
. /share/scenarios/lib.sh
A=$PF; B=$(echo $PFS | awk '{print $2}')
check "this boot has two igb PFs ($PFS)" [ -n "$B" ] && [ "$B" != "$A" ]
# spec FILE NA NB [LINKSTATE]: PF A at NA VFs, PF B at NB (omitted when empty), VF 0 of each a MAC
# and VLAN; LINKSTATE on B's VF 0.
spec() {
  {
    echo "apiVersion: sriov-apply/v1"; echo "pfs:"
    printf '  - name: %s\n    numVfs: %s\n    vfs:\n      - index: 0\n        mac: "02:00:00:00:0a:01"\n        vlan: 71\n' "$A" "$2"
    [ -z "$3" ] || printf '  - name: %s\n    numVfs: %s\n    vfs:\n      - index: 0\n        mac: "02:00:00:00:0b:01"\n        vlan: 72\n%s' "$B" "$3" "${4:+        linkState: $4
}"
  } > "$1"
  echo "--- $1"; cat "$1"
}
nv() { cat "/sys/class/net/$1/device/sriov_numvfs"; }
vfj() { ip -j link show "$1" | jq -c ".[0].vfinfo_list[] | select(.vf == $2) | [.address, .vlan_list]"; }
secs() { echo "$1 $(date +%s.%N)" | awk '{printf "%.2f", $2-$1}'; }

# One PF, 0 -> 2, as the yardstick; then back to 0.
spec one.yaml 2 ""
t=$(date +%s.%N); tool apply --detailed-exitcode one.yaml; one=$(secs "$t")
check "one-PF apply 0 -> 2 exits 2" [ "$RC" = 2 ]
check "A has 2 VFs, B none" [ "$(nv "$A")/$(nv "$B")" = 2/0 ]
spec zero.yaml 0 ""
sed -i '/vfs:/,$d' zero.yaml; cat zero.yaml
tool apply --detailed-exitcode zero.yaml
check "back to 0 VFs on A" [ "$(nv "$A")" = 0 ]

# Both PFs, 0 -> 2 each, in one apply.
spec two.yaml 2 2
# (tool_sim's three steps, so that the time is the real apply's alone)
sim_apply apply --detailed-exitcode two.yaml
t=$(date +%s.%N); tool apply --detailed-exitcode two.yaml; both=$(secs "$t")
check "the simulated host predicted the real one (exit code, state, show --as-spec)" sim_compare
check "two-PF apply exits 2" [ "$RC" = 2 ]
check "A and B have 2 VFs each" [ "$(nv "$A")/$(nv "$B")" = 2/2 ]
check "A's VF 0 MAC and VLAN" [ "$(vfj "$A" 0)" = '["02:00:00:00:0a:01",[{"vlan":71}]]' ]
check "B's VF 0 MAC and VLAN" [ "$(vfj "$B" 0)" = '["02:00:00:00:0b:01",[{"vlan":72}]]' ]
check "the rules file has both PFs at 2" [ "$(grep -cF 'ATTR{device/sriov_numvfs}="2"' "$RULES")" = 2 ]
echo "FIGURE two-PF apply (0 -> 2 on both PFs, one command): $both s; one-PF apply (0 -> 2): $one s"
t=$(date +%s.%N); tool apply --detailed-exitcode two.yaml; echo "FIGURE two-PF apply with nothing to do: $(secs "$t") s"
check "again: exit 0" [ "$RC" = 0 ]

# Both counts change again, B's VF 0 asks for a link state igb refuses: both roll back.
cp "$RULES" rules-before
ip -j link show "$A" | jq -c '.[0].vfinfo_list' > a-before.json
ip -j link show "$B" | jq -c '.[0].vfinfo_list' > b-before.json
spec bad.yaml 3 3 enable
tool_sim apply --detailed-exitcode bad.yaml
check "apply with linkState on B exits 1" [ "$RC" = 1 ]
check "the error names link state" sh -c 'printf "%s\n" "$1" | grep -qi "link state"' - "$OUT"
check "it rolled back" has "rolled back" "$OUT"
check "rolled back: A and B have 2 VFs again" [ "$(nv "$A")/$(nv "$B")" = 2/2 ]
ip -j link show "$A" | jq -c '.[0].vfinfo_list' > a-after.json
ip -j link show "$B" | jq -c '.[0].vfinfo_list' > b-after.json
echo "A after: $(cat a-after.json)"; echo "B after: $(cat b-after.json)"
check "rolled back: A's VF 0 MAC and VLAN" [ "$(vfj "$A" 0)" = '["02:00:00:00:0a:01",[{"vlan":71}]]' ]
check "rolled back: B's VF 0 MAC and VLAN" [ "$(vfj "$B" 0)" = '["02:00:00:00:0b:01",[{"vlan":72}]]' ]
check "rolled back: the rules file as before" cmp rules-before "$RULES"
tool apply --detailed-exitcode two.yaml
check "the spec before still matches: exit 0" [ "$RC" = 0 ]
