// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The hashes the request signatures are made of: SHA-256 from OpenSSL's
// libcrypto (it uses the CPU's SHA extensions: measured faster than
// libsodium's portable code once the digest is fetched once), HMAC-SHA256
// from libsodium, HMAC-SHA1 (Alibaba's RPC signature, which libsodium lacks)
// from libcrypto. Pure functions; keyed states are wiped.
#ifndef IAM_SRC_WIRE_DIGESTS_H_
#define IAM_SRC_WIRE_DIGESTS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace iam::wire {

// Lower-case hex of SHA-256(data).
std::string HexSha256(absl::string_view data);
// The 32 raw bytes of HMAC-SHA256(key, data).
std::string HmacSha256(absl::string_view key, absl::string_view data);
// The 20 raw bytes of HMAC-SHA1(key, data).
std::string HmacSha1(absl::string_view key, absl::string_view data);
// Lower-case hex of raw bytes.
std::string Hex(absl::string_view bytes);
// Whether `a` and `b` are equal and not empty, in time independent of where
// they differ: how a presented signature is compared.
bool ConstantTimeEqual(absl::string_view a, absl::string_view b);

}  // namespace iam::wire

#endif  // IAM_SRC_WIRE_DIGESTS_H_
