// Walks the attributes of an RTM_NEWLINK message to count its VFs against IFLA_NUM_VF.
#include "reconcile/host/netlink_vf_list.h"

// clang-format off
#include <net/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
// clang-format on

#include <cstdint>
#include <cstring>

namespace sriov::reconcile {
namespace {

// The attributes in [begin, end), each handed to f(type, payload, payloadLength); stops at the
// first attribute whose length does not fit.
template <typename F>
void forEachAttribute(const unsigned char* begin, const unsigned char* end, F f) {
  while (end - begin >= static_cast<std::ptrdiff_t>(sizeof(nlattr))) {
    nlattr attribute;
    std::memcpy(&attribute, begin, sizeof attribute);
    if (attribute.nla_len < sizeof(nlattr) || attribute.nla_len > end - begin) return;
    f(attribute.nla_type & NLA_TYPE_MASK, begin + NLA_HDRLEN, attribute.nla_len - NLA_HDRLEN);
    std::size_t step = NLA_ALIGN(attribute.nla_len);
    if (step > static_cast<std::size_t>(end - begin)) return;
    begin += step;
  }
}

}  // namespace

VfListCount countVfList(const void* message, std::size_t length) {
  VfListCount count;
  const auto* bytes = static_cast<const unsigned char*>(message);
  nlmsghdr header;
  if (length < sizeof header) return count;
  std::memcpy(&header, bytes, sizeof header);
  std::size_t total = header.nlmsg_len < length ? header.nlmsg_len : length;
  std::size_t start = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ifinfomsg));
  if (total < start) return count;
  forEachAttribute(bytes + start, bytes + total,
                   [&](unsigned type, const unsigned char* payload, std::size_t size) {
                     if (type == IFLA_NUM_VF && size >= sizeof(uint32_t)) {
                       uint32_t value;
                       std::memcpy(&value, payload, sizeof value);
                       count.hasNumVfs = true;
                       count.numVfs = value;
                     } else if (type == IFLA_VFINFO_LIST && !count.hasList) {
                       count.hasList = true;
                       forEachAttribute(payload, payload + size,
                                        [&](unsigned inner, const unsigned char*, std::size_t) {
                                          if (inner == IFLA_VF_INFO) ++count.listed;
                                        });
                     }
                   });
  return count;
}

std::size_t linkAnswerBytes(unsigned vfs) {
  // A link's own attributes are a few KiB (with IFLA_STATS64 and the AF_SPEC blocks); a VF
  // without statistics is 196 bytes (MAC, broadcast, VLAN and its list, rates, spoof
  // check, link state, RSS query, trust, GUIDs): 512 leaves room for attributes to come.
  return 16384 + static_cast<std::size_t>(vfs) * 512;
}

}  // namespace sriov::reconcile
