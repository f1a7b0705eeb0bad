// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Declarative scenarios: a chassis, a configuration, VMs, a length and timed events, read from
// JSON (the `bioxen run` schema, docs/CLI.md), and the runner that plays one on a hypervisor
// of its own. scenario_point_metrics() is the point function of `bioxen sweep`: with it a C++
// program runs a sweep (<bioxen/sweep.hpp>) and gets the rows the tool writes.
//
// @code
// const bioxen::Scenario s = bioxen::read_scenario_file("examples/scenarios/two_guests.json");
// const bioxen::ScenarioResult r = bioxen::run_scenario(s);
// std::printf("host doubling %.1f min (alone %.1f min)\n", r.host.doubling_time_min,
//             r.host_alone.doubling_time_min);
// @endcode
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bioxen/chassis.hpp"
#include "bioxen/config.hpp"
#include "bioxen/export.hpp"
#include "bioxen/genome.hpp"
#include "bioxen/metrics.hpp"
#include "bioxen/sweep.hpp"
#include "bioxen/types.hpp"
#include "bioxen/work_model.hpp"

namespace bioxen {

class BioXenHypervisor;

// --- reading a scenario ------------------------------------------------------------------

/// Parses a duration with a unit: "500ms", "2.5s", "10m" (or "10min"), "1h". The value must
/// be positive and finite; the result is rounded to whole microseconds. Throws
/// BioXenException(invalid_configuration) naming `field`.
BIOXEN_API std::chrono::microseconds parse_duration(std::string_view text, std::string_view field);

/// "100 ms", "2.5 s", "10 min" (for messages and tables).
BIOXEN_API std::string describe_duration(std::chrono::microseconds d);

/// Virtual seconds for people: "12.300 s" below two minutes, "2 min 05.0 s", "1 h 02 min";
/// "-" when not finite.
BIOXEN_API std::string format_virtual_seconds(double seconds);

/// The resource request of a VM; what is absent takes the hypervisor's default.
struct BIOXEN_API AllocationSpec {
  std::optional<std::uint32_t> ribosomes;
  std::optional<double> atp_percentage;
  std::optional<std::uint32_t> rna_polymerase;
  std::optional<std::uint64_t> memory_kb;
  std::optional<std::uint32_t> priority;
  std::optional<bool> allow_incompatible_code;

  bool empty() const noexcept {
    return !ribosomes && !atp_percentage && !rna_polymerase && !memory_kb && !priority &&
           !allow_incompatible_code;
  }
};

/// The ResourceAllocation of a spec (absent fields: automatic).
BIOXEN_API ResourceAllocation to_allocation(const AllocationSpec& spec);

/// A VM of a scenario: what it runs and what it reserves.
struct BIOXEN_API VmSpec {
  std::string id;
  std::string type;         ///< a built-in genome ("syn3a", "ecoli", "syn3a_recoded", ...), or
  GenomePtr genome;         ///< a genome loaded from the file named in "genome"
  std::string genome_file;  ///< as written in the scenario (for reports)
  AllocationSpec allocation;
  bool start = true;  ///< start right after creation
  std::string field;  ///< where it was declared, e.g. "vms[1]" or "events[3]"

  /// The biological type, or the genome's name for a genome file.
  std::string kind() const { return genome ? genome->name() : type; }
};

enum class EventAction { create, start, pause, resume, stop, destroy };

BIOXEN_API std::string_view to_string(EventAction action) noexcept;

/// A timed event. Events run before the quantum `at_quantum` (so `at: 0` happens before
/// the first quantum), in time order, file order among equal times.
struct BIOXEN_API EventSpec {
  std::uint64_t at_quantum = 0;
  EventAction action = EventAction::start;
  std::string vm;
  std::optional<VmSpec> create;  ///< for EventAction::create
  std::string field;             ///< "events[3]"
  std::string at_text;           ///< as written: "50" or "2.5s"
};

/// A parsed, validated scenario.
struct BIOXEN_API Scenario {
  std::string name;
  std::string description;
  std::string source;  ///< the file (or another name given to parse_scenario())
  ChassisProfile chassis;
  std::string chassis_name;  ///< "ecoli", or "custom, based on <base>" for an inline profile
  ProductionConfig config;
  std::vector<VmSpec> vms;
  std::vector<EventSpec> events;  ///< sorted by at_quantum (stable)
  std::uint64_t quanta = 0;       ///< length of the run
  std::string length_text;        ///< "600 quanta" or "10m" as written
  /// Events left out because a LengthOverride ended the run before them.
  std::vector<std::string> warnings;

  double quantum_seconds() const noexcept {
    return static_cast<double>(config.scheduling_quantum_ms) / 1000.0;
  }
};

/// The most quanta a scenario (its "quanta") or a LengthOverride may ask for; the virtual
/// clock's end may allow fewer (parse_scenario() says so).
inline constexpr std::uint64_t max_run_quanta = 1'000'000'000'000ULL;

/// A length that replaces the scenario's own (the tool's --quanta and --duration). Events
/// after the new end are left out with a warning (Scenario::warnings) instead of refused.
struct BIOXEN_API LengthOverride {
  std::optional<std::uint64_t> quanta;
  std::optional<std::string> duration;  ///< e.g. "10m"
};

/// Builds a scenario from its JSON. `source` names it in messages; relative genome paths
/// are resolved against `base_dir`. Every schema error is BioXenException
/// (invalid_configuration, BX005) whose message starts with "<source>: <field>: " (an unknown
/// key: "<source>: unknown key '<field>' (did you mean ...)") and whose details carry "file"
/// and "field"; genome files that do not parse keep their own code (genome_parse_error or
/// io_error) with the field prepended. VM ids follow the hypervisor's rule.
BIOXEN_API Scenario parse_scenario(const nlohmann::json& j, std::string_view source,
                                   const std::filesystem::path& base_dir,
                                   const LengthOverride& length = {});

/// Reads and parses a scenario file: io_error when it cannot be read, invalid_configuration
/// with line and column for malformed JSON, then parse_scenario() with the file's directory
/// as base_dir.
BIOXEN_API Scenario read_scenario_file(const std::filesystem::path& file,
                                       const LengthOverride& length = {});

/// The JSON form of a parsed scenario (config and chassis in full).
BIOXEN_API nlohmann::json scenario_to_json(const Scenario& s);

// --- running a scenario ------------------------------------------------------------------

/// An event as it was applied.
struct BIOXEN_API AppliedEvent {
  std::uint64_t quantum = 0;
  double seconds = 0.0;  ///< virtual time
  std::string field;     ///< "events[2]"
  std::string action;
  std::string vm;
};

/// One guest's part in the host's translation in the last quantum of a run.
struct BIOXEN_API GuestShare {
  std::string vm_id;
  double amino_acids_per_s = 0.0;    ///< amino acids it polymerised per second
  double translation_share = 0.0;    ///< of all amino acids the cell made (host and guests)
  double ribosomes_on_chains = 0.0;  ///< physical ribosomes on its chains (running or frozen)
  double ribosome_share = 0.0;       ///< ribosomes_on_chains / the chassis' active ribosomes
};

/// How to run a scenario. Every callback may be empty; each runs on the calling thread.
struct BIOXEN_API ScenarioRunOptions {
  /// Watch the run with a ProductionMonitor when the scenario enables monitoring
  /// (config.enable_monitoring), for ScenarioResult::performance. false: never (the monitor
  /// starts a thread and measures wall-clock latencies; a sweep's points need none of it).
  bool monitor = true;
  /// Keep the monitor's Prometheus exposition at the end (ScenarioResult::prometheus); the
  /// scenario must enable monitoring, else invalid_argument before anything runs.
  bool prometheus = false;
  /// Create the VMs that ask for nothing but a built-in type through create_bio_vm() (the
  /// original library's production workflow); they are stopped after the last quantum.
  bool use_factory = false;
  /// Called once the hypervisor exists, before the first VM: attach observers here (they
  /// live as long as the hypervisor, which run_scenario() destroys before it returns).
  std::function<void(BioXenHypervisor&)> on_hypervisor;
  /// Called with the host's status before the first VM is created.
  std::function<void(const HostStatus&)> on_host_alone;
  /// Called after each VM of the scenario (and of a create event) is created and started.
  std::function<void(const VmSpec&)> on_created;
  /// Called after each event is applied.
  std::function<void(const EventSpec&)> on_event;
  /// Called as the run advances with the quanta done of the scenario's quanta: 0 once the
  /// scenario's VMs exist, then at least every 4096 quanta, at each event and at the end.
  std::function<void(std::uint64_t done, std::uint64_t total)> on_progress;
};

/// What a run produced.
struct BIOXEN_API ScenarioResult {
  std::vector<VmStatus> vms;        ///< VMs that exist at the end, creation order
  std::vector<VmStatus> destroyed;  ///< last status of each VM destroyed during the run
  SystemResources resources;        ///< at the end
  std::optional<PerformanceSummary> performance;  ///< when monitored
  std::vector<AppliedEvent> events;
  /// ProductionMonitor::to_prometheus() after the last quantum, when options.prometheus.
  std::string prometheus;
  nlohmann::json chassis_info;      ///< BioXenHypervisor::get_chassis_info()
  nlohmann::json resource_summary;  ///< BioResourceManager::get_resource_summary()
  HostStatus host_alone;            ///< the host before any VM existed (its reference growth)
  HostStatus host;                  ///< the host after the last quantum
  std::vector<GuestShare> guests;   ///< per VM existing at the end, creation order
  double wall_seconds = 0.0;
};

/// Runs `scenario` on a hypervisor of its own: creates the VMs, applies the events before
/// their quanta and advances virtual time; the last quantum runs alone, so that each guest's
/// rate in it is measured (ScenarioResult::guests). A failure (a refused allocation, an
/// impossible transition) is the library's BioXenException with its code, the message
/// prefixed with where it happened ("vms[1] (b): ", "events[2] (at 20.000 s: resume vm1): ")
/// and details "at" saying the same.
BIOXEN_API ScenarioResult run_scenario(const Scenario& scenario,
                                       const ScenarioRunOptions& options = {});

// --- a scenario as a sweep point ---------------------------------------------------------

/// The metrics of a point that are not per VM, in column order (docs/CLI.md, "Sweep results").
BIOXEN_API const std::vector<std::string>& sweep_point_metric_names();
/// The metrics of each VM, in column order; the metric's name is "<vm id>.<name>".
BIOXEN_API const std::vector<std::string>& sweep_vm_metric_names();

/// The metrics of a finished run: the host, the guests in total and each VM that exists at the
/// end or was destroyed by an event (docs/CLI.md, "Sweep results").
BIOXEN_API std::vector<SweepMetric> scenario_metrics(const ScenarioResult& result);

/// What `bioxen sweep` measures of a point: parses the point's scenario
/// with the sweep's base_dir, runs it without a monitor and measures it
/// (scenario_metrics()). Every number is of virtual time, so a point gives the same metrics on
/// any thread, any number of times.
BIOXEN_API std::vector<SweepMetric> scenario_point_metrics(const Sweep& sweep,
                                                           const SweepPoint& point);

/// scenario_point_metrics() for the points of `sweep`, as run_sweep() takes it:
/// `run_sweep(sweep, scenario_point_function(sweep), on_point)`. It keeps a copy of what it
/// needs of `sweep` (the source and base_dir).
BIOXEN_API SweepPointFunction scenario_point_function(const Sweep& sweep);

}  // namespace bioxen
