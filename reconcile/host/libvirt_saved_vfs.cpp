// libvirt's saved VF settings (libvirt_saved_vfs.h): the files, bounded and never through links.
#include "reconcile/host/libvirt_saved_vfs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>

#include "reconcile/host/atomic_file.h"
#include "schema/mac_address.h"

namespace sriov::reconcile {

namespace {

std::optional<unsigned> vlanTag(int64_t value) {
  if (value < 0 || value > 4095) return std::nullopt;
  return static_cast<unsigned>(value);
}

// A text key of the JSON object, normalised as a MAC; empty when absent or not a MAC.
std::string macAt(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return "";
  return schema::normaliseMac(it->get_ref<const std::string&>()).value_or("");
}

std::optional<LibvirtSavedVf> parseJson(std::string_view text) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  LibvirtSavedVf saved;
  saved.adminMac = macAt(json, "adminMac");
  saved.mac = macAt(json, "mac");
  auto tag = json.find("vlanTag");
  if (tag != json.end() && tag->is_number_integer()) saved.vlanTag = vlanTag(tag->get<int64_t>());
  // libvirt refuses a file with neither MAC (virNetDevReadNetConfig).
  if (saved.adminMac.empty() && saved.mac.empty()) return std::nullopt;
  return saved;
}

// libvirt before 3.x: "MAC\n", or "ADMINMAC\nVLAN\n".
std::optional<LibvirtSavedVf> parseLines(std::string_view text) {
  size_t end = text.find('\n');
  std::string_view first = text.substr(0, end);
  std::optional<std::string> mac = schema::normaliseMac(first);
  if (!mac) return std::nullopt;
  LibvirtSavedVf saved;
  if (end == std::string_view::npos || end + 1 == text.size()) {
    saved.mac = *mac;
    return saved;
  }
  std::string_view rest = text.substr(end + 1);
  if (!rest.empty() && rest.back() == '\n') rest.remove_suffix(1);
  int64_t value = -1;
  auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
  if (ec != std::errc() || ptr != rest.data() + rest.size()) return std::nullopt;
  saved.adminMac = *mac;
  saved.vlanTag = vlanTag(value);
  return saved;
}

// The file name in the folder dirFd, at most kMaxLibvirtSavedBytes + 1 of it; nullopt when it
// cannot be opened without following a link, is not a regular file, or is longer.
std::optional<std::string> readBounded(int dirFd, const std::string& name) {
  int fd = ::openat(dirFd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return std::nullopt;
  }
  return readAtMost(fd, kMaxLibvirtSavedBytes);
}

}  // namespace

std::optional<LibvirtSavedVf> parseLibvirtSaved(std::string_view text) {
  if (text.empty()) return std::nullopt;
  // As libvirt tells them apart: the old form starts with a hex digit.
  if (std::isxdigit(static_cast<unsigned char>(text.front()))) return parseLines(text);
  return parseJson(text);
}

size_t readLibvirtSavedVfs(const std::string& dir, ObservedState& state) {
  int dirFd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dirFd < 0) return 0;
  size_t found = 0;
  for (ObservedPf& pf : state.pfs) {
    if (pf.name.empty()) continue;
    for (ObservedVf& vf : pf.vfs) {
      std::optional<std::string> text =
          readBounded(dirFd, pf.name + "_vf" + std::to_string(vf.index));
      if (!text) continue;
      vf.libvirtSaved = parseLibvirtSaved(*text);
      if (vf.libvirtSaved) ++found;
    }
  }
  ::close(dirFd);
  return found;
}

}  // namespace sriov::reconcile
