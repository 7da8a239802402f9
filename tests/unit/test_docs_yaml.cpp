// Every ```yaml block of README.md and docs/*.md is a valid spec (no error, no warning), unless
// the line before it is an HTML comment starting with "<!-- not a spec" (a fragment or a
// counter-example, said so where it stands).
#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "schema/loader.h"
#include "tests/unit/test_helpers.h"

namespace {

namespace fs = std::filesystem;

struct Block {
  std::string where;  // FILE:LINE of the opening fence
  std::string text;
};

std::vector<Block> yamlBlocks(const fs::path& file, size_t& skipped) {
  std::vector<Block> blocks;
  std::istringstream in(sriov::test::readText(file.string()));
  std::string line, previous;
  size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.rfind("```yaml", 0) != 0) {
      if (!line.empty()) previous = line;
      continue;
    }
    bool counterExample = previous.rfind("<!-- not a spec", 0) == 0;
    Block b{file.filename().string() + ":" + std::to_string(number), ""};
    while (std::getline(in, line) && line.rfind("```", 0) != 0) {
      ++number;
      b.text += line + "\n";
    }
    ++number;
    previous.clear();
    if (counterExample)
      ++skipped;
    else
      blocks.push_back(b);
  }
  return blocks;
}

}  // namespace

TEST_CASE("every yaml block of README.md and docs/*.md is a valid spec") {
  fs::path root(SRIOV_SOURCE_DIR);
  std::vector<fs::path> files{root / "README.md"};
  for (const fs::directory_entry& e : fs::directory_iterator(root / "docs"))
    if (e.path().extension() == ".md") files.push_back(e.path());
  size_t checked = 0, skipped = 0;
  for (const fs::path& f : files) {
    for (const Block& b : yamlBlocks(f, skipped)) {
      sriov::schema::LoadResult loaded = sriov::schema::loadSpec(b.text, b.where);
      std::string problems;
      for (const sriov::schema::Diagnostic& d : loaded.diagnostics.sorted())
        problems += sriov::schema::format(d) + "\n";
      INFO(b.where << " (a comment line `<!-- not a spec: why -->` before the fence skips it)");
      CHECK(problems == "");
      ++checked;
    }
  }
  MESSAGE(checked << " yaml blocks validated, " << skipped << " marked as not a spec");
  CHECK(checked >= 2);  // README's spec in short and docs/spec.md's reference
}
