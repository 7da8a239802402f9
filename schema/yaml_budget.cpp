// Scans YAML events with counters: documents (stops at 2), depth, and alias-expanded size.
#include "schema/yaml_budget.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>
#include <yaml.h>

#include <algorithm>
#include <map>
#include <optional>
#include <sstream>
#include <vector>

#include "schema/canonical_yaml.h"

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

// The limits' arithmetic over one event stream, whichever parser produces it: each event's
// problem (a sentence) or nullopt. Anchors are keyed as the parser names them; a redefined
// anchor is its latest definition, as an alias means it.
template <typename Anchor>
class Budget {
 public:
  explicit Budget(const YamlLimits& limits) : limits_(limits) {}

  std::optional<std::string> leaf(const Anchor* anchor, size_t bytes) {
    return leafOf(anchor, {1, bytes});
  }
  std::optional<std::string> alias(const Anchor& anchor) {
    auto it = anchors_.find(anchor);
    return leafOf(nullptr, it == anchors_.end() ? Size{1, 0} : it->second);
  }
  std::optional<std::string> open(const Anchor* anchor) {
    if (auto problem = add({1, 0})) return problem;
    stack_.push_back({anchor ? std::optional<Anchor>(*anchor) : std::nullopt, {1, 0}});
    if (stack_.size() > limits_.maxDepth)
      return "the YAML is nested more than " + std::to_string(limits_.maxDepth) + " levels deep";
    return std::nullopt;
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
    if (done.anchor) anchors_[*done.anchor] = done.size;
  }

 private:
  struct Open {
    std::optional<Anchor> anchor;
    Size size;
  };

  std::optional<std::string> add(Size s) {
    total_.nodes += s.nodes;
    total_.bytes += s.bytes;
    if (!stack_.empty()) {
      stack_.back().size.nodes += s.nodes;
      stack_.back().size.bytes += s.bytes;
    }
    if (total_.nodes > limits_.maxNodes)
      return "the YAML expands to more than " + std::to_string(limits_.maxNodes) +
             " nodes (aliases count once per use); write the values out or use fewer aliases";
    if (total_.bytes > limits_.maxScalarBytes)
      return "the YAML's values expand to more than " +
             std::to_string(limits_.maxScalarBytes >> 20) +
             " MiB (aliases count once per use); use fewer aliases";
    return std::nullopt;
  }
  std::optional<std::string> leafOf(const Anchor* anchor, Size s) {
    if (auto problem = add(s)) return problem;
    if (anchor) anchors_[*anchor] = s;
    return std::nullopt;
  }

  const YamlLimits& limits_;
  std::vector<Open> stack_;
  std::map<Anchor, Size> anchors_;
  Size total_;
};

// yaml-cpp's events, with its marks and messages: what every finding reports.
// With a tree, also builds it from yaml-cpp's events (marks in bytes: columns converts them).
class Counter : public YAML::EventHandler {
 public:
  explicit Counter(const YamlLimits& limits, YamlTree* tree = nullptr,
                   const TextColumns* columns = nullptr)
      : budget_(limits), tree_(tree), columns_(columns) {}

  bool built = true;  // every event fitted the tree

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
    check(mark, budget_.leaf(anchored(anchor), 0));
    if (tree_) built = built && tree_->scalar(at(mark), "", true, "", name(anchor));
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    check(mark, budget_.alias(anchor));
    if (tree_) built = built && tree_->alias(name(anchor));
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    check(mark, budget_.leaf(anchored(anchor), value.size()));
    // yaml-cpp's "?" is an untagged plain scalar, its "!" an untagged quoted one.
    if (tree_) {
      built = built && tree_->scalar(at(mark), value, tag == "?",
                                     tag == "?" || tag == "!" ? "" : tag, name(anchor));
    }
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    check(mark, budget_.open(anchored(anchor)));
    if (tree_)
      built = built && tree_->open(YamlKind::sequence, at(mark), untagged(tag), name(anchor));
  }
  void OnSequenceEnd() override {
    budget_.close();
    if (tree_) built = built && tree_->close();
  }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    check(mark, budget_.open(anchored(anchor)));
    if (tree_) built = built && tree_->open(YamlKind::map, at(mark), untagged(tag), name(anchor));
  }
  void OnMapEnd() override {
    budget_.close();
    if (tree_) built = built && tree_->close();
  }

 private:
  Position at(const YAML::Mark& mark) const {
    if (mark.is_null() || mark.line < 0) return {};
    return {mark.line + 1,
            columns_ ? columns_->characterColumn(mark.line + 1, mark.column + 1) : mark.column + 1};
  }
  static std::string name(YAML::anchor_t anchor) { return anchor ? std::to_string(anchor) : ""; }
  static std::string_view untagged(const std::string& tag) {
    return tag == "?" ? std::string_view() : std::string_view(tag);
  }
  // yaml-cpp numbers anchors from 1; 0 is none.
  const YAML::anchor_t* anchored(const YAML::anchor_t& anchor) const {
    return anchor ? &anchor : nullptr;
  }
  void check(const YAML::Mark& mark, std::optional<std::string> problem) {
    if (documents >= 2) throw Stop{mark, "", true};
    if (problem) throw Stop{mark, std::move(*problem)};
  }

  Budget<YAML::anchor_t> budget_;
  YamlTree* tree_;
  const TextColumns* columns_;
};

// libyaml's event parser (C, several times faster than yaml-cpp's scanner) over the same
// budget: the number of documents (0 or 1) when the text is YAML within every limit. Anything
// else (a second document, a limit broken, text libyaml refuses) is left to yaml-cpp's scan,
// which reports it with yaml-cpp's marks and messages, so findings read the same either way.
// Builds tree as it goes: whole only when the result is 1 and tree.complete().
std::optional<size_t> documentsWithinLimits(const std::string& text, const YamlLimits& limits,
                                            YamlTree& tree) {
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) return std::nullopt;
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                               text.size());
  Budget<std::string> budget(limits);
  size_t documents = 0;
  bool clean = true;
  for (bool done = false; !done && clean;) {
    yaml_event_t event;
    if (!yaml_parser_parse(&parser, &event)) {
      clean = false;
      break;
    }
    auto anchorOf = [](const yaml_char_t* name) {
      return name ? std::optional<std::string>(reinterpret_cast<const char*>(name)) : std::nullopt;
    };
    std::optional<std::string> anchor;
    std::optional<std::string> problem;
    auto text = [](const yaml_char_t* name) {
      return name ? std::string_view(reinterpret_cast<const char*>(name)) : std::string_view();
    };
    const Position at{static_cast<int>(event.start_mark.line) + 1,
                      static_cast<int>(event.start_mark.column) + 1};
    bool built = true;
    switch (event.type) {
      case YAML_STREAM_END_EVENT:
        done = true;
        break;
      case YAML_DOCUMENT_START_EVENT:
        clean = ++documents < 2;
        break;
      case YAML_SCALAR_EVENT:
        anchor = anchorOf(event.data.scalar.anchor);
        problem = budget.leaf(anchor ? &*anchor : nullptr, event.data.scalar.length);
        if (!problem) {
          const auto& e = event.data.scalar;
          built = tree.scalar(at, std::string(reinterpret_cast<const char*>(e.value), e.length),
                              e.style == YAML_PLAIN_SCALAR_STYLE, text(e.tag), text(e.anchor));
        }
        break;
      case YAML_ALIAS_EVENT:
        problem = budget.alias(*anchorOf(event.data.alias.anchor));
        if (!problem) built = tree.alias(text(event.data.alias.anchor));
        break;
      case YAML_SEQUENCE_START_EVENT:
        anchor = anchorOf(event.data.sequence_start.anchor);
        problem = budget.open(anchor ? &*anchor : nullptr);
        if (!problem) {
          built = tree.open(YamlKind::sequence, at, text(event.data.sequence_start.tag),
                            text(event.data.sequence_start.anchor));
        }
        break;
      case YAML_MAPPING_START_EVENT:
        anchor = anchorOf(event.data.mapping_start.anchor);
        problem = budget.open(anchor ? &*anchor : nullptr);
        if (!problem) {
          built = tree.open(YamlKind::map, at, text(event.data.mapping_start.tag),
                            text(event.data.mapping_start.anchor));
        }
        break;
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        budget.close();
        built = tree.close();
        break;
      default:
        break;
    }
    if (problem || !built) clean = false;
    yaml_event_delete(&event);
  }
  yaml_parser_delete(&parser);
  return clean ? std::optional<size_t>(documents) : std::nullopt;
}

// yaml-cpp's scan of text (building tree, when given, from its events).
YamlScan scanWithYamlCpp(const std::string& text, const YamlLimits& limits, YamlTree* tree,
                         const TextColumns* columns) {
  YamlScan scan;
  std::istringstream in(text);
  Counter counter(limits, tree, columns);
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
  if (tree && !scan.error && scan.documents == 1 && !(counter.built && tree->complete())) {
    scan.error =
        "the YAML cannot be read as one tree of nodes";  // not seen: yaml-cpp refuses first
  }
  return scan;
}

// Line breaks libyaml counts (YAML 1.1: NEL, LS, PS) and yaml-cpp does not, and a byte order
// mark: positions would differ, so such text is read through yaml-cpp, as it always was.
bool libyamlCountsDifferently(const std::string& text) {
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) return true;
  return text.find("\xC2\x85") != std::string::npos ||
         text.find("\xE2\x80\xA8") != std::string::npos ||
         text.find("\xE2\x80\xA9") != std::string::npos;
}

}  // namespace

YamlRead readYaml(const std::string& text, const YamlLimits& limits, const TextColumns& columns) {
  YamlRead read;
  if (readCanonicalYaml(text, limits, read.tree)) {
    read.scan.documents = 1;
    return read;
  }
  return readYamlGeneral(text, limits, columns);
}

YamlRead readYamlGeneral(const std::string& text, const YamlLimits& limits,
                         const TextColumns& columns) {
  YamlRead read;
  if (!libyamlCountsDifferently(text)) {
    std::optional<size_t> documents = documentsWithinLimits(text, limits, read.tree);
    if (documents && (*documents == 0 || read.tree.complete())) {
      read.scan.documents = *documents;
      return read;
    }
  }
  // What libyaml refuses or counts differently: yaml-cpp's findings, or its reading.
  read.tree = YamlTree();
  read.scan = scanWithYamlCpp(text, limits, &read.tree, &columns);
  return read;
}

}  // namespace sriov::schema
