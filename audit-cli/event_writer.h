#ifndef WIT_AUDIT_CLI_EVENT_WRITER_H_
#define WIT_AUDIT_CLI_EVENT_WRITER_H_

#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "base/status.h"
#include "ledger/event.h"

namespace wit {

enum class EventFormat { kTable, kJsonl, kCsv, kOcsf };

// ParseEventFormat reads --format: "table", "jsonl", "csv" or "ocsf".
StatusOr<EventFormat> ParseEventFormat(std::string_view name);

// EventWriter prints the events `wit-audit replay` selects, one at a time as they are found
// (so --follow can stream), in one format:
//  - table: fixed columns TIME, TYPE, TOKEN, USER, DETAILS; control characters shown as '?';
//  - jsonl: each record exactly as stored, one a line;
//  - csv: RFC 4180 with a header row (kCsvColumns); a cell that a spreadsheet would run as a
//    formula (starting with = + - @, tab or CR) gets a leading apostrophe;
//  - ocsf: one OCSF event a line (see ocsf.h).
class EventWriter {
 public:
  virtual ~EventWriter() = default;

  // Write prints `event`, whose stored form is `payload`.
  virtual void Write(const Event& event, std::string_view payload) = 0;

  static std::unique_ptr<EventWriter> Make(EventFormat format, std::ostream& out);
};

// kCsvColumns is the header row of --format csv, in order.
inline constexpr const char* kCsvColumns =
    "occurredAt,type,eventId,tokenId,userId,outcome,reason,scope,service,ip,userAgent,action,"
    "resource,name,prefix,tokenHash,scopes,expiresAt,revokedBy";

// AppendCsvCell appends `value` to *line as one CSV cell: quoted when it holds a comma, quote,
// CR or LF, and defused (see EventWriter) when a spreadsheet would read it as a formula.
void AppendCsvCell(std::string* line, std::string_view value);

}  // namespace wit

#endif  // WIT_AUDIT_CLI_EVENT_WRITER_H_
