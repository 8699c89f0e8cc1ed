#include "audit-cli/event_writer.h"

#include <iterator>

#include "audit-cli/ocsf.h"
#include "base/text_table.h"

namespace wit {
namespace {

void AppendPadded(std::string* line, std::string_view cell, size_t width) {
  *line += cell;
  *line += std::string(cell.size() < width ? width - cell.size() + 2 : 2, ' ');
}

// Details is the table's last column: what the event says beyond who and when.
std::string Details(const Event& e) {
  std::string d;
  auto add = [&d](const char* key, const std::optional<std::string>& v) {
    if (v) d += std::string(" ") + key + "=" + *v;
  };
  switch (e.type) {
    case EventType::kCreated:
      d = "name=\"" + e.name + "\" prefix=" + e.prefix + " scopes=" + JoinCells(e.scopes, ",") +
          " expires=" + FormatRfc3339Or(e.expires_at, "never");
      add("rotatedFrom", e.rotated_from);
      break;
    case EventType::kRevoked:
      d = "by=" + e.revoked_by;
      add("reason", e.reason);
      add("report", e.report_url);
      add("source", e.report_source);
      break;
    case EventType::kUsed:
      d = e.outcome;
      if (e.reason) d += " (" + *e.reason + ")";
      add("scope", e.scope);
      add("service", e.service);
      add("ip", e.ip);
      add("action", e.action);
      add("resource", e.resource);
      if (e.user_agent) d += " agent=\"" + *e.user_agent + "\"";
      break;
  }
  return d;
}

class TableWriter : public EventWriter {
 public:
  explicit TableWriter(std::ostream& out) : out_(out) {
    std::string header;
    AppendPadded(&header, "TIME", 24);
    AppendPadded(&header, "TYPE", 7);
    AppendPadded(&header, "TOKEN", 36);
    AppendPadded(&header, "USER", 12);
    header += "DETAILS\n";
    out_ << header;
  }

  void Write(const Event& e, std::string_view) override {
    std::string line;
    AppendPadded(&line, FormatRfc3339(e.occurred_at), 24);
    AppendPadded(&line, EventTypeShortName(e.type), 7);
    AppendPadded(&line, ForTerminal(e.token_id), 36);
    AppendPadded(&line, ForTerminal(e.user_id), 12);
    line += ForTerminal(Details(e));
    line += '\n';
    out_ << line;
  }

 private:
  std::ostream& out_;
};

class JsonlWriter : public EventWriter {
 public:
  explicit JsonlWriter(std::ostream& out) : out_(out) {}
  void Write(const Event&, std::string_view payload) override {
    out_.write(payload.data(), static_cast<std::streamsize>(payload.size()));
    out_.put('\n');
  }

 private:
  std::ostream& out_;
};

class CsvWriter : public EventWriter {
 public:
  explicit CsvWriter(std::ostream& out) : out_(out) { out_ << kCsvColumns << "\r\n"; }

  void Write(const Event& e, std::string_view) override {
    auto opt = [](const std::optional<std::string>& v) { return v.value_or(""); };
    bool created = e.type == EventType::kCreated;
    const std::string cells[] = {
        FormatRfc3339(e.occurred_at),
        EventTypeName(e.type),
        e.event_id,
        e.token_id,
        e.user_id,
        e.outcome,
        opt(e.reason),
        opt(e.scope),
        opt(e.service),
        opt(e.ip),
        opt(e.user_agent),
        opt(e.action),
        opt(e.resource),
        e.name,
        e.prefix,
        e.token_hash,
        JoinCells(e.scopes, " "),
        created ? FormatRfc3339Or(e.expires_at, "") : "",
        e.revoked_by,
    };
    std::string line;
    for (size_t i = 0; i < std::size(cells); ++i) {
      if (i > 0) line += ',';
      AppendCsvCell(&line, cells[i]);
    }
    line += "\r\n";
    out_ << line;
  }

 private:
  std::ostream& out_;
};

class OcsfWriter : public EventWriter {
 public:
  explicit OcsfWriter(std::ostream& out) : out_(out) {}
  void Write(const Event& e, std::string_view) override { out_ << ToOcsf(e) << '\n'; }

 private:
  std::ostream& out_;
};

}  // namespace

StatusOr<EventFormat> ParseEventFormat(std::string_view name) {
  if (name == "table") return EventFormat::kTable;
  if (name == "jsonl") return EventFormat::kJsonl;
  if (name == "csv") return EventFormat::kCsv;
  if (name == "ocsf") return EventFormat::kOcsf;
  return Status::InvalidArgument("unknown format \"" + std::string(name) +
                                 "\"; use table, jsonl, csv or ocsf");
}

std::unique_ptr<EventWriter> EventWriter::Make(EventFormat format, std::ostream& out) {
  switch (format) {
    case EventFormat::kTable: return std::make_unique<TableWriter>(out);
    case EventFormat::kJsonl: return std::make_unique<JsonlWriter>(out);
    case EventFormat::kCsv: return std::make_unique<CsvWriter>(out);
    case EventFormat::kOcsf: return std::make_unique<OcsfWriter>(out);
  }
  return nullptr;
}

void AppendCsvCell(std::string* line, std::string_view value) {
  bool formula = !value.empty() && (value[0] == '=' || value[0] == '+' || value[0] == '-' ||
                                    value[0] == '@' || value[0] == '\t' || value[0] == '\r');
  bool quote = formula || value.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote) {
    *line += value;
    return;
  }
  *line += '"';
  if (formula) *line += '\'';
  for (char c : value) {
    if (c == '"') *line += '"';
    *line += c;
  }
  *line += '"';
}

}  // namespace wit
