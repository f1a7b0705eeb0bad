// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

#include "bioxen/export.hpp"
#include "bioxen/scheduling_policy.hpp"

namespace bioxen {

/// Strict priority: running VMs in order of priority (5 first; creation order within a
/// priority) each take up to `max_ribosome_allocation` units of what is left of the available
/// units; lower priorities get what is left, possibly nothing (they wait). Reservations
/// only decide admission; the schedule ignores them. No context switches. The grants are
/// recomputed when the run queue changes (O(n log n)); a quantum then touches only the VMs
/// that got units.
class BIOXEN_API PriorityPolicy final : public SchedulingPolicy {
 public:
  explicit PriorityPolicy(const PolicyContext& ctx)
      : available_(ctx.available_ribosomes), per_vm_(ctx.max_ribosome_allocation) {}

  std::string_view name() const noexcept override { return to_string(SchedulerPolicy::priority); }

  QuantumPlan plan(RunQueue& queue) override {
    if (queue.version() != version_) rebuild(queue);
    QuantumPlan p;
    p.grants = grants_;
    return p;
  }

 private:
  struct Item {
    int priority;
    std::uint64_t uid;
    std::uint32_t slot;
  };

  void rebuild(const RunQueue& queue) {
    version_ = queue.version();
    items_.clear();
    queue.for_each([&](std::uint32_t slot, const RunEntry& e) {
      items_.push_back(Item{e.priority, e.uid, slot});
    });
    std::sort(items_.begin(), items_.end(), [](const Item& a, const Item& b) {
      return a.priority != b.priority ? a.priority > b.priority : a.uid < b.uid;
    });
    grants_.clear();
    int left = available_;
    for (const Item& it : items_) {
      if (left <= 0) break;
      const int take = std::min(left, per_vm_);
      grants_.push_back(Grant{it.slot, static_cast<double>(take)});
      left -= take;
    }
  }

  int available_;
  int per_vm_;
  std::uint64_t version_ = ~std::uint64_t{0};
  std::vector<Item> items_;
  std::vector<Grant> grants_;
};

template <>
struct SchedulingPolicyClass<SchedulerPolicy::priority> {
  using type = PriorityPolicy;
};

}  // namespace bioxen
