// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "iam/user_id.h"

#include "iam/access_key.h"

namespace iam {

std::string NewUserId(const Profile& profile, RandomSource* random) {
  return GenerateId(profile.user_id, random);
}

std::string NewRequestId(RandomSource* random) {
  if (random == nullptr) random = SystemRandom();
  uint8_t b[16];
  random->Fill(b, sizeof b);
  b[6] = static_cast<uint8_t>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<uint8_t>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0xF]);
  }
  return out;
}

}  // namespace iam
