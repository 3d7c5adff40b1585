// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The handle structs behind include/iam/iam.h and the helpers every extern "C"
// body shares: the exception guard (after onnxruntime's API_IMPL_BEGIN/END),
// error filling, and library-allocated strings. Private to capi/.
#ifndef IAM_CAPI_CAPI_INTERNAL_H_
#define IAM_CAPI_CAPI_INTERNAL_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "iam/authorizer.h"
#include "iam/clock.h"
#include "iam/engine.h"
#include "iam/iam.h"
#include "iam/notifier.h"
#include "iam/password_policy.h"
#include "iam/profile.h"
#include "iam/store.h"
#include "iam/violation.h"
#include "nlohmann/json.hpp"

namespace iam::capi {

// The state behind each C handle. The C types (iam_error, iam_engine, ...)
// stay incomplete in every translation unit, the library's included: a handle
// is converted at the boundary with Impl() and ToHandle(). So the handles are
// opaque in the debug information too, and the ABI baseline (capi/abi/)
// records the C view only, not these layouts.
struct ErrorImpl {
  int code = IAM_OK;
  std::string field;
  std::string reason;
  std::string message;
  int http_status = 0;
  std::string provider_code;
};

struct BufferImpl {
  std::string data;
  bool set = false;
};

struct StoreImpl {
  std::shared_ptr<Store> store;
};

struct NotifierImpl {
  std::shared_ptr<Notifier> notifier;
};

struct AuthorizerImpl {
  std::shared_ptr<Authorizer> authorizer;
};

struct ClockImpl {
  std::shared_ptr<FakeClock> clock;
};

struct PrincipalImpl {
  Principal principal;
};

struct NotificationImpl {
  const Notification* n;
};

struct PolicyImpl {
  PasswordPolicy policy;
  // Compiled on first use; reset by every setter. Guarded so that several
  // threads may check against one configured policy at once.
  mutable std::mutex mu;
  mutable std::shared_ptr<const PasswordChecker> checker;
};

struct OptionsImpl {
  EngineOptions options;
  std::shared_ptr<Notifier> notifier;
  std::shared_ptr<Authorizer> authorizer;
  bool allow_all = false;  // iam_options_set_allow_all: AllowAllAuthorizer by name
  std::shared_ptr<Clock> clock;
};

struct RequestImpl {
  std::string tenant;
  std::optional<std::string> username;
  std::optional<std::string> user;
  int64_t expected_version = 0;
  std::optional<std::string> display_name;
  std::optional<std::string> description;
  std::optional<std::string> email;
  std::optional<bool> email_verified;
  std::optional<std::string> phone_region;
  std::optional<std::string> phone;
  std::optional<bool> phone_verified;
  std::optional<std::string> external_id;
  std::optional<bool> enabled;
  std::optional<std::string> default_project_id;
  std::optional<std::string> primary_ou;
  std::optional<std::vector<std::string>> ous;
  std::optional<std::vector<std::string>> groups;
  std::optional<std::vector<CustomFieldValue>> custom_fields;
  std::optional<std::vector<std::string>> policies;
  std::optional<bool> sms_login_verification;
  std::optional<bool> require_password_reset;
  // Create only.
  std::optional<PasswordMode> password_mode;
  Secret password;
  Secret password_hash;
  std::optional<int> generated_password_length;
  std::optional<bool> access_key;
  std::optional<std::vector<Channel>> notify;
  std::optional<bool> quick_create;
  std::optional<std::string> client_token;
};

struct ListRequestImpl {
  ListUsersRequest request;
};

struct EntryImpl {
  DirectoryEntry entry;
  // What an update changes (iam_engine_update_entry): the fields set.
  bool description_set = false;
  bool document_set = false;
  bool policies_set = false;
};

struct EngineImpl {
  // The ports the engine borrows, kept alive for its lifetime; `engine` is
  // declared last so it is destroyed first.
  std::shared_ptr<Store> store;
  std::shared_ptr<Notifier> notifier;
  std::shared_ptr<Authorizer> authorizer;
  std::shared_ptr<Clock> clock;
  std::unique_ptr<Engine> engine;
};

template <typename C>
struct HandleTraits;
#define IAM_CAPI_HANDLE(C, R) \
  template <>                 \
  struct HandleTraits<C> {    \
    using Impl = R;           \
  };
IAM_CAPI_HANDLE(iam_error, ErrorImpl)
IAM_CAPI_HANDLE(iam_buffer, BufferImpl)
IAM_CAPI_HANDLE(iam_store, StoreImpl)
IAM_CAPI_HANDLE(iam_notifier, NotifierImpl)
IAM_CAPI_HANDLE(iam_authorizer, AuthorizerImpl)
IAM_CAPI_HANDLE(iam_clock, ClockImpl)
IAM_CAPI_HANDLE(iam_principal, PrincipalImpl)
IAM_CAPI_HANDLE(iam_notification, NotificationImpl)
IAM_CAPI_HANDLE(iam_policy, PolicyImpl)
IAM_CAPI_HANDLE(iam_options, OptionsImpl)
IAM_CAPI_HANDLE(iam_request, RequestImpl)
IAM_CAPI_HANDLE(iam_list_request, ListRequestImpl)
IAM_CAPI_HANDLE(iam_entry, EntryImpl)
IAM_CAPI_HANDLE(iam_engine, EngineImpl)
#undef IAM_CAPI_HANDLE

template <typename C>
typename HandleTraits<C>::Impl* Impl(C* handle) {
  return reinterpret_cast<typename HandleTraits<C>::Impl*>(handle);
}
template <typename C>
const typename HandleTraits<C>::Impl* Impl(const C* handle) {
  return reinterpret_cast<const typename HandleTraits<C>::Impl*>(handle);
}
template <typename C>
C* ToHandle(typename HandleTraits<C>::Impl* impl) {
  return reinterpret_cast<C*>(impl);
}

// The reason marking a status that a host callback failed; Fill() turns it
// into IAM_CALLBACK_FAILED.
inline constexpr absl::string_view kCallbackFailedReason = "callback.failed";

// The profile named `name` (null = huawei), or an error naming "profile".
absl::Status LookupProfile(const char* name, const Profile** out);

// Fills `err` (may be null) from `status` with the HTTP mapping of `profile`
// (null = huawei) and returns the C code. Never throws.
int Fill(iam_error* err, const absl::Status& status, const Profile* profile = nullptr);
// Fills `err` (may be null) with a rule's violation (IAM_INVALID_ARGUMENT and
// the profile's HTTP mapping) without building a status; returns the code.
int FillViolation(iam_error* err, const Violation& violation, const Profile* profile);
// Clears `err` and returns IAM_OK.
int Ok(iam_error* err);
// The C code of a status (IAM_CALLBACK_FAILED for a failed callback).
int CodeOf(const absl::Status& status);
// The status a C code (from a host callback) stands for, with `err`'s details.
absl::Status StatusFromCallback(int code, const ErrorImpl& err, absl::string_view slot);

// A copy of `s` in library memory, released (and wiped) by iam_free. Throws
// std::bad_alloc.
char* NewString(absl::string_view s);
// Stores a new string in `*out` when `out` is not null.
void SetOut(char** out, absl::string_view s);

// The policy as iam_policy_json() shows it.
nlohmann::json PolicyJson(const PasswordPolicy& policy);
// [{"field", "reason", "message"}, ...]
std::string ViolationsText(const Violations& violations);
// The compiled checker of a policy handle (cached on the handle).
absl::StatusOr<std::shared_ptr<const PasswordChecker>> CheckerOf(const PolicyImpl* policy);

// A NULL required argument.
absl::Status NullArgument(absl::string_view name);

// Converts the current exception into a code; use inside catch (...).
int FromException(iam_error* err) noexcept;

inline absl::string_view View(const char* s) { return s == nullptr ? absl::string_view() : s; }
inline std::string Str(const char* s) { return s == nullptr ? std::string() : std::string(s); }

}  // namespace iam::capi

// Every extern "C" body that can fail runs inside these: no exception crosses
// the ABI.
#define IAM_API_BEGIN try {
#define IAM_API_END(err)                    \
  }                                         \
  catch (...) {                             \
    return ::iam::capi::FromException(err); \
  }

// Returns IAM_INVALID_ARGUMENT from the enclosing function when `arg` is null.
#define IAM_REQUIRE(arg, err)                                                             \
  do {                                                                                    \
    if ((arg) == nullptr) return ::iam::capi::Fill(err, ::iam::capi::NullArgument(#arg)); \
  } while (0)

namespace iam::capi {

// The whole body of iam_X_create for a handle whose implementation starts
// default constructed.
template <typename C>
int CreateDefaultHandle(C** out, iam_error* err) {
  if (out != nullptr) *out = nullptr;
  IAM_API_BEGIN
  IAM_REQUIRE(out, err);
  *out = ToHandle<C>(new typename HandleTraits<C>::Impl());
  return Ok(err);
  IAM_API_END(err)
}

}  // namespace iam::capi

// Setters without an error object: a null handle is IAM_INVALID_ARGUMENT.
#define IAM_SETTER_BEGIN(handle)                        \
  if ((handle) == nullptr) return IAM_INVALID_ARGUMENT; \
  try {
#define IAM_SETTER_END             \
  return IAM_OK;                   \
  }                                \
  catch (const std::bad_alloc&) {  \
    return IAM_RESOURCE_EXHAUSTED; \
  }                                \
  catch (...) {                    \
    return IAM_INTERNAL;           \
  }

#endif  // IAM_CAPI_CAPI_INTERNAL_H_
