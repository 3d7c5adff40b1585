// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// What the wire suites send and read: a request from "path?query", and a
// WireService answer with its body as text and as JSON. Header-only.
#ifndef IAM_TESTS_WIRE_WIRE_ANSWER_H_
#define IAM_TESTS_WIRE_WIRE_ANSWER_H_

#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "iam/wire.h"
#include "nlohmann/json.hpp"

namespace iam {

struct Answer {
  int status = 0;
  nlohmann::json body;  // the text as JSON: null when empty, discarded when not JSON
  std::string text;
  WireHeaders headers;
  // The header's first value, or null.
  const std::string* Header(absl::string_view name) const { return FindHeader(headers, name); }
  // The header's first value, or "".
  std::string HeaderValue(absl::string_view name) const {
    const std::string* value = Header(name);
    return value == nullptr ? "" : *value;
  }
};

inline Answer AnswerOf(const WireResponse& res) {
  Answer a;
  a.status = res.status;
  a.headers = res.headers;
  a.text = std::string(res.body.view());
  if (!a.text.empty()) a.body = nlohmann::json::parse(a.text, nullptr, false);
  return a;
}

// `method` on `target`, "path" or "path?query", from a loopback peer.
inline WireRequest RequestTo(std::string method, absl::string_view target) {
  WireRequest r;
  r.method = std::move(method);
  const size_t q = target.find('?');
  r.path = std::string(target.substr(0, q));
  if (q != absl::string_view::npos) r.query = std::string(target.substr(q + 1));
  r.peer = "127.0.0.1:5000";
  return r;
}

}  // namespace iam

#endif  // IAM_TESTS_WIRE_WIRE_ANSWER_H_
