#!/usr/bin/env bash
# forward_bench.sh: per-decision latency of forward auth (GET /api/auth/forward, as nginx's
# auth_request asks it: Basic credentials, X-Original-Method/URI of a git fetch), beside
# POST /api/tokens/verify and a hello server, all in the same run with the same wrk settings
# (16 connections by default). witd runs --use-audit sync, so both verify and forward answer
# only once the use is durable; forward records durably in any mode.
# Checks (exit 1 if one fails): no answer >= 400 and no socket error in any run; one allowed
# decision counted per request. Goal: forward p99 <= 10 ms (verify's goal).
#
#   bench/forward_bench.sh [BIN_DIR]            BIN_DIR defaults to build/bin
#   env: DURATION (seconds, 15)  TOKENS (100)  THREADS (2)  CONNECTIONS (16)
set -euo pipefail

BIN_DIR=${1:-build/bin}
DURATION=${DURATION:-15}
TOKENS=${TOKENS:-100}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}

BENCH=forward_bench
work=$(mktemp -d "${TMPDIR:-/tmp}/wit-bench-forward.XXXXXX")
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

# write_forward_lua SERVICE_SESSION: the wrk script asking about a git fetch, rotating tokens
# sent as git sends them (Basic, the token as the password).
write_forward_lua() {
  {
    echo "local auth = {"
    while read -r token; do
      printf '  "Basic %s",\n' "$(printf 'git:%s' "$token" | base64 -w0)"
    done <"$work/tokens"
    echo "}"
    cat <<LUA
local n = 0
wrk.method = "GET"
wrk.headers["X-Wit-Service-Credential"] = "$1"
wrk.headers["X-Original-Method"] = "GET"
wrk.headers["X-Original-URI"] = "/git/bench/repo.git/info/refs?service=git-upload-pack"
wrk.headers["X-Real-IP"] = "198.51.100.7"
request = function()
  n = n % #auth + 1
  wrk.headers["Authorization"] = auth[n]
  return wrk.format(nil, "/api/auth/forward")
end
LUA
    lua_done
  } >"$work/forward.lua"
}

row() {  # row LABEL NAME
  printf '  %-32s %12s %9s ms %9s ms\n' "$1" \
    "$(calc "$(fig "$2" requests) / ($(fig "$2" duration_us) / 1e6)")" \
    "$(calc "$(fig "$2" p50_us) / 1000" 2)" "$(calc "$(fig "$2" p99_us) / 1000" 2)"
}

main() {
  [[ -x $BIN_DIR/witd && -x $BIN_DIR/bench_hello_server ]] ||
    die "$BIN_DIR must hold witd and bench_hello_server (build first)"
  command -v wrk >/dev/null || die "wrk is missing: scripts/install-deps.sh --bench"
  command -v jq >/dev/null || die "jq is missing: scripts/install-deps.sh"

  echo "== forward_bench: GET /api/auth/forward and POST /api/tokens/verify, against a hello server =="
  start_witd
  local user service
  user=$("$BIN_DIR/witd" session issue --user bench --data-dir "$work/data")
  service=$("$BIN_DIR/witd" session issue --service bench --data-dir "$work/data")
  create_tokens "$user"
  write_verify_lua "$service"
  write_forward_lua "$service"
  echo "witd on 127.0.0.1:$witd_port with $TOKENS active tokens"
  run_wrk forward "http://127.0.0.1:$witd_port/api/auth/forward" "$work/forward.lua"
  check_witd_alive
  run_wrk verify "http://127.0.0.1:$witd_port/api/tokens/verify" "$work/verify.lua"
  check_witd_alive
  local allowed
  allowed=$(curl -fsS "http://127.0.0.1:$witd_port/metrics" |
    awk '$1 == "wit_forward_auth_total{decision=\"allowed\"}" { n = $2 } END { print n + 0 }')
  stop_witd
  start_hello
  run_wrk hello "http://127.0.0.1:$hello_port/" "$work/hello.lua"

  echo "results (wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s)"
  printf '  %-32s %12s %12s %12s\n' "" "requests/s" "p50" "p99"
  row "forward auth (witd)" forward
  row "verify (witd, audit sync)" verify
  row "hello (baseline)" hello
  echo "ratio against the same run"
  printf '  %-40s %s x\n' "forward / verify requests/s" \
    "$(calc "$(fig forward requests) * $(fig verify duration_us) / ($(fig verify requests) * $(fig forward duration_us))" 3)"
  printf '  %-40s %s x\n' "forward / verify p99" \
    "$(calc "$(fig forward p99_us) / $(fig verify p99_us)" 3)"
  printf '  %-40s %s x\n' "forward / hello requests/s" \
    "$(calc "$(fig forward requests) * $(fig hello duration_us) / ($(fig hello requests) * $(fig forward duration_us))" 3)"
  echo "checks"
  local name
  for name in forward verify hello; do
    check "$name answers >= 400 / socket errors" \
      "$(fig $name status_errors) / $(fig $name socket_errors)" \
      "$(($(fig $name status_errors) + $(fig $name socket_errors) == 0))"
  done
  check "forward decisions allowed / wrk requests" "$allowed / $(fig forward requests)" \
    "$((allowed >= $(fig forward requests)))"
  echo "goals"
  local f_p99
  f_p99=$(calc "$(fig forward p99_us) / 1000" 2)
  goal "forward p99 <= 10 ms" "$f_p99 ms" "$(awk "BEGIN { print ($f_p99 <= 10) }")"
  return "$checks_failed"
}

main
