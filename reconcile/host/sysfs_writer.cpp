// Writes sriov_numvfs and rebinds VF drivers through sysfs files, with the kernel's errno in words.
#include "reconcile/host/sysfs_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>
#include <utility>

#include "reconcile/host/sysfs_files.h"

namespace sriov::reconcile {

int writeAttribute(const std::string& path, const std::string& value) {
  int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) return errno;
  ssize_t n;
  do {
    n = ::write(fd, value.data(), value.size());
  } while (n < 0 && errno == EINTR);
  int err = n < 0 ? errno : (static_cast<size_t>(n) == value.size() ? 0 : EIO);
  ::close(fd);
  return err;
}

Error numVfsError(const std::string& pf, unsigned count, int err,
                  std::optional<unsigned> totalVfs) {
  std::string meaning;
  switch (err) {
    case EBUSY:
      meaning = "VFs are still in use or enabled; set 0 first";
      break;
    case ERANGE:
      meaning = std::to_string(count) + " exceeds sriov_totalvfs" +
                (totalVfs ? " " + std::to_string(*totalVfs) : std::string());
      break;
    case ENOENT:
      meaning = "the PF has no driver bound, or its driver cannot create VFs";
      break;
    case EACCES:
    case EPERM:
      meaning = "not permitted; run sriov-apply as root";
      break;
    default:
      return Error{"cannot set sriov_numvfs of " + pf + " to " + std::to_string(count) + ": " +
                       std::strerror(err),
                   err};
  }
  return Error{"cannot set sriov_numvfs of " + pf + " to " + std::to_string(count) + ": " +
                   meaning + " (" + std::strerror(err) + ")",
               err};
}

SysfsWriter::SysfsWriter(std::string root) : root_(std::move(root)) {}

std::string SysfsWriter::deviceDir(const std::string& pci) const {
  return root_ + "/bus/pci/devices/" + pci;
}

Result<std::string> SysfsWriter::pfLabel(const std::string& pfPci) const {
  Result<std::string> netdev = sysfs::netdevOf(deviceDir(pfPci));
  if (!netdev) return netdev.error();
  return netdev->empty() ? pfPci : *netdev;
}

Result<void> SysfsWriter::writeNumVfs(const std::string& pfPci, unsigned count) const {
  Result<std::string> label = pfLabel(pfPci);
  if (!label) return label.error();
  std::string path = deviceDir(pfPci) + "/sriov_numvfs";
  if (!sysfs::exists(path))
    return Error{"cannot set sriov_numvfs of " + *label + " to " + std::to_string(count) + ": " +
                     path + " does not exist (not an SR-IOV PF)",
                 ENOENT};
  int err = writeAttribute(path, std::to_string(count));
  if (err == 0) return {};
  std::optional<unsigned> totalVfs;
  if (err == ERANGE) {
    Result<unsigned> total = sysfs::readNumber(deviceDir(pfPci) + "/sriov_totalvfs");
    if (total) totalVfs = *total;
  }
  return numVfsError(*label, count, err, totalVfs);
}

Result<void> SysfsWriter::bindDriver(const std::string& pci, const std::string& driver) const {
  std::string what = "cannot bind " + pci + " to " + driver + ": ";
  std::string dir = deviceDir(pci);
  if (!sysfs::exists(dir))
    return Error{what + "no such PCI device (" + dir + " does not exist)", ENOENT};
  std::string driverDir = root_ + "/bus/pci/drivers/" + driver;
  if (!sysfs::exists(driverDir))
    return Error{what + "the driver is not loaded (" + driverDir + " does not exist; modprobe " +
                     driver + ")",
                 ENOENT};
  auto write = [&](const std::string& path, const std::string& value) -> Result<void> {
    int err = writeAttribute(path, value);
    if (err == 0) return {};
    return Error{what + "cannot write " + path + ": " + std::strerror(err), err};
  };

  // 1. Only this driver may take the device from now on, also after a rebind or a re-probe.
  if (Result<void> r = write(dir + "/driver_override", driver); !r) return r;
  Result<std::string> current = sysfs::driverOf(dir);
  if (!current) return current.error();
  if (*current == driver) return {};
  // 2. Let go of the current driver, 3. let the kernel probe the device again.
  if (!current->empty()) {
    if (Result<void> r = write(dir + "/driver/unbind", pci); !r) return r;
  }
  if (Result<void> r = write(root_ + "/bus/pci/drivers_probe", pci); !r) return r;
  // 4. Check. drivers_probe probes synchronously, unless the driver probes asynchronously:
  // give such a driver a second.
  Result<std::string> bound = sysfs::driverOf(dir);
  for (int tries = 0; tries < 100 && bound && *bound != driver; ++tries) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    bound = sysfs::driverOf(dir);
  }
  if (!bound) return bound.error();
  if (*bound != driver)
    return Error{what + "after drivers_probe it is bound to " +
                     (bound->empty() ? std::string("no driver") : *bound) +
                     "; the driver did not take it (see dmesg)",
                 EIO};
  return {};
}

}  // namespace sriov::reconcile
