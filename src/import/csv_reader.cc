// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "import/csv_reader.h"

#include "iam/error.h"

namespace iam::internal {

absl::StatusOr<bool> CsvReader::Next(std::vector<std::string>* fields) {
  fields->clear();
  std::streambuf* buf = in_.rdbuf();
  using Traits = std::char_traits<char>;
  if (!started_) {
    started_ = true;
    static constexpr char kBom[] = "\xEF\xBB\xBF";
    int matched = 0;
    while (matched < 3 && buf->sgetc() == static_cast<unsigned char>(kBom[matched])) {
      buf->sbumpc();
      ++matched;
    }
    if (matched != 0 && matched != 3) {
      return InvalidField("file", "import.malformed_csv", "file: a broken byte order mark");
    }
  }
  if (Traits::eq_int_type(buf->sgetc(), Traits::eof())) return false;
  std::string field;
  bool quoted = false;      // inside quotes
  bool was_quoted = false;  // this field began with a quote
  while (true) {
    const Traits::int_type c = buf->sbumpc();
    if (Traits::eq_int_type(c, Traits::eof())) {
      if (quoted) {
        return InvalidField("file", "import.malformed_csv", "file: a quoted field is not closed");
      }
      fields->push_back(std::move(field));
      return true;
    }
    const char ch = Traits::to_char_type(c);
    if (quoted) {
      if (ch != '"') {
        field.push_back(ch);
      } else if (buf->sgetc() == '"') {
        buf->sbumpc();
        field.push_back('"');
      } else {
        quoted = false;
      }
      continue;
    }
    if (ch == ',') {
      fields->push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (ch == '\n' || ch == '\r') {
      if (ch == '\r' && buf->sgetc() == '\n') buf->sbumpc();
      fields->push_back(std::move(field));
      return true;
    } else if (ch == '"' && field.empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else if (was_quoted) {
      return InvalidField("file", "import.malformed_csv",
                          "file: text after a closing quote (a quote inside a field is \"\")");
    } else {
      field.push_back(ch);
    }
  }
}

}  // namespace iam::internal
