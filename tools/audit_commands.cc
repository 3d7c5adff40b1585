// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// What happened and what did not arrive: `events` (the audit log, newest
// first), `prune-events` (retention), `dead-letters` and `redrive`.
#include "absl/time/time.h"
#include "commands.h"
#include "iam/json.h"

namespace iamctl {
namespace {

// RFC 3339 ("2026-12-03T21:00:00Z") into `out`; CLI11 has already checked it.
absl::Time ParseTimeArg(const std::string& text, absl::Time if_empty) {
  absl::Time t = if_empty;
  if (!text.empty()) absl::ParseTime(absl::RFC3339_full, text, &t, nullptr);
  return t;
}

CLI::Validator Rfc3339() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        absl::Time t;
        std::string error;
        if (absl::ParseTime(absl::RFC3339_full, text, &t, &error)) return "";
        return "must be an RFC 3339 time such as 2026-12-03T21:00:00Z";
      },
      "TIME");
}

void AddEvents(Commands& commands) {
  struct Options {
    std::string tenant, user, action, since, until, page_token;
    int64_t limit = 100;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = commands.Add(
      "events", "Lists the audit log, newest first (a user's \"logs\").", [o](const Globals& g) {
        return WithEngine(g, o->tenant, [&](iam::Engine& engine) {
          iam::AuditQuery q;
          q.tenant = o->tenant;
          q.target = o->user;
          q.action = o->action;
          q.since = ParseTimeArg(o->since, absl::InfinitePast());
          q.until = ParseTimeArg(o->until, absl::InfiniteFuture());
          q.page_size = static_cast<int>(o->limit);
          q.page_token = o->page_token;
          absl::StatusOr<iam::AuditPage> page = engine.ListAuditEvents({}, q);
          if (!page.ok()) return PrintError(*g.profile, page.status());
          PrintJson(iam::ToJson(*page));
          return kExitOk;
        });
      });
  AddTenant(cmd, &o->tenant);
  AddText(cmd, "--user-id", &o->user, "ID", "only events on this user (or key) id");
  AddText(cmd, "--action", &o->action, "A", "only this action (iam:CreateUser, iam:Login, ...)");
  AddText(cmd, "--since", &o->since, "TIME", "from this time (RFC 3339), inclusive")
      ->check(Rfc3339());
  AddText(cmd, "--until", &o->until, "TIME", "before this time (RFC 3339)")->check(Rfc3339());
  cmd->add_option("--limit", o->limit, "at most N events (1-1000; default 100)")
      ->option_text("N")
      ->check(IntegerIn(1, 1000, "from 1 to 1000"));
  AddText(cmd, "--page-token", &o->page_token, "TOKEN", "the next_page_token of the last page");
}

void AddPruneEvents(Commands& commands) {
  auto days = std::make_shared<int64_t>(0);
  CLI::App* cmd = commands.Add(
      "prune-events", "Deletes audit events older than the retention.", [days](const Globals& g) {
        absl::StatusOr<Session> session = OpenSession(g);
        if (!session.ok()) return PrintError(*g.profile, session.status());
        absl::StatusOr<int64_t> pruned = session->engine->PruneAuditEvents(absl::Hours(24) * *days);
        if (!pruned.ok()) return PrintError(*g.profile, pruned.status());
        PrintJson({{"pruned", *pruned}});
        return kExitOk;
      });
  cmd->add_option("--keep-days", *days, "keep this many days of events")
      ->option_text("N")
      ->required()
      ->check(IntegerIn(0, 36500, "from 0 to 36500"));
}

void AddDeadLetters(Commands& commands) {
  auto limit = std::make_shared<int64_t>(100);
  CLI::App* cmd =
      commands.Add("dead-letters", "Lists the notifications given up on, with their last error.",
                   [limit](const Globals& g) {
                     absl::StatusOr<Session> session = OpenSession(g);
                     if (!session.ok()) return PrintError(*g.profile, session.status());
                     auto dead = session->engine->DeadLetters(static_cast<int>(*limit));
                     if (!dead.ok()) return PrintError(*g.profile, dead.status());
                     nlohmann::json out = nlohmann::json::array();
                     for (const iam::OutboxMessage& m : *dead) out.push_back(iam::ToJson(m));
                     PrintJson({{"dead_letters", std::move(out)}});
                     return kExitOk;
                   });
  cmd->add_option("--limit", *limit, "at most N (1-1000; default 100)")
      ->option_text("N")
      ->check(IntegerIn(1, 1000, "from 1 to 1000"));
}

void AddRedrive(Commands& commands) {
  auto id = std::make_shared<int64_t>(0);
  CLI::App* cmd = commands.Add(
      "redrive", "Makes a dead notification due again and delivers it.", [id](const Globals& g) {
        absl::StatusOr<Session> session = OpenSession(g);
        if (!session.ok()) return PrintError(*g.profile, session.status());
        if (absl::Status s = session->engine->RedriveDeadLetter(*id); !s.ok()) {
          return PrintError(*g.profile, s);
        }
        absl::StatusOr<int64_t> pending = session->store->PendingOutbox();
        PrintJson({{"redriven", *id}, {"pending", pending.ok() ? *pending : -1}});
        return kExitOk;
      });
  cmd->add_option("--id", *id, "the dead letter's id")
      ->option_text("ID")
      ->required()
      ->check(IntegerIn(1, INT64_MAX, "a positive id"));
}

}  // namespace

void AddAuditCommands(Commands& commands) {
  AddEvents(commands);
  AddPruneEvents(commands);
  AddDeadLetters(commands);
  AddRedrive(commands);
}

}  // namespace iamctl
