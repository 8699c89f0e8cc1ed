#!/usr/bin/env bash
# structure_check.sh BIN_DIR SOURCE_DIR: the layering issue 12 set, checked on the built
# programs (ldd, and nm for RocksDB, which Debian links statically) and on the include graph.
#   base/    includes only base/
#   token/   includes only base/ and token/
#   ledger/  includes no projector/, api/, cli/ or audit-cli/
#   audit-cli/ includes nothing from cli/ or api/ (witd's routes it reads through net/)
#   net/     includes only base/ and net/
# (a unit test beside the code may also include tests/support/)
#   wit      links neither RocksDB nor librdkafka; wit-audit holds none of witd's API
set -u
bin=$1 src=$2
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok:   $*"; }

# includes_outside DIR ALLOWED_REGEX: project includes of DIR's files that ALLOWED does not
# match. A unit test (*_test.cc, *_for_test.h) may also use the shared test helpers in
# tests/support/, which the programs never link.
includes_outside() {
  grep -HoE '^#include "[^"]+"' "$src/$1"/*.h "$src/$1"/*.cc |
    sed -E 's|^([^:]*_test\.cc\|[^:]*_for_test\.h):#include "tests/support/.*||' |
    sed -E 's/^[^:]*:#include "//; s/"$//' | grep -v '^$' | grep -vE "^($2)/" | sort -u
}
check_includes() {
  local bad
  bad=$(includes_outside "$1" "$2")
  if [ -n "$bad" ]; then fail "$1/ includes $(echo $bad)"; else pass "$1/ includes only $2"; fi
}
check_includes base 'base'
check_includes token 'base|token'
check_includes ledger 'base|token|ledger'
check_includes audit-cli 'base|token|ledger|projector|net|audit-cli'
check_includes net 'base|net'
check_includes cli 'base|token|net|cli'

for program in wit wit-audit witd; do
  if [ ! -x "$bin/$program" ]; then
    echo "skipped the link checks: $bin/$program is not built in this build"
    echo "$failures failures"
    [ "$failures" = 0 ] && exit 77 || exit 1
  fi
done
links() { ldd "$bin/$1" | grep -c "$2"; }
rocksdb_symbols() { nm -C "$bin/$1" 2>/dev/null | grep -c 'rocksdb::'; }
[ "$(links wit librdkafka)" = 0 ] && pass "wit links no librdkafka" || fail "wit links librdkafka"
[ "$(links wit librocksdb)" = 0 ] && [ "$(rocksdb_symbols wit)" = 0 ] &&
  pass "wit links no RocksDB" || fail "wit links RocksDB"
api_symbols() { nm -C "$bin/$1" 2>/dev/null | grep -cE 'wit::(ApiRoutes|TokenService)::'; }
[ "$(api_symbols wit-audit)" = 0 ] && pass "wit-audit holds none of witd's API" ||
  fail "wit-audit links witd's API"
# The checks above must be able to fail: witd does link all three.
[ "$(links witd librdkafka)" != 0 ] && [ "$(rocksdb_symbols witd)" != 0 ] &&
  [ "$(links witd libPocoNet)" != 0 ] && [ "$(api_symbols witd)" != 0 ] &&
  pass "witd links all three and its API (the checks can see them)" ||
  fail "the checks cannot see what witd links"
echo "$failures failures"
[ "$failures" = 0 ]
