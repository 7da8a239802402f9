// The confirmation prompt of a disruptive apply on a terminal.
#include "cmd/confirmation.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace sriov::cmd {

bool confirmationNeeded(const reconcile::Plan& plan, const ApplyOptions& options, bool inTerminal,
                        bool outTerminal) {
  if (options.yes || options.output != OutputFormat::text || !inTerminal || !outTerminal)
    return false;
  return plan.highest() >= reconcile::Disruption::detach;
}

bool confirmed(const reconcile::Plan& plan, int fd, std::ostream& out,
               const std::atomic<bool>* stop) {
  out << "\nThis plan goes as far as " << reconcile::toString(plan.highest()) << " ("
      << plan.disruptiveCount() << " disruptive action" << (plan.disruptiveCount() == 1 ? "" : "s")
      << "). Apply it? Only 'yes' goes on (--yes skips this question): " << std::flush;
  std::string line;
  while (true) {
    if (stop && stop->load()) break;
    pollfd p{fd, POLLIN, 0};
    int ready = ::poll(&p, 1, 200);  // wakes to see a Ctrl-C
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    char c = 0;
    ssize_t n = ::read(fd, &c, 1);
    if (n <= 0 || c == '\n') break;
    if (line.size() < 64) line += c;
  }
  out << "\n";
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line == "yes";
}

}  // namespace sriov::cmd
