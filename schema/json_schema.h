// The JSON Schema (draft 2020-12) of host.yaml, generated from the key table, so editors can
// check and complete specs (# yaml-language-server: $schema=...).
#pragma once

#include <string>

namespace sriov::schema {

// The schema document, pretty-printed with a trailing newline; deterministic.
std::string jsonSchemaText();

}  // namespace sriov::schema
