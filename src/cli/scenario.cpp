// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#include "scenario.hpp"

#include <fmt/core.h>
#include <fmt/format.h>
#include <bioxen/detail/json_read.hpp>
#include <bioxen/error_details.hpp>

#include <iostream>
#include <sstream>

#include "common.hpp"
#include "detail/text_io.hpp"

namespace bioxen::cli {

namespace {

[[noreturn]] void fail_argument(std::string message, nlohmann::json details = {}) {
  if (details.is_null()) details = nlohmann::json::object();
  throw BioXenException(BioXenErrorCode::invalid_argument, std::move(message), std::move(details));
}

/// The field of an error from parse_scenario() (details "field"), or "".
std::string error_field(const BioXenException& e) {
  const auto& d = e.details();
  if (d.is_object() && d.contains("field") && d["field"].is_string()) {
    return d["field"].get<std::string>();
  }
  return {};
}

/// Whether the field `field` of an error is at `path` or inside it ("vms[0].type" is inside
/// "vms[0]"; "config.quantum" is not inside "config.q").
bool field_within(std::string_view field, std::string_view path) {
  if (field.substr(0, path.size()) != path) return false;
  return field.size() == path.size() || field[path.size()] == '.' || field[path.size()] == '[';
}

}  // namespace

nlohmann::json parse_override_value(std::string_view text) {
  nlohmann::json j;
  if (!detail::parse_json_text(text, j)) return j;
  return std::string(text);
}

ScenarioOverride parse_scenario_override(std::string_view argument) {
  const std::string shown = detail::printable(argument);
  const std::size_t eq = argument.find('=');
  if (eq == std::string_view::npos) {
    fail_argument(fmt::format("--set '{}': expected PATH=VALUE, e.g. "
                              "vms[0].allocation.ribosomes=8",
                              shown),
                  {{"set", shown}});
  }
  ScenarioOverride o;
  o.argument = std::string(argument);
  o.path = std::string(argument.substr(0, eq));
  try {
    (void)parse_scenario_path(o.path);
  } catch (const BioXenException& e) {
    auto details = e.details();
    details["set"] = shown;
    fail_argument(fmt::format("--set '{}': path {}", shown, e.message()), details);
  }
  o.value = std::string(argument.substr(eq + 1));
  return o;
}

Scenario parse_scenario_with_overrides(nlohmann::json j, std::string_view source,
                                       const std::filesystem::path& base_dir,
                                       const LengthOverride& length,
                                       const std::vector<ScenarioOverride>& overrides) {
  for (const auto& o : overrides) {
    try {
      // A field of a chassis given by name (or of the default, ecoli): the named profile
      // becomes the base of an inline one ({"base": "ecoli", ...}), which is what
      // "chassis": "ecoli" means.
      if (o.path.rfind("chassis.", 0) == 0 && j.is_object() &&
          (!j.contains("chassis") || j["chassis"].is_string())) {
        nlohmann::json copy = j;
        copy["chassis"] = {{"base", j.contains("chassis") ? j["chassis"] : "ecoli"}};
        apply_scenario_override(copy, o.path, parse_override_value(o.value));
        j = std::move(copy);
        continue;
      }
      apply_scenario_override(j, o.path, parse_override_value(o.value));
    } catch (const BioXenException& e) {
      auto details = e.details();
      details["set"] = o.argument;
      details["file"] = std::string(source);
      fail_argument(
          fmt::format("--set {}: {}: {}", detail::printable(o.argument), source, e.message()),
          details);
    }
  }
  try {
    return parse_scenario(j, source, base_dir, length);
  } catch (const BioXenException& e) {
    const std::string field = error_field(e);
    // The last override that set the field (or a value around it) is the one to blame.
    for (auto it = overrides.rbegin(); it != overrides.rend() && !field.empty(); ++it) {
      if (!field_within(field, it->path) && !field_within(it->path, field)) continue;
      auto details = e.details();
      details["set"] = it->argument;
      const std::string message =
          fmt::format("--set {}: {}", detail::printable(it->argument), e.message());
      if (const auto* ce = dynamic_cast<const CommandError*>(&e)) {
        throw CommandError(ce->exit_code(), e.code(), message, details);
      }
      throw BioXenException(e.code(), message, details);
    }
    throw;
  }
}

Scenario load_scenario(const std::filesystem::path& file, const LengthOverride& length,
                       const std::vector<ScenarioOverride>& overrides) {
  if (file == "-") {
    std::string text;
    {
      std::ostringstream buffer;
      buffer << std::cin.rdbuf();
      text = std::move(buffer).str();
    }
    if (std::cin.bad()) {
      throw BioXenException(BioXenErrorCode::io_error,
                            "cannot read the scenario from standard input",
                            {{"file", std::string(stdin_source)}});
    }
    const nlohmann::json j =
        detail::parse_json_file_text(text, std::filesystem::path(std::string(stdin_source)));
    return parse_scenario_with_overrides(j, stdin_source, std::filesystem::path(), length,
                                         overrides);
  }
  const std::string text = detail::read_text_file(file, "scenario file");
  const nlohmann::json j = detail::parse_json_file_text(text, file);
  return parse_scenario_with_overrides(j, file.string(), file.parent_path(), length, overrides);
}

}  // namespace bioxen::cli
