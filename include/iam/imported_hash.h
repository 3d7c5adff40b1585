// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Password hashes made by other systems, carried over by an import so that no
// user has to reset a password. PasswordHasher::Verify accepts them, and the
// first successful login replaces them with the tenant's Argon2id
// (NeedsRehash is true for every one of them).
//
//   scheme          encodings accepted                          computed by
//   argon2id/i      $argon2id$..., $argon2i$... (any p), and   libsodium
//                   Django's argon2$argon2id$...
//   bcrypt          $2a$, $2b$, $2y$ (cost 4..18)               libxcrypt
//   sha512-crypt    $6$[rounds=N$]salt$hash                     libxcrypt
//   yescrypt        $y$...                                      libxcrypt
//   scrypt          $7$... (libxcrypt), passlib's $scrypt$ln=,r=,p=$salt$hash
//   pbkdf2-sha256   Django pbkdf2_sha256$iter$salt$b64,         libcrypto
//   pbkdf2-sha512   passlib $pbkdf2-sha256$iter$ab64salt$ab64hash (and -sha512)
//
// bcrypt reads only the first 72 bytes of a password, as the systems that made
// these hashes did: a longer password whose first 72 bytes match verifies, and
// the Argon2id hash that replaces it then covers every byte.
//
// Work factors are bounded so that a hostile file cannot make one login cost
// minutes: Argon2 memory <= 1 GiB, passes <= 64; bcrypt cost <= 18; PBKDF2 and
// sha512-crypt rounds <= 10,000,000; passlib scrypt memory (128 * r * N) <=
// 1 GiB. yescrypt's and $7$'s own parameter encodings are not decoded here:
// libxcrypt bounds them as it computes (not yet tested with hostile values).
//
// Thread-safety: every function is safe to call from many threads at once.
#ifndef IAM_IMPORTED_HASH_H_
#define IAM_IMPORTED_HASH_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "iam/export.h"

namespace iam {

// The form the hash is stored in (Django's "argon2$" prefix dropped), or
// kInvalidArgument reason "password_hash.unknown_scheme" /
// "password_hash.malformed" / "password_hash.too_costly" naming `field`. Never
// echoes the hash.
IAM_EXPORT absl::StatusOr<std::string> CanonicalImportedHash(absl::string_view hash,
                                                             absl::string_view field);

// The scheme's name from the table above ("bcrypt", "pbkdf2-sha256", ...), or ""
// when no scheme takes the string.
IAM_EXPORT std::string ImportedHashScheme(absl::string_view hash);

// Constant-time check of `password` against a stored (canonical) hash of any
// scheme above; false for a malformed one.
IAM_EXPORT bool VerifyImportedHash(absl::string_view hash, absl::string_view password);

}  // namespace iam

#endif  // IAM_IMPORTED_HASH_H_
