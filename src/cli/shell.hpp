// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// `bioxen shell`: an interactive menu session like the original questionary tool, also
// driven by piped standard input.
#pragma once

#include <bioxen/chassis.hpp>
#include <bioxen/config.hpp>

#include <cstdio>
#include <istream>
#include <string>

namespace bioxen::cli {

/// How a shell session starts.
struct ShellOptions {
  ProductionConfig config;                   ///< the hypervisor's configuration
  ChassisType chassis = ChassisType::ecoli;  ///< the first chassis
  /// Interactive sessions print the menu, prompts and choices; piped ones echo each command
  /// line ("bioxen> start vm1") so that the transcript reads like a session.
  bool interactive = false;
};

/// Runs a session reading commands from `in` (one per line; a menu number or a command name,
/// optionally with its arguments) until `exit` or end of input. Returns the exit code: 0,
/// or — for piped input only — the exit code of the first command that failed (the session
/// goes on after a failure either way).
int run_shell(std::istream& in, const ShellOptions& options);

}  // namespace bioxen::cli
