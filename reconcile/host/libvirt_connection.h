// An open libvirt connection and RAII handles for libvirt's objects. This pair is where
// libvirt's errors become Error values; nothing outside reconcile/host/ sees libvirt types.
#pragma once

#include <libvirt/libvirt.h>

#include <memory>
#include <string>

#include "reconcile/result.h"

namespace sriov::reconcile {

struct DomainDeleter {
  void operator()(virDomainPtr domain) const { virDomainFree(domain); }
};
struct NetworkDeleter {
  void operator()(virNetworkPtr network) const { virNetworkFree(network); }
};
using DomainHandle = std::unique_ptr<virDomain, DomainDeleter>;
using NetworkHandle = std::unique_ptr<virNetwork, NetworkDeleter>;

// libvirt's last error of this thread as an Error: "<what>: <libvirt's message>", code the
// virErrorNumber. Resets the last error.
Error libvirtError(const std::string& what);

class LibvirtConnection {
 public:
  // Opens uri read-write. Installs, once per process, an error handler that keeps libvirt
  // from printing errors to stderr itself. Fails with
  // "cannot connect to libvirt at URI: <libvirt's message>".
  static Result<LibvirtConnection> open(const std::string& uri);

  virConnectPtr get() const { return connection_.get(); }
  const std::string& uri() const { return uri_; }

 private:
  struct ConnectionCloser {
    void operator()(virConnectPtr connection) const { virConnectClose(connection); }
  };
  LibvirtConnection(std::unique_ptr<virConnect, ConnectionCloser> connection, std::string uri);

  std::unique_ptr<virConnect, ConnectionCloser> connection_;
  std::string uri_;
};

}  // namespace sriov::reconcile
