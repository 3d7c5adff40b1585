// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// A recursive-descent parser of RFC 7644's filter grammar ("or" binds looser
// than "and"; "not" takes a parenthesised filter) over a small tokenizer, and
// the evaluator. Keywords and operators are case-insensitive.
#include "wire/scim_filter.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/status_macros.h"
#include "iam/error.h"

namespace iam::wire {
namespace {

using nlohmann::json;

constexpr int kMaxDepth = 32;

struct Token {
  enum Kind : uint8_t { kEnd, kWord, kString, kOpen, kClose, kOpenBracket, kCloseBracket };
  Kind kind = kEnd;
  std::string text;  // kWord: as written; kString: decoded
  size_t at = 0;     // offset in the text, for messages
};

bool IsWordChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == ':' || c == '-' ||
         c == '_' || c == '$' || c == '+';
}

class Parser {
 public:
  Parser(absl::string_view text, absl::string_view reason) : text_(text), reason_(reason) {}

  absl::Status Tokenize() {
    if (text_.size() > kMaxScimFilterLength) {
      return Error(0, absl::StrCat("is longer than ", kMaxScimFilterLength, " characters"));
    }
    size_t i = 0;
    while (i < text_.size()) {
      const char c = text_[i];
      if (c == ' ' || c == '\t') {
        ++i;
      } else if (c == '(' || c == ')' || c == '[' || c == ']') {
        tokens_.push_back({c == '('   ? Token::kOpen
                           : c == ')' ? Token::kClose
                           : c == '[' ? Token::kOpenBracket
                                      : Token::kCloseBracket,
                           std::string(1, c), i});
        ++i;
      } else if (c == '"') {
        // A JSON string: its escapes are JSON's.
        size_t end = i + 1;
        while (end < text_.size() && text_[end] != '"') end += text_[end] == '\\' ? 2 : 1;
        if (end >= text_.size()) return Error(i, "has a string without its closing quote");
        json s = json::parse(text_.substr(i, end - i + 1), nullptr, /*allow_exceptions=*/false);
        if (!s.is_string()) return Error(i, "has a string that is not valid JSON");
        tokens_.push_back({Token::kString, s.get<std::string>(), i});
        i = end + 1;
      } else if (IsWordChar(c)) {
        size_t end = i;
        while (end < text_.size() && IsWordChar(text_[end])) ++end;
        tokens_.push_back({Token::kWord, std::string(text_.substr(i, end - i)), i});
        i = end;
      } else {
        return Error(i, absl::StrCat("has an unexpected character"));
      }
    }
    tokens_.push_back({Token::kEnd, "", text_.size()});
    return absl::OkStatus();
  }

  // FILTER = conjunction *("or" conjunction); conjunction = factor *("and" factor)
  absl::StatusOr<ScimFilter> Filter(int depth) {
    if (depth > kMaxDepth) return Error(Peek().at, "nests deeper than 32 levels");
    return Chain(depth, "or", ScimFilter::Kind::kOr, &Parser::Conjunction);
  }

  absl::StatusOr<ScimFilter> Conjunction(int depth) {
    return Chain(depth, "and", ScimFilter::Kind::kAnd, &Parser::Factor);
  }

  // operand *(keyword operand), left to right.
  absl::StatusOr<ScimFilter> Chain(int depth, absl::string_view keyword, ScimFilter::Kind kind,
                                   absl::StatusOr<ScimFilter> (Parser::*operand)(int)) {
    absl::StatusOr<ScimFilter> left = (this->*operand)(depth);
    if (!left.ok()) return left;
    while (IsKeyword(Peek(), keyword)) {
      Next();
      absl::StatusOr<ScimFilter> right = (this->*operand)(depth);
      if (!right.ok()) return right;
      left = Combine(kind, *std::move(left), *std::move(right));
    }
    return left;
  }

  // "not" "(" FILTER ")" / "(" FILTER ")" / attrPath "[" FILTER "]" / attrExp
  absl::StatusOr<ScimFilter> Factor(int depth) {
    const Token& t = Peek();
    if (IsKeyword(t, "not")) {
      Next();
      if (Peek().kind != Token::kOpen) return Error(Peek().at, "needs '(' after 'not'");
      absl::StatusOr<ScimFilter> inner = Grouped(depth);
      if (!inner.ok()) return inner;
      ScimFilter f;
      f.kind = ScimFilter::Kind::kNot;
      f.children.push_back(*std::move(inner));
      return f;
    }
    if (t.kind == Token::kOpen) return Grouped(depth);
    if (t.kind != Token::kWord) return Error(t.at, "needs an attribute name");
    absl::StatusOr<ScimAttrPath> path = AttrPath(Next());
    if (!path.ok()) return path.status();
    if (Peek().kind == Token::kOpenBracket) {
      if (in_value_path_) return Error(Peek().at, "nests a value path in a value path");
      Next();
      in_value_path_ = true;
      absl::StatusOr<ScimFilter> inner = Filter(depth + 1);
      in_value_path_ = false;
      if (!inner.ok()) return inner;
      if (Peek().kind != Token::kCloseBracket) return Error(Peek().at, "needs ']'");
      Next();
      if (!path->sub.empty()) return Error(t.at, "puts a sub-attribute before '['");
      ScimFilter f;
      f.kind = ScimFilter::Kind::kValuePath;
      f.path = *std::move(path);
      // Entra's emails[type eq "work"].value eq "x": the element's sub-attribute
      // compared, read as emails[type eq "work" and value eq "x"].
      if (Peek().kind == Token::kWord && Peek().text.size() > 1 && Peek().text[0] == '.') {
        const Token& sub = Next();
        ScimAttrPath element;
        element.attr = sub.text.substr(1);
        absl::StatusOr<ScimAttrPath> checked = AttrPath({Token::kWord, element.attr, sub.at});
        if (!checked.ok() || !checked->sub.empty() || !checked->uri.empty()) {
          return Error(sub.at, "has a sub-attribute name that is not valid");
        }
        absl::StatusOr<ScimFilter> compare = Comparison(*std::move(checked));
        if (!compare.ok()) return compare;
        inner = Combine(ScimFilter::Kind::kAnd, *std::move(inner), *std::move(compare));
      }
      f.children.push_back(*std::move(inner));
      return f;
    }
    return Comparison(*std::move(path));
  }

  absl::StatusOr<ScimFilter> Grouped(int depth) {
    Next();  // "("
    absl::StatusOr<ScimFilter> inner = Filter(depth + 1);
    if (!inner.ok()) return inner;
    if (Peek().kind != Token::kClose) return Error(Peek().at, "needs ')'");
    Next();
    return inner;
  }

  absl::StatusOr<ScimFilter> Comparison(ScimAttrPath path) {
    static constexpr std::pair<absl::string_view, ScimOp> kOps[] = {
        {"eq", ScimOp::kEq}, {"ne", ScimOp::kNe}, {"co", ScimOp::kCo}, {"sw", ScimOp::kSw},
        {"ew", ScimOp::kEw}, {"gt", ScimOp::kGt}, {"ge", ScimOp::kGe}, {"lt", ScimOp::kLt},
        {"le", ScimOp::kLe}, {"pr", ScimOp::kPr}};
    const Token& t = Peek();
    ScimFilter f;
    f.path = std::move(path);
    bool known = false;
    for (const auto& [name, op] : kOps) {
      if (t.kind == Token::kWord && absl::EqualsIgnoreCase(t.text, name)) {
        f.op = op;
        known = true;
      }
    }
    if (!known) {
      return Error(t.at, "needs an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)");
    }
    Next();
    if (f.op == ScimOp::kPr) return f;
    const Token& v = Peek();
    if (v.kind == Token::kString) {
      f.value = v.text;
    } else if (v.kind == Token::kWord && (absl::EqualsIgnoreCase(v.text, "true") ||
                                          absl::EqualsIgnoreCase(v.text, "false"))) {
      f.value = absl::EqualsIgnoreCase(v.text, "true");
    } else if (v.kind == Token::kWord && absl::EqualsIgnoreCase(v.text, "null")) {
      f.value = nullptr;
    } else if (v.kind == Token::kWord) {
      json number = json::parse(v.text, nullptr, /*allow_exceptions=*/false);
      if (!number.is_number())
        return Error(v.at, "needs a value: a string, number, true, false or null");
      f.value = std::move(number);
    } else {
      return Error(v.at, "needs a value: a string, number, true, false or null");
    }
    Next();
    if ((f.value.is_boolean() || f.value.is_null()) && f.op != ScimOp::kEq && f.op != ScimOp::kNe) {
      return Error(v.at, "compares true, false or null with an operator other than eq or ne");
    }
    return f;
  }

  absl::StatusOr<ScimAttrPath> AttrPath(const Token& t) {
    ScimAttrPath p;
    absl::string_view name = t.text;
    if (absl::StartsWithIgnoreCase(name, "urn:")) {
      const size_t colon = name.rfind(':');
      p.uri = std::string(name.substr(0, colon));
      name = name.substr(colon + 1);
    }
    const size_t dot = name.find('.');
    p.attr = std::string(name.substr(0, dot));
    if (dot != absl::string_view::npos) p.sub = std::string(name.substr(dot + 1));
    const auto valid = [](absl::string_view n) {
      if (n.empty() || !(absl::ascii_isalpha(static_cast<unsigned char>(n[0])) || n[0] == '$')) {
        return false;
      }
      return std::all_of(n.begin() + 1, n.end(), [](char c) {
        return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
      });
    };
    if (!valid(p.attr) || (dot != absl::string_view::npos && !valid(p.sub))) {
      return Error(t.at, "has an attribute name that is not valid");
    }
    return p;
  }

  const Token& Peek() const { return tokens_[pos_]; }
  const Token& Next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool AtEnd() const { return Peek().kind == Token::kEnd; }

  absl::Status Error(size_t at, absl::string_view what) const {
    return MakeError(absl::StatusCode::kInvalidArgument, "filter", reason_,
                     absl::StrCat("filter: ", what, " (at character ", at + 1, ")"));
  }

 private:
  static bool IsKeyword(const Token& t, absl::string_view word) {
    return t.kind == Token::kWord && absl::EqualsIgnoreCase(t.text, word);
  }
  static ScimFilter Combine(ScimFilter::Kind kind, ScimFilter a, ScimFilter b) {
    ScimFilter f;
    f.kind = kind;
    f.children.push_back(std::move(a));
    f.children.push_back(std::move(b));
    return f;
  }

  absl::string_view text_;
  absl::string_view reason_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  bool in_value_path_ = false;
};

// Attributes whose strings compare exactly (RFC 7643 caseExact true).
bool CaseExact(const ScimAttrPath& p) {
  static constexpr absl::string_view kExact[] = {"id", "externalId", "$ref", "version"};
  for (absl::string_view name : kExact) {
    if (absl::EqualsIgnoreCase(p.sub.empty() ? p.attr : p.sub, name)) return true;
  }
  // members.value and groups.value are ids.
  return absl::EqualsIgnoreCase(p.sub, "value") &&
         (absl::EqualsIgnoreCase(p.attr, "members") || absl::EqualsIgnoreCase(p.attr, "groups"));
}

// The leaf values `path` reaches in `resource` (arrays flattened).
void Collect(const json& resource, const ScimAttrPath& path, std::vector<const json*>* out) {
  const json* container = ScimContainer(resource, path);
  if (container == nullptr) return;
  const json* value = ScimMember(*container, path.attr);
  if (value == nullptr || value->is_null()) return;
  const auto take = [&](const json& v) {
    if (path.sub.empty()) {
      // A multi-valued attribute without a sub-attribute: its "value"s.
      if (v.is_object()) {
        if (const json* inner = ScimMember(v, "value")) out->push_back(inner);
      } else {
        out->push_back(&v);
      }
    } else if (v.is_object()) {
      if (const json* inner = ScimMember(v, path.sub); inner != nullptr && !inner->is_null()) {
        out->push_back(inner);
      }
    }
  };
  if (value->is_array()) {
    for (const json& v : *value) take(v);
  } else if (value->is_object() && path.sub.empty()) {
    out->push_back(value);
  } else {
    take(*value);
  }
}

bool Present(const json& v) {
  return !(v.is_null() || (v.is_string() && v.get_ref<const std::string&>().empty()) ||
           (v.is_array() && v.empty()) || (v.is_object() && v.empty()));
}

// eq and the orderings, for numbers and strings alike.
template <typename T>
bool Compared(ScimOp op, const T& a, const T& w) {
  switch (op) {
    case ScimOp::kEq:
      return a == w;
    case ScimOp::kGt:
      return a > w;
    case ScimOp::kGe:
      return a >= w;
    case ScimOp::kLt:
      return a < w;
    case ScimOp::kLe:
      return a <= w;
    default:
      return false;
  }
}

bool CompareOne(const json& have, ScimOp op, const json& want, bool exact) {
  if (want.is_null()) return false;  // "eq null" is handled as absence
  if (want.is_boolean()) {
    // Entra's "True"/"False" strings stand for booleans too.
    bool b = false;
    if (have.is_boolean()) {
      b = have.get<bool>();
    } else if (have.is_string() &&
               (absl::EqualsIgnoreCase(have.get_ref<const std::string&>(), "true") ||
                absl::EqualsIgnoreCase(have.get_ref<const std::string&>(), "false"))) {
      b = absl::EqualsIgnoreCase(have.get_ref<const std::string&>(), "true");
    } else {
      return false;
    }
    return b == want.get<bool>();
  }
  if (want.is_number()) {
    if (!have.is_number()) return false;
    return Compared(op, have.get<double>(), want.get<double>());
  }
  if (!have.is_string()) return false;
  std::string a = have.get<std::string>(), w = want.get<std::string>();
  if (!exact) {
    absl::AsciiStrToLower(&a);
    absl::AsciiStrToLower(&w);
  }
  switch (op) {
    case ScimOp::kCo:
      return absl::StrContains(a, w);
    case ScimOp::kSw:
      return absl::StartsWith(a, w);
    case ScimOp::kEw:
      return absl::EndsWith(a, w);
    default:
      return Compared(op, a, w);
  }
}

}  // namespace

bool IsScimCoreUri(absl::string_view uri) {
  return uri.empty() || absl::StartsWithIgnoreCase(uri, "urn:ietf:params:scim:schemas:core:2.0:");
}

const json* ScimMember(const json& object, absl::string_view name) {
  if (!object.is_object()) return nullptr;
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (absl::EqualsIgnoreCase(it.key(), name)) return &it.value();
  }
  return nullptr;
}

json* ScimMember(json& object, absl::string_view name) {
  return const_cast<json*>(ScimMember(static_cast<const json&>(object), name));
}

const json* ScimContainer(const json& resource, const ScimAttrPath& path) {
  return IsScimCoreUri(path.uri) ? &resource : ScimMember(resource, path.uri);
}

absl::StatusOr<ScimFilter> ParseScimFilter(absl::string_view text) {
  Parser parser(text, "scim.invalid_filter");
  IAM_RETURN_IF_ERROR(parser.Tokenize());
  if (parser.AtEnd()) return parser.Error(0, "is empty");
  absl::StatusOr<ScimFilter> f = parser.Filter(0);
  if (!f.ok()) return f;
  if (!parser.AtEnd()) return parser.Error(parser.Peek().at, "has more after a complete filter");
  return f;
}

absl::StatusOr<ScimPatchPath> ParseScimPatchPath(absl::string_view text) {
  // A value path's filter ends at its ']'; ".sub" may follow.
  ScimPatchPath out;
  absl::string_view head = text, tail;
  const size_t open = text.find('[');
  if (open != absl::string_view::npos) {
    const size_t close = text.rfind(']');
    if (close == absl::string_view::npos || close < open) {
      return MakeError(absl::StatusCode::kInvalidArgument, "path", "scim.invalid_path",
                       "path: needs ']' after '['");
    }
    head = text.substr(0, open);
    tail = text.substr(close + 1);
    absl::StatusOr<ScimFilter> f = ParseScimFilter(text.substr(open + 1, close - open - 1));
    if (!f.ok()) {
      return MakeError(absl::StatusCode::kInvalidArgument, "path", "scim.invalid_path",
                       absl::StrCat("path: its filter ", f.status().message().substr(8)));
    }
    out.has_filter = true;
    out.filter = *std::move(f);
    if (!tail.empty() && !absl::ConsumePrefix(&tail, ".")) {
      return MakeError(absl::StatusCode::kInvalidArgument, "path", "scim.invalid_path",
                       "path: only '.subAttribute' may follow ']'");
    }
  }
  Parser parser(head, "scim.invalid_path");
  absl::Status tokens = parser.Tokenize();
  if (!tokens.ok() || parser.Peek().kind != Token::kWord) {
    return MakeError(absl::StatusCode::kInvalidArgument, "path", "scim.invalid_path",
                     "path: needs an attribute name");
  }
  const Token word = parser.Next();
  if (!parser.AtEnd()) {
    return MakeError(absl::StatusCode::kInvalidArgument, "path", "scim.invalid_path",
                     "path: has more after the attribute name");
  }
  absl::StatusOr<ScimAttrPath> path = parser.AttrPath(word);
  if (!path.ok()) {
    return MakeError(absl::StatusCode::kInvalidArgument, "path", "scim.invalid_path",
                     "path: has an attribute name that is not valid");
  }
  out.path = *std::move(path);
  if (out.has_filter && !tail.empty()) {
    if (!out.path.sub.empty()) {
      return MakeError(absl::StatusCode::kInvalidArgument, "path", "scim.invalid_path",
                       "path: puts a sub-attribute before '['");
    }
    out.path.sub = std::string(tail);
  }
  return out;
}

bool ScimMatches(const ScimFilter& f, const json& resource) {
  switch (f.kind) {
    case ScimFilter::Kind::kAnd:
      return ScimMatches(f.children[0], resource) && ScimMatches(f.children[1], resource);
    case ScimFilter::Kind::kOr:
      return ScimMatches(f.children[0], resource) || ScimMatches(f.children[1], resource);
    case ScimFilter::Kind::kNot:
      return !ScimMatches(f.children[0], resource);
    case ScimFilter::Kind::kValuePath: {
      const json* container = ScimContainer(resource, f.path);
      const json* value = container == nullptr ? nullptr : ScimMember(*container, f.path.attr);
      if (value == nullptr) return false;
      if (value->is_array()) {
        return std::any_of(value->begin(), value->end(),
                           [&](const json& e) { return ScimMatches(f.children[0], e); });
      }
      return ScimMatches(f.children[0], *value);
    }
    case ScimFilter::Kind::kCompare:
      break;
  }
  std::vector<const json*> values;
  Collect(resource, f.path, &values);
  const bool present =
      std::any_of(values.begin(), values.end(), [](const json* v) { return Present(*v); });
  if (f.op == ScimOp::kPr) return present;
  if (f.value.is_null()) return f.op == ScimOp::kEq ? !present : present;
  const bool exact = CaseExact(f.path);
  const auto hit = [&](ScimOp op) {
    return std::any_of(values.begin(), values.end(),
                       [&](const json* v) { return CompareOne(*v, op, f.value, exact); });
  };
  return f.op == ScimOp::kNe ? !hit(ScimOp::kEq) : hit(f.op);
}

}  // namespace iam::wire
