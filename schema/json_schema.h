// The JSON Schema (draft 2020-12) of host.yaml, generated from the key table, so editors can
// check and complete specs (# yaml-language-server: $schema=...).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "schema/keys.h"

namespace sriov::schema {

// The spec's schema document, pretty-printed with a trailing newline; deterministic.
std::string jsonSchemaText();

// The schema of any document described by a key table: root, and every object it refers to
// (root among them), under $id and title.
std::string jsonSchemaText(const ObjectDef& root, std::span<const ObjectDef* const> objects,
                           std::string_view id, std::string_view title);

}  // namespace sriov::schema
