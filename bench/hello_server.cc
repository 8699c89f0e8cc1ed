// bench_hello_server: the baseline of the verify benchmark. A Poco HTTPServer configured like
// witd's (a ThreadPool of up to 128 threads, HTTPServerParams maxThreads 128, keep-alive with
// unlimited requests per connection) that answers every request with 200 "hello". Run with wrk
// it measures what Poco's HTTP stack and loopback TCP cost on their own, so verify's figures
// can be read as a ratio of it.
//
//   bench_hello_server --listen 127.0.0.1:0   # prints "listening on 127.0.0.1:PORT" on stderr
//
// Runs until SIGTERM or SIGINT.
#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/NullStream.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>

#include "api/ledger_server.h"

namespace wit::bench {
namespace {

// The same figures witd's LedgerServer uses.
constexpr int kMaxThreads = 128;
constexpr int kMaxQueued = 1024;
constexpr int kBacklog = 256;

class HelloHandler : public Poco::Net::HTTPRequestHandler {
 public:
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    // A body left unread would be taken for the next request on this connection.
    Poco::NullOutputStream discard;
    Poco::StreamCopier::copyStream(request.stream(), discard);
    response.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
    response.setContentType("text/plain");
    response.setContentLength(5);
    response.send() << "hello";
  }
};

class HelloFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new HelloHandler;
  }
};

Poco::Net::HTTPServerParams* WitdLikeParams() {
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(kMaxThreads);
  params->setMaxQueued(kMaxQueued);
  params->setKeepAlive(true);
  params->setMaxKeepAliveRequests(0);  // unlimited
  params->setKeepAliveTimeout(Poco::Timespan(10, 0));
  params->setTimeout(Poco::Timespan(10, 0));
  return params;
}

// Serve answers until SIGTERM/SIGINT, which every thread blocks and main waits for.
int Serve(const std::string& host, uint16_t port) {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  Poco::ThreadPool pool(4, kMaxThreads, 60);
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress(host, port), kBacklog);
  Poco::Net::HTTPServer server(new HelloFactory, pool, socket, WitdLikeParams());
  server.start();
  std::cerr << "listening on " << host << ":" << server.port() << std::endl;
  int sig = 0;
  sigwait(&stop_signals, &sig);
  server.stopAll(true);
  pool.joinAll();
  return 0;
}

// Main parses the flags and serves.
int Main(int argc, char** argv) {
  CLI::App app{"bench_hello_server: a witd-configured Poco HTTPServer answering 200 \"hello\""};
  std::string listen = "127.0.0.1:0";
  app.add_option("--listen", listen, "HOST:PORT to listen on (port 0: any free port)")
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  StatusOr<std::pair<std::string, uint16_t>> where = ParseListen(listen);
  if (!where.ok()) {
    std::cerr << "bench_hello_server: " << where.status().message() << "\n";
    return 2;
  }
  return Serve(where->first, where->second);
}

}  // namespace
}  // namespace wit::bench

int main(int argc, char** argv) {
  try {
    return wit::bench::Main(argc, argv);
  } catch (const Poco::Exception& ex) {
    std::cerr << "bench_hello_server: " << ex.displayText() << "\n";
    return 1;
  } catch (const std::exception& ex) {
    std::cerr << "bench_hello_server: " << ex.what() << "\n";
    return 1;
  }
}
