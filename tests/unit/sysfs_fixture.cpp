// Builds fake sysfs trees with the kernel's symlink layout for the sysfs reader's tests.
#include "tests/unit/sysfs_fixture.h"

#include <stdlib.h>

#include <fstream>
#include <stdexcept>

namespace sriov::testing {

namespace fs = std::filesystem;

SysfsFixture::SysfsFixture() {
  std::string pattern = (fs::temp_directory_path() / "sriov-sysfs-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  root_ = pattern;
}

SysfsFixture::~SysfsFixture() {
  std::error_code ec;
  fs::remove_all(root_, ec);
}

void SysfsFixture::file(const std::string& rel, const std::string& content) {
  fs::path path = fs::path(root_) / rel;
  fs::create_directories(path.parent_path());
  std::ofstream(path) << content;
}

void SysfsFixture::dir(const std::string& rel) {
  fs::create_directories(fs::path(root_) / rel);
}

void SysfsFixture::link(const std::string& rel, const std::string& target) {
  fs::path path = fs::path(root_) / rel;
  fs::create_directories(path.parent_path());
  fs::create_symlink(target, path);
}

void SysfsFixture::remove(const std::string& rel) {
  fs::remove_all(fs::path(root_) / rel);
}

std::string SysfsFixture::deviceDir(const std::string& pci) {
  return "devices/pci0000:00/0000:00:01.0/" + pci;
}

std::string SysfsFixture::pciDevice(const std::string& pci, const std::string& vendor,
                                    const std::string& device, const std::string& driver) {
  std::string dir = deviceDir(pci);
  file(dir + "/vendor", vendor + "\n");
  file(dir + "/device", device + "\n");
  link("bus/pci/devices/" + pci, "../../../" + dir);
  if (!driver.empty()) {
    this->dir("bus/pci/drivers/" + driver);
    link(dir + "/driver", "../../../../bus/pci/drivers/" + driver);
  }
  return dir;
}

void SysfsFixture::netdev(const std::string& pci, const std::string& name,
                          const std::string& flags) {
  std::string dir = deviceDir(pci) + "/net/" + name;
  file(dir + "/flags", flags + "\n");
  file(dir + "/operstate", "down\n");
  link(dir + "/device", "../../../" + pci);
  link("class/net/" + name, "../../" + dir);
}

void SysfsFixture::sriov(const std::string& pfPci, unsigned totalVfs, unsigned offset,
                         unsigned stride, const std::vector<Vf>& vfs) {
  std::string dir = deviceDir(pfPci);
  file(dir + "/sriov_totalvfs", std::to_string(totalVfs) + "\n");
  file(dir + "/sriov_numvfs", std::to_string(vfs.size()) + "\n");
  file(dir + "/sriov_offset", std::to_string(offset) + "\n");
  file(dir + "/sriov_stride", std::to_string(stride) + "\n");
  for (size_t i = 0; i < vfs.size(); ++i) {
    const Vf& vf = vfs[i];
    pciDevice(vf.pci, "0x8086", "0x10ca", vf.driver);
    link(deviceDir(vf.pci) + "/physfn", "../" + pfPci);
    link(dir + "/virtfn" + std::to_string(i), "../" + vf.pci);
    if (!vf.netdev.empty()) netdev(vf.pci, vf.netdev, "0x1002");
  }
}

void SysfsFixture::iommuGroup(const std::string& pci, int group) {
  std::string target = "kernel/iommu_groups/" + std::to_string(group);
  dir(target + "/devices");
  link(deviceDir(pci) + "/iommu_group", "../../../../" + target);
}

}  // namespace sriov::testing
