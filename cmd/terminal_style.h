// The styles of sriov-apply's text output on a terminal (headings, errors, warnings, quiet
// text), written through fmt's colour API, and the rule for when colour is wanted at all.
#pragma once

#include <string>
#include <string_view>

#include "cmd/options.h"

namespace sriov::cmd {

enum class Style {
  heading,  // bold: "Plan:", a target, a diagnostic's place
  quiet,    // dim: an action's reason, disruption "none"
  warning,  // yellow: a warning, disruption "attribute" / "link"
  error,    // bold red: an error, "Refused:", disruptive levels
};

// text in style when on, else text unchanged. The caller makes text printable first
// (schema::printable): a style never makes odd bytes safe.
std::string styled(std::string_view text, Style style, bool on);

// True when stream fd is a terminal, color is not turned off, NO_COLOR is not set and TERM is
// set and not `dumb`.
bool colorWanted(Color color, int fd);

}  // namespace sriov::cmd
