// ApiRoutes without HTTP: every route's status, headers and body shape, over a real log and
// view, the way the Poco handler calls it.
#include "api/api_handler.h"

#include <gtest/gtest.h>

#include <sstream>

#include "api/api_routes_fixture_for_test.h"
#include "base/base64.h"
#include "ledger/event_codec.h"
#include "ledger/merkle.h"
#include "tests/test_json.h"

namespace wit {
namespace {

using wit::testing::Json;

TEST_F(ApiRoutesTest, ALifecycleThroughTheRoutes) {
  ApiReply created = Call("POST", "/api/tokens", alice_, R"({"name":"ci","scopes":["repo:read"]})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.content_type, "application/json");
  EXPECT_FALSE(created.close);
  Json token = Json::Parse(created.body);
  std::string id = token.Str("id");
  std::string plaintext = token.Str("token");
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(plaintext.rfind("wit_", 0), 0u) << created.body;

  ApiReply list = Call("GET", "/api/tokens", alice_);
  ASSERT_EQ(list.status, 200);
  std::vector<Json> tokens = Json::Parse(list.body).Array("tokens");
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].Str("id"), id);
  EXPECT_FALSE(tokens[0].Has("token"));  // the plaintext is shown once, at creation

  std::string verify = R"({"token":")" + plaintext + R"(","scope":"repo:read"})";
  ApiReply active = Call("POST", "/api/tokens/verify", git_, verify);
  ASSERT_EQ(active.status, 200) << active.body;
  EXPECT_TRUE(Json::Parse(active.body).Bool("active"));
  EXPECT_EQ(Json::Parse(active.body).Str("id"), id);

  ApiReply revoked = Call("DELETE", "/api/tokens/" + id, alice_);
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(Json::Parse(revoked.body).Str("status"), "revoked");
  ApiReply refused = Call("POST", "/api/tokens/verify", git_, verify);
  ASSERT_EQ(refused.status, 200);
  EXPECT_FALSE(Json::Parse(refused.body).Bool("active"));
  EXPECT_EQ(Json::Parse(refused.body).Str("reason"), "revoked");
  // A failed verification is counted per calling address.
  EXPECT_EQ(metrics_.Value("wit_verify_failures_total", {{"client", "192.0.2.7"}}), 1u);

  ApiReply got = Call("GET", "/api/tokens/" + id, alice_);
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(Call("GET", "/api/tokens?status=revoked", alice_).status, 200);
  EXPECT_EQ(
      metrics_.Value("wit_http_requests_total", {{"route", "/api/tokens"}, {"status", "201"}}), 1u);
  EXPECT_EQ(metrics_.Value("wit_http_requests_total",
                           {{"route", "/api/tokens/verify"}, {"status", "200"}}),
            2u);
}

TEST_F(ApiRoutesTest, CredentialsAreCheckedBeforeAnythingElse) {
  ApiReply none = Call("GET", "/api/tokens");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(ErrorCode(none), "unauthenticated");
  ApiReply forged = Call("GET", "/api/tokens", "Bearer not.a.jwt");
  EXPECT_EQ(forged.status, 401);
  ApiReply service = Call("GET", "/api/tokens", git_);
  EXPECT_EQ(service.status, 403);
  EXPECT_EQ(ErrorCode(service), "permission_denied");
  ApiReply user = Call("POST", "/api/tokens/verify", alice_, R"({"token":"x"})");
  EXPECT_EQ(user.status, 403);
  // Someone else's token is not found, not forbidden: its existence is not told.
  ApiReply created = Call("POST", "/api/tokens", alice_, R"({"name":"ci"})");
  ASSERT_EQ(created.status, 201);
  std::string bob = "Bearer " + sessions_.Issue({Principal::Kind::kUser, "bob"}, 600);
  ApiReply other = Call("GET", "/api/tokens/" + Json::Parse(created.body).Str("id"), bob);
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(ErrorCode(other), "not_found");
}

TEST_F(ApiRoutesTest, RoutesMethodsAndTheirHeaders) {
  EXPECT_EQ(Call("GET", "/healthz").body, R"({"status":"ok"})");
  EXPECT_EQ(Call("GET", "/readyz").status, 200);
  ready_ = false;
  ApiReply catching_up = Call("GET", "/readyz");
  EXPECT_EQ(catching_up.status, 503);
  EXPECT_EQ(Header(catching_up, "Retry-After"), "1");
  EXPECT_EQ(ErrorCode(catching_up), "unavailable");

  ApiReply wrong = Call("PUT", "/api/tokens", alice_);
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(Header(wrong, "Allow"), "GET, POST");
  EXPECT_EQ(Header(Call("POST", "/api/tokens/x", alice_), "Allow"), "GET, DELETE");
  EXPECT_EQ(Header(Call("GET", "/api/tokens/verify", git_), "Allow"), "POST");
  EXPECT_EQ(Header(Call("POST", "/healthz"), "Allow"), "GET");

  ApiReply missing = Call("GET", "/api/nothing");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(ErrorCode(missing), "not_found");
  EXPECT_EQ(Call("GET", "/api/tokens/a/b", alice_).status, 404);
  EXPECT_EQ(metrics_.Value("wit_http_requests_total", {{"route", "unmatched"}, {"status", "404"}}),
            2u);

  ApiReply metrics = Call("GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.content_type, "text/plain; version=0.0.4");
  EXPECT_NE(metrics.body.find("wit_http_requests_total{"), std::string::npos);

  ApiReply scopes = Call("GET", "/api/tokens/scopes");
  ASSERT_EQ(scopes.status, 200);
  EXPECT_FALSE(Json::Parse(scopes.body).Array("scopes").empty());
}

TEST_F(ApiRoutesTest, BadInputGetsAClearErrorAndWritesNothing) {
  ApiReply bad_uri = Call("GET", "/api/tokens?status=%zz", alice_);
  EXPECT_EQ(bad_uri.status, 400);
  EXPECT_EQ(bad_uri.body.find("%zz"), std::string::npos);  // not echoed
  ApiReply bad_json = Call("POST", "/api/tokens", alice_, "{not json");
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_EQ(ErrorCode(bad_json), "invalid_argument");
  EXPECT_EQ(Call("POST", "/api/tokens", alice_, R"({"name":"x","expiresInDays":0})").status, 400);
  EXPECT_EQ(Call("GET", "/api/tokens?status=sideways", alice_).status, 400);
  EXPECT_EQ(*log_->EndPositions(), (LogPositions{{"log", 0}}));
}

TEST_F(ApiRoutesTest, ABodyTooLargeIs413AndABodyLeftUnreadClosesTheConnection) {
  ApiReply large = Call("POST", "/api/tokens", alice_, std::string(kMaxBodyBytes + 1, ' '));
  EXPECT_EQ(large.status, 413);
  EXPECT_EQ(ErrorCode(large), "payload_too_large");
  EXPECT_FALSE(large.close);  // drained: the connection can serve the next request
  ApiReply huge = Call("POST", "/api/tokens", alice_, std::string(kMaxBodyBytes + (9 << 20), ' '));
  EXPECT_EQ(huge.status, 413);
  EXPECT_TRUE(huge.close);  // more than is worth draining
  // A route that takes no body leaves it unread: the connection must not read it as a request.
  ApiReply unread = Call("GET", "/healthz", "", "GET /healthz HTTP/1.1\r\n\r\n");
  EXPECT_EQ(unread.status, 200);
  EXPECT_TRUE(unread.close);
  // Refused before the body is read (no credentials): the same.
  EXPECT_TRUE(Call("POST", "/api/tokens", "", R"({"name":"ci"})").close);
  EXPECT_FALSE(Call("GET", "/healthz").close);
}

TEST_F(ApiRoutesTest, CheckpointsAreSignedNotesOfTheViewsTree) {
  checkpointer_->SignNow();
  EXPECT_EQ(Call("GET", "/api/log/checkpoint").status, 400);  // no stream yet: name one
  EXPECT_EQ(Call("GET", "/api/log/checkpoint?stream=log").status, 404);
  ASSERT_EQ(Call("POST", "/api/tokens", alice_, R"({"name":"ci"})").status, 201);
  ASSERT_EQ(Call("POST", "/api/tokens", alice_, R"({"name":"cd"})").status, 201);
  checkpointer_->SignNow();
  ApiReply note = Call("GET", "/api/log/checkpoint?stream=log");  // public: no session
  ASSERT_EQ(note.status, 200) << note.body;
  EXPECT_EQ(note.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(Call("GET", "/api/log/checkpoint").body, note.body);  // the only stream
  StatusOr<std::string> text = OpenNote(note.body, checkpointer_->VerifierKey());
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  StatusOr<Checkpoint> c = ParseCheckpointText(*text);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->origin, "wit-ledger/log");
  EXPECT_EQ(c->size, 2u);
  EXPECT_EQ(c->root, view_->StreamTrees()["log"].Root());

  ApiReply all = Call("GET", "/api/log/checkpoints");
  ASSERT_EQ(all.status, 200);
  std::vector<Json> list = Json::Parse(all.body).Array("checkpoints");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].Str("stream"), "log");
  EXPECT_EQ(list[0].Int("size"), 2);
  EXPECT_EQ(list[0].Str("note"), note.body);
  EXPECT_EQ(Header(Call("POST", "/api/log/checkpoints"), "Allow"), "GET");
  // Not grown: not signed again (the same note).
  checkpointer_->SignNow();
  EXPECT_EQ(Call("GET", "/api/log/checkpoint?stream=log").body, note.body);
}

// Hashes decodes a proof's "hashes".
std::vector<MerkleHash> Hashes(const Json& proof) {
  std::vector<MerkleHash> out;
  for (const std::string& b64 : proof.Strings("hashes")) {
    StatusOr<std::string> raw = Base64Decode(b64);
    EXPECT_TRUE(raw.ok() && raw->size() == 32) << b64;
    MerkleHash h{};
    if (raw.ok() && raw->size() == 32) std::copy(raw->begin(), raw->end(), h.begin());
    out.push_back(h);
  }
  return out;
}

TEST_F(ApiRoutesTest, ProofsFromTheViewsNodesVerifyAgainstTheSignedCheckpoint) {
  for (int i = 0; i < 6; ++i) {
    ApiReply r = Call("POST", "/api/tokens", alice_, R"({"name":"t)" + std::to_string(i) + "\"}");
    ASSERT_EQ(r.status, 201) << r.body;
  }
  checkpointer_->SignNow();
  SignedCheckpoint latest;
  ASSERT_TRUE(checkpointer_->Latest("log", &latest));
  const uint64_t n = latest.checkpoint.size;
  ASSERT_EQ(n, 6u);
  std::vector<LogRecord> records;
  ASSERT_TRUE((*log_->OpenReader({}))->Read(100, std::chrono::milliseconds(0), &records).ok());
  ASSERT_EQ(records.size(), n);

  for (uint64_t i = 0; i < n; ++i) {
    ApiReply r = Call("GET", "/api/log/proof/inclusion?stream=log&index=" + std::to_string(i) +
                                 "&size=" + std::to_string(n));
    ASSERT_EQ(r.status, 200) << r.body;
    Json proof = Json::Parse(r.body);
    EXPECT_EQ(proof.Int("index"), static_cast<int64_t>(i));
    EXPECT_EQ(proof.Str("checkpoint"), latest.note);
    EXPECT_TRUE(VerifyInclusion(i, n, MerkleLeafHash(records[i].payload), Hashes(proof),
                                latest.checkpoint.root));
    // By event id: the same proof, against the latest checkpoint.
    StatusOr<Event> event = DecodeEvent(records[i].payload);
    ASSERT_TRUE(event.ok());
    ApiReply by_id = Call("GET", "/api/log/proof/inclusion?eventId=" + event->event_id);
    ASSERT_EQ(by_id.status, 200) << by_id.body;
    EXPECT_EQ(Json::Parse(by_id.body).Strings("hashes"), proof.Strings("hashes"));
  }
  MerkleTree tree;
  for (const LogRecord& rec : records) tree.Append(MerkleLeafHash(rec.payload));
  for (uint64_t m = 0; m <= n; ++m) {
    ApiReply r = Call("GET", "/api/log/proof/consistency?stream=log&from=" + std::to_string(m) +
                                 "&to=" + std::to_string(n));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(VerifyConsistency(m, n, tree.RootAt(m), latest.checkpoint.root,
                                  Hashes(Json::Parse(r.body))))
        << m;
  }

  EXPECT_EQ(Call("GET", "/api/log/proof/inclusion?stream=log&index=6&size=6").status, 404);
  EXPECT_EQ(Call("GET", "/api/log/proof/inclusion?stream=log&index=0&size=7").status, 404);
  EXPECT_EQ(Call("GET", "/api/log/proof/inclusion?stream=log&index=01&size=6").status, 400);
  EXPECT_EQ(Call("GET", "/api/log/proof/inclusion?stream=log&size=6").status, 400);
  EXPECT_EQ(Call("GET", "/api/log/proof/inclusion?eventId=nope").status, 404);
  EXPECT_EQ(Call("GET", "/api/log/proof/consistency?stream=log&from=5&to=4").status, 400);
  EXPECT_EQ(Call("GET", "/api/log/proof/consistency?stream=log&from=1&to=99").status, 404);
  EXPECT_EQ(Call("GET", "/api/log/proof/consistency?stream=other&from=1&to=2").status, 404);
  EXPECT_EQ(Header(Call("POST", "/api/log/proof/inclusion"), "Allow"), "GET");
}

}  // namespace
}  // namespace wit
