// The corpus test (issue 13): every SR-IOV domain and network XML of libvirt 9.0's own tests
// (tests/corpus/libvirt, a curated copy) is adopted faithfully: the state loads, every device is
// found, as-spec validates, its plan has no changes, and one field changed is one action.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tests/unit/corpus_check.h"

namespace fs = std::filesystem;
using sriov::testing::CorpusOutcome;

TEST_CASE("corpus: libvirt's own SR-IOV XML round-trips through show --as-spec and plan") {
  std::vector<std::string> files;
  for (const char* sub : {"domains", "networks"})
    for (const fs::directory_entry& e :
         fs::directory_iterator(fs::path(SRIOV_SOURCE_DIR) / "tests/corpus/libvirt" / sub))
      if (e.path().extension() == ".xml") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 70);
  std::map<std::string, std::pair<int, int>> table;  // kind -> files, passing
  for (const std::string& path : files) {
    CorpusOutcome o = sriov::testing::checkCorpusFile(path);
    CAPTURE(o.file);
    CAPTURE(o.problem);
    CHECK(o.loaded);
    CHECK(o.found == o.devices);
    CHECK(o.valid);
    CHECK(o.spurious == 0);
    CHECK((o.oneChange == 1 || o.oneChange == -1));  // -1: no VF to change a field of
    table[o.kind].first++;
    table[o.kind].second += o.ok();
  }
  std::string text = "class        files  pass\n";
  for (const auto& [kind, counts] : table)
    text += kind + std::string(13 - kind.size(), ' ') + std::to_string(counts.first) + "     " +
            std::to_string(counts.second) + "\n";
  MESSAGE(text);
}
