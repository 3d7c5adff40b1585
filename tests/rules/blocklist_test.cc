// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The common-password blocklist: ASCII-case-insensitive exact matches, built
// from entries or loaded from a john-style word list.
#include "iam/blocklist.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "iam/error.h"

namespace iam {
namespace {

std::string WriteTempFile(absl::string_view name, absl::string_view content) {
  const std::string path =
      absl::StrCat(::testing::TempDir(), "iam_blocklist_", name, "_", ::getpid(), ".txt");
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  EXPECT_TRUE(out.good()) << path;
  return path;
}

TEST(Blocklist, ContainsIgnoringAsciiCase) {
  auto list = Blocklist::FromEntries({"Password1", "qwerty", "letmein!"});
  EXPECT_EQ(list->size(), 3u);
  for (absl::string_view hit :
       {"Password1", "password1", "PASSWORD1", "pAsSwOrD1", "QWERTY", "Qwerty", "LETMEIN!"}) {
    EXPECT_TRUE(list->Contains(hit)) << hit;
  }
  for (absl::string_view miss : {"Password", "Password12", "assword1", "qwert", "qwertyu", "",
                                 " qwerty", "qwerty ", "letmein"}) {
    EXPECT_FALSE(list->Contains(miss)) << miss;
  }
}

TEST(Blocklist, OnlyAsciiCaseFolds) {
  auto list =
      Blocklist::FromEntries({"stra\xc3\x9f"
                              "e",
                              "caf\xc3\xa9"});
  EXPECT_TRUE(
      list->Contains("STRA\xc3\x9f"
                     "E"));
  EXPECT_TRUE(list->Contains("CAF\xc3\xa9"));
  EXPECT_FALSE(list->Contains("CAF\xc3\x89"));  // É does not fold to é
  EXPECT_FALSE(list->Contains("strasse"));
}

TEST(Blocklist, EmptyEntriesSkippedAndDuplicatesFolded) {
  auto list = Blocklist::FromEntries({"", "abc", "ABC", "abc", "", "Abc", "xyz"});
  EXPECT_EQ(list->size(), 2u);
  EXPECT_TRUE(list->Contains("aBc"));
  EXPECT_TRUE(list->Contains("XYZ"));
  EXPECT_FALSE(list->Contains(""));
}

TEST(Blocklist, EmptyList) {
  auto list = Blocklist::FromEntries({});
  EXPECT_EQ(list->size(), 0u);
  EXPECT_FALSE(list->Contains(""));
  EXPECT_FALSE(list->Contains("password"));
}

TEST(Blocklist, BinaryBytesAndLongEntries) {
  const std::string long_entry(600, 'x');
  const std::string medium_entry = std::string(511, 'y') + "Z";
  auto list = Blocklist::FromEntries({std::string("a\0b", 3), long_entry, medium_entry});
  EXPECT_EQ(list->size(), 3u);
  EXPECT_TRUE(list->Contains(std::string("A\0B", 3)));
  EXPECT_FALSE(list->Contains("a"));
  EXPECT_TRUE(list->Contains(std::string(511, 'Y') + "z"));
  EXPECT_TRUE(list->Contains(long_entry));
  EXPECT_TRUE(list->Contains(std::string(600, 'X')));
  EXPECT_FALSE(list->Contains(std::string(599, 'x')));
  EXPECT_FALSE(list->Contains(std::string(601, 'x')));
}

TEST(Blocklist, ManyEntries) {
  std::vector<std::string> entries;
  for (int i = 0; i < 20000; ++i) entries.push_back(absl::StrCat("Pass", i, "word"));
  auto list = Blocklist::FromEntries(entries);
  EXPECT_EQ(list->size(), 20000u);
  for (int i = 0; i < 20000; i += 997) {
    EXPECT_TRUE(list->Contains(absl::StrCat("PASS", i, "WORD")));
    EXPECT_FALSE(list->Contains(absl::StrCat("pass", i, "words")));
  }
  EXPECT_FALSE(list->Contains("pass20000word"));
  // The arena holds the text at least once.
  size_t text = 0;
  for (const std::string& e : entries) text += e.size();
  EXPECT_GE(list->memory_bytes(), text);
}

TEST(Blocklist, LoadFileLfCrlfAndComments) {
  const std::string path =
      WriteTempFile("mixed",
                    "#!comment: This list has been compiled by Solar Designer\n"
                    "#!comment: of Openwall Project\n"
                    "123456\n"
                    "Password\r\n"
                    "\n"
                    "\r\n"
                    "iloveyou\r\n"
                    "#notacomment\n"
                    "trailing");  // no final newline
  absl::StatusOr<std::shared_ptr<const Blocklist>> list = Blocklist::LoadFile(path);
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ((*list)->size(), 5u);
  EXPECT_TRUE((*list)->Contains("123456"));
  EXPECT_TRUE((*list)->Contains("password"));
  EXPECT_TRUE((*list)->Contains("PASSWORD"));
  EXPECT_FALSE((*list)->Contains("Password\r"));
  EXPECT_TRUE((*list)->Contains("ILoveYou"));
  EXPECT_TRUE((*list)->Contains("#NotAComment"));
  EXPECT_TRUE((*list)->Contains("trailing"));
  EXPECT_FALSE((*list)->Contains("#!comment: of Openwall Project"));
  EXPECT_FALSE((*list)->Contains(""));
  std::remove(path.c_str());
}

TEST(Blocklist, LoadFileMissing) {
  absl::StatusOr<std::shared_ptr<const Blocklist>> list =
      Blocklist::LoadFile(::testing::TempDir() + "iam_no_such_blocklist_file.txt");
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ErrorReason(list.status()), "blocklist.not_found");
}

TEST(Blocklist, LoadFileEmpty) {
  const std::string path = WriteTempFile("empty", "");
  absl::StatusOr<std::shared_ptr<const Blocklist>> list = Blocklist::LoadFile(path);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ((*list)->size(), 0u);
  EXPECT_FALSE((*list)->Contains(""));
  std::remove(path.c_str());
}

TEST(Blocklist, ShortArenaViewsStayValid) {
  // A tiny list (small-string storage) must still answer after construction.
  auto list = Blocklist::FromEntries({"ab"});
  auto copy = list;  // shared, not copied
  list.reset();
  EXPECT_TRUE(copy->Contains("AB"));
  EXPECT_FALSE(copy->Contains("abc"));
}

}  // namespace
}  // namespace iam
