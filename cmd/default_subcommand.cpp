// The default subcommand and subcommand typos, read off argv before CLI11 parses it.
#include "cmd/default_subcommand.h"

#include <unistd.h>

#include <algorithm>

namespace sriov::cmd {

const std::vector<std::string> kSubcommands = {"apply",  "plan",   "show", "validate",
                                               "doctor", "schema", "help", "version"};

namespace {

// Edit distance (insert, delete, substitute, swap of neighbours): how far a typo is from a name.
size_t distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min(
          {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

// Flags that take no value: the word after one is not its value.
constexpr const char* kFlags[] = {
    "--force",   "--dry-run", "--no-color", "--detailed-exitcode", "--no-rollback", "--strict",
    "--as-spec", "--yes",     "-y",         "--auto-approve"};

// `sriov-apply paln x.yaml` or `sriov-apply --force plna x.yaml`: the first word from args[from]
// that is no option's value, when it is close to a subcommand and names no file.
void refuseTypo(const std::vector<std::string>& args, size_t from) {
  for (size_t j = from; j < args.size(); ++j) {
    const std::string& w = args[j];
    if (w.empty() || w[0] == '-') continue;
    const std::string& before = args[j - 1];
    bool afterValue = j > from && before[0] == '-' && before.find('=') == std::string::npos &&
                      std::find(std::begin(kFlags), std::end(kFlags), before) == std::end(kFlags);
    if (afterValue) continue;
    std::optional<std::string> meant = closestSubcommand(w);
    if (meant && w.find_first_of("./") == std::string::npos && ::access(w.c_str(), F_OK) != 0)
      throw UsageError{"unknown subcommand '" + w + "'; did you mean '" + *meant + "'?"};
    return;
  }
}

}  // namespace

std::optional<std::string> closestSubcommand(const std::string& word) {
  std::optional<std::string> best;
  size_t bestDistance = 3;
  for (const std::string& sub : kSubcommands) {
    size_t d = distance(word, sub);
    if (d < bestDistance && d < sub.size()) {
      best = sub;
      bestDistance = d;
    }
  }
  return best;
}

std::vector<std::string> withDefaultSubcommand(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--log-level") {
      ++i;
      continue;
    }
    if (a.rfind("--log-level=", 0) == 0 || a == "-v" || a == "--verbose") continue;
    if (a == "-h" || a == "--help" || a == "--version") return args;
    if (std::find(kSubcommands.begin(), kSubcommands.end(), a) != kSubcommands.end()) return args;
    refuseTypo(args, i);
    args.insert(args.begin() + static_cast<std::ptrdiff_t>(i), "apply");
    return args;
  }
  return args;
}

bool jsonRequested(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if ((a == "--output" || a == "-o") && i + 1 < argc && std::string(argv[i + 1]) == "json")
      return true;
    if (a == "--output=json" || a == "-ojson") return true;
  }
  return false;
}

}  // namespace sriov::cmd
