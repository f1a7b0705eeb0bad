// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// The scheduling policies (docs/MODEL.md section 5) behind one interface, and their registry.
#pragma once

#include <memory>

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

/// The registry: one case per policy.
///
/// @code
/// auto policy = bioxen::make_scheduling_policy(bioxen::SchedulerPolicy::fair_share,
///                                              bioxen::policy_context(cfg));
/// @endcode
inline std::unique_ptr<SchedulingPolicy> make_scheduling_policy(SchedulerPolicy policy,
                                                                const PolicyContext& ctx) {
  switch (policy) {
    case SchedulerPolicy::round_robin:
      return std::make_unique<RoundRobinPolicy>(ctx);
    case SchedulerPolicy::fair_share:
      return std::make_unique<FairSharePolicy>(ctx);
    case SchedulerPolicy::priority:
      return std::make_unique<PriorityPolicy>(ctx);
  }
  throw BioXenException::invalid_configuration(
      fmt::format("unknown scheduler policy {}", static_cast<int>(policy)),
      {{"key", "scheduler_policy"}});
}

}  // namespace bioxen
