// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Request bodies parsed in place (RapidJSON's ParseInsitu): the strings are
// decoded inside one buffer that is wiped before it is freed, so no lexer
// buffer, growth copy or token string holds a password afterwards.
#include <cstring>
#include <string>

#include "iam/secret.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"
#include "wire/wire_internal.h"

namespace iam::wire {
namespace {

json ToJson(const rapidjson::Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      return nullptr;
    case rapidjson::kFalseType:
      return false;
    case rapidjson::kTrueType:
      return true;
    case rapidjson::kStringType:
      return std::string(v.GetString(), v.GetStringLength());
    case rapidjson::kNumberType:
      if (v.IsUint64()) return v.GetUint64();
      if (v.IsInt64()) return v.GetInt64();
      return v.GetDouble();
    case rapidjson::kArrayType: {
      json out = json::array();
      for (const rapidjson::Value& e : v.GetArray()) out.push_back(ToJson(e));
      return out;
    }
    case rapidjson::kObjectType: {
      json out = json::object();
      for (const auto& m : v.GetObject()) {
        // A key given twice: the last one, as nlohmann-json keeps it.
        out[std::string(m.name.GetString(), m.name.GetStringLength())] = ToJson(m.value);
      }
      return out;
    }
  }
  return json(json::value_t::discarded);
}

}  // namespace

json ParseRequestJson(absl::string_view text) {
  // In place, RapidJSON reads up to a NUL: one in the text is refused whole.
  if (std::memchr(text.data(), '\0', text.size()) != nullptr) {
    return json(json::value_t::discarded);
  }
  // One allocation of its final size, so that no growth leaves a copy.
  std::string buffer;
  buffer.reserve(text.size() + 1);
  buffer.assign(text.data(), text.size());
  json out(json::value_t::discarded);
  {
    rapidjson::Document doc;
    constexpr unsigned kFlags = rapidjson::kParseValidateEncodingFlag;
    doc.ParseInsitu<kFlags>(buffer.data());
    if (!doc.HasParseError()) out = ToJson(doc);
  }
  WipeString(buffer);
  return out;
}

}  // namespace iam::wire
