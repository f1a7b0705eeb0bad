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

#include "bioxen/error_details.hpp"

namespace bioxen::detail {

/// The whole content of `file`. Errors: io_error "cannot read <what> '<file>': <reason>" (it
/// is missing, a directory, not readable), details {"file", "reason"}. `what` names the kind
/// of file for people: "configuration file", "genome file", "scenario file".
std::string read_text_file(const std::filesystem::path& file, std::string_view what);

/// Like read_text_file(), but a file that does not exist is std::nullopt, not an error.
std::optional<std::string> read_text_file_if_present(const std::filesystem::path& file,
                                                     std::string_view what);

/// Writes `content` to `file` atomically: a temporary file with a unique name in the same
/// directory, written in full and fsynced, renamed over `file`, then the directory fsynced.
/// A symbolic link is kept and its target replaced. `mode` is the new file's permissions;
/// without one, those open(2) would give a new file (0666 less the umask). The directory must
/// exist. On failure `file` is untouched, no temporary file is left, and the error is io_error
/// "cannot write '<file>': <step>: <reason>", details {"file", "step", "reason"}.
/// `before_rename` (tests only) runs with the complete temporary file just before the rename;
/// if it throws, the temporary file is removed and the exception propagates.
void write_file_atomically(
    const std::filesystem::path& file, std::string_view content,
    std::optional<std::filesystem::perms> mode = std::nullopt,
    const std::function<void(const std::filesystem::path&)>& before_rename = {});

/// Line and column (1-based) of a byte offset in `text`, the way nlohmann's parse_error
/// reports `byte` (1-based position of the last character read).
struct TextPosition {
  std::size_t line = 1;
  std::size_t column = 1;
};
TextPosition text_position(std::string_view text, std::size_t byte) noexcept;

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
std::optional<JsonTextError> parse_json_text(std::string_view text, nlohmann::json& out);

/// Parses `text` (the content of `file`) as JSON, the way parse_json_text() does. Malformed
/// JSON is a BioXenException of `code`: "<file>:<line>:<column>: malformed JSON: <reason>" (no
/// line and column for a duplicate key), details {"file", "line", "column", "reason"}; the
/// reason never quotes the text (it may hold a secret).
nlohmann::json parse_json_file_text(std::string_view text, const std::filesystem::path& file,
                                    BioXenErrorCode code = BioXenErrorCode::invalid_configuration);

}  // namespace bioxen::detail
