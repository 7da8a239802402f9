// sriov-apply: the entry point. Everything happens in cmd::run; main only sets up malloc and
// hands it argv.
#include "cmd/cli.h"
#include "cmd/memory_tuning.h"

int main(int argc, char** argv) {
  sriov::cmd::keepLargeBlocksOnTheHeap();
  return sriov::cmd::run(argc, argv);
}
