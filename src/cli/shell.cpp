// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#include "shell.hpp"

#include <fmt/core.h>
#include <fmt/format.h>
#include <bioxen/chassis.hpp>
#include <bioxen/config_manager.hpp>
#include <bioxen/detail/json_read.hpp>
#include <bioxen/genome.hpp>
#include <bioxen/hypervisor.hpp>
#include <bioxen/monitor.hpp>
#include <bioxen/version.hpp>

#include <poll.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <clocale>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <cwchar>
#include <filesystem>
#include <functional>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#if BIOXEN_HAVE_LINE_EDITOR
#include <histedit.h>
#endif

#include "commands.hpp"
#include "common.hpp"
#include "detail/text_io.hpp"
#include "output.hpp"
#include "progress.hpp"
#include "scenario.hpp"
#include "table.hpp"

namespace bioxen::cli {

namespace {

/// Thrown when input ends in the middle of a command: the session ends cleanly.
struct EndOfInput {};

/// Thrown when Ctrl-C interrupts a question of a command: the command is cancelled (it has
/// changed nothing yet: commands act after their last question).
struct Cancelled {};

// --- Ctrl-C ------------------------------------------------------------------------------

/// Set by the SIGINT handler of an interactive session, read and cleared by the session.
/// Only the main thread takes the signal (the monitor's thread blocks it, see
/// without_sigint()), so a volatile sig_atomic_t is all it needs.
volatile std::sig_atomic_t interrupt_flag = 0;

void on_sigint(int /*signal*/) { interrupt_flag = 1; }

bool interrupted() noexcept { return interrupt_flag != 0; }
void clear_interrupt() noexcept { interrupt_flag = 0; }

/// For the length of an interactive session: SIGINT sets interrupt_flag instead of ending the
/// process. No SA_RESTART, so a read waiting for the user returns with EINTR. The previous
/// action is restored at the end.
class SigintScope {
 public:
  explicit SigintScope(bool enable) {
    if (!enable) return;
    clear_interrupt();
    scope_.emplace(SIGINT, on_sigint);
    if (!scope_->active()) {
      throw BioXenException(
          BioXenErrorCode::io_error,
          fmt::format("cannot take Ctrl-C (sigaction SIGINT): {}", std::strerror(errno)));
    }
  }

 private:
  std::optional<ScopedSigaction> scope_;
};

/// Runs `f` with SIGINT blocked in this thread, so that the threads it starts (the monitor's)
/// never take the signal: it goes to the main thread, whose read it interrupts.
template <class F>
void without_sigint(F&& f) {
  sigset_t block;
  sigset_t old;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  (void)::pthread_sigmask(SIG_BLOCK, &block, &old);
  try {
    f();
  } catch (...) {
    (void)::pthread_sigmask(SIG_SETMASK, &old, nullptr);
    throw;
  }
  (void)::pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

/// What a read of one line gave.
enum class ReadResult { line, end, interrupted };

/// Waits until `fd` has input; false when Ctrl-C comes first (or came before). SIGINT is
/// blocked but for the wait itself (ppoll), so a signal that arrives just before the wait is
/// not lost: it interrupts the wait.
bool wait_for_input(int fd) {
  sigset_t block;
  sigset_t old;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  (void)::pthread_sigmask(SIG_BLOCK, &block, &old);
  sigset_t during = old;
  sigdelset(&during, SIGINT);
  int error = 0;
  bool ready = false;
  while (!interrupted()) {
    pollfd p{fd, POLLIN, 0};
    const int r = ::ppoll(&p, 1, nullptr, &during);
    if (r > 0) {
      ready = true;
      break;
    }
    if (r < 0 && errno != EINTR) {
      error = errno;
      break;
    }
  }
  (void)::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (error != 0) {
    throw BioXenException(BioXenErrorCode::io_error,
                          fmt::format("cannot read the terminal: {}", std::strerror(error)));
  }
  return ready;
}

/// Plain lines from the terminal on standard input, read directly (not through a FILE's
/// buffer) so that each wait can be interrupted by Ctrl-C.
class TerminalLines {
 public:
  ReadResult read(std::string& line) {
    line.clear();
    for (;;) {
      if (pos_ == len_) {
        if (!wait_for_input(STDIN_FILENO)) return ReadResult::interrupted;
        const ssize_t n = ::read(STDIN_FILENO, buffer_.data(), buffer_.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
          throw BioXenException(BioXenErrorCode::io_error,
                                fmt::format("cannot read the terminal: {}", std::strerror(errno)));
        }
        if (n == 0) return line.empty() ? ReadResult::end : ReadResult::line;
        pos_ = 0;
        len_ = static_cast<std::size_t>(n);
      }
      const char c = buffer_[pos_++];
      if (c == '\n') return ReadResult::line;
      line += c;
    }
  }

 private:
  std::array<char, 4096> buffer_{};
  std::size_t pos_ = 0;
  std::size_t len_ = 0;
};

#if BIOXEN_HAVE_LINE_EDITOR

void print_warning(const BioXenException& e) {
  std::fflush(stdout);
  fmt::print(stderr, "warning [{}]: {}\n", error_code_string(e.code()), e.message());
  std::fflush(stderr);
}

/// The longest common prefix of `words` (not empty).
std::string common_prefix(const std::vector<std::string>& words) {
  std::string prefix = words.front();
  for (const auto& w : words) {
    std::size_t n = 0;
    while (n < prefix.size() && n < w.size() && prefix[n] == w[n]) ++n;
    prefix.resize(n);
  }
  return prefix;
}

/// Terminal columns of standard output (80 when unknown).
std::size_t terminal_columns() {
  struct winsize ws {};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

struct FileCloser {
  void operator()(FILE* f) const noexcept { (void)std::fclose(f); }
};

/// libedit on the terminal: emacs key bindings (~/.editrc may change them), history, Tab
/// completion through a callback.
class LineEditor {
 public:
  using Completer = std::function<std::vector<std::string>(std::string_view line)>;

  LineEditor(Completer completer, std::optional<std::filesystem::path> history_file)
      : completer_(std::move(completer)), history_file_(std::move(history_file)) {
    // The terminal's character set (UTF-8 ...), for libedit's conversions only.
    if (const char* old = std::setlocale(LC_CTYPE, nullptr); old != nullptr) old_ctype_ = old;
    (void)std::setlocale(LC_CTYPE, "");
    hist_ = ::history_init();
    el_ = ::el_init("bioxen", stdin, stdout, stderr);
    if (hist_ == nullptr || el_ == nullptr) {
      release();
      throw BioXenException(BioXenErrorCode::io_error,
                            "cannot start the line editor (libedit's el_init failed)");
    }
    HistEvent ev{};
    ::history(hist_, &ev, H_SETSIZE, 1000);
    ::history(hist_, &ev, H_SETUNIQUE, 1);
    ::el_set(el_, EL_CLIENTDATA, this);
    ::el_set(el_, EL_EDITOR, "emacs");
    ::el_set(el_, EL_SIGNAL, 1);  // libedit restores the terminal around signals
    ::el_set(el_, EL_GETCFN, &LineEditor::read_char);
    ::el_set(el_, EL_PROMPT, &LineEditor::prompt_of);
    ::el_set(el_, EL_HIST, ::history, hist_);
    // The wide form: libedit keeps these pointers (static strings here). The narrow el_set
    // form copies both strings with wcsdup and never frees them (a leak LeakSanitizer reports
    // at exit).
    ::el_wset(el_, EL_ADDFN, L"bioxen-complete", L"complete a command, VM id or file name",
              &LineEditor::complete);
    ::el_set(el_, EL_BIND, "^I", "bioxen-complete", nullptr);
    // What readline users expect of these keys (libedit's Emacs map binds them otherwise).
    ::el_set(el_, EL_BIND, "^R", "em-inc-search-prev", nullptr);
    ::el_set(el_, EL_BIND, "^W", "ed-delete-prev-word", nullptr);
    ::el_set(el_, EL_BIND, "^U", "vi-kill-line-prev", nullptr);
    (void)::el_source(el_, nullptr);  // ~/.editrc, when there is one
    load_history();
  }
  ~LineEditor() { release(); }
  LineEditor(const LineEditor&) = delete;
  LineEditor& operator=(const LineEditor&) = delete;

  /// One line (without its newline).
  ReadResult read(const std::string& prompt, std::string& line) {
    prompt_ = prompt;
    int count = 0;
    errno = 0;
    const char* text = ::el_gets(el_, &count);
    if (text == nullptr) {
      if (count < 0 && interrupted()) return ReadResult::interrupted;
      if (count < 0) {
        throw BioXenException(BioXenErrorCode::io_error,
                              fmt::format("cannot read the terminal: {}", std::strerror(errno)));
      }
      return ReadResult::end;
    }
    line.assign(text, static_cast<std::size_t>(count));
    if (!line.empty() && line.back() == '\n') line.pop_back();
    return ReadResult::line;
  }

  /// Adds a command line to the history.
  void remember(const std::string& line) {
    HistEvent ev{};
    ::history(hist_, &ev, H_ENTER, line.c_str());
  }

  /// Writes the history to its file (mode 0600, atomically), unless it has none or the file
  /// could not be read at the start. A failure is a warning: the session has ended anyway.
  void save_history() {
    if (!history_file_ || !save_allowed_) return;
    try {
      // libedit writes to a FILE* that it can fchmod: an anonymous temporary file, whose
      // text then goes to the history file atomically.
      errno = 0;
      const std::unique_ptr<FILE, FileCloser> temp{std::tmpfile()};
      HistEvent ev{};
      if (!temp || ::history(hist_, &ev, H_SAVE_FP, temp.get()) < 0 ||
          std::fflush(temp.get()) != 0) {
        throw BioXenException(
            BioXenErrorCode::io_error,
            fmt::format("cannot save the history to '{}': {}", history_file_->string(),
                        errno != 0 ? std::strerror(errno) : "libedit failed"));
      }
      std::rewind(temp.get());
      std::string text;
      char block[4096];
      for (std::size_t got = 0; (got = std::fread(block, 1, sizeof block, temp.get())) > 0;) {
        text.append(block, got);
      }
      if (std::ferror(temp.get()) != 0) {
        throw BioXenException(BioXenErrorCode::io_error,
                              fmt::format("cannot save the history to '{}': reading it back "
                                          "from a temporary file failed",
                                          history_file_->string()));
      }
      make_private_directories(history_file_->parent_path());
      detail::write_file_atomically(
          *history_file_, text,
          std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    } catch (const BioXenException& e) {
      print_warning(e);
    }
  }

 private:
  void release() noexcept {
    if (el_ != nullptr) ::el_end(el_);
    if (hist_ != nullptr) ::history_end(hist_);
    el_ = nullptr;
    hist_ = nullptr;
    if (!old_ctype_.empty()) (void)std::setlocale(LC_CTYPE, old_ctype_.c_str());
  }

  /// libedit's character input: one character from standard input, after a wait that Ctrl-C
  /// interrupts (then -1, which makes el_gets() return).
  static int read_char(EditLine* el, wchar_t* out) {
    void* data = nullptr;
    ::el_get(el, EL_CLIENTDATA, &data);
    auto* self = static_cast<LineEditor*>(data);
    for (;;) {
      try {
        if (!wait_for_input(STDIN_FILENO)) {
          errno = EINTR;
          return -1;
        }
      } catch (...) {
        return -1;  // never let an exception into libedit's C frames
      }
      char c = 0;
      const ssize_t n = ::read(STDIN_FILENO, &c, 1);
      if (n == 0) return 0;
      if (n < 0) {
        if (errno == EINTR) continue;
        return -1;
      }
      const std::size_t r = std::mbrtowc(out, &c, 1, &self->mb_state_);
      if (r == static_cast<std::size_t>(-2)) continue;  // more bytes of one character
      if (r == static_cast<std::size_t>(-1)) {          // not in the character set
        self->mb_state_ = std::mbstate_t{};
        *out = static_cast<wchar_t>(static_cast<unsigned char>(c));
      }
      return 1;
    }
  }

  /// The directories of the history file that do not exist yet, made with mode 0700.
  static void make_private_directories(const std::filesystem::path& dir) {
    if (dir.empty()) return;
    std::error_code ec;
    if (std::filesystem::is_directory(dir, ec)) return;
    make_private_directories(dir.parent_path());
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      throw BioXenException(BioXenErrorCode::io_error,
                            fmt::format("cannot create the history directory '{}': {}",
                                        dir.string(), std::strerror(errno)),
                            {{"file", dir.string()}, {"reason", std::strerror(errno)}});
    }
  }

  void load_history() {
    if (!history_file_) return;
    std::error_code ec;
    const auto st = std::filesystem::status(*history_file_, ec);
    if (st.type() == std::filesystem::file_type::not_found) return;  // the first session
    HistEvent ev{};
    const bool regular = st.type() == std::filesystem::file_type::regular;
    if (!regular || ::history(hist_, &ev, H_LOAD, history_file_->c_str()) < 0) {
      save_allowed_ = false;  // never write over a file that is not ours
      print_warning(BioXenException(
          BioXenErrorCode::io_error,
          fmt::format(
              "cannot read the history file '{}' ({}); this session's history will "
              "not be saved to it",
              history_file_->string(),
              regular ? "not a libedit history file, or unreadable" : "not a regular file")));
    }
  }

  static char* prompt_of(EditLine* el) {
    void* data = nullptr;
    ::el_get(el, EL_CLIENTDATA, &data);
    // libedit takes a char* but only reads it.
    return const_cast<char*>(static_cast<LineEditor*>(data)->prompt_.c_str());
  }

  static unsigned char complete(EditLine* el, int /*key*/) {
    void* data = nullptr;
    ::el_get(el, EL_CLIENTDATA, &data);
    try {
      return static_cast<LineEditor*>(data)->complete_line(el);
    } catch (...) {
      return CC_ERROR;  // never let an exception into libedit's C frames
    }
  }

  unsigned char complete_line(EditLine* el) {
    const LineInfo* info = ::el_line(el);
    const std::string_view before(info->buffer,
                                  static_cast<std::size_t>(info->cursor - info->buffer));
    const auto words = completer_(before);
    if (words.empty()) return CC_ERROR;  // a beep: nothing completes it
    const auto blank = before.find_last_of(" \t");
    const std::size_t typed =
        blank == std::string_view::npos ? before.size() : before.size() - blank - 1;
    const std::string common = common_prefix(words);
    std::string insert = common.substr(std::min(typed, common.size()));
    if (words.size() == 1 && common.back() != '/' && common.back() != '=') insert += ' ';
    if (!insert.empty()) {
      return ::el_insertstr(el, insert.c_str()) == 0 ? CC_REFRESH : CC_ERROR;
    }
    // Several candidates and nothing in common beyond what is typed: list them.
    std::size_t width = 0;
    for (const auto& w : words) width = std::max(width, w.size());
    width += 2;
    const std::size_t per_line = std::max<std::size_t>(1, terminal_columns() / width);
    std::string out = "\n";
    for (std::size_t i = 0; i < words.size(); ++i) {
      out += fmt::format("{:<{}}", words[i], width);
      if ((i + 1) % per_line == 0 || i + 1 == words.size()) {
        while (!out.empty() && out.back() == ' ') out.pop_back();
        out += '\n';
      }
    }
    std::fputs(out.c_str(), stdout);
    std::fflush(stdout);
    return CC_REDISPLAY;
  }

  Completer completer_;
  std::optional<std::filesystem::path> history_file_;
  bool save_allowed_ = true;
  std::string prompt_;
  std::string old_ctype_;
  std::mbstate_t mb_state_{};
  EditLine* el_ = nullptr;
  History* hist_ = nullptr;
};

#endif  // BIOXEN_HAVE_LINE_EDITOR

struct MenuEntry {
  const char* key;
  const char* name;
  const char* help;
};

constexpr MenuEntry menu[] = {
    {"1", "chassis", "select the chassis (starts a new hypervisor)"},
    {"2", "create",
     "create a VM: create [ID TYPE [ribosomes=N atp=P memory=KB priority=N "
     "allow_incompatible_code=true]]"},
    {"3", "start", "start a VM: start [ID]"},
    {"4", "pause", "pause a running VM"},
    {"5", "resume", "resume a paused VM"},
    {"6", "stop", "stop a running or paused VM"},
    {"7", "destroy", "destroy a VM and free its resources"},
    {"8", "run", "run virtual time: run [QUANTA | DURATION such as 5s]"},
    {"9", "status", "show the VMs and the resources"},
    {"10", "monitor", "show the monitor's performance summary"},
    {"11", "snapshot", "save a snapshot: snapshot [FILE]"},
    {"12", "restore", "restore a snapshot: restore FILE"},
    {"0", "exit", "leave the shell"},
};

std::vector<std::string> split_words(const std::string& line) {
  std::istringstream ss(line);
  std::vector<std::string> words;
  for (std::string w; ss >> w;) words.push_back(w);
  return words;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

BioXenException usage(std::string message) {
  return BioXenException(BioXenErrorCode::invalid_argument, std::move(message));
}

/// Parses a non-negative integer of a shell argument, at most `max` (a value that does not fit
/// its field is refused, never truncated).
std::int64_t parse_int(const std::string& text, std::string_view what,
                       std::int64_t max = std::numeric_limits<std::int64_t>::max()) {
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec == std::errc::result_out_of_range || (ec == std::errc{} && v > max)) {
    throw usage(
        fmt::format("{}: '{}' is out of range (at most {})", what, detail::printable(text), max));
  }
  if (ec != std::errc{} || ptr != text.data() + text.size() || v < 0) {
    throw usage(fmt::format("{}: expected a non-negative whole number, got '{}'", what,
                            detail::printable(text)));
  }
  return v;
}

double parse_double(const std::string& text, std::string_view what) {
  double v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || ptr != text.data() + text.size() || !(v >= 0)) {
    throw usage(fmt::format("{}: expected a non-negative number, got '{}'", what, text));
  }
  return v;
}

/// Whether `op` (start, pause, resume, stop, destroy) applies to a VM in state `s`.
bool op_allows(std::string_view op, VMState s) {
  if (op == "start") return s == VMState::created || s == VMState::stopped;
  if (op == "pause") return s == VMState::running;
  if (op == "resume") return s == VMState::paused;
  if (op == "stop") return s == VMState::running || s == VMState::paused;
  return true;  // destroy
}

bool is_lifecycle(std::string_view cmd) {
  return cmd == "start" || cmd == "pause" || cmd == "resume" || cmd == "stop" || cmd == "destroy";
}

/// The command a word names: a menu number becomes its command's name.
std::string command_of(const std::string& word) {
  std::string cmd = lower(word);
  for (const auto& m : menu) {
    if (cmd == m.key) cmd = m.name;
  }
  return cmd;
}

/// The file names that complete `typed` (a path as typed, relative or absolute): the entries
/// of its directory that start with its last part, a directory with '/' after it. Hidden
/// entries only when the last part starts with '.'; at most 1000.
std::vector<std::string> file_candidates(std::string_view typed) {
  const auto slash = typed.rfind('/');
  const std::string dir_part =
      slash == std::string_view::npos ? std::string() : std::string(typed.substr(0, slash + 1));
  const std::string_view name_part =
      slash == std::string_view::npos ? typed : typed.substr(slash + 1);
  std::vector<std::string> out;
  std::error_code ec;
  std::filesystem::directory_iterator it(dir_part.empty() ? "." : dir_part,
                                         std::filesystem::directory_options::skip_permission_denied,
                                         ec);
  for (; !ec && it != std::filesystem::directory_iterator() && out.size() < 1000;
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(name_part, 0) != 0) continue;
    if (name.front() == '.' && (name_part.empty() || name_part.front() != '.')) continue;
    std::error_code dir_ec;
    out.push_back(dir_part + name + (it->is_directory(dir_ec) ? "/" : ""));
  }
  return out;
}

std::vector<std::string> with_prefix(std::string_view prefix,
                                     const std::vector<std::string>& candidates) {
  std::vector<std::string> out;
  for (const auto& c : candidates) {
    if (c.rfind(prefix, 0) == 0) out.push_back(c);
  }
  return out;
}

}  // namespace

std::vector<std::string> shell_completions(std::string_view line,
                                           const std::vector<CompletionVm>& vms) {
  std::vector<std::string> words = split_words(std::string(line));
  std::string partial;
  if (!line.empty() && line.back() != ' ' && line.back() != '\t' && !words.empty()) {
    partial = words.back();
    words.pop_back();
  }
  std::vector<std::string> candidates;
  if (words.empty()) {
    for (const auto& m : menu) candidates.emplace_back(m.name);
    candidates.emplace_back("help");
    candidates.emplace_back("quit");
  } else {
    const std::string cmd = command_of(words.front());
    const std::size_t position = words.size();  // 1: the command's first argument
    if (is_lifecycle(cmd) && position == 1) {
      for (const auto& v : vms) {
        if (op_allows(cmd, v.state)) candidates.push_back(v.id);
      }
    } else if (cmd == "chassis" && position == 1) {
      for (const auto& row : detail::chassis_type_names) candidates.emplace_back(row.name);
    } else if ((cmd == "snapshot" || cmd == "restore") && position == 1) {
      candidates = file_candidates(partial);
    } else if (cmd == "create" && position == 2) {
      if (partial.rfind("genome=", 0) == 0) {
        for (const auto& f : file_candidates(std::string_view(partial).substr(7))) {
          candidates.push_back("genome=" + f);
        }
      } else {
        candidates = builtin_genome_names();
        candidates.emplace_back("genome=");
      }
    } else if (cmd == "create" && position >= 3) {
      constexpr std::string_view flag = "allow_incompatible_code=";
      if (partial.rfind(flag, 0) == 0) {
        candidates = {std::string(flag) + "false", std::string(flag) + "true"};
      } else {
        candidates = {"ribosomes=", "atp=", "rnap=", "memory=", "priority=", std::string(flag)};
      }
    }
  }
  auto out = with_prefix(partial, candidates);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  out.erase(std::remove(out.begin(), out.end(), std::string()), out.end());
  return out;
}

std::string host_status_line(const HostStatus& h) {
  if (!h.modelled) {
    return fmt::format(
        "Host cell: not modelled (the {} work model); reference growth rate {:.3g} /h.",
        h.work_model, h.reference_growth_rate_per_h);
  }
  const double guests = 100.0 * h.guest_translation_fraction;
  if (h.state == "stalled") {
    return fmt::format(
        "Host cell: stalled (growth rate 0 /h, {:.3g} /h alone); guests take {:.1f} % of its "
        "translation.",
        h.reference_growth_rate_per_h, guests);
  }
  return fmt::format(
      "Host cell: {}, growth rate {:.3g} /h ({:.3g} /h alone), doubling time {}; guests take "
      "{:.1f} % of its translation.",
      h.state, h.growth_rate_per_h, h.reference_growth_rate_per_h, format_doubling(h), guests);
}

namespace {

class Shell {
 public:
  Shell(std::istream& in, const ShellOptions& o) : in_(in), o_(o), config_(o.config) {
    new_hypervisor(o.chassis);
  }

  int run() {
    const SigintScope sigint{o_.interactive};
    std::string editor_off = o_.line_editor_off_reason;
    if (o_.input != ShellOptions::Input::stream) terminal_ = std::make_unique<TerminalLines>();
    if (o_.input == ShellOptions::Input::editor) {
#if BIOXEN_HAVE_LINE_EDITOR
      editor_ = std::make_unique<LineEditor>(
          [this](std::string_view line) { return shell_completions(line, completion_vms()); },
          o_.history_file);
#else
      editor_off = "this bioxen was built without libedit (BIOXEN_WITH_LINE_EDITOR)";
#endif
    }
    fmt::print(
        "BioXen {} shell. Type a number or a command; 'help' shows the menu, 'exit' "
        "leaves.\n",
        bioxen::version());
    if (o_.interactive && !editor_off.empty()) {
      fmt::print(
          "Line editing is off ({}): lines are read as typed, without history or Tab "
          "completion.\n",
          editor_off);
    }
    if (o_.interactive) print_menu();
    try {
      for (;;) {
        const auto line = read_line(prompt(), true);
        if (!line) break;
        const auto words = split_words(*line);
        if (words.empty() || words.front().front() == '#') continue;
        if (!o_.interactive) fmt::print("bioxen> {}\n", *line);
        if (!dispatch(words)) break;
        std::fflush(stdout);
      }
    } catch (const EndOfInput&) {
      // Input ended inside a command: nothing half-done remains (commands act at the end).
    }
    if (o_.interactive) fmt::print("\n");
#if BIOXEN_HAVE_LINE_EDITOR
    if (editor_) editor_->save_history();
#endif
    fmt::print("Bye.\n");
    if (mon_) mon_->stop_monitoring();
    return first_failure_;
  }

 private:
  // --- input -----------------------------------------------------------------------------

  std::string prompt() const {
    const auto r = hv_->get_system_resources();
    return fmt::format("bioxen [{} t={} vms={}]> ", to_string(chassis_),
                       format_seconds(static_cast<double>(r.virtual_time_us) / 1e6), r.total_vms);
  }

  /// The VMs for Tab completion.
  std::vector<CompletionVm> completion_vms() const {
    std::vector<CompletionVm> out;
    for (const auto& v : hv_->list_vms()) out.push_back({v.vm_id, v.state});
    return out;
  }

  /// One line as read: through the line editor, or `in_` (showing the prompt when
  /// interactive). Ctrl-C while waiting (interactive sessions) is ReadResult::interrupted.
  ReadResult read_raw(const std::string& prompt_text, std::string& line) {
#if BIOXEN_HAVE_LINE_EDITOR
    if (editor_) return editor_->read(prompt_text, line);
#endif
    if (o_.interactive) {
      fmt::print("{}", prompt_text);
      std::fflush(stdout);
    }
    if (terminal_) return terminal_->read(line);
    if (std::getline(in_, line)) return ReadResult::line;
    if (o_.interactive && interrupted()) {
      // The read was interrupted (EINTR), not the end of input: read on.
      in_.clear();
      std::clearerr(stdin);
      return ReadResult::interrupted;
    }
    return ReadResult::end;
  }

  /// One line, trimmed; nullopt at end of input. Ctrl-C at the command prompt (`command`)
  /// drops the line typed and asks again; in a question it cancels the command (Cancelled).
  std::optional<std::string> read_line(const std::string& prompt_text, bool command = false) {
    std::string line;
    for (;;) {
      clear_interrupt();
      const ReadResult r = read_raw(prompt_text, line);
      if (r == ReadResult::end) return std::nullopt;
      if (r == ReadResult::line) break;
      fmt::print("\n");
      if (!command) throw Cancelled{};
    }
    clear_interrupt();
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
      line.pop_back();
    }
    const auto start = line.find_first_not_of(" \t");
    std::string trimmed = start == std::string::npos ? std::string() : line.substr(start);
#if BIOXEN_HAVE_LINE_EDITOR
    if (editor_ && command && !trimmed.empty()) editor_->remember(trimmed);
#endif
    return trimmed;
  }

  /// A question with an optional default; end of input inside a command ends the session.
  std::string ask(const std::string& question, const std::string& def = {}) {
    const std::string p =
        def.empty() ? fmt::format("  {}: ", question) : fmt::format("  {} [{}]: ", question, def);
    const auto answer = read_line(p);
    if (!answer) throw EndOfInput{};
    if (!o_.interactive) fmt::print("{}{}\n", p, *answer);
    return answer->empty() ? def : *answer;
  }

  /// A numbered choice (the original library's menus): accepts the number or the value itself.
  std::string choose(const std::string& question,
                     const std::vector<std::pair<std::string, std::string>>& options) {
    fmt::print("  {}:\n", question);
    for (std::size_t i = 0; i < options.size(); ++i) {
      fmt::print("   {:>2}) {:<16} {}\n", i + 1, options[i].first, options[i].second);
    }
    for (;;) {
      const std::string a = ask("choice");
      for (std::size_t i = 0; i < options.size(); ++i) {
        if (a == std::to_string(i + 1) || a == options[i].first) return options[i].first;
      }
      const std::string message =
          a.empty() ? "no choice made" : fmt::format("'{}' is not one of the choices", a);
      if (!o_.interactive) throw usage(message);
      fmt::print("  {}; type a number from 1 to {}\n", message, options.size());
    }
  }

  // --- commands ----------------------------------------------------------------------------

  /// Runs one command; false to leave the shell.
  bool dispatch(const std::vector<std::string>& words) {
    const std::string cmd = command_of(words.front());
    const std::vector<std::string> args(words.begin() + 1, words.end());
    if (cmd == "exit" || cmd == "quit" || cmd == "q") return false;
    try {
      if (cmd == "help" || cmd == "?" || cmd == "h" || cmd == "menu") {
        print_menu();
      } else if (cmd == "chassis") {
        select_chassis(args);
      } else if (cmd == "create") {
        create(args);
      } else if (is_lifecycle(cmd)) {
        lifecycle(cmd, args);
      } else if (cmd == "run") {
        run_quanta(args);
      } else if (cmd == "status") {
        status();
      } else if (cmd == "monitor") {
        monitor();
      } else if (cmd == "snapshot") {
        snapshot(args);
      } else if (cmd == "restore") {
        restore(args);
      } else {
        throw usage(fmt::format("unknown command '{}' (type 'help' for the menu)", words.front()));
      }
    } catch (const BioXenException& e) {
      print_error(e);
      if (!o_.interactive && first_failure_ == 0) first_failure_ = exit_code_of(e);
    } catch (const Cancelled&) {
      fmt::print("Cancelled: {} changed nothing.\n", cmd);
    }
    return true;
  }

  void print_menu() const {
    fmt::print("\n  BioXen hypervisor: {} chassis, {} policy\n", chassis_profile(chassis_).name,
               to_string(config_.scheduler_policy));
    for (const auto& m : menu) fmt::print("  {:>3}  {:<9} {}\n", m.key, m.name, m.help);
    fmt::print("\n");
  }

  void new_hypervisor(ChassisType type) {
    if (mon_) mon_->stop_monitoring();
    mon_.reset();
    hv_ = std::make_unique<BioXenHypervisor>(config_, type);
    chassis_ = type;
    mon_ = std::make_unique<ProductionMonitor>(*hv_);
    without_sigint([&] { mon_->start_monitoring(std::chrono::milliseconds{200}); });
  }

  void select_chassis(const std::vector<std::string>& args) {
    std::string name;
    if (!args.empty()) {
      name = args.front();
    } else {
      std::vector<std::pair<std::string, std::string>> options;
      for (const ChassisType t : all_chassis_types) {
        const auto& p = chassis_profile(t);
        options.emplace_back(
            std::string(to_string(t)),
            fmt::format("{} ({} ribosomes)", p.name, format_count(p.physical_ribosomes)));
      }
      name = choose("Select the chassis", options);
    }
    const ChassisType type = chassis_type_from_string(name);
    if (hv_->vm_count() > 0) {
      throw usage(fmt::format("{} VM(s) run on the {} chassis; destroy them before changing it",
                              hv_->vm_count(), to_string(chassis_)));
    }
    new_hypervisor(type);
    fmt::print("Chassis {}: {} ({} ribosome units, {} available to VMs).\n", to_string(type),
               chassis_profile(type).name, config_.total_ribosomes, config_.available_ribosomes());
  }

  std::string next_vm_id() const {
    for (int i = 1;; ++i) {
      std::string id = fmt::format("vm{}", i);
      if (!hv_->has_vm(id)) return id;
    }
  }

  void create(const std::vector<std::string>& args) {
    const bool guided = args.empty();
    const std::string id = args.size() >= 1 ? args[0] : ask("VM id", next_vm_id());
    std::string type;
    if (args.size() >= 2) {
      type = args[1];
    } else {
      std::vector<std::pair<std::string, std::string>> options;
      for (const auto& name : builtin_genome_names()) {
        options.emplace_back(name, builtin_genome(name)->organism());
      }
      options.emplace_back("file", "a genome file (.genome, .tsv, .gff3)");
      type = choose("Biological type", options);
    }
    GenomePtr genome;
    if (type == "file") type = fmt::format("genome={}", ask("genome file"));
    if (type.rfind("genome=", 0) == 0) genome = load_genome_file(type.substr(7));

    ResourceAllocation r;
    auto set = [&](const std::string& key, const std::string& value) {
      if (key == "ribosomes") {
        r.ribosomes = static_cast<int>(parse_int(value, key, std::numeric_limits<int>::max()));
      } else if (key == "atp" || key == "atp_percentage") {
        r.atp_percentage = parse_double(value, key);
      } else if (key == "rnap" || key == "rna_polymerase") {
        r.rna_polymerase = static_cast<int>(parse_int(value, key, std::numeric_limits<int>::max()));
      } else if (key == "memory" || key == "memory_kb") {
        r.memory_kb = parse_int(value, key);
      } else if (key == "priority") {
        r.priority = static_cast<int>(parse_int(value, key, std::numeric_limits<int>::max()));
      } else if (key == "allow_incompatible_code") {
        if (value != "true" && value != "false") {
          throw usage(fmt::format("allow_incompatible_code: expected true or false, got '{}'",
                                  detail::printable(value)));
        }
        r.allow_incompatible_code = value == "true";
      } else {
        detail::fail_unknown_key(
            detail::JsonContext{BioXenErrorCode::invalid_argument, "allocation"}, "", key,
            {"ribosomes", "atp", "atp_percentage", "rnap", "rna_polymerase", "memory", "memory_kb",
             "priority", "allow_incompatible_code"});
      }
    };
    for (std::size_t i = 2; i < args.size(); ++i) {
      const auto eq = args[i].find('=');
      if (eq == std::string::npos) {
        throw usage(fmt::format("'{}': write allocation settings as key=value", args[i]));
      }
      set(args[i].substr(0, eq), args[i].substr(eq + 1));
    }
    if (guided) {
      const ResourceAllocation d = genome ? ResourceAllocation{} : hv_->default_allocation(type);
      auto ask_field = [&](const char* key, const char* question, std::string def) {
        const std::string a = ask(question, def);
        if (a != def) set(key, a);
      };
      ask_field("ribosomes", "Ribosome units",
                d.ribosomes >= 0 ? fmt::format("auto: {}", d.ribosomes) : "auto");
      ask_field("atp", "ATP percentage",
                d.atp_percentage >= 0 ? fmt::format("auto: {:g}", d.atp_percentage) : "auto");
      ask_field("priority", "Priority 1-5", "1");
    }
    if (genome) {
      hv_->create_vm(id, genome, r);
    } else {
      hv_->create_vm(id, type, r);
    }
    const auto s = hv_->get_vm_status(id);
    fmt::print("Created {} ({}): {} ribosome units, {:g} % ATP, {} kb, priority {}; state {}.\n",
               id, s.biological_type, s.ribosome_allocation, s.atp_percentage, s.memory_kb,
               s.priority, to_string(s.state));
  }

  void lifecycle(const std::string& op, const std::vector<std::string>& args) {
    std::string id;
    if (!args.empty()) {
      id = args.front();
    } else {
      std::vector<std::pair<std::string, std::string>> options;
      for (const auto& v : hv_->list_vms()) {
        if (op_allows(op, v.state)) {
          options.emplace_back(v.vm_id,
                               fmt::format("{}, {}", v.biological_type, to_string(v.state)));
        }
      }
      if (options.empty()) {
        throw BioXenException(BioXenErrorCode::invalid_state_transition,
                              fmt::format("no VM is in a state that allows {}", op));
      }
      id = choose(fmt::format("VM to {}", op), options);
    }
    if (op == "start") hv_->start_vm(id);
    if (op == "pause") hv_->pause_vm(id);
    if (op == "resume") hv_->resume_vm(id);
    if (op == "stop") hv_->stop_vm(id);
    if (op == "destroy") {
      hv_->destroy_vm(id);
      fmt::print("Destroyed {}; its resources are free again.\n", id);
      return;
    }
    fmt::print("{}: {}.\n", id, to_string(hv_->get_vm_state(id)));
  }

  void run_quanta(const std::vector<std::string>& args) {
    const std::string what =
        args.empty() ? ask("Quanta to run (or a duration such as 5s)", "10") : args.front();
    std::uint64_t n = 0;
    if (!what.empty() &&
        std::all_of(what.begin(), what.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      n = static_cast<std::uint64_t>(parse_int(what, "quanta"));
    } else {
      const auto d = parse_duration(what, "run");
      const auto q_us = static_cast<std::uint64_t>(config_.scheduling_quantum_ms) * 1000U;
      n = (static_cast<std::uint64_t>(d.count()) + q_us - 1) / q_us;
    }
    if (n == 0) throw usage("run: give at least one quantum");
    // The run goes in chunks (for the progress bar); one that would pass the clock's end is
    // refused before the first, by the library's own check of the whole run.
    if (n > hv_->quanta_left()) (void)hv_->run_quanta(n);
    // Chunks of at most 1000 quanta, smaller while one takes longer than 40 ms of wall-clock
    // time, so that Ctrl-C (checked between chunks) stops the run soon, at the end of a
    // quantum. The chunks change nothing in the result: quanta are run one after another
    // either way.
    ProgressBar bar{"running", n};
    std::uint64_t done = 0;
    std::uint64_t chunk = 1;
    while (done < n && !interrupted()) {
      const auto t0 = std::chrono::steady_clock::now();
      done += hv_->run_quanta(std::min(n - done, chunk));
      const auto took = std::chrono::steady_clock::now() - t0;
      if (took < std::chrono::milliseconds{10} && chunk < 1000) {
        chunk = std::min<std::uint64_t>(chunk * 2, 1000);
      } else if (took > std::chrono::milliseconds{40} && chunk > 1) {
        chunk /= 2;
      }
      bar.update(done);
    }
    bar.finish();
    const auto r = hv_->get_system_resources();
    const std::string summary = fmt::format(
        "virtual time {} ({} running, {} paused)",
        format_seconds(static_cast<double>(r.virtual_time_us) / 1e6), r.active_vms, r.paused_vms);
    if (done < n) {
      fmt::print("Interrupted: ran {} of {} quanta; {}.\n", format_count(done), format_count(n),
                 summary);
      return;
    }
    fmt::print("Ran {} quanta: {}.\n", format_count(n), summary);
  }

  void status() {
    const auto vms = hv_->list_vms();
    std::vector<Table> tables{resources_table(hv_->get_system_resources())};
    if (vms.empty()) {
      print_tables(tables);
      fmt::print("\n{}\n", host_status_line(hv_->get_host_status()));
      fmt::print("\nNo VMs yet: 'create' makes one.\n");
      return;
    }
    tables.push_back(vm_table(vms));
    tables.push_back(work_table(vms));
    print_tables(tables);
    fmt::print("\n{}\n", host_status_line(hv_->get_host_status()));
  }

  void monitor() {
    const auto summary = mon_->get_performance_summary();
    print_tables(performance_tables(summary));
    fmt::print("\n{}\n", host_status_line(summary.host ? *summary.host : hv_->get_host_status()));
  }

  void snapshot(const std::vector<std::string>& args) {
    const std::string file =
        args.empty() ? ask("Snapshot file", "bioxen-snapshot.json") : args.front();
    write_text_file(file, hv_->snapshot().dump(2) + "\n");
    const auto r = hv_->get_system_resources();
    fmt::print("Saved a snapshot of {} VM(s) at virtual time {} to {}.\n", r.total_vms,
               format_seconds(static_cast<double>(r.virtual_time_us) / 1e6), file);
  }

  void restore(const std::vector<std::string>& args) {
    const std::string file =
        args.empty() ? ask("Snapshot file", "bioxen-snapshot.json") : args.front();
    const std::string text = detail::read_text_file(file, "snapshot file");
    const nlohmann::json snap =
        detail::parse_json_file_text(text, file, BioXenErrorCode::invalid_snapshot);
    hv_->restore(snap);
    chassis_ = hv_->chassis().type;
    const auto r = hv_->get_system_resources();
    fmt::print("Restored {} VM(s) at virtual time {} from {}.\n", r.total_vms,
               format_seconds(static_cast<double>(r.virtual_time_us) / 1e6), file);
  }

  std::istream& in_;
  ShellOptions o_;
  ProductionConfig config_;
  ChassisType chassis_ = ChassisType::ecoli;
  std::unique_ptr<BioXenHypervisor> hv_;
  std::unique_ptr<ProductionMonitor> mon_;
  std::unique_ptr<TerminalLines> terminal_;
#if BIOXEN_HAVE_LINE_EDITOR
  std::unique_ptr<LineEditor> editor_;
#endif
  int first_failure_ = 0;
};

}  // namespace

bool shell_has_line_editor() noexcept { return BIOXEN_HAVE_LINE_EDITOR != 0; }

std::optional<std::filesystem::path> shell_history_file_from_environment() {
  if (const char* file = std::getenv("BIOXEN_HISTORY_FILE"); file != nullptr) {
    const std::string_view f{file};
    if (f.empty() || f == "off") return std::nullopt;
    return std::filesystem::path(f);
  }
  if (const char* state = std::getenv("XDG_STATE_HOME"); state != nullptr && state[0] == '/') {
    return std::filesystem::path(state) / "bioxen" / "history";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && home[0] != '\0') {
    return std::filesystem::path(home) / ".local" / "state" / "bioxen" / "history";
  }
  return std::nullopt;
}

int run_shell(std::istream& in, const ShellOptions& options) {
  Shell shell{in, options};
  return shell.run();
}

void add_shell_command(CLI::App& app, Action& action) {
  struct Options {
    std::string config;
    std::string chassis = "ecoli";
    std::string policy;
  };
  auto o = std::make_shared<Options>();
  auto* sub = app.add_subcommand(
      "shell", "Interactive menu: chassis, VMs, run, status, monitor, snapshot (or piped input)");
  sub->add_option("--config", o->config,
                  "Configuration file to use; it must exist (default: the built-in defaults)");
  std::vector<std::string> chassis_names;
  for (const auto& row : detail::chassis_type_names) chassis_names.emplace_back(row.name);
  sub->add_option("--chassis", o->chassis, "The first chassis")
      ->capture_default_str()
      ->check(CLI::IsMember(chassis_names));
  sub->add_option("--policy", o->policy, "Scheduler policy (default: the configuration's)")
      ->check(CLI::IsMember({"round_robin", "fair_share", "priority"}));
  sub->footer(
      "Commands (a number or a name, arguments optional): chassis, create, start, pause, "
      "resume, stop, destroy, run, status, monitor, snapshot, restore, help, exit.\n"
      "Piped example: printf 'create vm1 syn3a_recoded\\nstart vm1\\nrun 50\\nstatus\\n' | "
      "bioxen shell\n");
  sub->callback([o, &action] {
    action = [o] {
      return guarded(false, [&] {
        ShellOptions so;
        if (!o->config.empty()) {
          // A file named on the command line must be there: never the defaults in its place.
          const ProductionConfigManager manager{o->config};
          if (!manager.loaded_from_file()) {
            throw BioXenException(
                BioXenErrorCode::io_error,
                fmt::format("cannot read configuration file '{}': No such file or directory",
                            o->config),
                {{"file", o->config}, {"reason", "No such file or directory"}});
          }
          so.config = manager.config;
        }
        if (!o->policy.empty())
          so.config.scheduler_policy = scheduler_policy_from_string(o->policy);
        so.chassis = chassis_type_from_string(o->chassis);
        so.interactive = stdin_is_terminal();
        if (so.interactive) {
          const char* editing = std::getenv("BIOXEN_LINE_EDITOR");
          so.input = ShellOptions::Input::terminal;
          if (!stdout_is_terminal()) {
            so.line_editor_off_reason = "standard output is not a terminal";
          } else if (editing != nullptr && std::string_view(editing) == "off") {
            so.line_editor_off_reason = "BIOXEN_LINE_EDITOR=off";
          } else {
            so.input = ShellOptions::Input::editor;
            so.history_file = shell_history_file_from_environment();
          }
        }
        return run_shell(std::cin, so);
      });
    };
  });
}

}  // namespace bioxen::cli
