// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Runs a Scenario for the commands (the library's run_scenario() with a progress bar and,
// optionally, a time series for the HTML report), and shows what it produced.
#pragma once

#include <bioxen/hypervisor.hpp>
#include <bioxen/metrics.hpp>
#include <bioxen/scenario.hpp>
#include <bioxen/types.hpp>
#include <bioxen/work_model.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "output.hpp"
#include "recorder.hpp"
#include "report.hpp"
#include "scenario.hpp"
#include "table.hpp"

namespace bioxen::cli {

/// How to run.
struct SimulationOptions {
  bool record = false;  ///< keep a time series (for --report and --csv)
  /// Keep the monitor's Prometheus exposition at the end (SimulationResult::prometheus); the
  /// scenario must enable monitoring.
  bool prometheus = false;
  bool progress = true;      ///< draw a progress bar when stdout is a terminal
  bool use_factory = false;  ///< create VMs through create_bio_vm (the demo's way)
  /// Called after each VM of the scenario is created (the demo prints it); may be empty.
  std::function<void(const VmSpec&)> on_created;
  /// Called with the host's status before the first VM is created; may be empty.
  std::function<void(const HostStatus&)> on_host_alone;
};

/// What a run produced: the library's result and, when options.record, the time series.
struct SimulationResult : ScenarioResult {
  std::unique_ptr<TimeSeriesRecorder> recorder;  ///< when options.record
};

/// Runs `scenario` (run_scenario()) with a progress bar on a terminal and, when
/// options.record, a time series. Failures are run_scenario()'s, e.g. "events[2] (at 20.000 s:
/// resume vm1): [BX007] ..." (exit code 4; 3 for an input error); --prometheus on a scenario
/// without monitoring is invalid_argument (exit code 3).
SimulationResult run_simulation(const Scenario& scenario, const SimulationOptions& options = {});

/// What the recorder reads from a hypervisor after a quantum.
SystemSample system_sample(const SystemResources& r);
std::vector<VmSample> vm_samples(const std::vector<VmStatus>& vms);
HostSample host_sample(const HostStatus& h);

/// What hosting did to the host, in one sentence: "Hosting 2 guests slowed the host from 39.8
/// to 73.1 min per doubling (guests make 17.2 % of its protein)", or that it stalled, or that
/// the host is not modelled (WorkModel::capacity).
std::string host_headline(const SimulationResult& result);

/// {"scenario", "quanta", "virtual_seconds", "system_resources", "resource_summary", "vms",
///  "destroyed_vms", "events", "performance", "chassis", "host_alone", "host",
///  "guest_translation", "wall_seconds"}: the --json output of run and demo.
nlohmann::json result_json(const Scenario& scenario, const SimulationResult& result);

/// The summary tables of a run: resources, VMs, per-VM work (destroyed VMs included), the
/// host cell and the guests' share of its translation, events and the monitor's performance
/// summary.
std::vector<Table> result_tables(const Scenario& scenario, const SimulationResult& result);

/// The scenario's header lines for text output: name, description, chassis, policy, length.
std::string scenario_header(const Scenario& scenario);

/// The report of a recorded run (result.recorder must be set).
ReportData report_data(const Scenario& scenario, const SimulationResult& result, std::string title);

}  // namespace bioxen::cli
