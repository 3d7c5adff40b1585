// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "iam/random.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>
#include <mutex>

namespace iam {
namespace {

class SodiumRandom final : public RandomSource {
 public:
  void Fill(uint8_t* out, size_t size) override { randombytes_buf(out, size); }
};

// ChaCha20 stream keyed by the seed; a counter as nonce makes each Fill fresh.
class DeterministicRandom final : public RandomSource {
 public:
  explicit DeterministicRandom(uint64_t seed) {
    std::memset(key_, 0, sizeof key_);
    std::memcpy(key_, &seed, sizeof seed);
  }
  void Fill(uint8_t* out, size_t size) override {
    std::lock_guard<std::mutex> lock(mu_);
    uint8_t nonce[crypto_stream_chacha20_NONCEBYTES] = {};
    std::memcpy(nonce, &counter_, sizeof counter_);
    ++counter_;
    crypto_stream_chacha20(out, size, nonce, key_);
  }

 private:
  std::mutex mu_;
  uint8_t key_[crypto_stream_chacha20_KEYBYTES];
  uint64_t counter_ = 0;
};

}  // namespace

void InitCrypto() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) std::abort();
}

RandomSource* SystemRandom() {
  InitCrypto();
  static SodiumRandom* const random = new SodiumRandom();
  return random;
}

std::unique_ptr<RandomSource> NewDeterministicRandom(uint64_t seed) {
  InitCrypto();
  return std::make_unique<DeterministicRandom>(seed);
}

void DrawFromAlphabet(RandomSource& random, absl::string_view alphabet, size_t count, char* out) {
  const unsigned n = static_cast<unsigned>(alphabet.size());
  // Accept bytes below the largest multiple of n that fits in 256.
  const unsigned limit = 256u - (256u % n);
  // b % n without a division per byte: for b < 256 and n <= 256,
  // (b * ceil(2^16 / n)) >> 16 == b / n exactly (the rounding error of the
  // reciprocal, e = m * n - 2^16 < n, gives b * e < 2^16; checked for every
  // b and n too).
  const unsigned reciprocal = (65536u + n - 1) / n;
  uint8_t buffer[64];
  size_t used = sizeof buffer;
  size_t written = 0;
  while (written < count) {
    if (used == sizeof buffer) {
      random.Fill(buffer, sizeof buffer);
      used = 0;
    }
    const unsigned b = buffer[used++];
    if (b < limit) out[written++] = alphabet[b - ((b * reciprocal) >> 16) * n];
  }
  sodium_memzero(buffer, sizeof buffer);
}

}  // namespace iam
