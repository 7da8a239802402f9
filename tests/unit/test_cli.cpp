// The sriov-apply binary as users run it: subcommands, exit codes, output formats, errors.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/unit/test_helpers.h"

namespace {

struct Run {
  int code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs the built binary (SRIOV_APPLY_BIN, else the one this build made) in the source directory.
Run sriovApply(const std::string& args) {
  const char* bin = std::getenv("SRIOV_APPLY_BIN");
  if (!bin) bin = SRIOV_APPLY_BIN_DEFAULT;
  std::string errFile = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") +
                        "/sriov-cli-test.err";
  std::string command = std::string("cd ") + SRIOV_SOURCE_DIR + " && NO_COLOR=1 " + bin + " " +
                        args + " 2>" + errFile;
  Run run;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe);
  char buf[4096];
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) run.out.append(buf, n);
  int status = pclose(pipe);
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.err = sriov::test::readText(errFile);
  return run;
}

}  // namespace

TEST_CASE("validate: a valid spec exits 0 and says what it holds") {
  Run r = sriovApply("validate examples/two-pfs.yaml examples/hostdev-interface.yaml");
  CHECK(r.code == 0);
  CHECK(r.out ==
        "examples/two-pfs.yaml: valid (2 PFs, 1 network, 3 guests)\n"
        "examples/hostdev-interface.yaml: valid (1 PF, 0 networks, 1 guest)\n");
  CHECK(r.err.empty());
}

TEST_CASE("validate: an invalid spec exits 3 with every problem and a count") {
  Run r = sriovApply("validate examples/invalid/unsafe-names.yaml");
  CHECK(r.code == 3);
  CHECK(r.out == sriov::test::readText(std::string(SRIOV_SOURCE_DIR) +
                                       "/examples/invalid/unsafe-names.expected") +
                     "examples/invalid/unsafe-names.yaml: 8 errors, 0 warnings\n");
}

TEST_CASE("validate: warnings pass unless --strict") {
  std::string spec = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") +
                     "/sriov-cli-warn.yaml";
  sriov::test::writeText(spec, "apiVersion: sriov-apply/v1\npfs:\n  - name: eth0\n    numVfs: 300\n");
  Run r = sriovApply("validate " + spec);
  CHECK(r.code == 0);
  CHECK(r.out == spec +
                     ":3:5: warning: numVfs 300 of eth0 is above 256; few devices support that "
                     "many VFs (sriov_totalvfs decides)\n" +
                     spec + ": 0 errors, 1 warning\n");
  CHECK(sriovApply("validate --strict " + spec).code == 3);
}

TEST_CASE("validate --output json lists the diagnostics with positions") {
  Run r = sriovApply("validate --output json examples/invalid/syntax-error.yaml examples/two-pfs.yaml");
  CHECK(r.code == 3);
  nlohmann::json doc = nlohmann::json::parse(r.out);
  CHECK(doc["kind"] == "ValidationResult");
  CHECK(doc["valid"] == false);
  REQUIRE(doc["files"].size() == 2);
  CHECK(doc["files"][0]["valid"] == false);
  CHECK(doc["files"][0]["diagnostics"] ==
        nlohmann::json::parse(R"([{"file": "examples/invalid/syntax-error.yaml", "line": 5,
          "col": 4, "severity": "error",
          "message": "YAML syntax error: end of sequence not found"}])"));
  CHECK(doc["files"][1]["valid"] == true);
  CHECK(doc["files"][1]["diagnostics"].empty());
}

TEST_CASE("a missing spec file is an invalid spec, named") {
  Run r = sriovApply("validate no-such.yaml");
  CHECK(r.code == 3);
  CHECK(r.out ==
        "no-such.yaml: error: cannot read the spec: No such file or directory\n"
        "no-such.yaml: 1 error, 0 warnings\n");
}

TEST_CASE("command line errors") {
  Run r = sriovApply("validate --output xml examples/two-pfs.yaml");
  CHECK(r.code == 1);
  CHECK(r.err.rfind("sriov-apply: error: --output: Check xml value in {", 0) == 0);
  r = sriovApply("plan");
  CHECK(r.code == 1);
  CHECK(r.err ==
        "sriov-apply: error: SPEC is required\nRun 'sriov-apply --help' for more information.\n");
  r = sriovApply("plan --max-disruption everything host.yaml");
  CHECK(r.code == 1);
  CHECK(r.err.find("--max-disruption: everything not in {") != std::string::npos);
}

TEST_CASE("--version and --help") {
  Run r = sriovApply("--version");
  CHECK(r.code == 0);
  // Three lines: the version, the git revision (or the debian/changelog version, or "unknown"
  // outside git), the build type this test was compiled with.
  CHECK(r.out.rfind("sriov-apply 0.1.0\nrevision: ", 0) == 0);
  std::string buildType = SRIOV_TEST_BUILD_TYPE;
  CHECK(r.out.ends_with("\nbuild type: " + (buildType.empty() ? "none" : buildType) + "\n"));
  if (std::filesystem::exists(std::filesystem::path(SRIOV_SOURCE_DIR) / ".git")) {
    std::string head;
    if (FILE* git =
            popen("git -C '" SRIOV_SOURCE_DIR "' rev-parse --short HEAD 2>/dev/null", "r")) {
      char buf[128];
      while (fgets(buf, sizeof buf, git)) head += buf;
      pclose(git);
    }
    while (!head.empty() && head.back() == '\n') head.pop_back();
    if (!head.empty()) CHECK_MESSAGE(r.out.find(head) != std::string::npos, head);
  }
  r = sriovApply("--help");
  CHECK(r.code == 0);
  CHECK(r.out.find("Examples:\n  sriov-apply validate host.yaml") != std::string::npos);
  CHECK(r.out.find("Exit codes: 0 ok, 1 failure, 2 changes (--detailed-exitcode), 3 invalid spec, "
                   "4 refused.") != std::string::npos);
  r = sriovApply("plan --help");
  CHECK(r.code == 0);
  for (const char* option : {"--sysfs-root", "--connect", "--state", "--output",
                             "--detailed-exitcode", "--max-disruption", "--force"})
    CHECK_MESSAGE(r.out.find(option) != std::string::npos, option);
}

TEST_CASE("schema prints the committed JSON Schema") {
  Run r = sriovApply("schema");
  CHECK(r.code == 0);
  CHECK(r.out == sriov::test::readText(std::string(SRIOV_SOURCE_DIR) +
                                       "/schema/sriov-apply.schema.json"));
}

TEST_CASE("validate checks state files too, and a state file is not a spec") {
  Run r = sriovApply("validate examples/lab.state.yaml");
  CHECK(r.code == 0);
  CHECK(r.out == "examples/lab.state.yaml: valid state file (4 PFs, 1 network, 3 domains)\n");
  r = sriovApply("plan --state examples/lab.state.yaml examples/lab.state.yaml");
  CHECK(r.code == 3);
  CHECK(r.err ==
        "examples/lab.state.yaml:2:7: error: this is a state file (kind: HostState, as "
        "`sriov-apply show` prints), not a spec; give it with --state FILE\n");
}

TEST_CASE("plan against a state file: exit codes") {
  Run r = sriovApply("plan --state examples/lab.state.yaml examples/hostdev-interface.yaml");
  CHECK(r.code == 0);
  CHECK(r.out.rfind("Plan: 4 actions, 1 disruptive, highest disruption: link\n", 0) == 0);
  r = sriovApply("plan --detailed-exitcode --state examples/lab.state.yaml "
                 "examples/hostdev-interface.yaml");
  CHECK(r.code == 2);
  r = sriovApply("apply --dry-run --detailed-exitcode --state examples/lab.state.yaml "
                 "examples/hostdev-interface.yaml");
  CHECK(r.code == 2);
  r = sriovApply("plan --max-disruption none --state examples/lab.state.yaml "
                 "examples/hostdev-interface.yaml");
  CHECK(r.code == 4);
  r = sriovApply("plan --state no-such.state.yaml examples/hostdev-interface.yaml");
  CHECK(r.code == 1);
  CHECK(r.err.rfind("sriov-apply: error: ", 0) == 0);
  r = sriovApply("plan --output json --state examples/lab.state.yaml examples/two-pfs.yaml");
  CHECK(r.code == 0);
  nlohmann::json plan = nlohmann::json::parse(r.out);
  CHECK(plan["kind"] == "Plan");
  CHECK(plan["highestDisruption"] == "recreate");
}

TEST_CASE("apply on a copy of the lab host, then again: no changes; a held lock is named") {
  std::string tmp = std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp";
  std::string state = tmp + "/sriov-cli-apply.state.yaml";
  sriov::test::writeText(state, sriov::test::readText(std::string(SRIOV_SOURCE_DIR) +
                                                      "/examples/lab.state.yaml"));
  Run r = sriovApply("apply --state " + state + " examples/hostdev-interface.yaml");
  CHECK(r.code == 0);
  CHECK(r.out.find("Applied 4 actions; the host matches examples/hostdev-interface.yaml.") !=
        std::string::npos);
  r = sriovApply("--state " + state + " --detailed-exitcode examples/hostdev-interface.yaml");
  CHECK(r.code == 0);
  CHECK(r.out == "No changes. The host matches examples/hostdev-interface.yaml.\n");
  r = sriovApply("plan --state " + state + " examples/hostdev-interface.yaml");
  CHECK(r.out == "No changes. The host matches examples/hostdev-interface.yaml.\n");

  // Another apply holds the lock (flock from a shell, as a second sriov-apply would).
  std::string lock = state + ".lock";
  std::string holder = "flock " + lock + " sleep 5 & sleep 0.3; ";
  std::string command = holder + "cd " + SRIOV_SOURCE_DIR + " && " +
                        (std::getenv("SRIOV_APPLY_BIN") ? std::getenv("SRIOV_APPLY_BIN")
                                                        : SRIOV_APPLY_BIN_DEFAULT) +
                        " --state " + state +
                        " --lock-timeout 1 examples/two-pfs.yaml 2>&1 >/dev/null; echo exit $?";
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe);
  char buf[1024];
  std::string out;
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  pclose(pipe);
  INFO(command);
  INFO(out);
  CHECK(out.find("sriov-apply: error: another sriov-apply holds " + lock +
                 "; gave up after 1 s (--lock-timeout)") != std::string::npos);
  CHECK(out.find("exit 1") != std::string::npos);
  INFO(out);
}

TEST_CASE("apply --shutdown-timeout: a guest that does not shut down in time fails the apply") {
  // web1 is paused in this copy of the lab host, so it cannot answer the ACPI shutdown that
  // onDisruption: restart needs before enp4s0f0's VFs are re-created.
  std::string tmp = std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp";
  std::string state = tmp + "/sriov-cli-paused.state.yaml";
  std::string lab =
      sriov::test::readText(std::string(SRIOV_SOURCE_DIR) + "/examples/lab.state.yaml");
  std::string running = "  - name: web1\n    state: running\n";
  REQUIRE(lab.find(running) != std::string::npos);
  lab.replace(lab.find(running), running.size(), "  - name: web1\n    state: paused\n");
  sriov::test::writeText(state, lab);
  std::string spec = tmp + "/sriov-cli-restart.yaml";
  sriov::test::writeText(spec,
                         "apiVersion: sriov-apply/v1\n"
                         "pfs:\n  - name: enp4s0f0\n    numVfs: 5\n"
                         "guests:\n  - name: web1\n    onDisruption: restart\n"
                         "    interfaces:\n      - vf: {pf: enp4s0f0, index: 0}\n"
                         "        mac: \"52:54:00:a1:00:01\"\n        vlan: 100\n");
  Run r = sriovApply("apply --state " + state + " --shutdown-timeout 7 " + spec);
  CHECK(r.code == 1);
  CHECK(r.err.find("action 1 (shutdown-guest guest/web1) failed: guest web1 did not shut down "
                   "within 7 s;") != std::string::npos);
  CHECK(r.err.find("rolled back") != std::string::npos);
  CHECK(sriov::test::readText(state) == lab);  // nothing changed
  CHECK(sriovApply("apply --state " + state + " --shutdown-timeout 0 " + spec).code == 1);
}
