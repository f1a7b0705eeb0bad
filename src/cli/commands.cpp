// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#include "commands.hpp"

#include "common.hpp"
#include "guide_location.hpp"

#include <fmt/core.h>
#include <bioxen/detail/json_read.hpp>
#include <bioxen/version.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <new>

namespace bioxen::cli {

void print_json(const nlohmann::json& j) {
  nlohmann::json out = j;
  if (out.is_object()) out["format_version"] = json_format_version;
  // error_handler_t::replace: invalid UTF-8 in a file name must not abort the output.
  fmt::print("{}\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
  std::fflush(stdout);
}

CLI::Validator whole_number_in(std::uint64_t lo, std::uint64_t hi) {
  const std::string range = fmt::format("{} to {}", lo, hi);
  return CLI::Validator(
      [lo, hi, range](std::string& text) -> std::string {
        const std::string shown = detail::printable(text);
        const bool digits =
            !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
        if (!digits) return fmt::format("'{}' is not a whole number (expected {})", shown, range);
        std::uint64_t v = 0;
        const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec == std::errc::result_out_of_range || (ec == std::errc{} && (v < lo || v > hi))) {
          return fmt::format("'{}' is out of range ({})", shown, range);
        }
        if (ec != std::errc{} || ptr != text.data() + text.size()) {
          return fmt::format("'{}' is not a whole number (expected {})", shown, range);
        }
        return {};
      },
      range, "");
}

CLI::Validator number_in(double lo, double hi) {
  const std::string range = fmt::format("{:g} to {:g}", lo, hi);
  return CLI::Validator(
      [lo, hi, range](std::string& text) -> std::string {
        const std::string shown = detail::printable(text);
        double v = 0;
        const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec == std::errc::result_out_of_range) {
          return fmt::format("'{}' is out of range ({})", shown, range);
        }
        if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size() ||
            !std::isfinite(v)) {
          return fmt::format("'{}' is not a number (expected {})", shown, range);
        }
        if (!(v >= lo && v <= hi)) return fmt::format("'{}' is out of range ({})", shown, range);
        return {};
      },
      range, "");
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
      "Exit codes: 0 ok, 2 usage error, 3 invalid configuration or input, 4 runtime failure, 5 "
      "some points of a sweep failed, 130 a sweep interrupted.\n" +
      guide_footer());

  Action action;
  add_demo_command(app, action);
  add_run_command(app, action);
  add_sweep_command(app, action);
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
