// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Whole text files in and out (POSIX), and JSON text with file:line:column errors.
#include "detail/text_io.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
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

[[noreturn]] void throw_write(const fs::path& file, std::string_view step, int err) {
  const std::string reason = std::strerror(err);
  throw BioXenException(BioXenErrorCode::io_error,
                        fmt::format("cannot write '{}': {}: {}", file.string(), step, reason),
                        {{"file", file.string()}, {"step", step}, {"reason", reason}});
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

// Removes the temporary file unless released.
class TempFile {
 public:
  explicit TempFile(std::string path) : path_(std::move(path)) {}
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  void release() noexcept { path_.clear(); }

 private:
  std::string path_;
};

}  // namespace

void write_file_atomically(const fs::path& link, std::string_view content,
                           std::optional<fs::perms> mode,
                           const std::function<void(const fs::path&)>& before_rename) {
  // A symlinked file (dotfile managers) is replaced at its target, keeping the link.
  std::error_code link_ec;
  const fs::path file = fs::is_symlink(link, link_ec) ? fs::weakly_canonical(link, link_ec) : link;
  const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  std::string temp = (dir / ("." + file.filename().string() + ".tmp.XXXXXX")).string();
  Fd fd(::mkstemp(temp.data()));  // mode 0600 from the start
  if (fd.get() < 0) throw_write(file, "cannot create a temporary file", errno);
  TempFile guard(temp);
  const auto perms =
      mode ? static_cast<mode_t>(*mode) : static_cast<mode_t>(0666 & ~current_umask());
  if (::fchmod(fd.get(), perms) != 0) throw_write(file, "fchmod", errno);
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t n = ::write(fd.get(), p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_write(file, "write", errno);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd.get()) != 0) throw_write(file, "fsync", errno);
  if (fd.close() != 0) throw_write(file, "close", errno);
  if (before_rename) before_rename(fs::path(temp));
  if (::rename(temp.c_str(), file.c_str()) != 0) throw_write(file, "rename", errno);
  guard.release();
  // Make the rename itself durable.
  Fd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd.get() >= 0) ::fsync(dfd.get());
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
