// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Fuzz target: VM configurations (ConfigManager): load_from_file, validate_config,
// check_config, merge_configs, and create_bio_vm with an accepted configuration.
//
// The input is one or two configuration files separated by a line `---` (the second is the
// override of merge_configs). Properties: validate_config() is true exactly when check_config()
// does not throw, for both vm types; merge_configs() is an object merge (an empty override or
// base changes nothing, merging a config into itself or the same override twice is
// idempotent, the override's non-object values win); a configuration that validates creates a
// VM (or fails with a BioXenException only) and a created VM runs and round-trips.
#include <bioxen/config_manager.hpp>
#include <bioxen/factory.hpp>
#include <bioxen/hypervisor.hpp>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"

namespace {

using bioxen::ConfigManager;
using bioxen::fuzz::check;
using nlohmann::json;

std::optional<json> load(std::string_view name, std::string_view text) {
  try {
    return ConfigManager::load_from_file(bioxen::fuzz::write_temp(name, text));
  } catch (const bioxen::BioXenException&) {
    return std::nullopt;
  }
}

bool checks(const json& config, std::string_view vm_type) {
  try {
    ConfigManager::check_config(config, vm_type);
    return true;
  } catch (const bioxen::BioXenException&) {
    return false;
  }
}

void check_merge(const json& base, const json& override_config) {
  const json merged = ConfigManager::merge_configs(base, override_config);
  check(merged.is_object(), "merge of two objects is not an object");
  for (const auto& [key, value] : override_config.items()) {
    check(merged.contains(key), "merge lost a key of the override", key);
    if (!value.is_object()) check(merged[key] == value, "the override's value did not win", key);
  }
  for (const auto& [key, value] : base.items()) {
    check(merged.contains(key), "merge lost a key of the base", key);
  }
  check(ConfigManager::merge_configs(merged, override_config) == merged,
        "merging the same override twice is not idempotent");
}

/// A configuration that validates creates a VM, or fails with a BioXenException; a created VM
/// runs and round-trips through a snapshot.
void check_creates(const json& config, std::string_view vm_type) {
  std::string type = "syn3a";
  if (const auto it = config.find("biological_type"); it != config.end() && it->is_string()) {
    type = it->get<std::string>();
  }
  bioxen::BioXenHypervisor hv;
  try {
    (void)bioxen::create_bio_vm(hv, "fuzz", type, vm_type, config);
  } catch (const bioxen::BioXenException&) {
    return;
  }
  if (vm_type == "basic") bioxen::fuzz::step("start_vm()", [&] { hv.start_vm("fuzz"); });
  bioxen::fuzz::check_runs_and_round_trips(hv);
}

void check_config_properties(const json& config) {
  check(config.is_object(), "load_from_file accepted a non-object");
  const json reread =
      bioxen::fuzz::step("dump() and parse", [&] { return json::parse(config.dump()); });
  check(reread == config, "the configuration changed through dump and parse");
  for (const std::string_view vm_type : {"basic", "xcpng"}) {
    const bool valid = ConfigManager::validate_config(config, vm_type);
    check(valid == checks(config, vm_type), "validate_config disagrees with check_config");
    if (valid) check_creates(config, vm_type);
  }
  check(ConfigManager::merge_configs(config, json::object()) == config,
        "merging an empty override changed the configuration");
  check(ConfigManager::merge_configs(json::object(), config) == config,
        "merging into an empty base changed the configuration");
  check(ConfigManager::merge_configs(config, json()) == config,
        "merging a null override changed the configuration");
  check(ConfigManager::merge_configs(config, config) == config,
        "merging a configuration into itself changed it");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = bioxen::fuzz::as_text(data, size);
  constexpr std::string_view separator = "\n---\n";
  const std::size_t split = text.find(separator);
  const auto base = load("base.json", text.substr(0, split));
  if (base) check_config_properties(*base);
  if (split == std::string_view::npos) return 0;
  const auto override_config = load("override.json", text.substr(split + separator.size()));
  if (!override_config) return 0;
  check_config_properties(*override_config);
  if (base) check_merge(*base, *override_config);
  return 0;
}
