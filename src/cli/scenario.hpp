// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Declarative scenarios for `bioxen run`: chassis, configuration, VMs, duration and timed
// events, read from JSON (schema in docs/CLI.md).
#pragma once

#include <bioxen/chassis.hpp>
#include <bioxen/config.hpp>
#include <bioxen/genome.hpp>
#include <bioxen/sweep.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bioxen::cli {

/// Parses a duration with a unit: "500ms", "2.5s", "10m" (or "10min"), "1h". The value must
/// be positive and finite; the result is rounded to whole microseconds. Throws
/// BioXenException(invalid_configuration) naming `field`.
std::chrono::microseconds parse_duration(std::string_view text, std::string_view field);

/// "100 ms", "2.5 s", "10 min" (for messages and tables).
std::string describe_duration(std::chrono::microseconds d);

/// The resource request of a VM; what is absent takes the hypervisor's default.
struct AllocationSpec {
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

/// A VM of a scenario: what it runs and what it reserves.
struct VmSpec {
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

std::string_view to_string(EventAction action) noexcept;

/// A timed event. Events run before the quantum `at_quantum` (so `at: 0` happens before
/// the first quantum), in time order, file order among equal times.
struct EventSpec {
  std::uint64_t at_quantum = 0;
  EventAction action = EventAction::start;
  std::string vm;
  std::optional<VmSpec> create;  ///< for EventAction::create
  std::string field;             ///< "events[3]"
  std::string at_text;           ///< as written: "50" or "2.5s"
};

/// A parsed, validated scenario.
struct Scenario {
  std::string name;
  std::string description;
  std::string source;  ///< the file (or "<embedded demo>")
  ChassisProfile chassis;
  std::string chassis_name;  ///< "ecoli", or "custom, based on <base>" for an inline profile
  ProductionConfig config;
  std::vector<VmSpec> vms;
  std::vector<EventSpec> events;  ///< sorted by at_quantum (stable)
  std::uint64_t quanta = 0;       ///< length of the run
  std::string length_text;        ///< "600 quanta" or "10m" as written
  /// Events left out because --quanta/--duration ended the run before them (printed as
  /// warnings by the command).
  std::vector<std::string> warnings;

  double quantum_seconds() const noexcept {
    return static_cast<double>(config.scheduling_quantum_ms) / 1000.0;
  }
};

/// The most quanta a scenario (its "quanta") or `--quanta` may ask for; the virtual clock's end
/// may allow fewer (parse_scenario() says so).
inline constexpr std::uint64_t max_run_quanta = 1'000'000'000'000ULL;

/// How the command line overrides a scenario's length.
struct LengthOverride {
  std::optional<std::uint64_t> quanta;
  std::optional<std::string> duration;  ///< e.g. "10m"
};

/// Builds a scenario from its JSON. `source` names it in messages; relative genome paths
/// are resolved against `base_dir`. Every schema error is BioXenException
/// (invalid_configuration, BX005) whose message starts with "<source>: <field>: " (an unknown
/// key: "<source>: unknown key '<field>' (did you mean ...)") and whose details carry "file"
/// and "field"; genome files that do not parse keep their own code (genome_parse_error or
/// io_error) with the field prepended. VM ids follow the hypervisor's rule
/// (detail::validate_vm_id()).
Scenario parse_scenario(const nlohmann::json& j, std::string_view source,
                        const std::filesystem::path& base_dir, const LengthOverride& length = {});

// Paths into a scenario's JSON (PathStep, parse_scenario_path(), apply_scenario_override())
// are the library's (<bioxen/sweep.hpp>), shared with sweeps.
using bioxen::apply_scenario_override;
using bioxen::parse_scenario_path;
using bioxen::PathStep;

/// The value of a `--set` argument: JSON when the text parses as JSON strictly (a number,
/// true, false, null, a quoted string, an array, an object), else the text itself as a
/// string (so `--set config.scheduler_policy=fair_share` needs no quotes).
nlohmann::json parse_override_value(std::string_view text);

/// A `--set PATH=VALUE` of the command line.
struct ScenarioOverride {
  std::string argument;  ///< as given: "vms[0].allocation.ribosomes=8"
  std::string path;      ///< "vms[0].allocation.ribosomes"
  std::string value;     ///< the text after the first '=' (parse_override_value() reads it)
};

/// Splits and checks a `--set` argument: PATH=VALUE with a well-formed PATH. Errors:
/// BioXenException(invalid_argument) "--set 'ARG': ...".
ScenarioOverride parse_scenario_override(std::string_view argument);

/// Applies `overrides` in order to a scenario's JSON, then parses it (parse_scenario()). An
/// override that does not apply is BioXenException(invalid_argument) "--set ARG: <why>"; a
/// schema error in a field an override set (or inside it) starts "--set ARG: " too and keeps
/// its code, with details "set" (the argument); other errors are parse_scenario()'s own.
Scenario parse_scenario_with_overrides(nlohmann::json j, std::string_view source,
                                       const std::filesystem::path& base_dir,
                                       const LengthOverride& length,
                                       const std::vector<ScenarioOverride>& overrides);

/// The name standard input has in messages when a scenario is read from it ("-").
inline constexpr std::string_view stdin_source = "<stdin>";

/// Reads and parses a scenario file (malformed JSON: BX005 with line and column); `file` "-"
/// reads standard input to its end (named "<stdin>" in messages; relative genome paths are
/// then resolved against the current directory). `overrides` are applied before the schema
/// is checked (parse_scenario_with_overrides()).
Scenario load_scenario(const std::filesystem::path& file, const LengthOverride& length = {},
                       const std::vector<ScenarioOverride>& overrides = {});

/// The JSON form of a parsed scenario (config and chassis in full), for `--json` output.
nlohmann::json scenario_to_json(const Scenario& s);

}  // namespace bioxen::cli
