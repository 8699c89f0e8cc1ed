#!/usr/bin/env bash
# Installs the Debian 12 packages the build, tests and benchmarks need. Idempotent: does nothing
# when everything is already there, so `make run` and `make test` can call it every time.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  librocksdb-dev libpoco-dev librdkafka-dev libssl-dev libcli11-dev libgtest-dev zlib1g-dev
  python3 python3-jsonschema python3-yaml python3-venv curl kcat jq openssl
  git nginx fcgiwrap
  iproute2 nftables
  clang libclang-rt-14-dev clang-format-14 clang-tidy-14
)

# `--bench` adds what only the benchmarks use.
if [[ ${1:-} == --bench ]]; then
  packages+=(wrk)
fi

# Java and Maven run the real Kafka broker of the tests (scripts/kafka-cluster.sh). A machine
# may have them from elsewhere (a JDK in /usr/lib/jvm): only a missing command is installed.
command -v java >/dev/null || packages+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || packages+=(maven)
# Go builds the outside reference the Merkle tree is checked against (tests/tlog_reference,
# with transparency-dev/merkle from Go's module proxy); Debian's Go 1.19 suffices.
command -v go >/dev/null || packages+=(golang-go)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if ((${#missing[@]} > 0)); then
  echo "install-deps: installing ${missing[*]}" >&2
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The Kafka broker's jars, from Maven Central, into scripts/kafka/lib (ignored by git). The
# stamp holds the pom's hash: a complete fetch of this very pom is not repeated.
kafka_dir="$(cd "$(dirname "$0")" && pwd)/kafka"
pom_hash=$(sha256sum "$kafka_dir/pom.xml" | cut -d' ' -f1)
if [[ $(cat "$kafka_dir/lib/.fetched" 2>/dev/null) != "$pom_hash" ]]; then
  echo "install-deps: fetching the Apache Kafka broker (scripts/kafka/pom.xml) with Maven" >&2
  rm -rf "$kafka_dir/lib"
  (cd "$kafka_dir" && mvn -q -B dependency:copy-dependencies -DoutputDirectory=lib \
    -DincludeScope=runtime)
  echo "$pom_hash" >"$kafka_dir/lib/.fetched"
fi

# The Python test tools (tests/requirements.txt: schemathesis, python-ecdsa) from PyPI, into scripts/venv
# (ignored by git), with a stamp of the requirements' hash like the jars'.
venv_dir="$(cd "$(dirname "$0")" && pwd)/venv"
requirements="$(cd "$(dirname "$0")/.." && pwd)/tests/requirements.txt"
req_hash=$(sha256sum "$requirements" | cut -d' ' -f1)
if [[ $(cat "$venv_dir/.installed" 2>/dev/null) != "$req_hash" ]]; then
  echo "install-deps: installing the Python test tools (tests/requirements.txt) into $venv_dir" >&2
  rm -rf "$venv_dir"
  python3 -m venv "$venv_dir"
  "$venv_dir/bin/pip" install -q --disable-pip-version-check -r "$requirements"
  echo "$req_hash" >"$venv_dir/.installed"
fi
