// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// The one small interface every scheduling policy implements, and the run queue it reads.
// Include <bioxen/scheduler.hpp> for the built-in policies and make_scheduling_policy().
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string_view>
#include <vector>

#include "bioxen/config.hpp"
#include "bioxen/export.hpp"

namespace bioxen {

/// What a policy may know about a running VM.
struct RunEntry {
  std::uint64_t uid = 0;   ///< the VM's creation number: unique, increasing, never reused
  int reserved_units = 0;  ///< its ribosome reservation, units
  int priority = 1;        ///< 1..5
};

/// The running VMs of a hypervisor: a circular doubly-linked list over VM slots with a cursor
/// (the VM round robin runs next). Insert, erase and rotate are O(1). `version()` changes
/// whenever the set or an entry changes (not on rotate), so a policy can cache what it
/// derives from the set.
class BIOXEN_API RunQueue {
 public:
  static constexpr std::uint32_t npos = 0xffffffffu;

  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  bool contains(std::uint32_t slot) const noexcept {
    return slot < next_.size() && next_[slot] != npos;
  }
  /// The slot round robin runs next (npos when empty).
  std::uint32_t cursor() const noexcept { return cursor_; }
  const RunEntry& entry(std::uint32_t slot) const noexcept { return entries_[slot]; }
  std::uint64_t version() const noexcept { return version_; }

  /// Appends `slot` at the end of the rotation (just before the cursor).
  void push_back(std::uint32_t slot, const RunEntry& e) {
    if (slot >= next_.size()) grow(slot);
    entries_[slot] = e;
    if (cursor_ == npos) {
      next_[slot] = prev_[slot] = slot;
      cursor_ = slot;
    } else {
      const std::uint32_t tail = prev_[cursor_];
      next_[tail] = slot;
      prev_[slot] = tail;
      next_[slot] = cursor_;
      prev_[cursor_] = slot;
    }
    ++size_;
    ++version_;
  }

  /// Removes `slot` (which must be in the queue); the cursor moves on if it pointed there.
  void erase(std::uint32_t slot) noexcept {
    const std::uint32_t n = next_[slot];
    const std::uint32_t p = prev_[slot];
    if (n == slot) {
      cursor_ = npos;
    } else {
      next_[p] = n;
      prev_[n] = p;
      if (cursor_ == slot) cursor_ = n;
    }
    next_[slot] = prev_[slot] = npos;
    --size_;
    ++version_;
  }

  /// Replaces the entry of `slot` (a reallocation).
  void update(std::uint32_t slot, const RunEntry& e) noexcept {
    entries_[slot] = e;
    ++version_;
  }

  /// Returns the cursor's slot and advances the cursor. The queue must not be empty.
  std::uint32_t rotate() noexcept {
    const std::uint32_t s = cursor_;
    cursor_ = next_[s];
    return s;
  }

  /// Calls f(slot, entry) for every running VM in rotation order, from the cursor.
  template <class F>
  void for_each(F&& f) const {
    if (cursor_ == npos) return;
    std::uint32_t s = cursor_;
    do {
      f(s, entries_[s]);
      s = next_[s];
    } while (s != cursor_);
  }

  void clear() noexcept {
    std::vector<std::uint32_t>().swap(next_);
    std::vector<std::uint32_t>().swap(prev_);
    std::vector<RunEntry>().swap(entries_);
    cursor_ = npos;
    size_ = 0;
    ++version_;
  }

 private:
  void grow(std::uint32_t slot) {
    const std::size_t n = std::max<std::size_t>(slot + 1, next_.size() * 2);
    next_.resize(n, npos);
    prev_.resize(n, npos);
    entries_.resize(n);
  }

  std::vector<std::uint32_t> next_, prev_;
  std::vector<RunEntry> entries_;
  std::uint32_t cursor_ = npos;
  std::size_t size_ = 0;
  std::uint64_t version_ = 0;
};

/// Ribosome units granted to one VM for one quantum (may be fractional under fair_share).
struct Grant {
  std::uint32_t slot = 0;
  double units = 0.0;
};

/// A policy's decision for one quantum.
struct QuantumPlan {
  std::span<const Grant> grants;  ///< the VMs that hold ribosomes this quantum
  std::int64_t switch_us = 0;     ///< virtual µs lost to a context switch before work starts
  bool context_switch = false;    ///< a switch happened (counted on grants[0]'s VM)
};

/// The fixed facts a policy decides with (from the configuration).
struct PolicyContext {
  int available_ribosomes = 0;      ///< units VMs may use in total
  int max_ribosome_allocation = 0;  ///< per-VM limit (the priority policy's share)
  std::int64_t quantum_us = 0;
  std::int64_t context_switch_us = 0;
  int fair_share_cap = 0;  ///< units, 0 = none
};

/// A scheduling policy: decides, each quantum, which running VMs work and with how many
/// ribosome units. The hypervisor then runs the work model on the plan. Policies must be
/// deterministic (the same queue and history give the same plan) and cost O(running VMs) per
/// quantum at most.
///
/// Adding a policy: write a class deriving from this one in its own header under
/// include/bioxen/policies/ with its SchedulingPolicyClass specialisation, register it with one
/// enumerator in SchedulerPolicy and one row in scheduler_policy_registry (config.hpp), and
/// include its header in scheduler.hpp (a missing one is a compile error, not a missing
/// policy). Everything else, the tests included, derives from the registry.
///
/// @code
/// class Idle final : public bioxen::SchedulingPolicy {   // runs nobody
///  public:
///   std::string_view name() const noexcept override { return "idle"; }
///   bioxen::QuantumPlan plan(bioxen::RunQueue&) override { return {}; }
/// };
/// @endcode
class BIOXEN_API SchedulingPolicy {
 public:
  virtual ~SchedulingPolicy() = default;
  /// The policy's name, as in SchedulerPolicy's to_string() (scheduler_policy_registry).
  virtual std::string_view name() const noexcept = 0;
  /// The plan for the next quantum. May rotate `queue`. The grants stay valid until the next
  /// call of plan().
  virtual QuantumPlan plan(RunQueue& queue) = 0;
  /// State that a snapshot must carry for bit-identical continuation (beyond the queue).
  virtual nlohmann::json save_state() const { return nlohmann::json::object(); }
  /// Restores save_state()'s output; throws on a malformed value.
  virtual void restore_state(const nlohmann::json& /*state*/) {}
};

/// The class that implements a registered policy: the policy's own header specialises it,
/// `template <> struct SchedulingPolicyClass<SchedulerPolicy::x> { using type = XPolicy; };`,
/// and make_scheduling_policy() constructs `type` from a PolicyContext.
template <SchedulerPolicy P>
struct SchedulingPolicyClass;

}  // namespace bioxen
