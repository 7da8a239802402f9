// Reads SR-IOV PFs, VFs, IOMMU and SELinux facts from a sysfs tree into an ObservedState.
#include "reconcile/host/sysfs_reader.h"

#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "reconcile/host/sysfs_files.h"
#include "schema/pci_address.h"

namespace sriov::reconcile {
namespace {

using sysfs::driverOf;
using sysfs::exists;
using sysfs::listDir;
using sysfs::Missing;
using sysfs::netdevOf;
using sysfs::parseNumber;
using sysfs::readFile;
using sysfs::readLinkBasename;
using sysfs::readNumber;
using sysfs::readString;
using sysfs::trim;
using sysfs::virtfnIndex;

// A PF as discovered: its normalised PCI address, the folder its attributes are read from,
// and its netdev name when it was found through class/net.
struct FoundPf {
  std::string pci;
  std::string dir;
  std::string netdev;
};

// The PF's VFs, read relative to its folder opened once (its path may go through links:
// class/net/IFNAME/device).
// A folder opened for the *at calls, closed at the end of the scope.
struct OpenFolder {
  int fd;
  ~OpenFolder() {
    if (fd >= 0) ::close(fd);
  }
};

Result<std::vector<ObservedVf>> readVfs(const std::string& pfDir) {
  const OpenFolder folder{::open(pfDir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)};
  if (folder.fd < 0) return sysfs::readError(pfDir, errno);
  const int dirfd = folder.fd;
  Result<std::optional<std::vector<std::string>>> names =
      listDir(dirfd, ".", Missing::isError, pfDir);
  if (!names) return names.error();
  std::vector<ObservedVf> vfs;
  for (const std::string& name : **names) {
    std::optional<unsigned> index = virtfnIndex(name);
    if (!index) continue;
    std::string link = pfDir + "/" + name;
    Result<std::optional<std::string>> target = readLinkBasename(dirfd, name, link);
    if (!target) return target.error();
    if (!*target) continue;  // gone between listing and reading: the VFs are being removed
    std::optional<std::string> pci = schema::normalisePci(**target);
    if (!pci)
      return Error{"cannot parse " + link + ": \"" + **target + "\" is not a PCI address", EINVAL};
    ObservedVf vf;
    vf.index = *index;
    vf.pci = *pci;
    Result<std::string> netdev = netdevOf(dirfd, name, link);
    if (!netdev) return netdev.error();
    vf.netdev = *netdev;
    Result<std::string> driver = driverOf(dirfd, name, link);
    if (!driver) return driver.error();
    vf.driver = *driver;
    vfs.push_back(std::move(vf));
  }
  std::sort(vfs.begin(), vfs.end(),
            [](const ObservedVf& a, const ObservedVf& b) { return a.index < b.index; });
  return vfs;
}

}  // namespace

Result<std::string> systemHostname() {
  char buf[HOST_NAME_MAX + 1] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0)
    return Error{std::string("cannot read the hostname: ") + std::strerror(errno), errno};
  return std::string(buf);
}

SysfsReader::SysfsReader(std::string root, HostnameSource hostname)
    : root_(std::move(root)), hostname_(std::move(hostname)) {}

namespace {

Result<ObservedPf> readPf(const std::string& root, const FoundPf& found) {
  ObservedPf pf;
  pf.pci = found.pci;
  pf.name = found.netdev;
  const std::string& dir = found.dir;
  if (pf.name.empty()) {
    Result<std::string> netdev = netdevOf(dir);
    if (!netdev) return netdev.error();
    pf.name = *netdev;
  }
  Result<std::string> driver = driverOf(dir);
  if (!driver) return driver.error();
  pf.driver = *driver;
  Result<std::string> vendor = readString(dir + "/vendor");
  if (!vendor) return vendor.error();
  pf.vendorId = *vendor;
  Result<std::string> device = readString(dir + "/device");
  if (!device) return device.error();
  pf.deviceId = *device;
  // The subsystem IDs only pin a board (spec subsystem:); a device without them reads empty.
  if (Result<std::string> v = readString(dir + "/subsystem_vendor")) pf.subsystemVendorId = *v;
  if (Result<std::string> d = readString(dir + "/subsystem_device")) pf.subsystemDeviceId = *d;

  struct NumberField {
    const char* file;
    unsigned* into;
  };
  for (NumberField field :
       {NumberField{"sriov_totalvfs", &pf.totalVfs}, NumberField{"sriov_numvfs", &pf.numVfs},
        NumberField{"sriov_offset", &pf.vfOffset}, NumberField{"sriov_stride", &pf.vfStride}}) {
    Result<unsigned> value = readNumber(dir + "/" + field.file);
    if (!value) return value.error();
    *field.into = *value;
  }

  Result<std::optional<std::string>> group = readLinkBasename(dir + "/iommu_group");
  if (!group) return group.error();
  if (*group) {
    Result<unsigned> number = parseNumber(dir + "/iommu_group", **group, 10);
    if (!number) return number.error();
    pf.iommuGroup = static_cast<int>(*number);
  }

  if (!pf.name.empty()) {
    std::string flagsPath = root + "/class/net/" + pf.name + "/flags";
    Result<unsigned> flags = readNumber(flagsPath, 16);
    if (!flags) return flags.error();
    pf.linkUp = (*flags & 0x1) != 0;  // IFF_UP
  }

  Result<std::vector<ObservedVf>> vfs = readVfs(dir);
  if (!vfs) return vfs.error();
  pf.vfs = std::move(*vfs);
  return pf;
}

}  // namespace

Result<ObservedState> SysfsReader::read() const {
  ObservedState state;
  Result<std::string> hostname = hostname_();
  if (!hostname) return hostname.error();
  state.hostname = *hostname;

  Result<std::optional<std::vector<std::string>>> groups =
      listDir(root_ + "/kernel/iommu_groups", Missing::isAbsent);
  if (!groups) return groups.error();
  state.iommuEnabled = *groups && !(*groups)->empty();

  std::string boolean = root_ + "/fs/selinux/booleans/virt_use_sysfs";
  Result<std::optional<std::string>> selinux = readFile(boolean, Missing::isAbsent);
  if (!selinux) return selinux.error();
  if (*selinux) {
    std::string text = trim(**selinux);
    std::string first = text.substr(0, text.find(' '));  // "1 1": current, then pending value
    Result<unsigned> value = parseNumber(boolean, first, 10);
    if (!value) return value.error();
    state.selinuxVirtUseSysfs = *value != 0;
  }

  // Loaded PCI drivers, for the preflight of `driver:` (vfio-pci must be loaded to bind to it).
  Result<std::optional<std::vector<std::string>>> drivers =
      listDir(root_ + "/bus/pci/drivers", Missing::isAbsent);
  if (!drivers) return drivers.error();
  if (*drivers) state.pciDrivers = **drivers;
  std::sort(state.pciDrivers.begin(), state.pciDrivers.end());

  // PFs by normalised PCI address: network PFs first (their folder is read through class/net),
  // then every PCI device with SR-IOV that class/net did not lead to.
  std::map<std::string, FoundPf> found;
  std::string classNet = root_ + "/class/net";
  Result<std::optional<std::vector<std::string>>> netdevs = listDir(classNet, Missing::isError);
  if (!netdevs) return netdevs.error();
  for (const std::string& name : **netdevs) {
    std::string dir = classNet + "/" + name + "/device";
    if (!exists(dir + "/sriov_totalvfs")) continue;
    Result<std::optional<std::string>> target = readLinkBasename(dir);
    if (!target) return target.error();
    std::optional<std::string> pci = *target ? schema::normalisePci(**target) : std::nullopt;
    if (!pci) continue;  // not a PCI device
    found.emplace(*pci, FoundPf{*pci, dir, name});
  }
  // A VF has no SR-IOV capability of its own (PCIe): the VFs of the PFs read so far are not
  // looked at again, nor those of a PF found on the bus (its VFs' addresses come after its own).
  std::set<std::string> vfs;
  auto read = [&](const FoundPf& found) -> Result<void> {
    Result<ObservedPf> observed = readPf(root_, found);
    if (!observed) return observed.error();
    for (const ObservedVf& vf : observed->vfs) vfs.insert(vf.pci);
    state.pfs.push_back(std::move(*observed));
    return {};
  };
  for (const auto& [pci, pf] : found)
    if (Result<void> r = read(pf); !r) return r.error();
  std::string busDevices = root_ + "/bus/pci/devices";
  Result<std::optional<std::vector<std::string>>> devices = listDir(busDevices, Missing::isError);
  if (!devices) return devices.error();
  for (const std::string& name : **devices) {
    std::string dir = busDevices + "/" + name;
    std::optional<std::string> pci = schema::normalisePci(name);
    if (!pci || found.count(*pci) || vfs.count(*pci) || !exists(dir + "/sriov_totalvfs")) continue;
    if (Result<void> r = read(FoundPf{*pci, dir, ""}); !r) return r.error();
  }
  std::sort(state.pfs.begin(), state.pfs.end(),
            [](const ObservedPf& a, const ObservedPf& b) { return a.pci < b.pci; });
  return state;
}

}  // namespace sriov::reconcile
