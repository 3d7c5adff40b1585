// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The console's pages, served from files embedded in the library at build
// time (src/console, by cmake/embed_files.cmake): no build step, no files to
// install beside the binary.
#ifndef IAM_SRC_WIRE_CONSOLE_FILES_H_
#define IAM_SRC_WIRE_CONSOLE_FILES_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "iam/wire.h"

namespace iam::wire {

struct EmbeddedFile {
  absl::string_view name;  // its path under src/console ("index.html")
  absl::string_view bytes;
};

// Every file of src/console (generated).
absl::Span<const EmbeddedFile> ConsoleFiles();

// Whether `path` is one of the console's pages or files: /console and
// /console/... except its API (/console/api/...).
bool IsConsolePagePath(absl::string_view path);

// The file `request` names (GET or HEAD; "/console/" is index.html), with
// the console's security headers: a Content-Security-Policy that allows
// scripts and styles from this origin only (no inline script), no framing,
// no sniffing, no referrer.
WireResponse ServeConsoleFile(const WireRequest& request, const std::string& request_id);

}  // namespace iam::wire

#endif  // IAM_SRC_WIRE_CONSOLE_FILES_H_
