#!/usr/bin/env bash
# proof_bench.sh: latency and throughput of the verifiable log's proofs on a real witd over a
# generated ledger of EVENTS records (bench_audit_gen): GET /api/log/proof/inclusion for a
# random record against the whole tree, and GET /api/log/proof/consistency from a random size
# to the whole tree, each answered from the view's stored nodes. wrk drives them with
# keep-alive connections.
#
# Baseline, same run and same wrk settings: bench_hello_server, what HTTP alone costs.
# Also printed: how long witd took to rebuild the view (with the tree) before the first
# checkpoint of the whole log was signed.
# Goals: proof p99 <= 10 ms; proofs/s >= 0.5 x hello's.
# Checks (exit 1 if one fails): no answer >= 400 and no socket error; one proof fetched with
# curl verifies with wit-audit verify-proof's code path (wit-audit prove, against the server).
#
#   bench/proof_bench.sh [BIN_DIR]        BIN_DIR defaults to build/bin
#   env: EVENTS (1000000)  DURATION (seconds, 15)  THREADS (2)  CONNECTIONS (64)
set -euo pipefail

BIN_DIR=${1:-build/bin}
EVENTS=${EVENTS:-1000000}
DURATION=${DURATION:-15}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
GOAL_RATIO=0.5
GOAL_P99_MS=10

BENCH=proof_bench
work=$(mktemp -d "${TMPDIR:-/tmp}/wit-bench-proof.XXXXXX")
pids=()
checks_failed=0
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# write_proof_lua KIND: the wrk script asking for a random proof of that kind in the tree of
# EVENTS records.
write_proof_lua() {
  {
    cat <<LUA
local n = $EVENTS
math.randomseed(6962)
request = function()
LUA
    if [[ $1 == inclusion ]]; then
      echo '  return wrk.format("GET", "/api/log/proof/inclusion?stream=log&index=" .. math.random(0, n - 1) .. "&size=" .. n)'
    else
      echo '  return wrk.format("GET", "/api/log/proof/consistency?stream=log&from=" .. math.random(1, n) .. "&to=" .. n)'
    fi
    echo "end"
    lua_done
  } >"$work/$1.lua"
}

rps() { calc "$(fig "$1" requests) / ($(fig "$1" duration_us) / 1e6)"; }
ms() { calc "$(fig "$1" "$2") / 1000" 2; }

main() {
  [[ -x $BIN_DIR/witd && -x $BIN_DIR/bench_hello_server && -x $BIN_DIR/bench_audit_gen ]] ||
    die "$BIN_DIR must hold witd, bench_audit_gen and bench_hello_server (build first)"
  command -v wrk >/dev/null || die "wrk is missing: scripts/install-deps.sh --bench"

  echo "== proof_bench: inclusion and consistency proofs over $EVENTS records, against a hello server =="
  "$BIN_DIR/bench_audit_gen" --events "$EVENTS" --out "$work/gen" >/dev/null
  rm -f "$work/gen/events.jsonl"
  local port start
  port=$(free_port)
  start=$(date +%s%N)
  "$BIN_DIR/witd" serve --listen "127.0.0.1:$port" --data-dir "$work/gen/data" 2>"$work/witd.log" &
  pids+=("$!")
  local _ note=""
  for _ in $(seq 1 6000); do
    note=$(curl -fsS "http://127.0.0.1:$port/api/log/checkpoint?stream=log" 2>/dev/null || true)
    [[ $(sed -n 2p <<<"$note") == "$EVENTS" ]] && break
    sleep 0.1
  done
  [[ $(sed -n 2p <<<"$note") == "$EVENTS" ]] || die "no checkpoint of $EVENTS records: $(tail -3 "$work/witd.log")"
  local rebuilt
  rebuilt=$(calc "($(date +%s%N) - $start) / 1e9" 1)
  echo "witd on 127.0.0.1:$port: view and tree of $EVENTS records rebuilt and signed in $rebuilt s"

  write_proof_lua inclusion
  write_proof_lua consistency
  run_wrk inclusion "http://127.0.0.1:$port/api/log/proof/inclusion" "$work/inclusion.lua"
  run_wrk consistency "http://127.0.0.1:$port/api/log/proof/consistency" "$work/consistency.lua"

  # One proof through wit-audit: the proof bundle of the middle record verifies offline.
  "$BIN_DIR/witd" log public-key --data-dir "$work/gen/data" >"$work/log.pub"
  local event_id
  event_id=$("$BIN_DIR/wit-audit" replay --data-dir "$work/gen/data" --format jsonl --type used |
    sed -n 1p | sed 's/.*"eventId":"\([^"]*\)".*/\1/')
  if "$BIN_DIR/wit-audit" prove --data-dir "$work/gen/data" --event-id "$event_id" \
      --server "http://127.0.0.1:$port" --out "$work/e.proof" 2>/dev/null &&
    "$BIN_DIR/wit-audit" verify-proof "$work/e.proof" --public-key "$work/log.pub" >/dev/null; then
    proof_ok=1
  else
    proof_ok=0
  fi

  start_hello
  lua_done >"$work/hello.lua"
  run_wrk hello "http://127.0.0.1:$hello_port/" "$work/hello.lua"

  local i_rps c_rps h_rps
  i_rps=$(rps inclusion) c_rps=$(rps consistency) h_rps=$(rps hello)
  echo "results (wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, tree of $EVENTS records)"
  printf '  %-30s %12s %12s %12s\n' "" "requests/s" "p50" "p99"
  printf '  %-30s %12s %9s ms %9s ms\n' "inclusion proof" "$i_rps" "$(ms inclusion p50_us)" "$(ms inclusion p99_us)"
  printf '  %-30s %12s %9s ms %9s ms\n' "consistency proof" "$c_rps" "$(ms consistency p50_us)" "$(ms consistency p99_us)"
  printf '  %-30s %12s %9s ms %9s ms\n' "hello (baseline)" "$h_rps" "$(ms hello p50_us)" "$(ms hello p99_us)"
  echo "ratio against the baseline"
  printf '  %-40s %s x\n' "inclusion / hello requests/s" "$(calc "$i_rps / $h_rps" 3)"
  printf '  %-40s %s x\n' "consistency / hello requests/s" "$(calc "$c_rps / $h_rps" 3)"
  echo "checks"
  local k
  for k in inclusion consistency hello; do
    check "$k: answers >= 400 / socket errors" "$(fig $k status_errors) / $(fig $k socket_errors)" \
      "$(($(fig $k status_errors) + $(fig $k socket_errors) == 0))"
  done
  check "a proof bundle from the server verifies" "$proof_ok" "$proof_ok"
  echo "goals"
  local p99
  for k in inclusion consistency; do
    p99=$(ms $k p99_us)
    goal "$k p99 <= $GOAL_P99_MS ms" "$p99 ms" "$(awk "BEGIN { print ($p99 <= $GOAL_P99_MS) }")"
  done
  goal "inclusion/hello >= $GOAL_RATIO" "$(calc "$i_rps / $h_rps" 3) x" \
    "$(awk "BEGIN { print ($i_rps / $h_rps >= $GOAL_RATIO) }")"
  return "$checks_failed"
}

main
