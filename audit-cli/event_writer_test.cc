#include "audit-cli/event_writer.h"

#include <gtest/gtest.h>

#include <sstream>

#include "ledger/event_codec.h"

namespace wit {
namespace {

Event Use() {
  Event e;
  e.type = EventType::kUsed;
  e.event_id = "1b6a2a4e-1c0e-4f55-9f7b-6f1d2d3e4f50";
  e.occurred_at = *ParseRfc3339("2026-11-28T02:38:28.043Z");
  e.token_id = "6a1db225-0e17-46cd-bda2-1f075bc82acb";
  e.user_id = "alice";
  e.outcome = "denied";
  e.reason = "expired";
  e.user_agent = "curl/8.0, \"quoted\"\nnext";
  e.resource = "=HYPERLINK(\"http://evil\")";
  return e;
}

TEST(AppendCsvCellTest, QuotesOnlyWhenNeeded) {
  std::string line;
  AppendCsvCell(&line, "plain");
  EXPECT_EQ(line, "plain");
  line.clear();
  AppendCsvCell(&line, "a,b");
  EXPECT_EQ(line, "\"a,b\"");
  line.clear();
  AppendCsvCell(&line, "say \"hi\"\r\n");
  EXPECT_EQ(line, "\"say \"\"hi\"\"\r\n\"");
}

TEST(AppendCsvCellTest, DefusesFormulas) {
  for (const char* formula : {"=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"}) {
    std::string line;
    AppendCsvCell(&line, formula);
    EXPECT_EQ(line.substr(0, 2), "\"'") << formula;
  }
}

TEST(EventWriterTest, JsonlIsTheStoredRecord) {
  std::ostringstream out;
  auto w = EventWriter::Make(EventFormat::kJsonl, out);
  std::string stored = EncodeEvent(Use());
  w->Write(Use(), stored);
  EXPECT_EQ(out.str(), stored + "\n");
}

TEST(EventWriterTest, CsvHasHeaderAndOneRowPerEvent) {
  std::ostringstream out;
  auto w = EventWriter::Make(EventFormat::kCsv, out);
  w->Write(Use(), "");
  std::string text = out.str();
  EXPECT_EQ(text.substr(0, text.find("\r\n")), kCsvColumns);
  EXPECT_NE(text.find("\"curl/8.0, \"\"quoted\"\"\nnext\""), std::string::npos);
  EXPECT_NE(text.find("\"'=HYPERLINK(\"\"http://evil\"\")\""), std::string::npos);
}

TEST(EventWriterTest, TableShowsNoControlCharacters) {
  std::ostringstream out;
  auto w = EventWriter::Make(EventFormat::kTable, out);
  Event e = Use();
  e.user_agent = "x\x1b[2Jy";
  w->Write(e, "");
  std::string text = out.str();
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_NE(text.find("denied (expired)"), std::string::npos);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);  // header and one row
}

TEST(EventWriterTest, TableShowsWhereALeakWasReported) {
  std::ostringstream out;
  auto w = EventWriter::Make(EventFormat::kTable, out);
  Event e = Use();
  e.type = EventType::kRevoked;
  e.revoked_by = "github-secret-scanning";
  e.reason = "leaked";
  e.report_url = "https://github.com/acme/widgets/blob/abc/.env";
  e.report_source = "content";
  w->Write(e, "");
  EXPECT_NE(out.str().find("by=github-secret-scanning reason=leaked "
                           "report=https://github.com/acme/widgets/blob/abc/.env source=content"),
            std::string::npos)
      << out.str();
}

TEST(ParseEventFormatTest, KnowsTheFourFormats) {
  EXPECT_EQ(*ParseEventFormat("ocsf"), EventFormat::kOcsf);
  EXPECT_FALSE(ParseEventFormat("xml").ok());
}

}  // namespace
}  // namespace wit
