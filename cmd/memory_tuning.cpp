// glibc malloc's mapping threshold, raised for a short-lived process that reads large files.
#include "cmd/memory_tuning.h"

#include <cstdlib>  // defines __GLIBC__ under glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace sriov::cmd {

void keepLargeBlocksOnTheHeap() {
#if defined(__GLIBC__)
  constexpr int kThreshold = 32 * 1024 * 1024;  // DEFAULT_MMAP_THRESHOLD_MAX on 64-bit
  (void)mallopt(M_MMAP_THRESHOLD, kThreshold);
#endif
}

}  // namespace sriov::cmd
