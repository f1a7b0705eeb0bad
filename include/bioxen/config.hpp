// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#pragma once

#include <fmt/core.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <string_view>

#include "bioxen/detail/enum_table.hpp"
#include "bioxen/export.hpp"
#include "bioxen/work_model.hpp"

namespace bioxen {

/// How the scheduler shares the ribosome pool between running VMs (docs/MODEL.md section 5).
/// Each policy is described once, in scheduler_policy_registry.
enum class SchedulerPolicy : std::uint8_t {
  round_robin,  ///< the default
  fair_share,
  priority,
};

/// One registered scheduling policy: its enumerator, its name (configuration, scenarios,
/// snapshots, SchedulingPolicy::name()) and a one-line description (`bioxen types`). The class
/// that implements it is SchedulingPolicyClass<value>::type, which its own header under
/// include/bioxen/policies/ declares.
struct SchedulerPolicyInfo {
  SchedulerPolicy value;
  std::string_view name;
  std::string_view description;
};

/// The policies, in declaration order: the only list of them. all_scheduler_policies, the
/// names, the parser and its messages, make_scheduling_policy() and `bioxen types` derive
/// from it, and the tests run every policy in it.
inline constexpr std::array<SchedulerPolicyInfo, 3> scheduler_policy_registry{{
    {SchedulerPolicy::round_robin, "round_robin",
     "one running VM per quantum, in rotation, on its own reservation (default)"},
    {SchedulerPolicy::fair_share, "fair_share",
     "every running VM each quantum; idle capacity shared by priority weight"},
    {SchedulerPolicy::priority, "priority",
     "strict priority order; lower priorities get what is left"},
}};
static_assert(detail::enum_table_is_dense(scheduler_policy_registry));

/// All policies, in declaration order.
inline constexpr std::array<SchedulerPolicy, scheduler_policy_registry.size()>
    all_scheduler_policies = detail::enum_values(scheduler_policy_registry);

/// "round_robin", "fair_share", "priority"; "unknown" for any other value.
constexpr std::string_view to_string(SchedulerPolicy policy) noexcept {
  return detail::enum_name(scheduler_policy_registry, policy);
}

/// Parses a policy name; throws BioXenException(invalid_configuration) listing the names.
///
/// @code
/// auto p = bioxen::scheduler_policy_from_string("fair_share");
/// @endcode
BIOXEN_API SchedulerPolicy scheduler_policy_from_string(std::string_view name);

/// The hypervisor's configuration: every field and default of the original library's
/// ProductionConfig, plus the scheduler's. A plain aggregate: set fields, then call validate() (the
/// hypervisor does so in its constructor). File and environment handling live in
/// ProductionConfigManager.
///
/// @code
/// bioxen::ProductionConfig cfg;
/// cfg.scheduler_policy = bioxen::SchedulerPolicy::fair_share;
/// cfg.context_switch_ms = 0;
/// cfg.validate();
/// @endcode
struct BIOXEN_API ProductionConfig {
  // --- The original library's fields, with its defaults. ---
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
  // --- Isolation (docs/MODEL.md section 6.5; physiological work model). ---
  PauseMechanism pause_mechanism = PauseMechanism::freeze;
  DestroyMechanism destroy_mechanism = DestroyMechanism::release;
  TranscriptionIsolation transcription_isolation = TranscriptionIsolation::host_rnap;
  /// ChassisType::orthogonal only: how the o-ribosome pool is sized.
  OrthogonalPoolAllocation orthogonal_pool = OrthogonalPoolAllocation::fixed;
  /// The o-pool's share of the cell's ribosomes: its size when `fixed`, its least when
  /// `dynamic`, in [0, 1).
  double orthogonal_pool_fraction = 0.2;
  /// `dynamic` only: the most the o-pool may take, in [orthogonal_pool_fraction, 1).
  double orthogonal_pool_max_fraction = 0.5;

  /// The ribosome units VMs may reserve: floor(total_ribosomes * (1 - hypervisor_overhead)),
  /// computed with a tolerance of 1e-9 so that 80 * (1 - 0.15) is 68.
  int available_ribosomes() const noexcept {
    return static_cast<int>(
        std::floor(static_cast<double>(total_ribosomes) * (1.0 - hypervisor_overhead) + 1e-9));
  }

  /// Checks every field; throws BioXenException(invalid_configuration) naming the first bad
  /// key, its value and the allowed range (details: "key", "value").
  void validate() const;

  /// The JSON keys, in declaration order (the original library's fields first); derived,
  /// like to_json and from_json, from the one field table in src/config.cpp.
  static const std::span<const std::string_view> keys;

  friend bool operator==(const ProductionConfig&, const ProductionConfig&) = default;
};

/// The log levels ProductionConfig::log_level accepts.
inline constexpr std::array<std::string_view, 7> log_levels = {
    "TRACE", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL", "OFF"};

/// Every key, always (the original library's JSON shape plus the scheduler's keys).
BIOXEN_API void to_json(nlohmann::json& j, const ProductionConfig& c);
/// Overrides the fields whose keys are present (so `j.get<ProductionConfig>()` fills the
/// rest with defaults). Unknown keys and wrong types throw invalid_configuration naming the
/// key; ranges are left to validate(), which this does not call.
BIOXEN_API void from_json(const nlohmann::json& j, ProductionConfig& c);

/// The policy's name; from_json reads a name (invalid_configuration otherwise).
BIOXEN_API void to_json(nlohmann::json& j, SchedulerPolicy p);
BIOXEN_API void from_json(const nlohmann::json& j, SchedulerPolicy& p);

}  // namespace bioxen

/// Formats as the policy's name.
template <>
struct BIOXEN_API fmt::formatter<bioxen::SchedulerPolicy> : fmt::formatter<std::string_view> {
  format_context::iterator format(bioxen::SchedulerPolicy p, format_context& ctx) const;
};

/// Formats as compact JSON.
template <>
struct BIOXEN_API fmt::formatter<bioxen::ProductionConfig> : fmt::formatter<std::string_view> {
  format_context::iterator format(const bioxen::ProductionConfig& c, format_context& ctx) const;
};
