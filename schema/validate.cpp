// Cross-reference validation of a built Spec.
#include "schema/validate.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include "schema/names.h"
#include "schema/pci_address.h"

namespace sriov::schema {
namespace {

std::string at(Position pos) {
  return std::to_string(pos.line) + ":" + std::to_string(pos.col);
}

std::string vfRange(unsigned first, unsigned last) {
  return first == last ? "VF " + std::to_string(first)
                       : "VFs " + std::to_string(first) + "-" + std::to_string(last);
}

class Validator {
 public:
  Validator(const Spec& spec, Diagnostics& d) : spec_(spec), d_(d) {}

  void run() {
    pfs();
    networks();
    guests();
  }

 private:
  // A VF, identified by the index of its PF in spec.pfs and its VF index.
  using VfKey = std::pair<size_t, unsigned>;
  struct Use {
    Position pos;
    std::string by;  // "guest 'web1'", "network 'pool'"
  };

  void pfs() {
    std::map<std::string, Position> names, pcis;
    for (const Pf& pf : spec_.pfs) {
      if (pf.name) {
        auto [it, fresh] = names.emplace(*pf.name, pf.pos);
        if (!fresh)
          d_.error(pf.pos,
                   "PF " + *pf.name + " is declared twice (first at " + at(it->second) + ")");
      }
      if (pf.pci) {
        auto [it, fresh] = pcis.emplace(*pf.pci, pf.pos);
        if (!fresh)
          d_.error(pf.pos,
                   "PF " + *pf.pci + " is declared twice (first at " + at(it->second) + ")");
      }
      if (pf.numVfs > kManyVfs) {
        d_.warning(pf.pos, "numVfs " + std::to_string(pf.numVfs) + " of " + pf.label() +
                               " is above " + std::to_string(kManyVfs) +
                               "; few devices support that many VFs (sriov_totalvfs decides)");
      }
      vfEntries(pf);
    }
  }

  void vfEntries(const Pf& pf) {
    std::map<unsigned, Position> configured;  // VF index -> entry that configures it
    for (const VfEntry& e : pf.vfs) {
      if (pf.numVfsKnown && e.last >= pf.numVfs) {
        d_.error(e.pos, vfRange(e.first, e.last) + " of " + pf.label() + " " +
                            (e.first == e.last ? "does" : "do") + " not exist: " + noVfsText(pf));
        continue;
      }
      for (unsigned i = e.first; i <= e.last; ++i) {
        auto [it, fresh] = configured.emplace(i, e.pos);
        if (!fresh) {
          d_.error(e.pos, "VF " + std::to_string(i) + " of " + pf.label() +
                              " is already configured by the entry at " + at(it->second));
          break;
        }
      }
      const VfSettings& s = e.settings;
      if (s.mac || s.vlan) {
        size_t pfIndex = static_cast<size_t>(&pf - spec_.pfs.data());
        for (unsigned i = e.first; i <= e.last && i < pf.numVfs; ++i)
          hostAddressed_.emplace(VfKey{pfIndex, i}, e.pos);
      }
      if (s.qos && *s.qos != 0 && s.vlan.value_or(0) == 0)
        d_.error(e.pos, "qos needs a vlan: the priority is carried in the VLAN tag");
      if (s.minTxRate && s.maxTxRate && *s.maxTxRate != 0 && *s.minTxRate > *s.maxTxRate) {
        d_.error(e.pos, "minTxRate " + std::to_string(*s.minTxRate) + " is above maxTxRate " +
                            std::to_string(*s.maxTxRate));
      }
      if (s.mac) {
        if (e.first != e.last) {
          d_.error(e.pos, "one MAC for " + vfRange(e.first, e.last) +
                              " would give them all the same address; set it per index");
        } else {
          mac(*s.mac, e.pos);
        }
      }
    }
  }

  static std::string noVfsText(const Pf& pf) {
    if (pf.numVfs == 0) return pf.label() + " has numVfs 0";
    return pf.label() + " has numVfs " + std::to_string(pf.numVfs) + " (VFs 0-" +
           std::to_string(pf.numVfs - 1) + ")";
  }

  // The index in spec.pfs of the PF ref names, or nullopt after reporting it.
  std::optional<size_t> resolvePf(const std::string& ref, Position pos) {
    const Pf* pf = spec_.findPf(ref);
    if (!pf && !normalisePci(ref) && ifnameProblem(ref)) return std::nullopt;  // reported already
    if (!pf) {
      d_.error(pos, "PF " + ref + " is not declared under pfs; declare it there (name or pci)");
      return std::nullopt;
    }
    return static_cast<size_t>(pf - spec_.pfs.data());
  }

  std::optional<VfKey> resolveVf(const VfRef& ref) {
    if (ref.pf.empty()) return std::nullopt;  // reported by the shape check
    std::optional<size_t> pfIndex = resolvePf(ref.pf, ref.pos);
    if (!pfIndex) return std::nullopt;
    const Pf& pf = spec_.pfs[*pfIndex];
    if (pf.numVfsKnown && ref.index >= pf.numVfs) {
      d_.error(ref.pos, "VF " + std::to_string(ref.index) + " of " + ref.pf +
                            " does not exist: " + noVfsText(pf));
      return std::nullopt;
    }
    return VfKey{*pfIndex, ref.index};
  }

  std::string vfName(VfKey key) const {
    return spec_.pfs[key.first].label() + "/" + std::to_string(key.second);
  }

  // Records that `by` uses the VF; reports a second user.
  void use(VfKey key, Position pos, const std::string& by) {
    auto [it, fresh] = users_.emplace(key, Use{pos, by});
    if (!fresh) {
      d_.error(pos, "VF " + vfName(key) + " is already used by " + it->second.by + " at " +
                        at(it->second.pos) + "; a VF has one user");
    }
  }

  void mac(const std::string& address, Position pos) {
    auto [it, fresh] = macs_.emplace(address, pos);
    if (!fresh) d_.error(pos, "MAC " + address + " is already used at " + at(it->second));
  }

  void networks() {
    std::map<std::string, Position> names;
    for (const Network& n : spec_.networks) {
      if (n.vlanTrunk) vlanTrunk(*n.vlanTrunk, n.pos, "network '" + n.name + "'");
      if (!n.name.empty()) {
        auto [it, fresh] = names.emplace(n.name, n.pos);
        if (!fresh)
          d_.error(n.pos,
                   "network '" + n.name + "' is declared twice (first at " + at(it->second) + ")");
      }
      // libvirt sets the mac and vlan of the VF it hands a guest from the pool.
      auto pooledMac = [&](const VfKey& key, Position pos) {
        auto host = hostAddressed_.find(key);
        if (host == hostAddressed_.end()) return;
        d_.error(host->second, "VF " + vfName(key) + " gets a mac or vlan here, but network '" +
                                   n.name + "' (" + at(pos) +
                                   ") hands it out and libvirt sets the VF's mac and vlan from "
                                   "the guest's interface; remove the setting or the VF from "
                                   "the pool");
      };
      if (n.pf) {
        if (std::optional<size_t> pf = resolvePf(*n.pf, n.pos)) {
          pooled_.emplace(*pf, n.name);
          for (const auto& [key, pos] : hostAddressed_)
            if (key.first == *pf) pooledMac(key, n.pos);
        }
      }
      for (const VfRef& ref : n.vfs)
        if (std::optional<VfKey> key = resolveVf(ref)) {
          auto [it, fresh] = pooledVfs_.emplace(*key, Use{ref.pos, n.name});
          if (fresh) {
            std::optional<std::string> pf = pfPoolOf(key->first);
            if (pf && *pf != n.name) alsoPooled(*key, ref.pos, *pf);
          } else if (it->second.by == n.name) {
            d_.error(ref.pos, "VF " + vfName(*key) + " is listed twice in network '" + n.name +
                                  "' (first at " + at(it->second.pos) +
                                  "), which libvirt refuses; list it once");
          } else {
            alsoPooled(*key, ref.pos, it->second.by);
          }
          pooledMac(*key, ref.pos);
        }
    }
  }

  void guests() {
    std::map<std::string, Position> names;
    std::map<std::string, Use> wholeDevices;
    for (const Guest& g : spec_.guests) {
      if (!g.name.empty()) {
        auto [it, fresh] = names.emplace(g.name, g.pos);
        if (!fresh)
          d_.error(g.pos,
                   "guest '" + g.name + "' is declared twice (first at " + at(it->second) + ")");
      }
      std::string by = "guest '" + g.name + "'";
      for (const Interface& i : g.interfaces) {
        if (i.kind == Interface::Kind::vf && !i.vf.pf.empty()) {
          std::optional<VfKey> key = directVf(i.vf, by);
          auto host = key ? hostAddressed_.find(*key) : hostAddressed_.end();
          if (host != hostAddressed_.end()) {
            d_.error(i.vf.pos, "VF " + vfName(*key) + " gets a mac or vlan under pfs (" +
                                   at(host->second) + "), but " + by +
                                   " uses it as an interface and libvirt sets the VF's mac and "
                                   "vlan from the interface; set them there instead");
          }
        }
        if (i.kind == Interface::Kind::network && !i.network.empty()) {
          const Network* net = spec_.findNetwork(i.network);
          if (!net) {
            d_.error(i.pos, "network '" + i.network + "' is not declared under networks");
          } else if (!net->active) {
            d_.warning(i.pos, by + " uses network '" + i.network +
                                  "', which the spec keeps inactive; the guest cannot start");
          }
        }
        if (i.vlan && i.virtualport)
          d_.error(i.pos, "vlan and virtualport cannot be combined on one interface; use one");
        if (i.virtualport) virtualport(*i.virtualport, i.pos);
        if (i.vlanTrunk) vlanTrunk(*i.vlanTrunk, i.pos, by);
        if (i.mac) mac(*i.mac, i.pos);
      }
      for (const Hostdev& h : g.hostdevs) {
        if (h.vf) directVf(*h.vf, by);
        if (h.pci) {
          auto [it, fresh] = wholeDevices.emplace(*h.pci, Use{h.pos, by});
          if (!fresh) {
            d_.error(h.pos, "PCI device " + *h.pci + " is already given to " + it->second.by +
                                " at " + at(it->second.pos));
          }
        }
      }
      size_t devices = g.interfaces.size() + g.hostdevs.size();
      if (devices > kMaxAssignedDevices) {
        d_.warning(g.pos, by + " is given " + std::to_string(devices) +
                              " devices; RHEL supports at most " +
                              std::to_string(kMaxAssignedDevices) + " assigned devices per guest");
      }
    }
  }

  std::optional<VfKey> directVf(const VfRef& ref, const std::string& by) {
    std::optional<VfKey> key = resolveVf(ref);
    if (!key) return key;
    use(*key, ref.pos, by);
    if (std::optional<std::string> pf = pfPoolOf(key->first)) alsoPooled(*key, ref.pos, *pf);
    if (auto pool = pooledVfs_.find(*key); pool != pooledVfs_.end())
      alsoPooled(*key, ref.pos, pool->second.by);
    return key;
  }

  // libvirt lets a pool hold a VF that a guest holds directly or another pool holds too, and
  // hands it out regardless (the plan refuses that while guests use the pool: pool_capacity):
  // a warning, for <pf dev> pools and VF lists alike.
  void alsoPooled(const VfKey& key, Position pos, const std::string& network) {
    d_.warning(pos, "VF " + vfName(key) + " is also in the pool of network '" + network +
                        "', which may hand it to another guest first");
  }

  // The network pooling every VF of PF pf (<pf dev>); nullopt when none does.
  std::optional<std::string> pfPoolOf(size_t pf) const {
    auto pool = pooled_.find(pf);
    if (pool == pooled_.end()) return std::nullopt;
    return pool->second;
  }

  // virNetDevVlanParse's rules, and the warning for what libvirt defines but never starts on a VF
  // (virNetDevSetNetConfig): a spec may describe such a host, apply cannot make it work.
  void vlanTrunk(const VlanTrunk& v, Position pos, const std::string& who) {
    if (v.tags.empty()) {
      d_.error(pos, "vlan of " + who + " has no tags; write vlan: 42 or tags: [42, 43]");
      return;
    }
    if (v.tags.size() > 1 && !v.trunk)
      d_.error(pos, "vlan of " + who +
                        " has several tags and trunk: false, which libvirt refuses (trunk='yes' "
                        "is required for more than one vlan tag); remove trunk: false");
    if (v.native.has_value() != !v.nativeMode.empty())
      d_.error(pos, "vlan of " + who + " needs native and nativeMode together");
    if (v.native && std::find(v.tags.begin(), v.tags.end(), *v.native) == v.tags.end())
      d_.error(pos, "vlan of " + who + ": native " + std::to_string(*v.native) +
                        " is not one of its tags");
    if (sriovRefuses(v))
      d_.warning(pos, "vlan of " + who + " is a trunk (" + vlanTrunkText(v) +
                          "); libvirt refuses it on an SR-IOV VF when the guest starts (\"" +
                          kSriovTrunkMessage + "\"); use one tag");
  }

  void virtualport(const Virtualport& v, Position pos) {
    bool qbg = v.managerid || v.typeid_ || v.typeidversion || v.instanceid;
    if (v.type == "802.1Qbh") {
      if (!v.profileid) d_.error(pos, "a 802.1Qbh virtualport needs 'profileid'");
      if (qbg) {
        d_.error(pos,
                 "managerid, typeid, typeidversion and instanceid belong to 802.1Qbg, "
                 "not 802.1Qbh");
      }
    } else if (v.type == "802.1Qbg") {
      if (!v.managerid || !v.typeid_ || !v.typeidversion)
        d_.error(pos, "a 802.1Qbg virtualport needs 'managerid', 'typeid' and 'typeidversion'");
      if (v.profileid) d_.error(pos, "profileid belongs to 802.1Qbh, not 802.1Qbg");
    }
  }

  const Spec& spec_;
  Diagnostics& d_;
  std::map<VfKey, Use> users_;
  std::map<std::string, Position> macs_;
  std::map<size_t, std::string> pooled_;
  std::map<VfKey, Use> pooledVfs_;           // VFs of explicit pools: where, and which network (by)
  std::map<VfKey, Position> hostAddressed_;  // VFs with a mac or vlan set under pfs  // PF index ->
                                             // name of a network pooling all its VFs
};

}  // namespace

void validateReferences(const Spec& spec, Diagnostics& diagnostics) {
  Validator(spec, diagnostics).run();
}

}  // namespace sriov::schema
