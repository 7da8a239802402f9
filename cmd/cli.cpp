// Placeholder until the CLI lands.
#include "cmd/cli.h"

namespace sriov::cmd {
int run(int, char**) { return 1; }
}  // namespace sriov::cmd
