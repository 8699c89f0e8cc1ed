#!/usr/bin/env bash
# audit_bench.sh: how fast wit-audit answers an investigation's queries over a large ledger,
# against jq over the same events as a JSONL file, in the same run.
#
# For each size (1M and 10M events by default) bench_audit_gen writes one generated ledger
# twice: as witd's embedded log (with its index) and as events.jsonl. Then, each query is timed
# with wit-audit and with jq, and their outputs must be byte-identical (exit 1 if not):
#   token:   replay --token-id X --format jsonl            jq -c 'select(.tokenId=="X")'
#            once through the index, once with --no-index (a full scan of the log)
#   user:    replay --user U --format jsonl                 jq -c 'select(.userId=="U")'
#   revoked: replay --type revoked --format jsonl (scan)    jq -c 'select(.type=="token.revoked")'
#   verify:  wit-audit verify (the Merkle tree of every record), against the scan and sha256sum
# Goals: a full scan at least 10x faster than jq; a token query under 1 s on 10M events.
#
#   bench/audit_bench.sh [BIN_DIR]       BIN_DIR defaults to build/bin
#   env: SIZES ("1000000 10000000")     QUICK=1 uses SIZES=100000
set -euo pipefail

BIN_DIR=${1:-build/bin}
if [[ ${QUICK:-0} == 1 ]]; then SIZES=${SIZES:-100000}; fi
SIZES=${SIZES:-1000000 10000000}
GOAL_SCAN_RATIO=10

command -v jq >/dev/null || { echo "audit_bench: jq is not installed (make bench installs it)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/wit-bench-audit.XXXXXX")
trap 'rm -rf "$work"' EXIT
failed=0

# calc EXPR: prints EXPR evaluated by awk with three decimals (1 for true, 0 for false).
calc() { awk "BEGIN { printf \"%.3f\", ($1) }"; }

# seconds COMMAND...: runs COMMAND with stdout to $work/out and prints its wall time in seconds.
seconds() {
  local start end
  start=$(date +%s%N)
  "$@" >"$work/out"
  end=$(date +%s%N)
  calc "($end - $start) / 1e9"
}

# compare LABEL AUDIT_ARGS JQ_FILTER: times both, checks they print the same, reports the ratio.
compare() {
  local label=$1 args=$2 filter=$3 t_audit t_jq lines
  # Each side's input is read into the page cache just before it runs: this machine reclaims
  # cold page cache, so jq's pass over the JSONL evicts the log and the other way round.
  cat "$dir"/data/log/* >/dev/null
  # shellcheck disable=SC2086
  t_audit=$(seconds "$BIN_DIR/wit-audit" replay --data-dir "$dir/data" $args --format jsonl)
  mv "$work/out" "$work/audit.out"
  cat "$dir/events.jsonl" >/dev/null
  t_jq=$(seconds jq -c "$filter" "$dir/events.jsonl")
  lines=$(wc -l <"$work/out")
  if ! cmp -s "$work/out" "$work/audit.out"; then
    echo "  $label: wit-audit and jq printed different events" >&2
    failed=1
  fi
  printf '  %-34s %8.3f s   jq %8.3f s   ratio %7.1fx   (%s events)\n' "$label" "$t_audit" "$t_jq" \
    "$(calc "$t_jq / $t_audit")" "$lines"
  echo "$t_audit $t_jq" >"$work/last"
}

for events in $SIZES; do
  dir="$work/$events"
  mkdir -p "$dir"
  echo "== wit-audit vs jq, $events events =="
  gen_start=$(date +%s)
  picked=$("$BIN_DIR/bench_audit_gen" --events "$events" --out "$dir")
  read -r token token_events < <(awk '$1 == "token" { print $2, $3 }' <<<"$picked")
  read -r user user_events < <(awk '$1 == "user" { print $2, $3 }' <<<"$picked")
  echo "  generated in $(( $(date +%s) - gen_start )) s: log+index $(du -sh "$dir/data/log" | cut -f1), events.jsonl $(du -sh "$dir/events.jsonl" | cut -f1); token $token ($token_events events), $user ($user_events events)"

  compare "replay --token-id (index)" "--token-id $token" "select(.tokenId==\"$token\")"
  read -r t_index _ <"$work/last"
  compare "replay --token-id --no-index (scan)" "--token-id $token --no-index" "select(.tokenId==\"$token\")"
  read -r t_scan t_jq <"$work/last"
  compare "replay --user (index)" "--user $user" "select(.userId==\"$user\")"
  compare "replay --type revoked (scan)" "--type revoked" "select(.type==\"token.revoked\")"
  read -r t_scan2 t_jq2 <"$work/last"

  ratio=$(calc "$t_jq / $t_scan")
  met=$(calc "$ratio >= $GOAL_SCAN_RATIO")
  printf '  full scan for one token: %.1fx jq (goal >= %dx): goal %s\n' "$ratio" "$GOAL_SCAN_RATIO" \
    "$([[ $met == 1.000 ]] && echo met || echo missed)"
  ratio2=$(calc "$t_jq2 / $t_scan2")
  met=$(calc "$ratio2 >= $GOAL_SCAN_RATIO")
  printf '  full scan for revocations: %.1fx jq (goal >= %dx): goal %s\n' "$ratio2" "$GOAL_SCAN_RATIO" \
    "$([[ $met == 1.000 ]] && echo met || echo missed)"
  # wit-audit verify hashes every record (RFC 6962 leaves and nodes) on the same read as the
  # scan: its cost is the tree's, against the scan's and against sha256sum over the log's files
  # (one SHA-256 pass over the same bytes and more, with no tree).
  cat "$dir"/data/log/* >/dev/null
  t_verify=$(seconds "$BIN_DIR/wit-audit" verify --data-dir "$dir/data")
  t_sha=$(seconds sh -c "cat '$dir'/data/log/*.sst | sha256sum")
  printf '  %-34s %8.3f s   %s events/s   scan / verify %.2fx   sha256sum of the log files %.3f s\n' \
    "verify (the tree of every record)" "$t_verify" "$(calc "$events / $t_verify" | cut -d. -f1)" \
    "$(calc "$t_scan / $t_verify")" "$t_sha"
  if ((events >= 10000000)); then
    met=$(calc "$t_index < 1")
    printf '  token query on %d events: %.3f s (goal < 1 s): goal %s\n' "$events" "$t_index" \
      "$([[ $met == 1.000 ]] && echo met || echo missed)"
  fi
  rm -rf "$dir"
done
exit "$failed"
