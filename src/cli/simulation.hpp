// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Runs a Scenario on an owned BioXenHypervisor: creates the VMs, applies the timed events,
// advances virtual time, watches it with a ProductionMonitor and (optionally) records a time
// series for the HTML report.
#pragma once

#include <bioxen/hypervisor.hpp>
#include <bioxen/metrics.hpp>
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
  bool progress = true;  ///< draw a progress bar when stdout is a terminal
  /// Watch the run with a ProductionMonitor when the scenario enables monitoring
  /// (config.enable_monitoring). false: never (a sweep's points: the monitor starts a thread
  /// and measures wall-clock latencies, and a point's row uses none of it).
  bool monitor = true;
  bool use_factory = false;  ///< create VMs through create_bio_vm (the demo's way)
  /// Called after each VM of the scenario is created (the demo prints it); may be empty.
  std::function<void(const VmSpec&)> on_created;
  /// Called with the host's status before the first VM is created; may be empty.
  std::function<void(const HostStatus&)> on_host_alone;
};

/// An event as it was applied.
struct AppliedEvent {
  std::uint64_t quantum = 0;
  double seconds = 0.0;  ///< virtual time
  std::string field;     ///< "events[2]"
  std::string action;
  std::string vm;
};

/// What a run produced.
struct SimulationResult {
  std::vector<VmStatus> vms;        ///< VMs that exist at the end, creation order
  std::vector<VmStatus> destroyed;  ///< last status of each VM destroyed during the run
  SystemResources resources;        ///< at the end
  std::optional<PerformanceSummary> performance;  ///< when config.enable_monitoring
  std::vector<AppliedEvent> events;
  std::unique_ptr<TimeSeriesRecorder> recorder;  ///< when options.record
  /// ProductionMonitor::to_prometheus() after the last quantum, when options.prometheus.
  std::string prometheus;
  nlohmann::json chassis_info;      ///< BioXenHypervisor::get_chassis_info()
  nlohmann::json resource_summary;  ///< BioResourceManager::get_resource_summary()
  HostStatus host_alone;            ///< the host before any VM existed (its reference growth)
  HostStatus host;                  ///< the host after the last quantum
  std::vector<GuestShare> guests;   ///< per VM existing at the end, creation order
  double wall_seconds = 0.0;
};

/// Runs `scenario`. Failures (a refused allocation, an impossible transition) throw
/// CommandError with exit code 4 naming the scenario field, e.g.
/// "events[2] (at 20.000 s: resume vm1): [BX007] ...".
SimulationResult run_simulation(const Scenario& scenario, const SimulationOptions& options = {});

/// The resolved ResourceAllocation of a spec (absent fields: automatic).
ResourceAllocation to_allocation(const AllocationSpec& spec);

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
