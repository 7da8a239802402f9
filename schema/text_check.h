// Checks that a string is printable UTF-8: what a spec value may carry into XML, files, terminals.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sriov::schema {

// Why text is not valid UTF-8 without control characters (C0, DEL, C1; tab included) and
// invisible ones (no-break and other Unicode spaces, zero-width and direction marks), or
// nullopt. The message names the first bad byte's offset, counted in characters.
std::optional<std::string> textProblem(std::string_view text);

// text with every control character and invalid UTF-8 byte shown as \xHH, for a terminal.
std::string printable(std::string_view text);

}  // namespace sriov::schema
