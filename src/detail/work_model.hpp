// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// The work models (docs/MODEL.md sections 6 and 7): what one quantum does to a VM, and the
// host cell's state under the physiological model. The engine owns the VM records, the
// allocator, the run queue and the clock; it calls Work for the work itself.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bioxen/chassis.hpp"
#include "bioxen/config.hpp"
#include "bioxen/detail/json_read.hpp"
#include "bioxen/export.hpp"
#include "bioxen/genome.hpp"
#include "bioxen/types.hpp"
#include "bioxen/work_model.hpp"
#include "detail/physiology.hpp"
#include "detail/vm_record.hpp"

namespace bioxen::detail {

/// The work model of one hypervisor: its constants, the host's state, and the per-VM work of
/// both models. A quantum is begin_quantum(), then capacity() or pipeline() for each VM the
/// quantum advances, then end_quantum().
class BIOXEN_API Work {
 public:
  Work(const ProductionConfig& config, const ChassisProfile& chassis)
      : physiological_(config.work_model == WorkModel::physiological),
        quantum_us_(static_cast<std::int64_t>(config.scheduling_quantum_ms) * 1000),
        ribosomes_per_unit_(chassis.physical_ribosomes / config.total_ribosomes),
        elongation_(chassis.elongation_rate_aa_per_s),
        transcription_(config.transcription_isolation == TranscriptionIsolation::orthogonal_rnap
                           ? t7_elongation_nt_per_s
                           : chassis.transcription_rate_nt_per_s),
        atp_per_aa_(chassis.atp_per_aa),
        growth_(GrowthLaw::of(chassis)),
        active_ribosomes_(chassis.active_ribosome_fraction * chassis.physical_ribosomes),
        active_per_unit_(chassis.active_ribosome_fraction * ribosomes_per_unit_),
        rnap_need_(chassis.active_rnap_fraction * chassis.rna_polymerases),
        max_initiation_per_mrna_s_(chassis.max_initiation_rate_per_mrna_per_s()),
        repress_(config.pause_mechanism == PauseMechanism::repress),
        degrade_(config.destroy_mechanism == DestroyMechanism::degrade),
        t7_(config.transcription_isolation == TranscriptionIsolation::orthogonal_rnap),
        chassis_rnap_(static_cast<double>(chassis.rna_polymerases)),
        orthogonal_(chassis.type == ChassisType::orthogonal),
        dynamic_pool_(config.orthogonal_pool == OrthogonalPoolAllocation::dynamic),
        cell_ribosomes_(chassis.physical_ribosomes),
        host_alone_free_((1.0 - chassis.active_ribosome_fraction) * chassis.physical_ribosomes),
        pool_min_(orthogonal_ ? config.orthogonal_pool_fraction * chassis.physical_ribosomes : 0.0),
        pool_max_(orthogonal_ ? (dynamic_pool_ ? config.orthogonal_pool_max_fraction
                                               : config.orthogonal_pool_fraction) *
                                    chassis.physical_ribosomes
                              : 0.0),
        host_growth_per_h_(growth_.reference) {
    pool_ = pool_min_;
    free_ratio_ = orthogonal_ ? free_ratio_of_pool(0.0) : 1.0;
    if (orthogonal_ && physiological_) {
      // The host alone already carries its idle o-pool (section 6.5).
      host_sequestered_ = std::clamp(pool_ / cell_ribosomes_, 0.0, 1.0);
      host_growth_per_h_ = growth_.rate(0.0, host_sequestered_, 1.0);
    }
    aa_per_unit_s_ = ribosomes_per_unit_ * elongation_;
    // ATP per quantum per 1e-6 % of share: supply x (chassis % / 100) x (1e-6 / 100) x quantum.
    atp_budget_per_micro_ =
        chassis.atp_supply_per_s * chassis.atp_percentage * static_cast<double>(quantum_us_) / 1e16;
    const double dt = static_cast<double>(quantum_us_) / 1e6;
    mrna_decay_rate_ = std::log(2.0) / chassis.mrna_half_life_s;
    mrna_decay_per_quantum_ = std::exp(-mrna_decay_rate_ * dt);
    host_aa_per_s_ = host_active_ribosomes() * elongation_;  // alone
    pool_rise_per_quantum_ = 1.0 - std::exp(-dt / orthogonal_pool_assembly_s);
    repressed_decay_per_quantum_ = std::exp(-std::log(2.0) / repressed_mrna_half_life_s * dt);
    tag_decay_rate_ = std::log(2.0) / degradation_tag_half_life_s;
    // The controller's half-repression point: at the least pool with no guest chains it asks
    // for exactly the least pool (docs/MODEL.md section 6.5).
    if (orthogonal_ && pool_max_ > pool_min_ && pool_min_ > 0.0) {
      controller_half_ratio_ =
          free_ratio_of_pool(0.0) / std::pow(pool_max_ / pool_min_ - 1.0, 1.0 / controller_hill);
    }
  }

  // Isolation mechanisms (docs/MODEL.md section 6.5; sources and confidence there).
  /// A target mRNA's half-life with its sRNA in excess, s: ln 2 / (0.1 + k S) per min with the
  /// pairing rate k = 0.02 /nM/min and S = 50 nM (Levine et al. 2007's estimates): 0.63 min.
  static constexpr double repressed_mrna_half_life_s = 38.0;
  /// RNA polymerase an sRNA takes per guest RNA polymerase it silences: the sRNA (~90 nt, as
  /// RyhB) made twice as fast as the target's transcripts, over the transcript's length.
  static constexpr double srna_nt = 90.0;
  static constexpr double srna_excess = 2.0;
  /// Half-life of ssrA-tagged proteins, s: 40 min, the shortest of the GFP variants of
  /// Andersen et al. 1998 ("from 40 min to a few hours").
  static constexpr double degradation_tag_half_life_s = 2400.0;
  /// The ssrA tag, AANDENYALAA: 11 amino acids on every protein of a tagged guest.
  static constexpr double degradation_tag_aa = 11.0;
  /// T7 RNA polymerase: 883 amino acids (Moffatt et al. 1984), 230 nt/s in vivo (the T7 model
  /// of Jack et al., a model parameter).
  static constexpr double t7_rnap_aa = 883.0;
  static constexpr double t7_elongation_nt_per_s = 230.0;

  /// Time constant with which the o-ribosome pool grows towards a larger size, s: the assembly
  /// of a ribosome from rRNA and r-proteins in vivo, 1.2 min (50S) to 1.7-2.9 min (30S) at a
  /// 40 min doubling, derived from the precursor fractions of Lindahl 1975 (docs/MODEL.md).
  static constexpr double orthogonal_pool_assembly_s = 120.0;
  /// The o-16S controller's Hill coefficient: o-rRNA synthesis = w / (1 + (F / k_F)^4), F a
  /// sensor protein that o-ribosomes make (Darlington et al. 2018, model code hF = 4).
  static constexpr double controller_hill = 4.0;

  bool physiological() const noexcept { return physiological_; }
  double ribosomes_per_unit() const noexcept { return ribosomes_per_unit_; }
  double aa_per_unit_second() const noexcept { return aa_per_unit_s_; }

  /// The physiological constants of an image (its resident set is computed).
  void prepare(GuestImage& img) const {
    const ResidentSet& rs = *img.resident;
    if (rs.cds.empty()) return;
    img.mean_aa = static_cast<double>(rs.cycle_aa()) / static_cast<double>(rs.cds.size());
    std::uint64_t longest = 0;
    for (std::size_t i = 0; i < rs.cds.size(); ++i) {
      longest = std::max(longest, rs.aa_prefix[i + 1] - rs.aa_prefix[i]);
    }
    img.longest_aa = static_cast<double>(longest);
    img.history_spacing = ChainHistory::spacing_for(img.longest_aa);
    // A transcript: the CDS and its stop codon, 3 nt per amino acid + 3.
    img.transcripts_per_rnap_s = transcription_ / (3.0 * img.mean_aa + 3.0);
  }

  // --- The capacity model ------------------------------------------------------------------

  /// One VM in one quantum (docs/MODEL.md section 7): returns the amino acids made. Times are
  /// divided by 1e6 last, so round inputs give exact results (6 units x 100 aa/s x 100,000 µs
  /// is exactly 60 aa).
  double capacity(VmRecord& v, double units, double work_us,
                  std::int64_t work_start_us) const noexcept {
    if (!(units > 0.0)) return 0.0;
    v.active_us += quantum_us_;
    const double aa = limit_by_atp(v, units * aa_per_unit_s_ * work_us / 1e6);
    const double before = v.aa;
    v.aa = before + aa;
    v.atp += aa * atp_per_aa_;
    v.ribosome_seconds += units * work_us / 1e6;
    if ((v.flags & kBooted) == 0 && !v.image->resident->boot_blocked()) {
      const auto boot = static_cast<double>(v.image->resident->boot_aa);
      if (v.aa >= boot) {
        const double frac = aa > 0.0 ? std::clamp((boot - before) / aa, 0.0, 1.0) : 0.0;
        v.boot_time_s = (static_cast<double>(work_start_us) + frac * work_us) / 1e6;
        v.flags |= kBooted;
      }
    }
    return aa;
  }

  // --- The physiological model -------------------------------------------------------------

  /// Growth during this quantum, at the rate of the last one (dilutes guest protein).
  void begin_quantum() noexcept {
    growth_before_ = growth_integral_;
    growth_integral_ += host_growth_per_h_ / 3600.0 * static_cast<double>(quantum_us_) / 1e6;
    dilution_ = std::exp(-(growth_integral_ - growth_before_));
    guest_aa_ = 0.0;
    running_bound_ = 0.0;
    srna_rnap_ = 0.0;
    tag_aa_ = 0.0;
  }

  /// One running VM's quantum (docs/MODEL.md section 6): transcription, initiation gated by
  /// the `units` the policy granted, elongation limited by its ATP share, completion, boot,
  /// dilution. `clock_us` is the quantum's start. Returns the amino acids made.
  /// `repressed`: a VM paused by sRNA repression (section 6.5): its transcripts are paired with
  /// the sRNA as they are made, its messages decay with the repressed half-life and still take
  /// ribosomes (up to its reservation) until they are gone, its chains run off.
  double pipeline(VmRecord& v, double units, double work_us, std::int64_t clock_us,
                  bool repressed = false) noexcept {
    PipelineState& p = v.pipe;
    const GuestImage& img = *v.image;
    const ResidentSet& rs = *img.resident;
    const double dt = static_cast<double>(quantum_us_) / 1e6;
    // Transcription: dM/dt = RNAP x transcripts per RNAP - k_d M, solved over the quantum.
    if (repressed) {
      p.mrna *= repressed_decay_per_quantum_;
      srna_rnap_ += srna_excess * static_cast<double>(v.res.rna_polymerase) * srna_nt /
                    (3.0 * img.mean_aa + 3.0);
    } else {
      const double m_ss =
          static_cast<double>(v.res.rna_polymerase) * img.transcripts_per_rnap_s / mrna_decay_rate_;
      p.mrna = m_ss + (p.mrna - m_ss) * mrna_decay_per_quantum_;
    }
    // Initiation at the start of the quantum's work: free granted ribosomes, mRNA permitting.
    const double e0 = p.elongation;
    const double completed_before = p.completed;
    if (units > 0.0) {
      if (!repressed) v.active_us += quantum_us_;
      const double room = units * active_per_unit_ - p.bound();
      // Initiation is mass action on the free ribosomes of the guests' pool (section 6.5): at
      // the host alone's free ribosomes an mRNA takes its most, and proportionally fewer.
      const double gate = p.mrna * max_initiation_per_mrna_s_ * free_ratio_ * work_us / 1e6;
      const double n = std::min(room, gate);
      if (n > 0.0 && !rs.cds.empty()) {
        const double c0 = p.initiations;
        p.initiations += n;
        note_boot_initiations(v, c0, p.initiations, e0);
        p.history->record(e0, p.initiations, img.history_spacing);
      }
    }
    // Elongation of every chain, limited by the VM's ATP share.
    const double bound = p.bound();
    const double aa = limit_by_atp(v, bound * elongation_ * dt);
    const double de = bound > 0.0 ? aa / bound : elongation_ * dt;
    p.elongation = e0 + de;
    // Chains finish after their length (chains of the mean length for the pipeline count).
    if (p.history) {
      p.completed =
          std::max(p.completed, p.history->initiations_at_rising(p.elongation - img.mean_aa));
    }
    v.aa += aa;
    v.atp += aa * atp_per_aa_;
    v.ribosome_seconds += bound / ribosomes_per_unit_ * dt;
    if ((v.flags & kBooted) == 0 && !rs.boot_blocked() && p.boot_next >= rs.boot_proteins &&
        p.elongation >= p.boot_target) {
      const double frac = de > 0.0 ? std::clamp((p.boot_target - e0) / de, 0.0, 1.0) : 0.0;
      v.boot_time_s = static_cast<double>(clock_us) / 1e6 + frac * dt;
      v.flags |= kBooted;
    }
    // Dilution: guest protein per cell falls with the host's growth.
    p.protein_aa = (p.growth_mark == growth_before_ ? p.protein_aa * dilution_
                                                    : p.protein_now(growth_integral_)) +
                   aa;
    p.growth_mark = growth_integral_;
    guest_aa_ += aa;
    running_bound_ += p.bound();
    if (degrade_) tag_aa_ += (p.completed - completed_before) * degradation_tag_aa;
    return aa;
  }

  /// The host after the quantum (docs/MODEL.md section 6.1): phi_Q, sequestration, growth.
  void end_quantum(std::int64_t free_rnap, std::int64_t allocated_rnap) noexcept {
    const double dt = static_cast<double>(quantum_us_) / 1e6;
    run_off(dt);
    const double bound_all = running_bound_ + std::max(0.0, frozen_bound_);
    guest_bound_ = bound_all;
    if (orthogonal_) resize_pool(bound_all, dt);
    // The host's mRNAs keep the host alone's active share of the ribosomes guests leave them
    // (shared), or of the ribosomes outside the o-pool (orthogonal).
    const double host_pool = orthogonal_ ? cell_ribosomes_ - pool_ : cell_ribosomes_ - bound_all;
    host_aa_per_s_ =
        std::max(0.0, host_pool) / cell_ribosomes_ * host_active_ribosomes() * elongation_;
    free_ratio_ = orthogonal_ ? free_ratio_of_pool(bound_all)
                              : std::clamp(1.0 - bound_all / cell_ribosomes_, 0.0, 1.0);
    guest_aa_per_s_ = guest_aa_ / dt;
    // Isolation machinery the host translates: T7 RNA polymerase against dilution, the
    // degradation tags of the proteins just finished. It is protein that does not serve growth.
    t7_rnap_ = t7_ ? static_cast<double>(allocated_rnap) : 0.0;
    isolation_aa_per_s_ = t7_rnap_ * t7_rnap_aa * host_growth_per_h_ / 3600.0 + tag_aa_ / dt;
    isolation_aa_per_s_ = std::min(isolation_aa_per_s_, host_aa_per_s_);
    host_aa_per_s_ -= isolation_aa_per_s_;
    const double unneeded = guest_aa_per_s_ + isolation_aa_per_s_;
    const double total = host_aa_per_s_ + unneeded;
    host_phi_q_ = total > 0.0 ? unneeded / total : 0.0;
    // Ribosomes held on guest chains but not elongating (frozen, or slowed by ATP), and the
    // o-ribosomes' active share that no guest chain uses: capacity the host lacks.
    double idle = bound_all * elongation_ * dt - guest_aa_;
    if (orthogonal_) {
      idle +=
          std::max(0.0, active_ribosomes_ / cell_ribosomes_ * pool_ - bound_all) * elongation_ * dt;
    }
    host_sequestered_ = std::clamp(idle / (active_ribosomes_ * elongation_ * dt), 0.0, 1.0);
    // T7 enzymes leave the host's RNA polymerase alone; an sRNA takes some of it.
    srna_last_ = srna_rnap_;
    host_growth_per_h_ =
        growth_.rate(host_phi_q_, host_sequestered_, rnap_limitation(host_free_rnap(free_rnap)));
    degrading_protein_aa_ *= std::exp(-(tag_decay_rate_ + host_growth_per_h_ / 3600.0) * dt);
    if (degrading_protein_aa_ < 1.0) degrading_protein_aa_ = 0.0;
    if (!(host_growth_per_h_ > 0.0)) ++stalled_quanta_;
  }

  /// A VM leaves running: its chains stay on their ribosomes, frozen.
  void freeze(const VmRecord& v) noexcept { frozen_bound_ += v.pipe.bound(); }
  /// A VM enters running: its frozen chains elongate again.
  void thaw(VmRecord& v, bool frozen = true) {
    if (frozen) frozen_bound_ -= v.pipe.bound();
    if (physiological_ && !v.pipe.history) v.pipe.history = std::make_unique<ChainHistory>();
  }
  /// A VM that is not running (or has just left running) is destroyed: its ribosomes return
  /// to the host at once (`release`), or (`degrade`) its chains run off over a chain's time and
  /// its protein decays with the tag's half-life. `frozen`: its chains were frozen.
  void forget(const VmRecord& v, bool frozen = true) {
    if (frozen) frozen_bound_ -= v.pipe.bound();
    if (!physiological_ || !degrade_) return;
    const double bound = v.pipe.bound();
    if (bound > 0.0 && elongation_ > 0.0) {
      const double seconds = v.image->mean_aa / elongation_;
      runoff_.push_back({bound, seconds, seconds});
    }
    degrading_protein_aa_ += v.pipe.protein_now(growth_integral_);
  }
  /// Pause and stop silence the VM's mRNAs (its chains keep elongating, not frozen).
  bool repress() const noexcept { return physiological_ && repress_; }
  /// Sets the frozen total (after a restore).
  void set_frozen(double bound) noexcept { frozen_bound_ = bound; }

  /// The o-pool size the hypervisor asks for and the pool's relaxation towards it: it grows
  /// with the assembly time constant and shrinks only by dilution as the host grows (ribosomes
  /// are stable). `dynamic`: the controller of Darlington et al. 2018, o-16S expression
  /// repressed by a sensor of free o-ribosomes with a Hill coefficient of 4, so the pool grows
  /// as guest chains take its free ribosomes: target = max / (1 + (x / x_half)^4), within
  /// [least, most].
  void resize_pool(double bound_all, double dt) noexcept {
    double target = pool_min_;
    if (dynamic_pool_ && controller_half_ratio_ > 0.0) {
      const double x = free_ratio_of_pool(bound_all);
      target = std::clamp(pool_max_ / (1.0 + std::pow(x / controller_half_ratio_, controller_hill)),
                          pool_min_, pool_max_);
    }
    if (target > pool_) {
      pool_ += (target - pool_) * pool_rise_per_quantum_;
    } else {
      const double shrink = 1.0 - std::exp(-host_growth_per_h_ / 3600.0 * dt);
      pool_ = std::max(target, pool_ - pool_ * shrink);
    }
  }

  /// Free o-ribosomes over the host alone's free ribosomes, at most 1.
  double free_ratio_of_pool(double bound_all) const noexcept {
    return host_alone_free_ > 0.0 ? std::clamp((pool_ - bound_all) / host_alone_free_, 0.0, 1.0)
                                  : 0.0;
  }

  /// The host's active ribosomes when it hosts nothing (outside the o-pool).
  double host_active_ribosomes() const noexcept {
    return orthogonal_ ? active_ribosomes_ * (cell_ribosomes_ - pool_) / cell_ribosomes_
                       : active_ribosomes_;
  }

  bool host_stalled() const noexcept { return physiological_ && !(host_growth_per_h_ > 0.0); }
  double host_growth_per_h() const noexcept { return host_growth_per_h_; }
  double growth_integral() const noexcept { return growth_integral_; }

  HostStatus host_status(std::string_view model, std::int64_t free_rnap) const {
    HostStatus h;
    h.work_model = std::string(model);
    h.modelled = physiological_;
    h.reference_growth_rate_per_h = growth_.reference;
    h.growth_rate_per_h = physiological_ ? host_growth_per_h_ : growth_.reference;
    h.state = h.growth_rate_per_h > 0.0 ? "growing" : "stalled";
    h.doubling_time_min = h.growth_rate_per_h > 0.0 ? std::log(2.0) / h.growth_rate_per_h * 60.0
                                                    : std::numeric_limits<double>::infinity();
    h.ribosomal_fraction = growth_.phi_r0 + h.growth_rate_per_h / growth_.kappa_t;
    h.active_ribosomes = active_ribosomes_;
    h.rnap_limitation = rnap_limitation(host_free_rnap(free_rnap));
    h.cumulative_doublings = growth_integral_ / std::log(2.0);
    h.stalled_quanta = stalled_quanta_;
    h.translation_isolation = orthogonal_ ? "orthogonal" : "shared";
    h.free_ribosome_ratio = physiological_ ? free_ratio_ : 1.0;
    h.orthogonal_ribosomes = pool_;
    h.orthogonal_rnap = t7_rnap_;
    h.isolation_aa_per_s = isolation_aa_per_s_;
    h.degrading_protein_aa = degrading_protein_aa_;
    h.runoff_ribosomes = runoff_bound();
    if (physiological_) {
      h.guest_translation_fraction = host_phi_q_;
      h.sequestered_ribosome_fraction = host_sequestered_;
      h.host_translation_aa_per_s = host_aa_per_s_;
      h.guest_translation_aa_per_s = guest_aa_per_s_;
      h.guest_bound_ribosomes = guest_bound_;
    } else {
      h.host_translation_aa_per_s = host_active_ribosomes() * elongation_;
    }
    return h;
  }

  /// The model's fields of a VM's status.
  void status(const VmRecord& v, VmStatus& st) const noexcept {
    const ResidentSet& rs = *v.image->resident;
    if (physiological_) {
      st.proteins_completed = static_cast<std::uint64_t>(v.pipe.completed);
      st.mrna = v.pipe.mrna;
      st.ribosomes_on_chains = v.pipe.bound();
      st.protein_aa_per_cell = v.pipe.protein_now(growth_integral_);
    } else {
      st.proteins_completed = rs.proteins_completed(st.amino_acids);
      st.mrna = 0.0;
      st.ribosomes_on_chains = 0.0;
      st.protein_aa_per_cell = v.aa;
    }
  }

  /// Completed copies of the protein at resident-cycle position `i`.
  std::uint64_t copies(const VmRecord& v, std::size_t i) const noexcept {
    const ResidentSet& rs = *v.image->resident;
    if (!physiological_) return rs.copies_of(i, static_cast<std::uint64_t>(v.aa));
    if (!v.pipe.history) return 0;
    // Chain k translates cycle position k mod n; it is finished once E minus its length has
    // passed its initiation.
    const auto n = static_cast<std::uint64_t>(rs.cds.size());
    const auto length = static_cast<double>(rs.aa_prefix[i + 1] - rs.aa_prefix[i]);
    const auto c =
        static_cast<std::uint64_t>(v.pipe.history->initiations_at(v.pipe.elongation - length));
    return c > i ? (c - 1 - i) / n + 1 : 0;
  }

  // --- Snapshots -----------------------------------------------------------------------------

  /// A VM's pipeline (null under the capacity model).
  nlohmann::json pipeline_json(const VmRecord& v) const {
    if (!physiological_) return nullptr;
    const PipelineState& pp = v.pipe;
    nlohmann::json samples = nlohmann::json::array();
    std::size_t cursor = 0;
    if (pp.history) {
      for (std::size_t i = 0; i < pp.history->size(); ++i) {
        samples.push_back({pp.history->e_at(i), pp.history->c_at(i)});
      }
      cursor = pp.history->cursor();
    }
    return {{"mrna", pp.mrna},
            {"initiations", pp.initiations},
            {"completed", pp.completed},
            {"elongation", pp.elongation},
            {"protein_aa", pp.protein_aa},
            {"growth_mark", pp.growth_mark},
            {"boot_target", pp.boot_target},
            {"boot_next", pp.boot_next},
            {"history", pp.history != nullptr},
            {"samples", std::move(samples)},
            {"cursor", cursor}};
  }

  nlohmann::json host_json() const {
    return {{"growth_integral", growth_integral_},
            {"growth_rate_per_h", host_growth_per_h_},
            {"guest_translation_fraction", host_phi_q_},
            {"sequestered_ribosome_fraction", host_sequestered_},
            {"host_translation_aa_per_s", host_aa_per_s_},
            {"guest_translation_aa_per_s", guest_aa_per_s_},
            {"guest_bound_ribosomes", guest_bound_},
            {"stalled_quanta", stalled_quanta_},
            {"free_ribosome_ratio", free_ratio_},
            {"orthogonal_ribosomes", pool_},
            {"isolation_aa_per_s", isolation_aa_per_s_},
            {"orthogonal_rnap", t7_rnap_},
            {"srna_rnap", srna_last_},
            {"degrading_protein_aa", degrading_protein_aa_},
            {"runoff", runoff_json()}};
  }

  nlohmann::json runoff_json() const {
    nlohmann::json out = nlohmann::json::array();
    for (const RunOff& r : runoff_) out.push_back({r.bound, r.remaining_s, r.duration_s});
    return out;
  }

  /// Ribosomes on the chains of destroyed VMs that are still running off.
  double runoff_bound() const noexcept {
    double b = 0.0;
    for (const RunOff& r : runoff_) b += r.bound * r.remaining_s / r.duration_s;
    return b;
  }

  /// Reads pipeline_json() into `v` (whose state, flags and image are set); throws
  /// `ctx`'s error naming the key.
  void restore_pipeline(VmRecord& v, const nlohmann::json& jp, const std::string& w,
                        const JsonContext& ctx) const;
  /// Reads host_json().
  void restore_host(const nlohmann::json& jh, const JsonContext& ctx);

 private:
  /// Cuts `aa` to what the VM's ATP share pays for this quantum, counting a throttle.
  double limit_by_atp(VmRecord& v, double aa) const noexcept {
    const double budget = atp_budget_per_micro_ * static_cast<double>(v.res.atp_micro);
    if (aa * atp_per_aa_ > budget) {
      ++v.throttle_events;
      v.flags |= kThrottled;
      return budget / atp_per_aa_;
    }
    v.flags &= static_cast<std::uint8_t>(~kThrottled);
    return aa;
  }

  /// The RNA polymerase the host has: what VMs leave it (all of it when they use T7 enzymes),
  /// less what the last quantum's sRNAs took.
  double host_free_rnap(std::int64_t free_rnap) const noexcept {
    return (t7_ ? chassis_rnap_ : static_cast<double>(free_rnap)) - srna_last_;
  }

  /// Free RNA polymerase over what the host needs transcribing (at most 1, at least 0).
  double rnap_limitation(double free_rnap) const noexcept {
    return rnap_need_ > 0.0 ? std::clamp(free_rnap / rnap_need_, 0.0, 1.0) : 1.0;
  }

  /// Chains of destroyed VMs run off: chains of the mean length are uniformly far along, so
  /// their ribosomes return linearly over one chain's time; they elongate until then.
  void run_off(double dt) noexcept {
    for (std::size_t i = 0; i < runoff_.size();) {
      RunOff& r = runoff_[i];
      const double before = r.bound * r.remaining_s / r.duration_s;
      r.remaining_s -= dt;
      const double after = r.remaining_s > 0.0 ? r.bound * r.remaining_s / r.duration_s : 0.0;
      // Elongating chains over the quantum (the mean of its start and end), their protein
      // degraded as it is finished.
      guest_aa_ += 0.5 * (before + after) * elongation_ * dt;
      running_bound_ += after;
      if (r.remaining_s <= 0.0) {
        runoff_[i] = runoff_.back();
        runoff_.pop_back();
      } else {
        ++i;
      }
    }
  }

  struct RunOff {
    double bound;        // ribosomes on the chains when the VM was destroyed
    double remaining_s;  // until the last chain is finished
    double duration_s;   // one chain's time, mean length / elongation rate
  };

  /// Boot: the first chain of each boot protein (the first boot_proteins positions of the
  /// translation cycle) finishes its length after its initiation.
  static void note_boot_initiations(VmRecord& v, double c0, double c1, double e0) noexcept {
    PipelineState& p = v.pipe;
    const ResidentSet& rs = *v.image->resident;
    if (p.boot_next >= rs.boot_proteins) return;
    const auto first = static_cast<std::uint64_t>(c0);
    const std::uint64_t last =
        std::min<std::uint64_t>(static_cast<std::uint64_t>(c1), rs.boot_proteins);
    for (std::uint64_t k = std::max<std::uint64_t>(first, p.boot_next); k < last; ++k) {
      const auto length = static_cast<double>(rs.aa_prefix[k + 1] - rs.aa_prefix[k]);
      p.boot_target = std::max(p.boot_target, e0 + length);
    }
    p.boot_next = static_cast<std::uint32_t>(std::max<std::uint64_t>(p.boot_next, last));
  }

  // Constants.
  bool physiological_;
  std::int64_t quantum_us_;
  double ribosomes_per_unit_;
  double elongation_;     // aa/s
  double transcription_;  // nt/s
  double atp_per_aa_;
  GrowthLaw growth_;
  double active_ribosomes_;  // elongating ribosomes of the chassis
  double active_per_unit_;   // elongating ribosomes per allocator unit
  double rnap_need_;         // RNA polymerases the host needs transcribing
  double max_initiation_per_mrna_s_;
  bool repress_;            // pause and stop silence mRNAs (sRNA)
  bool degrade_;            // destroy degrades proteins (ssrA tag)
  bool t7_;                 // guests are transcribed by T7 RNA polymerase
  double chassis_rnap_;     // the chassis' RNA polymerases
  bool orthogonal_;         // guests translate only on the o-pool
  bool dynamic_pool_;       // the hypervisor sizes the o-pool to demand
  double cell_ribosomes_;   // all ribosomes of the cell
  double host_alone_free_;  // free ribosomes of the host alone
  double pool_min_ = 0.0;   // o-pool least and most size, ribosomes
  double pool_max_ = 0.0;
  double pool_rise_per_quantum_ = 0.0;
  double controller_half_ratio_ = 0.0;  // free ratio at which o-16S is half repressed
  double repressed_decay_per_quantum_ = 1.0;
  double tag_decay_rate_ = 0.0;  // 1/s
  double aa_per_unit_s_ = 0.0;
  double atp_budget_per_micro_ = 0.0;
  double mrna_decay_rate_ = 0.0;  // 1/s
  double mrna_decay_per_quantum_ = 1.0;
  // The host.
  double frozen_bound_ = 0.0;  // ribosomes on chains of VMs that are not running
  double pool_ = 0.0;          // ribosomes of the o-pool now
  double isolation_aa_per_s_ = 0.0;
  double t7_rnap_ = 0.0;
  double srna_last_ = 0.0;             // RNA polymerase the last quantum's sRNAs took
  double degrading_protein_aa_ = 0.0;  // protein of destroyed VMs, decaying
  std::vector<RunOff> runoff_;         // chains of destroyed VMs, running off
  double srna_rnap_ = 0.0;             // this quantum: RNA polymerase making sRNA
  double tag_aa_ = 0.0;                // this quantum: tags of the proteins finished
  double free_ratio_ = 1.0;            // free ribosomes of the guests' pool / the host alone's
  double growth_integral_ = 0.0;       // integral of lambda dt (natural log units)
  double host_growth_per_h_;           // lambda after the last quantum, 1/h
  double host_phi_q_ = 0.0;
  double host_sequestered_ = 0.0;
  double host_aa_per_s_ = 0.0;
  double guest_aa_per_s_ = 0.0;
  double guest_bound_ = 0.0;
  std::uint64_t stalled_quanta_ = 0;
  // The quantum in progress.
  double growth_before_ = 0.0;
  double dilution_ = 1.0;
  double guest_aa_ = 0.0;
  double running_bound_ = 0.0;
};

inline void Work::restore_pipeline(VmRecord& v, const nlohmann::json& jp, const std::string& w,
                                   const JsonContext& ctx) const {
  if (!physiological_) {
    if (!jp.is_null()) json_fail(ctx, w, "must be null under the capacity work model");
    return;
  }
  require_object(jp, w,
                 {"mrna", "initiations", "completed", "elongation", "protein_aa", "growth_mark",
                  "boot_target", "boot_next", "history", "samples", "cursor"},
                 ctx);
  const auto k = [&](std::string_view key) { return fmt::format("{}.{}", w, key); };
  const auto nonneg = [&](std::string_view key) {
    const double d = read_number(require(jp, key, ctx), k(key), ctx);
    if (!(d >= 0.0)) json_fail(ctx, k(key), "must be >= 0");
    return d;
  };
  PipelineState& p = v.pipe;
  p.mrna = nonneg("mrna");
  p.initiations = nonneg("initiations");
  p.completed = nonneg("completed");
  if (p.completed > p.initiations) json_fail(ctx, k("completed"), "exceeds the initiations");
  p.elongation = nonneg("elongation");
  p.protein_aa = nonneg("protein_aa");
  p.growth_mark = nonneg("growth_mark");
  p.boot_target = nonneg("boot_target");
  const ResidentSet& rs = *v.image->resident;
  p.boot_next = read_integer<std::uint32_t>(require(jp, "boot_next", ctx), k("boot_next"), ctx, 0,
                                            static_cast<std::uint32_t>(rs.boot_proteins));
  const bool booted = (v.flags & kBooted) != 0;
  if (booted &&
      (rs.boot_blocked() || p.boot_next < rs.boot_proteins || p.elongation < p.boot_target)) {
    json_fail(ctx, k("boot_next"), "disagrees with boot_complete");
  }
  const bool has_history = read_bool(require(jp, "history", ctx), k("history"), ctx);
  const auto& samples = require(jp, "samples", ctx);
  if (!samples.is_array() || samples.size() > ChainHistory::capacity) {
    json_fail(ctx, k("samples"),
              fmt::format("expected an array of at most {} [E, C] pairs", ChainHistory::capacity));
  }
  if (!has_history && !samples.empty()) json_fail(ctx, k("samples"), "set but history is false");
  if (has_history) {
    p.history = std::make_unique<ChainHistory>();
    double last_e = -1.0, last_c = 0.0;
    for (std::size_t i = 0; i < samples.size(); ++i) {
      const std::string key = fmt::format("{}[{}]", k("samples"), i);
      if (!samples[i].is_array() || samples[i].size() != 2) json_fail(ctx, key, "expected [E, C]");
      const double se = read_number(samples[i][0], key, ctx);
      const double sc = read_number(samples[i][1], key, ctx);
      if (!(se > last_e) || !(sc >= last_c) || sc > p.initiations || se > p.elongation) {
        json_fail(ctx, key, "samples must rise and stay within the pipeline's E and C");
      }
      p.history->assign_sample(i, se, sc);
      last_e = se;
      last_c = sc;
    }
    p.history->set_cursor(
        read_integer<std::size_t>(require(jp, "cursor", ctx), k("cursor"), ctx, 0, samples.size()));
  } else if (v.state == VMState::running || p.initiations > 0.0) {
    json_fail(ctx, k("history"), "must be true for a VM that has run");
  }
}

inline void Work::restore_host(const nlohmann::json& jh, const JsonContext& ctx) {
  require_object(
      jh, "host",
      {"growth_integral", "growth_rate_per_h", "guest_translation_fraction",
       "sequestered_ribosome_fraction", "host_translation_aa_per_s", "guest_translation_aa_per_s",
       "guest_bound_ribosomes", "stalled_quanta", "free_ribosome_ratio", "orthogonal_ribosomes",
       "isolation_aa_per_s", "orthogonal_rnap", "srna_rnap", "degrading_protein_aa", "runoff"},
      ctx);
  const auto nonneg = [&](std::string_view key) {
    const std::string name = fmt::format("host.{}", key);
    const double d = read_number(require(jh, key, ctx), name, ctx);
    if (!(d >= 0.0)) json_fail(ctx, name, "must be >= 0");
    return d;
  };
  growth_integral_ = nonneg("growth_integral");
  host_growth_per_h_ = nonneg("growth_rate_per_h");
  host_phi_q_ = nonneg("guest_translation_fraction");
  host_sequestered_ = nonneg("sequestered_ribosome_fraction");
  host_aa_per_s_ = nonneg("host_translation_aa_per_s");
  guest_aa_per_s_ = nonneg("guest_translation_aa_per_s");
  guest_bound_ = nonneg("guest_bound_ribosomes");
  stalled_quanta_ =
      read_integer<std::uint64_t>(require(jh, "stalled_quanta", ctx), "host.stalled_quanta", ctx);
  // Version 3: the pools (older snapshots: the ratio their guests' chains leave, no o-pool).
  if (jh.contains("free_ribosome_ratio")) {
    free_ratio_ = nonneg("free_ribosome_ratio");
    if (free_ratio_ > 1.0) json_fail(ctx, "host.free_ribosome_ratio", "must be <= 1");
  } else {
    free_ratio_ = std::clamp(1.0 - guest_bound_ / cell_ribosomes_, 0.0, 1.0);
  }
  if (jh.contains("orthogonal_ribosomes")) {
    pool_ = nonneg("orthogonal_ribosomes");
    if (!orthogonal_ && pool_ != 0.0) {
      json_fail(ctx, "host.orthogonal_ribosomes", "must be 0 on a chassis without an o-pool");
    }
    if (orthogonal_ && (pool_ < pool_min_ * (1 - 1e-12) || pool_ > pool_max_ * (1 + 1e-12))) {
      json_fail(ctx, "host.orthogonal_ribosomes",
                fmt::format("must be within the configured pool [{}, {}]", pool_min_, pool_max_));
    }
  } else if (orthogonal_) {
    json_fail(ctx, "host.orthogonal_ribosomes", "is required for an orthogonal chassis");
  }
  const auto optional = [&](std::string_view key, double& out) {
    if (jh.contains(key)) out = nonneg(key);
  };
  optional("isolation_aa_per_s", isolation_aa_per_s_);
  optional("orthogonal_rnap", t7_rnap_);
  optional("degrading_protein_aa", degrading_protein_aa_);
  srna_last_ = 0.0;
  optional("srna_rnap", srna_last_);
  runoff_.clear();
  if (jh.contains("runoff")) {
    const auto& jr = jh.at("runoff");
    if (!jr.is_array()) json_fail(ctx, "host.runoff", "expected an array");
    for (std::size_t i = 0; i < jr.size(); ++i) {
      const std::string key = fmt::format("host.runoff[{}]", i);
      if (!jr[i].is_array() || jr[i].size() != 3) {
        json_fail(ctx, key, "expected [ribosomes, remaining_s, duration_s]");
      }
      const double b = read_number(jr[i][0], key, ctx);
      const double left = read_number(jr[i][1], key, ctx);
      const double d = read_number(jr[i][2], key, ctx);
      if (!(b > 0.0) || !(d > 0.0) || !(left > 0.0) || left > d) {
        json_fail(ctx, key, "needs ribosomes > 0 and 0 < remaining_s <= duration_s");
      }
      runoff_.push_back({b, left, d});
    }
  }
  if (!physiological_ && (growth_integral_ != 0.0 || stalled_quanta_ != 0)) {
    json_fail(ctx, "host", "must be empty (zeros) under the capacity work model");
  }
}

}  // namespace bioxen::detail
