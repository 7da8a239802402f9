// SHA-256 as FIPS 180-4 defines it; its constants are computed from the primes as the standard
// defines them (fractional parts of square and cube roots) rather than written out.
#include "schema/digest.h"

#include <array>
#include <cmath>
#include <cstdint>

namespace sriov::schema {
namespace {

// The first 32 bits of the fractional part of x.
uint32_t fraction32(long double x) {
  long double f = x - std::floor(x);
  return static_cast<uint32_t>(std::floor(f * 4294967296.0L));
}

struct Constants {
  std::array<uint32_t, 64> k{};  // cube roots of the first 64 primes
  std::array<uint32_t, 8> h{};   // square roots of the first 8 primes
  Constants() {
    int found = 0;
    for (int n = 2; found < 64; ++n) {
      bool prime = true;
      for (int d = 2; d * d <= n; ++d) prime = prime && n % d != 0;
      if (!prime) continue;
      k[found] = fraction32(std::cbrt(static_cast<long double>(n)));
      if (found < 8) h[found] = fraction32(std::sqrt(static_cast<long double>(n)));
      ++found;
    }
  }
};

const Constants& constants() {
  static const Constants c;
  return c;
}

uint32_t rotr(uint32_t x, int n) {
  return (x >> n) | (x << (32 - n));
}

void compress(std::array<uint32_t, 8>& state, const unsigned char* block) {
  const std::array<uint32_t, 64>& k = constants().k;
  uint32_t w[64];
  for (int i = 0; i < 16; ++i)
    w[i] = uint32_t(block[4 * i]) << 24 | uint32_t(block[4 * i + 1]) << 16 |
           uint32_t(block[4 * i + 2]) << 8 | uint32_t(block[4 * i + 3]);
  for (int i = 16; i < 64; ++i) {
    uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
  uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
  for (int i = 0; i < 64; ++i) {
    uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
    uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
  state[4] += e;
  state[5] += f;
  state[6] += g;
  state[7] += h;
}

}  // namespace

std::string sha256Hex(std::string_view data) {
  std::array<uint32_t, 8> state = constants().h;
  size_t whole = data.size() / 64 * 64;
  for (size_t i = 0; i < whole; i += 64)
    compress(state, reinterpret_cast<const unsigned char*>(data.data() + i));
  // The last block(s): the rest, a 1 bit, zeros, the length in bits (64-bit big-endian).
  unsigned char tail[128] = {};
  size_t rest = data.size() - whole;
  for (size_t i = 0; i < rest; ++i) tail[i] = static_cast<unsigned char>(data[whole + i]);
  tail[rest] = 0x80;
  size_t blocks = rest + 1 + 8 <= 64 ? 1 : 2;
  uint64_t bits = static_cast<uint64_t>(data.size()) * 8;
  for (int i = 0; i < 8; ++i)
    tail[blocks * 64 - 1 - i] = static_cast<unsigned char>(bits >> (8 * i));
  for (size_t b = 0; b < blocks; ++b) compress(state, tail + 64 * b);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (uint32_t word : state)
    for (int shift = 28; shift >= 0; shift -= 4) out += hex[(word >> shift) & 0xf];
  return out;
}

}  // namespace sriov::schema
