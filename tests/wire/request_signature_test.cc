// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// SDK-HMAC-SHA256 against the official Node SDK's own output
// (docs/WIRE-NOTES.md §1.6: signatures the SDK's AKSKSigner produced for a
// fixed X-Sdk-Date, re-derived with sha256sum and openssl), and the
// canonicalization edge cases the SDK was observed to produce.
#include "iam/request_signature.h"

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
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

// --- The other clouds' schemes, against their published examples and their
// SDKs' own signatures (docs/WIRE-NOTES-2.md §1.8, §2.9).

namespace iam {
namespace {

TEST(Tc3SignatureTest, TencentsPublishedExample) {
  WireRequest r;
  r.method = "POST";
  r.path = "/";
  r.body =
      R"({"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]})";
  ASSERT_EQ(r.body.size(), 86u);
  r.headers = {{"Content-Type", "application/json; charset=utf-8"},
               {"Host", "cvm.tencentcloudapi.com"},
               {"X-TC-Timestamp", "1551113065"}};
  absl::StatusOr<std::string> canonical = Tc3CanonicalRequest(r, {"content-type", "host"});
  ASSERT_TRUE(canonical.ok());
  EXPECT_EQ(*canonical,
            "POST\n/\n\ncontent-type:application/json; charset=utf-8\n"
            "host:cvm.tencentcloudapi.com\n\ncontent-type;host\n"
            "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064");
  EXPECT_EQ(Tc3Date(absl::FromUnixSeconds(1551113065)), "2019-02-25");
  EXPECT_EQ(Tc3Service("cvm.tencentcloudapi.com"), "cvm");
  EXPECT_EQ(Tc3Signature("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", "1551113065", "2019-02-25", "cvm",
                         *canonical),
            "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168");
}

TEST(Tc3SignatureTest, TheSdksAddUserToALoopbackEndpoint) {
  WireRequest r;
  r.method = "POST";
  r.path = "/";
  r.body =
      R"({"Name":"alice","ConsoleLogin":1,"UseApi":1,"Password":"P@ssw0rd!23","NeedResetPassword":1})";
  r.headers = {{"Content-Type", "application/json"},
               {"Host", "127.0.0.1:8080"},
               {"X-TC-Action", "AddUser"},
               {"X-TC-Timestamp", "1700000000"}};
  EXPECT_EQ(Tc3Service("127.0.0.1:8080"), "127");
  EXPECT_EQ(Tc3Service("localhost:8080"), "localhost:8080");
  const std::string header =
      SignTc3Request(r, "AKIDEXAMPLE0000000000000000000000000", "ExampleSecretKey0123456789abcdef");
  EXPECT_EQ(header,
            "TC3-HMAC-SHA256 Credential=AKIDEXAMPLE0000000000000000000000000/2023-11-14/127/"
            "tc3_request, SignedHeaders=content-type;host, "
            "Signature=4f1352889459ab1587cfa45a75e5668208095c04b47c4fae4eab69aa85a16475");
  absl::StatusOr<Tc3Authorization> a = ParseTc3Authorization(header);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->secret_id, "AKIDEXAMPLE0000000000000000000000000");
  EXPECT_EQ(a->date, "2023-11-14");
  EXPECT_EQ(a->service, "127");
  EXPECT_EQ(a->signed_headers, (std::vector<std::string>{"content-type", "host"}));
  // The real endpoint signs its host and service.
  for (auto& [name, value] : r.headers) {
    if (name == "Host") value = "cam.tencentcloudapi.com";
  }
  EXPECT_TRUE(absl::EndsWith(
      SignTc3Request(r, "AKIDEXAMPLE0000000000000000000000000", "ExampleSecretKey0123456789abcdef"),
      "/2023-11-14/cam/tc3_request, SignedHeaders=content-type;host, "
      "Signature=099b1cc7556822767658e6bd4fbe900be2e5869d51512ba5f74fcd7b6badac7f"));
}

TEST(Tc3SignatureTest, TheHostIsSignedWithoutItsPortIPv6Too) {
  WireRequest r;
  r.method = "POST";
  r.path = "/";
  for (const auto& [host, signed_host] :
       std::vector<std::pair<std::string, std::string>>{{"[::1]:8080", "[::1]"},
                                                        {"[::1]", "[::1]"},
                                                        {"CAM.Example.com:443", "cam.example.com"},
                                                        {"127.0.0.1", "127.0.0.1"}}) {
    r.headers = {{"Content-Type", "application/json"}, {"Host", host}};
    absl::StatusOr<std::string> canonical = Tc3CanonicalRequest(r, {"content-type", "host"});
    ASSERT_TRUE(canonical.ok());
    EXPECT_TRUE(absl::StrContains(*canonical, "\nhost:" + signed_host + "\n")) << host;
  }
}

TEST(Tc3SignatureTest, RefusesMalformedHeaders) {
  const std::string sig(64, 'a');
  for (const std::string& header : {
           "TC3-HMAC-SHA256 Credential=AK/2023-11-14/cam, SignedHeaders=host, Signature=" + sig,
           "TC3-HMAC-SHA256 Credential=AK/2023-11-14/cam/x, SignedHeaders=host, Signature=" + sig,
           "TC3-HMAC-SHA256 Credential=/2023-11-14/cam/tc3_request, SignedHeaders=host, "
           "Signature=" +
               sig,
           "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=" + sig,
       }) {
    EXPECT_EQ(ErrorReason(ParseTc3Authorization(header).status()), "signature.malformed") << header;
  }
}

TEST(Acs3SignatureTest, AlibabasPublishedExample) {
  WireRequest r;
  r.method = "POST";
  r.path = "/";
  r.query = "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai";
  r.headers = {
      {"host", "ecs.cn-shanghai.aliyuncs.com"},
      {"x-acs-action", "RunInstances"},
      {"x-acs-version", "2014-05-26"},
      {"x-acs-date", "2023-10-26T10:22:32Z"},
      {"x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"},
      {"x-acs-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}};
  const std::string header = SignAcs3Request(r, "YourAccessKeyId", "YourAccessKeySecret");
  EXPECT_EQ(header,
            "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;"
            "x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,"
            "Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0");
  absl::StatusOr<Acs3Authorization> a = ParseAcs3Authorization(header);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->access_key_id, "YourAccessKeyId");
  EXPECT_EQ(a->signed_headers.size(), 6u);
}

WireRequest EiamCreateUser() {
  WireRequest r;
  r.method = "POST";
  r.path = "/";
  // As the SDK sends it: insertion order, RPC-flattened arrays and objects.
  r.query =
      "InstanceId=idaas_ue2jvisn35ea5lmthk267xxxxx&Username=user_001&DisplayName=name_001&"
      "Password=123456&PhoneRegion=86&PhoneNumber=12345678901&PhoneNumberVerified=true&"
      "Email=example%40example.com&EmailVerified=true&UserExternalId=user_"
      "d6sbsuumeta4h66ec3il7yxxxx&"
      "PrimaryOrganizationalUnitId=ou_wovwffm62xifdziem7an7xxxxx&"
      "OrganizationalUnitIds.1=ou_adz2vmgiwpo4tu6jtss3mynjji&Description=description%20text&"
      "CustomFields.1.FieldName=age&CustomFields.1.FieldValue=10&"
      "PasswordInitializationConfig.PasswordInitializationPolicyPriority=global&"
      "PasswordInitializationConfig.PasswordForcedUpdateStatus=enabled&"
      "PasswordInitializationConfig.UserNotificationChannels.1=sms&"
      "PasswordInitializationConfig.PasswordInitializationType=random&"
      "ClientToken=client-token-example";
  r.headers = {
      {"host", "127.0.0.1:8080"},
      {"x-acs-action", "CreateUser"},
      {"x-acs-version", "2021-12-01"},
      {"x-acs-date", "2024-01-01T00:00:00Z"},
      {"x-acs-signature-nonce", "0123456789abcdef0123456789abcdef"},
      {"x-acs-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"x-acs-credentials-provider", "static_ak"},
      {"user-agent", "AlibabaCloud (linux; x64) Node.js/v20.20.2"}};
  return r;
}

TEST(Acs3SignatureTest, EiamCreateUserWithSeed003sParametersAsTheSdkSignsIt) {
  EXPECT_EQ(
      SignAcs3Request(EiamCreateUser(), "LTAI5tEXAMPLEAK00000000",
                      "ExampleAccessKeySecret0123456789"),
      "ACS3-HMAC-SHA256 Credential=LTAI5tEXAMPLEAK00000000,SignedHeaders=host;x-acs-action;"
      "x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;"
      "x-acs-version,Signature=61117775a00e6512267ec751961ccf5443fcc754963a06b9627daa00b81da9d1");
  // The server honours the list it is given: without the credentials-provider header.
  WireRequest older = EiamCreateUser();
  older.headers.erase(older.headers.begin() + 6);
  EXPECT_TRUE(absl::EndsWith(
      SignAcs3Request(older, "LTAI5tEXAMPLEAK00000000", "ExampleAccessKeySecret0123456789"),
      "Signature=540f16332ea48345967598e3193c40aa0b3a4eb54e4ad7936bbb0ac14e1270e1"));
}

TEST(Acs3SignatureTest, AFormBodyIsSignedThroughItsHash) {
  WireRequest r = EiamCreateUser();
  r.query = "InstanceId=idaas_x";
  r.body = "Username=bodyuser&Password=a%20b%26c%3Dd";
  for (auto& [name, value] : r.headers) {
    if (name == "x-acs-content-sha256") {
      value = "deb8c06cc6cd524fa14164133c7b8fcbba6a4a700d53d7464c148d83c686d3f1";
    }
  }
  r.headers.push_back({"content-type", "application/x-www-form-urlencoded"});
  EXPECT_TRUE(absl::EndsWith(
      SignAcs3Request(r, "LTAI5tEXAMPLEAK00000000", "ExampleAccessKeySecret0123456789"),
      "SignedHeaders=content-type;host;x-acs-action;x-acs-content-sha256;"
      "x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,"
      "Signature=4ca30e5467ca6813b5a12cb43973ce52f3ec3eb67f00c4e7ef4849a092895e42"));
}

TEST(RpcV1SignatureTest, AlibabasPublishedExample) {
  const std::string to_sign =
      *RpcV1StringToSign("GET", {{"AccessKeyId", "testid"},
                                 {"Action", "DescribeDedicatedHosts"},
                                 {"Format", "JSON"},
                                 {"RegionId", "cn-beijing"},
                                 {"SignatureMethod", "HMAC-SHA1"},
                                 {"SignatureNonce", "edb2b34af0af9a6d14deaf7c1a5315eb"},
                                 {"SignatureVersion", "1.0"},
                                 {"Timestamp", "2023-03-13T08:34:30Z"},
                                 {"Version", "2014-05-26"},
                                 {"Signature", "ignored"}});
  EXPECT_EQ(to_sign,
            "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeDedicatedHosts%26Format%3DJSON%26"
            "RegionId%3Dcn-beijing%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D"
            "edb2b34af0af9a6d14deaf7c1a5315eb%26SignatureVersion%3D1.0%26Timestamp%3D"
            "2023-03-13T08%253A34%253A30Z%26Version%3D2014-05-26");
  EXPECT_EQ(RpcV1Signature("testsecret", to_sign), "9NaGiOspFP5UPcwX8Iwt2YJXXuk=");
}

TEST(RpcV1SignatureTest, EiamCreateUserOverRpcV1) {
  std::vector<std::pair<std::string, std::string>> params = {
      {"AccessKeyId", "LTAI5tEXAMPLEAK00000000"},
      {"Action", "CreateUser"},
      {"ClientToken", "client-token-example"},
      {"CustomFields.1.FieldName", "age"},
      {"CustomFields.1.FieldValue", "10"},
      {"Description", "description text"},
      {"DisplayName", "name_001"},
      {"Email", "example@example.com"},
      {"EmailVerified", "true"},
      {"Format", "JSON"},
      {"InstanceId", "idaas_ue2jvisn35ea5lmthk267xxxxx"},
      {"OrganizationalUnitIds.1", "ou_adz2vmgiwpo4tu6jtss3mynjji"},
      {"Password", "123456"},
      {"PasswordInitializationConfig.PasswordForcedUpdateStatus", "enabled"},
      {"PasswordInitializationConfig.PasswordInitializationPolicyPriority", "global"},
      {"PasswordInitializationConfig.PasswordInitializationType", "random"},
      {"PasswordInitializationConfig.UserNotificationChannels.1", "sms"},
      {"PhoneNumber", "12345678901"},
      {"PhoneNumberVerified", "true"},
      {"PhoneRegion", "86"},
      {"PrimaryOrganizationalUnitId", "ou_wovwffm62xifdziem7an7xxxxx"},
      {"SignatureMethod", "HMAC-SHA1"},
      {"SignatureNonce", "0123456789abcdef0123456789abcdef"},
      {"SignatureVersion", "1.0"},
      {"Timestamp", "2024-01-01T00:00:00Z"},
      {"UserExternalId", "user_d6sbsuumeta4h66ec3il7yxxxx"},
      {"Username", "user_001"},
      {"Version", "2021-12-01"},
  };
  const char kSecret[] = "ExampleAccessKeySecret0123456789";
  EXPECT_EQ(RpcV1Signature(kSecret, *RpcV1StringToSign("GET", params)),
            "CGMqSxh3hcoLkmb8RThZYX0Xxo4=");
  EXPECT_EQ(RpcV1Signature(kSecret, *RpcV1StringToSign("POST", params)),
            "tA3oj7PM/PgfYKsChGBct4DllHE=");
  // A key twice (the query's and the body's, say) has no order to sign.
  params.push_back({"Username", "user_002"});
  EXPECT_EQ(ErrorReason(RpcV1StringToSign("POST", params).status()), "signature.malformed");
}

}  // namespace
}  // namespace iam

namespace iam {
namespace {

TEST(Tc3SignatureTest, TheDerivedKeyIsTencentsKSigning) {
  const Secret key = Tc3SigningKey("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", "2019-02-25", "cvm");
  EXPECT_EQ(absl::BytesToHexString(key.view()),
            "ac658d5dde49e9bfdd14e04e062f66b05d9f637d44b8a8d845327d4a77f666b1");
}

}  // namespace
}  // namespace iam
