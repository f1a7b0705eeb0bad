// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// `bioxen run SCENARIO.json [--quanta N | --duration 10m] [--json] [--report out.html]`.
#include <fmt/core.h>

#include <memory>
#include <optional>
#include <string>

#include "commands.hpp"
#include "common.hpp"
#include "output.hpp"
#include "report.hpp"
#include "scenario.hpp"
#include "simulation.hpp"

namespace bioxen::cli {

namespace {

struct RunOptions {
  std::string scenario;
  std::uint64_t quanta = 0;
  std::string duration;
  bool json = false;
  std::string report;
  bool no_progress = false;
};

int run_command(const RunOptions& o) {
  LengthOverride length;
  if (o.quanta > 0) length.quanta = o.quanta;
  if (!o.duration.empty()) length.duration = o.duration;
  const Scenario s = load_scenario(o.scenario, length);
  for (const auto& w : s.warnings) fmt::print(stderr, "warning: {}\n", w);

  SimulationOptions so;
  so.record = !o.report.empty();
  so.progress = !o.no_progress;
  const SimulationResult r = run_simulation(s, so);

  if (!o.report.empty()) {
    write_html_report(
        o.report,
        report_data(s, r, fmt::format("BioXen run: {}", s.name.empty() ? o.scenario : s.name)));
  }
  if (o.json) {
    nlohmann::json j = result_json(s, r);
    if (!o.report.empty()) j["report"] = o.report;
    print_json(j);
    return exit_ok;
  }
  fmt::print("{}\n", scenario_header(s));
  print_tables(result_tables(s, r));
  if (!o.report.empty()) fmt::print("\nReport written to {}\n", o.report);
  return exit_ok;
}

/// A CLI11 validator for durations such as "10m" (a bad one is a usage error, exit 2).
CLI::Validator duration_validator() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        try {
          (void)parse_duration(text, "");  // CLI11 names the option
        } catch (const BioXenException& e) {
          return e.message();
        }
        return {};
      },
      "DURATION", "");
}

}  // namespace

void add_run_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<RunOptions>();
  auto* sub = app.add_subcommand(
      "run", "Run a declarative scenario: chassis, config, VMs, duration and timed events");
  sub->add_option("SCENARIO", o->scenario, "Scenario file (JSON; schema in docs/CLI.md)")
      ->required();
  auto* quanta = sub->add_option("--quanta", o->quanta,
                                 "Run this many quanta instead of the scenario's length")
                     ->check(CLI::PositiveNumber);
  auto* duration = sub->add_option("--duration", o->duration,
                                   "Run this much virtual time instead, e.g. 500ms, 30s, 10m, 1h")
                       ->check(duration_validator());
  quanta->excludes(duration);
  sub->add_flag("--json", o->json, "Print the results as JSON on stdout");
  sub->add_option("--report", o->report,
                  "Write a self-contained HTML report with charts to this file");
  sub->add_flag("--no-progress", o->no_progress, "Never draw the progress bar");
  sub->footer(
      "Examples: bioxen run examples/scenarios/two_guests.json --report run.html\n"
      "          bioxen run scenario.json --duration 10m --json\n");
  sub->callback(
      [o, &action] { action = [o] { return guarded(o->json, [&] { return run_command(*o); }); }; });
}

}  // namespace bioxen::cli
