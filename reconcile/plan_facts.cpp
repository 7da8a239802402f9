// Choosing a plan's facts from the observed host, their fingerprint, and their differences.
#include "reconcile/plan_facts.h"

#include <algorithm>
#include <set>

#include "reconcile/preflight.h"
#include "reconcile/rollback.h"
#include "reconcile/state_file.h"
#include "schema/digest.h"

namespace sriov::reconcile {
namespace {

bool pools(const ObservedNetwork& n, const std::set<std::string>& pfNames,
           const std::set<std::string>& vfs) {
  if (!n.pfDev.empty() && pfNames.count(n.pfDev)) return true;
  return std::any_of(n.vfs.begin(), n.vfs.end(),
                     [&](const std::string& v) { return vfs.count(v); });
}

bool uses(const std::vector<GuestDevice>& devices, const std::set<std::string>& vfs,
          const std::set<std::string>& networks) {
  return std::any_of(devices.begin(), devices.end(), [&](const GuestDevice& d) {
    return (!d.pci.empty() && vfs.count(d.pci)) ||
           (!d.network.empty() && networks.count(d.network));
  });
}

// "what name: changed" for each object of the same name whose entries differ, unless a line
// of lines already names it.
template <typename T>
void changedObjects(const std::vector<T>& then, const std::vector<T>& now, const std::string& what,
                    std::vector<std::string>& lines) {
  for (const T& t : then) {
    auto n = std::find_if(now.begin(), now.end(), [&](const T& x) { return x.name == t.name; });
    if (n == now.end() || *n == t) continue;
    const std::string prefix = what + " " + t.name + ":";
    bool named = std::any_of(lines.begin(), lines.end(),
                             [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
    if (!named) lines.push_back(prefix + " its XML changed");
  }
}

}  // namespace

ObservedState planFacts(const schema::Spec& spec, const ObservedState& observed) {
  ObservedState facts;
  facts.hostname = observed.hostname;
  facts.iommuEnabled = observed.iommuEnabled;
  facts.selinuxVirtUseSysfs = observed.selinuxVirtUseSysfs;
  facts.pciDrivers = observed.pciDrivers;
  facts.files = observed.files;
  std::set<std::string> pfNames, vfs, networks;
  for (const ObservedPf& pf : observed.pfs) {
    bool named = std::any_of(spec.pfs.begin(), spec.pfs.end(),
                             [&](const schema::Pf& p) { return resolvePf(observed, p) == &pf; });
    if (!named) continue;
    facts.pfs.push_back(pf);
    if (!pf.name.empty()) pfNames.insert(pf.name);
    for (const ObservedVf& vf : pf.vfs) vfs.insert(vf.pci);
  }
  for (const ObservedNetwork& n : observed.networks) {
    bool specs = std::any_of(spec.networks.begin(), spec.networks.end(),
                             [&](const schema::Network& s) { return s.name == n.name; });
    if (!specs && !n.owned && !pools(n, pfNames, vfs)) continue;
    facts.networks.push_back(n);
    networks.insert(n.name);
  }
  for (const ObservedDomain& d : observed.domains) {
    bool specs = std::any_of(spec.guests.begin(), spec.guests.end(),
                             [&](const schema::Guest& g) { return g.name == d.name; });
    if (specs || uses(d.liveDevices, vfs, networks) || uses(d.configDevices, vfs, networks))
      facts.domains.push_back(d);
  }
  return facts;
}

std::string factsFingerprint(const ObservedState& facts) {
  return schema::sha256Hex(toStateJson(facts).dump());
}

std::vector<std::string> factDifferences(const ObservedState& then, const ObservedState& now) {
  std::vector<std::string> lines = stateDifferences(then, now);
  for (const ObservedPf& pf : now.pfs)
    if (!then.findPf(pf.pci)) lines.push_back("pf " + pf.pci + ": not there before");
  for (const ObservedDomain& d : now.domains)
    if (!then.findDomain(d.name)) lines.push_back("guest " + d.name + ": not there before");
  changedObjects(then.networks, now.networks, "network", lines);
  changedObjects(then.domains, now.domains, "guest", lines);
  if (then.hostname != now.hostname)
    lines.push_back("host: named " + now.hostname + ", was " + then.hostname);
  if (then.iommuEnabled != now.iommuEnabled ||
      then.selinuxVirtUseSysfs != now.selinuxVirtUseSysfs || then.pciDrivers != now.pciDrivers)
    lines.push_back("host: its IOMMU, SELinux or loaded drivers changed");
  if (lines.empty() && factsFingerprint(then) != factsFingerprint(now))
    lines.push_back("host: facts changed that no line above names");
  return lines;
}

}  // namespace sriov::reconcile
