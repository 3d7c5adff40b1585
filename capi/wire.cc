// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// iam_wire_*: the wire layer (iam/wire.h) through the C ABI.
#include "iam/wire.h"

#include <memory>

#include "capi_internal.h"
#include "iam/error.h"
#include "iam/iam.h"
#include "nlohmann/json.hpp"

struct iam_wire {
  std::unique_ptr<iam::WireService> service;
};

namespace iam::capi {
namespace {

absl::StatusOr<WireHeaders> ParseHeaders(const char* text) {
  WireHeaders headers;
  if (text == nullptr) return headers;
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  const absl::Status bad = InvalidField("headers_json", "api.headers_invalid",
                                        "headers_json: must be a JSON array of [name, value] "
                                        "string pairs");
  if (!j.is_array()) return bad;
  for (const nlohmann::json& pair : j) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
      return bad;
    }
    headers.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
  }
  return headers;
}

}  // namespace
}  // namespace iam::capi

extern "C" {

int iam_wire_create(iam_engine* engine, const char* public_url, size_t max_body, iam_wire** out,
                    iam_error* err) {
  if (out != nullptr) *out = nullptr;
  IAM_API_BEGIN
  IAM_REQUIRE(engine, err);
  IAM_REQUIRE(out, err);
  iam::capi::EngineImpl* e = iam::capi::Impl(engine);
  iam::WireOptions options;
  if (public_url != nullptr) options.public_url = public_url;
  if (max_body != 0) options.max_body = max_body;
  options.clock = e->clock.get();
  auto wire = std::make_unique<iam_wire>();
  wire->service = std::make_unique<iam::WireService>(e->engine.get(), options);
  *out = wire.release();
  return iam::capi::Ok(err);
  IAM_API_END(err)
}

void iam_wire_destroy(iam_wire* wire) { delete wire; }

int iam_wire_handle(iam_wire* wire, const char* method, const char* path, const char* query,
                    const char* headers_json, const char* body, size_t body_size, const char* peer,
                    int* status, char** out_headers_json, char** out_body, size_t* out_body_size,
                    iam_error* err) {
  if (out_headers_json != nullptr) *out_headers_json = nullptr;
  if (out_body != nullptr) *out_body = nullptr;
  if (out_body_size != nullptr) *out_body_size = 0;
  IAM_API_BEGIN
  IAM_REQUIRE(wire, err);
  IAM_REQUIRE(method, err);
  IAM_REQUIRE(path, err);
  IAM_REQUIRE(status, err);
  if (body == nullptr && body_size != 0) {
    return iam::capi::Fill(err, iam::capi::NullArgument("body"));
  }
  absl::StatusOr<iam::WireHeaders> headers = iam::capi::ParseHeaders(headers_json);
  if (!headers.ok()) return iam::capi::Fill(err, headers.status());
  iam::WireRequest request;
  request.method = method;
  request.path = path;
  if (query != nullptr) request.query = query;
  request.headers = *std::move(headers);
  if (body != nullptr) request.body.assign(body, body_size);
  if (peer != nullptr) request.peer = peer;
  const iam::WireResponse response = wire->service->Handle(request);
  iam::WipeString(request.body);  // it may have carried a password
  *status = response.status;
  if (out_headers_json != nullptr) {
    nlohmann::json pairs = nlohmann::json::array();
    for (const auto& [name, value] : response.headers) pairs.push_back({name, value});
    iam::capi::SetOut(out_headers_json, pairs.dump());
  }
  if (out_body != nullptr) {
    iam::capi::SetOut(out_body, response.body.view());
    if (out_body_size != nullptr) *out_body_size = response.body.size();
  }
  return iam::capi::Ok(err);
  IAM_API_END(err)
}

}  // extern "C"
