#include "api/secret_scanning.h"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <fstream>
#include <sstream>

#include "api/metrics.h"
#include "api/token_service.h"
#include "base/base64.h"
#include "base/flat_json.h"
#include "base/json_writer.h"
#include "base/utf8.h"
#include "token/token.h"

namespace wit {
namespace {

constexpr size_t kMaxKeysDocument = 1 << 20;
constexpr size_t kMaxKeys = 64;
constexpr size_t kMaxTokenLength = 1024;
constexpr size_t kMaxTypeLength = 100;
constexpr size_t kMaxUrlLength = 2048;
constexpr size_t kMaxSourceLength = 100;
constexpr size_t kMaxSignatureLength = 512;

// ReadP256Key reads one PEM public key, which must be ECDSA on P-256.
StatusOr<std::shared_ptr<void>> ReadP256Key(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  if (!bio) return Status::Internal("out of memory");
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (!key) {
    ERR_clear_error();  // left on the thread's queue, it would be taken for a later TLS error
    return Status::InvalidArgument("is not a PEM public key");
  }
  std::shared_ptr<void> owned(key, [](void* k) { EVP_PKEY_free(static_cast<EVP_PKEY*>(k)); });
  char group[64] = {0};
  size_t len = 0;
  if (!EVP_PKEY_is_a(key, "EC") ||
      EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &len) !=
          1 ||
      std::string(group, len) != "prime256v1") {
    return Status::InvalidArgument("is not an ECDSA P-256 key");
  }
  return owned;
}

// PlainText reports whether `s` holds no control characters (it is UTF-8: the parser checked).
bool PlainText(const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

// Member reads an optional string member of a report at most `max` bytes long.
Status Member(const FlatObject& report, const char* key, size_t max, std::string* out) {
  const FlatValue* v = report.Find(key);
  if (!v || v->type == FlatValue::Type::kNull) return Status::OK();
  if (v->type != FlatValue::Type::kString || v->string.size() > max || !PlainText(v->string)) {
    return Status::InvalidArgument(std::string("each report's ") + key +
                                   " must be text of at most " + std::to_string(max) + " bytes");
  }
  *out = v->string;
  return Status::OK();
}

}  // namespace

StatusOr<GitHubScanningKeys> GitHubScanningKeys::Parse(std::string_view json) {
  StatusOr<FlatObject> doc = ParseFlatObject(json);
  if (!doc.ok()) return Status::InvalidArgument("the keys document is not a JSON object");
  const FlatValue* list = doc->Find("public_keys");
  if (!list || list->type != FlatValue::Type::kArray || list->elements.empty() ||
      list->elements.size() > kMaxKeys) {
    return Status::InvalidArgument("the keys document needs \"public_keys\": 1 to 64 objects");
  }
  GitHubScanningKeys keys;
  for (size_t i = 0; i < list->elements.size(); ++i) {
    const FlatValue& entry = list->elements[i];
    std::string where = "public_keys[" + std::to_string(i) + "]";
    if (entry.type != FlatValue::Type::kObject)
      return Status::InvalidArgument(where + " is not an object");
    const FlatValue* id = entry.object->Find("key_identifier");
    const FlatValue* pem = entry.object->Find("key");
    if (!id || id->type != FlatValue::Type::kString || id->string.empty() ||
        !PlainText(id->string)) {
      return Status::InvalidArgument(where + " needs a key_identifier");
    }
    if (!pem || pem->type != FlatValue::Type::kString) {
      return Status::InvalidArgument(where + " needs a key (PEM)");
    }
    StatusOr<std::shared_ptr<void>> key = ReadP256Key(pem->string);
    if (!key.ok()) return Status::InvalidArgument(where + ".key " + key.status().message());
    keys.keys_.push_back({id->string, *key});
  }
  return keys;
}

StatusOr<GitHubScanningKeys> GitHubScanningKeys::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument("cannot read the GitHub scanning keys " + path);
  std::string text(kMaxKeysDocument + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxKeysDocument) {
    return Status::InvalidArgument("the GitHub scanning keys " + path + " are over 1 MiB");
  }
  StatusOr<GitHubScanningKeys> keys = Parse(text);
  if (!keys.ok()) return Status::InvalidArgument(path + ": " + keys.status().message());
  return keys;
}

Status GitHubScanningKeys::Verify(std::string_view key_id, std::string_view signature,
                                  std::string_view body) const {
  const Key* key = nullptr;
  for (const Key& k : keys_) {
    if (k.id == key_id) key = &k;
  }
  if (!key) return Status::Unauthenticated("Github-Public-Key-Identifier names no key of ours");
  StatusOr<std::string> der = signature.size() <= kMaxSignatureLength
                                  ? Base64Decode(signature)
                                  : StatusOr<std::string>(Status::InvalidArgument("too long"));
  if (!der.ok() || der->empty()) {
    return Status::Unauthenticated("Github-Public-Key-Signature is not a base64 signature");
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  bool ok =
      ctx &&
      EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr,
                           static_cast<EVP_PKEY*>(key->key.get())) == 1 &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(der->data()), der->size(),
                       reinterpret_cast<const unsigned char*>(body.data()), body.size()) == 1;
  if (!ok) {
    ERR_clear_error();  // left on the worker's queue, it would be taken for a later TLS error
    return Status::Unauthenticated("Github-Public-Key-Signature does not hold for the body");
  }
  return Status::OK();
}

StatusOr<std::vector<LeakReport>> ParseLeakReports(std::string_view body) {
  StatusOr<FlatValue> array = ParseFlatArray(body);
  if (!array.ok()) return Status::InvalidArgument("request body must be a JSON array of reports");
  if (array->type != FlatValue::Type::kArray || array->elements.empty() ||
      array->elements.size() > kMaxLeakReports) {
    return Status::InvalidArgument("request body must be an array of 1 to 1000 report objects");
  }
  std::vector<LeakReport> reports;
  reports.reserve(array->elements.size());
  for (const FlatValue& element : array->elements) {
    if (element.type != FlatValue::Type::kObject) {
      return Status::InvalidArgument("each report must be an object {token, type, url, source}");
    }
    LeakReport r;
    const FlatObject& o = *element.object;
    const FlatValue* token = o.Find("token");
    if (!token || token->type != FlatValue::Type::kString || token->string.empty() ||
        token->string.size() > kMaxTokenLength) {
      return Status::InvalidArgument("each report needs a token of 1 to 1024 bytes");
    }
    r.token = token->string;
    for (Status s :
         {Member(o, "type", kMaxTypeLength, &r.type), Member(o, "url", kMaxUrlLength, &r.url),
          Member(o, "source", kMaxSourceLength, &r.source)}) {
      if (!s.ok()) return s;
    }
    reports.push_back(std::move(r));
  }
  return reports;
}

ApiReply SecretScanningRoutes::GitHub(const ApiRequest& request, const std::string& body) const {
  auto refuse = [&](const std::string& outcome, const Status& s) {
    metrics_->Increment("wit_secret_scanning_alerts_total", {{"outcome", outcome}});
    return StatusReply(s);
  };
  if (!keys_) {
    return refuse("unverified",
                  Status::Unauthenticated("this ledger takes no secret scanning alerts: start witd "
                                          "with --github-scanning-keys FILE"));
  }
  std::string key_id = request.header ? request.header("Github-Public-Key-Identifier") : "";
  std::string signature = request.header ? request.header("Github-Public-Key-Signature") : "";
  if (key_id.empty() || signature.empty()) {
    return refuse("unverified",
                  Status::Unauthenticated("send Github-Public-Key-Identifier and "
                                          "Github-Public-Key-Signature: alerts are signed"));
  }
  if (Status s = keys_->Verify(key_id, signature, body); !s.ok()) return refuse("unverified", s);
  StatusOr<std::vector<LeakReport>> reports = ParseLeakReports(body);
  if (!reports.ok()) return refuse("malformed", reports.status());

  JsonWriter w;
  w.BeginArray();
  TimeMs now = NowMs();
  for (const LeakReport& r : *reports) {
    StatusOr<TokenState> t = service_->FindByPlaintext(r.token);
    bool ours = t.ok();
    if (!ours && t.status().code() != Status::Code::kNotFound &&
        t.status().code() != Status::Code::kInvalidArgument) {
      return refuse("failed", t.status());
    }
    if (ours && StatusAt(*t, now) == TokenStatus::kActive) {
      RevokeRequest how{"leaked", kRevokedBy};
      if (!r.url.empty()) how.report_url = r.url;
      if (!r.source.empty()) how.report_source = r.source;
      // A failure leaves the alert unanswered: GitHub sends it again, and revoking is
      // idempotent.
      StatusOr<TokenState> revoked = service_->Revoke(t->user_id, t->id, how);
      if (!revoked.ok()) return refuse("failed", revoked.status());
      metrics_->Increment("wit_leaked_tokens_revoked_total", {{"source", "github"}});
    }
    const char* label = ours ? "true_positive" : "false_positive";
    metrics_->Increment("wit_secret_scanning_reports_total", {{"label", label}});
    w.BeginObject()
        .Key("token_hash")
        .String(HashToken(r.token))
        .Key("token_type")
        .String(r.type)
        .Key("label")
        .String(label)
        .EndObject();
  }
  w.EndArray();
  metrics_->Increment("wit_secret_scanning_alerts_total", {{"outcome", "accepted"}});
  return {200, w.Take()};
}

}  // namespace wit
