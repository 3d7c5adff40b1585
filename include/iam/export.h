// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// IAM_EXPORT marks the symbols of the public C++ and C APIs. Everything else in
// the shared library is hidden (the build uses -fvisibility=hidden).
#ifndef IAM_EXPORT_H_
#define IAM_EXPORT_H_

#if defined(_WIN32)
#define IAM_EXPORT
#define IAM_HIDDEN
#else
#define IAM_EXPORT __attribute__((visibility("default")))
// For private members of an exported class that must not be exported.
#define IAM_HIDDEN __attribute__((visibility("hidden")))
#endif

// IAM_NODISCARD marks the C functions whose status must be read (a failed
// create, validation or engine call), as libsodium marks its own with
// warn_unused_result: ignoring it is a compiler warning.
#if defined(__GNUC__) || defined(__clang__)
#define IAM_NODISCARD __attribute__((warn_unused_result))
#else
#define IAM_NODISCARD
#endif

#endif  // IAM_EXPORT_H_
