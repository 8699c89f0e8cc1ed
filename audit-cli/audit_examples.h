#ifndef WIT_AUDIT_CLI_AUDIT_EXAMPLES_H_
#define WIT_AUDIT_CLI_AUDIT_EXAMPLES_H_

// The examples each wit-audit subcommand's --help ends with.

namespace wit {

constexpr const char* kReplayExamples = R"(
Examples:
  wit-audit replay --data-dir ./wit-data --token-id 6f1c2a9e-0b7d-4f3e-9a51-2c8d7e4b1a00
  wit-audit replay --data-dir ./wit-data --user alice --type used --outcome denied --since 7d
  wit-audit replay --data-dir ./wit-data --since 2026-11-27T14:00:00Z --until 2026-11-27T15:00:00Z --format csv > window.csv
  printf '%s' "$LEAKED" | wit-audit replay --data-dir ./wit-data --token --format jsonl | jq .
  wit-audit replay --kafka-brokers kafka1:9092 --type revoked --follow
  wit-audit replay --data-dir ./wit-data --format ocsf > ocsf.jsonl
Times are RFC 3339 (2026-11-27T14:03:00Z), a date (2026-11-27), a span ago (7d, 12h, 30m) or now;
--since and --until are inclusive.
)";

constexpr const char* kTokensExamples = R"(
Examples:
  wit-audit tokens --data-dir ./wit-data --as-of 2026-11-27T14:03:00Z --token-id 6f1c2a9e-0b7d-4f3e-9a51-2c8d7e4b1a00
  wit-audit tokens --data-dir ./wit-data --as-of 2026-11-27T14:03:00Z --scope repo:write --status active
  wit-audit tokens --kafka-brokers kafka1:9092 --user alice --format json
The state at --as-of folds every event up to and including that instant, as the projector does.
)";

constexpr const char* kStatsExamples = R"(
Examples:
  wit-audit stats --data-dir ./wit-data
  wit-audit stats --data-dir ./wit-data --unused-since 30d --expiring-within 14d --format json
  wit-audit stats --kafka-brokers kafka1:9092 --user alice
)";

constexpr const char* kVerifyExamples = R"(
Examples:
  curl -s 'http://witd:8080/api/log/checkpoint?stream=log' > cp-monday
  witd log public-key --data-dir ./wit-data > log.pub
  wit-audit verify --data-dir ./wit-data --checkpoint cp-monday --public-key log.pub
  wit-audit verify --kafka-brokers kafka1:9092 --checkpoint cp-p0 --checkpoint cp-p1 \
      --public-key 'wit-ledger+e7c6eb6e+AepK...'
  wit-audit verify --data-dir ./wit-data --checkpoint ./witness-state --public-key log.pub \
      --server http://witd:8080
Without --checkpoint it prints each stream's size and root. Exits 1 when the log disagrees with
a checkpoint: a record deleted, changed, swapped or added before it, or a log cut short of it.
--checkpoint takes files or dirs of them (a witness's state dir). The first record that differs
is named with inclusion proofs, from --server or else the data dir's view, checked against the
signed root.
)";

constexpr const char* kProveExamples = R"(
Examples:
  wit-audit prove --data-dir ./wit-data --event-id 0d6e... --server http://witd:8080 --out e.proof
  wit-audit prove --kafka-brokers kafka1:9092 --event-id 0d6e... --checkpoint cp-p0 > e.proof
  wit-audit verify-proof e.proof --public-key 'wit-ledger+e7c6eb6e+AepK...'
The bundle holds the record as stored, its inclusion proof and the signed checkpoint: the one
given that covers it (the smallest), or witd's latest. verify-proof needs nothing else.
)";

constexpr const char* kWitnessExamples = R"(
Examples:
  wit-audit witness --server http://witd:8080 --state /var/lib/wit-witness --public-key log.pub
  */5 * * * * wit-audit witness --server http://witd:8080 --state /var/lib/wit-witness
  wit-audit witness --server http://witd:8080 --state /var/lib/wit-witness --interval 60
Keeps each stream's latest checkpoint proven consistent with the ones before, cosigned with
its own key (state/witness.pub). Exits 3 with an ALARM naming the stream and both sizes when
the log's history was rewritten, forked or shrank, and keeps the evidence in state/evidence/.
)";

constexpr const char* kHashExamples = R"(
Example:
  printf '%s' "$LEAKED" | wit-audit hash
Prints the tokenHash (lowercase hex SHA-256) to search for in other systems.
)";

constexpr const char* kScanExamples = R"(
Examples:
  wit-audit scan ~/src/project            # every file below, recursively
  git log -p | wit-audit scan             # stdin
  wit-audit scan build.log ci/ -
Prints FILE:LINE, the prefix and the tokenHash of each wit token whose checksum holds, never the
token. Exit status: 0 none found, 1 found some, 2 a path could not be read (and none found).
Look one up with: wit-audit replay --data-dir ./wit-data --token-hash HASH
)";

}  // namespace wit

#endif  // WIT_AUDIT_CLI_AUDIT_EXAMPLES_H_
