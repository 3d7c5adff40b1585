// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// IAM_EXPORT marks the symbols of the public C++ and C APIs. Everything else in
// the shared library is hidden (the build uses -fvisibility=hidden).
#ifndef IAM_EXPORT_H_
#define IAM_EXPORT_H_

#if defined(_WIN32)
#define IAM_EXPORT
#else
#define IAM_EXPORT __attribute__((visibility("default")))
#endif

#endif  // IAM_EXPORT_H_
