// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Access key pairs in a provider's published format: Alibaba LTAI + 20
// alphanumerics / 30-char secret; Tencent AKID + 32 / 32; AWS AKIA + 16 of
// [A-Z2-7] / 40; Huawei 20 upper-case alphanumerics / 40 (as observed).
//
//   auto key = iam::GenerateAccessKey(iam::FindProfile("tencent")->access_key);
//   key.id;      // "AKID..." (36 chars), public
//   key.secret;  // returned once; store only sealed or hashed
//
// Thread-safety: safe when `random` is.
#ifndef IAM_ACCESS_KEY_H_
#define IAM_ACCESS_KEY_H_

#include <string>

#include "absl/strings/string_view.h"
#include "iam/export.h"
#include "iam/profile.h"
#include "iam/random.h"
#include "iam/secret.h"

namespace iam {

struct AccessKey {
  std::string id;
  Secret secret;
};

// The AWS-style format, for hosts that want it.
IAM_EXPORT const AccessKeyFormat& AwsAccessKeyFormat();

// `random` is not owned; null = SystemRandom().
IAM_EXPORT AccessKey GenerateAccessKey(const AccessKeyFormat& format,
                                       RandomSource* random = nullptr);

// True when `id` has the format's prefix, length and alphabet.
IAM_EXPORT bool MatchesFormat(const IdFormat& format, absl::string_view id);

// Draws one identifier of `format`.
IAM_EXPORT std::string GenerateId(const IdFormat& format, RandomSource* random = nullptr);

}  // namespace iam

#endif  // IAM_ACCESS_KEY_H_
