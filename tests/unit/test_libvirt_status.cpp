// Tests for reading a running guest's libvirt status file: whether libvirt gives a VF back to
// its host driver when the guest lets go of it (libvirt_status.h).
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "reconcile/host/libvirt_status.h"

namespace rc = sriov::reconcile;
namespace fs = std::filesystem;

namespace {

// The shape of libvirt 9's /run/libvirt/qemu/NAME.xml (virDomainObjFormat with
// VIR_DOMAIN_DEF_FORMAT_PCI_ORIG_STATES): a hostdev libvirt took off igbvf, a pool interface's
// actual hostdev, and a hostdev whose VF was on vfio-pci already.
const char* kStatus = R"(<domstatus state='running' reason='booted' pid='4242'>
  <taint flag='high-privileges'/>
  <domain type='qemu' id='3'>
    <name>g6</name>
    <devices>
      <hostdev mode='subsystem' type='pci' managed='yes'>
        <driver name='vfio'/>
        <source>
          <address domain='0x0000' bus='0x01' slot='0x10' function='0x0'/>
          <origstates>
            <unbind/>
            <reprobe/>
          </origstates>
        </source>
        <alias name='ua-sriov-vf0'/>
      </hostdev>
      <interface type='network'>
        <mac address='52:54:00:6d:90:61'/>
        <source network='pool' portid='1b6a6c1e-7b44-4d4e-9f3e-4c1d2f0e9a11'/>
        <actual type='hostdev' managed='yes'>
          <source>
            <address type='pci' domain='0x0000' bus='0x01' slot='0x10' function='0x2'/>
            <origstates>
              <unbind/>
              <reprobe/>
            </origstates>
          </source>
        </actual>
      </interface>
      <hostdev mode='subsystem' type='pci' managed='yes'>
        <source>
          <address domain='0' bus='1' slot='16' function='4'/>
          <origstates/>
        </source>
      </hostdev>
      <hostdev mode='subsystem' type='pci' managed='yes'>
        <source>
          <address domain='0x0000' bus='0x01' slot='0x10' function='0x6'/>
        </source>
      </hostdev>
    </devices>
  </domain>
</domstatus>
)";

}  // namespace

TEST_CASE("libvirtUnbindsVf: what libvirt's status file says of a VF") {
  CHECK(rc::libvirtUnbindsVf(kStatus, "0000:01:10.0") == true);
  CHECK(rc::libvirtUnbindsVf(kStatus, "0000:01:10.2") == true);  // inside <actual>
  // Decimal address fields, as libvirt reads them; an empty <origstates>: it leaves the VF.
  CHECK(rc::libvirtUnbindsVf(kStatus, "0000:01:10.4") == false);
  // No <origstates> at all: unknown, not "leaves it".
  CHECK_FALSE(rc::libvirtUnbindsVf(kStatus, "0000:01:10.6").has_value());
  CHECK_FALSE(rc::libvirtUnbindsVf(kStatus, "0000:01:11.0").has_value());
  CHECK_FALSE(rc::libvirtUnbindsVf("<domstatus><unclosed>", "0000:01:10.0").has_value());
  CHECK_FALSE(rc::libvirtUnbindsVf("", "0000:01:10.0").has_value());
}

TEST_CASE("libvirtUnbindsVfOf: the file, never through a link, never outside qemu/") {
  fs::path dir = fs::temp_directory_path() / ("sriov-status-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "qemu");
  std::ofstream(dir / "qemu" / "g6.xml") << kStatus;
  std::ofstream(dir / "elsewhere.xml") << kStatus;
  fs::create_symlink(dir / "qemu" / "g6.xml", dir / "qemu" / "planted.xml");

  CHECK(rc::libvirtUnbindsVfOf(dir.string(), "g6", "0000:01:10.0") == true);
  CHECK_FALSE(rc::libvirtUnbindsVfOf(dir.string(), "planted", "0000:01:10.0").has_value());
  CHECK_FALSE(rc::libvirtUnbindsVfOf(dir.string(), "../elsewhere", "0000:01:10.0").has_value());
  CHECK_FALSE(rc::libvirtUnbindsVfOf(dir.string(), "missing", "0000:01:10.0").has_value());
  CHECK_FALSE(rc::libvirtUnbindsVfOf(dir.string(), "", "0000:01:10.0").has_value());
  fs::remove_all(dir);
}
