// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target: the field validators under every profile. One input is
// split into a username, an email, a mobile number, a display name, a
// password and blocklist lines; each goes through its validator and
// canonicalizer under each profile, and the password through the profile's
// policy with an administrator's RE2 pattern and a blocklist built from the
// input, and through the Unicode canonicalizer (NFKC and its case fold).
// Invariants: a username that validates has a canonical form; IsValid agrees
// with Check being empty; a password that normalizes normalizes to itself.
//
//   build-fuzz/fuzz/validators_fuzz -max_total_time=3600 /tmp/val-corpus fuzz/corpus/validators
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "base/unicode.h"
#include "iam/blocklist.h"
#include "iam/contact.h"
#include "iam/password_policy.h"
#include "iam/profile.h"
#include "iam/username.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  // username \n email \n phone \n display name \n password \n blocklist...
  std::vector<std::string> parts = absl::StrSplit(input, absl::MaxSplits('\n', 5));
  parts.resize(6);
  const std::vector<std::string> entries = absl::StrSplit(parts[5], '\n');
  const std::shared_ptr<const iam::Blocklist> blocklist = iam::Blocklist::FromEntries(entries);
  // Entries are read as LoadFile reads lines: a trailing CR and "#!comment:"
  // lines (any ASCII case) are dropped; every other entry is found.
  for (std::string e : entries) {
    if (!e.empty() && e.back() == '\r') e.pop_back();
    if (e.empty() || absl::StartsWithIgnoreCase(e, "#!comment:")) continue;
    if (!blocklist->Contains(e)) std::abort();
  }
  (void)iam::internal::Nfkc(parts[4]);
  (void)iam::internal::NfkcCaseFold(parts[0]);
  for (const char* name : {"huawei", "tencent", "alibaba", "nist"}) {
    const iam::Profile& profile = *iam::FindProfile(name);
    const bool valid = iam::ValidateUsername(profile, parts[0]).ok();
    if (valid != iam::IsValidUsername(profile, parts[0])) std::abort();
    if (valid && !iam::CanonicalUsername(profile, parts[0]).ok()) std::abort();
    (void)iam::UsernameLookupKey(profile, parts[0]);
    (void)iam::ValidateEmail(profile, parts[1]);
    (void)iam::CanonicalEmail(parts[1]);
    (void)iam::ValidatePhoneNumber(profile, parts[2]);
    (void)iam::ValidatePhoneRegion(profile, parts[2].substr(0, 4));
    (void)iam::CanonicalPhone(profile, parts[2].substr(0, 4), parts[2]);
    (void)iam::PhoneIdentifierE164(profile, parts[2]);
    (void)iam::ValidateDisplayName(profile, parts[3]);
    (void)iam::ValidateDescription(profile, parts[3]);
    (void)iam::ValidateExternalId(profile, parts[3]);

    iam::PasswordPolicy policy = profile.password;
    policy.max_repeat = 3;
    policy.blocklist = blocklist;
    policy.custom_pattern = "(?:[^a-z]*[a-z]){2}.*";  // two lower-case letters
    policy.custom_pattern_description = "two lower-case letters";
    auto checker = iam::PasswordChecker::Create(policy);
    if (!checker.ok()) std::abort();  // the profiles' policies are valid
    const iam::PasswordContext context{parts[0], parts[1], parts[2]};
    const bool ok = (*checker)->IsValid(parts[4], context);
    if (ok != (*checker)->Check(parts[4], context).empty()) std::abort();
    if (auto normal = (*checker)->Normalize(parts[4]); normal.ok()) {
      auto again = (*checker)->Normalize(*normal);
      if (!again.ok() || *again != *normal) std::abort();
    }
  }
  return 0;
}
