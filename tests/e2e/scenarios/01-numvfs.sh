# e2e-boot: plain
# Scenario 1: create VFs from 0, change the count (the tool must zero first: the kernel refuses
# 2 -> 3 with EBUSY), apply again (no changes), and persist the count in the udev rules file.
# Each apply also runs on a SimulatedHost loaded from this host's state, which must predict it.
. /share/scenarios/lib.sh
check "the PF starts with 0 VFs" [ "$(numvfs)" = 0 ]

pf_spec two.yaml 2
tool_sim apply --detailed-exitcode two.yaml
check "apply 0 -> 2 exits 2 (changes made)" [ "$RC" = 2 ]
check "sriov_numvfs reads 2" [ "$(numvfs)" = 2 ]
check "virtfn0 and virtfn1 exist" [ -e "$D/virtfn0" -a -e "$D/virtfn1" ]
check "no virtfn2" [ ! -e "$D/virtfn2" ]

pf_spec three.yaml 3
tool_sim apply --detailed-exitcode three.yaml
check "apply 2 -> 3 exits 2 (changes made)" [ "$RC" = 2 ]
check "sriov_numvfs reads 3" [ "$(numvfs)" = 3 ]
check "virtfn0, virtfn1 and virtfn2 exist" [ -e "$D/virtfn0" -a -e "$D/virtfn1" -a -e "$D/virtfn2" ]

tool_sim apply --detailed-exitcode three.yaml
check "apply again exits 0 (host matched)" [ "$RC" = 0 ]
check "apply again says No changes" sh -c 'printf "%s\n" "$1" | grep -q "No changes"' - "$OUT"
check "sriov_numvfs still reads 3" [ "$(numvfs)" = 3 ]

echo "--- $RULES"; cat "$RULES" || true
check "the udev rules file persists 3 VFs" grep -qF 'ATTR{device/sriov_numvfs}="3"' "$RULES"
