// Every example spec is valid; every broken one prints exactly its .expected diagnostics.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "cmd/diagnostics_output.h"
#include "schema/loader.h"
#include "tests/unit/test_helpers.h"

namespace fs = std::filesystem;
namespace schema = sriov::schema;

namespace {

std::vector<fs::path> yamlFiles(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const fs::directory_entry& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".yaml" &&
        e.path().filename().string().find(".state.") == std::string::npos)
      out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("every example spec is valid, without warnings") {
  fs::path dir = fs::path(SRIOV_SOURCE_DIR) / "examples";
  std::vector<fs::path> files = yamlFiles(dir);
  CHECK(files.size() >= 5);
  for (const fs::path& f : files) {
    CAPTURE(f.string());
    schema::LoadResult r = schema::loadSpecFile(f.string());
    CHECK(sriov::test::diagnosticsOf(r) == std::vector<std::string>{});
  }
}

TEST_CASE("every broken example prints exactly its expected diagnostics") {
  fs::path dir = fs::path(SRIOV_SOURCE_DIR) / "examples" / "invalid";
  std::vector<fs::path> files = yamlFiles(dir);
  CHECK(files.size() >= 6);
  size_t distinct = 0;
  for (const fs::path& f : files) {
    CAPTURE(f.string());
    // Paths relative to the source dir, as a user running from the checkout sees them.
    fs::path relative = fs::relative(f, SRIOV_SOURCE_DIR);
    fs::path cwd = fs::current_path();
    fs::current_path(SRIOV_SOURCE_DIR);
    schema::LoadResult r = schema::loadSpecFile(relative.string());
    fs::current_path(cwd);
    std::ostringstream out;
    sriov::cmd::printDiagnostics(out, r.diagnostics.sorted(), false);
    CHECK(!r.diagnostics.sorted().empty());
    distinct += r.diagnostics.sorted().size();
    fs::path expected = f;
    expected.replace_extension(".expected");
    if (sriov::test::updateGolden()) {
      sriov::test::writeText(expected.string(), out.str());
      continue;
    }
    REQUIRE(fs::exists(expected));
    CHECK(sriov::test::readText(expected.string()) == out.str());
  }
  CHECK(distinct >= 50);
}
