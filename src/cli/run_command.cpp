// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// `bioxen run SCENARIO.json|- [--quanta N | --duration 10m] [--set PATH=VALUE]... [--json]
// [--report out.html] [--csv series.csv] [--csv-summary vms.csv] [--prometheus bioxen.prom]`.
#include <fmt/core.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "common.hpp"
#include "csv.hpp"
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
  std::vector<std::string> set;
  bool json = false;
  std::string report;
  std::string csv;
  std::string csv_summary;
  std::string prometheus;
  bool no_progress = false;
};

int run_command(const RunOptions& o) {
  LengthOverride length;
  if (o.quanta > 0) length.quanta = o.quanta;
  if (!o.duration.empty()) length.duration = o.duration;
  std::vector<ScenarioOverride> overrides;
  overrides.reserve(o.set.size());
  for (const auto& a : o.set) overrides.push_back(parse_scenario_override(a));
  const Scenario s = load_scenario(o.scenario, length, overrides);
  for (const auto& w : s.warnings) fmt::print(stderr, "warning: {}\n", w);

  SimulationOptions so;
  so.record = !o.report.empty() || !o.csv.empty();
  so.prometheus = !o.prometheus.empty();
  so.progress = !o.no_progress;
  const SimulationResult r = run_simulation(s, so);

  // The files, each written atomically (a reader never sees half of one).
  std::vector<std::pair<std::string, std::string>> written;  // what, file
  if (!o.report.empty()) {
    write_html_report(
        o.report,
        report_data(s, r, fmt::format("BioXen run: {}", s.name.empty() ? o.scenario : s.name)));
    written.emplace_back("Report", o.report);
  }
  if (!o.csv.empty()) {
    write_text_file(o.csv, time_series_csv(*r.recorder));
    written.emplace_back("Time series (CSV)", o.csv);
  }
  if (!o.csv_summary.empty()) {
    write_text_file(o.csv_summary, vm_summary_csv(r));
    written.emplace_back("Per-VM summary (CSV)", o.csv_summary);
  }
  if (!o.prometheus.empty()) {
    write_text_file(o.prometheus, r.prometheus);
    written.emplace_back("Prometheus metrics", o.prometheus);
  }
  if (o.json) {
    nlohmann::json j = result_json(s, r);
    if (!o.report.empty()) j["report"] = o.report;
    if (!o.csv.empty()) j["csv"] = o.csv;
    if (!o.csv_summary.empty()) j["csv_summary"] = o.csv_summary;
    if (!o.prometheus.empty()) j["prometheus"] = o.prometheus;
    print_json(j);
    return exit_ok;
  }
  fmt::print("{}\n", scenario_header(s));
  print_tables(result_tables(s, r));
  if (!written.empty()) fmt::print("\n");
  for (const auto& [what, file] : written) fmt::print("{} written to {}\n", what, file);
  return exit_ok;
}

/// A CLI11 check of a --set argument's form (PATH=VALUE, a well-formed path): a malformed one
/// is a usage error (exit 2); whether the path exists is known once the scenario is read.
CLI::Validator set_validator() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        try {
          (void)parse_scenario_override(text);
        } catch (const BioXenException& e) {
          // CLI11 puts "--set: " in front.
          const std::string_view m = e.message();
          return std::string(m.rfind("--set ", 0) == 0 ? m.substr(6) : m);
        }
        return {};
      },
      "PATH=VALUE", "");
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
  sub->add_option("SCENARIO", o->scenario,
                  "Scenario file (JSON; schema in docs/CLI.md), or - for standard input")
      ->required();
  auto* quanta = sub->add_option("--quanta", o->quanta,
                                 "Run this many quanta instead of the scenario's length")
                     ->check(whole_number_in(1, max_run_quanta));
  auto* duration = sub->add_option("--duration", o->duration,
                                   "Run this much virtual time instead, e.g. 500ms, 30s, 10m, 1h")
                       ->check(duration_validator());
  quanta->excludes(duration);
  sub->add_option("--set", o->set,
                  "Set a field of the scenario before it is checked, e.g. --set "
                  "vms[0].allocation.ribosomes=8 or --set config.scheduler_policy=fair_share "
                  "(repeatable; the value is JSON if it parses, else a string)")
      ->check(set_validator())
      ->take_all()
      ->allow_extra_args(false);
  sub->add_flag("--json", o->json, "Print the results as JSON on stdout");
  sub->add_option("--report", o->report,
                  "Write a self-contained HTML report with charts to this file");
  sub->add_option("--csv", o->csv,
                  "Write the time series the report draws to this CSV file (one row per bucket "
                  "of quanta and VM)");
  sub->add_option("--csv-summary", o->csv_summary,
                  "Write one CSV row per VM (its status at the end and share of translation)");
  sub->add_option("--prometheus", o->prometheus,
                  "Write the monitor's metrics at the end in the Prometheus text format (for "
                  "node_exporter's textfile collector; written atomically)");
  sub->add_flag("--no-progress", o->no_progress, "Never draw the progress bar");
  sub->footer(
      "Examples: bioxen run examples/scenarios/two_guests.json --report run.html\n"
      "          bioxen run scenario.json --duration 10m --json\n"
      "          bioxen run scenario.json --set vms[0].allocation.ribosomes=8 --csv run.csv\n"
      "          make-scenario | bioxen run - --prometheus textfile/bioxen.prom\n");
  sub->callback(
      [o, &action] { action = [o] { return guarded(o->json, [&] { return run_command(*o); }); }; });
}

}  // namespace bioxen::cli
