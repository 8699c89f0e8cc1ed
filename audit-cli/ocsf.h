#ifndef WIT_AUDIT_CLI_OCSF_H_
#define WIT_AUDIT_CLI_OCSF_H_

#include <string>

#include "ledger/event.h"

namespace wit {

// kOcsfVersion is the OCSF schema version the mapping follows.
inline constexpr const char* kOcsfVersion = "1.1.0";

// ToOcsf maps one ledger event to one OCSF event as compact JSON (the field list is in
// README.md, "wit-audit"):
//  - token.used → Authentication (class_uid 3002, category_uid 3), activity Logon (1),
//    status Success (1) or Failure (2) with status_detail = the denial reason;
//  - token.created → API Activity (class_uid 6003, category_uid 6), activity Create (1);
//  - token.revoked → API Activity, activity Delete (4).
// Every event has the base attributes OCSF requires (activity_id, category_uid, class_uid,
// metadata.product, metadata.version, severity_id, time, type_uid) and those its class requires
// (Authentication: user; API Activity: actor, api.operation, src_endpoint). The ledger's
// eventId is metadata.uid, so a SIEM can join back to the jsonl record.
std::string ToOcsf(const Event& event);

}  // namespace wit

#endif  // WIT_AUDIT_CLI_OCSF_H_
