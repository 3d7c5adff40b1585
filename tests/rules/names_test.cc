// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "iam/names.h"

#include <string>

#include "gtest/gtest.h"
#include "iam/error.h"

namespace iam {
namespace {

void ExpectRefused(const absl::Status& s, const std::string& field, const std::string& reason) {
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_EQ(ErrorField(s), field) << s;
  EXPECT_EQ(ErrorReason(s), reason) << s;
}

TEST(NamesTest, TenantIdsAreOpaqueButBounded) {
  EXPECT_TRUE(ValidateTenantId("d78cbac186b744899480f25bd02").ok());
  EXPECT_TRUE(ValidateTenantId(std::string(kNameRules.tenant_id_max, 'a')).ok());
  ExpectRefused(ValidateTenantId(std::string(kNameRules.tenant_id_max + 1, 'a')), "tenant",
                "tenant.invalid");
  ExpectRefused(ValidateTenantId(""), "tenant", "tenant.invalid");
  ExpectRefused(ValidateTenantId("a b"), "tenant", "tenant.invalid");
  ExpectRefused(ValidateTenantId(std::string("t1\0x", 4)), "tenant", "tenant.invalid");
}

TEST(NamesTest, PolicyNamesClientTokensAndProjectIds) {
  EXPECT_TRUE(ValidatePolicyName("AdministratorAccess", "policies[0]").ok());
  EXPECT_TRUE(ValidatePolicyName("qcs::cam::uin/1:policy/*", "policies[0]").ok());
  EXPECT_TRUE(ValidatePolicyName("Security Administrator", "policies[0]").ok());  // Huawei's
  ExpectRefused(ValidatePolicyName(" Admin", "policies[1]"), "policies[1]", "policy.invalid");
  ExpectRefused(ValidatePolicyName("Admin ", "policies[1]"), "policies[1]", "policy.invalid");
  ExpectRefused(ValidatePolicyName("Admin  Access", "policies[1]"), "policies[1]",
                "policy.invalid");
  ExpectRefused(ValidatePolicyName("Admin\tAccess", "policies[1]"), "policies[1]",
                "policy.invalid");
  ExpectRefused(ValidatePolicyName(std::string(kNameRules.policy_name_max + 1, 'p'), "p"), "p",
                "policy.invalid");
  EXPECT_TRUE(ValidateClientToken("").ok());
  EXPECT_TRUE(ValidateClientToken(std::string(kNameRules.client_token_max, '~')).ok());
  ExpectRefused(ValidateClientToken(std::string(kNameRules.client_token_max + 1, 'c')),
                "client_token", "client_token.invalid");
  ExpectRefused(ValidateClientToken("tab\there"), "client_token", "client_token.invalid");
  ExpectRefused(ValidateDefaultProjectId("caf\xc3\xa9"), "default_project_id",
                "default_project_id.invalid");
}

TEST(NamesTest, EntriesAndCustomFieldDefinitions) {
  DirectoryEntry group;
  group.kind = EntryKind::kGroup;
  group.name = "Developers \xe4\xb8\xad";  // Unicode is fine in group names
  EXPECT_TRUE(ValidateEntry(group).ok());
  group.name = "Dev\xe2\x80\x8bops";  // U+200B
  ExpectRefused(ValidateEntry(group), "name", "name.invalid");
  group.name = std::string(kNameRules.entry_name_max + 1, 'g');
  ExpectRefused(ValidateEntry(group), "name", "name.invalid");
  group.name = "Developers";
  group.field_type = "string";
  ExpectRefused(ValidateEntry(group), "type", "entry.unexpected_field");

  DirectoryEntry field;
  field.kind = EntryKind::kCustomField;
  field.name = "badge";
  EXPECT_TRUE(ValidateEntry(field).ok());  // the type defaults to string
  field.field_type = "date";
  ExpectRefused(ValidateEntry(field), "type", "custom_field.invalid_type");
  field.field_type = "enum";
  ExpectRefused(ValidateEntry(field), "allowed_values", "custom_field.allowed_values_required");
  field.field_type = "string";
  field.pattern = "B[0-9";
  ExpectRefused(ValidateEntry(field), "pattern", "custom_field.invalid_pattern");
  field.pattern = "";
  field.max_length = kNameRules.custom_field_length_max + 1;
  ExpectRefused(ValidateEntry(field), "max_length", "custom_field.invalid_max_length");
  field.name = "bad name";
  field.max_length = 0;
  ExpectRefused(ValidateEntry(field), "name", "custom_field.invalid_name");
}

TEST(NamesTest, CustomFieldValues) {
  DirectoryEntry def;
  def.kind = EntryKind::kCustomField;
  def.name = "badge";
  def.field_type = "string";
  def.max_length = 5;
  def.pattern = "B[0-9]{4}";
  EXPECT_TRUE(ValidateCustomFieldValue(def, "B1234", "custom_fields[0]").ok());
  ExpectRefused(ValidateCustomFieldValue(def, "X1234", "custom_fields[0]"), "custom_fields[0]",
                "custom_field.pattern_mismatch");
  ExpectRefused(ValidateCustomFieldValue(def, "B12345", "custom_fields[0]"), "custom_fields[0]",
                "custom_field.too_long");
  ExpectRefused(ValidateCustomFieldValue(def, "\xff", "custom_fields[0]"), "custom_fields[0]",
                "custom_field.invalid_utf8");
  def = {};
  def.field_type = "number";
  EXPECT_TRUE(ValidateCustomFieldValue(def, "-3.5", "f").ok());
  ExpectRefused(ValidateCustomFieldValue(def, "three", "f"), "f", "custom_field.not_a_number");
  def.field_type = "boolean";
  ExpectRefused(ValidateCustomFieldValue(def, "yes", "f"), "f", "custom_field.not_a_boolean");
  def.field_type = "enum";
  def.allowed_values = {"junior", "senior"};
  EXPECT_TRUE(ValidateCustomFieldValue(def, "senior", "f").ok());
  ExpectRefused(ValidateCustomFieldValue(def, "staff", "f"), "f", "custom_field.not_allowed");
}

TEST(NamesTest, EntryKindTableNamesEachKindOnce) {
  EXPECT_EQ(KindInfo(EntryKind::kGroup).id_prefix, "grp_");
  EXPECT_EQ(KindInfo(EntryKind::kOrganizationalUnit).reason_name, "ou");
  EXPECT_EQ(KindInfo(EntryKind::kOrganizationalUnit).json_name, "organizational_unit");
  EXPECT_EQ(KindInfo(EntryKind::kCustomField).action_noun, "CustomField");
  for (EntryKind k : {EntryKind::kGroup, EntryKind::kOrganizationalUnit, EntryKind::kCustomField}) {
    const EntryKindInfo* found = FindKind(KindInfo(k).json_name);
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(found->kind, k);
  }
  EXPECT_EQ(FindKind("ou"), nullptr);
}

}  // namespace
}  // namespace iam
