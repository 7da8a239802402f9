// How timeouts are named in messages: "30 s", "0.5 s".
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace sriov::reconcile {

inline std::string secondsText(std::chrono::milliseconds duration) {
  if (duration.count() % 1000 == 0) return std::to_string(duration.count() / 1000) + " s";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(duration.count()) / 1000.0);
  return buf;
}

}  // namespace sriov::reconcile
