// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// RandomSource is the injectable source of randomness for passwords, keys,
// tokens and ids. The default draws from libsodium's CSPRNG. Draw in bulk:
// each Fill() may cost a system call, so callers fill one buffer per credential
// and rejection-sample locally.
//
//   uint8_t key[32];
//   iam::SystemRandom()->Fill(key, sizeof key);
//
// Thread-safety: implementations must be safe to call from many threads.
#ifndef IAM_RANDOM_H_
#define IAM_RANDOM_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/strings/string_view.h"
#include "iam/export.h"

namespace iam {

class IAM_EXPORT RandomSource {
 public:
  virtual ~RandomSource() = default;
  // Fills `size` bytes at `out` with uniformly random bytes.
  virtual void Fill(uint8_t* out, size_t size) = 0;
};

// The process-wide CSPRNG (libsodium randombytes_buf). Never null; not owned.
IAM_EXPORT RandomSource* SystemRandom();

// A deterministic generator (ChaCha20 keyed by `seed`) for tests and benchmarks.
// WARNING: never use it for real credentials.
IAM_EXPORT std::unique_ptr<RandomSource> NewDeterministicRandom(uint64_t seed);

// Ensures libsodium is initialized; idempotent and thread-safe. Aborts if
// libsodium cannot initialize (no usable entropy source).
IAM_EXPORT void InitCrypto();

// Draws `count` characters uniformly from `alphabet` (size 1..256) into `out`,
// with one bulk Fill per 64 bytes and local rejection sampling (no modulo bias).
IAM_EXPORT void DrawFromAlphabet(RandomSource& random, absl::string_view alphabet, size_t count,
                                 char* out);

}  // namespace iam

#endif  // IAM_RANDOM_H_
