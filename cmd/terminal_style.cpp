// Terminal styles through fmt's colours, and when colour is wanted.
#include "cmd/terminal_style.h"

#include <fmt/color.h>
#include <unistd.h>

#include <cstdlib>

namespace sriov::cmd {
namespace {

fmt::text_style textStyle(Style style) {
  switch (style) {
    case Style::heading:
      return fmt::emphasis::bold;
    case Style::quiet:
      return fmt::emphasis::faint;
    case Style::warning:
      return fmt::fg(fmt::terminal_color::yellow);
    case Style::error:
      return fmt::emphasis::bold | fmt::fg(fmt::terminal_color::red);
  }
  return {};
}

}  // namespace

std::string styled(std::string_view text, Style style, bool on) {
  if (!on) return std::string(text);
  return fmt::format(textStyle(style), "{}", text);
}

bool colorWanted(Color color, int fd) {
  if (color == Color::never) return false;
  const char* noColor = std::getenv("NO_COLOR");
  if (noColor && *noColor) return false;
  const char* term = std::getenv("TERM");
  if (!term || !*term || std::string(term) == "dumb") return false;
  return isatty(fd) == 1;
}

}  // namespace sriov::cmd
