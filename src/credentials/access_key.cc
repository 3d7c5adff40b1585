// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "iam/access_key.h"

#include "iam/secret.h"

namespace iam {

std::string GenerateId(const IdFormat& format, RandomSource* random) {
  if (random == nullptr) random = SystemRandom();
  std::string id(format.prefix);
  id.resize(format.prefix.size() + static_cast<size_t>(format.length));
  DrawFromAlphabet(*random, format.alphabet, static_cast<size_t>(format.length),
                   id.data() + format.prefix.size());
  return id;
}

AccessKey GenerateAccessKey(const AccessKeyFormat& format, RandomSource* random) {
  if (random == nullptr) random = SystemRandom();
  AccessKey key;
  key.id = GenerateId(format.id, random);
  std::string secret(static_cast<size_t>(format.secret.length), '\0');
  DrawFromAlphabet(*random, format.secret.alphabet, secret.size(), secret.data());
  key.secret = Secret(std::move(secret));
  return key;
}

bool MatchesFormat(const IdFormat& format, absl::string_view id) {
  if (id.size() != format.prefix.size() + static_cast<size_t>(format.length)) return false;
  if (id.substr(0, format.prefix.size()) != format.prefix) return false;
  for (char c : id.substr(format.prefix.size())) {
    if (format.alphabet.find(c) == absl::string_view::npos) return false;
  }
  return true;
}

}  // namespace iam
