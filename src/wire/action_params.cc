// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The parameters of the action APIs: RPC's flattened keys made into one JSON
// object, and one schema check for them and for Tencent's JSON bodies.
#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "iam/error.h"
#include "wire/percent_encoding.h"
#include "wire/wire_internal.h"

namespace iam::wire {
namespace {

absl::Status ParamError(absl::string_view field, absl::string_view reason, absl::string_view what) {
  return InvalidField(field, reason, absl::StrCat(field, ": ", what));
}

bool IsFlag(const json& v) {
  if (v.is_boolean()) return true;
  if (v.is_number_integer()) return v.get<int64_t>() == 0 || v.get<int64_t>() == 1;
  return v.is_string() && (v == "true" || v == "false");
}

bool IsInteger(const json& v) {
  if (v.is_number_integer()) return true;
  int64_t n = 0;
  return v.is_string() && !v.get_ref<const std::string&>().empty() &&
         absl::SimpleAtoi(v.get_ref<const std::string&>(), &n);
}

const char* KindText(ParamKind kind) {
  switch (kind) {
    case ParamKind::kString:
      return "must be a string";
    case ParamKind::kFlag:
      return "must be 0 or 1 (true or false)";
    case ParamKind::kInteger:
      return "must be an integer";
    case ParamKind::kStringList:
      return "must be a list of strings";
    case ParamKind::kIntegerList:
      return "must be a list of integers";
    case ParamKind::kObjectList:
      return "must be a list of objects";
    case ParamKind::kObject:
      return "must be an object";
    case ParamKind::kUnsupported:
      return "is not supported by iamcore";
  }
  return "has the wrong type";
}

// One level of an RPC key being unflattened: values, or members by name, or
// list items by index.
struct Node {
  std::optional<std::string> value;
  std::map<std::string, Node> members;
  std::map<int, Node> items;
};

absl::StatusOr<json> ToJson(const Node& node, const std::string& key) {
  const int shapes = (node.value.has_value() ? 1 : 0) + (node.members.empty() ? 0 : 1) +
                     (node.items.empty() ? 0 : 1);
  if (shapes > 1) {
    return ParamError(key, "request.invalid_type", "is given both as a value and as a list");
  }
  if (node.value.has_value()) return json(*node.value);
  if (!node.items.empty()) {
    json out = json::array();
    for (const auto& [index, item] : node.items) {
      absl::StatusOr<json> v = ToJson(item, absl::StrCat(key, ".", index));
      if (!v.ok()) return v.status();
      out.push_back(*std::move(v));
    }
    return out;
  }
  json out = json::object();
  for (const auto& [name, member] : node.members) {
    absl::StatusOr<json> v = ToJson(member, key.empty() ? name : absl::StrCat(key, ".", name));
    if (!v.ok()) return v.status();
    out[name] = *std::move(v);
  }
  return out;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> FormPairs(absl::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  for (absl::string_view item : absl::StrSplit(text, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(item, absl::MaxSplits('=', 1));
    out.emplace_back(PercentDecode(kv.first, true), PercentDecode(kv.second, true));
  }
  return out;
}

absl::StatusOr<json> UnflattenRpcParams(
    const std::vector<std::pair<std::string, std::string>>& pairs) {
  // Lists of more than this many items are refused: no EIAM list is longer.
  constexpr int kMaxIndex = 1000;
  constexpr size_t kMaxDepth = 6;  // CustomFields.1.FieldName is 3
  Node root;
  for (const auto& [key, value] : pairs) {
    Node* node = &root;
    const std::vector<absl::string_view> parts = absl::StrSplit(key, '.');
    if (parts.size() > kMaxDepth) {
      return ParamError(key, "request.invalid_type", "nests too deep");
    }
    for (absl::string_view part : parts) {
      int index = 0;
      if (part.empty()) {
        return ParamError(key, "request.invalid_type", "is not a parameter name");
      }
      if (absl::ascii_isdigit(part[0])) {
        if (node == &root || !absl::SimpleAtoi(part, &index) || index < 1 || index > kMaxIndex) {
          return ParamError(key, "request.invalid_type",
                            absl::StrCat("a list index must be 1 to ", kMaxIndex));
        }
        node = &node->items[index];
      } else {
        node = &node->members[std::string(part)];
      }
    }
    if (node->value.has_value() || !node->members.empty() || !node->items.empty()) {
      return ParamError(key, "request.invalid_type", "is given twice");
    }
    node->value = value;
  }
  return ToJson(root, "");
}

absl::Status CheckParams(const json& params, absl::Span<const ParamSpec> specs,
                         absl::string_view prefix) {
  if (!params.is_object()) return ParamError(prefix, "request.invalid_type", "must be an object");
  const auto name_of = [&](absl::string_view name) {
    return prefix.empty() ? std::string(name) : absl::StrCat(prefix, ".", name);
  };
  for (const auto& item : params.items()) {
    // Not a structured binding: clang's C++17 cannot capture one in a lambda.
    const std::string& key = item.key();
    const json& value = item.value();
    const auto spec =
        std::find_if(specs.begin(), specs.end(), [&](const ParamSpec& s) { return s.name == key; });
    const std::string field = name_of(key);
    if (spec == specs.end()) {
      return ParamError(field, "request.unknown_field", "is not a parameter of this action");
    }
    bool ok = false;
    switch (spec->kind) {
      case ParamKind::kString:
        ok = value.is_string();
        break;
      case ParamKind::kFlag:
        ok = IsFlag(value);
        break;
      case ParamKind::kInteger:
        ok = IsInteger(value);
        break;
      case ParamKind::kStringList:
        ok = value.is_array() &&
             std::all_of(value.begin(), value.end(), [](const json& v) { return v.is_string(); });
        break;
      case ParamKind::kIntegerList:
        ok = value.is_array() && std::all_of(value.begin(), value.end(), IsInteger);
        break;
      case ParamKind::kObjectList:
        ok = value.is_array();
        for (size_t i = 0; ok && i < value.size(); ++i) {
          // RPC numbers items from 1, so do the names here.
          IAM_RETURN_IF_ERROR(
              CheckParams(value[i], spec->members, absl::StrCat(field, ".", i + 1)));
        }
        break;
      case ParamKind::kObject:
        ok = value.is_object();
        if (ok) IAM_RETURN_IF_ERROR(CheckParams(value, spec->members, field));
        break;
      case ParamKind::kUnsupported:
        return ParamError(field, "request.unsupported_field", KindText(spec->kind));
    }
    if (!ok) return ParamError(field, "request.invalid_type", KindText(spec->kind));
  }
  for (const ParamSpec& spec : specs) {
    if (spec.required && !params.contains(std::string(spec.name))) {
      return ParamError(name_of(spec.name), "request.missing_field", "is required");
    }
  }
  return absl::OkStatus();
}

std::optional<std::string> ParamString(const json& params, absl::string_view name) {
  return OptString(params, name);
}

std::optional<bool> ParamFlag(const json& params, absl::string_view name) {
  auto it = params.find(std::string(name));
  if (it == params.end() || !IsFlag(*it)) return std::nullopt;
  if (it->is_boolean()) return it->get<bool>();
  if (it->is_number_integer()) return it->get<int64_t>() == 1;
  return *it == "true";
}

std::optional<int64_t> ParamInteger(const json& params, absl::string_view name) {
  auto it = params.find(std::string(name));
  if (it == params.end() || !IsInteger(*it)) return std::nullopt;
  if (it->is_number_integer()) return it->get<int64_t>();
  int64_t n = 0;
  (void)absl::SimpleAtoi(it->get_ref<const std::string&>(), &n);
  return n;
}

std::vector<std::string> ParamStrings(const json& params, absl::string_view name) {
  std::vector<std::string> out;
  auto it = params.find(std::string(name));
  if (it == params.end() || !it->is_array()) return out;
  for (const json& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

}  // namespace iam::wire
