// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target: the C ABI's request and entry builders, as a C host calls
// them. The input's lines are the values of every create-user setter (and,
// from its first bytes, the flags, the password mode and the profile), then
// a policy's name and document; the engine (allow-all, in memory, one per
// profile) creates the user and the policy and deletes them again. Every call
// answers a known status; an error carries its reason and leaves no output;
// a success renders JSON naming what was made.
//
//   build-fuzz/fuzz/capi_fuzz -max_total_time=3600 /tmp/capi-corpus fuzz/corpus/capi
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "iam/iam.h"
#include "nlohmann/json.hpp"

namespace {

iam_engine* EngineFor(int profile) {
  static iam_engine* engines[4] = {nullptr, nullptr, nullptr, nullptr};
  static const char* const kProfiles[] = {"huawei", "tencent", "alibaba", "nist"};
  if (engines[profile] == nullptr) {
    iam_options* options = nullptr;
    if (iam_options_create(&options, nullptr) != IAM_OK ||
        iam_options_set_profile(options, kProfiles[profile], nullptr) != IAM_OK ||
        iam_options_set_argon2_preset(options, IAM_ARGON2_TESTS) != IAM_OK ||
        iam_options_set_allow_all(options, 1) != IAM_OK ||
        iam_engine_create(options, nullptr, &engines[profile], nullptr) != IAM_OK) {
      std::abort();
    }
    iam_options_destroy(options);
  }
  return engines[profile];
}

// A status of the C ABI, and what a failed call must leave.
void CheckOutcome(int rc, const iam_error* err, char* json) {
  if (rc < IAM_OK || rc > 16) std::abort();
  if (rc != IAM_OK) {
    if (json != nullptr || iam_error_code(err) != rc) std::abort();
    const char* reason = iam_error_reason(err);
    if (reason == nullptr || *reason == '\0') std::abort();
  }
}

std::string IdOf(const char* json) {
  const nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded()) std::abort();  // the ABI renders valid JSON
  const nlohmann::json& owner = j.contains("user") ? j["user"] : j;
  if (!owner.contains("id") || !owner["id"].is_string()) std::abort();
  return owner["id"].get<std::string>();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  const int profile = data[0] % 4;
  const uint8_t flags = data[1];
  const int mode = data[2] % 5;  // 4 is not a mode: refused
  const std::string text(reinterpret_cast<const char*>(data) + 3, size - 3);
  std::vector<std::string> v = absl::StrSplit(text, absl::MaxSplits('\n', 17));
  v.resize(18);
  iam_engine* engine = EngineFor(profile);
  iam_error* err = nullptr;
  if (iam_error_create(&err) != IAM_OK) std::abort();

  iam_request* req = nullptr;
  if (iam_request_create(&req, err) != IAM_OK) std::abort();
  iam_request_set_tenant(req, v[0].c_str());
  iam_request_set_username(req, v[1].c_str());
  iam_request_set_display_name(req, v[2].c_str());
  iam_request_set_description(req, v[3].c_str());
  iam_request_set_email(req, v[4].c_str());
  iam_request_set_phone_region(req, v[5].c_str());
  iam_request_set_phone(req, v[6].c_str());
  iam_request_set_external_id(req, v[7].c_str());
  iam_request_set_default_project_id(req, v[8].c_str());
  iam_request_set_client_token(req, v[9].c_str());
  iam_request_add_group(req, v[10].c_str());
  iam_request_add_ou(req, v[11].c_str());
  iam_request_add_policy(req, v[12].c_str());
  iam_request_add_custom_field(req, v[13].c_str(), v[14].c_str());
  iam_request_set_password_mode(req, mode);
  if (mode == IAM_PASSWORD_MANUAL) iam_request_set_password(req, v[15].c_str());
  iam_request_set_email_verified(req, flags & 1);
  iam_request_set_phone_verified(req, (flags >> 1) & 1);
  iam_request_set_access_key(req, (flags >> 2) & 1);
  (void)iam_request_set_quick_create(req, (flags >> 3) & 1);
  iam_request_set_require_password_reset(req, (flags >> 4) & 1);
  iam_request_set_enabled(req, (flags >> 5) & 1);
  char* json = nullptr;
  int rc = iam_engine_create_user(engine, nullptr, req, &json, err);
  CheckOutcome(rc, err, json);
  iam_request_destroy(req);
  if (rc == IAM_OK) {
    const std::string id = IdOf(json);
    iam_free(json);
    json = nullptr;
    if (iam_engine_delete_user(engine, nullptr, v[0].c_str(), id.c_str(), 0, err) != IAM_OK) {
      std::abort();  // what was just made can be deleted
    }
  }

  iam_entry* entry = nullptr;
  if (iam_entry_create(IAM_ENTRY_POLICY, &entry, err) != IAM_OK) std::abort();
  iam_entry_set_tenant(entry, v[0].c_str());
  iam_entry_set_name(entry, v[16].c_str());
  iam_entry_set_document(entry, v[17].c_str());
  rc = iam_engine_create_entry(engine, nullptr, entry, &json, err);
  CheckOutcome(rc, err, json);
  iam_entry_destroy(entry);
  if (rc == IAM_OK) {
    const std::string id = IdOf(json);
    iam_free(json);
    if (iam_engine_delete_entry(engine, nullptr, IAM_ENTRY_POLICY, v[0].c_str(), id.c_str(), err) !=
        IAM_OK) {
      std::abort();
    }
  }
  iam_error_destroy(err);
  return 0;
}
