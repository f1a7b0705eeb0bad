// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "bioxen/config.hpp"
#include "bioxen/export.hpp"

namespace bioxen {

/// Configuration of biological VMs: the per-type defaults of the original library, file
/// loading, validation and merging. All members are static, as in the original library.
///
/// A VM configuration is a JSON object with any of these keys (all optional):
/// - `ribosomes`, `atp_percentage`, `rna_polymerase`, `memory_kb`, `priority`: the VM's
///   resource request (what is absent takes the hypervisor's default allocation);
/// - `genome`: a built-in genome name (defaults to the biological type);
/// - `resource_limits`: `{ "max_atp": %, "max_ribosomes": n }`, the caps the resource manager
///   enforces for this VM (the original library's per-type limits);
/// - `xcpng_config`: `{ xapi_url, username, password, ssh_user, ... }` (vm type `xcpng`);
/// - the original library's per-type flags (`genome_optimization`, `minimal_mode`,
///   `operon_management`, `plasmid_support`, `basic_functions_only`, `function_validation`):
///   booleans, recorded;
/// - `biological_type`, `vm_type`: must match the VM's when present.
///
/// Other keys are the user's own and are carried along (the original library's configs are
/// free-form), except a key within a few edits of a known one ("ribosome"), which is rejected
/// as a typo with the known key suggested. `resource_limits` and `xcpng_config` accept only their
/// keys.
///
/// @code
/// nlohmann::json d = bioxen::ConfigManager::load_defaults("syn3a");
/// // d["resource_limits"]["max_ribosomes"] == 15, d["memory_kb"] == 544
/// bool ok = bioxen::ConfigManager::validate_config(d, "basic");   // true
/// @endcode
class BIOXEN_API ConfigManager {
 public:
  /// The defaults of a biological type ("syn3a", "ecoli", "minimal_cell"): the original
  /// library's `resource_limits` and flags, plus `genome` (the built-in genome), `memory_kb`
  /// (the genome's size in kb, capped at `max_memory_kb` of a default ProductionConfig) and
  /// `priority` 1. Throws BioXenException(invalid_argument) naming the supported types.
  static nlohmann::json load_defaults(std::string_view biological_type);
  /// As above, with `memory_kb` capped at `config.max_memory_kb`.
  static nlohmann::json load_defaults(std::string_view biological_type,
                                      const ProductionConfig& config);

  /// A complete VM configuration: `biological_type`, `vm_type` and the type's defaults.
  static nlohmann::json get_default_config(std::string_view biological_type = "syn3a",
                                           std::string_view vm_type = "basic");

  /// Reads a VM configuration file (a JSON object). Errors: io_error when the file is
  /// missing or unreadable; invalid_configuration for malformed JSON (file, line, column)
  /// or a top level that is not an object.
  static nlohmann::json load_from_file(const std::filesystem::path& path);

  /// True when `config` is a valid configuration for `vm_type` ("basic" or "xcpng"):
  /// an object of the keys above with the right types and ranges; for "xcpng" also an
  /// `xcpng_config` with non-empty string fields xapi_url, username, password and ssh_user.
  /// False for an unknown vm type.
  static bool validate_config(const nlohmann::json& config, std::string_view vm_type);
  /// Like validate_config, but throws BioXenException(invalid_configuration) naming the
  /// first problem (key, expected type or range, nearest valid key). Secret values are
  /// never part of the message or the details.
  static void check_config(const nlohmann::json& config, std::string_view vm_type);

  /// `base` with `override_config` merged in: objects merge key by key (recursively),
  /// every other value of the override replaces the base's.
  static nlohmann::json merge_configs(const nlohmann::json& base,
                                      const nlohmann::json& override_config);
};

/// Loads, validates and saves the ProductionConfig.
///
/// Layers, each overriding the one before: the defaults of ProductionConfig; the file
/// (`~/.bioxen/config.json`, or the path given, or `$BIOXEN_CONFIG`); the environment
/// (`BIOXEN_<FIELD>` for every field, e.g. `BIOXEN_MAX_VMS=6`); what the program then
/// assigns to `config` (the explicit API). A missing file means defaults; anything wrong —
/// unreadable file (io_error), malformed JSON, unknown key, wrong type, value out of range
/// (invalid_configuration) — throws, naming the file or variable and the key.
///
/// @code
/// bioxen::ProductionConfigManager mgr;          // $BIOXEN_CONFIG or ~/.bioxen/config.json
/// mgr.config.max_vms = 6;                        // explicit API wins
/// mgr.save_config();                             // atomic, mode 0600
/// auto checks = mgr.validate_production_requirements();   // five named checks
/// @endcode
class BIOXEN_API ProductionConfigManager {
 public:
  /// The configuration in effect. Assign to its fields to override file and environment.
  ProductionConfig config;

  /// Loads from default_config_path().
  ProductionConfigManager();
  /// Loads from `config_path` (environment overrides still apply).
  explicit ProductionConfigManager(std::filesystem::path config_path);

  /// `$BIOXEN_CONFIG` when set and non-empty, else `$HOME/.bioxen/config.json` (the
  /// current directory's `.bioxen/config.json` when HOME is unset).
  static std::filesystem::path default_config_path();

  /// The environment variable of a field: "max_vms" -> "BIOXEN_MAX_VMS".
  static std::string environment_variable(std::string_view field);
  /// Every field of ProductionConfig, in the order of its JSON form.
  static std::vector<std::string> field_names();

  const std::filesystem::path& config_path() const noexcept { return config_path_; }
  /// Where each field's value came from: "default", "file", or the environment variable's
  /// name (the state after the last load; explicit assignments are not tracked).
  const std::map<std::string, std::string>& sources() const noexcept { return sources_; }
  /// True when the last load found a configuration file.
  bool loaded_from_file() const noexcept { return loaded_from_file_; }

  /// Discards `config` and loads the layers again.
  void reload();

  /// Validates `config` and writes it to config_path() atomically: a temporary file in the
  /// same directory (mode 0600, locked), fsync, rename over the old file, fsync of the
  /// directory. Creates the directory (mode 0700) when missing. A symbolic link is saved at
  /// its target, which a dangling link creates; a target in a missing directory is refused.
  /// On failure the old file is untouched and no temporary file is left behind; a crash
  /// leaves the old or the new file, and any temporary file it left is removed by the next
  /// save. Errors: invalid_configuration, io_error (naming the file and the step).
  void save_config() const;

  /// The original library's five checks: resource_limits_safe, emergency_reserve_adequate,
  /// vm_limits_reasonable, monitoring_enabled, logging_configured.
  std::map<std::string, bool> validate_production_requirements() const;

 private:
  void load();

  std::filesystem::path config_path_;
  std::map<std::string, std::string> sources_;
  bool loaded_from_file_ = false;
};

/// The JSON form of a ProductionConfig, validated strictly: every key must be a field, every
/// value of the field's type and range. `origin` names the source in error messages (a file
/// name, a variable, "config"). Throws BioXenException(invalid_configuration).
BIOXEN_API ProductionConfig production_config_from_json(const nlohmann::json& j,
                                                        std::string_view origin = "config");

}  // namespace bioxen
