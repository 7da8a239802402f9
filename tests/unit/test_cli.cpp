// The sriov-apply binary as users run it: subcommands, exit codes, output formats, errors.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/unit/json_schema_check.h"
#include "tests/unit/test_helpers.h"

namespace {

struct Run {
  int code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// What a run printed on stdout with --output json: exactly one document (parse refuses anything
// after it), checked against the schema its kind names (json_schema_check's one checker).
nlohmann::json jsonDocument(const std::string& out) {
  INFO(out);
  nlohmann::json doc = nlohmann::json::parse(out);
  std::vector<std::string> violations = sriov::test::kindViolations(doc);
  std::string all;
  for (const std::string& v : violations) all += v + "\n";
  CHECK_MESSAGE(violations.empty(), all);
  return doc;
}

// Runs the built binary (SRIOV_APPLY_BIN, else the one this build made) in the source directory.
Run sriovApply(const std::string& args) {
  std::string errFile = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") +
                        "/sriov-cli-test." + std::to_string(getpid()) +
                        ".err";  // per process: two test runs at once must not share it
  sriov::test::CommandRun ran =
      sriov::test::runCommand(std::string("cd ") + SRIOV_SOURCE_DIR + " && NO_COLOR=1 " +
                              sriov::test::binaryUnderTest() + " " + args + " 2>" + errFile);
  Run run;
  run.code = ran.code;
  run.out = std::move(ran.out);
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
  std::string spec =
      std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") + "/sriov-cli-warn.yaml";
  sriov::test::writeText(spec,
                         "apiVersion: sriov-apply/v1\npfs:\n  - name: eth0\n    numVfs: 300\n");
  Run r = sriovApply("validate " + spec);
  CHECK(r.code == 0);
  CHECK(r.out == spec +
                     ":3:5: warning: numVfs 300 of eth0 is above 256; few devices support that "
                     "many VFs (sriov_totalvfs decides)\n" +
                     spec + ": 0 errors, 1 warning\n");
  CHECK(sriovApply("validate --strict " + spec).code == 3);
}

TEST_CASE("validate --output json lists the diagnostics with positions") {
  Run r =
      sriovApply("validate --output json examples/invalid/syntax-error.yaml examples/two-pfs.yaml");
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
  CHECK(r.err ==
        "sriov-apply: error: --output: 'xml' is not one of json, text\n"
        "sriov-apply: hint: run 'sriov-apply help' for the usage\n");
  r = sriovApply("plan");
  CHECK(r.code == 1);
  CHECK(r.err ==
        "sriov-apply: error: SPEC is required\nsriov-apply: hint: run 'sriov-apply help' for the "
        "usage\n");
  r = sriovApply("plan --max-disruption everything host.yaml");
  CHECK(r.code == 1);
  CHECK(r.err.find("--max-disruption: 'everything' is not one of none, attribute, link, detach, "
                   "restart, recreate") != std::string::npos);
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
  CHECK(r.out ==
        sriov::test::readText(std::string(SRIOV_SOURCE_DIR) + "/schema/sriov-apply.schema.json"));
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
  r = sriovApply(
      "plan --detailed-exitcode --state examples/lab.state.yaml "
      "examples/hostdev-interface.yaml");
  CHECK(r.code == 2);
  r = sriovApply(
      "apply --dry-run --detailed-exitcode --state examples/lab.state.yaml "
      "examples/hostdev-interface.yaml");
  CHECK(r.code == 2);
  r = sriovApply(
      "plan --max-disruption none --state examples/lab.state.yaml "
      "examples/hostdev-interface.yaml");
  CHECK(r.code == 4);
  r = sriovApply("plan --state no-such.state.yaml examples/hostdev-interface.yaml");
  CHECK(r.code == 1);
  CHECK(r.err.rfind("sriov-apply: error: ", 0) == 0);
  r = sriovApply("plan --output json --state examples/lab.state.yaml examples/two-pfs.yaml");
  CHECK(r.code == 0);
  nlohmann::json plan = jsonDocument(r.out);
  CHECK(plan["kind"] == "Plan");
  CHECK(plan["highestDisruption"] == "recreate");
}

TEST_CASE("apply on a copy of the lab host, then again: no changes; a held lock is named") {
  std::string tmp = std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp";
  std::string state = tmp + "/sriov-cli-apply.state.yaml";
  sriov::test::writeText(
      state, sriov::test::readText(std::string(SRIOV_SOURCE_DIR) + "/examples/lab.state.yaml"));
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
  std::string command =
      holder + "cd " + SRIOV_SOURCE_DIR + " && " +
      (std::getenv("SRIOV_APPLY_BIN") ? std::getenv("SRIOV_APPLY_BIN") : SRIOV_APPLY_BIN_DEFAULT) +
      " --state " + state + " --lock-timeout 1 examples/two-pfs.yaml 2>&1 >/dev/null; echo exit $?";
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
  CHECK(out.find("sriov-apply: waiting for the lock held by another sriov-apply (" + lock +
                 "; up to 1 s, --lock-timeout; Ctrl-C to stop)") != std::string::npos);
  INFO(out);
}

TEST_CASE("a paused guest that onDisruption: restart would shut down is refused up front") {
  // web1 is paused in this copy of the lab host, so it cannot answer the ACPI shutdown that
  // onDisruption: restart needs before enp4s0f0's VFs are re-created: the plan refuses (it
  // used to wait --shutdown-timeout at apply, fail and roll back).
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
  CHECK(r.code == 4);
  CHECK(r.out.find("guest/web1: guest 'web1' is paused, and the VF count change of enp4s0f0 "
                   "needs it restarted (onDisruption: restart), but a paused guest cannot answer "
                   "the ACPI shutdown: resume it (virsh resume web1)") != std::string::npos);
  CHECK(r.out.find("Refused:") != std::string::npos);
  CHECK(sriov::test::readText(state) == lab);  // nothing changed
  CHECK(sriovApply("plan --state " + state + " " + spec).code == 4);
}

namespace {

std::string tmpDir() {
  return std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp";
}

// The one JSON document a failing run printed, checked against schema/error.schema.json.
nlohmann::json errorDocument(const Run& r) {
  nlohmann::json doc = jsonDocument(r.out);
  CHECK(doc["kind"] == "Error");
  CHECK(doc["exitCode"] == r.code);
  return doc;
}

// Runs a shell command line; its stdout (2>&1 inside the line to see stderr).
std::string shell(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe);
  char buf[1024];
  std::string out;
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  pclose(pipe);
  return out;
}

std::string binary() {
  return std::getenv("SRIOV_APPLY_BIN") ? std::getenv("SRIOV_APPLY_BIN") : SRIOV_APPLY_BIN_DEFAULT;
}

}  // namespace

TEST_CASE("help and version are subcommands, not spec paths") {
  Run r = sriovApply("help");
  CHECK(r.code == 0);
  CHECK(r.out.find("Usage: sriov-apply") != std::string::npos);
  CHECK(r.out.find("validate") != std::string::npos);
  r = sriovApply("help plan");
  CHECK(r.code == 0);
  CHECK(r.out.find("--detailed-exitcode") != std::string::npos);
  r = sriovApply("version");
  CHECK(r.code == 0);
  CHECK(r.out.rfind("sriov-apply ", 0) == 0);
  REQUIRE(!r.out.empty());
  CHECK(r.out.back() == '\n');
}

TEST_CASE("version --output json: one document of kind Version, the same facts as the text") {
  Run text = sriovApply("version");
  Run r = sriovApply("version --output json");
  CHECK(r.code == 0);
  CHECK(r.err.empty());
  nlohmann::json doc = jsonDocument(r.out);  // checked against version.schema.json
  CHECK(doc["kind"] == "Version");
  CHECK(doc["specApiVersion"] == "sriov-apply/v1");
  CHECK(doc["savedPlanFormat"] == 1);
  std::string version = doc["version"];
  std::string revision = doc["revision"];
  std::string buildType = doc["buildType"];
  CHECK(text.out ==
        "sriov-apply " + version + "\nrevision: " + revision + "\nbuild type: " + buildType + "\n");
  r = sriovApply("version -o yaml");
  CHECK(r.code == 1);
}

TEST_CASE("a misspelled subcommand gets 'did you mean', not a spec read") {
  Run r = sriovApply("paln x.yaml");
  CHECK(r.code == 1);
  CHECK(r.err.find("sriov-apply: error: unknown subcommand 'paln'; did you mean 'plan'?") !=
        std::string::npos);
  r = sriovApply("--force valdiate x.yaml");
  CHECK(r.err.find("did you mean 'validate'?") != std::string::npos);
  r = sriovApply("help pln");
  CHECK(r.code == 1);
  CHECK(r.err.find("did you mean 'plan'?") != std::string::npos);
  // An existing file of that name is a spec (apply is the default subcommand).
  std::string dir = tmpDir() + "/sriov-cli-typo";
  CHECK(std::system(
            ("mkdir -p " + dir + " && printf 'apiVersion: [\\n' > " + dir + "/paln").c_str()) == 0);
  r = sriovApply("--state examples/lab.state.yaml " + dir + "/paln");
  CHECK(r.code == 3);
}

TEST_CASE("bad option values are said without CLI11's internals") {
  Run r = sriovApply("plan --output yaml examples/two-pfs.yaml");
  CHECK(r.code == 1);
  CHECK(r.err.find("sriov-apply: error: --output: 'yaml' is not one of json, text") !=
        std::string::npos);
  CHECK(r.err.find("FAILED") == std::string::npos);
  CHECK(r.err.find("->") == std::string::npos);
  r = sriovApply("apply --jobs abc examples/two-pfs.yaml");
  CHECK(r.err.find("--jobs: 'abc' is not a whole number from 1 to 64") != std::string::npos);
  CHECK(r.err.find("not in range") == std::string::npos);
  r = sriovApply("apply --jobs 65 examples/two-pfs.yaml");
  CHECK(r.err.find("--jobs: 65 is out of range") != std::string::npos);
  r = sriovApply("apply --lock-timeout -1 examples/two-pfs.yaml");
  CHECK(r.err.find("'-1' is not a whole number") != std::string::npos);
  r = sriovApply("plan --max-disruption big examples/two-pfs.yaml");
  CHECK(r.err.find("'big' is not one of none, attribute, link, detach, restart, recreate") !=
        std::string::npos);
}

TEST_CASE("-v and --log-level are taken after the subcommand too") {
  Run r = sriovApply("plan --state examples/lab.state.yaml examples/hostdev-interface.yaml -v");
  CHECK(r.code == 0);
  r = sriovApply(
      "plan --log-level info --state examples/lab.state.yaml "
      "examples/hostdev-interface.yaml");
  CHECK(r.code == 0);
}

TEST_CASE("--output json: every failure is one Error document on stdout") {
  SUBCASE("a missing state file") {
    Run r = sriovApply("plan --output json --state /nonexistent.state.yaml examples/two-pfs.yaml");
    CHECK(r.code == 1);
    nlohmann::json doc = errorDocument(r);
    CHECK(doc["message"].get<std::string>().find("/nonexistent.state.yaml") != std::string::npos);
  }
  SUBCASE("an invalid spec keeps its positions") {
    Run r = sriovApply(
        "apply -o json --state examples/lab.state.yaml "
        "examples/invalid/unsafe-names.yaml");
    CHECK(r.code == 3);
    nlohmann::json doc = errorDocument(r);
    REQUIRE(doc["diagnostics"].size() == 8);
    CHECK(doc["diagnostics"][0]["line"] == 3);
    CHECK(doc["diagnostics"][0]["col"] == 11);
    CHECK(doc["message"] == "the spec is invalid: 8 errors");
  }
  SUBCASE("a bad command line") {
    Run r = sriovApply("--output json paln x.yaml");
    CHECK(r.code == 1);
    errorDocument(r);
  }
  SUBCASE("show of a host that cannot be read") {
    Run r = sriovApply("show --output json --state /nonexistent.state.yaml");
    CHECK(r.code == 1);
    errorDocument(r);
  }
}

TEST_CASE("no libvirt: the error says what to do") {
  std::string root = tmpDir() + "/sriov-cli-nolibvirt";
  CHECK(std::system(("mkdir -p " + root + "/class/net " + root + "/bus/pci/devices").c_str()) == 0);
  Run r = sriovApply("plan --sysfs-root " + root +
                     " --connect 'qemu+unix:///system?socket=/nonexistent' examples/two-pfs.yaml");
  CHECK(r.code == 1);
  CHECK(r.err.find("sriov-apply: error: cannot connect to libvirt") != std::string::npos);
  CHECK(r.err.find("sriov-apply: hint: is libvirt running?") != std::string::npos);
  CHECK(r.err.find("--state FILE") != std::string::npos);
}

TEST_CASE("a lock file that cannot be opened (not root) says to run as root") {
  if (::geteuid() == 0) return;  // root opens it anyway
  std::string dir = tmpDir() + "/sriov-cli-nolock";
  CHECK(std::system(("mkdir -p " + dir + " && chmod 0500 " + dir).c_str()) == 0);
  Run r = sriovApply("apply --sysfs-root /nonexistent --lock-file " + dir +
                     "/x.lock examples/two-pfs.yaml");
  CHECK(r.code == 1);
  CHECK(r.err.find("Permission denied") != std::string::npos);
  CHECK(r.err.find("run it as root") != std::string::npos);
}

TEST_CASE("Ctrl-C while waiting for the lock ends the wait; nothing is changed") {
  std::string state = tmpDir() + "/sriov-cli-intr.state.yaml";
  sriov::test::writeText(
      state, sriov::test::readText(std::string(SRIOV_SOURCE_DIR) + "/examples/lab.state.yaml"));
  std::string before = sriov::test::readText(state);
  std::string out = shell("flock " + state + ".lock sleep 4 & sleep 0.3; cd " + SRIOV_SOURCE_DIR +
                          " && timeout -s INT 1 " + binary() + " --state " + state +
                          " --lock-timeout 30 examples/hostdev-interface.yaml 2>&1 >/dev/null; "
                          "echo exit $?");
  INFO(out);
  CHECK(out.find("sriov-apply: waiting for the lock held by") != std::string::npos);
  CHECK(out.find("sriov-apply: error: interrupted while waiting for the lock") !=
        std::string::npos);
  CHECK(out.find("exit 1") != std::string::npos);
  CHECK(sriov::test::readText(state) == before);
}

TEST_CASE("one action applied is 'Applied 1 action'") {
  std::string state = tmpDir() + "/sriov-cli-one.state.yaml";
  sriov::test::writeText(
      state, sriov::test::readText(std::string(SRIOV_SOURCE_DIR) + "/examples/lab.state.yaml"));
  REQUIRE(sriovApply("--state " + state + " examples/hostdev-interface.yaml").code == 0);
  std::string spec = tmpDir() + "/sriov-cli-one.yaml";
  std::string text =
      sriov::test::readText(std::string(SRIOV_SOURCE_DIR) + "/examples/hostdev-interface.yaml");
  REQUIRE(text.find("vlan: 42") != std::string::npos);
  text.replace(text.find("vlan: 42"), 8, "vlan: 43");
  sriov::test::writeText(spec, text);
  Run r = sriovApply("--state " + state + " " + spec);
  CHECK(r.code == 0);
  CHECK(r.out.find("\nApplied 1 action; the host matches " + spec + ".\n") != std::string::npos);
}

TEST_CASE("colour only on a terminal that has it: TERM=dumb and NO_COLOR get none") {
  auto onTerminal = [](const std::string& env) {
    return shell("cd " + std::string(SRIOV_SOURCE_DIR) + " && script -qec \"env -u NO_COLOR " +
                 env + " " + binary() + " validate examples/invalid/unsafe-names.yaml\" /dev/null");
  };
  CHECK(onTerminal("TERM=xterm").find("\033[") != std::string::npos);  // the test can see colour
  CHECK(onTerminal("TERM=dumb").find("\033[") == std::string::npos);
  CHECK(onTerminal("TERM=xterm NO_COLOR=1").find("\033[") == std::string::npos);
  CHECK(onTerminal("-u TERM").find("\033[") == std::string::npos);
}

TEST_CASE("-v logs each observe step and each host call on stderr, anywhere on the line") {
  std::string state = tmpDir() + "/sriov-cli-log.state.yaml";
  sriov::test::writeText(
      state, sriov::test::readText(std::string(SRIOV_SOURCE_DIR) + "/examples/lab.state.yaml"));
  Run r = sriovApply("--state " + state + " examples/hostdev-interface.yaml -v");
  CHECK(r.code == 0);
  CHECK(r.err.find("sriov-apply: debug: host: action 1 set-numvfs pf/enp3s0f1 started\n") !=
        std::string::npos);
  CHECK(r.err.find("sriov-apply: debug: host: action 4 attach-device guest/build1/ua-sriov-net0 "
                   "done in ") != std::string::npos);
  CHECK(r.out.find("sriov-apply: debug") == std::string::npos);  // stdout stays the report

  std::string root = tmpDir() + "/sriov-cli-nolibvirt";
  CHECK(std::system(("mkdir -p " + root + "/class/net " + root + "/bus/pci/devices").c_str()) == 0);
  r = sriovApply("plan --sysfs-root " + root +
                 " --connect 'qemu+unix:///system?socket=/nonexistent' examples/two-pfs.yaml "
                 "--log-level debug");
  CHECK(r.err.find("sriov-apply: debug: observe: sysfs under " + root + ": 0 PFs, 0 VFs in ") !=
        std::string::npos);
  // Without -v: warnings and errors only.
  r = sriovApply("plan --state " + state + " examples/hostdev-interface.yaml");
  CHECK(r.err.empty());
}

TEST_CASE("validate --output json conforms to schema/validate-result.schema.json") {
  namespace fs = std::filesystem;
  std::string files;
  size_t count = 0;
  for (const char* dir : {"examples", "examples/invalid"}) {
    for (const fs::directory_entry& e : fs::directory_iterator(fs::path(SRIOV_SOURCE_DIR) / dir)) {
      if (e.path().extension() != ".yaml") continue;
      files += std::string(" ") + dir + "/" + e.path().filename().string();
      ++count;
    }
  }
  REQUIRE(count > 10);
  Run r = sriovApply("validate --output json" + files);
  CHECK(r.code == 3);  // examples/invalid is invalid
  nlohmann::json doc = jsonDocument(r.out);
  CHECK(doc["kind"] == "ValidationResult");
  CHECK(doc["files"].size() == count);
  // The schema can fail: a document with an unknown field is refused.
  doc["files"][0]["extra"] = 1;
  CHECK(!sriov::test::kindViolations(doc).empty());
}

TEST_CASE("--output json: apply, plan, show and a held lock each print one document of its kind") {
  std::string state = tmpDir() + "/sriov-cli-json.state.yaml";
  sriov::test::writeText(
      state, sriov::test::readText(std::string(SRIOV_SOURCE_DIR) + "/examples/lab.state.yaml"));
  const std::string spec = " examples/hostdev-interface.yaml";

  Run r = sriovApply("plan -o json --state " + state + spec);
  CHECK(r.code == 0);
  nlohmann::json plan = jsonDocument(r.out);
  CHECK(plan["kind"] == "Plan");

  // Refused (over --max-disruption): the result says so, nothing ran.
  r = sriovApply("apply -o json --max-disruption none --state " + state + spec);
  CHECK(r.code == 4);
  nlohmann::json refused = jsonDocument(r.out);
  CHECK(refused["kind"] == "ApplyResult");
  CHECK(refused["status"] == "refused");

  r = sriovApply("apply -o json --state " + state + spec);
  CHECK(r.code == 0);
  nlohmann::json applied = jsonDocument(r.out);
  CHECK(applied["kind"] == "ApplyResult");
  CHECK(applied["status"] == "converged");
  REQUIRE(applied["plan"]["actions"].size() == plan["actions"].size());
  for (const nlohmann::json& a : applied["plan"]["actions"]) CHECK(a["outcome"] == "done");
  // The structured values sit beside the unchanged strings.
  for (const nlohmann::json& a : plan["actions"]) {
    if (a["kind"] != "set-numvfs" || !a["from"].is_string()) continue;
    CHECK(a["fromValue"] == std::stoi(a["from"].get<std::string>()));
    CHECK(a["toValue"] == std::stoi(a["to"].get<std::string>()));
  }

  r = sriovApply("apply -o json --state " + state + spec);
  CHECK(r.code == 0);
  CHECK(jsonDocument(r.out)["status"] == "no-changes");

  r = sriovApply("show -o json --state " + state);
  CHECK(r.code == 0);
  CHECK(jsonDocument(r.out)["kind"] == "HostState");

  // Another apply holds the lock: the Error document, and nothing else, on stdout.
  std::string lock = state + ".lock";
  std::string out =
      shell("flock " + lock + " sleep 3 & sleep 0.3; cd " + SRIOV_SOURCE_DIR + " && " + binary() +
            " apply -o json --lock-timeout 1 --state " + state + spec + " 2>/dev/null");
  nlohmann::json held = jsonDocument(out);
  CHECK(held["kind"] == "Error");
  CHECK(held["exitCode"] == 1);
  CHECK(held["message"].get<std::string>().find("another sriov-apply holds") != std::string::npos);

  // A bad option value and an option a subcommand does not take are Error documents too.
  r = sriovApply("plan -o json --jobs abc" + spec);
  CHECK(r.code == 1);
  errorDocument(r);
  r = sriovApply("validate -o json --lock-timeout 3 examples/two-pfs.yaml");
  CHECK(r.code == 1);
  errorDocument(r);
}
