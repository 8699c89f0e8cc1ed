#include "base/random.h"

#include <openssl/rand.h>
#include <pthread.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "base/hex.h"

namespace wit {

namespace {

// FillRandom fills buf[0, n) from OpenSSL's CSPRNG. A failure is not expected and nothing
// could go on safely without its bytes: it ends the process.
void FillRandom(unsigned char* buf, size_t n) {
  if (n > 0 && RAND_bytes(buf, static_cast<int>(n)) != 1) {
    std::fprintf(stderr, "fatal: OpenSSL RAND_bytes failed\n");
    std::abort();
  }
}

// kUuidChars[c]: 1 for a hex digit, 2 for '-'. A decoder checks two or three ids a record, so
// the check is a table lookup a character with no early exit (a branch per character showed
// in a rebuild's profile).
constexpr std::array<uint8_t, 256> kUuidChars = [] {
  std::array<uint8_t, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = 1;
  for (int c = 'a'; c <= 'f'; ++c) t[c] = 1;
  for (int c = 'A'; c <= 'F'; ++c) t[c] = 1;
  t['-'] = 2;
  return t;
}();

std::string FormatUuid(const std::string& bytes) {
  std::string hex = HexEncode(bytes);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

// Random bytes for ids, a thread's own pool refilled kIdPoolBytes at a time: a RAND_bytes call
// costs about 2 us whatever its size (OpenSSL's fork check and its DRBG's lock), and a verify
// takes an event id each. Ids are not secrets; tokens and keys take RandomBytes directly.
constexpr size_t kIdPoolBytes = 512;
thread_local std::array<unsigned char, kIdPoolBytes> id_pool;
thread_local size_t id_pool_used = kIdPoolBytes;

// A forked child must not hand out its parent's pool again.
void ForgetIdPoolInChild() { id_pool_used = kIdPoolBytes; }

std::string IdBytes(size_t n) {
  static const bool fork_safe = pthread_atfork(nullptr, nullptr, ForgetIdPoolInChild) == 0;
  if (!fork_safe || n > kIdPoolBytes) return RandomBytes(n);
  if (kIdPoolBytes - id_pool_used < n) {
    FillRandom(id_pool.data(), kIdPoolBytes);
    id_pool_used = 0;
  }
  std::string out(reinterpret_cast<const char*>(id_pool.data()) + id_pool_used, n);
  id_pool_used += n;
  return out;
}

}  // namespace

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  FillRandom(reinterpret_cast<unsigned char*>(out.data()), n);
  return out;
}

std::string NewUuid() {
  std::string b = IdBytes(16);
  b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
  return FormatUuid(b);
}

std::string NewTimeOrderedUuid(int64_t now_ms) {
  static std::mutex mu;
  static uint64_t last_ms = 0;
  static uint32_t counter = 0;
  uint64_t ms = now_ms > 0 ? static_cast<uint64_t>(now_ms) : 0;
  uint32_t seq = 0;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (ms > last_ms) {
      last_ms = ms;
      counter = 0;
    } else if (++counter > 0xfff) {  // 4096 ids in one millisecond: borrow the next one
      ++last_ms;
      counter = 0;
    }
    ms = last_ms;
    seq = counter;
  }
  std::string b = IdBytes(16);
  for (int i = 0; i < 6; ++i) b[i] = static_cast<char>((ms >> (8 * (5 - i))) & 0xff);
  b[6] = static_cast<char>(0x70 | ((seq >> 8) & 0x0f));
  b[7] = static_cast<char>(seq & 0xff);
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
  return FormatUuid(b);
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  bool ok = true;
  for (size_t i = 0; i < 36; ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    ok &= kUuidChars[static_cast<uint8_t>(s[i])] == (dash ? 2 : 1);
  }
  return ok;
}

}  // namespace wit
