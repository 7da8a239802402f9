// The probe of the doctor: every read is under ProbeOptions::root; an unreadable file is
// absent. Other managers' files are parsed in their own formats (keyfile, YAML, .link, udev).
#include "reconcile/host/host_probe.h"

#include <sys/utsname.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <sstream>

#include "reconcile/host/libvirt_connection.h"
#include "reconcile/host/sysfs_files.h"

namespace sriov::reconcile {
namespace {

namespace fs = std::filesystem;

struct Root {
  std::string root;
  std::string path(const std::string& abs) const {
    return root == "/" ? abs : (fs::path(root) / abs.substr(1)).string();
  }
  std::optional<std::string> read(const std::string& abs) const {
    Result<std::optional<std::string>> r = sysfs::readFile(path(abs), sysfs::Missing::isAbsent);
    if (!r) return std::nullopt;
    return *r;
  }
  std::string text(const std::string& abs) const { return sysfs::trim(read(abs).value_or("")); }
  std::vector<std::string> list(const std::string& abs) const {
    Result<std::optional<std::vector<std::string>>> r =
        sysfs::listDir(path(abs), sysfs::Missing::isAbsent);
    return r && *r ? **r : std::vector<std::string>{};
  }
  bool exists(const std::string& abs) const { return sysfs::exists(path(abs)); }
};

bool endsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::optional<unsigned> number(const std::string& s) {
  if (s.empty() || s.size() > 6 || !std::all_of(s.begin(), s.end(), ::isdigit)) return std::nullopt;
  return static_cast<unsigned>(std::stoul(s));
}

// An INI file (NetworkManager keyfile, systemd .link): section -> key -> last value; a
// repeated section name ([SR-IOV]) counts in "#count".
using Ini = std::map<std::string, std::map<std::string, std::string>>;
Ini parseIni(const std::string& text) {
  Ini ini;
  std::string section;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::string t = sysfs::trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      section = t.substr(1, t.size() - 2);
      ini[section]["#count"] += "x";
      continue;
    }
    size_t eq = t.find('=');
    if (eq == std::string::npos) continue;
    ini[section][sysfs::trim(t.substr(0, eq))] = sysfs::trim(t.substr(eq + 1));
  }
  return ini;
}

std::string iniGet(const Ini& ini, const std::string& section, const std::string& key) {
  auto s = ini.find(section);
  if (s == ini.end()) return {};
  auto k = s->second.find(key);
  return k == s->second.end() ? std::string{} : k->second;
}

ManagerClaim claimFrom(const char* manager, const std::string& file) {
  ManagerClaim c;
  c.manager = manager;
  c.file = file;
  return c;
}

void probeIommu(const Root& r, HostFacts& f) {
  f.iommuUnits = r.list("/sys/class/iommu");
  for (const std::string& u : f.iommuUnits) {
    std::optional<std::string> ecap = r.read("/sys/class/iommu/" + u + "/intel-iommu/ecap");
    if (ecap) {
      f.intelEcap = sysfs::trim(*ecap);
      break;
    }
  }
  f.iommuGroups = !r.list("/sys/kernel/iommu_groups").empty();
  if (std::optional<std::string> cmdline = r.read("/proc/cmdline"))
    f.cmdline = sysfs::trim(*cmdline);
  std::istringstream cpu(r.read("/proc/cpuinfo").value_or(""));
  for (std::string line; std::getline(cpu, line);) {
    if (line.rfind("vendor_id", 0) != 0) continue;
    f.cpuVendor = sysfs::trim(line.substr(line.find(':') + 1));
    break;
  }
  f.grubby = r.exists("/usr/sbin/grubby") || r.exists("/sbin/grubby");
  f.debianGrub = r.exists("/etc/default/grub");
}

std::string linkName(const Root& r, const std::string& abs) {
  Result<std::optional<std::string>> l = sysfs::readLinkBasename(r.path(abs));
  return l && *l ? **l : std::string{};
}

void probePfs(const Root& r, HostFacts& f) {
  for (const std::string& pci : r.list("/sys/bus/pci/devices")) {
    std::string dir = "/sys/bus/pci/devices/" + pci;
    std::optional<std::string> total = r.read(dir + "/sriov_totalvfs");
    if (!total) continue;
    ProbedPf p;
    p.pci = pci;
    p.totalVfs = number(sysfs::trim(*total)).value_or(0);
    p.numVfs = number(r.text(dir + "/sriov_numvfs")).value_or(0);
    p.vendorId = r.text(dir + "/vendor");
    p.deviceId = r.text(dir + "/device");
    p.subsystemVendorId = r.text(dir + "/subsystem_vendor");
    p.subsystemDeviceId = r.text(dir + "/subsystem_device");
    p.driver = linkName(r, dir + "/driver");
    std::string numa = r.text(dir + "/numa_node");
    p.numaNode = numa.empty() ? -1 : std::atoi(numa.c_str());
    std::vector<std::string> nets = r.list(dir + "/net");
    if (!nets.empty()) {
      p.name = nets.front();
      p.mac = lower(r.text(dir + "/net/" + p.name + "/address"));
      unsigned long flags =
          std::strtoul(r.text(dir + "/net/" + p.name + "/flags").c_str(), nullptr, 16);
      p.linkUp = flags & 1UL;
    }
    for (const std::string& e : r.list(dir)) {
      if (!sysfs::virtfnIndex(e)) continue;
      ProbedVf vf;
      vf.pci = linkName(r, dir + "/" + e);
      vf.driver = linkName(r, "/sys/bus/pci/devices/" + vf.pci + "/driver");
      std::string group = linkName(r, "/sys/bus/pci/devices/" + vf.pci + "/iommu_group");
      if (!group.empty()) {
        vf.iommuGroup = std::atoi(group.c_str());
        for (const std::string& d : r.list("/sys/kernel/iommu_groups/" + group + "/devices"))
          if (d != vf.pci) vf.groupPeers.push_back(d);
      }
      p.vfs.push_back(std::move(vf));
    }
    f.pfs.push_back(std::move(p));
  }
}

void probeModules(const Root& r, const std::string& release, HostFacts& f) {
  f.pciDrivers = r.list("/sys/bus/pci/drivers");
  f.modules = r.list("/sys/module");
  std::string rel = release;
  if (rel.empty()) {
    utsname u{};
    if (uname(&u) == 0) rel = u.release;
  }
  std::istringstream dep(r.read("/lib/modules/" + rel + "/modules.dep").value_or(""));
  // "kernel/drivers/vfio/pci/vfio-pci.ko.xz: deps": the module vfio_pci.
  for (std::string line; std::getline(dep, line);) {
    std::string path = line.substr(0, line.find(':'));
    std::string name = path.substr(path.rfind('/') + 1);
    name = name.substr(0, name.find(".ko"));
    std::replace(name.begin(), name.end(), '-', '_');
    if (!name.empty()) f.installedModules.push_back(name);
  }
  std::sort(f.installedModules.begin(), f.installedModules.end());
}

void probeSelinux(const Root& r, HostFacts& f) {
  std::optional<std::string> enforce = r.read("/sys/fs/selinux/enforce");
  if (!enforce) return;
  f.selinuxEnforcing = sysfs::trim(*enforce) == "1";
  std::optional<std::string> b = r.read("/sys/fs/selinux/booleans/virt_use_sysfs");
  if (b) f.virtUseSysfs = sysfs::trim(*b).rfind('1', 0) == 0;
}

std::vector<std::string> filesIn(const Root& r, std::initializer_list<const char*> dirs,
                                 const std::string& suffix) {
  std::vector<std::string> out;
  for (const char* d : dirs)
    for (const std::string& e : r.list(d))
      if (endsWith(e, suffix)) out.push_back(std::string(d) + "/" + e);
  return out;
}

void probeNetworkManager(const Root& r, HostFacts& f) {
  f.networkManagerRunning = r.exists("/run/NetworkManager");
  for (const std::string& file : filesIn(
           r, {"/etc/NetworkManager/system-connections", "/run/NetworkManager/system-connections"},
           ".nmconnection")) {
    Ini ini = parseIni(r.read(file).value_or(""));
    if (!ini.count("sriov")) continue;
    ManagerClaim c = claimFrom("NetworkManager", file);
    c.matchName = iniGet(ini, "connection", "interface-name");
    c.matchMac = lower(iniGet(ini, "ethernet", "mac-address"));
    c.numVfs = number(iniGet(ini, "sriov", "total-vfs"));
    std::string keep = lower(iniGet(ini, "sriov", "preserve-on-down"));
    if (keep == "1" || keep == "yes" || keep == "true") c.preserveOnDown = true;
    if (keep == "0" || keep == "no" || keep == "false") c.preserveOnDown = false;
    f.claims.push_back(std::move(c));
  }
}

void probeNetworkd(const Root& r, HostFacts& f) {
  for (const std::string& file : filesIn(r,
                                         {"/etc/systemd/network", "/run/systemd/network",
                                          "/usr/lib/systemd/network", "/lib/systemd/network"},
                                         ".link")) {
    Ini ini = parseIni(r.read(file).value_or(""));
    std::string count = iniGet(ini, "Link", "SR-IOVVirtualFunctions");
    if (count.empty() && !ini.count("SR-IOV")) continue;
    ManagerClaim c = claimFrom("systemd-networkd", file);
    c.matchName = iniGet(ini, "Match", "OriginalName");
    c.matchMac = lower(iniGet(ini, "Match", "MACAddress"));
    std::string path = iniGet(ini, "Match", "Path");
    if (path.rfind("pci-", 0) == 0) c.matchPci = path.substr(4);
    c.matchesAny = c.matchName.empty() && c.matchMac.empty() && c.matchPci.empty();
    c.numVfs = number(count);
    f.claims.push_back(std::move(c));
  }
}

// A map's value at key, or an empty node (yaml-cpp's operator[] on a missing key is invalid).
YAML::Node child(const YAML::Node& map, const std::string& key) {
  if (!map.IsMap()) return YAML::Node();
  for (const auto& kv : map)
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.second;
  return YAML::Node();
}

std::string scalar(const YAML::Node& map, const std::string& key) {
  YAML::Node n = child(map, key);
  return n.IsScalar() ? n.Scalar() : std::string{};
}

void probeNetplan(const Root& r, HostFacts& f) {
  for (const std::string& file :
       filesIn(r, {"/etc/netplan", "/run/netplan", "/lib/netplan"}, ".yaml")) {
    YAML::Node doc;
    try {
      doc = YAML::Load(r.read(file).value_or(""));
    } catch (const YAML::Exception&) {
      continue;
    }
    YAML::Node eth = child(child(doc, "network"), "ethernets");
    if (!eth.IsMap()) continue;
    std::map<std::string, ManagerClaim> pfs;  // by netplan id
    auto claimOf = [&](const std::string& id) -> ManagerClaim& {
      auto it = pfs.find(id);
      if (it != pfs.end()) return it->second;
      ManagerClaim c = claimFrom("netplan", file);
      YAML::Node match = child(child(eth, id), "match");
      c.matchName = scalar(match, "name").empty() ? id : scalar(match, "name");
      c.matchMac = lower(scalar(match, "macaddress"));
      return pfs.emplace(id, c).first->second;
    };
    for (const auto& kv : eth) {
      if (!kv.second.IsMap() || !kv.first.IsScalar()) continue;
      std::string count = scalar(kv.second, "virtual-function-count");
      if (!count.empty()) claimOf(kv.first.Scalar()).numVfs = number(count);
      std::string link = scalar(kv.second, "link");
      if (!link.empty()) claimOf(link);
    }
    for (auto& [id, c] : pfs) f.claims.push_back(std::move(c));
  }
}

// os-net-config: {"network_config": [{"type": "sriov_pf", "name": "eth0", "numvfs": 4}, ...]}
void walkOsNetConfig(const YAML::Node& n, const std::string& file, HostFacts& f, int depth) {
  if (depth > 16) return;
  if (n.IsSequence()) {
    for (const YAML::Node& e : n) walkOsNetConfig(e, file, f, depth + 1);
    return;
  }
  if (!n.IsMap()) return;
  if (scalar(n, "type") == "sriov_pf") {
    ManagerClaim c = claimFrom("os-net-config", file);
    c.matchName = scalar(n, "name");
    c.numVfs = number(scalar(n, "numvfs"));
    f.claims.push_back(std::move(c));
  }
  for (const auto& kv : n) walkOsNetConfig(kv.second, file, f, depth + 1);
}

void probeOsNetConfig(const Root& r, HostFacts& f) {
  for (const char* file : {"/etc/os-net-config/config.yaml", "/etc/os-net-config/config.json"}) {
    std::optional<std::string> text = r.read(file);
    if (!text) continue;
    try {
      walkOsNetConfig(YAML::Load(*text), file, f, 0);
    } catch (const YAML::Exception&) {
    }
  }
  for (const char* file :
       {"/etc/systemd/system/sriov_config.service", "/usr/lib/systemd/system/sriov_config.service",
        "/etc/sysconfig/sriov_config"}) {
    if (!r.exists(file)) continue;
    f.sriovConfigService = true;
    f.sriovConfigPath = file;
    break;
  }
}

// The value of KEY=="VALUE" (or KEY="VALUE") in a udev rule line; empty when absent.
std::string udevValue(const std::string& line, const std::string& key) {
  size_t at = line.find(key + "==\"");
  size_t skip = key.size() + 3;
  if (at == std::string::npos) {
    at = line.find(key + "=\"");
    skip = key.size() + 2;
  }
  if (at == std::string::npos || (at > 0 && std::isalnum(static_cast<unsigned char>(line[at - 1]))))
    return {};
  size_t end = line.find('"', at + skip);
  return end == std::string::npos ? std::string{} : line.substr(at + skip, end - at - skip);
}

void probeUdev(const Root& r, HostFacts& f) {
  f.ownRules = r.exists("/etc/udev/rules.d/70-sriov-apply.rules");
  for (const std::string& file : filesIn(
           r,
           {"/etc/udev/rules.d", "/run/udev/rules.d", "/lib/udev/rules.d", "/usr/lib/udev/rules.d"},
           ".rules")) {
    if (endsWith(file, "/70-sriov-apply.rules")) continue;
    std::istringstream in(r.read(file).value_or(""));
    for (std::string line; std::getline(in, line);) {
      std::string t = sysfs::trim(line);
      if (t.empty() || t[0] == '#') continue;
      std::string count = udevValue(t, "ATTR{sriov_numvfs}");
      bool sh = t.find("sriov_numvfs") != std::string::npos && t.find("RUN") != std::string::npos;
      if (count.empty() && !sh) continue;
      ManagerClaim c = claimFrom("udev", file);
      c.matchName = udevValue(t, "KERNEL");
      if (c.matchName.empty()) c.matchName = udevValue(t, "NAME");
      c.matchPci = udevValue(t, "KERNELS");
      c.matchMac = lower(udevValue(t, "ATTR{address}"));
      c.matchesAny = c.matchName.empty() && c.matchPci.empty() && c.matchMac.empty();
      c.numVfs = number(count);
      f.claims.push_back(std::move(c));
    }
  }
}

void probeOwnUnits(const Root& r, HostFacts& f) {
  for (const std::string& wants : r.list("/etc/systemd/system")) {
    if (!endsWith(wants, ".wants")) continue;
    for (const std::string& unit : r.list("/etc/systemd/system/" + wants))
      if (unit.rfind("sriov-apply", 0) == 0) f.ownUnits.push_back(unit);
  }
  std::sort(f.ownUnits.begin(), f.ownUnits.end());
  f.ownUnits.erase(std::unique(f.ownUnits.begin(), f.ownUnits.end()), f.ownUnits.end());
}

void probeLibvirt(const ProbeOptions& o, HostFacts& f) {
  if (o.root != "/") {
    f.libvirtProblem = "libvirt not asked (--root " + o.root + " reads files only)";
    return;
  }
  if (o.connectUri.empty()) {
    f.libvirtProblem = "libvirt not asked (no connection URI)";
    return;
  }
  Result<LibvirtConnection> c = LibvirtConnection::open(o.connectUri);
  if (!c) {
    f.libvirtProblem = c.error().message;
    return;
  }
  unsigned long version = 0;
  virConnectGetLibVersion(c->get(), &version);
  const char* type = virConnectGetType(c->get());
  f.libvirt = "libvirt " + std::to_string(version / 1000000) + "." +
              std::to_string(version / 1000 % 1000) + "." + std::to_string(version % 1000) +
              " at " + o.connectUri + ", driver " + (type ? type : "unknown");
}

}  // namespace

HostFacts probeHost(const ProbeOptions& options) {
  Root r{options.root.empty() ? "/" : options.root};
  HostFacts f;
  f.root = r.root;
  probeIommu(r, f);
  probePfs(r, f);
  probeModules(r, options.release, f);
  probeSelinux(r, f);
  probeNetworkManager(r, f);
  probeNetworkd(r, f);
  probeNetplan(r, f);
  probeOsNetConfig(r, f);
  probeUdev(r, f);
  probeOwnUnits(r, f);
  probeLibvirt(options, f);
  return f;
}

}  // namespace sriov::reconcile
