// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// The commands of the bioxen tool. Each add_*_command registers a CLI11 subcommand whose
// callback stores the work to do in `action`; run_cli() runs it after parsing, so that
// parse errors (exit 2) and the command's own failures (exit 3 or 4) stay apart.
#pragma once

#include <CLI/CLI.hpp>

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

/// Parses the command line and runs the selected command; returns the process exit code
/// (docs/CLI.md): 0 ok, 2 usage, 3 invalid configuration or input, 4 runtime failure.
int run_cli(int argc, char** argv);

/// Runs `body`; a BioXenException is printed as "error [BXnnn]: reason" on stderr (and,
/// when `json`, as {"error": ...} on stdout) and turned into its exit code.
int guarded(bool json, const std::function<int()>& body);

/// Prints `j` on stdout, indented by two spaces, with a final newline.
void print_json(const nlohmann::json& j);

}  // namespace bioxen::cli
