// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Random sources and unbiased alphabet draws.
#include "iam/random.h"

#include <array>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace iam {
namespace {

std::vector<uint8_t> Draw(RandomSource& random, size_t n) {
  std::vector<uint8_t> out(n);
  random.Fill(out.data(), out.size());
  return out;
}

// Counts Fill calls and bytes; yields 0, 1, 2, ... (mod 256).
class CountingRandom : public RandomSource {
 public:
  void Fill(uint8_t* out, size_t size) override {
    ++calls;
    for (size_t i = 0; i < size; ++i) out[i] = static_cast<uint8_t>(next++);
  }
  int calls = 0;
  unsigned next = 0;
};

TEST(SystemRandom, SingletonAndRandom) {
  RandomSource* a = SystemRandom();
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(SystemRandom(), a);
  const std::vector<uint8_t> x = Draw(*a, 32);
  const std::vector<uint8_t> y = Draw(*a, 32);
  EXPECT_NE(x, y);
  EXPECT_NE(x, std::vector<uint8_t>(32, 0));
}

TEST(DeterministicRandom, Reproducible) {
  auto a = NewDeterministicRandom(42);
  auto b = NewDeterministicRandom(42);
  for (size_t n : {1u, 16u, 64u, 1000u}) {
    EXPECT_EQ(Draw(*a, n), Draw(*b, n)) << n;
  }
}

TEST(DeterministicRandom, SeedsAndCallsDiffer) {
  auto a = NewDeterministicRandom(42);
  auto b = NewDeterministicRandom(43);
  EXPECT_NE(Draw(*a, 32), Draw(*b, 32));
  // Each Fill continues the stream rather than repeating it.
  auto c = NewDeterministicRandom(42);
  EXPECT_NE(Draw(*c, 32), Draw(*c, 32));
  // Seeds differing only in the high bits differ too.
  auto hi1 = NewDeterministicRandom(uint64_t{1} << 63);
  auto hi2 = NewDeterministicRandom(0);
  EXPECT_NE(Draw(*hi1, 32), Draw(*hi2, 32));
}

TEST(DeterministicRandom, LooksUniform) {
  auto random = NewDeterministicRandom(1);
  std::array<int, 256> counts{};
  const std::vector<uint8_t> bytes = Draw(*random, 256 * 400);
  for (uint8_t b : bytes) ++counts[b];
  for (int c : counts) {
    EXPECT_GT(c, 250);
    EXPECT_LT(c, 550);
  }
}

TEST(DeterministicRandom, SafeFromManyThreads) {
  auto random = NewDeterministicRandom(77);
  std::vector<std::thread> threads;
  std::vector<std::vector<uint8_t>> results(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) results[t] = Draw(*random, 64);
    });
  }
  for (std::thread& t : threads) t.join();
  absl::flat_hash_set<std::string> distinct;
  for (const auto& r : results) distinct.insert(std::string(r.begin(), r.end()));
  EXPECT_EQ(distinct.size(), 4u);
}

TEST(DrawFromAlphabet, OnlyAlphabetCharacters) {
  auto random = NewDeterministicRandom(5);
  const absl::string_view alphabet = "xyz";
  std::string out(3000, '\0');
  DrawFromAlphabet(*random, alphabet, out.size(), out.data());
  int counts[3] = {};
  for (char c : out) {
    const size_t at = alphabet.find(c);
    ASSERT_NE(at, absl::string_view::npos) << static_cast<int>(c);
    ++counts[at];
  }
  for (int c : counts) EXPECT_GT(c, 850);
}

TEST(DrawFromAlphabet, NoModuloBias) {
  // 200 symbols: with a plain modulo, symbols 0..55 would be drawn twice as
  // often as the rest (2/256 against 1/256), 44% of draws instead of 28%.
  std::string alphabet;
  for (int i = 0; i < 200; ++i) alphabet.push_back(static_cast<char>(i));
  auto random = NewDeterministicRandom(2024);
  std::string out(40000, '\0');
  DrawFromAlphabet(*random, alphabet, out.size(), out.data());
  int low = 0;
  for (char c : out) low += static_cast<unsigned char>(c) < 56 ? 1 : 0;
  const double share = static_cast<double>(low) / static_cast<double>(out.size());
  EXPECT_NEAR(share, 56.0 / 200.0, 0.02);
}

TEST(DrawFromAlphabet, RejectsBytesAboveTheLimit) {
  // Counting source: bytes 0..255 in order. With 200 symbols, bytes 200..255
  // are rejected, so 256 bytes give exactly symbols 0..199 in order.
  std::string alphabet;
  for (int i = 0; i < 200; ++i) alphabet.push_back(static_cast<char>(i));
  CountingRandom random;
  std::string out(200, '\0');
  DrawFromAlphabet(random, alphabet, out.size(), out.data());
  for (int i = 0; i < 200; ++i) ASSERT_EQ(static_cast<unsigned char>(out[i]), i);
  EXPECT_EQ(random.calls, 4);  // bytes 0..255 in four blocks of 64
  // A block of bytes 200..255 then 0..7: the first 56 are rejected and the
  // symbol is the byte after them, 0.
  CountingRandom offset;
  offset.next = 200;
  char one = 'x';
  DrawFromAlphabet(offset, alphabet, 1, &one);
  EXPECT_EQ(one, '\0');
  EXPECT_EQ(offset.calls, 1);
}

TEST(DrawFromAlphabet, EverySizeMapsByteModuloSize) {
  // For every alphabet size, bytes below the limit (the largest multiple of
  // the size) map to alphabet[byte % size], in order.
  std::string alphabet;
  for (int i = 0; i < 256; ++i) alphabet.push_back(static_cast<char>(i));
  for (unsigned n = 1; n <= 256; ++n) {
    const unsigned limit = 256 - 256 % n;
    CountingRandom random;
    std::string out(limit, '\0');
    DrawFromAlphabet(random, absl::string_view(alphabet).substr(0, n), out.size(), out.data());
    for (unsigned b = 0; b < limit; ++b) {
      ASSERT_EQ(static_cast<unsigned char>(out[b]), b % n) << "n=" << n << " b=" << b;
    }
    ASSERT_EQ(random.calls, static_cast<int>((limit + 63) / 64)) << "n=" << n;
  }
}

TEST(DrawFromAlphabet, BulkFillsOf64Bytes) {
  const std::string all = [] {
    std::string s;
    for (int i = 0; i < 256; ++i) s.push_back(static_cast<char>(i));
    return s;
  }();
  {
    CountingRandom random;
    std::string out(64, '\0');
    DrawFromAlphabet(random, all, out.size(), out.data());
    EXPECT_EQ(random.calls, 1);
  }
  {
    CountingRandom random;
    std::string out(65, '\0');
    DrawFromAlphabet(random, all, out.size(), out.data());
    EXPECT_EQ(random.calls, 2);
    EXPECT_EQ(static_cast<unsigned char>(out[64]), 64);
  }
  {
    CountingRandom random;
    DrawFromAlphabet(random, all, 0, nullptr);
    EXPECT_EQ(random.calls, 0);
  }
}

TEST(DrawFromAlphabet, SingleSymbol) {
  auto random = NewDeterministicRandom(3);
  std::string out(100, '\0');
  DrawFromAlphabet(*random, "q", out.size(), out.data());
  EXPECT_EQ(out, std::string(100, 'q'));
}

TEST(InitCrypto, Idempotent) {
  InitCrypto();
  InitCrypto();
  EXPECT_NE(SystemRandom(), nullptr);
}

}  // namespace
}  // namespace iam
