// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// `bioxen shell`: an interactive menu session like the original questionary tool, also
// driven by piped standard input. On a terminal it reads lines through libedit (line editing,
// history, Tab completion) when the tool was built with it, and Ctrl-C cancels the command
// that runs.
#pragma once

#include <bioxen/chassis.hpp>
#include <bioxen/config.hpp>
#include <bioxen/types.hpp>
#include <bioxen/work_model.hpp>

#include <cstdio>
#include <filesystem>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bioxen::cli {

/// How a shell session starts.
struct ShellOptions {
  ProductionConfig config;                   ///< the hypervisor's configuration
  ChassisType chassis = ChassisType::ecoli;  ///< the first chassis
  /// Interactive sessions print the menu, prompts and choices; piped ones echo each command
  /// line ("bioxen> start vm1") so that the transcript reads like a session. Interactive
  /// sessions also take Ctrl-C (SIGINT) for themselves while they last: it cancels the
  /// command that runs (a `run` stops at the end of a quantum) or clears the line typed.
  bool interactive = false;
  /// Where the lines come from: `in` (piped input), or the terminal on standard input,
  /// read directly so that Ctrl-C is never lost between two reads; `in` is then not read.
  enum class Input {
    stream,    ///< std::getline on `in`
    terminal,  ///< plain lines from the terminal (no editing, history or completion)
    editor,    ///< the line editor, libedit (`terminal` in a build without it, said once)
  };
  Input input = Input::stream;
  /// Why line editing is off in an interactive session (input `terminal` or `stream`), said
  /// once at the start.
  std::string line_editor_off_reason;
  /// Where the line editor's history is loaded from and saved to (nullopt: this session's
  /// history only).
  std::optional<std::filesystem::path> history_file;
};

/// Runs a session reading commands from `in` (one per line; a menu number or a command name,
/// optionally with its arguments) until `exit` or end of input. Returns the exit code: 0,
/// or — for piped input only — the exit code of the first command that failed (the session
/// goes on after a failure either way).
int run_shell(std::istream& in, const ShellOptions& options);

/// Whether this build has the line editor (BIOXEN_WITH_LINE_EDITOR found libedit).
bool shell_has_line_editor() noexcept;

/// The history file of interactive sessions, from the environment: $BIOXEN_HISTORY_FILE when
/// set (empty or "off": nullopt, no file), else $XDG_STATE_HOME/bioxen/history (when
/// XDG_STATE_HOME is an absolute path), else $HOME/.local/state/bioxen/history; nullopt
/// without any of them.
std::optional<std::filesystem::path> shell_history_file_from_environment();

/// A VM as Tab completion sees it.
struct CompletionVm {
  std::string id;
  VMState state = VMState::created;
};

/// What Tab completes `line` (the text before the cursor) to: the candidates for its last
/// word (empty when `line` ends in a blank), each a whole word starting with it, sorted and
/// without duplicates. The first word completes to a command name; then `start`, `pause`,
/// `resume`, `stop` and `destroy` take the id of a VM whose state allows the command,
/// `chassis` a chassis name, `create ID` a built-in genome or `genome=`, and its settings
/// their keys (`ribosomes=` ...; `allow_incompatible_code=` true or false), and `snapshot`,
/// `restore` and `genome=` a file name (directories end in '/'). A menu number counts as its
/// command.
std::vector<std::string> shell_completions(std::string_view line,
                                           const std::vector<CompletionVm>& vms);

/// The shell's line about the host cell: its state, growth rate, doubling time and the
/// guests' share of translation (or that the capacity work model does not model it).
std::string host_status_line(const HostStatus& host);

}  // namespace bioxen::cli
