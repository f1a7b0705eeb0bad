// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// `bioxen shell` on a pseudo-terminal (forkpty), as a person uses it: keystrokes in, the
// terminal's output read until the expected text appears (a generous deadline, never a fixed
// sleep). Tab completion of commands and VM ids, Up recalling the previous line, the history
// file, Ctrl-C cancelling a long run / a question / the line typed, Ctrl-D leaving with exit
// code 0, and the plain line reading of BIOXEN_LINE_EDITOR=off (or of a build without libedit).
// Each child gets a fresh HOME and history file, so nothing reads or writes the real ones.
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

/// How long any expected text may take to appear: generous, for a loaded machine.
constexpr std::chrono::seconds deadline{90};

/// Control characters made visible, for failure messages.
std::string visible(std::string_view s) {
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n\n";
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

/// `bioxen shell` on the slave side of a pseudo-terminal (stdin, stdout and stderr).
class PtyShell {
 public:
  /// `env`: NAME=value pairs added to a minimal environment (PATH, TERM=xterm, HOME).
  PtyShell(const fs::path& home, const std::vector<std::string>& env) {
    struct winsize ws {};
    ws.ws_row = 50;
    ws.ws_col = 200;
    std::vector<std::string> strings = {"PATH=/usr/bin:/bin", "TERM=xterm",
                                        "HOME=" + home.string()};
    strings.insert(strings.end(), env.begin(), env.end());
    std::vector<char*> envp;
    for (auto& s : strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::string exe = BIOXEN_CLI_EXE;
    std::string arg1 = "shell";
    char* argv[] = {exe.data(), arg1.data(), nullptr};
    pid_ = ::forkpty(&fd_, nullptr, nullptr, &ws);
    if (pid_ == 0) {
      ::execve(exe.c_str(), argv, envp.data());
      ::_exit(127);
    }
    if (pid_ < 0) ADD_FAILURE() << "forkpty: " << std::strerror(errno);
  }
  ~PtyShell() {
    if (pid_ > 0 && !exit_code_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    if (fd_ >= 0) ::close(fd_);
  }
  PtyShell(const PtyShell&) = delete;
  PtyShell& operator=(const PtyShell&) = delete;

  bool started() const { return pid_ > 0; }

  /// Types `keys`.
  void send(std::string_view keys) const {
    while (!keys.empty()) {
      const ssize_t n = ::write(fd_, keys.data(), keys.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ADD_FAILURE() << "write to the pty: " << std::strerror(errno);
        return;
      }
      keys.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  /// Types `keys` once the line editor has the terminal (the slave side out of canonical
  /// mode, which the master's tcgetattr shows): a Ctrl-D that the terminal's canonical mode
  /// read first would reach the editor as a NUL instead.
  void send_to_editor(std::string_view keys) {
    const auto until = Clock::now() + deadline;
    for (;;) {
      termios t{};
      if (::tcgetattr(fd_, &t) == 0 && (t.c_lflag & ICANON) == 0) break;
      if (eof_ || Clock::now() > until) {
        ADD_FAILURE() << "the line editor did not take the terminal; output:\n"
                      << visible(out_.substr(mark_));
        return;
      }
      read_some();  // waits up to 100 ms for output, which keeps the child going
    }
    send(keys);
  }

  /// Reads until `text` appears after what earlier expects consumed; returns the output from
  /// there to the end of `text` (nullopt, and a test failure showing the output, when it does
  /// not appear before the deadline or the end of the output).
  std::optional<std::string> expect(std::string_view text) {
    const auto until = Clock::now() + deadline;
    for (;;) {
      const auto at = out_.find(text, mark_);
      if (at != std::string::npos) {
        std::string got = out_.substr(mark_, at + text.size() - mark_);
        mark_ = at + text.size();
        return got;
      }
      if (eof_ || Clock::now() > until) {
        ADD_FAILURE() << "expected '" << visible(text) << "' in the output after:\n"
                      << visible(out_.substr(mark_)) << "\n("
                      << (eof_ ? "end of output" : "timeout") << ")";
        return std::nullopt;
      }
      read_some();
    }
  }

  /// Reads to the end of the output and waits for the process; its exit code (-1 and a
  /// failure when it did not exit normally before the deadline).
  int wait_exit() {
    const auto until = Clock::now() + deadline;
    while (!eof_ && Clock::now() < until) read_some();
    while (Clock::now() < until) {
      int status = 0;
      const pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        EXPECT_TRUE(WIFEXITED(status)) << "status " << status;
        return *exit_code_;
      }
      ::poll(nullptr, 0, 20);
    }
    ADD_FAILURE() << "bioxen shell did not exit; output:\n" << visible(out_.substr(mark_));
    return -1;
  }

  /// Everything after what the expects consumed.
  std::string rest() const { return out_.substr(mark_); }

 private:
  void read_some() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) return;
    char buf[4096];
    const ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n > 0) {
      out_.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
      eof_ = true;  // EIO: the child closed the slave side (it exited)
    }
  }

  pid_t pid_ = -1;
  int fd_ = -1;
  std::string out_;
  std::size_t mark_ = 0;
  bool eof_ = false;
  std::optional<int> exit_code_;
};

const std::string prompt_end = "]> ";
const std::string up = "\x1b[A";
const std::string ctrl_c = "\x03";
const std::string ctrl_d = "\x04";

/// A scratch HOME and history file per test. Keys are sent only once the prompt (or question)
/// that reads them is on the screen: the line editor sets the terminal up for itself before
/// it shows the prompt, and keys typed before that are read by the terminal's own line
/// discipline (which would take Ctrl-D as the end of a line it then drops).
class ShellPty : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           (std::string("bioxen-pty-") + info->name() + "-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    history_ = dir_ / "state" / "bioxen" / "history";
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<std::string> env(std::vector<std::string> more = {}) const {
    more.push_back("BIOXEN_HISTORY_FILE=" + history_.string());
    return more;
  }

  /// The number in "ran N of" (commas removed); nullopt when there is none.
  static std::optional<std::uint64_t> quanta_ran(const std::string& text) {
    const auto at = text.find("ran ");
    if (at == std::string::npos) return std::nullopt;
    std::string digits;
    for (std::size_t i = at + 4; i < text.size() && text[i] != ' '; ++i) {
      if (text[i] >= '0' && text[i] <= '9') digits += text[i];
    }
    if (digits.empty()) return std::nullopt;
    return std::stoull(digits);
  }

  /// Starts a long run, interrupts it once it is under way, and checks that the session
  /// stopped it part-way with everything in place.
  static void interrupt_a_long_run(PtyShell& sh) {
    sh.send("create alpha1 syn3a_recoded\r");
    ASSERT_TRUE(sh.expect("Created alpha1"));
    ASSERT_TRUE(sh.expect(prompt_end));
    sh.send("start alpha1\r");
    ASSERT_TRUE(sh.expect("alpha1: running."));
    ASSERT_TRUE(sh.expect(prompt_end));
    sh.send("run 100000000\r");
    // The progress bar ("running [...") shows once the run has gone on for a moment.
    ASSERT_TRUE(sh.expect("running ["));
    sh.send(ctrl_c);
    const auto stopped = sh.expect("Interrupted: ran ");
    ASSERT_TRUE(stopped);
    const auto line = sh.expect(").");
    ASSERT_TRUE(line);
    const auto ran = quanta_ran("ran " + *line);
    ASSERT_TRUE(ran) << *line;
    EXPECT_GT(*ran, 0U);
    EXPECT_LT(*ran, 100000000U);
    EXPECT_NE(line->find("of 100,000,000 quanta; virtual time"), std::string::npos) << *line;
    EXPECT_NE(line->find("(1 running, 0 paused)"), std::string::npos) << *line;
    // Back at the prompt, the clock where the run stopped and the VM still there.
    const auto prompt = sh.expect(prompt_end);
    ASSERT_TRUE(prompt);
    EXPECT_EQ(prompt->find("t=0.000 s"), std::string::npos) << *prompt;
    EXPECT_NE(prompt->find("vms=1"), std::string::npos) << *prompt;
    sh.send("status\r");
    const auto status = sh.expect("Host cell:");
    ASSERT_TRUE(status);
    EXPECT_NE(status->find("alpha1  syn3a_recoded  running"), std::string::npos) << *status;
    EXPECT_NE(status->find("1 running, 0 paused"), std::string::npos) << *status;
    // The run can go on from there.
    ASSERT_TRUE(sh.expect(prompt_end));
    sh.send("run 3\r");
    ASSERT_TRUE(sh.expect("Ran 3 quanta"));
    ASSERT_TRUE(sh.expect(prompt_end));
  }

  fs::path dir_;
  fs::path history_;
};

#if BIOXEN_HAVE_LINE_EDITOR

TEST_F(ShellPty, TabCompletesCommandsAndVmIds) {
  PtyShell sh{dir_, env()};
  ASSERT_TRUE(sh.started());
  ASSERT_TRUE(sh.expect(prompt_end));
  // "stat" + Tab is "status ": the command runs (without completion: unknown command 'stat').
  sh.send("stat\t\r");
  const auto status = sh.expect("Host cell:");
  ASSERT_TRUE(status);
  EXPECT_NE(status->find("Resource summary"), std::string::npos) << *status;
  EXPECT_EQ(status->find("unknown command"), std::string::npos) << *status;
  ASSERT_TRUE(sh.expect(prompt_end));

  // An ambiguous start lists the candidates.
  sh.send("st\t");
  ASSERT_TRUE(sh.expect("start   status  stop"));
  ASSERT_TRUE(sh.expect(prompt_end + "st"));  // the line again, under the list
  sh.send(ctrl_c);                            // clears it
  ASSERT_TRUE(sh.expect(prompt_end));

  // VM ids: the VMs whose state allows the command.
  sh.send("create alpha1 syn3a_recoded\r");
  ASSERT_TRUE(sh.expect("Created alpha1"));
  ASSERT_TRUE(sh.expect(prompt_end));
  sh.send("create beta2 syn3a_recoded\r");
  ASSERT_TRUE(sh.expect("Created beta2"));
  ASSERT_TRUE(sh.expect(prompt_end));
  sh.send("start al\t\r");
  ASSERT_TRUE(sh.expect("alpha1: running."));
  ASSERT_TRUE(sh.expect(prompt_end));
  // Only alpha1 runs, so "pause " + Tab completes to it without a letter typed.
  sh.send("pause \t\r");
  ASSERT_TRUE(sh.expect("alpha1: paused."));
  ASSERT_TRUE(sh.expect(prompt_end));
  // A menu number counts as its command: "3" is start, and only beta2 can start now.
  sh.send("3 \t\r");
  ASSERT_TRUE(sh.expect("beta2: running."));
  ASSERT_TRUE(sh.expect(prompt_end));
  sh.send_to_editor(ctrl_d);
  EXPECT_EQ(sh.wait_exit(), 0) << "output after the last expected text:\n" << visible(sh.rest());
}

TEST_F(ShellPty, UpRecallsThePreviousLineAndHistoryIsKept) {
  {
    PtyShell sh{dir_, env()};
    ASSERT_TRUE(sh.started());
    ASSERT_TRUE(sh.expect(prompt_end));
    sh.send("run 3\r");
    ASSERT_TRUE(sh.expect("Ran 3 quanta: virtual time 0.300 s"));
    ASSERT_TRUE(sh.expect(prompt_end));
    sh.send(up + "\r");  // run 3 again
    ASSERT_TRUE(sh.expect("Ran 3 quanta: virtual time 0.600 s"));
    ASSERT_TRUE(sh.expect(prompt_end));
    sh.send("run 2\r");
    ASSERT_TRUE(sh.expect("Ran 2 quanta: virtual time 0.800 s"));
    ASSERT_TRUE(sh.expect(prompt_end));
    sh.send(up + up + "\r");  // two lines back: run 3
    ASSERT_TRUE(sh.expect("Ran 3 quanta: virtual time 1.100 s"));
    ASSERT_TRUE(sh.expect(prompt_end));
    sh.send("quit\r");
    ASSERT_TRUE(sh.expect("Bye."));
    EXPECT_EQ(sh.wait_exit(), 0) << "output after the last expected text:\n" << visible(sh.rest());
  }
  // Saved for the user only, in directories made for the user only.
  ASSERT_TRUE(fs::is_regular_file(history_));
  struct stat st {};
  ASSERT_EQ(::stat(history_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);
  ASSERT_EQ(::stat(history_.parent_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700U);
  {
    // The next session recalls the last line of the previous one.
    PtyShell sh{dir_, env()};
    ASSERT_TRUE(sh.started());
    ASSERT_TRUE(sh.expect(prompt_end));
    sh.send(up + "\r");
    ASSERT_TRUE(sh.expect("Bye."));  // it was "quit"
    EXPECT_EQ(sh.wait_exit(), 0) << "output after the last expected text:\n" << visible(sh.rest());
  }
}

TEST_F(ShellPty, NoHistoryFileWhenTurnedOff) {
  PtyShell sh{dir_, {"BIOXEN_HISTORY_FILE=off"}};
  ASSERT_TRUE(sh.started());
  ASSERT_TRUE(sh.expect(prompt_end));
  sh.send("run 1\r");
  ASSERT_TRUE(sh.expect("Ran 1 quanta"));
  ASSERT_TRUE(sh.expect(prompt_end));
  sh.send(up + "\r");  // the session's own history still works
  ASSERT_TRUE(sh.expect("Ran 1 quanta: virtual time 0.200 s"));
  ASSERT_TRUE(sh.expect(prompt_end));
  sh.send_to_editor(ctrl_d);
  EXPECT_EQ(sh.wait_exit(), 0) << "output after the last expected text:\n" << visible(sh.rest());
  EXPECT_FALSE(fs::exists(dir_ / "off"));
  EXPECT_FALSE(fs::exists(dir_ / ".local" / "state" / "bioxen" / "history"));
}

TEST_F(ShellPty, ForeignHistoryFileIsNotOverwritten) {
  fs::create_directories(history_.parent_path());
  std::ofstream(history_) << "not a history file\n";
  PtyShell sh{dir_, env()};
  ASSERT_TRUE(sh.started());
  const auto warning = sh.expect("will not be saved to it");
  ASSERT_TRUE(warning);
  EXPECT_NE(warning->find("warning [BX012]: cannot read the history file"), std::string::npos)
      << *warning;
  ASSERT_TRUE(sh.expect(prompt_end));
  sh.send("run 1\r");
  ASSERT_TRUE(sh.expect("Ran 1 quanta"));
  ASSERT_TRUE(sh.expect(prompt_end));
  sh.send_to_editor(ctrl_d);
  EXPECT_EQ(sh.wait_exit(), 0) << "output after the last expected text:\n" << visible(sh.rest());
  std::ifstream in(history_);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), "not a history file\n");
}

TEST_F(ShellPty, CtrlCStopsALongRunAndKeepsTheSession) {
  PtyShell sh{dir_, env()};
  ASSERT_TRUE(sh.started());
  ASSERT_TRUE(sh.expect(prompt_end));
  interrupt_a_long_run(sh);
  sh.send_to_editor(ctrl_d);
  EXPECT_EQ(sh.wait_exit(), 0) << "output after the last expected text:\n" << visible(sh.rest());
}

TEST_F(ShellPty, CtrlCClearsTheLineAndCancelsAQuestion) {
  PtyShell sh{dir_, env()};
  ASSERT_TRUE(sh.started());
  ASSERT_TRUE(sh.expect(prompt_end));
  sh.send("abc");
  ASSERT_TRUE(sh.expect("abc"));
  sh.send(ctrl_c);
  ASSERT_TRUE(sh.expect(prompt_end));
  sh.send("status\r");  // runs as typed: "abc" was dropped
  const auto status = sh.expect("Host cell:");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->find("unknown command"), std::string::npos) << *status;
  ASSERT_TRUE(sh.expect(prompt_end));
  sh.send("create\r");
  ASSERT_TRUE(sh.expect("VM id [vm1]: "));
  sh.send(ctrl_c);
  ASSERT_TRUE(sh.expect("Cancelled: create changed nothing."));
  ASSERT_TRUE(sh.expect(prompt_end));
  sh.send("status\r");
  ASSERT_TRUE(sh.expect("No VMs yet"));
  ASSERT_TRUE(sh.expect(prompt_end));
  sh.send_to_editor(ctrl_d);
  EXPECT_EQ(sh.wait_exit(), 0) << "output after the last expected text:\n" << visible(sh.rest());
}

#else  // a build without libedit

TEST_F(ShellPty, SaysLineEditingIsMissing) {
  PtyShell sh{dir_, env()};
  ASSERT_TRUE(sh.started());
  ASSERT_TRUE(sh.expect("Line editing is off (this bioxen was built without libedit"));
  ASSERT_TRUE(sh.expect(prompt_end));
  interrupt_a_long_run(sh);
  sh.send(ctrl_d);
  EXPECT_EQ(sh.wait_exit(), 0) << "output after the last expected text:\n" << visible(sh.rest());
}

#endif

// Plain line reading on a terminal: what a build without libedit does too.
TEST_F(ShellPty, PlainReadingSaysSoAndTakesCtrlC) {
  PtyShell sh{dir_, env({"BIOXEN_LINE_EDITOR=off"})};
  ASSERT_TRUE(sh.started());
  const auto note = sh.expect("without history or Tab completion.");
  ASSERT_TRUE(note);
#if BIOXEN_HAVE_LINE_EDITOR
  EXPECT_NE(note->find("Line editing is off (BIOXEN_LINE_EDITOR=off)"), std::string::npos) << *note;
#endif
  ASSERT_TRUE(sh.expect(prompt_end));
  // No completion: the Tab stays in the line, which is "stat".
  sh.send("stat\t\r");
  ASSERT_TRUE(sh.expect("unknown command 'stat'"));
  ASSERT_TRUE(sh.expect(prompt_end));
  // Ctrl-C drops the line typed and the session reads on.
  sh.send("abc");
  ASSERT_TRUE(sh.expect("abc"));
  sh.send(ctrl_c);
  ASSERT_TRUE(sh.expect(prompt_end));
  sh.send("status\r");
  const auto status = sh.expect("Host cell:");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->find("unknown command"), std::string::npos) << *status;
  ASSERT_TRUE(sh.expect(prompt_end));
  interrupt_a_long_run(sh);
  sh.send(ctrl_d);
  EXPECT_EQ(sh.wait_exit(), 0) << "output after the last expected text:\n" << visible(sh.rest());
  EXPECT_FALSE(fs::exists(history_));
}

}  // namespace
