// sriov-apply: the entry point. Everything happens in cmd::run; main only hands it argv.
#include "cmd/cli.h"

int main(int argc, char** argv) {
  return sriov::cmd::run(argc, argv);
}
