// GitHub secret scanning's parts: the keys document, the signature check and the alert body.
// The contract end to end, signed by another library, is tests/secret_scanning_test.cc.
#include "api/secret_scanning.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

#include "base/base64.h"

namespace wit {
namespace {

struct KeyPair {
  std::string public_pem;
  std::shared_ptr<EVP_PKEY> key;
};

KeyPair MakeP256() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_PUBKEY(bio.get(), key);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return {std::string(data, static_cast<size_t>(len)),
          std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free)};
}

std::string Sign(const KeyPair& k, const std::string& body) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, k.key.get());
  size_t len = 0;
  auto* in = reinterpret_cast<const unsigned char*>(body.data());
  EVP_DigestSign(ctx.get(), nullptr, &len, in, body.size());
  std::string sig(len, '\0');
  EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in, body.size());
  sig.resize(len);
  return Base64Encode(sig);
}

std::string Document(const std::vector<std::pair<std::string, std::string>>& keys) {
  std::string doc = "{\"public_keys\":[";
  for (size_t i = 0; i < keys.size(); ++i) {
    std::string pem;
    for (char c : keys[i].second) pem += c == '\n' ? std::string("\\n") : std::string(1, c);
    doc += (i ? "," : "") + std::string("{\"key_identifier\":\"") + keys[i].first +
           "\",\"key\":\"" + pem + "\",\"is_current\":" + (i ? "false" : "true") + "}";
  }
  return doc + "]}";
}

TEST(GitHubScanningKeysTest, VerifiesWithTheKeyNamedAndNoOther) {
  KeyPair a = MakeP256(), b = MakeP256();
  StatusOr<GitHubScanningKeys> keys =
      GitHubScanningKeys::Parse(Document({{"aaaa", a.public_pem}, {"bbbb", b.public_pem}}));
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_EQ(keys->size(), 2u);
  const std::string body = "[{\"token\":\"x\"}]";
  EXPECT_TRUE(keys->Verify("aaaa", Sign(a, body), body).ok());
  EXPECT_TRUE(keys->Verify("bbbb", Sign(b, body), body).ok());
  EXPECT_EQ(keys->Verify("bbbb", Sign(a, body), body).code(), Status::Code::kUnauthenticated);
  EXPECT_EQ(keys->Verify("cccc", Sign(a, body), body).code(), Status::Code::kUnauthenticated);
  EXPECT_FALSE(keys->Verify("aaaa", Sign(a, body), body + " ").ok());
  EXPECT_FALSE(keys->Verify("aaaa", "", body).ok());
  EXPECT_FALSE(keys->Verify("aaaa", "!!", body).ok());
  EXPECT_FALSE(keys->Verify("aaaa", std::string(4096, 'A'), body).ok());
}

TEST(GitHubScanningKeysTest, RefusesADocumentThatIsNotGitHubsShapeOrNotP256) {
  // RFC 8410's example Ed25519 key: a fine key, of the wrong kind.
  const std::string ed25519 =
      "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n"
      "-----END PUBLIC KEY-----\n";
  for (const std::string& bad :
       {std::string("[]"), std::string("{}"), std::string("{\"public_keys\":[]}"),
        std::string("{\"public_keys\":[1]}"), std::string("{\"public_keys\":[{\"key\":\"x\"}]}"),
        Document({{"a", "not a key"}}), Document({{"a", ed25519}}),
        Document({{"", MakeP256().public_pem}})}) {
    EXPECT_FALSE(GitHubScanningKeys::Parse(bad).ok()) << bad;
  }
  EXPECT_FALSE(GitHubScanningKeys::Load("/nonexistent/keys.json").ok());
}

TEST(LeakReportsTest, ReadsGitHubsAlertBody) {
  StatusOr<std::vector<LeakReport>> r = ParseLeakReports(
      "[{\"token\":\"wit_x\",\"type\":\"wit_pat\",\"url\":\"https://github.com/a/b\","
      "\"source\":\"content\",\"extra\":1},{\"token\":\"y\"}]");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].token, "wit_x");
  EXPECT_EQ((*r)[0].type, "wit_pat");
  EXPECT_EQ((*r)[0].url, "https://github.com/a/b");
  EXPECT_EQ((*r)[0].source, "content");
  EXPECT_EQ((*r)[1].url, "");
  std::string many = "[";
  for (size_t i = 0; i <= kMaxLeakReports; ++i)
    many += (i ? ",{\"token\":\"t\"}" : "{\"token\":\"t\"}");
  many += "]";
  for (const std::string& bad :
       {std::string("[]"), std::string("{}"), std::string("[\"t\"]"), std::string("[{}]"),
        std::string("[{\"token\":1}]"), std::string("[{\"token\":\"\"}]"),
        std::string("[{\"token\":\"t\",\"url\":\"a\\u0000b\"}]"),
        std::string("[{\"token\":\"t\",\"source\":\"") + std::string(101, 's') + "\"}]",
        std::string("[{\"token\":\"") + std::string(1025, 't') + "\"}]", many}) {
    EXPECT_FALSE(ParseLeakReports(bad).ok()) << bad.substr(0, 80);
  }
}

}  // namespace
}  // namespace wit
