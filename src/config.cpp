// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// ProductionConfig: its one field table (JSON keys, to_json, from_json derive from it), its
// validation and its adapters.
#include "bioxen/config.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>

#include "bioxen/detail/json_read.hpp"
#include "bioxen/error_details.hpp"
#include "detail/fields.hpp"

namespace bioxen {

namespace {

using detail::field;

/// The configuration's fields, in declaration order: the only list of them.
constexpr auto config_fields() {
  return std::tuple{
      field("max_vms", &ProductionConfig::max_vms),
      field("total_ribosomes", &ProductionConfig::total_ribosomes),
      field("hypervisor_overhead", &ProductionConfig::hypervisor_overhead),
      field("scheduling_quantum_ms", &ProductionConfig::scheduling_quantum_ms),
      field("enable_monitoring", &ProductionConfig::enable_monitoring),
      field("log_level", &ProductionConfig::log_level),
      field("metrics_collection", &ProductionConfig::metrics_collection),
      field("max_ribosome_allocation", &ProductionConfig::max_ribosome_allocation),
      field("max_atp_percentage", &ProductionConfig::max_atp_percentage),
      field("max_memory_kb", &ProductionConfig::max_memory_kb),
      field("emergency_ribosome_reserve", &ProductionConfig::emergency_ribosome_reserve),
      field("resource_warning_threshold", &ProductionConfig::resource_warning_threshold),
      field("scheduler_policy", &ProductionConfig::scheduler_policy),
      field("context_switch_ms", &ProductionConfig::context_switch_ms),
      field("fair_share_cap_ribosomes", &ProductionConfig::fair_share_cap_ribosomes),
      field("work_model", &ProductionConfig::work_model),
      field("pause_mechanism", &ProductionConfig::pause_mechanism),
      field("destroy_mechanism", &ProductionConfig::destroy_mechanism),
      field("transcription_isolation", &ProductionConfig::transcription_isolation),
      field("orthogonal_pool", &ProductionConfig::orthogonal_pool),
      field("orthogonal_pool_fraction", &ProductionConfig::orthogonal_pool_fraction),
      field("orthogonal_pool_max_fraction", &ProductionConfig::orthogonal_pool_max_fraction)};
}

constexpr auto kConfigKeys = detail::field_keys(config_fields());

[[noreturn]] void bad_config(std::string_view key, const nlohmann::json& value,
                             std::string_view rule) {
  throw BioXenException::invalid_configuration(
      fmt::format("invalid configuration: {} = {} {}", key, value.dump(), rule),
      {{"key", key}, {"value", value}});
}

/// An enum field must hold one of its table's values.
template <class E, class Table>
void check_enum(std::string_view key, E value, const Table& names) {
  if (detail::enum_name(names, value) == "unknown") {
    bad_config(key, static_cast<int>(value), "must be " + detail::enum_name_list(names));
  }
}

}  // namespace

const std::span<const std::string_view> ProductionConfig::keys{kConfigKeys};

SchedulerPolicy scheduler_policy_from_string(std::string_view name) {
  if (const auto* row = detail::find_enum_row(scheduler_policy_registry, name)) return row->value;
  throw BioXenException::invalid_configuration(
      fmt::format("unknown scheduler_policy '{}' (expected {})", detail::printable(name),
                  detail::enum_name_list(scheduler_policy_registry)),
      {{"key", "scheduler_policy"}, {"value", detail::printable(name)}});
}

void ProductionConfig::validate() const {
  if (max_vms < 1) bad_config("max_vms", max_vms, "must be >= 1");
  if (total_ribosomes < 1) bad_config("total_ribosomes", total_ribosomes, "must be >= 1");
  if (!(hypervisor_overhead >= 0.0 && hypervisor_overhead < 1.0)) {
    bad_config("hypervisor_overhead", detail::json_number(hypervisor_overhead),
               "must be in [0, 1)");
  }
  if (scheduling_quantum_ms < 1 || scheduling_quantum_ms > 3600000) {
    bad_config("scheduling_quantum_ms", scheduling_quantum_ms, "must be in [1, 3600000]");
  }
  bool level_ok = false;
  for (auto level : log_levels) level_ok = level_ok || level == log_level;
  if (!level_ok) {
    bad_config("log_level", detail::printable(log_level),
               "must be one of TRACE, DEBUG, INFO, WARNING, ERROR, CRITICAL, OFF");
  }
  if (max_ribosome_allocation < 1) {
    bad_config("max_ribosome_allocation", max_ribosome_allocation, "must be >= 1");
  }
  if (!(max_atp_percentage > 0.0 && max_atp_percentage <= 100.0)) {
    bad_config("max_atp_percentage", detail::json_number(max_atp_percentage),
               "must be in (0, 100]");
  }
  if (max_memory_kb < 1) bad_config("max_memory_kb", max_memory_kb, "must be >= 1");
  if (emergency_ribosome_reserve < 0 || emergency_ribosome_reserve > available_ribosomes()) {
    bad_config("emergency_ribosome_reserve", emergency_ribosome_reserve,
               fmt::format("must be in [0, {}] (the available ribosomes)", available_ribosomes()));
  }
  if (!(resource_warning_threshold >= 0.0 && resource_warning_threshold <= 1.0)) {
    bad_config("resource_warning_threshold", detail::json_number(resource_warning_threshold),
               "must be in [0, 1]");
  }
  check_enum("scheduler_policy", scheduler_policy, scheduler_policy_registry);
  if (!(context_switch_ms >= 0.0 && context_switch_ms <= scheduling_quantum_ms)) {
    bad_config("context_switch_ms", detail::json_number(context_switch_ms),
               fmt::format("must be in [0, {}] (the quantum)", scheduling_quantum_ms));
  }
  check_enum("work_model", work_model, detail::work_model_names);
  check_enum("pause_mechanism", pause_mechanism, detail::pause_mechanism_names);
  check_enum("destroy_mechanism", destroy_mechanism, detail::destroy_mechanism_names);
  check_enum("transcription_isolation", transcription_isolation,
             detail::transcription_isolation_names);
  check_enum("orthogonal_pool", orthogonal_pool, detail::orthogonal_pool_names);
  if (!(orthogonal_pool_fraction >= 0.0 && orthogonal_pool_fraction < 1.0)) {
    bad_config("orthogonal_pool_fraction", detail::json_number(orthogonal_pool_fraction),
               "must be in [0, 1)");
  }
  if (!(orthogonal_pool_max_fraction >= orthogonal_pool_fraction &&
        orthogonal_pool_max_fraction < 1.0)) {
    bad_config("orthogonal_pool_max_fraction", detail::json_number(orthogonal_pool_max_fraction),
               fmt::format("must be in [{}, 1) (at least orthogonal_pool_fraction)",
                           orthogonal_pool_fraction));
  }
  if (fair_share_cap_ribosomes < 0) {
    bad_config("fair_share_cap_ribosomes", fair_share_cap_ribosomes, "must be >= 0 (0 = no cap)");
  }
}

void to_json(nlohmann::json& j, SchedulerPolicy p) { j = to_string(p); }

void from_json(const nlohmann::json& j, SchedulerPolicy& p) {
  const detail::JsonContext ctx{BioXenErrorCode::invalid_configuration, "configuration"};
  p = scheduler_policy_from_string(detail::read_string(j, "scheduler_policy", ctx));
}

void to_json(nlohmann::json& j, const ProductionConfig& c) {
  detail::write_fields(j, c, config_fields());
}

void from_json(const nlohmann::json& j, ProductionConfig& c) {
  if (!j.is_object()) {
    throw BioXenException::invalid_configuration(
        fmt::format("configuration must be a JSON object, got {}", detail::json_kind(j)));
  }
  detail::read_fields(j, c, config_fields(),
                      {BioXenErrorCode::invalid_configuration, "configuration"},
                      detail::MissingKey::keep);
}

}  // namespace bioxen

auto fmt::formatter<bioxen::SchedulerPolicy>::format(bioxen::SchedulerPolicy p,
                                                     format_context& ctx) const
    -> format_context::iterator {
  return fmt::formatter<std::string_view>::format(bioxen::to_string(p), ctx);
}

auto fmt::formatter<bioxen::ProductionConfig>::format(const bioxen::ProductionConfig& c,
                                                      format_context& ctx) const
    -> format_context::iterator {
  return fmt::formatter<std::string_view>::format(nlohmann::json(c).dump(), ctx);
}
