// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// The commands of the bioxen tool. Each add_*_command registers a CLI11 subcommand whose
// callback stores the work to do in `action`; run_cli() runs it after parsing, so that
// parse errors (exit 2) and the command's own failures (exit 3 or 4) stay apart.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>

namespace bioxen::cli {

/// The work of the command that parsing selected; returns the exit code.
using Action = std::function<int()>;

void add_demo_command(CLI::App& app, Action& action);
void add_run_command(CLI::App& app, Action& action);
void add_shell_command(CLI::App& app, Action& action);
void add_config_command(CLI::App& app, Action& action);
void add_types_command(CLI::App& app, Action& action);
void add_genome_command(CLI::App& app, Action& action);
void add_validate_command(CLI::App& app, Action& action);
void add_sweep_command(CLI::App& app, Action& action);

/// Parses the command line and runs the selected command; returns the process exit code
/// (docs/CLI.md): 0 ok, 2 usage, 3 invalid configuration or input, 4 runtime failure.
int run_cli(int argc, char** argv);

/// Runs `body`; a BioXenException is printed as "error [BXnnn]: reason" on stderr (and,
/// when `json`, as {"error": ...} on stdout) and turned into its exit code.
int guarded(bool json, const std::function<int()>& body);

/// Prints `j` on stdout, indented by two spaces, with a final newline. An object gets the key
/// "format_version" (json_format_version): every JSON document the tool prints carries it.
void print_json(const nlohmann::json& j);

/// A CLI11 check of a whole-number option: decimal digits only, in [lo, hi]. Its messages
/// follow the tool's phrasing (CLI11 puts "--option: " in front): "'0' is out of range (1 to
/// 1000000000000)", "'abc' is not a whole number (expected 1 to 1000000000000)". The option's
/// help shows "1 to 1000000000000".
CLI::Validator whole_number_in(std::uint64_t lo, std::uint64_t hi);

/// A CLI11 check of a decimal option: a finite number in [lo, hi], e.g. "'0' is out of range
/// (0.01 to 1)".
CLI::Validator number_in(double lo, double hi);

}  // namespace bioxen::cli
