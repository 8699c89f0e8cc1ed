// What a proxy or an OAuth client sends: the Authorization header (Bearer, Basic), the form
// body of /oauth/introspect, the original request forward auth reads (nginx's, Traefik's and
// Envoy's), and a rules file. The first byte picks the parser; any bytes give a value or an
// error, never a crash, and what is accepted keeps its promises.
#include <cstdint>
#include <string>

#include "api/credentials.h"
#include "api/form_body.h"
#include "api/forward_auth.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string input(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 4) {
    case 0: {
      wit::StatusOr<wit::PresentedCredential> c = wit::ParseAuthorization(input);
      if (c.ok() && c->scheme != wit::PresentedCredential::Scheme::kNone && c->secret.empty()) {
        __builtin_trap();
      }
      break;
    }
    case 1: {
      wit::StatusOr<wit::FormFields> form = wit::ParseFormBody(input, {"token"});
      if (form.ok()) {
        for (const auto& [name, value] : *form) {
          if (name.empty() || name.find('\0') != std::string::npos) __builtin_trap();
        }
      }
      break;
    }
    case 2: {
      // The input split at newlines into the method, URI and forwarding headers.
      wit::ForwardHeaders h;
      std::string* fields[] = {&h.original_method, &h.original_uri,  &h.forwarded_method,
                               &h.forwarded_uri,   &h.forwarded_for, &h.real_ip};
      size_t at = 0;
      for (std::string* field : fields) {
        size_t nl = input.find('\n', at);
        *field = input.substr(at, nl == std::string::npos ? std::string::npos : nl - at);
        if (nl == std::string::npos) break;
        at = nl + 1;
      }
      wit::StatusOr<wit::OriginalRequest> r =
          wit::ReadOriginalRequest(h, "GET", std::string(wit::kForwardAuthPrefix) + input);
      if (r.ok()) {
        // A normalised path is absolute and has no dot segment left.
        if (r->path.empty() || r->path[0] != '/' || r->path.find("/../") != std::string::npos ||
            r->path.find("/./") != std::string::npos) {
          __builtin_trap();
        }
        static const wit::AuthRules kGit;
        (void)kGit.Match(*r);
      }
      (void)wit::ForwardedClient(h);
      break;
    }
    default: {
      wit::StatusOr<wit::AuthRules> rules = wit::AuthRules::Parse(input);
      if (rules.ok()) (void)rules->Match({"GET", "/a/b.git/info/refs", "service=git-upload-pack"});
      break;
    }
  }
  return 0;
}
