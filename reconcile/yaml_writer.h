// Writing YAML documents byte for byte reproducibly: block style, keys in the order given,
// multi-line strings as literal block scalars (`|`) so XML inside stays readable.
//
// Why not yaml-cpp's YAML::Emitter: measured on Debian 12's yaml-cpp 0.7 with 23 strings of the
// kinds a state file or as-spec holds, 3 did not read back (a literal block loses trailing blank
// lines and a CR; a first line starting with a space gives YAML that does not parse: it writes
// no chomping or indentation indicator), and it writes `true`, `yes`, `12`, `1e3`, `0x8086`
// plain, which a typed reader (the spec loader's readBoolean / readInteger) takes as a boolean or
// a number. tests/unit/test_yaml_writer.cpp holds those cases.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace sriov::reconcile {

// One scalar as YAML: plain when that reads back as the same string (`enp3s0f0`), else double
// quoted with escapes (`"0000:03:00.0"`, `"true"`, `"0x8086"`, `""`).
std::string yamlScalar(const std::string& text);

// The document as block-style YAML, one key per line, in the object's key order. Strings with a
// newline become literal block scalars with the chomping indicator that keeps them exact.
// An object key starting with '#' writes its value (a string or an array of strings) as comment
// lines at that place instead of a key.
std::string toYaml(const nlohmann::ordered_json& document);

}  // namespace sriov::reconcile
