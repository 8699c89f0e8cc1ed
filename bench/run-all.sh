#!/usr/bin/env bash
# run-all.sh: runs the benchmarks one after the other with their default sizes, each under
# its own heading, then sums up which ran and which goals were met. Exits non-zero if a
# benchmark failed to run (or one of its correctness checks failed); a missed goal is reported
# as "goal missed" but does not fail the run.
#
#   bench/run-all.sh BIN_DIR          e.g. build/bin (what `make bench` passes)
#   QUICK=1 bench/run-all.sh BIN_DIR  small sizes and 3-second wrk runs: a smoke test, not figures
set -uo pipefail

BIN_DIR=${1:?usage: bench/run-all.sh BIN_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)

write_args=() rebuild_args=() memory_args=() kafka_args=() fleet_args=()
if [[ ${QUICK:-0} == 1 ]]; then
  export DURATION=3 TOKENS=20 WARMUP=2
  write_args=(--per-client 20)
  rebuild_args=(--events 20000)
  memory_args=(--tokens 2000)
  kafka_args=(--revocations 50 --events 5000)
  fleet_args=(--levels 100 --seconds 3)
  export EVENTS=20000
fi

out=$(mktemp "${TMPDIR:-/tmp}/wit-bench-all.XXXXXX")
trap 'rm -f "$out"' EXIT
results=()
failed=0

# run NAME COMMAND...: runs one benchmark, shows and keeps its output, records whether it ran.
run() {
  local name=$1 status
  shift
  printf '\n######## %s ########\n' "$name"
  "$@" 2>&1 | tee -a "$out"
  status=${PIPESTATUS[0]}
  if ((status == 0)); then
    results+=("$(printf '  %-22s ran' "$name")")
  else
    results+=("$(printf '  %-22s FAILED (exit status %d)' "$name" "$status")")
    failed=1
  fi
}

run verify_bench "$HERE/verify_bench.sh" "$BIN_DIR"
run bench_write_latency "$BIN_DIR/bench_write_latency" "${write_args[@]}"
run bench_rebuild "$BIN_DIR/bench_rebuild" "${rebuild_args[@]}"
run bench_memory "$BIN_DIR/bench_memory" "${memory_args[@]}"
run bench_kafka "$BIN_DIR/bench_kafka" "${kafka_args[@]}"
run bench_fleet "$BIN_DIR/bench_fleet" "${fleet_args[@]}"
run audit_bench "$HERE/audit_bench.sh" "$BIN_DIR"
run proof_bench "$HERE/proof_bench.sh" "$BIN_DIR"
run forward_bench "$HERE/forward_bench.sh" "$BIN_DIR"

printf '\n######## summary ########\n'
printf '%s\n' "${results[@]}"
echo "goals:"
grep -E 'goal (met|missed)$' "$out" || echo "  (no goal lines: see the failures above)"
exit "$failed"
