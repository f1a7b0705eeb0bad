// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Reading and writing whole text files, and JSON text with file:line:column errors: the one
// way the library and the tool do it. Private to the project (src/detail is not installed).
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "bioxen/error_details.hpp"
#include "bioxen/export.hpp"

namespace bioxen::detail {

/// The whole content of `file`. Errors: io_error "cannot read <what> '<file>': <reason>" (it
/// is missing, a directory, not readable), details {"file", "reason"}. `what` names the kind
/// of file for people: "configuration file", "genome file", "scenario file".
BIOXEN_API std::string read_text_file(const std::filesystem::path& file, std::string_view what);

/// Like read_text_file(), but a file that does not exist is std::nullopt, not an error.
BIOXEN_API std::optional<std::string> read_text_file_if_present(const std::filesystem::path& file,
                                                                std::string_view what);

/// Writes `content` to `file` atomically: a reader, and whatever is left after a crash at any
/// instant (kill -9; a power cut too, by the fsyncs), is the old file or the new one, never a
/// mix:
///
///  1. the stale temporary files of `file` that a crashed writer left are removed (below);
///  2. an anonymous file (O_TMPFILE) is created in the directory of `file`, mode 0600, and
///     locked with flock(LOCK_EX) for as long as the write lasts;
///  3. it gets `mode`, `content` is written in full, fsynced and the descriptor closed (a
///     duplicate keeps the lock);
///  4. it is linked as ".<name>.tmp.<6 random letters or digits>" and renamed over `file`;
///  5. the directory is fsynced, which makes the rename durable; then the lock is let go.
///
/// A crash before step 4 leaves nothing (the file has no name). A crash between the link and
/// the rename leaves a named temporary file, unlocked since its writer is dead: step 1 of the
/// next write of `file` opens each ".<name>.tmp.XXXXXX" of that directory, and removes it when
/// flock(LOCK_EX | LOCK_NB) succeeds (its writer is gone) and the name still names the inode it
/// locked; a file whose lock is held belongs to a live writer and is left alone. Only names of
/// exactly that pattern for this `file` are touched (also those an older BioXen made with
/// mkstemp, which never locked them: one of those still being written by an older BioXen would
/// lose its temporary file and fail its rename, never corrupt anything).
///
/// Where the filesystem has no O_TMPFILE (open(2) fails with EOPNOTSUPP, EISDIR or EINVAL:
/// some network and FUSE filesystems), step 2 creates the temporary file under its final
/// ".<name>.tmp.XXXXXX" name instead (O_CREAT | O_EXCL, mode 0600) and locks it at once, and
/// step 4 is only the rename. A crash between the create and the lock, or after it, leaves that
/// file; the next write removes it, as in step 1. This is a supported path, tested, not an
/// error.
///
/// A symbolic link is kept and the file it names (following a chain of links) written, also
/// when that file does not exist yet (a dangling link); a link whose target is in a directory
/// that does not exist is refused (step "symlink"). `mode` is the new file's permissions;
/// without one, those open(2) would give a new file (0666 less the umask). The directory must
/// exist.
///
/// On failure `file` is untouched, no temporary file is left, and the error is io_error
/// "cannot write '<file>': <step>: <reason>" (with " (a symbolic link to '<target>')" after
/// '<file>' when `file` is a link), details {"file", "step", "reason"} and "target" for a link.
/// The steps: "symlink", "create" (opening the directory or creating the temporary file),
/// "lock", "fchmod", "write", "fsync", "close", "link", "rename".
/// `before_rename` (tests only) runs with the complete, named temporary file just before the
/// rename; if it throws, the temporary file is removed and the exception propagates.
BIOXEN_API void write_file_atomically(
    const std::filesystem::path& file, std::string_view content,
    std::optional<std::filesystem::perms> mode = std::nullopt,
    const std::function<void(const std::filesystem::path&)>& before_rename = {});

/// A test's fault injection into write_file_atomically(): called before the system call of
/// each step ("create", "lock", "fchmod", "write" (each write(2)), "fsync", "close", "link",
/// "rename"), `hook` returns 0 to let it run, or an errno value to make the step fail with
/// that error instead, as if the system call had returned it (the call is not made, except
/// close(2), which always runs so that no descriptor leaks). "create" is asked once for the
/// O_TMPFILE file and again for the named file when the answer was EOPNOTSUPP, EISDIR or
/// EINVAL, so a hook can take the no-O_TMPFILE path. An empty hook turns injection off.
///
/// The hook is process-wide, set and read under a mutex and called outside it (it may write
/// files itself); while none is set each step costs one relaxed atomic load. Tests use it
/// rather than an LD_PRELOAD shim that wraps open/write/rename because the AddressSanitizer
/// and ThreadSanitizer builds that CI runs need their runtime first in the library list and
/// intercept those same calls, so a preloaded shim does not mix with them.
BIOXEN_API void set_io_fault_for_testing(std::function<int(std::string_view step)> hook);

/// set_io_fault_for_testing(hook) for the life of the object; then none.
class BIOXEN_API ScopedIoFaultForTesting {
 public:
  explicit ScopedIoFaultForTesting(std::function<int(std::string_view step)> hook) {
    set_io_fault_for_testing(std::move(hook));
  }
  ScopedIoFaultForTesting(const ScopedIoFaultForTesting&) = delete;
  ScopedIoFaultForTesting& operator=(const ScopedIoFaultForTesting&) = delete;
  ~ScopedIoFaultForTesting() { set_io_fault_for_testing({}); }
};

/// Line and column (1-based) of a byte offset in `text`, the way nlohmann's parse_error
/// reports `byte` (1-based position of the last character read).
struct TextPosition {
  std::size_t line = 1;
  std::size_t column = 1;
};
BIOXEN_API TextPosition text_position(std::string_view text, std::size_t byte) noexcept;

/// Why a JSON text was refused: where (1-based line and column; none for a duplicate key,
/// which names its path instead) and the reason, which never quotes the text.
struct JsonTextError {
  std::optional<TextPosition> position;
  std::string reason;
};

/// Parses `text` as JSON (RFC 8259) strictly, into `out`: besides syntax, it refuses a key
/// given twice in one object ("duplicate key 'vms[0].id'"), a NUL byte anywhere, and numbers
/// beyond a double ("number overflow parsing '1e400'"). Strings are UTF-8 (nlohmann checks).
/// Returns the error, or nullopt when `out` holds the document; `out` is unchanged on error.
BIOXEN_API std::optional<JsonTextError> parse_json_text(std::string_view text, nlohmann::json& out);

/// Parses `text` (the content of `file`) as JSON, the way parse_json_text() does. Malformed
/// JSON is a BioXenException of `code`: "<file>:<line>:<column>: malformed JSON: <reason>" (no
/// line and column for a duplicate key), details {"file", "line", "column", "reason"}; the
/// reason never quotes the text (it may hold a secret).
BIOXEN_API nlohmann::json parse_json_file_text(
    std::string_view text, const std::filesystem::path& file,
    BioXenErrorCode code = BioXenErrorCode::invalid_configuration);

}  // namespace bioxen::detail
