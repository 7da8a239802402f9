// Tests of the VF-list check and the receive-buffer size on RTM_NEWLINK messages built the way
// the kernel builds them (rtnl_fill_vfinfo without statistics), and of libnl parsing the list
// of an ice-class PF (256 VFs): no kernel device in a network namespace can hold VFs
// (netdevsim is a module this kernel lacks), so the real answer is tested in a VM (tests/e2e
// 18-netdevsim).
#include <doctest/doctest.h>
// clang-format off
#include <net/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_ether.h>
// clang-format on
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/sriov.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <vector>

#include "reconcile/host/netlink_reader.h"
#include "reconcile/host/netlink_vf_list.h"

namespace sriov::reconcile {
namespace {

// Bytes of a netlink message under construction, with nests closed the kernel's way (a 16-bit
// length that wraps past 64 KiB).
class Message {
 public:
  Message() {
    bytes_.resize(NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ifinfomsg)));
    nlmsghdr header{};
    header.nlmsg_type = RTM_NEWLINK;
    std::memcpy(bytes_.data(), &header, sizeof header);
  }
  void put(unsigned short type, const void* payload, std::size_t size) {
    nlattr attribute{static_cast<unsigned short>(NLA_HDRLEN + size), type};
    append(&attribute, sizeof attribute);
    append(payload, size);
    bytes_.resize(NLA_ALIGN(bytes_.size()));
  }
  template <typename T>
  void put(unsigned short type, const T& value) {
    put(type, &value, sizeof value);
  }
  std::size_t begin(unsigned short type) {
    std::size_t at = bytes_.size();
    put(type, nullptr, 0);
    return at;
  }
  void end(std::size_t at) {
    auto length = static_cast<unsigned short>(bytes_.size() - at);  // wraps as the kernel's does
    std::memcpy(bytes_.data() + at, &length, sizeof length);
  }
  std::vector<unsigned char> finish() {
    auto length = static_cast<uint32_t>(bytes_.size());
    std::memcpy(bytes_.data(), &length, sizeof length);
    return bytes_;
  }

 private:
  void append(const void* data, std::size_t size) {
    const auto* from = static_cast<const unsigned char*>(data);
    bytes_.insert(bytes_.end(), from, from + size);
  }
  std::vector<unsigned char> bytes_;
};

// One VF as rtnl_fill_vfinfo writes it with RTEXT_FILTER_SKIP_STATS (196 bytes).
void putVf(Message& message, uint32_t vf) {
  std::size_t info = message.begin(IFLA_VF_INFO);
  ifla_vf_mac mac{
      vf, {0x52, 0x54, 0x00, 0x00, static_cast<uint8_t>(vf >> 8), static_cast<uint8_t>(vf)}};
  message.put(IFLA_VF_MAC, mac);
  ifla_vf_broadcast broadcast{};
  message.put(IFLA_VF_BROADCAST, broadcast);
  message.put(IFLA_VF_VLAN, ifla_vf_vlan{vf, 100, 0});
  message.put(IFLA_VF_RATE, ifla_vf_rate{vf, 0, 0});
  message.put(IFLA_VF_TX_RATE, ifla_vf_tx_rate{vf, 0});
  message.put(IFLA_VF_SPOOFCHK, ifla_vf_spoofchk{vf, 1});
  message.put(IFLA_VF_LINK_STATE, ifla_vf_link_state{vf, IFLA_VF_LINK_STATE_AUTO});
  message.put(IFLA_VF_RSS_QUERY_EN, ifla_vf_rss_query_en{vf, 0});
  message.put(IFLA_VF_TRUST, ifla_vf_trust{vf, 0});
  std::size_t list = message.begin(IFLA_VF_VLAN_LIST);
  message.put(IFLA_VF_VLAN_INFO, ifla_vf_vlan_info{vf, 100, 0, htons(ETH_P_8021Q)});
  message.end(list);
  message.end(info);
}

// A PF's answer: name, IFLA_NUM_VF, the VF list of vfs entries, then one more attribute.
std::vector<unsigned char> pfAnswer(uint32_t vfs) {
  Message message;
  message.put(IFLA_IFNAME, "ens1f0", 7);
  message.put(IFLA_NUM_VF, vfs);
  std::size_t list = message.begin(IFLA_VFINFO_LIST);
  for (uint32_t vf = 0; vf < vfs; ++vf) putVf(message, vf);
  message.end(list);
  message.put(IFLA_MTU, uint32_t{1500});
  return message.finish();
}

TEST_CASE("an ice-class PF's 256 VFs fit one answer without statistics") {
  std::vector<unsigned char> answer = pfAnswer(256);
  VfListCount count = countVfList(answer.data(), answer.size());
  CHECK(count.hasNumVfs);
  CHECK(count.numVfs == 256);
  CHECK(count.listed == 256);
  CHECK(complete(count));
  CHECK(answer.size() <= linkAnswerBytes(256));

  SUBCASE("libnl parses every VF of it") {
    nl_msg* message = nlmsg_convert(reinterpret_cast<nlmsghdr*>(answer.data()));
    REQUIRE(message != nullptr);
    nlmsg_set_proto(message, NETLINK_ROUTE);
    rtnl_link* link = nullptr;
    int err = nl_msg_parse(
        message,
        [](nl_object* object, void* into) {
          nl_object_get(object);
          *static_cast<rtnl_link**>(into) = reinterpret_cast<rtnl_link*>(object);
        },
        &link);
    nlmsg_free(message);
    REQUIRE(err == 0);
    REQUIRE(link != nullptr);
    uint32_t vfs = 0;
    CHECK(rtnl_link_get_num_vf(link, &vfs) == 0);
    CHECK(vfs == 256);
    rtnl_link_vf* last = rtnl_link_vf_get(link, 255);
    REQUIRE(last != nullptr);
    uint32_t spoofcheck = 0;
    CHECK(rtnl_link_vf_get_spoofchk(last, &spoofcheck) == 0);
    CHECK(spoofcheck == 1);
    rtnl_link_vf_put(last);
    rtnl_link_put(link);
  }
}

TEST_CASE("a VF list over 64 KiB is seen as incomplete") {
  // 400 VFs are 78,404 bytes: the list's 16-bit length wrapped to 12,868.
  std::vector<unsigned char> answer = pfAnswer(400);
  VfListCount count = countVfList(answer.data(), answer.size());
  CHECK(count.numVfs == 400);
  CHECK(count.hasList);
  CHECK(count.listed < 400);
  CHECK_FALSE(complete(count));
}

TEST_CASE("parseLinkAnswer reads every VF of a whole list and refuses a wrapped one") {
  std::vector<unsigned char> whole = pfAnswer(334);  // 4 + 334 x 196 = 65,468 bytes: it fits
  Result<PfNetlink> pf = parseLinkAnswer("ens1f0", whole.data(), whole.size());
  REQUIRE_MESSAGE(pf.ok(), pf.error().message);
  CHECK(pf->vfs.size() == 334);
  CHECK(pf->vfs.at(333).mac == "52:54:00:00:01:4d");
  CHECK(pf->vfs.at(333).vlan == 100);
  CHECK(pf->answerBytes == whole.size());

  // 512 VFs: 100,356 bytes, the length wrapped to 34,820 (177 VFs and part of the 178th),
  // as the 6.1 kernel sends it (tests/e2e 18-netdevsim). libnl reads the rest of the list as
  // top-level attributes and fails ("Input data out of range"); the count is checked first,
  // so the error says what is wrong and what to do.
  std::vector<unsigned char> wrapped = pfAnswer(512);
  Result<PfNetlink> refused = parseLinkAnswer("ens1f0", wrapped.data(), wrapped.size());
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message ==
        "cannot read VF settings of ens1f0 through netlink: the kernel's answer lists 177 of 512 "
        "VFs (its VF list is over netlink's 64 KiB attribute limit, which holds about 330 VFs); "
        "lower sriov_numvfs to read the VF settings");
  CHECK(refused.error().code == EMSGSIZE);
}

TEST_CASE("the VF-list check of answers without VFs or without the list") {
  std::vector<unsigned char> none = pfAnswer(0);
  CHECK(complete(countVfList(none.data(), none.size())));

  Message noList;
  noList.put(IFLA_NUM_VF, uint32_t{8});
  std::vector<unsigned char> missing = noList.finish();
  VfListCount count = countVfList(missing.data(), missing.size());
  CHECK(count.numVfs == 8);
  CHECK_FALSE(count.hasList);
  CHECK_FALSE(complete(count));

  Message plain;  // not a PF: no IFLA_NUM_VF
  plain.put(IFLA_MTU, uint32_t{1500});
  std::vector<unsigned char> link = plain.finish();
  CHECK(complete(countVfList(link.data(), link.size())));
  CHECK(complete(countVfList(link.data(), 3)));  // shorter than a header: nothing to check
}

}  // namespace
}  // namespace sriov::reconcile
