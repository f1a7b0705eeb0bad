// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "bioxen/chassis.hpp"
#include "bioxen/config.hpp"
#include "bioxen/detail/json_read.hpp"
#include "bioxen/error_details.hpp"
#include "bioxen/export.hpp"
#include "bioxen/types.hpp"

namespace bioxen {

/// ATP shares are kept as integers of 1e-6 % so that sums and differences are exact: a share
/// given with up to six decimals is reported back unchanged, and allocated + free == the limit
/// always holds. (25.0 % is 25'000'000.)
inline constexpr double atp_micro_per_percent = 1e6;

/// An admitted allocation, every field resolved (no `automatic`), ATP in 1e-6 %.
struct Reservation {
  int ribosomes = 0;
  std::int64_t atp_micro = 0;
  int rna_polymerase = 0;
  std::int64_t memory_kb = 0;
  int priority = 1;
  bool allow_incompatible_code = false;  ///< the guest may run by another genetic code

  double atp_percentage() const noexcept {
    return static_cast<double>(atp_micro) / atp_micro_per_percent;
  }
  ResourceAllocation allocation() const noexcept {
    return {ribosomes, atp_percentage(), rna_polymerase,
            memory_kb, priority,         allow_incompatible_code};
  }
  friend bool operator==(const Reservation&, const Reservation&) = default;
};

/// Admission control over the ribosome, ATP and genome-space pools of one hypervisor
/// (docs/MODEL.md section 4). Totals are counters, so every query is O(1).
///
/// Checks run in this order and the first failure is reported:
///  1. VM count: a new VM beyond `max_vms`                       -> hypervisor_overload (BX004)
///  2. ribosomes >= 0 and <= `max_ribosome_allocation`           -> resource_allocation_error
///  3. ribosomes <= free ribosomes; the last `emergency_ribosome_reserve` free units only for
///     priority 5                                                 -> resource_allocation_error
///  4. atp_percentage in [0, 100]; sum <= `max_atp_percentage`    -> resource_allocation_error
///  5. memory_kb >= 1 and <= `max_memory_kb`                      -> resource_allocation_error
///  6. memory sum <= the chassis' genome space                    -> resource_allocation_error
///  7. priority in [1, 5]                                         -> resource_allocation_error
///  8. rna_polymerase >= 0 and <= free RNA polymerases (the chassis' total less what other
///     VMs hold)                                                  -> resource_allocation_error
/// A refusal carries `resource`, `requested`, `available` and `shortfall` in its details and
/// changes nothing. On re-allocation the VM's own reservation counts as free, and checks 3, 4
/// and 6 apply only to a resource that grows (shrinking is always allowed).
///
/// @code
/// bioxen::ResourceAllocator alloc{cfg, bioxen::chassis_profile(bioxen::ChassisType::ecoli)};
/// auto r = alloc.resolve(bioxen::ResourceAllocation{}, 544);  // 14 units, 22.5 %, 544 kb
/// alloc.check_admit("vm1", r);
/// alloc.admit(r);
/// @endcode
class BIOXEN_API ResourceAllocator {
 public:
  ResourceAllocator(const ProductionConfig& config, const ChassisProfile& chassis)
      : max_vms_(config.max_vms),
        total_ribosomes_(config.total_ribosomes),
        available_ribosomes_(config.available_ribosomes()),
        max_ribosomes_per_vm_(config.max_ribosome_allocation),
        reserve_(config.emergency_ribosome_reserve),
        max_atp_micro_(std::llround(config.max_atp_percentage * atp_micro_per_percent)),
        max_memory_per_vm_(config.max_memory_kb),
        genome_space_kb_(static_cast<std::int64_t>(chassis.genome_space_kb)),
        chassis_rnap_(static_cast<int>(chassis.rna_polymerases)) {}

  static constexpr int default_rna_polymerase = 10;
  static constexpr int default_priority = 1;

  /// Fills the `automatic` fields of `requested` with the default share (docs/MODEL.md section 4):
  /// ribosomes (available - reserve) / max_vms (at most max_ribosome_allocation), ATP
  /// max_atp_percentage / max_vms (rounded down to 1e-6 %), 10 RNA polymerases (at most the
  /// chassis' RNA polymerases / max_vms, so max_vms defaults fit), priority 1, memory
  /// min(genome_size_kb, max_memory_kb). Other fields are kept as given (negative ones are refused
  /// by the checks); ATP is rounded to 1e-6 %.
  Reservation resolve(const ResourceAllocation& requested,
                      std::int64_t genome_size_kb) const noexcept {
    Reservation r;
    r.ribosomes =
        requested.ribosomes == ResourceAllocation::automatic
            ? std::min((available_ribosomes_ - reserve_) / max_vms_, max_ribosomes_per_vm_)
            : requested.ribosomes;
    if (requested.atp_percentage == ResourceAllocation::automatic) {
      r.atp_micro = max_atp_micro_ / max_vms_;
    } else if (std::isfinite(requested.atp_percentage) &&
               std::abs(requested.atp_percentage) <= 1e9) {
      r.atp_micro = std::llround(requested.atp_percentage * atp_micro_per_percent);
    } else {
      r.atp_micro = -1;  // refused by check 4 (the message shows the request)
    }
    r.rna_polymerase = requested.rna_polymerase == ResourceAllocation::automatic
                           ? std::min(default_rna_polymerase, chassis_rnap_ / max_vms_)
                           : requested.rna_polymerase;
    r.memory_kb = requested.memory_kb == ResourceAllocation::automatic
                      ? std::min<std::int64_t>(genome_size_kb, max_memory_per_vm_)
                      : requested.memory_kb;
    r.priority =
        requested.priority == ResourceAllocation::automatic ? default_priority : requested.priority;
    r.allow_incompatible_code = requested.allow_incompatible_code;
    return r;
  }

  /// Checks 1-8 for a new VM; throws BioXenException and changes nothing. `requested_atp` is
  /// the caller's percentage, for the message when it is out of range.
  void check_admit(std::string_view vm_id, const Reservation& r, double requested_atp = 0.0) const {
    if (vm_count_ >= max_vms_) {
      throw BioXenException(
          BioXenErrorCode::hypervisor_overload,
          fmt::format("cannot create VM '{}': the VM limit max_vms = {} is reached", vm_id,
                      max_vms_),
          {{"vm_id", vm_id}, {"max_vms", max_vms_}, {"vm_count", vm_count_}});
    }
    check(vm_id, r, Reservation{}, requested_atp);
  }

  /// Checks 1-8 for a VM of a restored state: as check_admit() but without the emergency
  /// reserve, which is a rule of admission (a later priority-5 VM may hold reserve units),
  /// not an invariant of the state.
  void check_restore(std::string_view vm_id, const Reservation& r) const {
    if (vm_count_ >= max_vms_) check_admit(vm_id, r);
    check(vm_id, r, Reservation{}, r.atp_percentage(), false);
  }

  /// Checks 2-8 for an existing VM whose reservation `old` would become `r`.
  void check_reallocate(std::string_view vm_id, const Reservation& old, const Reservation& r,
                        double requested_atp = 0.0) const {
    check(vm_id, r, old, requested_atp);
  }

  /// Takes `r` (after check_admit).
  void admit(const Reservation& r) noexcept {
    ++vm_count_;
    add(r, 1);
  }
  /// Replaces `old` by `r` (after check_reallocate).
  void reallocate(const Reservation& old, const Reservation& r) noexcept {
    add(old, -1);
    add(r, 1);
  }
  /// Returns exactly what admit took.
  void release(const Reservation& r) noexcept {
    --vm_count_;
    add(r, -1);
  }

  int total_ribosomes() const noexcept { return total_ribosomes_; }
  int available_ribosomes() const noexcept { return available_ribosomes_; }
  int allocated_ribosomes() const noexcept { return static_cast<int>(ribosomes_); }
  int free_ribosomes() const noexcept {
    return available_ribosomes_ - static_cast<int>(ribosomes_);
  }
  int emergency_reserve() const noexcept { return reserve_; }
  std::int64_t max_atp_micro() const noexcept { return max_atp_micro_; }
  std::int64_t allocated_atp_micro() const noexcept { return atp_micro_; }
  std::int64_t allocated_memory_kb() const noexcept { return memory_kb_; }
  std::int64_t genome_space_kb() const noexcept { return genome_space_kb_; }
  std::int64_t allocated_rna_polymerase() const noexcept { return rnap_; }
  std::int64_t total_rna_polymerase() const noexcept { return chassis_rnap_; }
  std::int64_t free_rna_polymerase() const noexcept { return chassis_rnap_ - rnap_; }
  std::int64_t vm_count() const noexcept { return vm_count_; }
  int max_vms() const noexcept { return max_vms_; }

 private:
  [[noreturn]] static void refuse(std::string message, std::string_view vm_id,
                                  std::string_view resource, nlohmann::json requested,
                                  nlohmann::json available, nlohmann::json shortfall,
                                  nlohmann::json extra = nlohmann::json::object()) {
    extra["vm_id"] = vm_id;
    extra["resource"] = resource;
    extra["requested"] = std::move(requested);
    extra["available"] = std::move(available);
    extra["shortfall"] = std::move(shortfall);
    throw BioXenException(BioXenErrorCode::resource_allocation_error, std::move(message),
                          std::move(extra));
  }
  [[noreturn]] static void out_of_domain(std::string_view vm_id, std::string_view field,
                                         const nlohmann::json& value, std::string_view range) {
    throw BioXenException(
        BioXenErrorCode::resource_allocation_error,
        fmt::format("invalid allocation for VM '{}': {} = {} must be in {}", vm_id, field,
                    value.dump(), range),
        {{"vm_id", vm_id}, {"resource", field}, {"requested", value}, {"range", range}});
  }

  /// Refuses a pool resource that grows (`requested` > `old`) beyond what is free.
  static void refuse_growth_beyond(std::string_view vm_id, std::string_view what,
                                   std::string_view unit, std::string_view resource,
                                   std::string_view limit, std::int64_t requested, std::int64_t old,
                                   std::int64_t free) {
    if (requested <= old || requested <= free) return;
    refuse(fmt::format("insufficient {} for VM '{}': requested {}{}, available {}{}, shortfall "
                       "{}{}",
                       what, vm_id, requested, unit, free, unit, requested - free, unit),
           vm_id, resource, requested, free, requested - free, {{"limit", limit}});
  }

  void check(std::string_view vm_id, const Reservation& r, const Reservation& old,
             double requested_atp, bool emergency_reserve = true) const {
    // 2. Ribosomes, per VM.
    if (r.ribosomes < 0) {
      out_of_domain(vm_id, "ribosomes", r.ribosomes, fmt::format("[0, {}]", max_ribosomes_per_vm_));
    }
    if (r.ribosomes > max_ribosomes_per_vm_) {
      refuse(fmt::format("VM '{}' requests {} ribosomes, above the per-VM limit "
                         "max_ribosome_allocation = {}",
                         vm_id, r.ribosomes, max_ribosomes_per_vm_),
             vm_id, "ribosomes", r.ribosomes, max_ribosomes_per_vm_,
             r.ribosomes - max_ribosomes_per_vm_, {{"limit", "max_ribosome_allocation"}});
    }
    // 3. Ribosomes, against the free pool and the emergency reserve.
    const int free = free_ribosomes() + old.ribosomes;
    const int usable = r.priority == 5 || !emergency_reserve ? free : std::max(0, free - reserve_);
    if (r.ribosomes > old.ribosomes && r.ribosomes > usable) {
      std::string message = fmt::format(
          "insufficient ribosomes for VM '{}': requested {}, available {}, shortfall {}", vm_id,
          r.ribosomes, usable, r.ribosomes - usable);
      if (usable != free) {
        message += fmt::format(
            " (the last {} free ribosomes are the emergency reserve for priority-5 VMs)",
            std::min(reserve_, free));
      }
      refuse(std::move(message), vm_id, "ribosomes", r.ribosomes, usable, r.ribosomes - usable,
             {{"free", free}, {"emergency_reserve", reserve_}});
    }
    // 4. ATP.
    if (r.atp_micro < 0 || r.atp_micro > 100 * static_cast<std::int64_t>(atp_micro_per_percent)) {
      out_of_domain(vm_id, "atp_percentage", detail::json_number(requested_atp), "[0, 100]");
    }
    const std::int64_t atp_free = max_atp_micro_ - atp_micro_ + old.atp_micro;
    if (r.atp_micro > old.atp_micro && r.atp_micro > atp_free) {
      const auto pct = [](std::int64_t micro) {
        return static_cast<double>(micro) / atp_micro_per_percent;
      };
      refuse(fmt::format("insufficient ATP for VM '{}': requested {}%, available {}%, "
                         "shortfall {}%",
                         vm_id, pct(r.atp_micro), pct(atp_free), pct(r.atp_micro - atp_free)),
             vm_id, "atp_percentage", pct(r.atp_micro), pct(atp_free), pct(r.atp_micro - atp_free),
             {{"limit", "max_atp_percentage"}});
    }
    // 5. Memory, per VM.
    // A VM needs genome space for at least one gene: 0 kb would hold none.
    if (r.memory_kb < 1) {
      out_of_domain(vm_id, "memory_kb", r.memory_kb, fmt::format("[1, {}]", max_memory_per_vm_));
    }
    if (r.memory_kb > max_memory_per_vm_) {
      refuse(fmt::format("VM '{}' requests {} kb of memory, above the per-VM limit "
                         "max_memory_kb = {}",
                         vm_id, r.memory_kb, max_memory_per_vm_),
             vm_id, "memory_kb", r.memory_kb, max_memory_per_vm_, r.memory_kb - max_memory_per_vm_,
             {{"limit", "max_memory_kb"}});
    }
    // 6. Memory, against the chassis' genome space.
    refuse_growth_beyond(vm_id, "genome space", " kb", "memory_kb", "genome_space_kb", r.memory_kb,
                         old.memory_kb, genome_space_kb_ - memory_kb_ + old.memory_kb);
    // 7, 8. Priority and RNA polymerase.
    if (r.priority < 1 || r.priority > 5) out_of_domain(vm_id, "priority", r.priority, "[1, 5]");
    if (r.rna_polymerase < 0) {
      out_of_domain(vm_id, "rna_polymerase", r.rna_polymerase,
                    fmt::format("[0, {}] (the chassis' RNA polymerases)", chassis_rnap_));
    }
    refuse_growth_beyond(vm_id, "RNA polymerase", "", "rna_polymerase", "rna_polymerases",
                         r.rna_polymerase, old.rna_polymerase,
                         chassis_rnap_ - rnap_ + old.rna_polymerase);
  }

  void add(const Reservation& r, int sign) noexcept {
    ribosomes_ += sign * static_cast<std::int64_t>(r.ribosomes);
    atp_micro_ += sign * r.atp_micro;
    memory_kb_ += sign * r.memory_kb;
    rnap_ += sign * static_cast<std::int64_t>(r.rna_polymerase);
  }

  int max_vms_;
  int total_ribosomes_;
  int available_ribosomes_;
  int max_ribosomes_per_vm_;
  int reserve_;
  std::int64_t max_atp_micro_;
  std::int64_t max_memory_per_vm_;
  std::int64_t genome_space_kb_;
  int chassis_rnap_;

  std::int64_t vm_count_ = 0;
  std::int64_t ribosomes_ = 0;
  std::int64_t atp_micro_ = 0;
  std::int64_t memory_kb_ = 0;
  std::int64_t rnap_ = 0;
};

}  // namespace bioxen
