// Running test code in a private network namespace, with links that have no device behind
// them, so that netlink tests touch none of the host's links.
#pragma once

#include <functional>
#include <string>

struct nl_sock;

namespace sriov::testing {

// Runs body in a thread that first moved into a new network namespace (CLONE_NEWNET applies
// to the calling thread only); returns what went wrong before body could run, or what body
// returned (empty: fine).
std::string inPrivateNetns(const std::function<std::string()>& body);

// Creates a link without a device behind it: "dummy" where the kernel has it, else "ifb"
// (the kernel of the machines this project is developed on has no dummy driver). Returns
// the kind created, or "" and sets problem.
std::string addLink(nl_sock* socket, const std::string& name, std::string& problem);

// Sets IFF_UP on name; "" or what went wrong.
std::string setUp(nl_sock* socket, const std::string& name);

}  // namespace sriov::testing
