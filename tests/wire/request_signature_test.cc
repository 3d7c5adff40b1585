// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// SDK-HMAC-SHA256 against the official Node SDK's own output
// (docs/WIRE-NOTES.md §1.6: signatures the SDK's AKSKSigner produced for a
// fixed X-Sdk-Date, re-derived with sha256sum and openssl), and the
// canonicalization edge cases the SDK was observed to produce.
#include "iam/request_signature.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "iam/error.h"

namespace iam {
namespace {

constexpr char kAk[] = "HPUAEXAMPLEAK0000000";
constexpr char kSk[] = "ExampleSecretKey0123456789abcdefghijklmn";
constexpr char kDate[] = "20191115T033655Z";
constexpr char kDomain[] = "d0000000000000000000000000000001";

WireRequest SdkPost() {
  WireRequest r;
  r.method = "POST";
  r.path = "/v3/users";
  r.body =
      R"({"user":{"name":"alice","domain_id":"d0000000000000000000000000000001","password":"P@ssw0rd!","enabled":true}})";
  r.headers = {{"Content-Type", "application/json"},
               {"host", "127.0.0.1:8080"},
               {"X-Domain-Id", kDomain},
               {"X-Sdk-Date", kDate}};
  return r;
}

const std::vector<std::string> kSdkHeaders = {"content-type", "host", "x-domain-id", "x-sdk-date"};

TEST(RequestSignatureTest, PostMatchesTheSdksCanonicalRequestAndSignature) {
  absl::StatusOr<std::string> canonical = SdkCanonicalRequest(SdkPost(), kSdkHeaders);
  ASSERT_TRUE(canonical.ok()) << canonical.status();
  EXPECT_EQ(*canonical,
            "POST\n/v3/users/\n\ncontent-type:application/json\nhost:127.0.0.1:8080\n"
            "x-domain-id:d0000000000000000000000000000001\nx-sdk-date:20191115T033655Z\n\n"
            "content-type;host;x-domain-id;x-sdk-date\n"
            "a1179258d10dd9f3fa9ddbee10492ce5152fbc3dba2b4f0e307055cd8677b5d1");
  EXPECT_EQ(SdkSignature(kSk, kDate, *canonical),
            "3215a81a533e1e2d51bb5accc331dd8092ab79e9bbef4d440f967e2b0883efed");
  EXPECT_EQ(SignSdkRequest(SdkPost(), kAk, kSk),
            "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000000, "
            "SignedHeaders=content-type;host;x-domain-id;x-sdk-date, "
            "Signature=3215a81a533e1e2d51bb5accc331dd8092ab79e9bbef4d440f967e2b0883efed");
}

TEST(RequestSignatureTest, GetWithQueryMatchesTheSdk) {
  WireRequest r = SdkPost();
  r.method = "GET";
  r.body.clear();
  // The SDK sends the query in insertion order and signs it sorted.
  r.query = "name=alice&enabled=true&domain_id=d0000000000000000000000000000001";
  absl::StatusOr<std::string> canonical = SdkCanonicalRequest(r, kSdkHeaders);
  ASSERT_TRUE(canonical.ok());
  const std::vector<std::string> lines = absl::StrSplit(*canonical, '\n');
  EXPECT_EQ(lines[2], "domain_id=d0000000000000000000000000000001&enabled=true&name=alice");
  EXPECT_EQ(lines.back(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(SdkSignature(kSk, kDate, *canonical),
            "2702e2d90d81482fe7dff2968c47d5620eaf672d875c0019e8a55b8eadaa6c81");
}

std::string CanonicalLine(WireRequest r, int line) {
  r.headers = {{"host", "h"}};
  absl::StatusOr<std::string> canonical = SdkCanonicalRequest(r, {"host"});
  EXPECT_TRUE(canonical.ok());
  const std::vector<std::string> lines = absl::StrSplit(canonical.value_or(""), '\n');
  return lines[line];
}

TEST(RequestSignatureTest, QueryIsDecodedReEncodedAndSortedByKeyThenValue) {
  WireRequest r;
  r.method = "GET";
  r.path = "/v3/users";
  r.query = "name=a%20b*'()!~%C3%A9&enabled=true&domain_id=dom-123&tags=z&tags=a&empty=";
  EXPECT_EQ(CanonicalLine(r, 2),
            "domain_id=dom-123&empty=&enabled=true&name=a%20b%2A%27%28%29%21~%C3%A9&tags=a&tags=z");
}

TEST(RequestSignatureTest, PathSegmentsAreEncodedAsTheSdkDoesAndEndInSlash) {
  WireRequest r;
  r.method = "GET";
  const std::pair<const char*, const char*> cases[] = {
      {"/v3/users/abc-123_.~", "/v3/users/abc-123_.~/"},
      {"/v3/users/a%20b", "/v3/users/a%2520b/"},  // the SDK encodes the escape again
      {"/v3/users/%C3%A9", "/v3/users/%C3%A9/"},  // ... but not escaped non-ASCII
      {"/v3/users/a:b", "/v3/users/a%3Ab/"},
      {"/v3/users/a@b", "/v3/users/a%40b/"},
      {"/prefix/v3/users/", "/prefix/v3/users/"},
      {"/", "/"},
  };
  for (const auto& [wire, canonical] : cases) {
    r.path = wire;
    EXPECT_EQ(CanonicalLine(r, 1), canonical) << wire;
  }
}

TEST(RequestSignatureTest, SignedHeaderMissingFromTheRequestIsAnError) {
  absl::StatusOr<std::string> canonical = SdkCanonicalRequest(SdkPost(), {"host", "x-absent"});
  EXPECT_EQ(canonical.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(canonical.status()), "signature.header_missing");
}

TEST(RequestSignatureTest, ContentSha256HeaderReplacesTheBodyHash) {
  WireRequest r = SdkPost();
  r.headers.push_back({"X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD"});
  absl::StatusOr<std::string> canonical = SdkCanonicalRequest(r, {"host"});
  ASSERT_TRUE(canonical.ok());
  EXPECT_TRUE(absl::EndsWith(*canonical, "\nUNSIGNED-PAYLOAD"));
}

TEST(RequestSignatureTest, ParsesTheAuthorizationHeader) {
  absl::StatusOr<SdkAuthorization> a = ParseSdkAuthorization(
      "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=Content-Type;host;x-sdk-date, "
      "Signature=3215a81a533e1e2d51bb5accc331dd8092ab79e9bbef4d440f967e2b0883efed");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->access_key, "AK1");
  EXPECT_EQ(a->signed_headers, (std::vector<std::string>{"content-type", "host", "x-sdk-date"}));
  EXPECT_EQ(a->signature.size(), 64u);
}

TEST(RequestSignatureTest, RefusesMalformedAuthorizationHeaders) {
  const std::string sig(64, 'a');
  for (const std::string& header : {
           std::string("Bearer abc"),
           std::string("SDK-HMAC-SHA256"),
           "SDK-HMAC-SHA256 SignedHeaders=host, Signature=" + sig,  // no Access
           "SDK-HMAC-SHA256 Access=AK, Signature=" + sig,           // no SignedHeaders
           std::string("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=abc"),
           "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=" + sig + ", Extra=1",
           "SDK-HMAC-SHA256XAccess=AK, SignedHeaders=host, Signature=" + sig,
       }) {
    absl::StatusOr<SdkAuthorization> a = ParseSdkAuthorization(header);
    EXPECT_EQ(a.status().code(), absl::StatusCode::kInvalidArgument) << header;
    EXPECT_EQ(ErrorReason(a.status()), "signature.malformed") << header;
  }
}

TEST(RequestSignatureTest, SdkDateRoundTripsAndRefusesOtherForms) {
  absl::StatusOr<absl::Time> t = ParseSdkDate(kDate);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatSdkDate(*t), kDate);
  for (const char* bad : {"2019-11-15T03:36:55Z", "20191115T033655", "20191315T033655Z", ""}) {
    EXPECT_FALSE(ParseSdkDate(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace iam

namespace iam {
namespace {

TEST(RequestSignatureTest, QuerySortsOnDecodedKeysAsTheSdk) {
  WireRequest r;
  r.method = "GET";
  r.path = "/";
  // JS sorts the raw keys: "a-" (0x2D) before "a/" (0x2F); encoded, "a%2F"
  // would sort before "a-".
  r.query = "a%2F=1&a-=2";
  EXPECT_EQ(CanonicalLine(r, 2), "a-=2&a%2F=1");
}

}  // namespace
}  // namespace iam
