// libvirt's <vlan> beyond one plain tag (several tags, trunk='yes', a native tag), as the spec,
// the observed state and the generated XML share it.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace sriov::schema {

// virNetDevVlan's rules: more than one tag is a trunk; trunk='no' refuses several tags and a
// native tag; one tag at most carries nativeMode ('tagged' or 'untagged'). Values are kept
// normalised (trunk true whenever there are several tags), so == is libvirt's sameness.
struct VlanTrunk {
  std::vector<unsigned> tags;  // 0..4095, in document order; at least one
  bool trunk = false;
  std::optional<unsigned> native;  // the tag with nativeMode; one of tags
  std::string nativeMode;          // "tagged" or "untagged" when native is set
  friend bool operator==(const VlanTrunk&, const VlanTrunk&) = default;
};

// "tags 42,43 trunk native 42 untagged": for plans, notes and messages.
std::string vlanTrunkText(const VlanTrunk& v);

// Whether libvirt refuses v on an SR-IOV VF at start (virNetDevSetNetConfig, virhostdev.c:
// nTags != 1 || trunk): several tags or trunk='yes'. A single native tag without trunk passes.
bool sriovRefuses(const VlanTrunk& v);

// libvirt's message for that refusal, verbatim.
inline constexpr const char* kSriovTrunkMessage =
    "vlan trunking is not supported by SR-IOV network devices";

}  // namespace sriov::schema
