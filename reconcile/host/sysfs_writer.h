// Writing sysfs attributes of SR-IOV devices under a root directory with plain open/write(2):
// a PF's sriov_numvfs and a VF's driver binding. Never through a shell, which would turn the
// kernel's errno (EBUSY, ERANGE, ...) into "I/O error".
#pragma once

#include <optional>
#include <string>

#include "reconcile/result.h"

namespace sriov::reconcile {

// Writes value to the existing file at path (one write(2), O_TRUNC, never O_CREAT).
// Returns 0 or the errno of open or write.
int writeAttribute(const std::string& path, const std::string& value);

// What an errno of writing count to the sriov_numvfs of pf (its label) means, in words:
// "cannot set sriov_numvfs of PF to N: <meaning> (<strerror>)". totalVfs is named for ERANGE.
Error numVfsError(const std::string& pf, unsigned count, int err, std::optional<unsigned> totalVfs);

class SysfsWriter {
 public:
  // root is where sysfs is mounted ("/sys").
  explicit SysfsWriter(std::string root);

  // <root>/bus/pci/devices/<pci>
  std::string deviceDir(const std::string& pci) const;
  // How messages name a PF: its netdev name, or its PCI address when it has none.
  Result<std::string> pfLabel(const std::string& pfPci) const;

  // Writes count to <pf>/sriov_numvfs; does not wait for the VFs (see VfSettler). A missing
  // file fails with "cannot set sriov_numvfs of PF to N: PATH does not exist (not an SR-IOV
  // PF)"; the kernel's errors as numVfsError() words them.
  Result<void> writeNumVfs(const std::string& pfPci, unsigned count) const;

  // Binds the device at pci to driver: writes driver_override, unbinds it from its current
  // driver (<dev>/driver/unbind), writes the address to <root>/bus/pci/drivers_probe, then
  // checks that <dev>/driver is driver (within a second, for drivers that probe
  // asynchronously). Already bound to driver: only driver_override is
  // written. Fails, naming the device and driver, when the device or the driver's folder
  // (<root>/bus/pci/drivers/DRIVER: the module is not loaded) is missing, on any write error,
  // and when the device ends up on another driver or none.
  Result<void> bindDriver(const std::string& pci, const std::string& driver) const;

 private:
  std::string root_;
};

}  // namespace sriov::reconcile
