// Tests of the project's one way to read and write whole files (src/detail/text_io.hpp):
// io_error naming the file, atomic writes through a unique temporary file that is never left
// behind, and JSON text with file:line:column errors.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>

#include "api_test_support.hpp"
#include "detail/text_io.hpp"

namespace {

namespace fs = std::filesystem;
using bioxen::BioXenErrorCode;
using bioxen::detail::read_text_file;
using bioxen::detail::read_text_file_if_present;
using bioxen::detail::write_file_atomically;
using bioxen_test::expect_bioxen_error;
using ::testing::HasSubstr;

constexpr auto rw_owner = fs::perms::owner_read | fs::perms::owner_write;

fs::perms perms_of(const fs::path& p) { return fs::status(p).permissions() & fs::perms::all; }

TEST(ReadTextFile, ReadsEveryByte) {
  bioxen_test::TempDir dir;
  const std::string content("a\r\nb\0c\n", 7);
  const auto p = dir.write("f.bin", content);
  EXPECT_EQ(read_text_file(p, "test file"), content);
  EXPECT_EQ(read_text_file_if_present(p, "test file"), content);
  EXPECT_EQ(read_text_file(dir.write("empty", ""), "test file"), "");
}

TEST(ReadTextFile, MissingFileIsAnIoErrorNamingTheFile) {
  bioxen_test::TempDir dir;
  const auto p = dir / "absent.json";
  const auto e =
      expect_bioxen_error(BioXenErrorCode::io_error, [&] { read_text_file(p, "scenario file"); });
  EXPECT_EQ(e.message(),
            "cannot read scenario file '" + p.string() + "': No such file or directory");
  EXPECT_EQ(e.details().at("file"), p.string());
  EXPECT_EQ(e.details().at("reason"), "No such file or directory");
  EXPECT_EQ(read_text_file_if_present(p, "scenario file"), std::nullopt);
}

TEST(ReadTextFile, DirectoryOrPathThroughAFileIsAnIoErrorEvenIfPresentIsOptional) {
  bioxen_test::TempDir dir;
  auto e = expect_bioxen_error(BioXenErrorCode::io_error,
                               [&] { read_text_file_if_present(dir.path(), "genome file"); });
  EXPECT_EQ(e.message(),
            "cannot read genome file '" + dir.path().string() + "': it is a directory");
  dir.write("blocker", "x");
  e = expect_bioxen_error(BioXenErrorCode::io_error,
                          [&] { read_text_file_if_present(dir / "blocker" / "f", "genome file"); });
  EXPECT_THAT(e.message(), HasSubstr("Not a directory"));
}

TEST(ReadTextFile, UnreadableFileIsAnIoError) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads every file";
  bioxen_test::TempDir dir;
  const auto p = dir.write("secret", "x");
  fs::permissions(p, fs::perms::none);
  const auto e =
      expect_bioxen_error(BioXenErrorCode::io_error, [&] { read_text_file(p, "snapshot file"); });
  EXPECT_EQ(e.message(), "cannot read snapshot file '" + p.string() + "': Permission denied");
}

TEST(WriteFileAtomically, WritesAndReplacesWithTheGivenMode) {
  bioxen_test::TempDir dir;
  const auto p = dir / "out.json";
  write_file_atomically(p, "first\n", rw_owner);
  EXPECT_EQ(bioxen_test::read_file(p), "first\n");
  EXPECT_EQ(perms_of(p), rw_owner);
  write_file_atomically(p, "second\n", rw_owner | fs::perms::group_read);
  EXPECT_EQ(bioxen_test::read_file(p), "second\n");
  EXPECT_EQ(perms_of(p), rw_owner | fs::perms::group_read);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.json"});
}

TEST(WriteFileAtomically, WithoutAModeANewFileFollowsTheUmask) {
  bioxen_test::TempDir dir;
  const mode_t old = ::umask(027);
  write_file_atomically(dir / "report.html", "<html></html>\n");
  ::umask(old);
  EXPECT_EQ(perms_of(dir / "report.html"), rw_owner | fs::perms::group_read);
}

TEST(WriteFileAtomically, TheTemporaryFileIsUniqueAndNeverLeftBehind) {
  bioxen_test::TempDir dir;
  const auto p = dir / "out.txt";
  dir.write("out.txt.tmp", "someone else's file");  // the fixed name of an older writer
  fs::path seen;
  EXPECT_THROW(write_file_atomically(p, "new", rw_owner,
                                     [&](const fs::path& temp) {
                                       seen = temp;
                                       EXPECT_EQ(temp.parent_path(), dir.path());
                                       EXPECT_EQ(bioxen_test::read_file(temp), "new");
                                       throw std::runtime_error("interrupted");
                                     }),
               std::runtime_error);
  EXPECT_FALSE(seen.empty());
  EXPECT_FALSE(fs::exists(seen));
  EXPECT_FALSE(fs::exists(p));
  EXPECT_EQ(bioxen_test::read_file(dir / "out.txt.tmp"), "someone else's file");
  write_file_atomically(p, "new", rw_owner);
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"out.txt", "out.txt.tmp"}));
}

TEST(WriteFileAtomically, AMissingDirectoryIsAnIoErrorAndCreatesNothing) {
  bioxen_test::TempDir dir;
  const auto p = dir / "no" / "such" / "dir" / "out.txt";
  const auto e =
      expect_bioxen_error(BioXenErrorCode::io_error, [&] { write_file_atomically(p, "x"); });
  EXPECT_EQ(e.message(), "cannot write '" + p.string() +
                             "': cannot create a temporary file: No such file or directory");
  EXPECT_EQ(e.details().at("file"), p.string());
  EXPECT_EQ(e.details().at("step"), "cannot create a temporary file");
  EXPECT_TRUE(dir.entries().empty());
}

TEST(WriteFileAtomically, ASymlinkIsKeptAndItsTargetReplaced) {
  bioxen_test::TempDir dir;
  const auto target = dir.write("real/out.txt", "old");
  fs::create_symlink(target, dir / "link.txt");
  write_file_atomically(dir / "link.txt", "new", rw_owner);
  EXPECT_TRUE(fs::is_symlink(dir / "link.txt"));
  EXPECT_EQ(bioxen_test::read_file(target), "new");
  EXPECT_EQ(dir.entries(dir / "real"), std::vector<std::string>{"out.txt"});
}

TEST(ParseJsonFileText, MalformedJsonNamesFileLineAndColumnWithTheCodeAsked) {
  const auto e = expect_bioxen_error(BioXenErrorCode::invalid_snapshot, [] {
    bioxen::detail::parse_json_file_text("{\n  \"a\": tru\n}", "snap.json",
                                         BioXenErrorCode::invalid_snapshot);
  });
  EXPECT_THAT(e.message(), HasSubstr("snap.json:2:"));
  EXPECT_THAT(e.message(), HasSubstr(": malformed JSON: "));
  EXPECT_THAT(e.message(), ::testing::Not(HasSubstr("tru")));  // never quotes the text
  EXPECT_EQ(e.details().at("line"), 2);
  EXPECT_EQ(bioxen::detail::parse_json_file_text("[1]", "x.json"), nlohmann::json::array({1}));
}

}  // namespace
