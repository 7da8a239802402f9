// A fake sysfs tree in a temporary folder, laid out with the symlinks the kernel makes, for
// SysfsReader and LinuxHost tests.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace sriov::testing {

class SysfsFixture {
 public:
  SysfsFixture();
  ~SysfsFixture();
  SysfsFixture(const SysfsFixture&) = delete;
  SysfsFixture& operator=(const SysfsFixture&) = delete;

  const std::string& root() const { return root_; }

  // Low level: paths relative to the root.
  void file(const std::string& rel, const std::string& content);
  void dir(const std::string& rel);
  void link(const std::string& rel, const std::string& target);
  void remove(const std::string& rel);

  // A PCI device under devices/pci0000:00/0000:00:01.0/ with vendor and device files, its
  // bus/pci/devices link and, when driver is not empty, its driver link.
  // Returns the device folder relative to the root.
  std::string pciDevice(const std::string& pci, const std::string& vendor,
                        const std::string& device, const std::string& driver);
  // A netdev of a PCI device: net/<name>/{flags,device} and the class/net link.
  void netdev(const std::string& pci, const std::string& name, const std::string& flags);
  // SR-IOV files of a PF, and for each VF a device with virtfnN and physfn links.
  struct Vf {
    std::string pci;
    std::string driver;  // empty: unbound
    std::string netdev;  // empty: none
  };
  void sriov(const std::string& pfPci, unsigned totalVfs, unsigned offset, unsigned stride,
             const std::vector<Vf>& vfs);
  void iommuGroup(const std::string& pci, int group);

  static std::string deviceDir(const std::string& pci);

 private:
  std::string root_;
};

}  // namespace sriov::testing
