#ifndef WIT_NET_SERVER_ADDRESS_H_
#define WIT_NET_SERVER_ADDRESS_H_

#include <cstdint>
#include <string>

#include "base/status.h"

namespace wit {

// ServerAddress is where the wit server listens, taken apart from its URL.
struct ServerAddress {
  std::string url;        // as the user gave it, for messages
  bool https = false;     // https:// (TLS 1.2+, certificate and host name checked)
  std::string ca_file;    // PEM CA certificates to trust for https (empty: the system's)
  std::string host;       // "127.0.0.1"
  uint16_t port = 80;     // the URL's port, else 80 (443 for https)
  std::string base_path;  // "" or a prefix such as "/wit" that goes before "/api/..."
};

// ParseServerUrl accepts "http://HOST[:PORT][/PREFIX]" and "https://...". Another scheme, a
// missing host or a URL that does not parse is InvalidArgument; a query or fragment is ignored.
//
//   ParseServerUrl("http://127.0.0.1:8080/base")  // host 127.0.0.1, port 8080, base "/base"
StatusOr<ServerAddress> ParseServerUrl(const std::string& url);

// IsLoopback reports whether `host` names this machine: "localhost", 127.0.0.0/8 or ::1. A
// session sent over http:// to any other host crosses a network in clear.
bool IsLoopback(const std::string& host);

}  // namespace wit

#endif  // WIT_NET_SERVER_ADDRESS_H_
