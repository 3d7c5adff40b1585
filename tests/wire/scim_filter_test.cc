// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The SCIM filter grammar, table-driven: every RFC 7644 section 3.4.2.2
// example parses to the tree it means (printed as an S-expression), malformed
// filters are refused naming where, evaluation follows the RFC's rules
// (case-insensitive strings but for case-exact attributes, multi-valued
// attributes matching on any value, pr, not), and PATCH paths parse.
#include "wire/scim_filter.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "iam/error.h"

namespace iam::wire {
namespace {

using nlohmann::json;

std::string PathText(const ScimAttrPath& p) {
  std::string s = p.uri.empty() ? "" : absl::StrCat(p.uri, ":");
  absl::StrAppend(&s, p.attr);
  if (!p.sub.empty()) absl::StrAppend(&s, ".", p.sub);
  return s;
}

std::string Text(const ScimFilter& f) {
  static constexpr const char* kOps[] = {"eq", "ne", "co", "sw", "ew",
                                         "gt", "ge", "lt", "le", "pr"};
  switch (f.kind) {
    case ScimFilter::Kind::kAnd:
      return absl::StrCat("(and ", Text(f.children[0]), " ", Text(f.children[1]), ")");
    case ScimFilter::Kind::kOr:
      return absl::StrCat("(or ", Text(f.children[0]), " ", Text(f.children[1]), ")");
    case ScimFilter::Kind::kNot:
      return absl::StrCat("(not ", Text(f.children[0]), ")");
    case ScimFilter::Kind::kValuePath:
      return absl::StrCat("(", PathText(f.path), " [", Text(f.children[0]), "])");
    case ScimFilter::Kind::kCompare:
      break;
  }
  const char* op = kOps[static_cast<int>(f.op)];
  if (f.op == ScimOp::kPr) return absl::StrCat("(pr ", PathText(f.path), ")");
  return absl::StrCat("(", op, " ", PathText(f.path), " ", f.value.dump(), ")");
}

struct ParseCase {
  const char* filter;
  const char* tree;
};

// RFC 7644 section 3.4.2.2's examples, then precedence, case and literals.
const ParseCase kParses[] = {
    {R"(userName Eq "john")", R"((eq userName "john"))"},
    {R"(name.familyName co "O'Malley")", R"((co name.familyName "O'Malley"))"},
    {R"(userName sw "J")", R"((sw userName "J"))"},
    {R"(urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J")",
     R"((sw urn:ietf:params:scim:schemas:core:2.0:User:userName "J"))"},
    {R"(title pr)", R"((pr title))"},
    {R"(meta.lastModified gt "2011-05-13T04:42:34Z")",
     R"((gt meta.lastModified "2011-05-13T04:42:34Z"))"},
    {R"(meta.lastModified ge "2011-05-13T04:42:34Z")",
     R"((ge meta.lastModified "2011-05-13T04:42:34Z"))"},
    {R"(meta.lastModified lt "2011-05-13T04:42:34Z")",
     R"((lt meta.lastModified "2011-05-13T04:42:34Z"))"},
    {R"(meta.lastModified le "2011-05-13T04:42:34Z")",
     R"((le meta.lastModified "2011-05-13T04:42:34Z"))"},
    {R"(title pr and userType eq "Employee")", R"((and (pr title) (eq userType "Employee")))"},
    {R"(title pr or userType eq "Intern")", R"((or (pr title) (eq userType "Intern")))"},
    {R"(schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")",
     R"((eq schemas "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"))"},
    {R"(userType eq "Employee" and (emails co "example.com" or emails.value co "example.org"))",
     R"((and (eq userType "Employee") (or (co emails "example.com") (co emails.value "example.org"))))"},
    {R"(userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org"))",
     R"((and (ne userType "Employee") (not (or (co emails "example.com") (co emails.value "example.org")))))"},
    {R"(userType eq "Employee" and (emails.type eq "work"))",
     R"((and (eq userType "Employee") (eq emails.type "work")))"},
    {R"(userType eq "Employee" and emails[type eq "work" and value co "@example.com"])",
     R"((and (eq userType "Employee") (emails [(and (eq type "work") (co value "@example.com"))])))"},
    {R"(emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"])",
     R"((or (emails [(and (eq type "work") (co value "@example.com"))]) (ims [(and (eq type "xmpp") (co value "@foo.com"))])))"},
    // "and" binds tighter than "or", left to right.
    {R"(a eq 1 or b eq 2 and c eq 3)", R"((or (eq a 1) (and (eq b 2) (eq c 3))))"},
    {R"(a eq 1 and b eq 2 and c eq 3)", R"((and (and (eq a 1) (eq b 2)) (eq c 3)))"},
    {R"(a eq 1 or b eq 2 or c eq 3)", R"((or (or (eq a 1) (eq b 2)) (eq c 3)))"},
    {R"(((a eq 1)))", R"((eq a 1))"},
    // Keywords and literals in any case; numbers as JSON has them.
    {R"(active EQ TRUE AND x NE null)", R"((and (eq active true) (ne x null)))"},
    {R"(active eq False)", R"((eq active false))"},
    {R"(x gt -1.5e3)", R"((gt x -1500.0))"},
    {R"(x le 10)", R"((le x 10))"},
    {"x eq \"tab\\tquote\\\"\\u00e9\"", R"((eq x "tab\tquote\"é"))"},
    {R"(members[value eq "2819c223"])", R"((members [(eq value "2819c223")]))"},
    // Entra's form: a value path's sub-attribute compared after the bracket.
    {R"(emails[type eq "work"].value eq "x@example.com")",
     R"((emails [(and (eq type "work") (eq value "x@example.com"))]))"},
    {R"(members.$ref pr)", R"((pr members.$ref))"},
    {R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26")",
     R"((eq urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value "26"))"},
};

TEST(ScimFilterTest, ParsesEveryRfcExampleToItsTree) {
  for (const ParseCase& c : kParses) {
    absl::StatusOr<ScimFilter> f = ParseScimFilter(c.filter);
    ASSERT_TRUE(f.ok()) << c.filter << ": " << f.status();
    EXPECT_EQ(Text(*f), c.tree) << c.filter;
  }
}

struct RefusedCase {
  const char* filter;
  const char* says;  // a part of the message
};

const RefusedCase kRefused[] = {
    {"", "is empty"},
    {"   ", "is empty"},
    {R"(userName eq)", "needs a value"},
    {R"(userName xx "a")", "needs an operator"},
    {R"(userName "a")", "needs an operator"},
    {R"(eq "a")", "needs an operator"},
    {R"((userName eq "a")", "needs ')'"},
    {R"(userName eq "a"))", "has more after a complete filter"},
    {R"(userName eq "a)", "without its closing quote"},
    {R"(userName eq "a" and)", "needs an attribute name"},
    {R"(not userName eq "a")", "needs '(' after 'not'"},
    {R"(emails[type eq "work")", "needs ']'"},
    {R"(emails[type eq "work"].value)", "needs an operator"},
    {R"(emails[type eq "work"].value.x eq "a")", "sub-attribute name that is not valid"},
    {R"(emails[x[y eq 1]])", "nests a value path"},
    {R"(1abc eq "a")", "attribute name that is not valid"},
    {R"(a.b.c eq "a")", "attribute name that is not valid"},
    {R"(active gt true)", "other than eq or ne"},
    {R"(x eq nil)", "needs a value"},
    {R"(userName eq 'a')", "unexpected character"},
    {"userName eq \"\\x\"", "not valid JSON"},
};

TEST(ScimFilterTest, RefusesMalformedFiltersSayingWhere) {
  for (const RefusedCase& c : kRefused) {
    absl::StatusOr<ScimFilter> f = ParseScimFilter(c.filter);
    ASSERT_FALSE(f.ok()) << c.filter;
    EXPECT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(ErrorReason(f.status()), "scim.invalid_filter") << c.filter;
    EXPECT_NE(f.status().message().find(c.says), std::string::npos)
        << c.filter << " -> " << f.status().message();
    EXPECT_NE(f.status().message().find("(at character "), std::string::npos);
  }
}

TEST(ScimFilterTest, RefusesLongAndDeepFilters) {
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "(";
  deep += "a eq 1";
  for (int i = 0; i < 40; ++i) deep += ")";
  EXPECT_NE(ParseScimFilter(deep).status().message().find("deeper than 32"), std::string::npos);
  std::string nots;
  for (int i = 0; i < 40; ++i) nots += "not (";
  EXPECT_FALSE(ParseScimFilter(nots).ok());
  const std::string huge = absl::StrCat("userName eq \"", std::string(5000, 'a'), "\"");
  EXPECT_NE(ParseScimFilter(huge).status().message().find("longer than"), std::string::npos);
}

const json& Bjensen() {
  static const json* const user = new json(json::parse(R"({
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
    "id": "2819c223-7f76-453a-919d-413861904646",
    "externalId": "BJ-1",
    "userName": "bjensen@example.com",
    "name": {"familyName": "Jensen", "givenName": "Barbara"},
    "title": "",
    "userType": "Employee",
    "active": true,
    "emails": [{"value": "bjensen@example.com", "type": "work", "primary": true},
               {"value": "babs@jensen.org", "type": "home"}],
    "groups": [{"value": "e9e30dba", "display": "Tour Guides"}],
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
      "department": "Tour Operations", "manager": {"value": "26118915"}},
    "meta": {"lastModified": "2011-05-13T04:42:34Z", "version": "W/\"3\""}
  })"));
  return *user;
}

struct MatchCase {
  const char* filter;
  bool matches;
};

const MatchCase kMatches[] = {
    {R"(userName eq "BJENSEN@example.com")", true},  // caseExact false
    {R"(userName eq "bjensen")", false},
    {R"(externalId eq "BJ-1")", true},
    {R"(externalId eq "bj-1")", false},  // caseExact true
    {R"(id eq "2819C223-7F76-453A-919D-413861904646")", false},
    {R"(name.familyName co "ens")", true},
    {R"(userName sw "bjen")", true},
    {R"(userName ew "@EXAMPLE.COM")", true},
    {R"(emails co "jensen.org")", true},  // any value of a multi-valued attribute
    {R"(emails.value eq "babs@jensen.org")", true},
    {R"(emails[type eq "work" and value co "@example.com"])", true},
    {R"(emails[type eq "home" and value co "@example.com"])", false},
    {R"(emails[type eq "home"] and userType eq "Employee")", true},
    {R"(title pr)", false},  // an empty string is not present
    {R"(name pr)", true},
    {R"(nickName pr)", false},
    {R"(not (nickName pr))", true},
    {R"(active eq true)", true},
    {R"(active ne true)", false},
    {R"(active eq false or userType eq "Employee")", true},
    {R"(userType ne "Intern")", true},
    {R"(nickName eq null)", true},
    {R"(userType ne null)", true},
    {R"(meta.lastModified gt "2011-05-13T04:42:33Z")", true},
    {R"(meta.lastModified lt "2011-05-13T04:42:34Z")", false},
    {R"(meta.lastModified le "2011-05-13T04:42:34Z")", true},
    {R"(schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")", true},
    {R"(groups.display eq "tour guides")", true},
    {R"(groups.value eq "E9E30DBA")", false},  // ids are case-exact
    {R"(urn:ietf:params:scim:schemas:core:2.0:User:userName sw "bj")", true},
    {R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "tour operations")",
     true},
    {R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915")",
     true},
    {R"(urn:ietf:params:scim:schemas:extension:other:2.0:User:department pr)", false},
    {R"(userName gt 5)", false},  // a number against a string: no match
};

TEST(ScimFilterTest, EvaluatesAsTheRfcSays) {
  for (const MatchCase& c : kMatches) {
    absl::StatusOr<ScimFilter> f = ParseScimFilter(c.filter);
    ASSERT_TRUE(f.ok()) << c.filter << ": " << f.status();
    EXPECT_EQ(ScimMatches(*f, Bjensen()), c.matches) << c.filter;
  }
}

TEST(ScimFilterTest, EntrasStringBooleansCompareAsBooleans) {
  const json user = {{"active", "False"}};
  EXPECT_TRUE(ScimMatches(*ParseScimFilter("active eq false"), user));
  EXPECT_FALSE(ScimMatches(*ParseScimFilter("active eq true"), user));
}

TEST(ScimFilterTest, PatchPaths) {
  struct Case {
    const char* path;
    const char* attr_path;  // uri:attr.sub
    const char* filter;     // "" = none
  };
  const Case cases[] = {
      {"active", "active", ""},
      {"name.givenName", "name.givenName", ""},
      {R"(emails[type eq "work"].value)", "emails.value", R"((eq type "work"))"},
      {R"(members[value eq "2819c223"])", "members", R"((eq value "2819c223"))"},
      {R"(addresses[type eq "work" and primary eq true].streetAddress)", "addresses.streetAddress",
       R"((and (eq type "work") (eq primary true)))"},
      {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
       "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", ""},
      {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
       "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value", ""},
  };
  for (const Case& c : cases) {
    absl::StatusOr<ScimPatchPath> p = ParseScimPatchPath(c.path);
    ASSERT_TRUE(p.ok()) << c.path << ": " << p.status();
    EXPECT_EQ(PathText(p->path), c.attr_path) << c.path;
    EXPECT_EQ(p->has_filter, *c.filter != '\0') << c.path;
    if (p->has_filter) {
      EXPECT_EQ(Text(p->filter), c.filter) << c.path;
    }
  }
  for (const char* bad : {"", "emails[type eq \"work\"", "emails]x[", "emails[type eq]",
                          "emails[type eq \"work\"]value", "a b", "name.given.name",
                          "emails.value[type eq \"work\"].display"}) {
    absl::StatusOr<ScimPatchPath> p = ParseScimPatchPath(bad);
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(ErrorReason(p.status()), "scim.invalid_path") << bad;
  }
}

}  // namespace
}  // namespace iam::wire
