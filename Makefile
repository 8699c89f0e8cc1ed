# The two commands: `make run` and `make test`. Both install what is missing first.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= 2
DATA_DIR ?= ./wit-data
LISTEN ?= 127.0.0.1:8080

.PHONY: all deps build run test bench clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j$(JOBS)

run: build
	@scripts/run.sh $(BUILD_DIR)/bin "$(DATA_DIR)" "$(LISTEN)"

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure --timeout 600 -j$(JOBS)

bench: build
	@scripts/install-deps.sh --bench
	bench/run-all.sh $(BUILD_DIR)/bin

clean:
	rm -rf $(BUILD_DIR)
