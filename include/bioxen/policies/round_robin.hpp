// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "bioxen/error_details.hpp"
#include "bioxen/export.hpp"
#include "bioxen/scheduling_policy.hpp"

namespace bioxen {

/// The original behaviour: one running VM is active per quantum, in rotation, and works on its
/// own reservation (what it did not reserve stays idle: the price of strict time slicing).
/// A quantum that activates a different VM than the previous active one loses
/// `context_switch_ms` at its start and counts a context switch on the incoming VM (a VM
/// loaded onto an idle hypervisor costs nothing). O(1) per quantum.
class BIOXEN_API RoundRobinPolicy final : public SchedulingPolicy {
 public:
  explicit RoundRobinPolicy(const PolicyContext& ctx) : switch_us_(ctx.context_switch_us) {}

  std::string_view name() const noexcept override {
    return to_string(SchedulerPolicy::round_robin);
  }

  QuantumPlan plan(RunQueue& queue) override {
    if (queue.empty()) return {};
    const std::uint32_t slot = queue.rotate();
    const RunEntry& e = queue.entry(slot);
    grant_ = Grant{slot, static_cast<double>(e.reserved_units)};
    QuantumPlan p;
    p.grants = std::span<const Grant>(&grant_, 1);
    if (last_uid_ != 0 && last_uid_ != e.uid) {
      p.switch_us = switch_us_;
      p.context_switch = true;
    }
    last_uid_ = e.uid;
    return p;
  }

  nlohmann::json save_state() const override { return {{"last_active_uid", last_uid_}}; }

  void restore_state(const nlohmann::json& state) override {
    if (!state.is_object() || !state.contains("last_active_uid") ||
        !state["last_active_uid"].is_number_unsigned()) {
      throw BioXenException(BioXenErrorCode::invalid_snapshot,
                            "round_robin state needs an unsigned 'last_active_uid'",
                            {{"key", "scheduler.state.last_active_uid"}});
    }
    last_uid_ = state["last_active_uid"].get<std::uint64_t>();
  }

 private:
  std::int64_t switch_us_;
  std::uint64_t last_uid_ = 0;  // 0: nothing ran yet
  Grant grant_;
};

template <>
struct SchedulingPolicyClass<SchedulerPolicy::round_robin> {
  using type = RoundRobinPolicy;
};

}  // namespace bioxen
