// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// The scheduling policies (docs/MODEL.md section 5) behind one interface, and their registry.
#pragma once

#include <cstddef>
#include <memory>
#include <utility>

#include "bioxen/config.hpp"
#include "bioxen/policies/fair_share.hpp"
#include "bioxen/policies/priority.hpp"
#include "bioxen/policies/round_robin.hpp"
#include "bioxen/scheduling_policy.hpp"

namespace bioxen {

/// The policy's decision context for a configuration: quantum, switch cost, available units.
inline PolicyContext policy_context(const ProductionConfig& config) {
  PolicyContext ctx;
  ctx.available_ribosomes = config.available_ribosomes();
  ctx.max_ribosome_allocation = config.max_ribosome_allocation;
  ctx.quantum_us = static_cast<std::int64_t>(config.scheduling_quantum_ms) * 1000;
  ctx.context_switch_us = std::llround(config.context_switch_ms * 1000.0);
  ctx.fair_share_cap = config.fair_share_cap_ribosomes;
  return ctx;
}

namespace detail {
/// The policy of row I of the registry if `policy` is its value, else nullptr.
template <std::size_t I>
std::unique_ptr<SchedulingPolicy> make_registered_policy(SchedulerPolicy policy,
                                                         const PolicyContext& ctx) {
  constexpr SchedulerPolicy value = scheduler_policy_registry[I].value;
  if (policy != value) return nullptr;
  return std::make_unique<typename SchedulingPolicyClass<value>::type>(ctx);
}

template <std::size_t... I>
std::unique_ptr<SchedulingPolicy> make_registered_policy(SchedulerPolicy policy,
                                                         const PolicyContext& ctx,
                                                         std::index_sequence<I...>) {
  std::unique_ptr<SchedulingPolicy> made;
  (void)((made = make_registered_policy<I>(policy, ctx)) || ...);
  return made;
}
}  // namespace detail

/// The policy registered for `policy` in scheduler_policy_registry, constructed with `ctx`
/// (its class: SchedulingPolicyClass); an unregistered value throws invalid_configuration.
///
/// @code
/// auto policy = bioxen::make_scheduling_policy(bioxen::SchedulerPolicy::fair_share,
///                                              bioxen::policy_context(cfg));
/// @endcode
inline std::unique_ptr<SchedulingPolicy> make_scheduling_policy(SchedulerPolicy policy,
                                                                const PolicyContext& ctx) {
  if (auto made = detail::make_registered_policy(
          policy, ctx, std::make_index_sequence<scheduler_policy_registry.size()>{})) {
    return made;
  }
  throw BioXenException::invalid_configuration(
      fmt::format("unknown scheduler policy {}", static_cast<int>(policy)),
      {{"key", "scheduler_policy"}});
}

}  // namespace bioxen
