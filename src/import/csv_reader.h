// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// RFC 4180 records from a stream: quoted fields with "" for a quote, line
// breaks inside quotes, CRLF or LF, a UTF-8 byte order mark skipped.
// Thread-compatible: one reader per stream.
#ifndef IAM_IMPORT_CSV_READER_H_
#define IAM_IMPORT_CSV_READER_H_

#include <istream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace iam::internal {

class CsvReader {
 public:
  explicit CsvReader(std::istream& in) : in_(in) {}
  // The next record into `fields`; false at the end. kInvalidArgument for a
  // quote left open or text after a closing quote.
  absl::StatusOr<bool> Next(std::vector<std::string>* fields);

 private:
  std::istream& in_;
  bool started_ = false;
};

}  // namespace iam::internal

#endif  // IAM_IMPORT_CSV_READER_H_
