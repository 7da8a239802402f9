// LinuxHost: observes and changes the real host by combining the sysfs, netlink and libvirt
// readers and writers.
#include "reconcile/host/linux_host.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <optional>
#include <sstream>
#include <utility>

#include "reconcile/host/atomic_file.h"
#include "reconcile/host/duration_text.h"
#include "reconcile/host/libvirt_connection.h"
#include "reconcile/host/libvirt_reader.h"
#include "reconcile/host/libvirt_saved_vfs.h"
#include "reconcile/host/libvirt_status.h"
#include "reconcile/host/libvirt_writer.h"
#include "reconcile/host/link_wait.h"
#include "reconcile/host/netlink_reader.h"
#include "reconcile/host/netlink_writer.h"
#include "reconcile/host/sysfs_files.h"
#include "reconcile/host/sysfs_writer.h"
#include "reconcile/host/vf_settle.h"
#include "schema/input_file.h"

namespace sriov::reconcile {

namespace {

// Milliseconds since begin, for the log lines of each observe step (-v).
long long msSince(std::chrono::steady_clock::time_point begin) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               begin)
      .count();
}

// A netdev's speed in Mb/s from its sysfs folder's speed file; nullopt when the kernel does not
// know it (no carrier: the read fails, or "-1").
std::optional<std::uint32_t> linkSpeed(const std::string& netdevDir) {
  Result<std::optional<std::string>> text =
      sysfs::readFile(netdevDir + "/speed", sysfs::Missing::isAbsent);
  if (!text || !*text) return std::nullopt;
  Result<unsigned> speed = sysfs::parseNumber(netdevDir + "/speed", sysfs::trim(**text), 10);
  if (!speed || *speed == 0) return std::nullopt;
  return *speed;
}

struct LibvirtObjects {
  std::vector<ObservedNetwork> networks;
  std::vector<ObservedDomain> domains;
};

// Every network and domain of the libvirt at uri, on a connection of its own.
Result<LibvirtObjects> readLibvirtObjects(const std::string& uri) {
  std::chrono::steady_clock::time_point begin = std::chrono::steady_clock::now();
  Result<LibvirtConnection> connection = LibvirtConnection::open(uri);
  if (!connection) return connection.error();
  spdlog::debug("observe: connected to libvirt at {} in {} ms", uri, msSince(begin));
  LibvirtReader libvirt(*connection);
  LibvirtObjects objects;
  Result<std::vector<ObservedNetwork>> networks = libvirt.networks();
  if (!networks) return networks.error();
  objects.networks = std::move(*networks);
  Result<std::vector<ObservedDomain>> domains = libvirt.domains();
  if (!domains) return domains.error();
  objects.domains = std::move(*domains);
  spdlog::debug("observe: libvirt: {} networks, {} domains in {} ms", objects.networks.size(),
                objects.domains.size(), msSince(begin));
  return objects;
}

// "guest NAME" for each running domain (qemu/NAME.xml) and "network NAME" for each active
// network (network/NAME.xml) that libvirt's runtime folder holds, sorted.
std::vector<std::string> libvirtRuntimeNames(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& [sub, kind] :
       {std::pair{"/qemu", "guest "}, std::pair{"/network", "network "}}) {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir + sub, ec)) {
      const std::string file = e.path().filename().string();
      if (file.size() > 4 && file.compare(file.size() - 4, 4, ".xml") == 0)
        names.push_back(kind + file.substr(0, file.size() - 4));
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

LinuxHost::LinuxHost(LinuxHostOptions options) : options_(std::move(options)) {}

Result<ObservedState> LinuxHost::observe() {
  // 4 (beside 1-3). libvirt's networks and domains: its reads wait on the daemon, sysfs and
  // netlink on the kernel, so the libvirt read runs in a thread of its own meanwhile. An
  // error of 1-3 comes first, as when they ran one after the other.
  std::future<Result<LibvirtObjects>> libvirtRead;
  if (options_.libvirt == UseLibvirt::yes)
    libvirtRead = std::async(std::launch::async,
                             [uri = options_.connectUri] { return readLibvirtObjects(uri); });

  // 1. PFs, VFs and host facts from sysfs.
  std::chrono::steady_clock::time_point begin = std::chrono::steady_clock::now();
  Result<ObservedState> state = SysfsReader(options_.sysfsRoot, options_.hostname).read();
  if (!state) return state.error();
  size_t vfCount = 0;
  for (const ObservedPf& pf : state->pfs) vfCount += pf.vfs.size();
  spdlog::debug("observe: sysfs under {}: {} PFs, {} VFs in {} ms", options_.sysfsRoot,
                state->pfs.size(), vfCount, msSince(begin));

  // 2. Link state and VF settings of each network PF, one netlink request per PF.
  size_t requests = 0;
  if (options_.netlink == UseNetlink::yes) {
    begin = std::chrono::steady_clock::now();
    Result<NetlinkReader> netlink = NetlinkReader::open();
    if (!netlink) return netlink.error();
    for (ObservedPf& pf : state->pfs) {
      if (pf.name.empty()) continue;
      Result<PfNetlink> read = netlink->readPf(pf.name);
      ++requests;
      if (!read) return read.error();
      pf.linkUp = read->linkUp;
      for (ObservedVf& vf : pf.vfs) {
        auto found = read->vfs.find(vf.index);
        if (found != read->vfs.end()) vf.settings = found->second;
      }
    }
  }

  if (options_.netlink == UseNetlink::yes)
    spdlog::debug("observe: netlink: {} requests in {} ms", requests, msSince(begin));
  size_t saved = readLibvirtSavedVfs(options_.libvirtHostdevDir, *state);
  spdlog::debug("observe: {} holds saved settings of {} VFs", options_.libvirtHostdevDir, saved);

  // 3. The files sriov-apply owns.
  for (const std::string& path : options_.ownedFiles) {
    // Not through a link: a planted link would copy its target (any file) into the snapshot.
    RegularFile file = openRegularNoFollow(path, O_RDONLY);
    if (file.error == ENOENT) continue;
    if (file.error != 0)
      return Error{"cannot read " + path + ": " +
                       (file.error == ELOOP ? std::string("it is a symbolic link; sriov-apply owns "
                                                          "this file and writes it itself, remove "
                                                          "the link")
                                            : std::string(std::strerror(file.error))),
                   file.error};
    if (file.notRegular) return Error{"cannot read " + path + ": it is not a regular file", EINVAL};
    ::close(file.fd);
    Result<std::string> text = schema::readInputFile(path, schema::kMaxSpecBytes, path);
    if (!text) return text.error();
    state->files[path] = *text;
  }

  // 4. libvirt's networks and domains (read meanwhile); before libvirt starts, what its runtime
  // folder shows.
  if (options_.libvirt == UseLibvirt::no) {
    state->libvirtActive = libvirtRuntimeNames(options_.libvirtRuntimeDir);
    spdlog::debug(
        "observe: libvirt not asked (--phase host); {} shows {} running guests and "
        "active networks",
        options_.libvirtRuntimeDir, state->libvirtActive.size());
    return state;
  }
  Result<LibvirtObjects> libvirt = libvirtRead.get();
  if (!libvirt) return libvirt.error();
  state->networks = std::move(libvirt->networks);
  state->domains = std::move(libvirt->domains);
  return state;
}

Result<void> LinuxHost::setNumVfs(const std::string& pfPci, unsigned count) {
  SysfsWriter sysfs(options_.sysfsRoot);
  Result<std::string> label = sysfs.pfLabel(pfPci);
  if (!label) return label.error();
  // Listen before writing: an event between the write and the wait would be lost.
  Result<VfSettler> settler =
      VfSettler::start(options_.sysfsRoot, pfPci, *label, settleModeFor(options_.sysfsRoot));
  if (!settler) return settler.error();
  if (Result<void> written = sysfs.writeNumVfs(pfPci, count); !written) return written;
  return settler->wait(count, options_.settleTimeout, options_.progress);
}

Result<void> LinuxHost::setVf(const std::string& pfPci, unsigned index, const VfChange& change) {
  SysfsWriter sysfs(options_.sysfsRoot);
  std::string pfDir = sysfs.deviceDir(pfPci);
  Result<std::string> netdev = sysfs::netdevOf(pfDir);
  if (!netdev) return netdev.error();
  std::string vf = "VF " + std::to_string(index) + " of ";
  if (netdev->empty())
    return Error{"cannot set " + vf + pfPci +
                     ": the PF has no netdev (VF settings go through "
                     "a network PF)",
                 ENODEV};
  std::string virtfn = pfDir + "/virtfn" + std::to_string(index);
  if (!sysfs::exists(virtfn))
    return Error{
        "cannot set " + vf + *netdev + ": the PF has no such VF (" + virtfn + " does not exist)",
        ENOENT};
  Result<std::string> driver = sysfs::driverOf(pfDir);
  if (!driver) return driver.error();
  Result<NetlinkWriter> netlink = NetlinkWriter::open();
  if (!netlink) return netlink.error();
  // A tx rate may be refused while the PF's link comes back (after set-numvfs or set-link-up):
  // retried once it has carrier (link_wait.h).
  return setVfWaitingForLink(
      change, *netdev, [&] { return netlink->setVf(*netdev, *driver, index, change); },
      [&]() -> Result<PfLink> {
        Result<NetlinkReader> reader = NetlinkReader::open();
        if (!reader) return reader.error();
        Result<PfNetlink> read = reader->readPf(*netdev);
        if (!read) return read.error();
        return PfLink{read->linkUp, read->carrier, linkSpeed(pfDir + "/net/" + *netdev)};
      },
      options_.linkWait);
}

Result<void> LinuxHost::bindVfDriver(const std::string& vfPci, const std::string& driver) {
  return SysfsWriter(options_.sysfsRoot).bindDriver(vfPci, driver);
}

Result<void> LinuxHost::setLink(const std::string& pfPci, Link state) {
  Result<std::string> netdev = sysfs::netdevOf(SysfsWriter(options_.sysfsRoot).deviceDir(pfPci));
  if (!netdev) return netdev.error();
  const char* updown = state == Link::up ? " up" : " down";
  if (netdev->empty()) return Error{"cannot set " + pfPci + updown + ": it has no netdev", ENODEV};
  Result<NetlinkWriter> netlink = NetlinkWriter::open();
  if (!netlink) return netlink.error();
  return netlink->setLink(*netdev, state);
}

template <typename Call>
Result<void> LinuxHost::withLibvirt(Call call) {
  if (options_.libvirt == UseLibvirt::no)
    return Error{
        "libvirt is not used before it starts (--phase host); this change is for "
        "--phase libvirt",
        EPERM};
  Result<LibvirtConnection> connection = LibvirtConnection::open(options_.connectUri);
  if (!connection) return connection.error();
  return call(LibvirtWriter(*connection, options_.detachTimeout));
}

Result<void> LinuxHost::defineNetwork(const std::string& xml) {
  return withLibvirt([&](const LibvirtWriter& w) { return w.defineNetwork(xml); });
}
Result<void> LinuxHost::startNetwork(const std::string& name) {
  return withLibvirt([&](const LibvirtWriter& w) { return w.startNetwork(name); });
}
Result<void> LinuxHost::stopNetwork(const std::string& name) {
  return withLibvirt([&](const LibvirtWriter& w) { return w.stopNetwork(name); });
}
Result<void> LinuxHost::undefineNetwork(const std::string& name) {
  return withLibvirt([&](const LibvirtWriter& w) { return w.undefineNetwork(name); });
}
Result<void> LinuxHost::setNetworkAutostart(const std::string& name, bool autostart) {
  return withLibvirt(
      [&](const LibvirtWriter& w) { return w.setNetworkAutostart(name, autostart); });
}
Result<void> LinuxHost::attachDevice(const std::string& domain, const std::string& deviceXml,
                                     DeviceScope scope) {
  return withLibvirt(
      [&](const LibvirtWriter& w) { return w.attachDevice(domain, deviceXml, scope); });
}
Result<void> LinuxHost::detachDevice(const std::string& domain, const std::string& deviceXml,
                                     DeviceScope scope) {
  // libvirt gives a managed VF back to its host driver while it removes the device, before the
  // device leaves the live XML; udev renames its netdev after that. Wait for that, so that what
  // follows (a new VF count, VF settings, the next observe) sees the VF ready. libvirt's status
  // file says whether it was to give it back (it leaves a VF that was on vfio-pci before the
  // guest got it), read before the detach: libvirt rewrites it without the VF once the device
  // is gone. When it cannot be read, a shorter wait. A VF libvirt left on vfio-pci is told about,
  // never waited for.
  std::optional<std::string> vf;
  std::optional<bool> unbinds;
  Result<void> detached = withLibvirt([&](const LibvirtWriter& w) {
    if (scope.live) vf = w.managedVfOf(domain, deviceXml);
    if (vf) unbinds = libvirtUnbindsVfOf(options_.libvirtRuntimeDir, domain, *vf);
    return w.detachDevice(domain, deviceXml, scope);
  });
  if (!detached || !vf || unbinds == false) return detached;
  std::chrono::milliseconds timeout = unbinds ? options_.settleTimeout : kUnknownRebindWait;
  std::string physfn = options_.sysfsRoot + "/bus/pci/devices/" + *vf + "/physfn";
  Result<std::optional<std::string>> pf = sysfs::readLinkBasename(physfn);
  if (!pf || !*pf) return detached;  // not a VF (a plain PCI device): nothing to wait for
  Result<VfSettler> settler =
      VfSettler::start(options_.sysfsRoot, **pf, **pf, settleModeFor(options_.sysfsRoot));
  if (!settler) return settler.error();
  Result<HostDriverWait> back = settler->waitForHostDriver(*vf, timeout, options_.progress);
  if (!back) return back.error();
  if (!options_.progress || *back == HostDriverWait::back) return detached;
  std::string nodedev = "pci_" + *vf;
  std::replace_if(
      nodedev.begin(), nodedev.end(), [](char c) { return c == ':' || c == '.'; }, '_');
  if (*back == HostDriverWait::leftOnStub)
    options_.progress(
        "note: " + *vf + " stays on its passthrough driver after guest " + domain +
        " let go of it" +
        (unbinds == true
             ? ", though libvirt had taken it off its host driver (libvirt may still count it as "
               "detached by hand, after a 'virsh nodedev-detach' of it or of an earlier VF at "
               "this address, or it failed to re-attach it: see its log)"
             : "") +
        "; 'virsh nodedev-reattach " + nodedev + "' gives it back to its host driver");
  else
    options_.progress("note: " + *vf + " is still not ready on its host driver " +
                      secondsText(timeout) + " after guest " + domain + " let go of it");
  return detached;
}
Result<void> LinuxHost::updateDevice(const std::string& domain, const std::string& deviceXml,
                                     DeviceScope scope) {
  return withLibvirt(
      [&](const LibvirtWriter& w) { return w.updateDevice(domain, deviceXml, scope); });
}
Result<void> LinuxHost::shutdownGuest(const std::string& domain, std::chrono::seconds timeout) {
  return withLibvirt([&](const LibvirtWriter& w) { return w.shutdownGuest(domain, timeout); });
}
Result<void> LinuxHost::startGuest(const std::string& domain) {
  return withLibvirt([&](const LibvirtWriter& w) { return w.startGuest(domain); });
}

Result<void> LinuxHost::writeFile(const std::string& path, const std::string& content) {
  return writeFileAtomically(path, content);
}

Result<void> LinuxHost::removeFile(const std::string& path) {
  if (::unlink(path.c_str()) == 0 || errno == ENOENT) return Result<void>();
  return Error{"cannot remove " + path + ": " + std::strerror(errno), errno};
}

}  // namespace sriov::reconcile
