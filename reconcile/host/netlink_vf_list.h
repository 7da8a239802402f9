// Checking that a kernel's RTM_NEWLINK answer lists every VF of the PF, and sizing the receive
// buffer for it: pure functions over the message's bytes (no libnl), so they are unit-tested.
#pragma once

#include <cstddef>

namespace sriov::reconcile {

// What one RTM_NEWLINK message says about VFs: IFLA_NUM_VF, and how many IFLA_VF_INFO entries
// its IFLA_VFINFO_LIST holds within the list's own length.
struct VfListCount {
  bool hasNumVfs = false;  // IFLA_NUM_VF present: the device is an SR-IOV PF
  unsigned numVfs = 0;
  bool hasList = false;  // IFLA_VFINFO_LIST present
  unsigned listed = 0;
};

// The counts of message (an nlmsghdr of length bytes, RTM_NEWLINK). A VF list over 64 KiB
// (about 250 VFs with statistics, 330 without) has a 16-bit length that wrapped: it then
// holds fewer entries than IFLA_NUM_VF says, or the kernel left it out.
VfListCount countVfList(const void* message, std::size_t length);

// Whether the answer can be trusted to say every VF's settings.
inline bool complete(const VfListCount& count) {
  return !count.hasNumVfs || count.numVfs == 0 || (count.hasList && count.listed == count.numVfs);
}

// Bytes a receive buffer needs for one RTM_NEWLINK answer of a PF with vfs VFs asked without
// statistics (RTEXT_FILTER_SKIP_STATS): the link's own attributes and a generous bound per VF.
std::size_t linkAnswerBytes(unsigned vfs);

}  // namespace sriov::reconcile
