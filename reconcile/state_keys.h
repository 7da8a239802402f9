// The key table of the state file (`sriov-apply show`, kind HostState): the same machinery as
// the spec's (schema/keys.h) checks its keys, types and ranges with positions and "did you
// mean", and generates its JSON Schema (schema/state.schema.json).
#pragma once

#include <span>
#include <string>

#include "schema/keys.h"

namespace sriov::reconcile {

// The document root (apiVersion, kind, hostname, ..., pfs, networks, domains).
const schema::ObjectDef& stateRoot();
// Every object of the state file, root first, in a fixed order.
std::span<const schema::ObjectDef* const> stateObjects();

// The state file's JSON Schema (draft 2020-12), pretty-printed with a trailing newline.
std::string stateJsonSchemaText();

}  // namespace sriov::reconcile
