// Reads a PF's IFF_UP and its VFs' MAC, VLAN, spoof check, trust, link state and rates with
// libnl-route-3, turning libnl and errno failures into Error values.
#include "reconcile/host/netlink_reader.h"

// <net/if.h> before libnl and <linux/...>: <linux/if.h> yields to glibc's definitions only when
// glibc's header came first.
// clang-format off
#include <net/if.h>
#include <linux/if_link.h>
// clang-format on
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/sriov.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>
#include <vector>

#include "reconcile/host/netlink_vf_list.h"

namespace sriov::reconcile {
namespace {

Error readError(const std::string& ifname, const std::string& cause, int code) {
  return Error{"cannot read VF settings of " + ifname + " through netlink: " + cause, code};
}

std::string formatMac(nl_addr* addr) {
  const unsigned char* bytes = static_cast<const unsigned char*>(nl_addr_get_binary_addr(addr));
  unsigned len = nl_addr_get_len(addr);
  if (len < 6) return "00:00:00:00:00:00";
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", bytes[0], bytes[1], bytes[2],
                bytes[3], bytes[4], bytes[5]);
  return buf;
}

// One VF's settings; attributes the driver does not report keep their defaults.
VfNetlink readVf(rtnl_link_vf* vf) {
  VfNetlink settings;
  nl_addr* addr = nullptr;
  if (rtnl_link_vf_get_addr(vf, &addr) == 0 && addr) settings.mac = formatMac(addr);

  nl_vf_vlans_t* vlans = nullptr;
  if (rtnl_link_vf_get_vlans(vf, &vlans) == 0 && vlans) {
    if (vlans->size > 0) {
      settings.vlan = vlans->vlans[0].vf_vlan;
      settings.qos = vlans->vlans[0].vf_vlan_qos;
    }
    rtnl_link_vf_vlan_put(vlans);  // get_vlans took a reference
  }

  uint32_t value = 0;
  if (rtnl_link_vf_get_spoofchk(vf, &value) == 0) settings.spoofCheck = value != 0;
  if (rtnl_link_vf_get_trust(vf, &value) == 0) settings.trust = value != 0;
  if (rtnl_link_vf_get_linkstate(vf, &value) == 0) {
    switch (value) {
      case IFLA_VF_LINK_STATE_ENABLE:
        settings.linkState = LinkState::enable;
        break;
      case IFLA_VF_LINK_STATE_DISABLE:
        settings.linkState = LinkState::disable;
        break;
      default:
        settings.linkState = LinkState::auto_;
        break;
    }
  }

  nl_vf_rate rate{};
  if (rtnl_link_vf_get_rate(vf, &rate) == 0) {
    if (rate.api == RTNL_LINK_VF_RATE_API_NEW) {
      settings.minTxRate = rate.min_tx_rate;
      settings.maxTxRate = rate.max_tx_rate;
    } else if (rate.api == RTNL_LINK_VF_RATE_API_OLD) {
      settings.maxTxRate = rate.rate;  // IFLA_VF_TX_RATE: the old API's maximum
    }
  }
  return settings;
}

// Keeps the bytes of the kernel's RTM_NEWLINK answer; parsed by parseLinkAnswer.
int storeAnswer(nl_msg* message, void* arg) {
  nlmsghdr* header = nlmsg_hdr(message);
  if (header->nlmsg_type != RTM_NEWLINK) return NL_SKIP;
  const auto* begin = reinterpret_cast<const unsigned char*>(header);
  static_cast<std::vector<unsigned char>*>(arg)->assign(begin, begin + header->nlmsg_len);
  return NL_STOP;
}

struct MsgDeleter {
  void operator()(nl_msg* message) const { nlmsg_free(message); }
};
struct CbDeleter {
  void operator()(nl_cb* cb) const { nl_cb_put(cb); }
};

// RTM_GETLINK for ifindex with VF info and without statistics (RTEXT_FILTER_SKIP_STATS: a VF's
// statistics are 40% of its entry, and a VF list over 64 KiB cannot be answered), received
// whole however large (MSG_PEEK sizes the buffer for the message).
Result<std::vector<unsigned char>> requestLink(nl_sock* socket, unsigned ifindex,
                                               const std::string& ifname) {
  nl_msg* raw = nullptr;
  int err = rtnl_link_build_get_request(static_cast<int>(ifindex), nullptr, &raw);
  if (err < 0) return readError(ifname, nl_geterror(err), -err);
  std::unique_ptr<nl_msg, MsgDeleter> request(raw);
  const uint32_t mask = RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS;
  nlattr* existing = nlmsg_find_attr(nlmsg_hdr(request.get()), sizeof(ifinfomsg), IFLA_EXT_MASK);
  if (existing)
    std::memcpy(nla_data(existing), &mask, sizeof mask);
  else if ((err = nla_put_u32(request.get(), IFLA_EXT_MASK, mask)) < 0)
    return readError(ifname, nl_geterror(err), -err);
  if ((err = nl_send_auto(socket, request.get())) < 0)
    return readError(ifname, nl_geterror(err), -err);

  std::unique_ptr<nl_cb, CbDeleter> cb(nl_cb_alloc(NL_CB_DEFAULT));
  if (!cb) return readError(ifname, "Out of memory", ENOMEM);
  std::vector<unsigned char> answer;
  nl_cb_set(cb.get(), NL_CB_VALID, NL_CB_CUSTOM, storeAnswer, &answer);
  if ((err = nl_recvmsgs(socket, cb.get())) < 0) return readError(ifname, nl_geterror(err), -err);
  if (answer.empty()) return readError(ifname, "the kernel sent no link", EPROTO);
  return answer;
}

}  // namespace

NetlinkReader::NetlinkReader(NlSocket socket) : socket_(std::move(socket)) {}

Result<NetlinkReader> NetlinkReader::open() {
  Result<NlSocket> socket = openRouteSocket();
  if (!socket) return socket.error();
  // No ACK after a link answer (one message per request); the first read's buffer holds the
  // answer of a 256-VF PF, a larger one is peeked for its size first.
  nl_socket_disable_auto_ack(socket->get());
  nl_socket_enable_msg_peek(socket->get());
  nl_socket_set_msg_buf_size(socket->get(), linkAnswerBytes(256));
  return NetlinkReader(std::move(*socket));
}

Result<PfNetlink> NetlinkReader::readPf(const std::string& ifname) const {
  // libnl maps ENODEV to its own "Object not found"; the ifindex lookup keeps the errno.
  unsigned ifindex = if_nametoindex(ifname.c_str());
  if (ifindex == 0) return readError(ifname, std::strerror(errno), errno);

  Result<std::vector<unsigned char>> answer = requestLink(socket_.get(), ifindex, ifname);
  if (!answer) return answer.error();
  return parseLinkAnswer(ifname, answer->data(), answer->size());
}

Result<PfNetlink> parseLinkAnswer(const std::string& ifname, const void* message,
                                  std::size_t length) {
  VfListCount count = countVfList(message, length);
  if (!complete(count))
    return readError(ifname,
                     "the kernel's answer lists " + std::to_string(count.listed) + " of " +
                         std::to_string(count.numVfs) +
                         " VFs (its VF list is over netlink's 64 KiB attribute limit, which "
                         "holds about 330 VFs); lower sriov_numvfs to read the VF settings",
                     EMSGSIZE);
  if (length < sizeof(nlmsghdr)) return readError(ifname, "the kernel sent no link", EPROTO);
  nlmsghdr header;
  std::memcpy(&header, message, sizeof header);
  if (header.nlmsg_len > length || header.nlmsg_len < NLMSG_HDRLEN)
    return readError(ifname, "the kernel's answer is cut short", EPROTO);
  std::unique_ptr<nl_msg, MsgDeleter> parsed(
      nlmsg_convert(static_cast<nlmsghdr*>(const_cast<void*>(message))));
  if (!parsed) return readError(ifname, "Out of memory", ENOMEM);
  nlmsg_set_proto(parsed.get(), NETLINK_ROUTE);
  LinkHandle handle;
  int err = nl_msg_parse(
      parsed.get(),
      [](nl_object* object, void* into) {
        nl_object_get(object);  // nl_msg_parse puts its reference after the callback
        static_cast<LinkHandle*>(into)->reset(reinterpret_cast<rtnl_link*>(object));
      },
      &handle);
  if (err < 0) return readError(ifname, nl_geterror(err), -err);
  if (!handle) return readError(ifname, "the kernel sent no link", EPROTO);
  rtnl_link* link = handle.get();

  PfNetlink pf;
  pf.answerBytes = header.nlmsg_len;
  pf.linkUp = (rtnl_link_get_flags(link) & IFF_UP) != 0;
  pf.carrier = rtnl_link_get_carrier(link) != 0;
  uint32_t numVfs = 0;
  if (rtnl_link_get_num_vf(link, &numVfs) < 0) return pf;  // no IFLA_NUM_VF: no SR-IOV
  for (uint32_t index = 0; index < numVfs; ++index) {
    VfHandle vf(rtnl_link_vf_get(link, index));
    if (!vf) continue;  // numVfs changed between the count and the list
    pf.vfs.emplace(index, readVf(vf.get()));
  }
  return pf;
}

}  // namespace sriov::reconcile
