// Reads SR-IOV PFs, VFs, IOMMU and SELinux facts from a sysfs tree into an ObservedState.
#include "reconcile/host/sysfs_reader.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "schema/pci_address.h"

namespace sriov::reconcile {
namespace {

// Whether a missing file or folder is an error or just absent.
enum class Missing { isError, isAbsent };

Error readError(const std::string& path, int err) {
  return Error{"cannot read " + path + ": " + std::strerror(err), err};
}

// The whole content of a (small) file, or nullopt when it is absent and that is allowed.
Result<std::optional<std::string>> readFile(const std::string& path, Missing missing) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT && missing == Missing::isAbsent) return std::optional<std::string>();
    return readError(path, err);
  }
  std::string content;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return readError(path, err);
    }
    if (n == 0) break;
    content.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return std::optional<std::string>(std::move(content));
}

std::string trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\n");
  if (begin == std::string_view::npos) return "";
  size_t end = text.find_last_not_of(" \t\n");
  return std::string(text.substr(begin, end - begin + 1));
}

Result<std::string> readString(const std::string& path) {
  Result<std::optional<std::string>> content = readFile(path, Missing::isError);
  if (!content) return content.error();
  return trim(**content);
}

// A number as sysfs writes it: decimal ("7") or, with base 16, hex with or without "0x".
Result<unsigned> parseNumber(const std::string& path, const std::string& text, int base) {
  std::string_view digits = text;
  if (base == 16 && digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'))
    digits.remove_prefix(2);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size())
    return Error{"cannot parse " + path + ": expected a number, got \"" + text + "\"", EINVAL};
  return value;
}

Result<unsigned> readNumber(const std::string& path, int base = 10) {
  Result<std::string> text = readString(path);
  if (!text) return text.error();
  return parseNumber(path, *text, base);
}

// The basename of a symlink's target, or nullopt when the link does not exist.
Result<std::optional<std::string>> readLinkBasename(const std::string& path) {
  char buf[PATH_MAX];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf - 1);
  if (n < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return readError(path, errno);
  }
  std::string_view target(buf, static_cast<size_t>(n));
  size_t slash = target.rfind('/');
  if (slash != std::string_view::npos) target.remove_prefix(slash + 1);
  return std::optional<std::string>(std::string(target));
}

// The sorted entry names of a folder ("." and ".." left out), or nullopt when it is absent.
Result<std::optional<std::vector<std::string>>> listDir(const std::string& path, Missing missing) {
  DIR* dir = ::opendir(path.c_str());
  if (!dir) {
    int err = errno;
    if (err == ENOENT && missing == Missing::isAbsent)
      return std::optional<std::vector<std::string>>();
    return readError(path, err);
  }
  std::vector<std::string> names;
  errno = 0;
  while (const dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  int err = errno;
  ::closedir(dir);
  if (err != 0) return readError(path, err);
  std::sort(names.begin(), names.end());
  return std::optional<std::vector<std::string>>(std::move(names));
}

bool exists(const std::string& path) {
  return ::access(path.c_str(), F_OK) == 0;
}

// The first netdev in a device folder's net/ subfolder; empty when there is none.
Result<std::string> netdevOf(const std::string& deviceDir) {
  Result<std::optional<std::vector<std::string>>> names =
      listDir(deviceDir + "/net", Missing::isAbsent);
  if (!names) return names.error();
  if (!*names || (*names)->empty()) return std::string();
  return (*names)->front();
}

Result<std::string> driverOf(const std::string& deviceDir) {
  Result<std::optional<std::string>> driver = readLinkBasename(deviceDir + "/driver");
  if (!driver) return driver.error();
  return driver->value_or("");
}

// A PF as discovered: its normalised PCI address, the folder its attributes are read from,
// and its netdev name when it was found through class/net.
struct FoundPf {
  std::string pci;
  std::string dir;
  std::string netdev;
};

// The index N of a "virtfnN" entry, or nullopt for any other name.
std::optional<unsigned> virtfnIndex(const std::string& name) {
  constexpr std::string_view prefix = "virtfn";
  if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0)
    return std::nullopt;
  unsigned index = 0;
  const char* begin = name.data() + prefix.size();
  const char* end = name.data() + name.size();
  auto [ptr, ec] = std::from_chars(begin, end, index);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return index;
}

Result<std::vector<ObservedVf>> readVfs(const std::string& pfDir) {
  Result<std::optional<std::vector<std::string>>> names = listDir(pfDir, Missing::isError);
  if (!names) return names.error();
  std::vector<ObservedVf> vfs;
  for (const std::string& name : **names) {
    std::optional<unsigned> index = virtfnIndex(name);
    if (!index) continue;
    std::string link = pfDir + "/" + name;
    Result<std::optional<std::string>> target = readLinkBasename(link);
    if (!target) return target.error();
    if (!*target) continue;  // gone between listing and reading: the VFs are being removed
    std::optional<std::string> pci = schema::normalisePci(**target);
    if (!pci)
      return Error{"cannot parse " + link + ": \"" + **target + "\" is not a PCI address", EINVAL};
    ObservedVf vf;
    vf.index = *index;
    vf.pci = *pci;
    Result<std::string> netdev = netdevOf(link);
    if (!netdev) return netdev.error();
    vf.netdev = *netdev;
    Result<std::string> driver = driverOf(link);
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
  std::string busDevices = root_ + "/bus/pci/devices";
  Result<std::optional<std::vector<std::string>>> devices = listDir(busDevices, Missing::isError);
  if (!devices) return devices.error();
  for (const std::string& name : **devices) {
    std::string dir = busDevices + "/" + name;
    std::optional<std::string> pci = schema::normalisePci(name);
    if (!pci || found.count(*pci) || !exists(dir + "/sriov_totalvfs")) continue;
    found.emplace(*pci, FoundPf{*pci, dir, ""});
  }

  for (const auto& [pci, pf] : found) {
    Result<ObservedPf> observed = readPf(root_, pf);
    if (!observed) return observed.error();
    state.pfs.push_back(std::move(*observed));
  }
  return state;
}

}  // namespace sriov::reconcile
