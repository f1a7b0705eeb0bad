// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Whole text files in and out (POSIX, with Linux's O_TMPFILE and flock for crash-safe writes),
// and JSON text with file:line:column errors.
#include "detail/text_io.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <mutex>
#include <set>
#include <utility>
#include <vector>

#include "bioxen/detail/utf8.hpp"

namespace bioxen::detail {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void throw_read(const fs::path& file, std::string_view what, std::string reason) {
  throw BioXenException(
      BioXenErrorCode::io_error,
      fmt::format("cannot read {}{}'{}': {}", what, what.empty() ? "" : " ", file.string(), reason),
      {{"file", file.string()}, {"reason", reason}});
}

// Closes a file descriptor on every path out.
class Fd {
 public:
  explicit Fd(int fd) noexcept : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const noexcept { return fd_; }
  int release() noexcept { return std::exchange(fd_, -1); }
  void reset(int fd) noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }
  int close() noexcept {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

}  // namespace

std::optional<std::string> read_text_file_if_present(const fs::path& file, std::string_view what) {
  Fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw_read(file, what, std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw_read(file, what, std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw_read(file, what, "it is a directory");
  std::string out;
  if (S_ISREG(st.st_mode) && st.st_size > 0) out.reserve(static_cast<std::size_t>(st.st_size));
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_read(file, what, std::strerror(errno));
    }
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

std::string read_text_file(const fs::path& file, std::string_view what) {
  auto text = read_text_file_if_present(file, what);
  if (!text) throw_read(file, what, std::strerror(ENOENT));
  return std::move(*text);
}

namespace {

// --- Fault injection (tests) ------------------------------------------------------------

using FaultHook = std::function<int(std::string_view)>;

std::atomic<bool> fault_hook_set{false};
std::mutex fault_hook_mutex;
std::shared_ptr<const FaultHook> fault_hook;  // guarded by fault_hook_mutex

// The errno a test injects at `step`, or 0.
int injected_fault(std::string_view step) {
  if (!fault_hook_set.load(std::memory_order_relaxed)) return 0;
  std::shared_ptr<const FaultHook> hook;
  {
    const std::lock_guard<std::mutex> lock(fault_hook_mutex);
    hook = fault_hook;
  }
  return hook ? (*hook)(step) : 0;
}

// Runs `call` (a system call returning -1 and errno on failure) unless a fault is injected at
// `step`, which then fails with the injected errno.
template <class Call>
auto faultable(std::string_view step, Call&& call) -> decltype(call()) {
  if (const int err = injected_fault(step); err != 0) {
    errno = err;
    return -1;
  }
  return call();
}

// --- Writing ------------------------------------------------------------------------------

// The file write_file_atomically() writes: `given` itself, or the file its chain of symbolic
// links names.
struct Target {
  fs::path given;
  fs::path file;
  fs::path dir;
  bool linked = false;
};

[[noreturn]] void throw_write(const Target& t, std::string_view step, const std::string& reason) {
  nlohmann::json details = {{"file", t.given.string()}, {"step", step}, {"reason", reason}};
  std::string what = fmt::format("'{}'", t.given.string());
  if (t.linked) {
    details["target"] = t.file.string();
    what += fmt::format(" (a symbolic link to '{}')", t.file.string());
  }
  throw BioXenException(BioXenErrorCode::io_error,
                        fmt::format("cannot write {}: {}: {}", what, step, reason),
                        std::move(details));
}

[[noreturn]] void throw_write(const Target& t, std::string_view step, int err) {
  throw_write(t, step, std::string(std::strerror(err)));
}

Target resolve_target(const fs::path& given) {
  Target t{given, given, {}, false};
  // Follow the chain by hand: fs::weakly_canonical() would stop at a dangling link and so
  // replace the link with a file.
  for (int hops = 0;; ++hops) {
    std::error_code ec;
    if (fs::symlink_status(t.file, ec).type() != fs::file_type::symlink) break;
    if (hops == 40) throw_write(t, "symlink", ELOOP);  // the kernel's own limit
    const fs::path to = fs::read_symlink(t.file, ec);
    if (ec) throw_write(t, "symlink", ec.message());
    t.file = to.is_absolute() ? to : t.file.parent_path() / to;
    t.linked = true;
  }
  if (t.linked) {
    std::error_code ec;
    if (auto canonical = fs::weakly_canonical(t.file, ec); !ec) t.file = std::move(canonical);
  }
  t.dir = t.file.has_parent_path() ? t.file.parent_path() : fs::path(".");
  if (t.linked) {
    std::error_code ec;
    const auto st = fs::status(t.dir, ec);
    if (st.type() != fs::file_type::directory) {
      throw_write(t, "symlink",
                  fmt::format("its target is in '{}', which {}", t.dir.string(),
                              st.type() == fs::file_type::not_found ? "does not exist"
                                                                    : "is not a directory"));
    }
  }
  return t;
}

// The process's umask without changing it (umask(2) can only be read by setting it, which
// would race with other threads creating files): Linux reports it in /proc/self/status.
mode_t current_umask() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Umask:", 0) == 0) {
      return static_cast<mode_t>(std::strtoul(line.c_str() + 6, nullptr, 8));
    }
  }
  return 022;
}

constexpr std::size_t random_letters = 6;  // as mkstemp's XXXXXX

// ".<name>.tmp.": the temporary files of <name> are this and six letters or digits.
std::string temp_prefix(const fs::path& file) { return "." + file.filename().string() + ".tmp."; }

bool is_temp_name(std::string_view entry, std::string_view prefix) {
  if (entry.size() != prefix.size() + random_letters || entry.substr(0, prefix.size()) != prefix) {
    return false;
  }
  return std::all_of(entry.begin() + static_cast<std::ptrdiff_t>(prefix.size()), entry.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
}

std::string random_temp_name(const std::string& prefix) {
  static constexpr char letters[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  unsigned char bytes[random_letters] = {};
  if (::getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) {
    // No entropy source: still unique enough with O_EXCL / EEXIST retries.
    static std::atomic<std::uint64_t> counter{0};
    std::uint64_t x = static_cast<std::uint64_t>(::getpid()) * 0x9E3779B97F4A7C15ULL ^
                      static_cast<std::uint64_t>(::time(nullptr)) ^ counter.fetch_add(1) << 32;
    for (auto& b : bytes) {
      b = static_cast<unsigned char>(x);
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    }
  }
  std::string name = prefix;
  for (const unsigned char b : bytes) name += letters[b % (sizeof letters - 1)];
  return name;
}

// Removes the temporary files of a dead writer of the file `prefix` belongs to (see the
// header). Best effort: a file it cannot open, lock or check is left for a later write.
void sweep_stale_temporaries(int dir_fd, const std::string& prefix) {
  const int list_fd = ::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
  if (list_fd < 0) return;
  DIR* dir = ::fdopendir(list_fd);
  if (dir == nullptr) {
    ::close(list_fd);
    return;
  }
  std::vector<std::string> candidates;
  ::rewinddir(dir);
  while (const dirent* entry = ::readdir(dir)) {
    if (is_temp_name(entry->d_name, prefix)) candidates.emplace_back(entry->d_name);
  }
  ::closedir(dir);
  for (const auto& name : candidates) {
    // O_NONBLOCK: a FIFO of that name must not hang the save.
    Fd fd(::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (fd.get() < 0) continue;
    struct stat opened {};
    if (::fstat(fd.get(), &opened) != 0 || !S_ISREG(opened.st_mode)) continue;
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) continue;  // a live writer's
    struct stat named {};
    if (::fstatat(dir_fd, name.c_str(), &named, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (named.st_dev != opened.st_dev || named.st_ino != opened.st_ino) continue;
    ::unlinkat(dir_fd, name.c_str(), 0);
  }
}

// Removes the named temporary file unless released.
class TempName {
 public:
  TempName(int dir_fd, std::string name) : dir_fd_(dir_fd), name_(std::move(name)) {}
  TempName(const TempName&) = delete;
  TempName& operator=(const TempName&) = delete;
  ~TempName() {
    if (!name_.empty()) ::unlinkat(dir_fd_, name_.c_str(), 0);
  }
  void release() noexcept { name_.clear(); }

 private:
  int dir_fd_;
  std::string name_;
};

bool no_tmpfile_support(int err) { return err == EOPNOTSUPP || err == EISDIR || err == EINVAL; }

// The no-O_TMPFILE path: creates and locks ".<name>.tmp.XXXXXX"; returns the descriptor and
// sets `name`. A sweep by another writer between the create and the lock may remove the name:
// then the file is made again.
int create_named_temp(const Target& t, int dir_fd, const std::string& prefix, std::string& name) {
  for (int attempt = 0;; ++attempt) {
    name = random_temp_name(prefix);
    Fd fd(faultable("create", [&] {
      return ::openat(dir_fd, name.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                      0600);
    }));
    if (fd.get() < 0) {
      if (errno == EEXIST && attempt < 100) continue;
      throw_write(t, "create", errno);
    }
    TempName guard(dir_fd, name);
    if (faultable("lock", [&] { return ::flock(fd.get(), LOCK_EX); }) != 0) {
      throw_write(t, "lock", errno);
    }
    struct stat opened {};
    struct stat named {};
    if (::fstat(fd.get(), &opened) == 0 &&
        ::fstatat(dir_fd, name.c_str(), &named, AT_SYMLINK_NOFOLLOW) == 0 &&
        named.st_dev == opened.st_dev && named.st_ino == opened.st_ino) {
      guard.release();
      return fd.release();
    }
    guard.release();  // the name is no longer ours
    if (attempt >= 100) throw_write(t, "create", EEXIST);
  }
}

// Links the anonymous file `fd` into the directory under a new temporary name; returns it.
std::string link_temp(const Target& t, int fd, int dir_fd, const std::string& prefix) {
  const std::string proc = fmt::format("/proc/self/fd/{}", fd);
  for (int attempt = 0;; ++attempt) {
    std::string name = random_temp_name(prefix);
    int rc = faultable("link", [&] {
      // The unprivileged way to link an O_TMPFILE file; AT_EMPTY_PATH needs
      // CAP_DAC_READ_SEARCH, but also works without /proc.
      const int r = ::linkat(AT_FDCWD, proc.c_str(), dir_fd, name.c_str(), AT_SYMLINK_FOLLOW);
      if (r != 0 && errno == ENOENT) return ::linkat(fd, "", dir_fd, name.c_str(), AT_EMPTY_PATH);
      return r;
    });
    if (rc == 0) return name;
    if (errno == EEXIST && attempt < 100) continue;
    throw_write(t, "link", errno);
  }
}

}  // namespace

void set_io_fault_for_testing(std::function<int(std::string_view step)> hook) {
  const std::lock_guard<std::mutex> lock(fault_hook_mutex);
  fault_hook = hook ? std::make_shared<const FaultHook>(std::move(hook)) : nullptr;
  fault_hook_set.store(fault_hook != nullptr, std::memory_order_relaxed);
}

void write_file_atomically(const fs::path& given, std::string_view content,
                           std::optional<fs::perms> mode,
                           const std::function<void(const fs::path&)>& before_rename) {
  // A symlinked file (dotfile managers) is replaced at its target, keeping the link.
  const Target t = resolve_target(given);
  const std::string name = t.file.filename().string();
  const std::string prefix = temp_prefix(t.file);
  Fd dir_fd(::open(t.dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() < 0) throw_write(t, "create", errno);
  sweep_stale_temporaries(dir_fd.get(), prefix);

  // Mode 0600 from the start: the content may be a secret until fchmod gives it `mode`.
  std::string temp_name;  // empty while the file has no name
  Fd fd(faultable("create", [&] {
    return ::openat(dir_fd.get(), ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  }));
  if (fd.get() < 0) {
    if (!no_tmpfile_support(errno)) throw_write(t, "create", errno);
    fd.reset(create_named_temp(t, dir_fd.get(), prefix, temp_name));
  } else if (faultable("lock", [&] { return ::flock(fd.get(), LOCK_EX); }) != 0) {
    throw_write(t, "lock", errno);
  }
  std::optional<TempName> guard;
  if (!temp_name.empty()) guard.emplace(dir_fd.get(), temp_name);

  const auto perms =
      mode ? static_cast<mode_t>(*mode) : static_cast<mode_t>(0666 & ~current_umask());
  if (faultable("fchmod", [&] { return ::fchmod(fd.get(), perms); }) != 0) {
    throw_write(t, "fchmod", errno);
  }
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t n = faultable("write", [&] { return ::write(fd.get(), p, left); });
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_write(t, "write", errno);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (faultable("fsync", [&] { return ::fsync(fd.get()); }) != 0) {
    throw_write(t, "fsync", errno);
  }
  // close(2) reports the last write errors of some filesystems; a duplicate descriptor keeps
  // the lock (it belongs to the open file, not the descriptor) until the rename is done.
  Fd held(::fcntl(fd.get(), F_DUPFD_CLOEXEC, 0));
  if (held.get() < 0) throw_write(t, "lock", errno);
  {
    int rc = fd.close();
    if (const int err = injected_fault("close"); err != 0) {
      rc = -1;
      errno = err;
    }
    if (rc != 0) throw_write(t, "close", errno);
  }
  if (temp_name.empty()) {
    temp_name = link_temp(t, held.get(), dir_fd.get(), prefix);
    guard.emplace(dir_fd.get(), temp_name);
  }
  if (before_rename) before_rename(t.dir / temp_name);
  if (faultable("rename", [&] {
        return ::renameat(dir_fd.get(), temp_name.c_str(), dir_fd.get(), name.c_str());
      }) != 0) {
    throw_write(t, "rename", errno);
  }
  guard->release();
  // Make the rename itself durable. Past the rename there is no going back: a failure here
  // is not reported.
  ::fsync(dir_fd.get());
}

TextPosition text_position(std::string_view text, std::size_t byte) noexcept {
  // nlohmann counts `byte` from 1 for the last character read; 0 means nothing was read.
  const std::size_t end = std::min(byte == 0 ? 0 : byte - 1, text.size());
  TextPosition pos;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++pos.line;
      line_start = i + 1;
    }
  }
  pos.column = end - line_start + 1;
  return pos;
}

namespace {

// Builds the document like nlohmann's DOM parser, and also refuses a key given twice in one
// object (nlohmann would keep the last silently) and remembers where a syntax error was.
class StrictJsonSax {
 public:
  explicit StrictJsonSax(nlohmann::json& root) : dom_(root, true) {}

  bool null() { return value() && dom_.null(); }
  bool boolean(bool v) { return value() && dom_.boolean(v); }
  bool number_integer(nlohmann::json::number_integer_t v) {
    return value() && dom_.number_integer(v);
  }
  bool number_unsigned(nlohmann::json::number_unsigned_t v) {
    return value() && dom_.number_unsigned(v);
  }
  bool number_float(nlohmann::json::number_float_t v, const std::string& s) {
    return value() && dom_.number_float(v, s);
  }
  bool string(std::string& v) { return value() && dom_.string(v); }
  bool binary(nlohmann::json::binary_t& v) { return value() && dom_.binary(v); }
  bool start_object(std::size_t n) {
    if (!value()) return false;
    frames_.push_back(Frame{true, {}, {}, 0});
    return dom_.start_object(n);
  }
  bool key(std::string& k) {
    Frame& f = frames_.back();
    if (!f.keys.insert(k).second) {
      duplicate_ = fmt::format("duplicate key '{}'", printable_path(k));
      return false;
    }
    f.key = k;
    return dom_.key(k);
  }
  bool end_object() {
    frames_.pop_back();
    return dom_.end_object();
  }
  bool start_array(std::size_t n) {
    if (!value()) return false;
    frames_.push_back(Frame{false, {}, {}, 0});
    return dom_.start_array(n);
  }
  bool end_array() {
    frames_.pop_back();
    return dom_.end_array();
  }
  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::detail::exception& ex) {
    error_byte_ = position;
    return dom_.parse_error(position, last_token, ex);  // throws
  }

  const std::string& duplicate() const noexcept { return duplicate_; }
  std::size_t error_byte() const noexcept { return error_byte_; }

 private:
  struct Frame {
    bool object;
    std::set<std::string, std::less<>> keys;
    std::string key;        // the member being read (objects)
    std::size_t index = 0;  // the next element's index (arrays)
  };

  // Counts an array element as it starts.
  bool value() {
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().index;
    return true;
  }

  // "vms[0].id" for a key `k` of the innermost object.
  std::string printable_path(std::string_view k) const {
    std::string path;
    for (std::size_t i = 0; i + 1 < frames_.size(); ++i) {
      const Frame& f = frames_[i];
      if (f.object) {
        path += (path.empty() ? "" : ".") + f.key;
      } else {
        path += fmt::format("[{}]", f.index - 1);
      }
    }
    path += (path.empty() ? "" : ".") + std::string(k);
    return escape_invalid_utf8(path);
  }

  nlohmann::detail::json_sax_dom_parser<nlohmann::json> dom_;
  std::vector<Frame> frames_;
  std::string duplicate_;
  std::size_t error_byte_ = 0;
};

}  // namespace

std::optional<JsonTextError> parse_json_text(std::string_view text, nlohmann::json& out) {
  // nlohmann's reader takes a NUL byte for the end of the text, and would ignore what follows.
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    return JsonTextError{text_position(text, nul + 1), "a NUL byte (JSON text cannot hold one)"};
  }
  nlohmann::json result;
  StrictJsonSax sax(result);
  try {
    if (!nlohmann::json::sax_parse(text.begin(), text.end(), &sax)) {
      return JsonTextError{std::nullopt,
                           sax.duplicate().empty() ? "malformed JSON" : sax.duplicate()};
    }
  } catch (const nlohmann::json::exception& e) {
    // nlohmann's what() is "[json.exception.parse_error.101] parse error at line 1, column 2:
    // <reason>" (or "[json.exception.out_of_range.406] number overflow parsing '1e400'");
    // keep only the reason.
    std::string reason = e.what();
    if (const auto bracket = reason.find("] ");
        !reason.empty() && reason.front() == '[' && bracket != std::string::npos) {
      reason.erase(0, bracket + 2);
    }
    if (const auto colon = reason.find(": "); colon != std::string::npos) {
      reason.erase(0, colon + 2);
    }
    // "last read: '...'" quotes the file's text, which may hold a secret.
    if (const auto quote = reason.find("; last read"); quote != std::string::npos) {
      reason.erase(quote);
    }
    return JsonTextError{text_position(text, sax.error_byte()), escape_invalid_utf8(reason)};
  }
  out = std::move(result);
  return std::nullopt;
}

nlohmann::json parse_json_file_text(std::string_view text, const fs::path& file,
                                    BioXenErrorCode code) {
  nlohmann::json j;
  if (const auto error = parse_json_text(text, j)) {
    const std::string where =
        error->position
            ? fmt::format("{}:{}:{}", file.string(), error->position->line, error->position->column)
            : file.string();
    nlohmann::json details = {{"file", file.string()}, {"reason", error->reason}};
    if (error->position) {
      details["line"] = error->position->line;
      details["column"] = error->position->column;
    }
    throw BioXenException(code, fmt::format("{}: malformed JSON: {}", where, error->reason),
                          std::move(details));
  }
  return j;
}

}  // namespace bioxen::detail
