// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Host-supplied ports (store, notifier, authorizer) and the shipped stores and
// notifiers, behind the C ABI.
#include "host_ports.h"

#include <cstddef>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "absl/strings/str_cat.h"
#include "iam/delivery.h"
#include "iam/error.h"
#include "iam/memory_store.h"
#include "iam/open_store.h"
#include "iam/postgres_store.h"
#include "iam/secret.h"
#include "iam/sqlite_store.h"
#include "store_json.h"

namespace iam::capi {
namespace {

using nlohmann::json;

absl::Status CallbackError(absl::string_view what, absl::string_view detail) {
  return MakeError(absl::StatusCode::kInternal, "", kCallbackFailedReason,
                   absl::StrCat(what, ": ", detail));
}

// Runs `f`, turning any exception (malformed JSON from the host, memory) into
// a status: nothing unwinds through the engine.
template <typename F>
auto Guard(absl::string_view what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("out of memory");
  } catch (const std::exception& e) {
    return CallbackError(what, e.what());
  } catch (...) {
    return CallbackError(what, "unexpected exception");
  }
}

// The C views of the library's own objects handed to a callback.
iam_buffer* H(BufferImpl* b) { return ToHandle<iam_buffer>(b); }
iam_error* H(ErrorImpl* e) { return ToHandle<iam_error>(e); }
iam_notification* H(NotificationImpl* n) { return ToHandle<iam_notification>(n); }

json Parse(const BufferImpl& buffer) {
  if (!buffer.set) throw std::invalid_argument("returned IAM_OK without a result (iam_buffer_set)");
  return json::parse(buffer.data);
}

template <typename T, typename Decode>
std::vector<T> ParseArray(const BufferImpl& buffer, Decode decode) {
  const json j = Parse(buffer);
  if (!j.is_array()) throw std::invalid_argument("expected a JSON array");
  std::vector<T> out;
  out.reserve(j.size());
  for (const json& item : j) out.push_back(decode(item));
  return out;
}

}  // namespace

// ---- HostStore ---------------------------------------------------------------

// A version-1 table ends before update_entry: only the fields of the host's
// version are read.
HostStore::HostStore(const iam_store_methods& methods, void* ctx) : m_(), ctx_(ctx) {
  const size_t known =
      methods.version >= 2 ? sizeof(iam_store_methods) : offsetof(iam_store_methods, update_entry);
  std::memcpy(&m_, &methods, known);
}

HostStore::~HostStore() {
  if (m_.destroy != nullptr) m_.destroy(ctx_);
}

absl::Status HostStore::Commit(const WriteSet& writes) {
  if (writes.idempotency.size() > 1 && m_.version < 3) {
    return MakeError(absl::StatusCode::kUnimplemented, "", "store.unsupported",
                     absl::StrCat("host store (methods version ", m_.version,
                                  ") reads one idempotency record per commit; a batch of "
                                  "creates with client tokens needs version 3"));
  }
  return Guard("host store commit", [&]() -> absl::Status {
    const std::string text = ToJson(writes).dump();
    ErrorImpl e;
    return StatusFromCallback(m_.commit(ctx_, text.c_str(), H(&e)), e, "store.commit");
  });
}

absl::StatusOr<UserRecord> HostStore::FindUser(absl::string_view tenant, UserKey key,
                                               absl::string_view value) {
  return Guard("host store find_user", [&]() -> absl::StatusOr<UserRecord> {
    BufferImpl out;
    ErrorImpl e;
    const int rc = m_.find_user(ctx_, std::string(tenant).c_str(), UserKeyText(key),
                                std::string(value).c_str(), H(&out), H(&e));
    if (rc != IAM_OK) return StatusFromCallback(rc, e, "store.find_user");
    return UserRecordFromJson(Parse(out));
  });
}

absl::StatusOr<ListUsersPage> HostStore::ListUsers(const ListUsersQuery& query) {
  return Guard("host store list_users", [&]() -> absl::StatusOr<ListUsersPage> {
    const std::string text = ToJson(query).dump();
    BufferImpl out;
    ErrorImpl e;
    const int rc = m_.list_users(ctx_, text.c_str(), H(&out), H(&e));
    if (rc != IAM_OK) return StatusFromCallback(rc, e, "store.list_users");
    return PageFromJson(Parse(out));
  });
}

absl::StatusOr<std::optional<IdempotencyRecord>> HostStore::FindIdempotency(
    absl::string_view tenant, absl::string_view client_token) {
  using Result = absl::StatusOr<std::optional<IdempotencyRecord>>;
  return Guard("host store find_idempotency", [&]() -> Result {
    BufferImpl out;
    ErrorImpl e;
    const int rc = m_.find_idempotency(ctx_, std::string(tenant).c_str(),
                                       std::string(client_token).c_str(), H(&out), H(&e));
    if (rc == IAM_NOT_FOUND) return std::optional<IdempotencyRecord>();
    if (rc != IAM_OK) return StatusFromCallback(rc, e, "store.find_idempotency");
    return std::optional<IdempotencyRecord>(IdempotencyFromJson(Parse(out)));
  });
}

absl::Status HostStore::CreateEntry(const DirectoryEntry& entry) {
  return Guard("host store create_entry", [&]() -> absl::Status {
    const std::string text = ToJson(entry).dump();
    ErrorImpl e;
    return StatusFromCallback(m_.create_entry(ctx_, text.c_str(), H(&e)), e, "store.create_entry");
  });
}

absl::StatusOr<DirectoryEntry> HostStore::FindEntry(EntryKind kind, absl::string_view tenant,
                                                    absl::string_view id_or_name) {
  return Guard("host store find_entry", [&]() -> absl::StatusOr<DirectoryEntry> {
    BufferImpl out;
    ErrorImpl e;
    const int rc = m_.find_entry(ctx_, EntryKindText(kind), std::string(tenant).c_str(),
                                 std::string(id_or_name).c_str(), H(&out), H(&e));
    if (rc != IAM_OK) return StatusFromCallback(rc, e, "store.find_entry");
    return EntryFromJson(Parse(out));
  });
}

absl::StatusOr<std::vector<DirectoryEntry>> HostStore::ListEntries(EntryKind kind,
                                                                   absl::string_view tenant,
                                                                   absl::string_view keyword) {
  using Result = absl::StatusOr<std::vector<DirectoryEntry>>;
  return Guard("host store list_entries", [&]() -> Result {
    BufferImpl out;
    ErrorImpl e;
    const int rc = m_.list_entries(ctx_, EntryKindText(kind), std::string(tenant).c_str(),
                                   std::string(keyword).c_str(), H(&out), H(&e));
    if (rc != IAM_OK) return StatusFromCallback(rc, e, "store.list_entries");
    return ParseArray<DirectoryEntry>(out, EntryFromJson);
  });
}

absl::Status HostStore::UpdateEntry(const DirectoryEntry& entry, int64_t expected_version) {
  if (m_.update_entry == nullptr) return Store::UpdateEntry(entry, expected_version);
  return Guard("host store update_entry", [&]() -> absl::Status {
    const std::string text = ToJson(entry).dump();
    ErrorImpl e;
    return StatusFromCallback(m_.update_entry(ctx_, text.c_str(), expected_version, H(&e)), e,
                              "store.update_entry");
  });
}

absl::Status HostStore::DeleteEntry(EntryKind kind, absl::string_view tenant,
                                    absl::string_view id) {
  return Guard("host store delete_entry", [&]() -> absl::Status {
    ErrorImpl e;
    const int rc = m_.delete_entry(ctx_, EntryKindText(kind), std::string(tenant).c_str(),
                                   std::string(id).c_str(), H(&e));
    return StatusFromCallback(rc, e, "store.delete_entry");
  });
}

absl::StatusOr<AccessKeyRecord> HostStore::FindAccessKey(absl::string_view access_key_id) {
  return Guard("host store find_access_key", [&]() -> absl::StatusOr<AccessKeyRecord> {
    BufferImpl out;
    ErrorImpl e;
    const int rc = m_.find_access_key(ctx_, std::string(access_key_id).c_str(), H(&out), H(&e));
    if (rc != IAM_OK) return StatusFromCallback(rc, e, "store.find_access_key");
    return AccessKeyFromJson(Parse(out));
  });
}

absl::StatusOr<std::vector<AccessKeyRecord>> HostStore::ListAccessKeys(absl::string_view tenant,
                                                                       absl::string_view user_id) {
  using Result = absl::StatusOr<std::vector<AccessKeyRecord>>;
  return Guard("host store list_access_keys", [&]() -> Result {
    BufferImpl out;
    ErrorImpl e;
    const int rc = m_.list_access_keys(ctx_, std::string(tenant).c_str(),
                                       std::string(user_id).c_str(), H(&out), H(&e));
    if (rc != IAM_OK) return StatusFromCallback(rc, e, "store.list_access_keys");
    return ParseArray<AccessKeyRecord>(out, AccessKeyFromJson);
  });
}

absl::StatusOr<TokenRecord> HostStore::FindToken(absl::string_view hash) {
  return Guard("host store find_token", [&]() -> absl::StatusOr<TokenRecord> {
    BufferImpl out;
    ErrorImpl e;
    const int rc = m_.find_token(ctx_, std::string(hash).c_str(), H(&out), H(&e));
    if (rc != IAM_OK) return StatusFromCallback(rc, e, "store.find_token");
    return TokenFromJson(Parse(out));
  });
}

absl::Status HostStore::RegisterTenant(absl::string_view tenant) {
  return Guard("host store register_tenant", [&]() -> absl::Status {
    ErrorImpl e;
    return StatusFromCallback(m_.register_tenant(ctx_, std::string(tenant).c_str(), H(&e)), e,
                              "store.register_tenant");
  });
}

absl::StatusOr<bool> HostStore::TenantExists(absl::string_view tenant) {
  return Guard("host store tenant_exists", [&]() -> absl::StatusOr<bool> {
    ErrorImpl e;
    int exists = 0;
    const int rc = m_.tenant_exists(ctx_, std::string(tenant).c_str(), &exists, H(&e));
    if (rc != IAM_OK) return StatusFromCallback(rc, e, "store.tenant_exists");
    return exists != 0;
  });
}

absl::StatusOr<std::vector<OutboxMessage>> HostStore::DueOutbox(absl::Time now, int limit) {
  using Result = absl::StatusOr<std::vector<OutboxMessage>>;
  return Guard("host store due_outbox", [&]() -> Result {
    BufferImpl out;
    ErrorImpl e;
    const int rc = m_.due_outbox(ctx_, TimeToNanos(now), limit, H(&out), H(&e));
    if (rc != IAM_OK) return StatusFromCallback(rc, e, "store.due_outbox");
    return ParseArray<OutboxMessage>(out, OutboxFromJson);
  });
}

absl::Status HostStore::CompleteOutbox(int64_t id) {
  return Guard("host store complete_outbox", [&]() -> absl::Status {
    ErrorImpl e;
    return StatusFromCallback(m_.complete_outbox(ctx_, id, H(&e)), e, "store.complete_outbox");
  });
}

absl::Status HostStore::RescheduleOutbox(int64_t id, int attempts, absl::Time next_attempt_at,
                                         absl::string_view last_error) {
  return Guard("host store reschedule_outbox", [&]() -> absl::Status {
    ErrorImpl e;
    const int rc = m_.reschedule_outbox(ctx_, id, attempts, TimeToNanos(next_attempt_at),
                                        std::string(last_error).c_str(), H(&e));
    return StatusFromCallback(rc, e, "store.reschedule_outbox");
  });
}

absl::StatusOr<int64_t> HostStore::PendingOutbox() {
  return Guard("host store pending_outbox", [&]() -> absl::StatusOr<int64_t> {
    ErrorImpl e;
    int64_t count = 0;
    const int rc = m_.pending_outbox(ctx_, &count, H(&e));
    if (rc != IAM_OK) return StatusFromCallback(rc, e, "store.pending_outbox");
    return count;
  });
}

// ---- HostNotifier ------------------------------------------------------------

HostNotifier::HostNotifier(const iam_notifier_methods& methods, void* ctx)
    : m_(methods), ctx_(ctx) {}

HostNotifier::~HostNotifier() {
  if (m_.destroy != nullptr) m_.destroy(ctx_);
}

absl::Status HostNotifier::Send(const Notification& notification) {
  return Guard("host notifier send", [&]() -> absl::Status {
    NotificationImpl n{&notification};
    ErrorImpl e;
    return StatusFromCallback(m_.send(ctx_, H(&n), H(&e)), e, "notifier.send");
  });
}

// ---- HostAuthorizer ----------------------------------------------------------

HostAuthorizer::HostAuthorizer(const iam_authorizer_methods& methods, void* ctx)
    : m_(methods), ctx_(ctx) {}

HostAuthorizer::~HostAuthorizer() {
  if (m_.destroy != nullptr) m_.destroy(ctx_);
}

absl::Status HostAuthorizer::Authorize(const Principal& caller, absl::string_view action,
                                       absl::string_view tenant) {
  return Guard("host authorizer", [&]() -> absl::Status {
    ErrorImpl e;
    const int rc = m_.authorize(ctx_, caller.id.c_str(), caller.tenant.c_str(),
                                std::string(action).c_str(), std::string(tenant).c_str(), H(&e));
    return StatusFromCallback(rc, e, "authorizer.authorize");
  });
}

namespace {

// The version check and required slots of a host table; on failure the
// context is released through `destroy` (the "exactly once" rule).
absl::Status CheckTable(int version, const char* table, void (*destroy)(void*), void* ctx,
                        std::initializer_list<std::pair<const char*, bool>> required) {
  absl::Status status;
  if (version < 1) {
    status = InvalidField(absl::StrCat(table, ".version"), "host.bad_version",
                          absl::StrCat(table, ".version: must be at least 1"));
  } else {
    for (const auto& [name, present] : required) {
      if (!present) {
        status = InvalidField(absl::StrCat(table, ".", name), "host.missing_slot",
                              absl::StrCat(table, ".", name, ": a required slot is NULL"));
        break;
      }
    }
  }
  if (!status.ok() && destroy != nullptr) destroy(ctx);
  return status;
}

}  // namespace

}  // namespace iam::capi

using iam::capi::Fill;
using iam::capi::Impl;
using iam::capi::Ok;

namespace {

// A handle owning the store `opened` holds, or its error.
template <typename S>
int HandleFor(absl::StatusOr<std::unique_ptr<S>> opened, iam_store** out, iam_error* err) {
  if (!opened.ok()) return Fill(err, opened.status());
  auto store = std::make_unique<iam::capi::StoreImpl>();
  store->store = std::shared_ptr<iam::Store>(std::move(*opened));
  *out = iam::capi::ToHandle<iam_store>(store.release());
  return Ok(err);
}

}  // namespace

extern "C" {

int iam_store_open_memory(iam_store** out, iam_error* err) {
  if (out != nullptr) *out = nullptr;
  IAM_API_BEGIN
  IAM_REQUIRE(out, err);
  auto store = std::make_unique<iam::capi::StoreImpl>();
  store->store = std::make_shared<iam::MemoryStore>();
  *out = iam::capi::ToHandle<iam_store>(store.release());
  return Ok(err);
  IAM_API_END(err)
}

int iam_store_open_sqlite(const char* path, int durable, int busy_timeout_ms, iam_store** out,
                          iam_error* err) {
  if (out != nullptr) *out = nullptr;
  IAM_API_BEGIN
  IAM_REQUIRE(path, err);
  IAM_REQUIRE(out, err);
  iam::SqliteOptions options;
  options.durable = durable != 0;
  if (busy_timeout_ms > 0) options.busy_timeout = absl::Milliseconds(busy_timeout_ms);
  auto opened = iam::SqliteStore::Open(path, options);
  return HandleFor(std::move(opened), out, err);
  IAM_API_END(err)
}

int iam_store_open_postgres(const char* conninfo, int pool_size, iam_store** out, iam_error* err) {
  if (out != nullptr) *out = nullptr;
  IAM_API_BEGIN
  IAM_REQUIRE(conninfo, err);
  IAM_REQUIRE(out, err);
  iam::PostgresOptions options;
  if (pool_size > 0) options.pool_size = pool_size;
  auto opened = iam::PostgresStore::Open(conninfo, options);
  return HandleFor(std::move(opened), out, err);
  IAM_API_END(err)
}

int iam_store_open(const char* location, iam_store** out, iam_error* err) {
  if (out != nullptr) *out = nullptr;
  IAM_API_BEGIN
  IAM_REQUIRE(location, err);
  IAM_REQUIRE(out, err);
  auto opened = iam::OpenStore(location);
  return HandleFor(std::move(opened), out, err);
  IAM_API_END(err)
}

int iam_store_open_host(const iam_store_methods* methods, void* ctx, iam_store** out,
                        iam_error* err) {
  if (out != nullptr) *out = nullptr;
  IAM_API_BEGIN
  IAM_REQUIRE(methods, err);
  if (out == nullptr) {
    if (methods->destroy != nullptr) methods->destroy(ctx);
    return Fill(err, iam::capi::NullArgument("out"));
  }
  // Version 1 is the whole table; a later version's table starts with it.
  const iam_store_methods& m = *methods;
  absl::Status checked =
      iam::capi::CheckTable(m.version, "methods", m.destroy, ctx,
                            {{"commit", m.commit != nullptr},
                             {"find_user", m.find_user != nullptr},
                             {"list_users", m.list_users != nullptr},
                             {"find_idempotency", m.find_idempotency != nullptr},
                             {"create_entry", m.create_entry != nullptr},
                             {"find_entry", m.find_entry != nullptr},
                             {"list_entries", m.list_entries != nullptr},
                             {"delete_entry", m.delete_entry != nullptr},
                             {"find_access_key", m.find_access_key != nullptr},
                             {"list_access_keys", m.list_access_keys != nullptr},
                             {"find_token", m.find_token != nullptr},
                             {"register_tenant", m.register_tenant != nullptr},
                             {"tenant_exists", m.tenant_exists != nullptr},
                             {"due_outbox", m.due_outbox != nullptr},
                             {"complete_outbox", m.complete_outbox != nullptr},
                             {"reschedule_outbox", m.reschedule_outbox != nullptr},
                             {"pending_outbox", m.pending_outbox != nullptr}});
  if (!checked.ok()) return Fill(err, checked);
  std::unique_ptr<iam::capi::StoreImpl> store;
  try {
    store = std::make_unique<iam::capi::StoreImpl>();
    store->store = std::make_shared<iam::capi::HostStore>(m, ctx);
  } catch (...) {
    // make_shared failed before the adapter took ownership of ctx.
    if (m.destroy != nullptr) m.destroy(ctx);
    throw;
  }
  *out = iam::capi::ToHandle<iam_store>(store.release());
  return Ok(err);
  IAM_API_END(err)
}

void iam_store_destroy(iam_store* store) { delete Impl(store); }

int iam_store_pending_outbox(iam_store* store, int64_t* count, iam_error* err) {
  IAM_API_BEGIN
  IAM_REQUIRE(store, err);
  IAM_REQUIRE(count, err);
  absl::StatusOr<int64_t> pending = Impl(store)->store->PendingOutbox();
  if (!pending.ok()) return Fill(err, pending.status());
  *count = *pending;
  return Ok(err);
  IAM_API_END(err)
}

int iam_notifier_create_host(const iam_notifier_methods* methods, void* ctx, iam_notifier** out,
                             iam_error* err) {
  if (out != nullptr) *out = nullptr;
  IAM_API_BEGIN
  IAM_REQUIRE(methods, err);
  if (out == nullptr) {
    if (methods->destroy != nullptr) methods->destroy(ctx);
    return Fill(err, iam::capi::NullArgument("out"));
  }
  const iam_notifier_methods& m = *methods;
  absl::Status checked =
      iam::capi::CheckTable(m.version, "methods", m.destroy, ctx, {{"send", m.send != nullptr}});
  if (!checked.ok()) return Fill(err, checked);
  std::unique_ptr<iam::capi::NotifierImpl> notifier;
  try {
    notifier = std::make_unique<iam::capi::NotifierImpl>();
    notifier->notifier = std::make_shared<iam::capi::HostNotifier>(m, ctx);
  } catch (...) {
    if (m.destroy != nullptr) m.destroy(ctx);
    throw;
  }
  *out = iam::capi::ToHandle<iam_notifier>(notifier.release());
  return Ok(err);
  IAM_API_END(err)
}

int iam_notifier_open(const char* spec, iam_notifier** out, iam_error* err) {
  if (out != nullptr) *out = nullptr;
  IAM_API_BEGIN
  IAM_REQUIRE(spec, err);
  IAM_REQUIRE(out, err);
  absl::StatusOr<std::unique_ptr<iam::Notifier>> opened = iam::OpenNotifier(spec);
  if (!opened.ok()) return Fill(err, opened.status());
  auto notifier = std::make_unique<iam::capi::NotifierImpl>();
  notifier->notifier = std::shared_ptr<iam::Notifier>(std::move(*opened));
  *out = iam::capi::ToHandle<iam_notifier>(notifier.release());
  return Ok(err);
  IAM_API_END(err)
}

int iam_notifier_create_json_lines(const char* path, iam_notifier** out, iam_error* err) {
  if (out != nullptr) *out = nullptr;
  IAM_API_BEGIN
  IAM_REQUIRE(path, err);
  IAM_REQUIRE(out, err);
  auto notifier = std::make_unique<iam::capi::NotifierImpl>();
  notifier->notifier = std::make_shared<iam::JsonLinesNotifier>(path);
  *out = iam::capi::ToHandle<iam_notifier>(notifier.release());
  return Ok(err);
  IAM_API_END(err)
}

void iam_notifier_destroy(iam_notifier* notifier) { delete Impl(notifier); }

int iam_authorizer_create_host(const iam_authorizer_methods* methods, void* ctx,
                               iam_authorizer** out, iam_error* err) {
  if (out != nullptr) *out = nullptr;
  IAM_API_BEGIN
  IAM_REQUIRE(methods, err);
  if (out == nullptr) {
    if (methods->destroy != nullptr) methods->destroy(ctx);
    return Fill(err, iam::capi::NullArgument("out"));
  }
  const iam_authorizer_methods& m = *methods;
  absl::Status checked = iam::capi::CheckTable(m.version, "methods", m.destroy, ctx,
                                               {{"authorize", m.authorize != nullptr}});
  if (!checked.ok()) return Fill(err, checked);
  std::unique_ptr<iam::capi::AuthorizerImpl> authorizer;
  try {
    authorizer = std::make_unique<iam::capi::AuthorizerImpl>();
    authorizer->authorizer = std::make_shared<iam::capi::HostAuthorizer>(m, ctx);
  } catch (...) {
    if (m.destroy != nullptr) m.destroy(ctx);
    throw;
  }
  *out = iam::capi::ToHandle<iam_authorizer>(authorizer.release());
  return Ok(err);
  IAM_API_END(err)
}

void iam_authorizer_destroy(iam_authorizer* authorizer) { delete Impl(authorizer); }

}  // extern "C"
