// Sends VF settings and IFF_UP to the kernel with libnl-route-3, naming the refused setting.
#include "reconcile/host/netlink_writer.h"

// <net/if.h> before libnl and <linux/...>: <linux/if.h> yields to glibc's definitions only when
// glibc's header came first.
// clang-format off
#include <net/if.h>
#include <linux/if_link.h>
// clang-format on
#include <netlink/addr.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/sriov.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <utility>
#include <vector>

#include "schema/mac_address.h"

namespace sriov::reconcile {
namespace {

// The settings one request can carry, in the order the kernel applies them (do_setvfinfo).
enum class Setting { mac, vlan, rate, spoofCheck, linkState, trust };

const char* describe(Setting setting) {
  switch (setting) {
    case Setting::mac:
      return "MAC";
    case Setting::vlan:
      return "VLAN";
    case Setting::rate:
      return "tx rate";
    case Setting::spoofCheck:
      return "spoof check";
    case Setting::linkState:
      return "link state";
    case Setting::trust:
      return "trust";
  }
  return "?";
}

std::vector<Setting> settingsOf(const VfChange& change) {
  std::vector<Setting> settings;
  if (change.mac) settings.push_back(Setting::mac);
  if (change.vlan || change.qos) settings.push_back(Setting::vlan);
  if (change.minTxRate || change.maxTxRate) settings.push_back(Setting::rate);
  if (change.spoofCheck) settings.push_back(Setting::spoofCheck);
  if (change.linkState) settings.push_back(Setting::linkState);
  if (change.trust) settings.push_back(Setting::trust);
  return settings;
}

// The six bytes of a MAC address in any form normaliseMac() accepts.
std::optional<std::array<unsigned char, 6>> macBytes(const std::string& text) {
  std::optional<std::string> mac = schema::normaliseMac(text);
  std::array<unsigned char, 6> bytes{};
  if (!mac || std::sscanf(mac->c_str(), "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &bytes[0], &bytes[1],
                          &bytes[2], &bytes[3], &bytes[4], &bytes[5]) != 6)
    return std::nullopt;
  return bytes;
}

uint32_t linkStateValue(LinkState state) {
  switch (state) {
    case LinkState::enable:
      return IFLA_VF_LINK_STATE_ENABLE;
    case LinkState::disable:
      return IFLA_VF_LINK_STATE_DISABLE;
    case LinkState::auto_:
      return IFLA_VF_LINK_STATE_AUTO;
  }
  return IFLA_VF_LINK_STATE_AUTO;
}

// Puts one setting of change on vf; a libnl error code (negative) on failure.
int apply(rtnl_link_vf* vf, Setting setting, const VfChange& change) {
  switch (setting) {
    case Setting::mac: {
      std::optional<std::array<unsigned char, 6>> bytes = macBytes(*change.mac);
      if (!bytes) return -NLE_INVAL;
      nl_addr* addr = nl_addr_build(AF_LLC, bytes->data(), bytes->size());
      if (!addr) return -NLE_NOMEM;
      rtnl_link_vf_set_addr(vf, addr);  // takes its own reference
      nl_addr_put(addr);
      return 0;
    }
    case Setting::vlan: {
      // IFLA_VF_VLAN sets both: the one not in the change stays 0, as "ip link ... vlan" does.
      nl_vf_vlans_t* vlans = nullptr;
      int err = rtnl_link_vf_vlan_alloc(&vlans, 1);
      if (err < 0) return err;
      vlans->vlans[0].vf_vlan = change.vlan.value_or(0);
      vlans->vlans[0].vf_vlan_qos = change.qos.value_or(0);
      vlans->vlans[0].vf_vlan_proto = 0;  // 802.1Q: libnl sends IFLA_VF_VLAN
      rtnl_link_vf_set_vlans(vf, vlans);  // takes its own reference
      rtnl_link_vf_vlan_put(vlans);
      return 0;
    }
    case Setting::rate: {
      nl_vf_rate rate{};
      rate.api = RTNL_LINK_VF_RATE_API_NEW;  // IFLA_VF_RATE with min and max
      rate.min_tx_rate = change.minTxRate.value_or(0);
      rate.max_tx_rate = change.maxTxRate.value_or(0);
      rtnl_link_vf_set_rate(vf, &rate);
      return 0;
    }
    case Setting::spoofCheck:
      rtnl_link_vf_set_spoofchk(vf, *change.spoofCheck ? 1 : 0);
      return 0;
    case Setting::linkState:
      rtnl_link_vf_set_linkstate(vf, linkStateValue(*change.linkState));
      return 0;
    case Setting::trust:
      rtnl_link_vf_set_trust(vf, *change.trust ? 1 : 0);
      return 0;
  }
  return -NLE_INVAL;
}

// One RTM_NEWLINK request with the given settings of VF index; 0 or a libnl error code.
int send(nl_sock* socket, int ifindex, unsigned index, const std::vector<Setting>& settings,
         const VfChange& change) {
  LinkHandle orig(rtnl_link_alloc());
  LinkHandle changes(rtnl_link_alloc());
  VfHandle vf(rtnl_link_vf_alloc());
  if (!orig || !changes || !vf) return -NLE_NOMEM;
  rtnl_link_set_ifindex(orig.get(), ifindex);
  rtnl_link_vf_set_index(vf.get(), index);
  for (Setting setting : settings) {
    int err = apply(vf.get(), setting, change);
    if (err < 0) return err;
  }
  int err = rtnl_link_vf_add(changes.get(), vf.get());  // the link takes its own reference
  if (err < 0) return err;
  return rtnl_link_change(socket, orig.get(), changes.get(), 0);
}

// The errno behind a libnl error code (libnl maps the kernel's errno to its own codes), so that
// callers can tell EINVAL from EOPNOTSUPP; codes without one stay libnl's.
int errnoOf(int nlError) {
  switch (-nlError) {
    case NLE_INVAL:
      return EINVAL;
    case NLE_OPNOTSUPP:
      return EOPNOTSUPP;
    case NLE_NODEV:
      return ENODEV;
    case NLE_PERM:
      return EPERM;
    case NLE_BUSY:
      return EBUSY;
    case NLE_RANGE:
      return ERANGE;
    case NLE_NOMEM:
      return ENOMEM;
    case NLE_AGAIN:
      return EAGAIN;
    case NLE_OBJ_NOTFOUND:
      return ENOENT;
    case NLE_NOACCESS:
      return EACCES;
    default:
      return -nlError;
  }
}

std::string names(const std::vector<Setting>& settings) {
  std::string text;
  for (Setting setting : settings)
    text += (text.empty() ? "" : ", ") + std::string(describe(setting));
  return text;
}

}  // namespace

NetlinkWriter::NetlinkWriter(NlSocket socket) : socket_(std::move(socket)) {}

Result<NetlinkWriter> NetlinkWriter::open() {
  Result<NlSocket> socket = openRouteSocket();
  if (!socket) return socket.error();
  return NetlinkWriter(std::move(*socket));
}

Result<void> NetlinkWriter::setVf(const std::string& ifname, const std::string& pfDriver,
                                  unsigned index, const VfChange& change) const {
  std::vector<Setting> settings = settingsOf(change);
  if (settings.empty()) return {};
  std::string vf = " of VF " + std::to_string(index) + " of " + ifname + ": ";
  unsigned ifindex = if_nametoindex(ifname.c_str());
  if (ifindex == 0)
    return Error{"cannot set " + names(settings) + vf + std::strerror(errno), errno};

  auto failure = [&](const std::vector<Setting>& failed, int err) {
    if (err == -NLE_OPNOTSUPP)
      return Error{"cannot set " + names(failed) + vf + nl_geterror(err) + " by the driver (" +
                       (pfDriver.empty() ? std::string("none bound") : pfDriver) + ")",
                   EOPNOTSUPP};
    return Error{"cannot set " + names(failed) + vf + nl_geterror(err), errnoOf(err)};
  };

  int err = send(socket_.get(), static_cast<int>(ifindex), index, settings, change);
  if (err == 0) return {};
  if (settings.size() == 1) return failure(settings, err);
  // Which one? Alone, in the kernel's order, the first that fails is the one.
  for (Setting setting : settings) {
    int alone = send(socket_.get(), static_cast<int>(ifindex), index, {setting}, change);
    if (alone < 0) return failure({setting}, alone);
  }
  return failure(settings, err);
}

Result<void> NetlinkWriter::setLink(const std::string& ifname, Link state) const {
  const std::string what = "cannot set " + ifname + (state == Link::up ? " up" : " down");
  unsigned ifindex = if_nametoindex(ifname.c_str());
  if (ifindex == 0) return Error{what + ": " + std::strerror(errno), errno};
  LinkHandle orig(rtnl_link_alloc());
  LinkHandle changes(rtnl_link_alloc());
  if (!orig || !changes) return Error{what + ": Out of memory", ENOMEM};
  rtnl_link_set_ifindex(orig.get(), static_cast<int>(ifindex));
  if (state == Link::up) {
    rtnl_link_set_flags(changes.get(), IFF_UP);
  } else {
    rtnl_link_unset_flags(changes.get(), IFF_UP);
  }
  int err = rtnl_link_change(socket_.get(), orig.get(), changes.get(), 0);
  if (err < 0) return Error{what + ": " + nl_geterror(err), errnoOf(err)};
  return {};
}

}  // namespace sriov::reconcile
