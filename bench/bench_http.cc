#include "bench/bench_http.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "base/flat_json.h"

namespace wit::bench {

KeepAliveClient::KeepAliveClient(uint16_t port, std::string bearer)
    : session_("127.0.0.1", port), bearer_(std::move(bearer)) {
  session_.setKeepAlive(true);
  session_.setTimeout(Poco::Timespan(30, 0));
}

HttpResult KeepAliveClient::Send(const std::string& method, const std::string& path,
                                 const std::string& body) {
  try {
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setKeepAlive(true);
    if (!bearer_.empty()) request.set("Authorization", "Bearer " + bearer_);
    if (!body.empty() || method == Poco::Net::HTTPRequest::HTTP_POST) {
      request.setContentType("application/json");
      request.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    session_.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session_.receiveResponse(response);
    HttpResult result;
    result.status = response.getStatus();
    Poco::StreamCopier::copyToString(in, result.body);
    return result;
  } catch (const Poco::Exception& ex) {
    session_.reset();
    return HttpResult{0, ex.displayText()};
  }
}

std::string JsonStringField(const std::string& body, const std::string& key) {
  StatusOr<FlatObject> obj = ParseFlatObject(body);
  if (!obj.ok()) return "";
  const FlatValue* v = obj->Find(key);
  return v && v->type == FlatValue::Type::kString ? v->string : "";
}

BenchWitd::BenchWitd(const std::string& tag)
    : root_(testing::MakeTempDir("bench-" + tag)),
      process_(std::make_unique<testing::WitdProcess>(root_ + "/data")) {}

BenchWitd::~BenchWitd() {
  process_->Stop();
  std::error_code ec;
  std::filesystem::remove_all(root_, ec);  // holds witd's log too
}

bool BenchWitd::Start() {
  if (process_->Start()) return true;
  std::ifstream in(process_->log_path());
  std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::cerr << "witd did not start (" << testing::BinDir() << "/witd); its log:\n" << log << "\n";
  return false;
}

}  // namespace wit::bench
