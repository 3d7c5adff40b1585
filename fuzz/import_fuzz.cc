// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target: bulk import's parsers. The input's first byte picks the
// path: a foreign password hash (CanonicalImportedHash, whose canonical form
// must be accepted again and name its scheme), the RFC 4180 reader alone, or a
// whole import of the input as CSV or JSON Lines into a memory store. Invariants:
// no crash, no sanitizer report; an import accounts for every row (created +
// already_present + failed == rows) and importing the same text twice creates
// nothing the second time.
//
//   build-fuzz/fuzz/import_fuzz -max_total_time=3600 /tmp/import-corpus fuzz/corpus/import
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "iam/authorizer.h"
#include "iam/engine.h"
#include "iam/import.h"
#include "iam/imported_hash.h"
#include "iam/memory_store.h"
#include "import/csv_reader.h"

namespace {

void CheckHash(const std::string& text) {
  absl::StatusOr<std::string> canonical = iam::CanonicalImportedHash(text, "password_hash");
  if (!canonical.ok()) return;
  absl::StatusOr<std::string> again = iam::CanonicalImportedHash(*canonical, "password_hash");
  if (!again.ok() || *again != *canonical || iam::ImportedHashScheme(*canonical).empty()) {
    std::abort();
  }
}

void ReadCsv(const std::string& text) {
  std::istringstream in(text);
  iam::internal::CsvReader reader(in);
  std::vector<std::string> fields;
  for (int i = 0; i < 10000; ++i) {
    absl::StatusOr<bool> more = reader.Next(&fields);
    if (!more.ok() || !*more) return;
  }
}

void Import(const std::string& text, iam::ImportFormat format) {
  iam::MemoryStore store;
  iam::EngineOptions options;
  options.authorizer = iam::AllowAllAuthorizer();
  options.argon2 = iam::Argon2Params::ForTests();
  options.host_key = std::string(32, 'k');
  iam::Engine engine(options, &store);
  iam::ImportOptions o;
  o.tenant = "t1";
  o.format = format;
  o.jobs = 1;
  absl::StatusOr<iam::ImportSummary> first = iam::ImportUsersFromText(engine, text, o);
  if (!first.ok()) return;
  if (first->created + first->already_present + first->failed != first->rows) std::abort();
  absl::StatusOr<iam::ImportSummary> second = iam::ImportUsersFromText(engine, text, o);
  if (!second.ok() || second->created != 0 || second->already_present != first->created) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0 || size > 4096) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0:
      CheckHash(text);
      break;
    case 1:
      ReadCsv(text);
      break;
    case 2:
      Import(text, iam::ImportFormat::kCsv);
      break;
    default:
      Import(text, iam::ImportFormat::kJsonLines);
      break;
  }
  return 0;
}
