// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// The physiological work model's parts (docs/MODEL.md): a VM's transcription-translation
// pipeline and the host's growth law. The engine owns the records and calls these per quantum.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "bioxen/chassis.hpp"
#include "bioxen/export.hpp"
#include "bioxen/work_model.hpp"

namespace bioxen::detail {

/// Samples of (E, C): E is the distance, in amino acids, that each of a VM's chains has
/// elongated since the VM was created, and C the chains initiated so far. Chains are initiated
/// at the start of a quantum's work, so a chain of L amino acids initiated at E = e is finished
/// once E >= e + L: the chains finished by now are C at E - L. A sample is kept when E has
/// advanced at least `spacing` since the previous one; a lookup returns C at the latest sample
/// at or before its target, so it never counts a chain as finished too early (it may count
/// one up to `spacing` amino acids late).
class BIOXEN_API ChainHistory {
 public:
  static constexpr std::size_t capacity = 128;
  /// The spacing that keeps a window of at least `longest_aa` in `capacity` samples.
  static double spacing_for(double longest_aa) noexcept {
    return longest_aa / static_cast<double>(capacity - 8);
  }

  void record(double e, double c, double spacing) noexcept {
    if (size_ > 0 && e - e_[back()] < spacing) {
      // Not far enough for a new sample: chains initiated since the last one wait for the next.
      return;
    }
    if (size_ == capacity) {
      head_ = static_cast<std::uint16_t>((head_ + 1) % capacity);
      --size_;
      if (cursor_ > 0) --cursor_;
    }
    const std::size_t i = (head_ + size_) % capacity;
    e_[i] = e;
    c_[i] = c;
    ++size_;
  }

  /// C at the latest sample with E <= target; 0 when there is none.
  double initiations_at(double target) const noexcept {
    std::size_t lo = 0, hi = size_;  // first sample index (in age order) with e > target
    while (lo < hi) {
      const std::size_t mid = (lo + hi) / 2;
      if (e_[(head_ + mid) % capacity] <= target) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == 0 ? 0.0 : c_[(head_ + lo - 1) % capacity];
  }

  /// initiations_at() for targets that never decrease between calls (amortised O(1)).
  double initiations_at_rising(double target) noexcept {
    while (cursor_ < size_ && e_[(head_ + cursor_) % capacity] <= target) ++cursor_;
    return cursor_ == 0 ? 0.0 : c_[(head_ + cursor_ - 1) % capacity];
  }

  std::size_t size() const noexcept { return size_; }
  double e_at(std::size_t age) const noexcept { return e_[(head_ + age) % capacity]; }
  double c_at(std::size_t age) const noexcept { return c_[(head_ + age) % capacity]; }
  std::size_t cursor() const noexcept { return cursor_; }
  /// Restores a sample list (oldest first) and the rising cursor.
  void assign_sample(std::size_t age, double e, double c) noexcept {
    e_[age] = e;
    c_[age] = c;
    size_ = static_cast<std::uint16_t>(std::max<std::size_t>(size_, age + 1));
  }
  void set_cursor(std::size_t cursor) noexcept { cursor_ = static_cast<std::uint16_t>(cursor); }

 private:
  std::size_t back() const noexcept { return (head_ + size_ - 1) % capacity; }

  std::array<double, capacity> e_{};
  std::array<double, capacity> c_{};
  std::uint16_t head_ = 0;
  std::uint16_t size_ = 0;
  std::uint16_t cursor_ = 0;
};

/// One VM's transcription-translation state under the physiological model.
struct PipelineState {
  double mrna = 0.0;            ///< mRNA molecules
  double initiations = 0.0;     ///< chains initiated since creation (fractional: a rate)
  double completed = 0.0;       ///< chains finished (chains of the image's mean length)
  double elongation = 0.0;      ///< E: amino acids each chain has advanced since creation
  double protein_aa = 0.0;      ///< guest protein per cell after dilution by growth, aa
  double growth_mark = 0.0;     ///< host growth integral (natural log units) at that update
  double boot_target = 0.0;     ///< E at which the last boot chain initiated so far finishes
  std::uint32_t boot_next = 0;  ///< boot proteins whose first chain has been initiated
  std::unique_ptr<ChainHistory> history;

  double bound() const noexcept { return initiations - completed; }
  /// Guest protein per cell now, given the host growth integral.
  double protein_now(double growth) const noexcept {
    return protein_aa * std::exp(-(growth - growth_mark));
  }
};

/// The host's growth by the bacterial growth laws (Scott et al. 2010), in steady state for the
/// current partition: lambda = (phi_c - phi_Q) / (1 / (kappa_t (1 - s)) + 1 / kappa_n), times
/// the RNA polymerase limitation; kappa_n follows from the reference growth rate of the host
/// alone (phi_Q = s = 0). Returns 1/h, 0 when the host cannot grow.
struct GrowthLaw {
  double phi_c = 0.0;
  double kappa_t = 0.0;      ///< 1/h
  double inv_kappa_n = 0.0;  ///< h
  double phi_r0 = 0.0;
  double reference = 0.0;  ///< lambda of the host alone, 1/h

  static GrowthLaw of(const ChassisProfile& p) noexcept {
    GrowthLaw g;
    g.phi_c = p.growth_law_phi_c;
    g.kappa_t = p.growth_law_kappa_t_per_h;
    g.phi_r0 = p.growth_law_phi_r0;
    g.reference = p.reference_growth_rate_per_h();
    g.inv_kappa_n = g.phi_c / g.reference - 1.0 / g.kappa_t;
    return g;
  }

  double rate(double phi_q, double sequestered, double rnap_limitation) const noexcept {
    if (!(phi_q < phi_c) || !(sequestered < 1.0)) return 0.0;
    const double lambda = (phi_c - phi_q) / (1.0 / (kappa_t * (1.0 - sequestered)) + inv_kappa_n);
    return std::max(0.0, lambda * std::clamp(rnap_limitation, 0.0, 1.0));
  }
};

}  // namespace bioxen::detail
