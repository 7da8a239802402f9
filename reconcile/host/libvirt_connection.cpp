// Opens libvirt connections quietly and turns libvirt's last error into an Error value.
#include "reconcile/host/libvirt_connection.h"

#include <libvirt/virterror.h>

#include <mutex>
#include <utility>

namespace sriov::reconcile {
namespace {

// libvirt prints every error to stderr unless a handler is installed; ours drops them, and
// the error reaches the user once, as an Error value, through libvirtError().
void quietErrorHandler(void*, virErrorPtr) {}

void initialiseOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    virInitialize();
    virSetErrorFunc(nullptr, quietErrorHandler);
  });
}

}  // namespace

Error libvirtError(const std::string& what) {
  virErrorPtr error = virGetLastError();
  Error result{what + ": " + virGetLastErrorMessage(), error ? error->code : 0};
  virResetLastError();
  return result;
}

LibvirtConnection::LibvirtConnection(std::unique_ptr<virConnect, ConnectionCloser> connection,
                                     std::string uri)
    : connection_(std::move(connection)), uri_(std::move(uri)) {}

Result<LibvirtConnection> LibvirtConnection::open(const std::string& uri) {
  initialiseOnce();
  std::unique_ptr<virConnect, ConnectionCloser> connection(virConnectOpen(uri.c_str()));
  if (!connection) return libvirtError("cannot connect to libvirt at " + uri);
  return LibvirtConnection(std::move(connection), uri);
}

}  // namespace sriov::reconcile
