// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// User, group and OU commands over the engine.
#include "commands.h"

namespace iamctl {

void AddUserCommands(std::vector<Command>* /*out*/) {}

}  // namespace iamctl
