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
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/sriov.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

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

}  // namespace

NetlinkReader::NetlinkReader(NlSocket socket) : socket_(std::move(socket)) {}

Result<NetlinkReader> NetlinkReader::open() {
  Result<NlSocket> socket = openRouteSocket();
  if (!socket) return socket.error();
  return NetlinkReader(std::move(*socket));
}

Result<PfNetlink> NetlinkReader::readPf(const std::string& ifname) const {
  // libnl maps ENODEV to its own "Object not found"; the ifindex lookup keeps the errno.
  unsigned ifindex = if_nametoindex(ifname.c_str());
  if (ifindex == 0) return readError(ifname, std::strerror(errno), errno);

  rtnl_link* raw = nullptr;
  int err = rtnl_link_get_kernel(socket_.get(), static_cast<int>(ifindex), nullptr, &raw);
  if (err < 0) return readError(ifname, nl_geterror(err), -err);
  LinkHandle link(raw);

  PfNetlink pf;
  pf.linkUp = (rtnl_link_get_flags(link.get()) & IFF_UP) != 0;
  pf.carrier = rtnl_link_get_carrier(link.get()) != 0;
  uint32_t numVfs = 0;
  if (rtnl_link_get_num_vf(link.get(), &numVfs) < 0) return pf;  // no IFLA_NUM_VF: no SR-IOV
  for (uint32_t index = 0; index < numVfs; ++index) {
    VfHandle vf(rtnl_link_vf_get(link.get(), index));
    if (!vf) continue;  // numVfs changed between the count and the list
    pf.vfs.emplace(index, readVf(vf.get()));
  }
  return pf;
}

}  // namespace sriov::reconcile
