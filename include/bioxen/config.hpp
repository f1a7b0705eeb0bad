// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#pragma once

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "bioxen/detail/json_read.hpp"
#include "bioxen/error.hpp"
#include "bioxen/work_model.hpp"

namespace bioxen {

/// How the scheduler shares the ribosome pool between running VMs (SPEC 2.5).
enum class SchedulerPolicy : std::uint8_t {
  round_robin,  ///< one running VM per quantum, in rotation, on its own reservation (default)
  fair_share,   ///< every running VM each quantum; idle capacity shared by priority weight
  priority,     ///< strict priority; lower priorities get what is left
};

/// All policies, in declaration order.
inline constexpr std::array<SchedulerPolicy, 3> all_scheduler_policies = {
    SchedulerPolicy::round_robin, SchedulerPolicy::fair_share, SchedulerPolicy::priority};

/// "round_robin", "fair_share", "priority".
constexpr std::string_view to_string(SchedulerPolicy policy) noexcept {
  switch (policy) {
    case SchedulerPolicy::round_robin:
      return "round_robin";
    case SchedulerPolicy::fair_share:
      return "fair_share";
    case SchedulerPolicy::priority:
      return "priority";
  }
  return "unknown";
}

/// Parses a policy name; throws BioXenException(invalid_configuration) listing the names.
///
/// @code
/// auto p = bioxen::scheduler_policy_from_string("fair_share");
/// @endcode
inline SchedulerPolicy scheduler_policy_from_string(std::string_view name) {
  for (auto p : all_scheduler_policies) {
    if (to_string(p) == name) return p;
  }
  throw BioXenException::invalid_configuration(
      fmt::format("unknown scheduler_policy '{}' (expected round_robin, fair_share or priority)",
                  detail::printable(name)),
      {{"key", "scheduler_policy"}, {"value", detail::printable(name)}});
}

/// The hypervisor's configuration: every field and default of the seed's ProductionConfig,
/// plus the scheduler's. A plain aggregate: set fields, then call validate() (the hypervisor
/// does so in its constructor). File and environment handling live in ProductionConfigManager.
///
/// @code
/// bioxen::ProductionConfig cfg;
/// cfg.scheduler_policy = bioxen::SchedulerPolicy::fair_share;
/// cfg.context_switch_ms = 0;
/// cfg.validate();
/// @endcode
struct ProductionConfig {
  // --- The seed's fields, with the seed's defaults. ---
  int max_vms = 4;                    ///< VMs that may exist at once (enforced: BX004)
  int total_ribosomes = 80;           ///< ribosome units of the allocator pool
  double hypervisor_overhead = 0.15;  ///< fraction of the pool the hypervisor keeps, [0, 1)
  int scheduling_quantum_ms = 100;    ///< length of one scheduler quantum, virtual ms
  bool enable_monitoring = true;
  std::string log_level = "INFO";  ///< TRACE DEBUG INFO WARNING ERROR CRITICAL OFF
  bool metrics_collection = true;
  // Resource limits.
  int max_ribosome_allocation = 60;  ///< ribosome units one VM may hold
  double max_atp_percentage = 90.0;  ///< sum of the VMs' ATP shares, % (the rest is the host's)
  int max_memory_kb = 1024;          ///< genome space one VM may reserve, kb
  // Safety margins.
  int emergency_ribosome_reserve = 10;       ///< last free units, only for priority-5 VMs
  double resource_warning_threshold = 0.85;  ///< utilisation at which monitors warn, [0, 1]

  // --- The scheduler (BioXen C++ additions). ---
  SchedulerPolicy scheduler_policy = SchedulerPolicy::round_robin;
  /// Virtual ms a round-robin quantum loses when it switches to a different VM than the
  /// previous quantum's, in [0, scheduling_quantum_ms]. The default, 5 ms, is 5 % of the
  /// default quantum: enough that the cost of switching is visible, small enough that
  /// round robin stays useful. Set 0 for free switches.
  double context_switch_ms = 5.0;
  /// fair_share only: the most ribosome units one VM may use in a quantum, reservation
  /// included (a VM always keeps its reservation even above the cap); 0 = no cap.
  int fair_share_cap_ribosomes = 0;
  /// What a quantum of work means (docs/MODEL.md): the physiological host-and-guest model
  /// (default) or pure capacity accounting.
  WorkModel work_model = WorkModel::physiological;

  /// The ribosome units VMs may reserve: floor(total_ribosomes * (1 - hypervisor_overhead)),
  /// computed with a tolerance of 1e-9 so that 80 * (1 - 0.15) is 68.
  int available_ribosomes() const noexcept {
    return static_cast<int>(
        std::floor(static_cast<double>(total_ribosomes) * (1.0 - hypervisor_overhead) + 1e-9));
  }

  /// Checks every field; throws BioXenException(invalid_configuration) naming the first bad
  /// key, its value and the allowed range (details: "key", "value").
  void validate() const;

  /// The JSON keys, in declaration order (the seed's fields first).
  static constexpr std::array<std::string_view, 16> keys = {
      "max_vms",
      "total_ribosomes",
      "hypervisor_overhead",
      "scheduling_quantum_ms",
      "enable_monitoring",
      "log_level",
      "metrics_collection",
      "max_ribosome_allocation",
      "max_atp_percentage",
      "max_memory_kb",
      "emergency_ribosome_reserve",
      "resource_warning_threshold",
      "scheduler_policy",
      "context_switch_ms",
      "fair_share_cap_ribosomes",
      "work_model",
  };

  friend bool operator==(const ProductionConfig&, const ProductionConfig&) = default;
};

/// The log levels ProductionConfig::log_level accepts.
inline constexpr std::array<std::string_view, 7> log_levels = {
    "TRACE", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL", "OFF"};

namespace detail {

/// A number for JSON details: non-finite values become their text ("nan", "inf").
inline nlohmann::json json_number(double x) {
  if (std::isfinite(x)) return x;
  return fmt::format("{}", x);
}

[[noreturn]] inline void bad_config(std::string_view key, const nlohmann::json& value,
                                    std::string_view rule) {
  throw BioXenException::invalid_configuration(
      fmt::format("invalid configuration: {} = {} {}", key, value.dump(), rule),
      {{"key", key}, {"value", value}});
}

}  // namespace detail

inline void ProductionConfig::validate() const {
  using detail::bad_config;
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
  if (to_string(scheduler_policy) == "unknown") {
    bad_config("scheduler_policy", static_cast<int>(scheduler_policy),
               "must be round_robin, fair_share or priority");
  }
  if (!(context_switch_ms >= 0.0 && context_switch_ms <= scheduling_quantum_ms)) {
    bad_config("context_switch_ms", detail::json_number(context_switch_ms),
               fmt::format("must be in [0, {}] (the quantum)", scheduling_quantum_ms));
  }
  if (to_string(work_model) == "unknown") {
    bad_config("work_model", static_cast<int>(work_model), "must be capacity or physiological");
  }
  if (fair_share_cap_ribosomes < 0) {
    bad_config("fair_share_cap_ribosomes", fair_share_cap_ribosomes, "must be >= 0 (0 = no cap)");
  }
}

/// Every key, always (the seed's JSON shape plus the scheduler's keys).
inline void to_json(nlohmann::json& j, const ProductionConfig& c) {
  j = nlohmann::json{
      {"max_vms", c.max_vms},
      {"total_ribosomes", c.total_ribosomes},
      {"hypervisor_overhead", c.hypervisor_overhead},
      {"scheduling_quantum_ms", c.scheduling_quantum_ms},
      {"enable_monitoring", c.enable_monitoring},
      {"log_level", c.log_level},
      {"metrics_collection", c.metrics_collection},
      {"max_ribosome_allocation", c.max_ribosome_allocation},
      {"max_atp_percentage", c.max_atp_percentage},
      {"max_memory_kb", c.max_memory_kb},
      {"emergency_ribosome_reserve", c.emergency_ribosome_reserve},
      {"resource_warning_threshold", c.resource_warning_threshold},
      {"scheduler_policy", to_string(c.scheduler_policy)},
      {"context_switch_ms", c.context_switch_ms},
      {"fair_share_cap_ribosomes", c.fair_share_cap_ribosomes},
      {"work_model", to_string(c.work_model)},
  };
}

/// Overrides the fields whose keys are present (so `j.get<ProductionConfig>()` fills the
/// rest with defaults). Unknown keys and wrong types throw invalid_configuration naming the
/// key; ranges are left to validate(), which this does not call.
inline void from_json(const nlohmann::json& j, ProductionConfig& c) {
  using namespace detail;
  const JsonContext ctx{BioXenErrorCode::invalid_configuration, "configuration"};
  if (!j.is_object()) {
    throw BioXenException::invalid_configuration(
        fmt::format("configuration must be a JSON object, got {}", json_kind(j)));
  }
  for (const auto& item : j.items()) {
    const std::string& k = item.key();
    const auto& v = item.value();
    if (k == "max_vms") {
      c.max_vms = read_integer<int>(v, k, ctx);
    } else if (k == "total_ribosomes") {
      c.total_ribosomes = read_integer<int>(v, k, ctx);
    } else if (k == "hypervisor_overhead") {
      c.hypervisor_overhead = read_number(v, k, ctx);
    } else if (k == "scheduling_quantum_ms") {
      c.scheduling_quantum_ms = read_integer<int>(v, k, ctx);
    } else if (k == "enable_monitoring") {
      c.enable_monitoring = read_bool(v, k, ctx);
    } else if (k == "log_level") {
      c.log_level = read_string(v, k, ctx);
    } else if (k == "metrics_collection") {
      c.metrics_collection = read_bool(v, k, ctx);
    } else if (k == "max_ribosome_allocation") {
      c.max_ribosome_allocation = read_integer<int>(v, k, ctx);
    } else if (k == "max_atp_percentage") {
      c.max_atp_percentage = read_number(v, k, ctx);
    } else if (k == "max_memory_kb") {
      c.max_memory_kb = read_integer<int>(v, k, ctx);
    } else if (k == "emergency_ribosome_reserve") {
      c.emergency_ribosome_reserve = read_integer<int>(v, k, ctx);
    } else if (k == "resource_warning_threshold") {
      c.resource_warning_threshold = read_number(v, k, ctx);
    } else if (k == "scheduler_policy") {
      c.scheduler_policy = scheduler_policy_from_string(read_string(v, k, ctx));
    } else if (k == "context_switch_ms") {
      c.context_switch_ms = read_number(v, k, ctx);
    } else if (k == "fair_share_cap_ribosomes") {
      c.fair_share_cap_ribosomes = read_integer<int>(v, k, ctx);
    } else if (k == "work_model") {
      c.work_model = work_model_from_string(read_string(v, k, ctx));
    } else {
      throw BioXenException::invalid_configuration(
          fmt::format("unknown configuration key '{}'", printable(k)), {{"key", printable(k)}});
    }
  }
}

}  // namespace bioxen

/// Formats as the policy's name.
template <>
struct fmt::formatter<bioxen::SchedulerPolicy> : fmt::formatter<std::string_view> {
  template <class Ctx>
  auto format(bioxen::SchedulerPolicy p, Ctx& ctx) const {
    return fmt::formatter<std::string_view>::format(bioxen::to_string(p), ctx);
  }
};

/// Formats as the work model's name.
template <>
struct fmt::formatter<bioxen::WorkModel> : fmt::formatter<std::string_view> {
  template <class Ctx>
  auto format(bioxen::WorkModel m, Ctx& ctx) const {
    return fmt::formatter<std::string_view>::format(bioxen::to_string(m), ctx);
  }
};

/// Formats as compact JSON.
template <>
struct fmt::formatter<bioxen::ProductionConfig> : fmt::formatter<std::string_view> {
  template <class Ctx>
  auto format(const bioxen::ProductionConfig& c, Ctx& ctx) const {
    return fmt::formatter<std::string_view>::format(nlohmann::json(c).dump(), ctx);
  }
};
