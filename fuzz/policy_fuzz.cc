// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target: the permission-policy parser and compiler (iam/policy.h)
// on arbitrary documents under every profile. A document that compiles is
// evaluated for each engine action on a user and a collection resource, with
// and without a request context; a refused one must name the field at fault
// under reason policy.document_invalid.
//
//   build-fuzz/fuzz/policy_fuzz -max_total_time=3600 /tmp/policy-corpus fuzz/corpus/policy
#include <cstdint>
#include <cstdlib>
#include <string>

#include "iam/error.h"
#include "iam/policy.h"
#include "iam/profile.h"
#include "rules/policy_tables.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string document(reinterpret_cast<const char*>(data), size);
  static const char* const kProfiles[] = {"huawei", "tencent", "alibaba", "nist"};
  iam::RequestContext context;
  context.source_ip = "10.1.2.3";
  context.auth_method = "access_key";
  for (const char* name : kProfiles) {
    const iam::Profile* profile = iam::FindProfile(name);
    auto compiled = iam::CompilePolicy(document, *profile);
    if (!compiled.ok()) {
      if (iam::ErrorReason(compiled.status()) != "policy.document_invalid") std::abort();
      continue;
    }
    const iam::PolicyCatalog& catalog = iam::PolicyCatalog::For(*profile);
    const iam::CompiledPolicy* policies[] = {compiled->get(),
                                             catalog.SystemPolicy("AdministratorAccess")};
    for (const iam::internal::EngineAction& action : iam::internal::EngineActionTable()) {
      for (const std::string& resource :
           {catalog.RenderResource(action.resource_kind, "t1", "u1", "alice"),
            catalog.RenderResource(action.resource_kind, "t1", "", "")}) {
        iam::Evaluate(policies, {action.name, resource, &context});
        iam::Evaluate({policies, 1}, {action.name, resource, nullptr});
      }
    }
  }
  return 0;
}
