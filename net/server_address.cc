#include "net/server_address.h"

#include <Poco/Exception.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/URI.h>

namespace wit {

StatusOr<ServerAddress> ParseServerUrl(const std::string& url) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("invalid server URL \"" + url + "\": " + why);
  };
  ServerAddress address;
  address.url = url;
  try {
    Poco::URI uri(url);
    if (uri.getScheme() != "http" && uri.getScheme() != "https") {
      return bad(uri.getScheme().empty() ? "it must start with http:// or https://"
                                         : "only http:// and https:// are supported");
    }
    address.https = uri.getScheme() == "https";
    if (uri.getHost().empty()) return bad("it names no host");
    address.host = uri.getHost();
    address.port = uri.getPort();
    address.base_path = uri.getPath();
  } catch (const Poco::Exception& ex) {
    return bad(ex.message().empty() ? ex.name() : ex.message());
  }
  while (!address.base_path.empty() && address.base_path.back() == '/') {
    address.base_path.pop_back();
  }
  return address;
}

bool IsLoopback(const std::string& host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  Poco::Net::IPAddress address;
  return Poco::Net::IPAddress::tryParse(host, address) && address.isLoopback();
}

}  // namespace wit
