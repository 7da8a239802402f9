// Scans YAML events with counters: documents (stops at 2), depth, and alias-expanded size.
#include "schema/yaml_budget.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <vector>

namespace sriov::schema {
namespace {

struct Size {
  size_t nodes = 0;
  size_t bytes = 0;
};

// Thrown by the handler to stop the parser at the first limit broken.
struct Stop {
  YAML::Mark mark;
  std::string message;
  bool secondDocument = false;
};

class Counter : public YAML::EventHandler {
 public:
  explicit Counter(const YamlLimits& limits) : limits_(limits) {}

  size_t documents = 0;

  // A second document is reported at its first node (or where it starts, when it has none);
  // a third start stops the scan whatever: LoadAll's endless empty documents end here.
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents == 2) secondStart = mark;
    if (documents > 2) throw Stop{secondStart, "", true};
  }
  YAML::Mark secondStart;
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    leaf(mark, anchor, {1, 0});
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    leaf(mark, 0, it == anchors_.end() ? Size{1, 0} : it->second);
  }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string& value) override {
    leaf(mark, anchor, {1, value.size()});
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Open {
    YAML::anchor_t anchor;
    Size size;
  };

  void add(const YAML::Mark& mark, Size s) {
    if (documents >= 2) throw Stop{mark, "", true};
    total_.nodes += s.nodes;
    total_.bytes += s.bytes;
    if (!stack_.empty()) {
      stack_.back().size.nodes += s.nodes;
      stack_.back().size.bytes += s.bytes;
    }
    if (total_.nodes > limits_.maxNodes)
      throw Stop{mark, "the YAML expands to more than " + std::to_string(limits_.maxNodes) +
                           " nodes (aliases count once per use); write the values out or use fewer "
                           "aliases"};
    if (total_.bytes > limits_.maxScalarBytes)
      throw Stop{mark, "the YAML's values expand to more than " +
                           std::to_string(limits_.maxScalarBytes >> 20) +
                           " MiB (aliases count once per use); use fewer aliases"};
  }
  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor, Size s) {
    add(mark, s);
    if (anchor) anchors_[anchor] = s;
  }
  void open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    add(mark, {1, 0});
    stack_.push_back({anchor, {1, 0}});
    if (stack_.size() > limits_.maxDepth)
      throw Stop{mark, "the YAML is nested more than " + std::to_string(limits_.maxDepth) +
                           " levels deep"};
  }
  void close() {
    if (stack_.empty()) return;
    Open done = stack_.back();
    stack_.pop_back();
    if (!stack_.empty()) {
      // add() counted this collection's children into it already; pass them to the parent.
      stack_.back().size.nodes += done.size.nodes - 1;
      stack_.back().size.bytes += done.size.bytes;
    }
    if (done.anchor) anchors_[done.anchor] = done.size;
  }

  const YamlLimits& limits_;
  std::vector<Open> stack_;
  std::map<YAML::anchor_t, Size> anchors_;
  Size total_;
};

}  // namespace

YamlScan scanYaml(const std::string& text, const YamlLimits& limits) {
  YamlScan scan;
  std::istringstream in(text);
  Counter counter(limits);
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(counter)) {
    }
  } catch (const Stop& stop) {
    if (stop.secondDocument) {
      scan.documents = 2;
      scan.secondDocumentLine = stop.mark.line + 1;
      scan.secondDocumentColumn = stop.mark.column + 1;
      return scan;
    }
    scan.error = stop.message;
    scan.line = stop.mark.line + 1;
    scan.column = stop.mark.column + 1;
  } catch (const YAML::Exception& e) {
    scan.error = e.msg;
    scan.syntax = true;
    scan.line = e.mark.is_null() ? 1 : e.mark.line + 1;
    scan.column = e.mark.is_null() ? 1 : e.mark.column + 1;
  }
  scan.documents = std::min<size_t>(counter.documents, 2);
  if (scan.documents == 2) {
    scan.secondDocumentLine = counter.secondStart.line + 1;
    scan.secondDocumentColumn = counter.secondStart.column + 1;
  }
  return scan;
}

}  // namespace sriov::schema
