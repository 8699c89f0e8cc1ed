#!/usr/bin/env bash
# verify_bench.sh: throughput and latency of POST /api/tokens/verify on a real witd with
# --use-audit sync, where every answer waits until its token.used event is durable in the
# embedded log. wrk drives it with keep-alive connections, rotating over TOKENS active tokens.
#
# Baseline, same run and same wrk settings: bench_hello_server (a Poco HTTPServer configured
# like witd that answers 200 "hello"), i.e. what HTTP alone costs on this machine.
# Goals: verify requests/s >= 0.5 x hello's; verify p99 <= 10 ms.
# With KAFKA=1 (the default) the same run also drives witd on a real Apache Kafka cluster of
# three brokers (scripts/kafka-cluster.sh; replication factor 3, acks=all) and on wit-devkafka
# (librdkafka's mock cluster, real Kafka protocol over loopback), each reported beside the
# embedded log.
# The embedded run is repeated with witd serve --bench-skip-log-tree (no Merkle tree kept),
# so the tree's upkeep shows as the ratio of the two (TREE=0 leaves that run out).
# The same witd then serves a light load (a little under LIGHT_RATE, 200 requests/s, from 2
# connections that pause between requests), whose p50 is printed next to the disk's own fsync latency (a loop of
# small appends, each fdatasync'd, in the data dir's filesystem): the floor of a durable answer.
# witd --use-audit async (the answer does not wait for the event) gets its own row, and so does
# the sync witd answering GET /healthz: its own HTTP layer with nothing behind it, so that the
# verify's cost splits into what HTTP costs in witd (against hello's) and what the verify adds.
# Checks (exit 1 if one fails): no answer >= 400 and no socket error; one token.used event
# appended per request wrk completed.
#
#   bench/verify_bench.sh [BIN_DIR]            BIN_DIR defaults to build/bin
#   env: DURATION (seconds, 15)  TOKENS (100)  THREADS (2)  CONNECTIONS (64)  LIGHT_RATE (200)
#        WARMUP (seconds of load on the Kafka cluster before its row is measured, 10)
set -euo pipefail

BIN_DIR=${1:-build/bin}
DURATION=${DURATION:-15}
TOKENS=${TOKENS:-100}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
LIGHT_RATE=${LIGHT_RATE:-200}
WARMUP=${WARMUP:-10}
GOAL_RATIO=0.5
GOAL_P99_MS=10

BENCH=verify_bench
work=$(mktemp -d "${TMPDIR:-/tmp}/wit-bench-verify.XXXXXX")
pids=()
checks_failed=0
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [[ -d $work/kafka ]] && "$(dirname "$0")/../scripts/kafka-cluster.sh" stop "$work/kafka"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# used_events PORT: witd's count of appended token.used events.
used_events() {
  curl -fsS "http://127.0.0.1:$1/metrics" |
    awk '$1 == "wit_events_appended_total{type=\"token.used\"}" { n = $2 } END { print n + 0 }'
}

# settled_used_events PORT: used_events once it stops moving (requests wrk cut off in flight
# may still be finishing when wrk exits).
settled_used_events() {
  local before after
  after=$(used_events "$1")
  while :; do
    before=$after
    sleep 0.5
    after=$(used_events "$1")
    [[ $after == "$before" ]] && break
  done
  echo "$after"
}

# fsync_floor: the median and p99, in ms, of 500 appends of 64 bytes to a file in $work, each
# followed by fdatasync (as RocksDB syncs its WAL): "P50 P99".
fsync_floor() {
  python3 - "$work/fsync-probe" <<'PY'
import os, sys, time
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
times = []
for _ in range(500):
    t = time.perf_counter()
    os.write(fd, b"x" * 64)
    os.fdatasync(fd)
    times.append(time.perf_counter() - t)
os.close(fd)
os.unlink(sys.argv[1])
times.sort()
print("%.3f %.3f" % (times[len(times) // 2] * 1e3, times[len(times) * 99 // 100] * 1e3))
PY
}

# write_paced_lua SCRIPT OUT: SCRIPT with a pause of 2000 / LIGHT_RATE ms before each request,
# so that 2 connections send somewhat fewer than LIGHT_RATE requests/s between them (the pause
# comes on top of each answer's latency; the report prints the rate measured).
write_paced_lua() {
  {
    cat "$1"
    echo "delay = function() return $(calc "2000 / $LIGHT_RATE" 0) end"
  } >"$2"
}

# start_devkafka: wit-devkafka in the background; its bootstrap list in $devkafka_brokers.
start_devkafka() {
  "$BIN_DIR/wit-devkafka" --partitions 8 >"$work/devkafka.out" 2>"$work/devkafka.log" &
  pids+=("$!")
  local _
  for _ in $(seq 1 100); do
    devkafka_brokers=$(head -n 1 "$work/devkafka.out")
    [[ -n $devkafka_brokers ]] && return 0
    sleep 0.1
  done
  die "wit-devkafka did not start: $(cat "$work/devkafka.log")"
}

# start_real_kafka: three brokers and the topics (8 partitions, RF 3); brokers in $real_brokers.
start_real_kafka() {
  real_brokers=$("$(dirname "$0")/../scripts/kafka-cluster.sh" start "$work/kafka" --brokers 3 |
    sed -n 's/^BOOTSTRAP=//p') || die "the Kafka cluster did not start"
  "$BIN_DIR/witd" kafka create-topics --kafka-brokers "$real_brokers" --partitions 8 \
    --replication-factor 3 >/dev/null || die "witd kafka create-topics failed"
}

# cpu_per_answer NAME: the server's CPU time per request of wrk run NAME, in µs.
cpu_per_answer() {
  calc "$(cat "$work/$1.ticks") / $(getconf CLK_TCK) * 1e6 / $(fig "$1" requests)" 1
}

# result_row LABEL NAME: wrk run NAME's requests/s, p50 and p99, as a row of the results.
result_row() {
  printf '  %-28s %12s %9s ms %9s ms\n' "$1" "$(rps "$2")" "$(calc "$(fig "$2" p50_us) / 1000" 2)" \
    "$(calc "$(fig "$2" p99_us) / 1000" 2)"
}

report() {
  local v_rps h_rps v_p99 ratio
  v_rps=$(rps verify)
  h_rps=$(rps hello)
  v_p99=$(calc "$(fig verify p99_us) / 1000" 2)
  ratio=$(calc "$v_rps / $h_rps" 3)

  echo "results (wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s)"
  printf '  %-28s %12s %12s %12s\n' "" "requests/s" "p50" "p99"
  result_row "verify (witd, audit sync)" verify
  result_row "hello (baseline)" hello
  local k_rps="" r_rps="" t_rps=""
  if [[ -f $work/treeless.fig ]]; then
    t_rps=$(rps treeless)
    result_row "verify (no Merkle tree)" treeless
  fi
  if [[ -f $work/real.fig ]]; then
    r_rps=$(rps real)
    result_row "verify (on Apache Kafka)" real
  fi
  if [[ -f $work/kafka.fig ]]; then
    k_rps=$(rps kafka)
    result_row "verify (on the mock Kafka)" kafka
  fi
  result_row "witd GET /healthz" healthz
  local a_rps=""
  if [[ -f $work/async.fig ]]; then
    a_rps=$(rps async)
    result_row "verify (audit async)" async
  fi
  echo "light load (wrk -t1 -c2, a pause before each request)"
  result_row "verify (witd, audit sync)" light
  result_row "hello (baseline)" hello_light
  printf '  %-28s %12s %9s ms %9s ms\n' "fsync of 64 B (the floor)" "" ${fsync_ms}
  # CPU per answer, the server's own (user + system, /proc/PID/stat), over each -c run; on
  # Kafka, witd's alone (the brokers are not in it).
  local v_cpu h_cpu row
  v_cpu=$(cpu_per_answer verify)
  h_cpu=$(cpu_per_answer hello)
  echo "server CPU per answer (user + system, over the -c$CONNECTIONS runs)"
  printf '  %-28s %12s µs\n' "verify (witd, audit sync)" "$v_cpu" "hello (baseline)" "$h_cpu"
  for row in healthz:"witd GET /healthz" async:"verify (audit async)" treeless:"verify (no Merkle tree)" \
    real:"verify (on Apache Kafka)" kafka:"verify (on the mock Kafka)"; do
    [[ -f $work/${row%%:*}.ticks ]] &&
      printf '  %-28s %12s µs\n' "${row#*:}" "$(cpu_per_answer "${row%%:*}")"
  done
  echo "ratio against the baseline"
  printf '  %-40s %s x\n' "verify / hello CPU per answer" "$(calc "$v_cpu / $h_cpu" 2)"
  printf '  %-40s %s x\n' "witd /healthz / hello CPU per answer" \
    "$(calc "$(cpu_per_answer healthz) / $h_cpu" 2)"
  printf '  %-40s %s x\n' "verify / hello requests/s" "$ratio"
  if [[ -n $a_rps ]]; then
    printf '  %-40s %s x\n' "verify audit async / hello requests/s" "$(calc "$a_rps / $h_rps" 3)"
  fi
  printf '  %-40s %s x\n' "light-load verify p50 / fsync p50" \
    "$(calc "$(fig light p50_us) / 1000 / ${fsync_ms%% *}" 2)"
  if [[ -n $t_rps ]]; then
    printf '  %-40s %s x\n' "verify with / without the Merkle tree" "$(calc "$v_rps / $t_rps" 3)"
  fi
  if [[ -n $r_rps ]]; then
    printf '  %-40s %s x\n' "verify on Apache Kafka / embedded log" "$(calc "$r_rps / $v_rps" 3)"
  fi
  if [[ -n $k_rps ]]; then
    printf '  %-40s %s x\n' "verify on the mock Kafka / embedded log" "$(calc "$k_rps / $v_rps" 3)"
  fi

  local requests appended extra
  requests=$(fig verify requests)
  appended=$((used_after - used_before))
  extra=$((appended - requests))
  echo "checks"
  check "verify answers >= 400" "$(fig verify status_errors)" "$(($(fig verify status_errors) == 0))"
  check "verify socket errors" "$(fig verify socket_errors)" "$(($(fig verify socket_errors) == 0))"
  check_clean "hello answers >= 400 / socket errors" hello
  check_clean "witd /healthz answers >= 400 / socket errors" healthz
  check "token.used appended / wrk requests" "$appended / $requests" \
    "$((extra >= 0 && extra <= CONNECTIONS))"
  if ((extra > 0 && extra <= CONNECTIONS)); then
    echo "    ($extra more events than completed requests: requests in flight when wrk stopped,"
    echo "     answered by witd after wrk had closed their connections; at most one per connection)"
  fi
  check "verify answered active:true" "$((active_after - active_before)) / $appended" \
    "$((active_after - active_before == appended))"
  if [[ -f $work/real.fig ]]; then
    check_clean "Apache Kafka: answers >= 400 / socket errors" real
  fi
  check_clean "light load: answers >= 400 / socket errors" light
  if [[ -f $work/async.fig ]]; then
    check_clean "audit async: answers >= 400 / socket errors" async
  fi
  if [[ -f $work/treeless.fig ]]; then
    check_clean "no tree: answers >= 400 / socket errors" treeless
  fi
  if [[ -f $work/kafka.fig ]]; then
    check_clean "mock Kafka: answers >= 400 / socket errors" kafka
  fi

  echo "goals"
  goal "verify/hello >= $GOAL_RATIO" "$ratio x" "$(awk "BEGIN { print ($ratio >= $GOAL_RATIO) }")"
  goal "verify p99 <= $GOAL_P99_MS ms" "$v_p99 ms" "$(awk "BEGIN { print ($v_p99 <= $GOAL_P99_MS) }")"
}

# run_on NAME WHAT [WITD_ARGS...]: the verify run against a witd started with those flags;
# figures in $work/NAME.fig.
run_on() {
  local user service name=$1 what=$2
  shift 2
  start_witd "$@"
  user=$("$BIN_DIR/witd" session issue --user bench --data-dir "$work/data")
  service=$("$BIN_DIR/witd" session issue --service bench --data-dir "$work/data")
  create_tokens "$user"
  write_verify_lua "$service"
  echo "witd on 127.0.0.1:$witd_port, $what"
  if [[ $name == real ]] && ((WARMUP > 0)); then
    # The brokers' JVMs answer slowly until their code is compiled: against one token, a run
    # just after they started measured 2 587 requests/s, the next one on the same witd 6 210.
    DURATION=$WARMUP run_wrk real_warmup "http://127.0.0.1:$witd_port/api/tokens/verify" \
      "$work/verify.lua" >/dev/null
  fi
  local ticks_before
  ticks_before=$(cpu_ticks "$witd_pid")
  run_wrk "$name" "http://127.0.0.1:$witd_port/api/tokens/verify" "$work/verify.lua"
  echo $(($(cpu_ticks "$witd_pid") - ticks_before)) >"$work/$name.ticks"
  check_witd_alive
  stop_witd
}

verify_active() {
  curl -fsS "http://127.0.0.1:$1/metrics" |
    awk '$1 == "wit_verify_total{result=\"active\"}" { n = $2 } END { print n + 0 }'
}

main() {
  local ticks_before
  [[ -x $BIN_DIR/witd && -x $BIN_DIR/bench_hello_server && -x $BIN_DIR/wit-devkafka ]] ||
    die "$BIN_DIR must hold witd, wit-devkafka and bench_hello_server (build first)"
  command -v wrk >/dev/null || die "wrk is missing: scripts/install-deps.sh --bench"
  command -v jq >/dev/null || die "jq is missing: scripts/install-deps.sh"

  echo "== verify_bench: POST /api/tokens/verify on witd --use-audit sync, against a hello server =="
  start_witd
  local user service
  user=$("$BIN_DIR/witd" session issue --user bench --data-dir "$work/data")
  service=$("$BIN_DIR/witd" session issue --service bench --data-dir "$work/data")
  create_tokens "$user"
  write_verify_lua "$service"
  echo "witd on 127.0.0.1:$witd_port with $TOKENS active tokens"

  used_before=$(used_events "$witd_port")
  active_before=$(verify_active "$witd_port")
  ticks_before=$(cpu_ticks "$witd_pid")
  run_wrk verify "http://127.0.0.1:$witd_port/api/tokens/verify" "$work/verify.lua"
  echo $(($(cpu_ticks "$witd_pid") - ticks_before)) >"$work/verify.ticks"
  check_witd_alive
  used_after=$(settled_used_events "$witd_port")
  active_after=$(verify_active "$witd_port")
  # The same witd answering GET /healthz: its HTTP layer alone, next to hello's.
  ticks_before=$(cpu_ticks "$witd_pid")
  run_wrk healthz "http://127.0.0.1:$witd_port/healthz" "$work/hello.lua"
  echo $(($(cpu_ticks "$witd_pid") - ticks_before)) >"$work/healthz.ticks"
  write_paced_lua "$work/verify.lua" "$work/verify-paced.lua"
  run_wrk light "http://127.0.0.1:$witd_port/api/tokens/verify" "$work/verify-paced.lua" 1 2
  stop_witd
  fsync_ms=$(fsync_floor)

  USE_AUDIT=async run_on async "--use-audit async"

  if [[ ${TREE:-1} == 1 ]]; then
    run_on treeless "the embedded log, no Merkle tree kept" --bench-skip-log-tree
  fi
  if [[ ${KAFKA:-1} == 1 ]]; then
    start_real_kafka
    run_on real "event log on Apache Kafka at $real_brokers" --kafka-brokers "$real_brokers"
    "$(dirname "$0")/../scripts/kafka-cluster.sh" stop "$work/kafka"
    start_devkafka
    run_on kafka "event log on wit-devkafka at $devkafka_brokers" --kafka-brokers "$devkafka_brokers"
  fi

  start_hello
  echo "bench_hello_server on 127.0.0.1:$hello_port"
  ticks_before=$(cpu_ticks "$hello_pid")
  run_wrk hello "http://127.0.0.1:$hello_port/" "$work/hello.lua"
  echo $(($(cpu_ticks "$hello_pid") - ticks_before)) >"$work/hello.ticks"
  write_paced_lua "$work/hello.lua" "$work/hello-paced.lua"
  run_wrk hello_light "http://127.0.0.1:$hello_port/" "$work/hello-paced.lua" 1 2

  report
  return "$checks_failed"
}

main
