// LinuxHost: observes the real host by combining the sysfs, netlink and libvirt readers.
#include "reconcile/host/linux_host.h"

#include <cstring>

#include <cerrno>

#include <unistd.h>

#include <utility>

#include "reconcile/host/libvirt_connection.h"
#include "reconcile/host/libvirt_reader.h"
#include "reconcile/host/netlink_reader.h"

namespace sriov::reconcile {
namespace {

Error notImplemented(const char* method) {
  return Error{std::string("changing the host is not implemented yet: ") + method, 0};
}

}  // namespace

LinuxHost::LinuxHost(LinuxHostOptions options) : options_(std::move(options)) {}

Result<ObservedState> LinuxHost::observe() {
  // 1. PFs, VFs and host facts from sysfs.
  Result<ObservedState> state = SysfsReader(options_.sysfsRoot, options_.hostname).read();
  if (!state) return state.error();

  // 2. Link state and VF settings of each network PF, one netlink request per PF.
  if (options_.netlink == UseNetlink::yes) {
    Result<NetlinkReader> netlink = NetlinkReader::open();
    if (!netlink) return netlink.error();
    for (ObservedPf& pf : state->pfs) {
      if (pf.name.empty()) continue;
      Result<PfNetlink> read = netlink->readPf(pf.name);
      if (!read) return read.error();
      pf.linkUp = read->linkUp;
      for (ObservedVf& vf : pf.vfs) {
        auto found = read->vfs.find(vf.index);
        if (found != read->vfs.end()) vf.settings = found->second;
      }
    }
  }

  // 3. libvirt's networks and domains.
  Result<LibvirtConnection> connection = LibvirtConnection::open(options_.connectUri);
  if (!connection) return connection.error();
  LibvirtReader libvirt(*connection);
  Result<std::vector<ObservedNetwork>> networks = libvirt.networks();
  if (!networks) return networks.error();
  state->networks = std::move(*networks);
  Result<std::vector<ObservedDomain>> domains = libvirt.domains();
  if (!domains) return domains.error();
  state->domains = std::move(*domains);
  return state;
}

Result<void> LinuxHost::setNumVfs(const std::string&, unsigned) {
  return notImplemented("setNumVfs");
}
Result<void> LinuxHost::setVf(const std::string&, unsigned, const VfChange&) {
  return notImplemented("setVf");
}
Result<void> LinuxHost::bindVfDriver(const std::string&, const std::string&) {
  return notImplemented("bindVfDriver");
}
Result<void> LinuxHost::setLinkUp(const std::string&) {
  return notImplemented("setLinkUp");
}
Result<void> LinuxHost::defineNetwork(const std::string&) {
  return notImplemented("defineNetwork");
}
Result<void> LinuxHost::startNetwork(const std::string&) {
  return notImplemented("startNetwork");
}
Result<void> LinuxHost::stopNetwork(const std::string&) {
  return notImplemented("stopNetwork");
}
Result<void> LinuxHost::undefineNetwork(const std::string&) {
  return notImplemented("undefineNetwork");
}
Result<void> LinuxHost::setNetworkAutostart(const std::string&, bool) {
  return notImplemented("setNetworkAutostart");
}
Result<void> LinuxHost::attachDevice(const std::string&, const std::string&, DeviceScope) {
  return notImplemented("attachDevice");
}
Result<void> LinuxHost::detachDevice(const std::string&, const std::string&, DeviceScope) {
  return notImplemented("detachDevice");
}
Result<void> LinuxHost::updateDevice(const std::string&, const std::string&, DeviceScope) {
  return notImplemented("updateDevice");
}
Result<void> LinuxHost::shutdownGuest(const std::string&, std::chrono::seconds) {
  return notImplemented("shutdownGuest");
}
Result<void> LinuxHost::startGuest(const std::string&) {
  return notImplemented("startGuest");
}
Result<void> LinuxHost::writeFile(const std::string&, const std::string&) {
  return notImplemented("writeFile");
}


Result<void> LinuxHost::removeFile(const std::string& path) {
  if (::unlink(path.c_str()) == 0 || errno == ENOENT) return Result<void>();
  return Error{"cannot remove " + path + ": " + std::strerror(errno), errno};
}

}  // namespace sriov::reconcile
