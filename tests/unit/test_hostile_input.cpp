// Hostile and unlucky input (issue 11, defects 1-9): every case ends, in bounded time and
// memory, with a clear error, and changes nothing it should not.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "cmd/lock_file.h"
#include "cmd/plan_output.h"
#include "reconcile/persistence.h"
#include "reconcile/state_file.h"
#include "schema/input_file.h"
#include "schema/text_check.h"
#include "schema/yaml_budget.h"
#include "tests/unit/test_helpers.h"

namespace {

using sriov::test::diagnosticsOf;
using sriov::test::kHeader;
using Lines = std::vector<std::string>;

std::string tempDir() {
  std::string t =
      std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") + "/sriov-hostile-XXXXXX";
  REQUIRE(::mkdtemp(t.data()) != nullptr);
  return t;
}

using Run = sriov::test::CommandRun;

// The built binary through sh (stdout and stderr together), from the source directory.
Run shell(const std::string& command) {
  return sriov::test::runCommand(std::string("cd ") + SRIOV_SOURCE_DIR +
                                 " && export B=" + sriov::test::binaryUnderTest() +
                                 " && NO_COLOR=1 timeout 20 bash -c '" + command + "' 2>&1");
}

bool hasErrorContaining(const Lines& lines, const std::string& part) {
  for (const std::string& l : lines)
    if (l.find(part) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("defect 1: texts on which yaml-cpp's LoadAll never ends are refused at once") {
  // LoadAll returns a new empty document for ever on a flow entry at the top level.
  for (std::string text : std::vector<std::string>{",", ",\n", "\n,", ",,,", "# c\n,\n",
                                                   kHeader + ",\n", ", a: b\n"}) {
    CAPTURE(text);
    Lines d = diagnosticsOf(text);
    REQUIRE(d.size() == 1);
    CHECK(d[0].find("t.yaml:") == 0);
    CHECK(d[0].find("error:") != std::string::npos);
    sriov::Result<sriov::reconcile::ObservedState> state =
        sriov::reconcile::parseStateYaml(text, "s.yaml");
    CHECK_FALSE(state.ok());
  }
  CHECK(diagnosticsOf(",\n") == Lines{"t.yaml:1:1: error: expected one YAML document, found more "
                                      "than one; put one host's spec in each file"});
  // The binary too, every subcommand that loads a spec.
  Run r = shell(
      "printf \",\\n\" > /tmp/sriov-comma.yaml; $B validate /tmp/sriov-comma.yaml; "
      "echo rc=$?; $B plan --state examples/lab.state.yaml /tmp/sriov-comma.yaml; "
      "echo rc=$?");
  CHECK(r.out.find("rc=3\n") != std::string::npos);
  CHECK(r.out.find("rc=124") == std::string::npos);
  CHECK(r.out.rfind("rc=3\n") != r.out.find("rc=3\n"));
}

TEST_CASE("defect 2: alias bombs, deep nesting and huge aliased scalars hit a limit") {
  std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 30; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev;
    for (int k = 0; k < 9; ++k) bomb += ", " + prev;
    bomb += "]\n";
  }
  CHECK(hasErrorContaining(diagnosticsOf(bomb), "expands to more than 1000000 nodes"));
  CHECK_FALSE(sriov::reconcile::parseStateYaml(bomb, "s.yaml").ok());

  std::string deep = std::string(200, '[') + std::string(200, ']') + "\n";
  CHECK(hasErrorContaining(diagnosticsOf(deep), "nested more than 64 levels"));
  std::string deepMap;
  for (int i = 0; i < 100; ++i) deepMap += std::string(static_cast<size_t>(i) * 2, ' ') + "k:\n";
  CHECK(hasErrorContaining(diagnosticsOf(deepMap), "nested more than 64 levels"));

  std::string big = "s: &s " + std::string(1 << 20, 'x') + "\nl: [";
  for (int i = 0; i < 40; ++i) big += std::string(i ? ", " : "") + "*s";
  big += "]\n";
  CHECK(hasErrorContaining(diagnosticsOf(big), "expand to more than 16 MiB"));

  // Aliases used a normal number of times still work.
  std::string fine = kHeader + "pfs:\n  - &p {name: eth0, numVfs: 1}\n";
  CHECK(diagnosticsOf(fine).empty());
}

TEST_CASE("defect 2 and 7: files that are folders, devices, pipes or too large") {
  std::string dir = tempDir();
  sriov::Result<std::string> folder = sriov::schema::readInputFile(dir, 1024, "the spec");
  REQUIRE_FALSE(folder.ok());
  CHECK(folder.error().message ==
        "cannot read the spec: it is a folder; give a file, or - for standard input");
  sriov::Result<std::string> zero = sriov::schema::readInputFile("/dev/zero", 4096, "the spec");
  REQUIRE_FALSE(zero.ok());
  CHECK(zero.error().message == "cannot read the spec: it is larger than the limit of 4096 bytes");
  sriov::test::writeText(dir + "/big.yaml", std::string(5000, '#'));
  sriov::Result<std::string> big = sriov::schema::readInputFile(dir + "/big.yaml", 4096, "x");
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().code == EFBIG);
  ::rmdir(dir.c_str());

  Run r = shell("$B validate /tmp; echo rc=$?");
  CHECK(r.out.find("it is a folder") != std::string::npos);
  CHECK(r.out.find("rc=3") != std::string::npos);
  r = shell("$B plan --state examples/lab.state.yaml /tmp; echo rc=$?");
  CHECK(r.out.find("it is a folder") != std::string::npos);
  CHECK(r.out.find("rc=3") != std::string::npos);
  r = shell("$B validate /dev/zero; echo rc=$?");
  CHECK(r.out.find("larger than the limit") != std::string::npos);
  CHECK(r.out.find("rc=3") != std::string::npos);
  r = shell("$B validate /dev/stdin < examples/two-pfs.yaml; echo rc=$?");
  CHECK(r.out == "/dev/stdin: valid (2 PFs, 1 network, 3 guests)\nrc=0\n");
  r = shell("$B validate - < examples/two-pfs.yaml; echo rc=$?");
  CHECK(r.out == "-: valid (2 PFs, 1 network, 3 guests)\nrc=0\n");
  r = shell("$B validate <(cat examples/two-pfs.yaml) | sed s,/dev/fd/[0-9]*,FD,; echo rc=$?");
  CHECK(r.out == "FD: valid (2 PFs, 1 network, 3 guests)\nrc=0\n");
  r = shell(
      "$B plan --state examples/lab.state.yaml - < examples/two-pfs.yaml >/dev/null; "
      "echo rc=$?");
  CHECK(r.out == "rc=0\n");
  r = shell("$B show --state /tmp; echo rc=$?");
  CHECK(r.out.find("it is a folder") != std::string::npos);
  CHECK(r.out.find("rc=1") != std::string::npos);
}

TEST_CASE("defect 3: --output json never aborts on bytes that are not UTF-8") {
  std::string dir = tempDir();
  std::string state =
      sriov::test::readText(std::string(SRIOV_SOURCE_DIR) + "/examples/lab.state.yaml");
  size_t at = state.find("hostname: lab-01");
  REQUIRE(at != std::string::npos);
  state.replace(at, 16, "hostname: \"lab\\x01\xff\xfe\"");
  sriov::test::writeText(dir + "/s.yaml", state);
  Run r = shell("$B show --output json --state " + dir + "/s.yaml >/dev/null; echo rc=$?");
  CHECK(r.out == "rc=0\n");
  r = shell("$B plan --output json --state " + dir +
            "/s.yaml examples/two-pfs.yaml >/dev/null; echo rc=$?");
  CHECK(r.out.find("rc=134") == std::string::npos);
  sriov::test::writeText(dir + "/bad.yaml", kHeader + "host: \"\xff\"\n");
  r = shell("$B validate --output json " + dir + "/bad.yaml >/dev/null; echo rc=$?");
  CHECK(r.out == "rc=3\n");
  std::remove((dir + "/s.yaml").c_str());
  std::remove((dir + "/bad.yaml").c_str());
  ::rmdir(dir.c_str());
}

TEST_CASE("defect 4: two applies on one state file at once both land") {
  std::string dir = tempDir();
  sriov::test::writeText(dir + "/a.yaml", kHeader +
                                              "pfs:\n  - name: enp3s0f0\n    numVfs: 4\n"
                                              "    persist: false\n");
  sriov::test::writeText(dir + "/b.yaml", kHeader +
                                              "pfs:\n  - name: enp3s0f1\n    numVfs: 2\n"
                                              "    persist: false\n");
  for (int attempt = 0; attempt < 3; ++attempt) {
    Run r =
        shell("cp examples/lab.state.yaml " + dir + "/s.yaml; $B apply --state " + dir +
              "/s.yaml " + dir + "/a.yaml >/dev/null 2>&1 & $B apply --state " + dir + "/s.yaml " +
              dir + "/b.yaml >/dev/null 2>&1 & wait; $B plan --state " + dir + "/s.yaml " + dir +
              "/a.yaml --detailed-exitcode >/dev/null; echo a=$?; $B plan --state " + dir +
              "/s.yaml " + dir + "/b.yaml --detailed-exitcode >/dev/null; echo b=$?");
    CHECK(r.out == "a=0\nb=0\n");  // 0: the host already matches each spec; 2 would be lost
  }
  for (const char* f : {"/a.yaml", "/b.yaml", "/s.yaml", "/s.yaml.lock"})
    std::remove((dir + f).c_str());
  ::rmdir(dir.c_str());
}

TEST_CASE("defect 5: control characters, NUL and invalid UTF-8 in names are refused") {
  CHECK(sriov::schema::textProblem("web1") == std::nullopt);
  CHECK(sriov::schema::textProblem("café") == std::nullopt);
  CHECK(sriov::schema::textProblem(std::string("a\0b", 3)).has_value());
  CHECK(sriov::schema::textProblem("a\x1b[31m").has_value());
  CHECK(sriov::schema::textProblem("a\x7f").has_value());
  CHECK(sriov::schema::textProblem("\xc2\x85").has_value());  // C1 NEL
  CHECK(sriov::schema::textProblem("web\xc2\xa0") ==          // no-break space
        "contains an invisible or direction character (U+00A0 at character 4); write names with "
        "visible characters and plain spaces");
  CHECK(sriov::schema::textProblem("a\xe2\x80\x8b").has_value());  // zero-width space
  CHECK(sriov::schema::textProblem("a\xe2\x80\xae").has_value());  // right-to-left override
  CHECK(sriov::schema::textProblem("a b").has_value() == false);
  CHECK(sriov::schema::textProblem("\xff").has_value());          // not UTF-8
  CHECK(sriov::schema::textProblem("\xc0\xaf").has_value());      // overlong '/'
  CHECK(sriov::schema::textProblem("\xed\xa0\x80").has_value());  // surrogate
  CHECK(sriov::schema::printable("a\nb\xff") == "a\\x0Ab\\xFF");

  // Every place a name or virtualport value is given, through YAML escapes ("\0", "\N", "\e").
  const std::string guest = "guests:\n  - name: \"web\\0x\"\n";
  CHECK(diagnosticsOf(kHeader + guest) ==
        Lines{"t.yaml:3:11: error: 'name' contains a control character (\\x00 at character 4); "
              "names and values must be printable"});
  CHECK(hasErrorContaining(diagnosticsOf(kHeader + "networks:\n  - name: \"default\\0x\"\n    "
                                                   "pf: eth0\n"),
                           "t.yaml:3:11: error: 'name' contains a control character"));
  CHECK(hasErrorContaining(diagnosticsOf(kHeader + "guests:\n  - name: \"w\\e[2J\"\n"),
                           "control character (\\x1B"));
  // libyaml decodes "\N" to NEL (U+0085), a C1 control character; yaml-cpp gave a lone 0x85.
  CHECK(hasErrorContaining(diagnosticsOf(kHeader + "guests:\n  - name: \"w\\N\"\n"),
                           "control character (\\x85 at character 2)"));
  CHECK(hasErrorContaining(diagnosticsOf(kHeader + "guests:\n  - name: \"plan\\n    1. fake\"\n"),
                           "control character (\\x0A"));
  CHECK(hasErrorContaining(
      diagnosticsOf(kHeader +
                    "pfs:\n  - name: eth0\n    numVfs: 1\nguests:\n  - name: g\n    interfaces:\n"
                    "      - vf: {pf: eth0, index: 0}\n        virtualport:\n          type: "
                    "802.1Qbh\n          profileid: \"p\\x01\"\n"),
      "'profileid' contains a control character"));
  CHECK(hasErrorContaining(diagnosticsOf(kHeader + "host: \"\xff\"\n"), "is not valid UTF-8"));
}

TEST_CASE("defect 5: an observed PF name or address cannot add a line to the udev rules") {
  std::string rules =
      sriov::reconcile::persistenceRules({{"eth0\nRUN+=\"/bin/sh -c evil\"", "0000:03:00.0", 2},
                                          {"", "0000:04:00.0\", RUN+=\"/bin/evil", 1}});
  size_t lines = 0;
  for (char c : rules) lines += c == '\n';
  CHECK(lines == 2 + 3);  // the header, one comment and two rules
  CHECK(rules.find("\nRUN") == std::string::npos);
  size_t start = 0;
  while (start < rules.size()) {
    std::string line = rules.substr(start, rules.find('\n', start) - start);
    CHECK((line.rfind("# ", 0) == 0 || line.rfind("ACTION==", 0) == 0));
    start += line.size() + 1;
  }
  CHECK(rules.find("KERNEL==\"0000:04:00.0\\x22\\x2C\\x20RUN") != std::string::npos);
}

TEST_CASE("defect 6: a link planted at the lock file is refused and its target untouched") {
  std::string dir = tempDir();
  sriov::test::writeText(dir + "/victim", "precious\n");
  REQUIRE(::symlink((dir + "/victim").c_str(), (dir + "/s.lock").c_str()) == 0);
  sriov::Result<sriov::cmd::LockFile> lock =
      sriov::cmd::LockFile::acquire(dir + "/s.lock", std::chrono::milliseconds(100));
  REQUIRE_FALSE(lock.ok());
  CHECK(lock.error().message.find("is a symbolic link") != std::string::npos);
  CHECK(sriov::test::readText(dir + "/victim") == "precious\n");
  // A dangling link does not create its target.
  REQUIRE(::symlink((dir + "/made").c_str(), (dir + "/d.lock").c_str()) == 0);
  CHECK_FALSE(sriov::cmd::LockFile::acquire(dir + "/d.lock", std::chrono::milliseconds(100)).ok());
  struct stat st {};
  CHECK(::stat((dir + "/made").c_str(), &st) != 0);

  // A symlinked --state is refused by apply, not replaced by a regular file.
  Run r = shell("cp examples/lab.state.yaml " + dir + "/real.yaml && ln -s " + dir + "/real.yaml " +
                dir + "/link.yaml && $B apply --state " + dir +
                "/link.yaml examples/two-pfs.yaml; echo rc=$?; test -L " + dir +
                "/link.yaml && echo still-a-link");
  CHECK(r.out.find("is a symbolic link") != std::string::npos);
  CHECK(r.out.find("rc=1\nstill-a-link") != std::string::npos);
  for (const char* f : {"/victim", "/s.lock", "/d.lock", "/real.yaml", "/link.yaml"})
    std::remove((dir + f).c_str());
  ::rmdir(dir.c_str());
}

TEST_CASE("defect 9: a no-op or refused apply leaves the state file as it was") {
  std::string dir = tempDir();
  std::string state = dir + "/s.yaml";
  // A state file with a comment of the user's: saving it again would drop the comment.
  sriov::test::writeText(
      state, "# kept by hand\n" +
                 sriov::test::readText(std::string(SRIOV_SOURCE_DIR) + "/examples/lab.state.yaml"));
  const std::string before = sriov::test::readText(state);
  sriov::test::writeText(dir + "/same.yaml",
                         kHeader + "pfs:\n  - name: enp3s0f0\n    numVfs: 2\n    persist: false\n");
  sriov::test::writeText(
      dir + "/refused.yaml",
      kHeader +
          "host: not-this-host\npfs:\n  - name: enp3s0f1\n    numVfs: 2\n    persist: false\n");
  Run same = shell("$B apply --state " + state + " " + dir + "/same.yaml");
  CHECK(same.out.find("No changes") != std::string::npos);
  CHECK(sriov::test::readText(state) == before);
  Run refused = shell("$B apply --state " + state + " " + dir + "/refused.yaml");
  CHECK(refused.code == 4);
  CHECK(sriov::test::readText(state) == before);
  // An apply that changes the host still saves it.
  sriov::test::writeText(dir + "/change.yaml",
                         kHeader + "pfs:\n  - name: enp3s0f1\n    numVfs: 2\n    persist: false\n");
  Run changed = shell("$B apply --state " + state + " " + dir + "/change.yaml");
  CHECK(changed.code == 0);
  CHECK(sriov::test::readText(state) != before);
  for (const char* f : {"/s.yaml", "/s.yaml.lock", "/same.yaml", "/refused.yaml", "/change.yaml"})
    std::remove((dir + f).c_str());
  ::rmdir(dir.c_str());
}

TEST_CASE("SIGTERM ends a run blocked reading a FIFO (spec or state file)") {
  std::string dir = tempDir();
  REQUIRE(::mkfifo((dir + "/fifo").c_str(), 0600) == 0);
  // Each run blocks opening the FIFO (nobody writes); SIGTERM after 0.5 s must end it with the
  // signal's status (143), not leave it waiting (until the shell's timeout of 20 s).
  const std::string f = dir + "/fifo";
  const std::vector<std::string> runs = {"$B validate " + f,
                                         "$B plan --state examples/lab.state.yaml " + f,
                                         "$B apply --state examples/lab.state.yaml " + f,
                                         "$B apply --state " + f + " examples/two-pfs.yaml"};
  for (const std::string& command : runs) {
    CAPTURE(command);
    Run r = shell(command + " & p=$!; sleep 0.5; kill -TERM $p; wait $p; echo rc=$?");
    CHECK(r.out.find("rc=143") != std::string::npos);
  }
  for (const char* name : {"/fifo", "/fifo.lock"}) std::remove((dir + name).c_str());
  ::rmdir(dir.c_str());
}

TEST_CASE("defect 5: names observed on the host reach the terminal escaped") {
  // planText: every string of a plan may carry an observed name.
  sriov::reconcile::Plan plan;
  sriov::reconcile::Action a;
  a.id = 1;
  a.kind = sriov::reconcile::ActionKind::setNumVfs;
  a.target = "pf/eth\n    2. fake\x1b[2J";
  a.from = "0\x1b]0;title\x07";
  a.to = "2\n";
  a.reason = "create\r\n2 VFs\x9b";
  plan.actions.push_back(a);
  plan.preflight.push_back({sriov::reconcile::FindingSeverity::warning, "guest/g\nx",
                            "guest 'g\n  error fake' \x1b[31mred"});
  std::string text = sriov::cmd::planText(plan, "spec\n.yaml", sriov::cmd::Colors::off);
  CAPTURE(text);
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK(text.find('\r') == std::string::npos);
  CHECK(text.find('\x07') == std::string::npos);
  CHECK(text.find("\xc2\x9b") == std::string::npos);
  CHECK(text.find("\n    2. fake") == std::string::npos);
  CHECK(text.find("\n  error fake") == std::string::npos);
  CHECK(text.find("pf/eth\\x0A    2. fake\\x1B[2J") != std::string::npos);
  CHECK(text.find("0\\x1B]0;title\\x07 → 2\\x0A") != std::string::npos);
  // The binary: a state file whose PF name has a newline and ESC; plan, apply and an error.
  std::string dir = tempDir();
  std::string lab =
      sriov::test::readText(std::string(SRIOV_SOURCE_DIR) + "/examples/lab.state.yaml");
  const std::string from = "  - name: enp3s0f1\n";
  REQUIRE(lab.find(from) != std::string::npos);
  lab.replace(lab.find(from), from.size(), "  - name: \"enp3s0f1\\n    9. fake line\\e[2J\"\n");
  sriov::test::writeText(dir + "/s.yaml", lab);
  sriov::test::writeText(dir + "/spec.yaml",
                         kHeader + "pfs:\n  - pci: \"0000:03:00.1\"\n    numVfs: 2\n");
  Run r = shell("$B plan --state " + dir + "/s.yaml " + dir + "/spec.yaml; $B apply --state " +
                dir + "/s.yaml " + dir + "/spec.yaml; $B apply --state " + dir + "/s.yaml " + dir +
                "/spec.yaml");
  CAPTURE(r.out);
  CHECK(r.out.find("pf/enp3s0f1\\x0A    9. fake line\\x1B[2J") != std::string::npos);
  CHECK(r.out.find("Applied 3 actions") != std::string::npos);
  CHECK(r.out.find('\x1b') == std::string::npos);
  CHECK(r.out.find("\n    9. fake") == std::string::npos);
  // An error that quotes a name read from the state file.
  std::string twice = lab;
  const std::string net = "  - name: passthrough\n";
  REQUIRE(twice.find(net) != std::string::npos);
  twice.replace(twice.find(net), net.size(), "  - name: \"pass\\nsriov-apply: fake\\e[2J\"\n");
  sriov::test::writeText(dir + "/t.yaml", twice);
  Run e = shell("$B plan --state " + dir + "/t.yaml " + dir + "/spec.yaml; echo rc=$?");
  CAPTURE(e.out);
  CHECK(e.out.find("rc=1") != std::string::npos);
  CHECK(e.out.find('\x1b') == std::string::npos);
  CHECK(e.out.find("\nsriov-apply: fake") == std::string::npos);
  for (const char* f : {"/s.yaml", "/s.yaml.lock", "/t.yaml", "/spec.yaml"})
    std::remove((dir + f).c_str());
  ::rmdir(dir.c_str());
}

TEST_CASE("defect 2: an apply on deep domain XML keeps the state file's size linear") {
  // build1's XML with 32 chains of <metadata> 200 levels deep (about 50 KB): each apply
  // re-indented all of it, depth x size (78 KB of such XML became 200 MB after one apply).
  std::string deep;
  for (int chain = 0; chain < 32; ++chain) {
    for (int i = 0; i < 200; ++i) deep += "<m>";
    for (int i = 0; i < 200; ++i) deep += "</m>";
  }
  std::string lab =
      sriov::test::readText(std::string(SRIOV_SOURCE_DIR) + "/examples/lab.state.yaml");
  const std::string name = "        <name>build1</name>\n";
  REQUIRE(lab.find(name) != std::string::npos);
  lab.insert(lab.find(name) + name.size(), "        <metadata>" + deep + "</metadata>\n");
  std::string dir = tempDir();
  sriov::test::writeText(dir + "/s.yaml", lab);
  Run r = shell("$B apply --state " + dir + "/s.yaml examples/hostdev-interface.yaml");
  CAPTURE(r.out.substr(0, 2000));
  CHECK(r.code == 0);
  const std::string after = sriov::test::readText(dir + "/s.yaml");
  CHECK(after.find("52:54:00:6d:90:02") != std::string::npos);
  CHECK(after.size() < lab.size() + 4096);
  // Deeper than the limit of 256 levels: the guest cannot be read, so a plan for it is
  // refused (exit 4) saying why, and nothing changed.
  std::string chain;
  for (int i = 0; i < 300; ++i) chain += "<m>";
  for (int i = 0; i < 300; ++i) chain += "</m>";
  std::string deeper = lab;
  deeper.insert(deeper.find(name) + name.size(), "        <metadata>" + chain + "</metadata>\n");
  sriov::test::writeText(dir + "/d.yaml", deeper);
  Run d = shell("$B plan --state " + dir + "/d.yaml examples/hostdev-interface.yaml; echo rc=$?");
  CAPTURE(d.out.substr(0, 2000));
  CHECK(d.out.find("guest 'build1': its SR-IOV devices cannot be read from its XML: cannot "
                   "parse domain XML: elements nest more than 256 levels deep") !=
        std::string::npos);
  CHECK(d.out.find("rc=4") != std::string::npos);
  CHECK(sriov::test::readText(dir + "/d.yaml") == deeper);
  for (const char* f : {"/s.yaml", "/s.yaml.lock", "/d.yaml"}) std::remove((dir + f).c_str());
  ::rmdir(dir.c_str());
}

TEST_CASE("defect 9: CR-only line breaks end lines; columns count characters") {
  // The same spec with LF, CRLF and lone CR line breaks: one error, at the same place.
  for (const std::string& eol : {std::string("\n"), std::string("\r\n"), std::string("\r")}) {
    CAPTURE(eol.size());
    std::string text = "apiVersion: sriov-apply/v1" + eol + "pfs:" + eol + "  - name: enp3s0f0" +
                       eol + "    numVfs: x" + eol;
    CHECK(diagnosticsOf(text) ==
          Lines{"t.yaml:4:13: error: 'numVfs' must be an integer, got \"x\""});
    auto state = sriov::reconcile::parseStateYaml(
        "apiVersion: sriov-apply/v1" + eol + "kind: HostState" + eol + "hostname: [h" + eol,
        "s.yaml");
    REQUIRE_FALSE(state.ok());
    CHECK(state.error().message.rfind("s.yaml:4:1: ", 0) == 0);
  }
  // Columns after multi-byte characters: "é" (2 bytes) is one character, as a person counts.
  CHECK(
      diagnosticsOf(kHeader +
                    "guests:\n  - name: \"é€x\"\n    hostdevs: [{pci: \"ééé\", x: 1}]\n") ==
      Lines{"t.yaml:4:22: error: \"ééé\" is not a PCI address; write domain:bus:slot.function, "
            "e.g. 0000:0b:00.0 or 0b:00.0",
            "t.yaml:4:29: error: unknown key 'x' in a hostdev; expected 'pci', 'vf' or 'managed'"});
  CHECK(diagnosticsOf(kHeader + "host: \"ü\": 1\n") ==
        Lines{"t.yaml:2:10: error: YAML syntax error: illegal map value"});
  auto state = sriov::reconcile::parseStateYaml(
      "apiVersion: sriov-apply/v1\nkind: HostState\nhostname: \"ééé\"\npfs: [{driver: \"€€\", "
      "pci: \"0000:01:00.0\", totalVfs: 0, numVfs: 0, bad: 1}]\n",
      "s.yaml");
  REQUIRE_FALSE(state.ok());
  CHECK(state.error().message ==
        "s.yaml:4:67: unknown key 'bad' in a PF; expected 'name', 'pci', 'driver', 'vendorId', "
        "'deviceId', 'subsystemVendorId', 'subsystemDeviceId', 'totalVfs', 'numVfs', 'vfOffset', "
        "'vfStride', 'linkUp', 'iommuGroup' or 'vfs'");
}

TEST_CASE("defect 9: YAML tags are honoured: !!str is a string, unknown tags are refused") {
  const std::string pf = kHeader + "pfs:\n  - name: enp3s0f0\n    numVfs: ";
  CHECK(diagnosticsOf(pf + "!!str 2\n") ==
        Lines{"t.yaml:4:13: error: 'numVfs' must be an integer, got the string \"2\"; remove the "
              "!!str tag"});
  CHECK(diagnosticsOf(pf + "!!int 2\n").empty());
  CHECK(diagnosticsOf(pf + "!foo 2\n") ==
        Lines{"t.yaml:4:13: error: unknown YAML tag '!foo'; a spec uses no tags of its own: remove "
              "it"});
  CHECK(diagnosticsOf(pf + "!!float 2\n") ==
        Lines{"t.yaml:4:13: error: YAML tag !!float is not used in a spec (numbers are integers): "
              "remove it"});
  CHECK(diagnosticsOf(pf + "!!int abc\n") ==
        Lines{"t.yaml:4:13: error: !!int on 'abc', which is not an integer",
              "t.yaml:4:13: error: 'numVfs' must be an integer, got \"abc\""});
  CHECK(diagnosticsOf(kHeader + "pfs: !!map []\n") ==
        Lines{"t.yaml:2:6: error: !!map on a value that is not a mapping"});
  // Keys and nested values too; a tagged boolean and sequence that fit are fine.
  CHECK(
      diagnosticsOf(kHeader +
                    "!x pfs: !!seq\n  - name: enp3s0f0\n    numVfs: 2\n    persist: !!bool "
                    "false\n") ==
      Lines{"t.yaml:2:1: error: unknown YAML tag '!x'; a spec uses no tags of its own: remove it"});
}
