// LibvirtReader at libvirt's call floor: the daemon's own log of every RPC it dispatched
// (virNetServerProgramDispatch, switched on through virt-admin) counts what one read of the
// networks and domains costs, for N more shut-off and N more running domains.
#include <doctest/doctest.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "reconcile/host/libvirt_connection.h"
#include "reconcile/host/libvirt_reader.h"
#include "tests/integration/libvirt_world.h"

namespace sriov::reconcile {
namespace {

using integration::daemonUri;
using integration::fakeSysfsRoot;
using integration::setUpWorld;

// The daemon's state folder (the fake sysfs is STATE_DIR/fakesys) and its admin socket (next
// to the socket in the URI).
std::string stateDir() {
  std::string root = fakeSysfsRoot();
  return root.substr(0, root.rfind('/'));
}

std::string adminUri() {
  std::string uri = daemonUri();
  std::string socket = uri.substr(uri.find("socket=") + 7);
  return "libvirtd:///system?socket=" + socket.substr(0, socket.rfind('/')) + "/libvirt-admin-sock";
}

std::string rpcLog() {
  return stateDir() + "/log/rpc.log";
}

// Switches the daemon's debug log of dispatched calls on, into rpcLog().
void logRpcs() {
  std::string admin = "virt-admin -q -c '" + adminUri() + "' ";
  REQUIRE(std::system((admin + "daemon-log-outputs '1:file:" + rpcLog() + "'").c_str()) == 0);
  REQUIRE(std::system((admin + "daemon-log-filters '1:rpc.netserverprogram 4:*'").c_str()) == 0);
}

// The remote-protocol RPCs (program 0x20008086) the log holds.
int countRpcs() {
  std::ifstream log(rpcLog());
  int count = 0;
  for (std::string line; std::getline(log, line);)
    if (line.find("virNetServerProgramDispatch") != std::string::npos &&
        line.find("prog=536903814 ") != std::string::npos)
      ++count;
  return count;
}

std::string lastError() {
  const char* message = virGetLastErrorMessage();
  std::string text = message ? message : "?";
  virResetLastError();
  return text;
}

std::string domainXml(const std::string& name) {
  return "<domain type='qemu'><name>" + name +
         "</name><memory unit='KiB'>65536</memory><vcpu>1</vcpu>"
         "<os><type arch='x86_64' machine='pc'>hvm</type></os><features><acpi/></features>"
         "</domain>";
}

// N shut-off and N running domains more than the world's, gone again at the end.
class ExtraDomains {
 public:
  ExtraDomains(int n) : connection_(virConnectOpen(daemonUri().c_str())) {
    REQUIRE_MESSAGE(connection_ != nullptr, lastError());
    for (int i = 0; i < 2 * n; ++i) {
      std::string name = "floor-" + std::to_string(i);
      virDomainPtr domain = virDomainDefineXML(connection_, domainXml(name).c_str());
      REQUIRE_MESSAGE(domain != nullptr, name << ": " << lastError());
      domains_.push_back(domain);
      if (i >= n) REQUIRE_MESSAGE(virDomainCreate(domain) == 0, name << ": " << lastError());
    }
  }
  ~ExtraDomains() {
    for (virDomainPtr domain : domains_) {
      if (virDomainIsActive(domain) == 1) virDomainDestroy(domain);
      virDomainUndefine(domain);
      virDomainFree(domain);
    }
    virConnectClose(connection_);
  }
  ExtraDomains(const ExtraDomains&) = delete;
  ExtraDomains& operator=(const ExtraDomains&) = delete;

 private:
  virConnectPtr connection_;
  std::vector<virDomainPtr> domains_;
};

// The RPCs one read of the networks and domains costs on an open connection, and what it read.
struct Read {
  int rpcs = 0;
  std::vector<ObservedNetwork> networks;
  std::vector<ObservedDomain> domains;
};

Read readCounted() {
  Result<LibvirtConnection> connection = LibvirtConnection::open(daemonUri());
  REQUIRE_MESSAGE(connection.ok(), connection.error().message);
  LibvirtReader reader(*connection);
  int before = countRpcs();
  Result<std::vector<ObservedNetwork>> networks = reader.networks();
  Result<std::vector<ObservedDomain>> domains = reader.domains();
  int after = countRpcs();
  REQUIRE_MESSAGE(networks.ok(), networks.error().message);
  REQUIRE_MESSAGE(domains.ok(), domains.error().message);
  return Read{after - before, *networks, *domains};
}

// The floor: 4 network list calls + 1 XML per network, 6 domain list calls + 1 XML per domain
// + 1 inactive XML per running persistent domain.
int floorOf(const Read& read) {
  int floor = 4 + static_cast<int>(read.networks.size()) + 6;
  for (const ObservedDomain& domain : read.domains)
    floor += domain.running() && domain.persistent ? 2 : 1;
  return floor;
}

TEST_CASE("LibvirtReader reads networks and domains at libvirt's RPC floor") {
  setUpWorld();
  logRpcs();
  Read world = readCounted();
  // The world: 4 networks; 3 shut off, 1 running persistent, 1 running transient.
  REQUIRE(world.networks.size() == 4);
  REQUIRE(world.domains.size() == 5);
  CHECK(world.rpcs == 4 + 4 + 6 + 3 + 2 + 1);
  CHECK(world.rpcs == floorOf(world));

  const int n = 3;
  ExtraDomains extra(n);
  Read more = readCounted();
  REQUIRE(more.domains.size() == 5 + 2 * n);
  CHECK(more.rpcs == floorOf(more));
  // Each shut-off domain costs its XML; each running one its live and inactive XML.
  CHECK(more.rpcs - world.rpcs == n * 1 + n * 2);
}

}  // namespace
}  // namespace sriov::reconcile
