// Tests of the project's one way to read and write whole files (src/detail/text_io.hpp):
// io_error naming the file, atomic writes through a unique temporary file that is never left
// behind — not after an error at any step (injected with the fault hook, or real), and not
// after a kill -9 at any instant, once the next write has run — symbolic links, and JSON text
// with file:line:column errors.
#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <random>
#include <stdexcept>
#include <thread>

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
  EXPECT_EQ(e.message(), "cannot write '" + p.string() + "': create: No such file or directory");
  EXPECT_EQ(e.details().at("file"), p.string());
  EXPECT_EQ(e.details().at("step"), "create");
  EXPECT_EQ(e.details().at("reason"), "No such file or directory");
  EXPECT_FALSE(e.details().contains("target"));
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

// --- symbolic links ------------------------------------------------------------------------

TEST(WriteFileAtomically, ADanglingSymlinkIsFollowedItsTargetCreatedAndTheLinkKept) {
  bioxen_test::TempDir dir;
  fs::create_directories(dir / "real");
  fs::create_symlink("real/new.txt", dir / "link.txt");  // relative, dangling
  write_file_atomically(dir / "link.txt", "new", rw_owner);
  EXPECT_TRUE(fs::is_symlink(dir / "link.txt"));
  EXPECT_EQ(fs::read_symlink(dir / "link.txt"), "real/new.txt");
  EXPECT_EQ(bioxen_test::read_file(dir / "real" / "new.txt"), "new");
  EXPECT_EQ(perms_of(dir / "real" / "new.txt"), rw_owner);
  // A chain of links, the last one dangling: every link stays, the file at its end is made.
  fs::create_symlink("b", dir / "a");
  fs::create_symlink(dir / "real" / "c.txt", dir / "b");
  write_file_atomically(dir / "a", "chained");
  EXPECT_TRUE(fs::is_symlink(dir / "a"));
  EXPECT_TRUE(fs::is_symlink(dir / "b"));
  EXPECT_EQ(bioxen_test::read_file(dir / "real" / "c.txt"), "chained");
  EXPECT_EQ(dir.entries(dir / "real"), (std::vector<std::string>{"c.txt", "new.txt"}));
}

TEST(WriteFileAtomically, ASymlinkIntoAMissingDirectoryIsRefusedAndChangesNothing) {
  bioxen_test::TempDir dir;
  fs::create_symlink("nowhere/out.txt", dir / "link.txt");
  auto e = expect_bioxen_error(BioXenErrorCode::io_error,
                               [&] { write_file_atomically(dir / "link.txt", "x"); });
  const auto target = dir.path() / "nowhere" / "out.txt";
  EXPECT_EQ(e.message(), "cannot write '" + (dir / "link.txt").string() +
                             "' (a symbolic link to '" + target.string() +
                             "'): symlink: its target is in '" + (dir / "nowhere").string() +
                             "', which does not exist");
  EXPECT_EQ(e.details().at("file"), (dir / "link.txt").string());
  EXPECT_EQ(e.details().at("target"), target.string());
  EXPECT_EQ(e.details().at("step"), "symlink");
  EXPECT_EQ(fs::read_symlink(dir / "link.txt"), "nowhere/out.txt");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"link.txt"});

  dir.write("afile", "not a directory");
  fs::create_symlink("afile/out.txt", dir / "link2.txt");
  e = expect_bioxen_error(BioXenErrorCode::io_error,
                          [&] { write_file_atomically(dir / "link2.txt", "x"); });
  EXPECT_THAT(e.message(), HasSubstr("', which is not a directory"));
  EXPECT_EQ(bioxen_test::read_file(dir / "afile"), "not a directory");
}

TEST(WriteFileAtomically, ASymlinkLoopIsAnIoError) {
  bioxen_test::TempDir dir;
  fs::create_symlink("b", dir / "a");
  fs::create_symlink("a", dir / "b");
  const auto e = expect_bioxen_error(BioXenErrorCode::io_error,
                                     [&] { write_file_atomically(dir / "a", "x"); });
  EXPECT_EQ(e.details().at("step"), "symlink");
  EXPECT_EQ(e.details().at("reason"), std::strerror(ELOOP));
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"a", "b"}));
}

// --- temporary files: the sweep, live writers, the no-O_TMPFILE path -------------------------

/// The entries of `dir` that are temporary files of `name`.
std::vector<std::string> temporaries(const fs::path& dir, const std::string& name) {
  std::vector<std::string> out;
  const std::string prefix = "." + name + ".tmp.";
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string entry = e.path().filename().string();
    if (entry.rfind(prefix, 0) == 0) out.push_back(entry);
  }
  return out;
}

/// Whether the filesystem of `dir` has O_TMPFILE (the tests of that path skip without it).
bool has_o_tmpfile(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

/// How the temporary file is made: anonymously (O_TMPFILE), or named from the start as on a
/// filesystem without O_TMPFILE.
enum class TempKind { anonymous, named };

std::string kind_name(TempKind kind) { return kind == TempKind::anonymous ? "anonymous" : "named"; }

/// A fault hook that takes `kind`'s path and asks `then` at every step (but the O_TMPFILE
/// "create" the named path answers EOPNOTSUPP to). Sequential writes only: it alternates.
std::function<int(std::string_view)> hook_for(TempKind kind,
                                              std::function<int(std::string_view)> then = {}) {
  auto next_is_anonymous = std::make_shared<bool>(true);
  return [kind, next_is_anonymous, then = std::move(then)](std::string_view step) {
    if (kind == TempKind::named && step == "create") {
      const bool anonymous = *next_is_anonymous;
      *next_is_anonymous = !anonymous;
      if (anonymous) return EOPNOTSUPP;
    }
    return then ? then(step) : 0;
  };
}

void skip_without_o_tmpfile(TempKind kind, const fs::path& dir) {
  if (kind == TempKind::anonymous && !has_o_tmpfile(dir)) {
    GTEST_SKIP() << "the filesystem of " << dir << " has no O_TMPFILE";
  }
}

/// Whether someone holds the flock of the file at `p`.
bool is_locked(const fs::path& p) {
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool locked = ::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  return locked;
}

TEST(WriteFileAtomically, StaleTemporaryFilesOfTheSameFileAreSweptOthersKept) {
  bioxen_test::TempDir dir;
  dir.write("out.txt", "old");
  // What crashed writers left: unlocked, with the pattern of this file (mkstemp's too).
  dir.write(".out.txt.tmp.AbC123", "stale");
  dir.write(".out.txt.tmp.zzzzzz", "stale");
  // Not ours, or not of this file: kept.
  const std::vector<std::string> kept = {".other.txt.tmp.AbC123", ".out.txt.tmp.AbC12",
                                         ".out.txt.tmp.AbC1234",  ".out.txt.tmp.AbC-23",
                                         "out.txt.tmp",           "out.txt.tmp.AbC123"};
  for (const auto& name : kept) dir.write(name, "someone else's");
  fs::create_directory(dir / ".out.txt.tmp.Dir000");  // not a regular file
  fs::create_symlink("out.txt", dir / ".out.txt.tmp.Sym000");
  write_file_atomically(dir / "out.txt", "new");
  EXPECT_EQ(bioxen_test::read_file(dir / "out.txt"), "new");
  std::vector<std::string> expected = kept;
  expected.insert(expected.end(), {".out.txt.tmp.Dir000", ".out.txt.tmp.Sym000", "out.txt"});
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(dir.entries(), expected);
  for (const auto& name : kept) EXPECT_EQ(bioxen_test::read_file(dir / name), "someone else's");
}

TEST(WriteFileAtomically, ALiveWritersTemporaryFileIsNotSweptInTheSameProcess) {
  bioxen_test::TempDir dir;
  const auto p = dir / "out.txt";
  fs::path outer_temp;
  write_file_atomically(p, "outer", std::nullopt, [&](const fs::path& temp) {
    outer_temp = temp;
    EXPECT_TRUE(is_locked(temp));
    // Another write of the same file sweeps while this one is between link and rename.
    write_file_atomically(p, "inner");
    EXPECT_EQ(bioxen_test::read_file(p), "inner");
    EXPECT_TRUE(fs::exists(temp)) << "a live writer's temporary file was swept";
    EXPECT_EQ(bioxen_test::read_file(temp), "outer");
  });
  EXPECT_FALSE(outer_temp.empty());
  EXPECT_EQ(bioxen_test::read_file(p), "outer");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.txt"});
}

class TempKindTest : public ::testing::TestWithParam<TempKind> {};

INSTANTIATE_TEST_SUITE_P(WriteFileAtomically, TempKindTest,
                         ::testing::Values(TempKind::anonymous, TempKind::named),
                         [](const auto& param_info) { return kind_name(param_info.param); });

TEST_P(TempKindTest, ALiveWritersTemporaryFileIsNotSweptByAnotherProcess) {
  bioxen_test::TempDir dir;
  skip_without_o_tmpfile(GetParam(), dir.path());
  const auto p = dir.write("out.txt", "old");
  int ready[2];
  int go[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(go), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    int rc = 0;
    try {
      bioxen::detail::set_io_fault_for_testing(hook_for(GetParam()));
      write_file_atomically(p, "child", std::nullopt, [&](const fs::path&) {
        char c = 'r';
        if (::write(ready[1], &c, 1) != 1) ::_exit(3);
        if (::read(go[0], &c, 1) != 1) ::_exit(4);
      });
    } catch (...) {
      rc = 1;
    }
    ::_exit(rc);
  }
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  const auto child_temps = temporaries(dir.path(), "out.txt");
  ASSERT_EQ(child_temps.size(), 1U);
  EXPECT_TRUE(is_locked(dir / child_temps.front()));
  write_file_atomically(p, "parent");  // sweeps, and must leave the child's file alone
  EXPECT_EQ(temporaries(dir.path(), "out.txt"), child_temps);
  EXPECT_EQ(bioxen_test::read_file(p), "parent");
  ASSERT_EQ(::write(go[1], &c, 1), 1);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_EQ(bioxen_test::read_file(p), "child");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.txt"});
  for (int fd : {ready[0], ready[1], go[0], go[1]}) ::close(fd);
}

TEST_P(TempKindTest, TheStepsComeInOrderAndTheTemporaryFileIsLockedAndPrivate) {
  bioxen_test::TempDir dir;
  skip_without_o_tmpfile(GetParam(), dir.path());
  const auto p = dir.write("out.txt", "old");
  std::vector<std::string> steps;
  const bioxen::detail::ScopedIoFaultForTesting fault(hook_for(GetParam(), [&](auto step) {
    if (steps.empty() || steps.back() != step) steps.emplace_back(step);  // one "write" or more
    return 0;
  }));
  write_file_atomically(p, "new", fs::perms::owner_read, [&](const fs::path& temp) {
    EXPECT_EQ(temp.parent_path(), dir.path());
    EXPECT_EQ(temp.filename().string().rfind(".out.txt.tmp.", 0), 0U) << temp;
    EXPECT_EQ(temp.filename().string().size(), std::string(".out.txt.tmp.XXXXXX").size());
    EXPECT_TRUE(is_locked(temp));
    EXPECT_EQ(perms_of(temp), fs::perms::owner_read);
    EXPECT_EQ(bioxen_test::read_file(temp), "new");
  });
  if (GetParam() == TempKind::anonymous) {
    EXPECT_EQ(steps, (std::vector<std::string>{"create", "lock", "fchmod", "write", "fsync",
                                               "close", "link", "rename"}));
  } else {
    // The hook answered the O_TMPFILE create itself: only the named create reached `then`.
    EXPECT_EQ(steps, (std::vector<std::string>{"create", "lock", "fchmod", "write", "fsync",
                                               "close", "rename"}));
  }
  EXPECT_EQ(bioxen_test::read_file(p), "new");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.txt"});
}

class NoTmpfileTest : public ::testing::TestWithParam<int> {};

INSTANTIATE_TEST_SUITE_P(WriteFileAtomically, NoTmpfileTest,
                         ::testing::Values(EOPNOTSUPP, EISDIR, EINVAL),
                         [](const auto& param_info) { return std::to_string(param_info.param); });

TEST_P(NoTmpfileTest, EachErrnoOfAFilesystemWithoutOTmpfileTakesTheNamedPath) {
  bioxen_test::TempDir dir;
  const auto p = dir.write("out.txt", "old");
  int creates = 0;
  const bioxen::detail::ScopedIoFaultForTesting fault([&](std::string_view step) {
    if (step != "create") return 0;
    return ++creates == 1 ? GetParam() : 0;
  });
  bool named = false;
  write_file_atomically(p, "new", std::nullopt,
                        [&](const fs::path& temp) { named = fs::exists(temp) && is_locked(temp); });
  EXPECT_EQ(creates, 2);
  EXPECT_TRUE(named);
  EXPECT_EQ(bioxen_test::read_file(p), "new");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.txt"});
}

TEST(WriteFileAtomically, AnotherCreateErrorIsAnErrorNotTheNamedPath) {
  bioxen_test::TempDir dir;
  const auto p = dir.write("out.txt", "old");
  int creates = 0;
  const bioxen::detail::ScopedIoFaultForTesting fault([&](std::string_view step) {
    if (step != "create") return 0;
    ++creates;
    return EMFILE;
  });
  const auto e =
      expect_bioxen_error(BioXenErrorCode::io_error, [&] { write_file_atomically(p, "new"); });
  EXPECT_EQ(creates, 1);
  EXPECT_EQ(e.message(), "cannot write '" + p.string() + "': create: " + std::strerror(EMFILE));
}

TEST(WriteFileAtomically, ConcurrentWritersOfOneFileAllSucceedAndLeaveNoTemporary) {
  bioxen_test::TempDir dir;
  const auto p = dir / "out.txt";
  constexpr int threads = 4;
  constexpr int writes = 40;
  std::vector<std::thread> pool;
  std::atomic<int> failures{0};
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int i = 0; i < writes; ++i) {
        try {
          write_file_atomically(p, std::string(1000 + static_cast<std::size_t>(t), 'a' + t));
        } catch (const std::exception&) {
          ++failures;
        }
      }
    });
  }
  for (auto& th : pool) th.join();
  EXPECT_EQ(failures.load(), 0);
  const std::string content = bioxen_test::read_file(p);
  ASSERT_GE(content.size(), 1000U);
  EXPECT_EQ(content, std::string(content.size(), content.front()));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.txt"});
}

// --- injected faults: every step, every errno, on both paths --------------------------------

struct FaultCase {
  TempKind kind;
  std::string step;
  int err;
};

std::vector<FaultCase> fault_cases() {
  std::vector<FaultCase> cases;
  for (TempKind kind : {TempKind::anonymous, TempKind::named}) {
    for (const char* step :
         {"create", "lock", "fchmod", "write", "fsync", "close", "link", "rename"}) {
      if (kind == TempKind::named && std::string_view(step) == "link") continue;  // no link
      for (int err : {ENOSPC, EIO, EACCES, EROFS}) cases.push_back({kind, step, err});
    }
  }
  return cases;
}

class IoFaultTest : public ::testing::TestWithParam<FaultCase> {};

INSTANTIATE_TEST_SUITE_P(WriteFileAtomically, IoFaultTest, ::testing::ValuesIn(fault_cases()),
                         [](const auto& param_info) {
                           return kind_name(param_info.param.kind) + "_" + param_info.param.step +
                                  "_" + std::to_string(param_info.param.err);
                         });

TEST_P(IoFaultTest, IsAnIoErrorNamingFileAndStepAndChangesNothing) {
  const FaultCase& c = GetParam();
  bioxen_test::TempDir dir;
  skip_without_o_tmpfile(c.kind, dir.path());
  const std::string old_content = "{\n  \"old\": true\n}\n";
  const auto p = dir.write("out.json", old_content);
  fs::permissions(p, rw_owner | fs::perms::group_read);
  int injected = 0;
  {
    const bioxen::detail::ScopedIoFaultForTesting fault(hook_for(c.kind, [&](auto step) {
      if (step != c.step) return 0;
      ++injected;
      return c.err;
    }));
    const auto e = expect_bioxen_error(BioXenErrorCode::io_error, [&] {
      write_file_atomically(p, std::string(200000, 'n'), rw_owner);  // several write(2)s
    });
    EXPECT_EQ(e.message(),
              "cannot write '" + p.string() + "': " + c.step + ": " + std::strerror(c.err));
    EXPECT_EQ(e.details().at("file"), p.string());
    EXPECT_EQ(e.details().at("step"), c.step);
    EXPECT_EQ(e.details().at("reason"), std::strerror(c.err));
  }
  EXPECT_EQ(injected, 1);
  EXPECT_EQ(bioxen_test::read_file(p), old_content);  // byte for byte
  EXPECT_EQ(perms_of(p), rw_owner | fs::perms::group_read);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.json"});  // no temporary file
  // A new file is not created either.
  {
    const bioxen::detail::ScopedIoFaultForTesting fault(
        hook_for(c.kind, [&](auto step) { return step == c.step ? c.err : 0; }));
    EXPECT_THROW(write_file_atomically(dir / "new.json", "x"), bioxen::BioXenException);
  }
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.json"});
  // Without the fault the same write goes through.
  write_file_atomically(p, "new", rw_owner);
  EXPECT_EQ(bioxen_test::read_file(p), "new");
}

TEST(WriteFileAtomically, AFaultThroughASymlinkNamesTheLinkAndItsTarget) {
  bioxen_test::TempDir dir;
  const auto target = dir.write("real/out.txt", "old");
  fs::create_symlink(target, dir / "link.txt");
  const bioxen::detail::ScopedIoFaultForTesting fault(
      [](std::string_view step) { return step == "rename" ? EIO : 0; });
  const auto e = expect_bioxen_error(BioXenErrorCode::io_error,
                                     [&] { write_file_atomically(dir / "link.txt", "new"); });
  EXPECT_EQ(e.message(), "cannot write '" + (dir / "link.txt").string() +
                             "' (a symbolic link to '" + target.string() +
                             "'): rename: " + std::strerror(EIO));
  EXPECT_EQ(e.details().at("target"), target.string());
  EXPECT_EQ(bioxen_test::read_file(target), "old");
  EXPECT_EQ(dir.entries(dir / "real"), std::vector<std::string>{"out.txt"});
}

// --- real faults, without the hook ---------------------------------------------------------

TEST(WriteFileAtomically, ADirectoryInTheWayFailsTheRenameAndIsLeftAsItWas) {
  bioxen_test::TempDir dir;
  dir.write("out.txt/inside", "kept");
  fs::create_directory(dir / "empty.txt");
  for (const char* name : {"out.txt", "empty.txt"}) {
    const auto p = dir / name;
    const auto e =
        expect_bioxen_error(BioXenErrorCode::io_error, [&] { write_file_atomically(p, "x"); });
    EXPECT_EQ(e.details().at("step"), "rename");
    EXPECT_THAT(e.message(), HasSubstr("cannot write '" + p.string() + "': rename: "));
    EXPECT_TRUE(fs::is_directory(p));
  }
  EXPECT_EQ(bioxen_test::read_file(dir / "out.txt" / "inside"), "kept");
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"empty.txt", "out.txt"}));
}

TEST(WriteFileAtomically, AParentThatIsAFileFailsTheCreate) {
  bioxen_test::TempDir dir;
  dir.write("blocker", "a file");
  const auto p = dir / "blocker" / "out.txt";
  const auto e =
      expect_bioxen_error(BioXenErrorCode::io_error, [&] { write_file_atomically(p, "x"); });
  EXPECT_EQ(e.message(), "cannot write '" + p.string() + "': create: Not a directory");
  EXPECT_EQ(bioxen_test::read_file(dir / "blocker"), "a file");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"blocker"});
}

TEST(WriteFileAtomically, AReadOnlyDirectoryFailsTheCreate) {
  if (::geteuid() == 0) {
    GTEST_SKIP() << "root writes into a read-only directory; EACCES is covered by the fault "
                    "hook (IoFaultTest.*_13)";
  }
  bioxen_test::TempDir dir;
  const auto p = dir.write("ro/out.txt", "old");
  fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec);
  const auto e =
      expect_bioxen_error(BioXenErrorCode::io_error, [&] { write_file_atomically(p, "new"); });
  fs::permissions(dir / "ro", fs::perms::owner_all);
  EXPECT_EQ(e.message(), "cannot write '" + p.string() + "': create: Permission denied");
  EXPECT_EQ(bioxen_test::read_file(p), "old");
  EXPECT_EQ(dir.entries(dir / "ro"), std::vector<std::string>{"out.txt"});
}

// --- crashes: kill -9 at every step, and at random instants --------------------------------

/// Forks a child that runs `write` with the fault hook `hook` and kills itself or is killed;
/// returns its wait status.
template <class Write>
int run_child(const std::function<int(std::string_view)>& hook, Write&& write,
              std::chrono::microseconds kill_after = std::chrono::microseconds::max()) {
  const pid_t child = ::fork();
  if (child < 0) throw std::runtime_error("fork failed");
  if (child == 0) {
    int rc = 0;
    try {
      bioxen::detail::set_io_fault_for_testing(hook);
      write();
    } catch (...) {
      rc = 1;
    }
    ::_exit(rc);
  }
  if (kill_after != std::chrono::microseconds::max()) {
    std::this_thread::sleep_for(kill_after);
    ::kill(child, SIGKILL);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  return status;
}

TEST_P(TempKindTest, KilledAtEachStepLeavesTheOldFileAndTheNextWriteLeavesNoTemporary) {
  bioxen_test::TempDir dir;
  skip_without_o_tmpfile(GetParam(), dir.path());
  const auto p = dir.write("out.txt", "old");
  for (const char* step :
       {"create", "lock", "fchmod", "write", "fsync", "close", "link", "rename"}) {
    SCOPED_TRACE(step);
    if (GetParam() == TempKind::named && std::string_view(step) == "link") continue;
    const int status = run_child(hook_for(GetParam(),
                                          [step](std::string_view s) {
                                            if (s == step) ::raise(SIGKILL);
                                            return 0;
                                          }),
                                 [&] { write_file_atomically(p, "new", rw_owner); });
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
    EXPECT_EQ(bioxen_test::read_file(p), "old");
    // What the crash leaves: nothing while the file is anonymous; the named file after the
    // link (anonymous) or the create (named).
    const bool named_then = GetParam() == TempKind::anonymous ? std::string_view(step) == "rename"
                                                              : std::string_view(step) != "create";
    EXPECT_EQ(temporaries(dir.path(), "out.txt").size(), named_then ? 1U : 0U);
    write_file_atomically(p, "old");  // the next write sweeps
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.txt"});
  }
}

TEST_P(TempKindTest, Kill9AtRandomInstantsLeavesOldOrNewAndTheNextWriteLeavesNoTemporary) {
  bioxen_test::TempDir dir;
  skip_without_o_tmpfile(GetParam(), dir.path());
  const auto p = dir / "big.bin";
  constexpr std::size_t size = std::size_t{4} << 20;  // 4 MiB: the write takes a while
  const auto version = [&](int v) {
    std::string s(size, static_cast<char>('A' + v % 26));
    s.replace(0, 16, fmt::format("version {:8}", v));
    return s;
  };
  write_file_atomically(p, version(0), rw_owner);
  // One write's duration, to spread the kills over it.
  const auto t0 = std::chrono::steady_clock::now();
  write_file_atomically(p, version(0), rw_owner);
  const auto one_write =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
  std::mt19937 rng(12345);
  std::uniform_int_distribution<long> delay(0, one_write.count() + 1000);
  constexpr int trials = 30;
  int killed = 0;
  int old_kept = 0;
  int new_written = 0;
  int temporaries_left = 0;
  std::string old_content = version(0);
  for (int trial = 1; trial <= trials; ++trial) {
    SCOPED_TRACE(trial);
    const std::string new_content = version(trial);
    const int status = run_child(
        GetParam() == TempKind::named ? hook_for(TempKind::named)
                                      : std::function<int(std::string_view)>{},
        [&] { write_file_atomically(p, new_content, rw_owner); },
        std::chrono::microseconds(delay(rng)));
    if (WIFSIGNALED(status)) ++killed;
    const std::string now = bioxen_test::read_file(p);
    const bool is_old = now == old_content;
    const bool is_new = now == new_content;
    ASSERT_TRUE(is_old || is_new) << "neither the old nor the new file: " << now.size()
                                  << " bytes, begins " << now.substr(0, 16);
    is_old ? ++old_kept : ++new_written;
    EXPECT_EQ(perms_of(p), rw_owner);
    temporaries_left += static_cast<int>(temporaries(dir.path(), "big.bin").size());
    // The next write (small, to keep the test quick) removes what the crash left.
    old_content = fmt::format("settled after trial {}\n", trial);
    write_file_atomically(p, old_content, rw_owner);
    ASSERT_EQ(dir.entries(), std::vector<std::string>{"big.bin"});
  }
  const std::string figures = fmt::format(
      "{} path, {} trials of a {} MiB write (one write {} ms): {} killed, {} finished; the "
      "file was the old version {} times, the new {} times, never anything else; temporary "
      "files left by the kills {}, after the next write 0",
      kind_name(GetParam()), trials, size >> 20, one_write.count() / 1000, killed, trials - killed,
      old_kept, new_written, temporaries_left);
  RecordProperty("kill9", figures);
  std::printf("[ kill -9  ] %s\n", figures.c_str());
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
