// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Declarative scenarios for `bioxen run`: chassis, configuration, VMs, duration and timed
// events, read from JSON (schema in docs/CLI.md).
#pragma once

#include <bioxen/chassis.hpp>
#include <bioxen/config.hpp>
#include <bioxen/genome.hpp>

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

/// Reads and parses a scenario file (malformed JSON: BX005 with line and column).
Scenario load_scenario(const std::filesystem::path& file, const LengthOverride& length = {});

/// The JSON form of a parsed scenario (config and chassis in full), for `--json` output.
nlohmann::json scenario_to_json(const Scenario& s);

}  // namespace bioxen::cli
