// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// iamctl import: a CSV or JSON Lines file through iam::ImportUsers, with a
// progress bar on a terminal (plain lines otherwise), a per-row error report
// and a secrets file of mode 0600. Secrets never reach the terminal.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "commands.h"
#include "iam/error.h"
#include "iam/import.h"
#include "iam/json.h"

namespace iamctl {
namespace {

// One CSV cell, quoted when it must be (RFC 4180).
std::string Cell(absl::string_view text) {
  if (text.find_first_of(",\"\r\n") == absl::string_view::npos) return std::string(text);
  return absl::StrCat("\"", absl::StrReplaceAll(text, {{"\"", "\"\""}}), "\"");
}

// The secrets file: appended to (a resumed import keeps the first run's),
// created and kept at mode 0600.
class SecretsFile {
 public:
  absl::Status Open(const std::string& path) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd_ < 0 || ::fchmod(fd_, 0600) != 0) {
      return iam::MakeError(absl::StatusCode::kPermissionDenied, "secrets", "file.unwritable",
                            "secrets: cannot write " + path);
    }
    struct stat st {};
    if (::fstat(fd_, &st) == 0 && st.st_size == 0) {
      Write("row,username,user_id,password,access_key_id,access_key_secret\n");
    }
    return absl::OkStatus();
  }
  ~SecretsFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  void Add(const iam::ImportedSecret& s) {
    std::string line =
        absl::StrCat(s.row, ",", Cell(s.username), ",", s.user_id, ",", Cell(s.password.view()),
                     ",", s.access_key_id, ",", Cell(s.access_key_secret.view()), "\n");
    Write(line);
    iam::WipeString(line);
  }

 private:
  void Write(const std::string& text) {
    size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
      if (n <= 0) return;
      done += static_cast<size_t>(n);
    }
  }
  int fd_ = -1;
};

// "1:02:03" or "2:03".
std::string Clock(double seconds) {
  const int64_t s = static_cast<int64_t>(seconds + 0.5);
  if (s >= 3600) return absl::StrFormat("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  return absl::StrFormat("%d:%02d", s / 60, s % 60);
}

// Renders progress on standard error: a bar redrawn in place on a terminal,
// else a plain line at most every two seconds (and the last one).
class ProgressView {
 public:
  ProgressView() : tty_(::isatty(STDERR_FILENO) == 1) {}
  void Show(const iam::ImportProgress& p, bool last) {
    const double elapsed = absl::ToDoubleSeconds(p.elapsed);
    if (!tty_ && !last && elapsed - last_print_ < 2.0) return;
    last_print_ = elapsed;
    const double rate = elapsed > 0 ? static_cast<double>(p.rows_done) / elapsed : 0;
    const int64_t left = p.rows_total - p.rows_done;
    const std::string eta = rate > 0 ? Clock(static_cast<double>(left) / rate) : "?";
    const double share =
        p.rows_total > 0 ? static_cast<double>(p.rows_done) / static_cast<double>(p.rows_total) : 1;
    if (tty_) {
      constexpr int kWidth = 30;
      const int filled = static_cast<int>(share * kWidth);
      std::fprintf(stderr, "\r[%s%s] %3d%% %lld/%lld rows  %.0f rows/s  ETA %s  errors %lld ",
                   std::string(filled, '#').c_str(), std::string(kWidth - filled, ' ').c_str(),
                   static_cast<int>(share * 100), static_cast<long long>(p.rows_done),
                   static_cast<long long>(p.rows_total), rate, eta.c_str(),
                   static_cast<long long>(p.failed));
      if (last) std::fputc('\n', stderr);
    } else {
      std::fprintf(stderr, "import: %lld/%lld rows, %.0f rows/s, ETA %s, %lld errors\n",
                   static_cast<long long>(p.rows_done), static_cast<long long>(p.rows_total), rate,
                   eta.c_str(), static_cast<long long>(p.failed));
    }
    std::fflush(stderr);
  }

 private:
  bool tty_;
  double last_print_ = -1e9;
};

}  // namespace

void AddImportCommand(Commands& commands) {
  struct Options {
    std::string file, tenant, format = "auto", report, secrets;
    int jobs = 0, batch_size = 100;
    bool quiet = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = commands.Add(
      "import", "Imports users from a CSV or JSON Lines file; rerun it to resume.",
      [o](const Globals& g) {
        std::ofstream report;
        if (!o->report.empty()) {
          report.open(o->report, std::ios::trunc);
          if (!report) {
            return PrintError(
                *g.profile, iam::MakeError(absl::StatusCode::kPermissionDenied, "report",
                                           "file.unwritable", "report: cannot write " + o->report));
          }
          report << "row,username,field,reason,message\n";
        }
        SecretsFile secrets;
        if (!o->secrets.empty()) {
          if (absl::Status s = secrets.Open(o->secrets); !s.ok()) return PrintError(*g.profile, s);
        }
        absl::StatusOr<Session> session =
            OpenSession(g, [&](iam::EngineOptions& options, Session&) {
              options.max_batch = std::max(options.max_batch, o->batch_size);
            });
        if (!session.ok()) return PrintError(*g.profile, session.status());
        iam::Engine& engine = *session->engine;
        if (absl::Status s = engine.RegisterTenant(o->tenant); !s.ok()) {
          return PrintError(*g.profile, s);
        }
        ProgressView view;
        iam::ImportOptions options;
        options.tenant = o->tenant;
        options.format = o->format == "csv"     ? iam::ImportFormat::kCsv
                         : o->format == "jsonl" ? iam::ImportFormat::kJsonLines
                                                : iam::ImportFormat::kAuto;
        options.jobs = o->jobs;
        options.batch_size = o->batch_size;
        options.secrets_wanted = !o->secrets.empty();
        if (!o->quiet) {
          options.progress = [&](const iam::ImportProgress& p) {
            view.Show(p, p.rows_done == p.rows_total);
          };
        }
        options.on_error = [&](const iam::ImportRowError& e) {
          if (report.is_open()) {
            report << e.row << "," << Cell(e.username) << "," << Cell(e.field) << ","
                   << Cell(e.reason) << "," << Cell(e.message) << "\n";
          }
        };
        options.on_secret = [&](iam::ImportedSecret&& s) { secrets.Add(s); };
        absl::StatusOr<iam::ImportSummary> done = iam::ImportUsers(engine, o->file, options);
        if (!done.ok()) {
          if (!o->quiet) std::fputc('\n', stderr);
          return PrintError(*g.profile, done.status());
        }
        nlohmann::json summary = iam::ToJson(*done);
        summary["report"] = o->report.empty() ? nlohmann::json() : nlohmann::json(o->report);
        summary["secrets"] = o->secrets.empty() ? nlohmann::json() : nlohmann::json(o->secrets);
        PrintJson(summary);
        return done->failed == 0 ? kExitOk : kExitFailed;
      });
  cmd->add_option("file", o->file, "the users: CSV with a header row, or JSON Lines")
      ->required()
      ->check(CLI::ExistingFile);
  AddTenant(cmd, &o->tenant);
  AddText(cmd, "--format", &o->format, "csv|jsonl", "the file's format (default: by extension)")
      ->check(OneOf({"auto", "csv", "jsonl"}));
  cmd->add_option("--jobs", o->jobs, "Argon2id threads (default: every core)")
      ->check(CLI::Range(0, 256));
  cmd->add_option("--batch-size", o->batch_size, "users per atomic commit (default 100)")
      ->check(CLI::Range(1, 1000));
  AddText(cmd, "--report", &o->report, "FILE",
          "a CSV of the rows that failed: row, username, field, reason, message");
  AddText(cmd, "--secrets", &o->secrets, "FILE",
          "where generated passwords and access keys go (CSV, mode 0600, appended); without it "
          "rows asking for them fail");
  cmd->add_flag("--quiet", o->quiet, "no progress on standard error");
}

}  // namespace iamctl
