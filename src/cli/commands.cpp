// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#include "commands.hpp"

#include "common.hpp"
#include "guide_location.hpp"

#include <fmt/core.h>
#include <bioxen/version.hpp>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <new>

namespace bioxen::cli {

void print_json(const nlohmann::json& j) {
  // error_handler_t::replace: invalid UTF-8 in a file name must not abort the output.
  fmt::print("{}\n", j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
  std::fflush(stdout);
}

int guarded(bool json, const std::function<int()>& body) {
  try {
    return body();
  } catch (const BioXenException& e) {
    print_error(e);
    if (json) print_json(error_json(e));
    return exit_code_of(e);
  } catch (const std::filesystem::filesystem_error& e) {
    const CommandError err(exit_runtime, BioXenErrorCode::io_error, e.what());
    print_error(err);
    if (json) print_json(error_json(err));
    return exit_runtime;
  }
}

namespace {

/// The deepest subcommand the parser had reached, for the "see --help" hint.
std::string command_path(const CLI::App& app) {
  std::string path = app.get_name();
  const CLI::App* at = &app;
  for (;;) {
    const auto subs = at->get_subcommands();
    if (subs.empty()) break;
    at = subs.front();
    path += ' ';
    path += at->get_name();
  }
  return path;
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{
      "BioXen: a biological hypervisor simulator. A host cell (the chassis) shares its "
      "ribosomes, ATP and genome space among guest genomes (biological VMs) under a "
      "time-quantum scheduler.",
      "bioxen"};
  app.set_version_flag("--version", std::string("bioxen ") + bioxen::version(),
                       "Print the version and exit");
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 ok, 2 usage error, 3 invalid configuration or input, 4 runtime failure.\n" +
      guide_footer());

  Action action;
  add_demo_command(app, action);
  add_run_command(app, action);
  add_shell_command(app, action);
  add_config_command(app, action);
  add_types_command(app, action);
  add_genome_command(app, action);
  add_validate_command(app, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::string reason = e.what();
    if (reason.empty()) reason = e.get_name();
    fmt::print(stderr, "error [{}]: {}\n", error_code_string(BioXenErrorCode::invalid_argument),
               reason);
    fmt::print(stderr, "Run '{} --help' for usage.\n", command_path(app));
    return exit_usage;
  }
  if (!action) return exit_ok;
  try {
    return action();
  } catch (const std::bad_alloc&) {
    fmt::print(stderr, "error: out of memory\n");
    return exit_runtime;
  } catch (const std::exception& e) {
    // Not a BioXen failure: a bug or an unexpected library error. Still one line.
    fmt::print(stderr, "error: internal error: {}\n", e.what());
    return exit_runtime;
  }
}

}  // namespace bioxen::cli
