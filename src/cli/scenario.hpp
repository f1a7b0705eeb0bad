// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Scenarios as the command line reads them: a file or standard input, with `--set`
// overrides (the schema is docs/CLI.md's; the parser is the library's).
#pragma once

#include <bioxen/scenario.hpp>
#include <bioxen/sweep.hpp>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bioxen::cli {

// The scenario itself (Scenario, parse_scenario(), scenario_to_json(), LengthOverride, ...) is
// the library's (<bioxen/scenario.hpp>); the command line adds --set overrides and standard
// input.

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

}  // namespace bioxen::cli
