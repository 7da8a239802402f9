// Waits for a PF's VFs to appear (driver bound, netdev renamed) or to go after a change of
// sriov_numvfs, woken by udev events on a real host and polling a test tree.
#include "reconcile/host/vf_settle.h"

#include <libudev.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <thread>
#include <utility>

#include "reconcile/host/duration_text.h"
#include "reconcile/host/sysfs_files.h"

namespace sriov::reconcile {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kPollInterval{50};
constexpr milliseconds kRecheckInterval{1000};
constexpr milliseconds kProgressInterval{1000};
constexpr size_t kMissingShown = 4;

// Drivers that take a VF for passthrough and give it no netdev.
bool isPassthroughDriver(const std::string& driver) {
  return driver.rfind("vfio", 0) == 0 || driver == "pci-stub" || driver.rfind("uio", 0) == 0 ||
         driver == "igb_uio";
}

std::string joinMissing(const std::vector<std::string>& missing, const std::string& separator) {
  std::string text;
  for (size_t i = 0; i < missing.size() && i < kMissingShown; ++i)
    text += (i == 0 ? "" : separator) + missing[i];
  if (missing.size() > kMissingShown)
    text += "; and " + std::to_string(missing.size() - kMissingShown) + " more";
  return text;
}

}  // namespace

SettleMode settleModeFor(const std::string& sysfsRoot) {
  bool realSys = sysfsRoot == "/sys" || sysfsRoot == "/sys/";
  return realSys && ::access("/run/udev/control", F_OK) == 0 ? SettleMode::udev : SettleMode::poll;
}

void VfSettler::UdevDeleter::operator()(udev* u) const {
  udev_unref(u);
}
void VfSettler::MonitorDeleter::operator()(udev_monitor* m) const {
  udev_monitor_unref(m);
}

VfSettler::VfSettler(std::string sysfsRoot, std::string pfPci, std::string pfLabel)
    : root_(std::move(sysfsRoot)), pfPci_(std::move(pfPci)), pfLabel_(std::move(pfLabel)) {}

Result<VfSettler> VfSettler::start(std::string sysfsRoot, std::string pfPci, std::string pfLabel,
                                   SettleMode mode) {
  VfSettler settler(std::move(sysfsRoot), std::move(pfPci), std::move(pfLabel));
  if (mode == SettleMode::poll) return settler;
  auto fail = [](const char* step, int err) {
    return Error{std::string("cannot listen to udev events (") + step + "): " + std::strerror(err),
                 err};
  };
  settler.udev_.reset(udev_new());
  if (!settler.udev_) return fail("udev_new", errno ? errno : ENOMEM);
  settler.monitor_.reset(udev_monitor_new_from_netlink(settler.udev_.get(), "udev"));
  if (!settler.monitor_) return fail("udev_monitor_new_from_netlink", errno ? errno : ENOMEM);
  for (const char* subsystem : {"pci", "net"}) {
    int err =
        udev_monitor_filter_add_match_subsystem_devtype(settler.monitor_.get(), subsystem, nullptr);
    if (err < 0) return fail("udev_monitor_filter_add_match_subsystem_devtype", -err);
  }
  int err = udev_monitor_enable_receiving(settler.monitor_.get());
  if (err < 0) return fail("udev_monitor_enable_receiving", -err);
  return settler;
}

Result<bool> VfSettler::udevInitialized(const std::string& path) const {
  char real[PATH_MAX];
  if (!::realpath(path.c_str(), real)) return false;  // gone again: not ready
  udev_device* device = udev_device_new_from_syspath(udev_.get(), real);
  if (!device) return false;
  bool initialized = udev_device_get_is_initialized(device) > 0;
  udev_device_unref(device);
  return initialized;
}

Result<VfSettler::Expect> VfSettler::expectationsOf(const std::string& pfDir) {
  Result<std::string> pfNetdev = sysfs::netdevOf(pfDir);
  if (!pfNetdev) return pfNetdev.error();
  Expect expect;
  expect.netdev = !pfNetdev->empty();
  Result<std::optional<std::string>> autoprobe =
      sysfs::readFile(pfDir + "/sriov_drivers_autoprobe", sysfs::Missing::isAbsent);
  if (!autoprobe) return autoprobe.error();
  expect.driver = expect.netdev && (!*autoprobe || sysfs::trim(**autoprobe) != "0");
  return expect;
}

Result<std::optional<std::string>> VfSettler::missingOf(const std::string& pfDir, unsigned index,
                                                        Expect expect) const {
  using Why = std::optional<std::string>;
  std::string name = "virtfn" + std::to_string(index);
  std::string link = pfDir + "/" + name;
  Result<std::optional<std::string>> vfPci = sysfs::readLinkBasename(link);
  if (!vfPci) return vfPci.error();
  std::string vf = "VF " + std::to_string(index);
  if (!*vfPci) return Why(vf + " has no " + name + " link yet");
  vf += " (" + **vfPci + ")";
  if (udev_) {
    Result<bool> initialized = udevInitialized(link);
    if (!initialized) return initialized.error();
    if (!*initialized) return Why(vf + " is not yet processed by udev");
  }
  Result<std::string> driver = sysfs::driverOf(link);
  if (!driver) return driver.error();
  if (driver->empty()) {
    if (expect.driver) return Why(vf + " has no driver bound");
    return Why();
  }
  if (isPassthroughDriver(*driver)) return Why();
  if (!expect.netdev) return Why();
  Result<std::optional<std::vector<std::string>>> netdevs =
      sysfs::listDir(link + "/net", sysfs::Missing::isAbsent);
  if (!netdevs) return netdevs.error();
  if (!*netdevs || (*netdevs)->empty())
    return Why(vf + " has no netdev yet (driver " + *driver + ")");
  for (const std::string& netdev : **netdevs) {
    if (!udev_) break;
    Result<bool> initialized = udevInitialized(link + "/net/" + netdev);
    if (!initialized) return initialized.error();
    if (!*initialized) return Why(vf + " has netdev " + netdev + " not yet renamed by udev");
  }
  return Why();
}

Result<VfProgress> VfSettler::check(unsigned count) const {
  std::string pfDir = root_ + "/bus/pci/devices/" + pfPci_;
  if (!sysfs::exists(pfDir)) return sysfs::readError(pfDir, ENOENT);
  VfProgress progress;
  progress.wanted = count;
  if (count == 0) {
    Result<std::optional<std::vector<std::string>>> names =
        sysfs::listDir(pfDir, sysfs::Missing::isError);
    if (!names) return names.error();
    for (const std::string& name : **names)
      if (sysfs::virtfnIndex(name)) progress.missing.push_back(name);
    return progress;
  }

  Result<Expect> expect = expectationsOf(pfDir);
  if (!expect) return expect.error();
  for (unsigned index = 0; index < count; ++index) {
    Result<std::optional<std::string>> missing = missingOf(pfDir, index, *expect);
    if (!missing) return missing.error();
    if (*missing)
      progress.missing.push_back(std::move(**missing));
    else
      ++progress.ready;
  }
  return progress;
}

void VfSettler::pause(milliseconds limit) {
  if (!monitor_) {
    std::this_thread::sleep_for(std::min(limit, kPollInterval));
    return;
  }
  pollfd fd{udev_monitor_get_fd(monitor_.get()), POLLIN, 0};
  int timeout = static_cast<int>(std::min(limit, kRecheckInterval).count());
  if (::poll(&fd, 1, timeout) <= 0) return;
  // Drain: each event only means "look again".
  while (udev_device* device = udev_monitor_receive_device(monitor_.get()))
    udev_device_unref(device);
}

Result<void> VfSettler::wait(unsigned count, milliseconds timeout,
                             const ProgressCallback& progress) {
  Clock::time_point start = Clock::now();
  Clock::time_point deadline = start + timeout;
  Clock::time_point lastProgress = start;
  for (;;) {
    Result<VfProgress> state = check(count);
    if (!state) return state.error();
    if (state->done()) return {};
    Clock::time_point now = Clock::now();
    if (now >= deadline) {
      if (count == 0)
        return Error{"VFs of " + pfLabel_ + " not removed within " + secondsText(timeout) + ": " +
                         joinMissing(state->missing, ", ") + " still exist" +
                         (state->missing.size() == 1 ? "s" : ""),
                     ETIMEDOUT};
      return Error{"VFs of " + pfLabel_ + " not ready within " + secondsText(timeout) + " (" +
                       std::to_string(state->ready) + "/" + std::to_string(count) +
                       " ready): " + joinMissing(state->missing, "; "),
                   ETIMEDOUT};
    }
    if (progress && now - lastProgress >= kProgressInterval) {
      progress(count == 0 ? "waiting for VFs of " + pfLabel_ +
                                " to be removed: " + std::to_string(state->missing.size()) + " left"
                          : "waiting for VFs of " + pfLabel_ + ": " + std::to_string(state->ready) +
                                "/" + std::to_string(count) + " ready");
      lastProgress = now;
    }
    pause(std::chrono::duration_cast<milliseconds>(deadline - now));
  }
}

Result<HostDriverWait> VfSettler::waitForHostDriver(const std::string& vfPci, milliseconds timeout,
                                                    const ProgressCallback& progress) {
  std::string pfDir = root_ + "/bus/pci/devices/" + pfPci_;
  Clock::time_point start = Clock::now();
  Clock::time_point deadline = start + timeout;
  Clock::time_point lastProgress = start;
  for (;;) {
    if (!sysfs::exists(pfDir)) return sysfs::readError(pfDir, ENOENT);
    Result<Expect> expect = expectationsOf(pfDir);
    if (!expect) return expect.error();
    Result<std::optional<std::vector<std::string>>> names =
        sysfs::listDir(pfDir, sysfs::Missing::isError);
    if (!names) return names.error();
    std::optional<unsigned> index;
    for (const std::string& name : **names) {
      std::optional<unsigned> n = sysfs::virtfnIndex(name);
      if (!n) continue;
      Result<std::optional<std::string>> target = sysfs::readLinkBasename(pfDir + "/" + name);
      if (!target) return target.error();
      if (*target == vfPci) index = n;
    }
    if (!index) return HostDriverWait::back;  // the VF is gone: nothing to give back
    Result<std::string> driver = sysfs::driverOf(pfDir + "/virtfn" + std::to_string(*index));
    if (!driver) return driver.error();
    if (isPassthroughDriver(*driver)) return HostDriverWait::leftOnStub;
    Result<std::optional<std::string>> missing = missingOf(pfDir, *index, *expect);
    if (!missing) return missing.error();
    if (!*missing) return HostDriverWait::back;
    Clock::time_point now = Clock::now();
    if (now >= deadline) return HostDriverWait::timedOut;
    if (progress && now - lastProgress >= kProgressInterval) {
      progress("waiting for " + vfPci + " on its host driver: " + **missing);
      lastProgress = now;
    }
    pause(std::chrono::duration_cast<milliseconds>(deadline - now));
  }
}

}  // namespace sriov::reconcile
