// sriov-netlink-check: a test-only program (built with the tests, never installed) that drives
// the tool's own NetlinkWriter and NetlinkReader on a real kernel's PF (the e2e VM's netdevsim
// port, scenario 18-netdevsim): distinct settings on every VF, one readPf, a field-by-field
// comparison, figures.
//
// Usage: sriov-netlink-check [--seed N] [--wrong-expectation VF] PF
//   Sets on every VF of PF (IFLA_NUM_VF) a MAC, VLAN and QoS, min and max rate, spoof check,
//   trust and link state that differ from VF to VF (and with the seed), reads them all back
//   with one NetlinkReader::readPf and compares. --wrong-expectation VF expects a MAC on VF
//   that was not set: the check must then fail, naming that VF (the check's own test).
// Prints "FIGURE netlink-check ..." lines and "PASS ..." or "FAIL ...". Exit 0: every VF read
// back as set; 1: a difference (the first differing VF and field are named); 2: usage or a
// setting the kernel refused; 3: readPf failed (its error is printed, e.g. a VF list over
// netlink's 64 KiB attribute).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "reconcile/host/netlink_reader.h"
#include "reconcile/host/netlink_writer.h"
#include "schema/spec.h"
#include "schema/text_check.h"

namespace rc = sriov::reconcile;
using sriov::schema::LinkState;

namespace {

// The settings VF index gets for a seed: every field differs between neighbouring VFs, the MAC
// between all VFs (its last three bytes are the seed and the index).
rc::VfNetlink settingsFor(unsigned index, unsigned seed) {
  rc::VfNetlink vf;
  char mac[18];
  std::snprintf(mac, sizeof mac, "02:5e:%02x:%02x:%02x:%02x", (seed >> 8) & 0xff, seed & 0xff,
                (index >> 8) & 0xff, index & 0xff);
  vf.mac = mac;
  vf.vlan = 1 + (index * 7 + seed) % 4094;
  vf.qos = (index + seed) % 8;
  vf.minTxRate = 10 * (index % 50);
  vf.maxTxRate = 1000 + index + seed % 1000;  // netdevsim keeps rates in 16 bits
  vf.spoofCheck = (index + seed) % 2 == 0;
  vf.trust = (index + seed) % 3 == 0;
  static constexpr LinkState kStates[] = {LinkState::auto_, LinkState::enable, LinkState::disable};
  vf.linkState = kStates[(index / 2 + seed) % 3];
  return vf;
}

rc::VfChange changeFor(const rc::VfNetlink& vf) {
  rc::VfChange change;
  change.mac = vf.mac;
  change.vlan = vf.vlan;
  change.qos = vf.qos;
  change.minTxRate = vf.minTxRate;
  change.maxTxRate = vf.maxTxRate;
  change.spoofCheck = vf.spoofCheck;
  change.trust = vf.trust;
  change.linkState = vf.linkState;
  return change;
}

std::string flag(const std::optional<bool>& value) {
  return value ? (*value ? "on" : "off") : "unreported";
}

// The first field in which got differs from want, as "FIELD: want W, got G"; empty if none.
std::string difference(const rc::VfNetlink& want, const rc::VfNetlink& got) {
  auto text = [](const std::string& field, const std::string& w, const std::string& g) {
    return field + ": want " + w + ", got " + sriov::schema::printable(g);
  };
  if (want.mac != got.mac) return text("mac", want.mac, got.mac);
  if (want.vlan != got.vlan)
    return text("vlan", std::to_string(want.vlan), std::to_string(got.vlan));
  if (want.qos != got.qos) return text("qos", std::to_string(want.qos), std::to_string(got.qos));
  if (want.minTxRate != got.minTxRate)
    return text("min_tx_rate", std::to_string(want.minTxRate), std::to_string(got.minTxRate));
  if (want.maxTxRate != got.maxTxRate)
    return text("max_tx_rate", std::to_string(want.maxTxRate), std::to_string(got.maxTxRate));
  if (want.spoofCheck != got.spoofCheck)
    return text("spoof check", flag(want.spoofCheck), flag(got.spoofCheck));
  if (want.trust != got.trust) return text("trust", flag(want.trust), flag(got.trust));
  if (want.linkState != got.linkState)
    return text("link state", sriov::schema::toString(want.linkState),
                sriov::schema::toString(got.linkState));
  return "";
}

double secondsSince(std::chrono::steady_clock::time_point begin) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
}

std::string driverOf(const std::string& ifname) {
  std::error_code ec;
  std::filesystem::path driver =
      std::filesystem::read_symlink("/sys/class/net/" + ifname + "/device/driver", ec);
  return ec ? "" : driver.filename().string();
}

int usage(const char* message) {
  std::fprintf(stderr, "sriov-netlink-check: %s\n", message);
  std::fprintf(stderr, "usage: sriov-netlink-check [--seed N] [--wrong-expectation VF] PF\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  unsigned seed = 1;
  long wrong = -1;
  std::string pf;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "--seed" || arg == "--wrong-expectation") && i + 1 < argc) {
      char* end = nullptr;
      unsigned long value = std::strtoul(argv[++i], &end, 10);
      if (*end != '\0' || value > 65535) return usage("a number from 0 to 65535 expected");
      if (arg == "--seed")
        seed = static_cast<unsigned>(value);
      else
        wrong = static_cast<long>(value);
    } else if (pf.empty() && !arg.empty() && arg[0] != '-') {
      pf = arg;
    } else {
      return usage(("unexpected argument " + sriov::schema::printable(arg)).c_str());
    }
  }
  if (pf.empty()) return usage("no PF given");

  sriov::Result<rc::NetlinkReader> reader = rc::NetlinkReader::open();
  sriov::Result<rc::NetlinkWriter> writer = rc::NetlinkWriter::open();
  if (!reader || !writer) {
    std::printf("FAIL %s\n", (!reader ? reader.error() : writer.error()).message.c_str());
    return 2;
  }
  // The VF count from sysfs (the PF netdev's device: a PCI PF, or netdevsim's bus device,
  // which has sriov_numvfs too), not from the netlink answer under test.
  std::string numVfsPath = "/sys/class/net/" + pf + "/device/sriov_numvfs";
  std::FILE* file = std::fopen(numVfsPath.c_str(), "r");
  unsigned vfs = 0;
  if (!file || std::fscanf(file, "%u", &vfs) != 1) {
    if (file) std::fclose(file);
    std::printf("FAIL cannot read %s\n", sriov::schema::printable(numVfsPath).c_str());
    return 2;
  }
  std::fclose(file);
  if (wrong >= static_cast<long>(vfs)) return usage("--wrong-expectation names no VF of the PF");

  std::vector<rc::VfNetlink> want;
  for (unsigned index = 0; index < vfs; ++index) want.push_back(settingsFor(index, seed));

  std::string driver = driverOf(pf);
  std::chrono::steady_clock::time_point begin = std::chrono::steady_clock::now();
  for (unsigned index = 0; index < vfs; ++index) {
    sriov::Result<void> set = writer->setVf(pf, driver, index, changeFor(want[index]));
    if (!set) {
      std::printf("FAIL %s\n", set.error().message.c_str());
      return 2;
    }
  }
  double setSeconds = secondsSince(begin);
  std::printf("FIGURE netlink-check pf=%s vfs=%u set-seconds=%.3f set-ms-per-vf=%.3f\n", pf.c_str(),
              vfs, setSeconds, vfs ? 1000 * setSeconds / vfs : 0.0);

  // What was set on a few VFs, for the scenario to compare with the kernel's own view (ip -j).
  for (unsigned index : {0u, 1u, vfs / 2, vfs - 1}) {
    if (index >= vfs) continue;
    const rc::VfNetlink& vf = want[index];
    std::printf(
        "SET vf=%u mac=%s vlan=%u qos=%u min_tx=%u max_tx=%u spoofchk=%s trust=%s "
        "link_state=%s\n",
        index, vf.mac.c_str(), vf.vlan, vf.qos, vf.minTxRate, vf.maxTxRate,
        *vf.spoofCheck ? "true" : "false", *vf.trust ? "true" : "false",
        sriov::schema::toString(vf.linkState));
  }
  if (wrong >= 0) want[static_cast<unsigned>(wrong)].mac = "02:5e:ff:ff:ff:ff";

  begin = std::chrono::steady_clock::now();
  sriov::Result<rc::PfNetlink> answer = reader->readPf(pf);
  double readSeconds = secondsSince(begin);
  if (!answer) {
    std::printf("FIGURE netlink-check pf=%s vfs=%u read-seconds=%.3f read=refused\n", pf.c_str(),
                vfs, readSeconds);
    std::printf("FAIL read: %s\n", answer.error().message.c_str());
    return 3;
  }
  std::printf("FIGURE netlink-check pf=%s vfs=%u read-seconds=%.3f answer-bytes=%zu\n", pf.c_str(),
              vfs, readSeconds, answer->answerBytes);
  if (answer->vfs.size() != vfs) {
    std::printf("FAIL read %zu VFs of %s, sriov_numvfs says %u\n", answer->vfs.size(), pf.c_str(),
                vfs);
    return 1;
  }
  for (unsigned index = 0; index < vfs; ++index) {
    auto got = answer->vfs.find(index);
    std::string diff =
        got == answer->vfs.end() ? "missing from the answer" : difference(want[index], got->second);
    if (!diff.empty()) {
      std::printf("FAIL VF %u of %s (the first that differs): %s\n", index, pf.c_str(),
                  diff.c_str());
      return 1;
    }
  }
  std::printf("PASS %u VFs of %s set (%.3f s) and read back in one request (%.3f s, %zu bytes)\n",
              vfs, pf.c_str(), setSeconds, readSeconds, answer->answerBytes);
  return 0;
}
