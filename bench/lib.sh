# bench/lib.sh: what the wrk benchmarks share (sourced, not run). They set, before sourcing:
#   BENCH (their name, for messages), BIN_DIR, work (a scratch dir), pids (an array of the
#   processes to stop), checks_failed=0, THREADS, CONNECTIONS, DURATION, and for the witd
#   helpers TOKENS.

die() {
  echo "$BENCH: $*" >&2
  exit 1
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_ready URL: polls until URL answers 2xx (30 s at most).
wait_ready() {
  local _
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

start_hello() {
  "$BIN_DIR/bench_hello_server" --listen 127.0.0.1:0 2>"$work/hello.log" &
  hello_pid=$!
  pids+=("$hello_pid")
  local _
  for _ in $(seq 1 100); do
    hello_port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/hello.log")
    [[ -n $hello_port ]] && return 0
    sleep 0.1
  done
  die "bench_hello_server did not start: $(cat "$work/hello.log")"
}

# start_witd [EXTRA_ARGS...]: witd on a fresh data dir ($work/data), with the given flags and
# --use-audit $USE_AUDIT (sync unless set).
start_witd() {
  witd_port=$(free_port)
  rm -rf "$work/data"
  "$BIN_DIR/witd" serve --listen "127.0.0.1:$witd_port" --data-dir "$work/data" \
    --use-audit "${USE_AUDIT:-sync}" "$@" 2>"$work/witd.log" &
  witd_pid=$!
  pids+=("$witd_pid")
  wait_ready "http://127.0.0.1:$witd_port/readyz" || {
    cat "$work/witd.log" >&2
    die "witd did not become ready"
  }
}

# check_witd_alive: dies with witd's exit status and log if witd is no longer running.
check_witd_alive() {
  kill -0 "$witd_pid" 2>/dev/null && return 0
  local status=0
  wait "$witd_pid" || status=$?
  tail -n 20 "$work/witd.log" >&2
  die "witd died during the run (exit status $status; 134 = SIGABRT, 139 = SIGSEGV)"
}

stop_witd() {
  kill -TERM "$witd_pid"
  wait "$witd_pid" || die "witd exited with status $? on SIGTERM"
}

# create_tokens SESSION: creates TOKENS tokens and writes them, one a line, to $work/tokens.
create_tokens() {
  local i token
  : >"$work/tokens"
  for ((i = 0; i < TOKENS; i++)); do
    token=$(curl -fsS -X POST "http://127.0.0.1:$witd_port/api/tokens" \
      -H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
      -d "{\"name\":\"bench-$i\"}" | jq -r '.token // empty')
    [[ $token == wit_* ]] || die "creating token $i failed"
    echo "$token" >>"$work/tokens"
  done
}

# write_verify_lua SERVICE_SESSION: the wrk script POSTing verify requests, rotating tokens.
write_verify_lua() {
  {
    echo "local tokens = {"
    sed 's/.*/  "&",/' "$work/tokens"
    echo "}"
    cat <<LUA
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $1"
request = function()
  n = n % #tokens + 1
  return wrk.format(nil, "/api/tokens/verify", nil,
                    '{"token":"' .. tokens[n] .. '","scope":"repo:read"}')
end
LUA
    lua_done
  } >"$work/verify.lua"
  lua_done >"$work/hello.lua"
}

# The done() hook shared by both wrk scripts: one machine-readable line with the figures.
lua_done() {
  cat <<'LUA'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_RESULT requests=%.0f duration_us=%.0f status_errors=%.0f socket_errors=%.0f p50_us=%.0f p99_us=%.0f\n",
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
LUA
}

# run_wrk NAME URL SCRIPT [THREADS CONNECTIONS]: runs wrk, shows its report indented, keeps the
# figures in $work/NAME.
run_wrk() {
  local threads=${4:-$THREADS} connections=${5:-$CONNECTIONS}
  echo "wrk -t$threads -c$connections -d${DURATION}s --latency $2"
  wrk -t"$threads" -c"$connections" -d"${DURATION}s" --latency -s "$3" "$2" >"$work/$1.out" ||
    die "wrk against $2 failed: $(cat "$work/$1.out")"
  grep -v '^WRK_RESULT' "$work/$1.out" | sed 's/^/    /'
  grep '^WRK_RESULT' "$work/$1.out" | sed 's/^WRK_RESULT //' >"$work/$1.fig"
}

# cpu_ticks PID: the CPU time (user + system) process PID has used so far, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# fig NAME KEY: one figure from run_wrk's line.
fig() { tr ' ' '\n' <"$work/$1.fig" | sed -n "s/^$2=//p"; }

calc() { awk "BEGIN { printf \"%.${2:-1}f\", $1 }"; }

# rps NAME: requests/s of wrk run NAME.
rps() { calc "$(fig "$1" requests) / ($(fig "$1" duration_us) / 1e6)"; }

# check_clean DESCRIPTION NAME: checks that wrk run NAME had no answer >= 400 and no socket error.
check_clean() {
  check "$1" "$(fig "$2" status_errors) / $(fig "$2" socket_errors)" \
    "$(($(fig "$2" status_errors) + $(fig "$2" socket_errors) == 0))"
}

check() {  # check DESCRIPTION MEASURED OK(0|1)
  if [[ $3 == 1 ]]; then
    printf '  %-40s %-24s ok\n' "$1" "$2"
  else
    printf '  %-40s %-24s CHECK FAILED\n' "$1" "$2"
    checks_failed=1
  fi
}

goal() {  # goal DESCRIPTION MEASURED MET(0|1)
  printf '  goal %-40s %-14s %s\n' "$1:" "$2" "$([[ $3 == 1 ]] && echo 'goal met' || echo 'goal missed')"
}

