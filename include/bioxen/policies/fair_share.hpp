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

/// Xen-credit-like sharing: every running VM works every quantum on its reservation plus a
/// share of the idle capacity — the available units that no running VM reserved (free units
/// and the reservations of created, paused, stopped VMs) — in proportion to its priority
/// (weight 1..5). Work-conserving: the grants add up to all available units whenever a VM
/// runs. With `fair_share_cap_ribosomes` > 0 no VM gets more than the cap (its reservation is
/// kept even above it) and the rest is shared among the others (water filling); capacity no
/// VM may take stays idle. No context switches. The grants are recomputed only when the run
/// queue changes (O(n log n) with a cap, O(n) without); a quantum then costs O(running VMs)
/// in the work model.
class BIOXEN_API FairSharePolicy final : public SchedulingPolicy {
 public:
  explicit FairSharePolicy(const PolicyContext& ctx)
      : available_(ctx.available_ribosomes), cap_(ctx.fair_share_cap) {}

  std::string_view name() const noexcept override { return to_string(SchedulerPolicy::fair_share); }

  QuantumPlan plan(RunQueue& queue) override {
    if (queue.version() != version_) rebuild(queue);
    QuantumPlan p;
    p.grants = grants_;
    return p;
  }

 private:
  struct Item {
    double headroom_per_weight;
    std::uint64_t uid;
    std::size_t index;  // into grants_
    int weight;
    double headroom;
  };

  void rebuild(const RunQueue& queue) {
    version_ = queue.version();
    grants_.clear();
    weights_.clear();
    std::int64_t reserved = 0;
    std::int64_t total_weight = 0;
    queue.for_each([&](std::uint32_t slot, const RunEntry& e) {
      grants_.push_back(Grant{slot, static_cast<double>(e.reserved_units)});
      weights_.push_back(e.priority);
      reserved += e.reserved_units;
      total_weight += e.priority;
    });
    if (grants_.empty()) return;
    const double idle = static_cast<double>(std::max<std::int64_t>(0, available_ - reserved));
    if (cap_ <= 0) {
      for (std::size_t i = 0; i < grants_.size(); ++i) {
        grants_[i].units += idle * weights_[i] / static_cast<double>(total_weight);
      }
      return;
    }
    // Water filling: VMs that reach the cap first (least headroom per weight) are fixed at
    // the cap; the remaining idle units are shared by weight among the rest.
    items_.clear();
    for (std::size_t i = 0; i < grants_.size(); ++i) {
      const double headroom = std::max(0.0, cap_ - grants_[i].units);
      items_.push_back(
          Item{headroom / weights_[i], queue.entry(grants_[i].slot).uid, i, weights_[i], headroom});
    }
    std::sort(items_.begin(), items_.end(), [](const Item& a, const Item& b) {
      return a.headroom_per_weight != b.headroom_per_weight
                 ? a.headroom_per_weight < b.headroom_per_weight
                 : a.uid < b.uid;
    });
    double remaining = idle;
    auto weight_left = static_cast<double>(total_weight);
    for (const Item& it : items_) {
      const double fair = remaining * it.weight / weight_left;
      const double give = std::min(fair, it.headroom);
      grants_[it.index].units += give;
      remaining -= give;
      weight_left -= it.weight;
    }
  }

  int available_;
  int cap_;
  std::uint64_t version_ = ~std::uint64_t{0};
  std::vector<Grant> grants_;
  std::vector<int> weights_;
  std::vector<Item> items_;
};

template <>
struct SchedulingPolicyClass<SchedulerPolicy::fair_share> {
  using type = FairSharePolicy;
};

}  // namespace bioxen
