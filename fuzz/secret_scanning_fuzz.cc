// A GitHub secret scanning alert as witd takes it: the Github-Public-Key-Identifier and
// Github-Public-Key-Signature headers (first and second line) and the body (the rest), and the
// same bytes as a keys document. Any bytes verify or not, parse or not, never crash; a body
// that parses gives 1 to kMaxLeakReports reports, each with a token.
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdint>
#include <string>

#include "api/secret_scanning.h"

namespace {

// Keys holds one P-256 key made at start, under the identifier "k".
const wit::GitHubScanningKeys& Keys() {
  static const wit::GitHubScanningKeys keys = [] {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, key);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    std::string pem;
    for (long i = 0; i < len; ++i)
      pem += data[i] == '\n' ? std::string("\\n") : std::string(1, data[i]);
    BIO_free(bio);
    EVP_PKEY_free(key);
    return *wit::GitHubScanningKeys::Parse(
        "{\"public_keys\":[{\"key_identifier\":\"k\",\"key\":\"" + pem + "\"}]}");
  }();
  return keys;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  size_t first = input.find('\n');
  size_t second = first == std::string::npos ? std::string::npos : input.find('\n', first + 1);
  std::string id = input.substr(0, first);
  std::string signature =
      first == std::string::npos ? std::string() : input.substr(first + 1, second - first - 1);
  std::string body = second == std::string::npos ? std::string() : input.substr(second + 1);

  (void)Keys().Verify(id, signature, body);
  wit::StatusOr<std::vector<wit::LeakReport>> reports = wit::ParseLeakReports(body);
  if (reports.ok()) {
    if (reports->empty() || reports->size() > wit::kMaxLeakReports) __builtin_trap();
    for (const wit::LeakReport& r : *reports) {
      if (r.token.empty()) __builtin_trap();
    }
  }
  (void)wit::ParseLeakReports(input);
  (void)wit::GitHubScanningKeys::Parse(input);
  return 0;
}
