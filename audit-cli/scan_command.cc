#include "audit-cli/scan_command.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "base/flat_json.h"
#include "base/json_writer.h"
#include "base/text_table.h"
#include "net/http_client.h"
#include "net/server_address.h"
#include "token/token.h"

namespace wit {
namespace {

namespace fs = std::filesystem;

// ScanStream reads `in` in chunks. The last bytes of a chunk, which could start a token that the
// next chunk completes, are carried into the next window, with the byte before them so that a
// token's left edge is still checked; starts already tried are not tried again.
void ScanStream(std::istream& in, const std::string& name, ScanResult* result, AuditIo& io) {
  constexpr size_t kChunk = 1 << 16;
  std::string window;
  uint64_t line = 1;  // the line `window` starts on
  size_t tried = 0;   // starts below this offset of `window` were tried in the last window
  std::vector<char> buf(kChunk);
  bool more = true;
  while (more) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    size_t got = static_cast<size_t>(in.gcount());
    more = got == buf.size();
    window.append(buf.data(), got);
    size_t keep = more ? std::min(window.size(), kTokenLength + 1) : 0;
    size_t scan_end = window.size() - keep;  // a start before this has its whole token here
    FindTokens(window, line, [&](uint64_t at, std::string_view token) {
      size_t offset = static_cast<size_t>(token.data() - window.data());
      if (offset < tried || offset >= scan_end) return;
      std::string plaintext(token);
      result->found.push_back(
          {name, at, plaintext.substr(4, kTokenPrefixLength), HashToken(plaintext)});
      if (std::find(result->tokens.begin(), result->tokens.end(), plaintext) ==
          result->tokens.end()) {
        result->tokens.push_back(std::move(plaintext));
      }
    });
    if (scan_end == 0) continue;
    size_t cut = scan_end - 1;
    line += static_cast<uint64_t>(
        std::count(window.begin(), window.begin() + static_cast<std::ptrdiff_t>(cut), '\n'));
    window.erase(0, cut);
    tried = 1;
  }
  if (in.bad()) {
    io.err << "wit-audit: warning: could not read all of " << ForTerminal(name) << "\n";
    ++result->unreadable;
  }
  ++result->files;
}

void ScanPath(const std::string& path, ScanResult* result, AuditIo& io) {
  std::error_code ec;
  fs::file_status status = fs::status(path, ec);
  if (ec) {
    io.err << "wit-audit: warning: cannot read " << ForTerminal(path) << ": " << ec.message()
           << "\n";
    ++result->unreadable;
    return;
  }
  if (fs::is_directory(status)) {
    std::vector<std::string> files;
    fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec)) files.push_back(it->path().string());
    }
    if (ec) {
      io.err << "wit-audit: warning: cannot list all of " << ForTerminal(path) << ": "
             << ec.message() << "\n";
      ++result->unreadable;
    }
    std::sort(files.begin(), files.end());  // the same tree prints in the same order
    for (const std::string& f : files) ScanPath(f, result, io);
    return;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    io.err << "wit-audit: warning: cannot open " << ForTerminal(path) << "\n";
    ++result->unreadable;
    return;
  }
  ScanStream(in, path, result, io);
}

}  // namespace

void FindTokens(std::string_view text, uint64_t line,
                const std::function<void(uint64_t line, std::string_view token)>& found) {
  size_t counted = 0;  // lines counted up to here
  ForEachTokenIn(text, [&](size_t at) {
    line += static_cast<uint64_t>(std::count(text.begin() + counted, text.begin() + at, '\n'));
    counted = at;
    found(line, text.substr(at, kTokenLength));
  });
}

ScanResult RunScan(const ScanOptions& options, AuditIo& io) {
  ScanResult result;
  if (options.paths.empty()) {
    ScanStream(io.in, "-", &result, io);
  }
  for (const std::string& path : options.paths) {
    if (path == "-") {
      ScanStream(io.in, "-", &result, io);
    } else {
      ScanPath(path, &result, io);
    }
  }
  for (const FoundToken& t : result.found) {
    io.out << ForTerminal(t.file) << ":" << t.line << ": wit token prefix " << t.prefix
           << ", tokenHash " << t.hash << "\n";
  }
  io.out.flush();
  io.err << "wit-audit: scanned " << result.files << " files: " << result.found.size()
         << " tokens found"
         << (result.unreadable ? ", " + std::to_string(result.unreadable) + " paths unreadable"
                               : std::string())
         << "\n";
  return result;
}

Status RevokeFound(const std::vector<std::string>& tokens, const std::string& server,
                   const std::string& session, AuditIo& io) {
  StatusOr<ServerAddress> address = ParseServerUrl(server);
  if (!address.ok()) return address.status();
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Authorization", "Bearer " + session}, {"Content-Type", "application/json"}};
  auto refused = [](const HttpAnswer& a) {
    std::string why = ApiErrorMessage(a.body).value_or("HTTP " + std::to_string(a.status));
    if (a.status == 401 || a.status == 403) return Status::PermissionDenied(why);
    return Status::Unavailable(why);
  };
  std::vector<std::string> ids;
  size_t unknown = 0;
  for (const std::string& token : tokens) {
    JsonWriter w;
    w.BeginObject().Key("token").String(token).EndObject();
    StatusOr<HttpAnswer> a =
        HttpExchange(*address, "POST", "/api/admin/tokens/identify", w.Take(), headers);
    if (!a.ok()) return a.status();
    if (a->status == 404) {
      ++unknown;
      continue;
    }
    if (a->status != 200) return refused(*a);
    StatusOr<FlatObject> t = ParseFlatObject(a->body);
    const FlatValue* id = t.ok() ? t->Find("id") : nullptr;
    if (!id || id->type != FlatValue::Type::kString) {
      return Status::Unavailable("the server's identify answer holds no id");
    }
    ids.push_back(id->string);
  }
  int64_t revoked = 0;
  if (!ids.empty()) {
    JsonWriter w;
    w.BeginObject().Key("ids").StringArray(ids).Key("reason").String("leaked").EndObject();
    StatusOr<HttpAnswer> a =
        HttpExchange(*address, "POST", "/api/admin/tokens/revoke", w.Take(), headers);
    if (!a.ok()) return a.status();
    if (a->status != 200) return refused(*a);
    StatusOr<FlatObject> answer = ParseFlatObject(a->body);
    const FlatValue* n = answer.ok() ? answer->Find("revoked") : nullptr;
    if (!n || !n->is_integer)
      return Status::Unavailable("the server's revoke answer holds no count");
    revoked = n->integer;
  }
  io.err << "wit-audit: revoked " << revoked << " of " << tokens.size() << " tokens found ("
         << ids.size() - static_cast<size_t>(revoked) << " already revoked, " << unknown
         << " unknown to " << ForTerminal(address->url) << ")\n";
  return Status::OK();
}

}  // namespace wit
