// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The translation unit that builds the suites' precompiled header.
