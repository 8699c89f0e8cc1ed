# The two commands: `make run` and `make test`. Both install what is missing first.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= 2
DATA_DIR ?= ./wit-data
LISTEN ?= 127.0.0.1:8080

# `make test` also runs a short fuzz run of every target, the whole suite built with ASan+UBSan
# and the threaded tests built with TSan. Each is a build of its own, at -O0 (ASan) and -O1
# (TSan) so that it takes about 3 minutes on 2 cores. SANITIZE=0 leaves the sanitizer runs out.
SANITIZE ?= 1
FUZZ_SECONDS ?= 60
FUZZ_TARGETS = event_decoder token request_bodies session audit_args event_mac signed_note proof_bundle \
  credentials git_credential ip_cidr secret_scanning
# TSan runs every test of the programs with threads of their own: the embedded and Kafka logs,
# the projector, the API units, and witd end to end (the HTTP server under load, crash loops,
# Kafka faults). The CLIs' own suites are single-threaded and run under ASan only, as does
# schemathesis, whose requests come one at a time.
# Both sanitizer runs leave out what the main suite runs and a sanitizer adds least to, to keep
# `make test` under 40 minutes on 2 cores: the crash loops against Kafka (SIGKILLs of witd against
# a broker; the embedded-log twin stays in), everything on the real 3-broker cluster (broker
# failover, ISR and ACLs: the brokers' behaviour, while witd's code on a cluster is the same as
# on the mock one, which stays in; -FA keeps ctest from starting the cluster) and the Merkle
# interop tests (our bytes against Go's and RFC 6962's references; the Merkle units stay in).
# LastUsedTest's real-cluster cases go with them; its mock-cluster cases (the same consumer groups
# and coalescer threads) stay in.
SANITIZER_SKIP = CrashLoopTest\..*/(kafka|real_kafka) |real_kafka|^ClusterTest\.|^RealKafkaTest\.|^RealClusterTest\.|^VerifyKafkaTest\.|^MerkleInteropTest\.
TSAN_TARGETS = wit_ledger_test wit_projector_test wit_api_test wit_integration_test witd wit-devkafka wit-audit

.PHONY: all deps build run test test-asan test-tsan test-fuzz fuzz-build fuzz fuzz-long bench clean lint lint-format

all: build

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j$(JOBS)

run: build
	@scripts/run.sh $(BUILD_DIR)/bin "$(DATA_DIR)" "$(LISTEN)"

# The main suite runs last, so the output ends with its ctest summary.
test: build
	@scripts/lint.sh format
	@$(MAKE) --no-print-directory test-fuzz
ifeq ($(SANITIZE),1)
	@$(MAKE) --no-print-directory test-asan test-tsan
endif
	cd $(BUILD_DIR) && ctest --output-on-failure --timeout 600 -j$(JOBS)

# The linters (scripts/lint.sh): clang-format-14 on every tracked C++ file (`make test` runs this
# one too) and clang-tidy-14 with .clang-tidy's checks (about 11 minutes on 2 cores).
lint: lint-format build
	@JOBS=$(JOBS) scripts/lint.sh tidy $(BUILD_DIR)

lint-format: deps
	@scripts/lint.sh format

# Every test, built with AddressSanitizer and UndefinedBehaviorSanitizer.
test-asan: deps
	cmake --preset asan-ubsan >/dev/null
	cmake --build build-asan -j$(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  ctest --output-on-failure --timeout 900 -j$(JOBS) -FA real_kafka -E '$(SANITIZER_SKIP)'

# The threaded suites, built with ThreadSanitizer. RocksDB and librdkafka are prebuilt libraries
# whose atomics TSan cannot see; tests/tsan.supp names those reports. (ctest lists the tests of
# the targets not built here as *_NOT_BUILT.)
test-tsan: deps
	cmake --preset tsan >/dev/null
	cmake --build build-tsan -j$(JOBS) --target $(TSAN_TARGETS)
	cd build-tsan && TSAN_OPTIONS=suppressions=$(CURDIR)/tests/tsan.supp:halt_on_error=1:second_deadlock_stack=1 \
	  ctest --output-on-failure --timeout 900 -j$(JOBS) -FA real_kafka \
	    -E '_NOT_BUILT$$|^openapi_schemathesis$$|$(SANITIZER_SKIP)'

fuzz-build: deps
	cmake --preset fuzz >/dev/null
	cmake --build build-fuzz -j$(JOBS) --target $(FUZZ_TARGETS:%=%_fuzz)

# A short run of every fuzz target over its corpus (part of `make test`).
test-fuzz: fuzz-build
	cd build-fuzz && ctest --output-on-failure -j$(JOBS)

# Each fuzz target for FUZZ_SECONDS; new inputs go to build-fuzz/fuzz/corpus-<target>.
fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  echo "== $$t ($(FUZZ_SECONDS) s) =="; \
	  ASAN_OPTIONS=detect_leaks=0 build-fuzz/bin/$${t}_fuzz -max_total_time=$(FUZZ_SECONDS) \
	    -timeout=10 -print_final_stats=1 build-fuzz/fuzz/corpus-$$t fuzz/corpus/$$t 2>&1 | \
	    grep -E 'stat::number_of_executed_units|stat::new_units_added|ERROR|SUMMARY|Test unit written' || exit 1; \
	done

# A release's fuzzing: ten minutes a target (bench/README.md records the executions).
fuzz-long:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=600

bench: build
	@scripts/install-deps.sh --bench
	bench/run-all.sh $(BUILD_DIR)/bin

clean:
	rm -rf $(BUILD_DIR)
