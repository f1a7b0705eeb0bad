// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// What every command of the tool shares: exit codes, error reporting, files, number format.
#pragma once

#include <signal.h>
#include <bioxen/error_details.hpp>
#include <bioxen/scenario.hpp>

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace bioxen::cli {

/// The version of the shape of every JSON document the tool prints (its "format_version" key,
/// docs/CLI.md): raised when a key is removed or renamed or changes its meaning or unit; new
/// keys may appear without a change.
inline constexpr int json_format_version = 1;

/// The tool's exit codes (docs/CLI.md).
enum ExitCode : int {
  exit_ok = 0,             ///< success
  exit_usage = 2,          ///< bad command line: unknown option, missing argument
  exit_invalid_input = 3,  ///< invalid configuration, scenario, genome or other input
  exit_runtime = 4,        ///< the run itself failed: admission refused, bad transition, I/O
  exit_points_failed = 5,  ///< a sweep ran every point and some failed (their rows say why)
  exit_interrupted = 130,  ///< a sweep stopped by Ctrl-C (128 + SIGINT, as shells report it)
};

/// The exit code of a BioXen error: input codes (BX003, BX005, BX009, BX011, BX012, BX013)
/// give 3, the others (refusals and failures while running) give 4.
int exit_code_for(BioXenErrorCode code) noexcept;

/// A BioXen error whose exit code the command chose (e.g. io_error while writing a report
/// is a runtime failure, 4, though reading a bad input file is 3).
class CommandError : public BioXenException {
 public:
  CommandError(int exit_code, BioXenErrorCode code, std::string message,
               nlohmann::json details = nlohmann::json::object())
      : BioXenException(code, std::move(message), std::move(details)), exit_code_(exit_code) {}
  CommandError(int exit_code, const BioXenException& e)
      : BioXenException(e.code(), e.message(), e.details()), exit_code_(exit_code) {}
  int exit_code() const noexcept { return exit_code_; }

 private:
  int exit_code_;
};

/// The exit code of any BioXen error (CommandError's own, else exit_code_for(code)).
int exit_code_of(const BioXenException& e) noexcept;

/// Prints "error [BXnnn]: reason" on stderr.
void print_error(const BioXenException& e);
/// {"error": {"code": "BX005", "name": "invalid_configuration", "message": ..., "details": ...}}
nlohmann::json error_json(const BioXenException& e);

/// Writes an output file (a report, a chart, a snapshot) atomically: a unique temporary file
/// in the same directory, fsynced and renamed over `file`; the new file's permissions are
/// those of any new file (0666 less the umask). On failure nothing is left and the error is
/// io_error naming the file, with exit code 4 (a runtime failure, not bad input).
void write_text_file(const std::filesystem::path& file, std::string_view content);

/// 1234567 -> "1,234,567".
std::string format_count(std::uint64_t value);
/// A double rounded to an integer count: 1234567.4 -> "1,234,567".
std::string format_count(double value);
/// 1.5e6 -> "1.50 M", 1234 -> "1.23 k", 12.5 -> "12.5" (three significant digits).
std::string format_si(double value);
/// Virtual seconds for a table: "12.300 s" below two minutes, "2 min 05.0 s", "1 h 02 min"
/// (the library's format_virtual_seconds()).
inline std::string format_seconds(double seconds) { return format_virtual_seconds(seconds); }
/// A percentage with one decimal: "42.5 %".
std::string format_percent(double percent);

/// Installs `handler` for `signal` (sa_flags 0: no SA_RESTART, so a blocking read returns
/// EINTR) for the life of the object and restores the previous action at the end.
/// active() is false when sigaction failed (errno says why) and nothing was changed.
class ScopedSigaction {
 public:
  ScopedSigaction(int signal, void (*handler)(int)) noexcept;
  ~ScopedSigaction();
  ScopedSigaction(const ScopedSigaction&) = delete;
  ScopedSigaction& operator=(const ScopedSigaction&) = delete;

  bool active() const noexcept { return active_; }

 private:
  int signal_;
  struct sigaction old_ {};
  bool active_ = false;
};

/// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string html_escape(std::string_view text);

}  // namespace bioxen::cli
