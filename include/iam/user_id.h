// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// User ids and request ids in the profile's format: huawei 32 lowercase hex
// (Keystone uuid4().hex), alibaba "user_" + 26 of [a-z2-7], tencent a 12-digit
// UIN, nist 32 lowercase hex.
//
//   std::string id = iam::NewUserId(*iam::FindProfile("alibaba"));  // "user_..."
//
// Thread-safety: safe when `random` is.
#ifndef IAM_USER_ID_H_
#define IAM_USER_ID_H_

#include <string>

#include "iam/export.h"
#include "iam/profile.h"
#include "iam/random.h"

namespace iam {

// `random` is not owned; null = SystemRandom().
IAM_EXPORT std::string NewUserId(const Profile& profile, RandomSource* random = nullptr);

// A random (version 4) UUID in canonical 8-4-4-4-12 upper-case form, as the
// seeds' RequestId ("0441BD79-92F3-53AA-8657-F8CE4A2B912A").
IAM_EXPORT std::string NewRequestId(RandomSource* random = nullptr);

}  // namespace iam

#endif  // IAM_USER_ID_H_
