// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// The hypervisor's state machine without its lock: VM records, allocator, run queue,
// policy, clock and the work model. BioXenHypervisor wraps one Engine in a mutex; restore()
// builds a new Engine from a snapshot and swaps it in, so a failed restore changes nothing.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "bioxen/allocator.hpp"
#include "bioxen/chassis.hpp"
#include "bioxen/config.hpp"
#include "bioxen/detail/genome_json.hpp"
#include "bioxen/detail/huge_page_allocator.hpp"
#include "bioxen/detail/json_read.hpp"
#include "bioxen/detail/physiology.hpp"
#include "bioxen/detail/vm_index.hpp"
#include "bioxen/error.hpp"
#include "bioxen/genome.hpp"
#include "bioxen/observer.hpp"
#include "bioxen/scheduler.hpp"
#include "bioxen/types.hpp"
#include "bioxen/work_model.hpp"

namespace bioxen::detail {

/// A (biological type, genome, memory) triple and its resident set, shared by every VM that
/// runs it: a VM costs one pointer, not a gene table.
struct GuestImage {
  std::string biological_type;
  GenomePtr genome;
  ResidentSetPtr resident;
  std::int64_t memory_kb = 0;
  std::uint64_t users = 0;
  bool builtin = false;
  // The physiological model's constants of this image (docs/MODEL.md).
  double mean_aa = 0.0;                 ///< mean resident CDS length, aa
  double longest_aa = 0.0;              ///< longest resident CDS, aa
  double history_spacing = 0.0;         ///< ChainHistory sample spacing, aa
  double transcripts_per_rnap_s = 0.0;  ///< transcription rate / mean transcript length, 1/s
};

struct ImageKey {
  const GenomeTemplate* genome;
  std::int64_t memory_kb;
  std::string biological_type;
  friend bool operator==(const ImageKey&, const ImageKey&) = default;
};

struct ImageKeyHash {
  std::size_t operator()(const ImageKey& k) const noexcept {
    std::size_t h = std::hash<const void*>{}(k.genome);
    h ^= std::hash<std::int64_t>{}(k.memory_kb) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h ^= std::hash<std::string>{}(k.biological_type) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h;
  }
};

inline constexpr std::uint32_t npos = VmIndex::none;
inline constexpr std::uint8_t kBooted = 1;     // boot completed
inline constexpr std::uint8_t kThrottled = 2;  // the last active quantum was ATP-limited
inline constexpr std::uint8_t kInUse = 4;      // the slot holds a VM

/// One VM. Small on purpose (about 180 bytes): the genome lives in the shared image, proteins
/// are derived from the amino acids made. The id is first, where a lookup compares it.
struct VmRecord {
  // First cache line: what a lookup compares and get_vm_state() reads.
  std::string id;             // the key the index compares (ids up to 15 characters inline)
  std::uint32_t id_hash = 0;  // VmIndex::hash(id), to erase without rehashing
  VMState state = VMState::created;
  std::uint8_t flags = 0;
  std::uint32_t prev = npos;  // creation-order list; `next` also links free slots
  std::uint32_t next = npos;
  GuestImage* image = nullptr;
  std::uint64_t uid = 0;  // creation number, from 1
  Reservation res;
  std::int64_t running_since_us = 0;  // virtual clock when it last entered running
  std::int64_t running_us = 0;        // time in running before that
  std::int64_t active_us = 0;         // quanta in which it held ribosomes
  double aa = 0.0;                    // amino acids made
  double atp = 0.0;                   // ATP consumed
  double ribosome_seconds = 0.0;
  double boot_time_s = 0.0;
  std::uint64_t context_switches = 0;
  std::uint64_t throttle_events = 0;
  std::uint64_t pass = 0;  // the physiological quantum that last advanced it
  std::chrono::steady_clock::time_point started_wall{};
  PipelineState pipe;  // the physiological model's state (unused under WorkModel::capacity)
};

/// Checks a VM id: non-empty, printable ASCII, at most 64 characters.
inline void validate_vm_id(std::string_view id) {
  const auto fail = [&](std::string_view rule, std::string message) {
    throw BioXenException(BioXenErrorCode::vm_creation_failed, std::move(message),
                          {{"vm_id", printable(id.substr(0, 200))}, {"rule", rule}});
  };
  if (id.empty()) fail("non_empty", "invalid VM id '': it must not be empty");
  if (id.size() > 64) {
    fail("max_length",
         fmt::format("invalid VM id '{}...': it is {} characters long, the limit is 64",
                     printable(id.substr(0, 64)), id.size()));
  }
  for (std::size_t i = 0; i < id.size(); ++i) {
    const auto c = static_cast<unsigned char>(id[i]);
    if (c < 0x20 || c > 0x7e) {
      fail("printable_ascii", fmt::format("invalid VM id '{}': character {} is not printable ASCII",
                                          printable(id), i + 1));
    }
  }
}

class Engine {
 public:
  Engine(const ProductionConfig& config, const ChassisProfile& chassis)
      : config_((config.validate(), config)),
        chassis_((validate_chassis_profile(chassis), chassis)),
        alloc_(config_, chassis_),
        policy_(make_scheduling_policy(config_.scheduler_policy, policy_context(config_))),
        quantum_us_(static_cast<std::int64_t>(config_.scheduling_quantum_ms) * 1000) {
    ribosomes_per_unit_ = chassis_.physical_ribosomes / config_.total_ribosomes;
    aa_per_unit_s_ = ribosomes_per_unit_ * chassis_.elongation_rate_aa_per_s;
    atp_per_aa_ = chassis_.atp_per_aa;
    // ATP per quantum per 1e-6 % of share: supply x (chassis % / 100) x (1e-6 / 100) x quantum.
    atp_budget_per_micro_ = chassis_.atp_supply_per_s * chassis_.atp_percentage *
                            static_cast<double>(quantum_us_) / 1e16;
    physiological_ = config_.work_model == WorkModel::physiological;
    growth_ = GrowthLaw::of(chassis_);
    const double dt = static_cast<double>(quantum_us_) / 1e6;
    active_ribosomes_ = chassis_.active_ribosome_fraction * chassis_.physical_ribosomes;
    active_per_unit_ = chassis_.active_ribosome_fraction * ribosomes_per_unit_;
    mrna_decay_per_quantum_ = std::exp(-std::log(2.0) * dt / chassis_.mrna_half_life_s);
    mrna_decay_rate_ = std::log(2.0) / chassis_.mrna_half_life_s;
    max_initiation_per_mrna_s_ = chassis_.max_initiation_rate_per_mrna_per_s();
    host_growth_per_h_ = growth_.reference;
  }

  Engine(Engine&&) noexcept = default;
  Engine& operator=(Engine&&) noexcept = default;

  // --- Life cycle --------------------------------------------------------------------------

  void create_vm(std::string_view id, std::string_view biological_type,
                 const ResourceAllocation& requested) {
    validate_vm_id(id);
    if (contains(id)) throw BioXenException::vm_already_exists(id);
    GenomePtr genome = genome_for_type(biological_type);
    create(id, std::string(biological_type), std::move(genome), requested);
  }

  void create_vm(std::string_view id, GenomePtr genome, const ResourceAllocation& requested) {
    validate_vm_id(id);
    if (contains(id)) throw BioXenException::vm_already_exists(id);
    if (!genome) {
      throw BioXenException(BioXenErrorCode::vm_creation_failed,
                            fmt::format("cannot create VM '{}': the genome is null", id),
                            {{"vm_id", id}});
    }
    std::string type = genome->name();
    create(id, std::move(type), std::move(genome), requested);
  }

  void start_vm(std::string_view id) {
    const std::uint32_t slot = find(id);
    VmRecord& v = vms_[slot];
    if (v.state != VMState::created && v.state != VMState::stopped) illegal(v, "start");
    if (physiological_ && !v.pipe.history) v.pipe.history = std::make_unique<ChainHistory>();
    queue_.push_back(slot, run_entry(v));
    enter_running(v);
    v.running_since_us = clock_us_;
    v.started_wall = std::chrono::steady_clock::now();
    set_state(v, VMState::running);
  }

  void pause_vm(std::string_view id) {
    const std::uint32_t slot = find(id);
    VmRecord& v = vms_[slot];
    if (v.state != VMState::running) illegal(v, "pause");
    leave_running(slot);
    set_state(v, VMState::paused);
  }

  void resume_vm(std::string_view id) {
    const std::uint32_t slot = find(id);
    VmRecord& v = vms_[slot];
    if (v.state != VMState::paused) illegal(v, "resume");
    queue_.push_back(slot, run_entry(v));
    enter_running(v);
    v.running_since_us = clock_us_;
    set_state(v, VMState::running);
  }

  void stop_vm(std::string_view id) {
    const std::uint32_t slot = find(id);
    VmRecord& v = vms_[slot];
    if (v.state != VMState::running && v.state != VMState::paused) illegal(v, "stop");
    if (v.state == VMState::running) leave_running(slot);
    v.started_wall = {};
    set_state(v, VMState::stopped);
  }

  void destroy_vm(std::string_view id) {
    const std::uint32_t slot = find(id);
    VmRecord& v = vms_[slot];
    if (v.state == VMState::running) leave_running(slot);
    frozen_bound_ -= v.pipe.bound();
    alloc_.release(v.res);
    release_image(v.image);
    --state_counts_[static_cast<std::size_t>(v.state)];
    if (v.state == VMState::error) error_reasons_.erase(v.uid);
    unlink(slot);
    index_.erase(v.id_hash, slot);
    v = VmRecord{};
    v.next = free_head_;
    free_head_ = slot;
  }

  /// Puts a VM into state error (fault injection, external health checks). Its reservation
  /// stays until it is destroyed.
  void fail_vm(std::string_view id, std::string_view reason) {
    const std::uint32_t slot = find(id);
    VmRecord& v = vms_[slot];
    if (v.state == VMState::error) illegal(v, "fail");
    error_reasons_[v.uid] = printable(reason);
    if (v.state == VMState::running) leave_running(slot);
    v.started_wall = {};
    set_state(v, VMState::error);
  }

  void reallocate_vm(std::string_view id, const ResourceAllocation& requested) {
    const std::uint32_t slot = find(id);
    VmRecord& v = vms_[slot];
    const Reservation old = v.res;
    Reservation r = old;
    if (requested.ribosomes != ResourceAllocation::automatic) r.ribosomes = requested.ribosomes;
    if (requested.atp_percentage != ResourceAllocation::automatic) {
      r.atp_micro =
          std::isfinite(requested.atp_percentage) && std::abs(requested.atp_percentage) <= 1e9
              ? std::llround(requested.atp_percentage * atp_micro_per_percent)
              : -1;
    }
    if (requested.rna_polymerase != ResourceAllocation::automatic) {
      r.rna_polymerase = requested.rna_polymerase;
    }
    if (requested.memory_kb != ResourceAllocation::automatic) r.memory_kb = requested.memory_kb;
    if (requested.priority != ResourceAllocation::automatic) r.priority = requested.priority;
    if (r == old) return;
    if (r.memory_kb != old.memory_kb && v.state != VMState::created) {
      throw BioXenException(
          BioXenErrorCode::invalid_state_transition,
          fmt::format("cannot change the memory of VM '{}' in state {}: memory is fixed once a "
                      "VM has started",
                      v.id, to_string(v.state)),
          {{"vm_id", v.id}, {"operation", "change memory"}, {"state", to_string(v.state)}});
    }
    alloc_.check_reallocate(v.id, old, r, requested.atp_percentage);
    if (r.memory_kb != old.memory_kb) {
      GuestImage* img = acquire_image(v.image->biological_type, v.image->genome, r.memory_kb);
      release_image(v.image);
      v.image = img;
    }
    alloc_.reallocate(old, r);
    v.res = r;
    if (v.state == VMState::running) queue_.update(slot, run_entry(v));
  }

  // --- Queries -------------------------------------------------------------------------------

  bool contains(std::string_view id) const noexcept { return slot_of(id) != npos; }
  VMState vm_state(std::string_view id) const { return vms_[find(id)].state; }
  VmStatus vm_status(std::string_view id) const { return status_of(find(id)); }
  ResourceAllocation vm_allocation(std::string_view id) const {
    return vms_[find(id)].res.allocation();
  }

  std::vector<VmStatus> list_vms() const {
    std::vector<VmStatus> out;
    list_vms(out);
    return out;
  }

  /// Fills `out` in creation order, reusing its elements.
  void list_vms(std::vector<VmStatus>& out) const {
    out.resize(index_.size());
    WallClock clock;
    std::size_t i = 0;
    for (std::uint32_t s = all_head_; s != npos; s = vms_[s].next) status_into(s, out[i++], clock);
  }

  std::vector<std::string> list_vm_ids() const {
    std::vector<std::string> out;
    out.reserve(index_.size());
    for (std::uint32_t s = all_head_; s != npos; s = vms_[s].next) out.push_back(vms_[s].id);
    return out;
  }

  std::vector<ProteinCount> vm_proteins(std::string_view id) const {
    const VmRecord& v = vms_[find(id)];
    const ResidentSet& rs = *v.image->resident;
    const auto& genes = v.image->genome->genes();
    const auto aa = static_cast<std::uint64_t>(v.aa);
    std::vector<ProteinCount> out;
    out.reserve(rs.cds.size());
    const auto n = static_cast<std::uint64_t>(rs.cds.size());
    for (std::size_t i = 0; i < rs.cds.size(); ++i) {
      const Gene& g = genes[rs.cds[i]];
      std::uint64_t copies = 0;
      if (!physiological_) {
        copies = rs.copies_of(i, aa);
      } else if (v.pipe.history) {
        // Chain k translates cycle position k mod n; it is finished once E - its length has
        // passed its initiation.
        const auto length = static_cast<double>(rs.aa_prefix[i + 1] - rs.aa_prefix[i]);
        const auto c =
            static_cast<std::uint64_t>(v.pipe.history->initiations_at(v.pipe.elongation - length));
        copies = c > i ? (c - 1 - i) / n + 1 : 0;
      }
      out.push_back(ProteinCount{g.locus_tag, g.name, g.protein_length_aa, copies});
    }
    return out;
  }

  SystemResources system_resources() const noexcept {
    SystemResources r;
    r.chassis = std::string(to_string(chassis_.type));
    r.scheduler_policy = std::string(to_string(config_.scheduler_policy));
    r.total_ribosomes = alloc_.total_ribosomes();
    r.available_ribosomes = alloc_.available_ribosomes();
    r.allocated_ribosomes = alloc_.allocated_ribosomes();
    r.free_ribosomes = alloc_.free_ribosomes();
    r.emergency_ribosome_reserve = alloc_.emergency_reserve();
    r.hypervisor_overhead = config_.hypervisor_overhead;
    r.total_atp_allocated = micro_to_pct(alloc_.allocated_atp_micro());
    r.max_atp_percentage = micro_to_pct(alloc_.max_atp_micro());
    r.free_atp_percentage = micro_to_pct(alloc_.max_atp_micro() - alloc_.allocated_atp_micro());
    r.allocated_memory_kb = alloc_.allocated_memory_kb();
    r.genome_space_kb = alloc_.genome_space_kb();
    r.free_memory_kb = alloc_.genome_space_kb() - alloc_.allocated_memory_kb();
    r.allocated_rna_polymerase = alloc_.allocated_rna_polymerase();
    r.total_rna_polymerase = alloc_.total_rna_polymerase();
    r.free_rna_polymerase = alloc_.free_rna_polymerase();
    r.max_vms = config_.max_vms;
    r.total_vms = alloc_.vm_count();
    r.active_vms = state_counts_[static_cast<std::size_t>(VMState::running)];
    r.paused_vms = state_counts_[static_cast<std::size_t>(VMState::paused)];
    r.virtual_time_us = clock_us_;
    r.quanta = quanta_;
    return r;
  }

  nlohmann::json chassis_info() const {
    nlohmann::json j = chassis_;
    j["allocator_units"] = config_.total_ribosomes;
    j["available_units"] = alloc_.available_ribosomes();
    j["physical_ribosomes_per_unit"] = ribosomes_per_unit_;
    j["amino_acids_per_unit_second"] = aa_per_unit_s_;
    j["max_vms"] = config_.max_vms;
    return j;
  }

  const ProductionConfig& config() const noexcept { return config_; }
  const ChassisProfile& chassis() const noexcept { return chassis_; }
  std::int64_t clock_us() const noexcept { return clock_us_; }
  std::uint64_t quanta() const noexcept { return quanta_; }
  std::int64_t quantum_us() const noexcept { return quantum_us_; }
  std::size_t vm_count() const noexcept { return index_.size(); }

  /// Bytes of the index and the records (capacity: what they hold reserved).
  std::size_t storage_bytes() const noexcept {
    return index_.capacity_bytes() + vms_.capacity() * sizeof(VmRecord);
  }
  std::size_t running_count() const noexcept { return queue_.size(); }
  std::int64_t state_count(VMState s) const noexcept {
    return state_counts_[static_cast<std::size_t>(s)];
  }
  const ResourceAllocator& allocator() const noexcept { return alloc_; }
  double ribosomes_per_unit() const noexcept { return ribosomes_per_unit_; }
  double aa_per_unit_second() const noexcept { return aa_per_unit_s_; }

  // --- The scheduler -------------------------------------------------------------------------

  /// Runs one quantum. With `event`, fills it (and its grants when `want_grants`).
  void run_quantum(QuantumEvent* event = nullptr, bool want_grants = false) {
    if (event == nullptr) {
      run_quantum_with([](const VmRecord&, const Grant&, double, bool) {});
      return;
    }
    *event = QuantumEvent{};
    event->quantum = quanta_;
    event->start_us = clock_us_;
    event->end_us = clock_us_ + quantum_us_;
    event->running_vms = queue_.size();
    const bool was_stalled = host_stalled();
    event->context_switch =
        run_quantum_with([&](const VmRecord& v, const Grant& g, double aa, bool throttled) {
          if (g.units > 0) ++event->active_vms;
          event->amino_acids += aa;
          event->ribosome_units += g.units;
          event->throttle_events += throttled ? 1 : 0;
          if (want_grants) event->grants.push_back(QuantumGrant{v.id, g.units, aa, throttled});
        });
    event->host_growth_rate_per_h = host_growth_per_h_;
    event->host_stalled = host_stalled();
    event->host_state_changed = was_stalled != event->host_stalled;
  }

  /// run_quantum() that adds the quantum to `totals` (for observers that take sums).
  void run_quantum(QuantumTotals& totals) {
    double aa = 0.0;
    double units = 0.0;
    std::uint64_t throttled = 0;
    const bool was_stalled = host_stalled();
    const bool switched =
        run_quantum_with([&](const VmRecord&, const Grant& g, double made, bool cut) {
          aa += made;
          units += g.units;
          throttled += cut ? 1 : 0;
        });
    totals.quanta += 1;
    totals.context_switches += switched ? 1 : 0;
    totals.throttle_events += throttled;
    totals.amino_acids += aa;
    totals.ribosome_unit_quanta += units;
    totals.host_state_changes += was_stalled != host_stalled() ? 1 : 0;
  }

  /// The host as the work model sees it after the last quantum.
  HostStatus host_status() const noexcept {
    HostStatus h;
    h.work_model = std::string(to_string(config_.work_model));
    h.modelled = physiological_;
    h.reference_growth_rate_per_h = growth_.reference;
    h.growth_rate_per_h = physiological_ ? host_growth_per_h_ : growth_.reference;
    h.state = h.growth_rate_per_h > 0.0 ? "growing" : "stalled";
    h.doubling_time_min = h.growth_rate_per_h > 0.0 ? std::log(2.0) / h.growth_rate_per_h * 60.0
                                                    : std::numeric_limits<double>::infinity();
    h.ribosomal_fraction = growth_.phi_r0 + h.growth_rate_per_h / growth_.kappa_t;
    h.active_ribosomes = active_ribosomes_;
    h.rnap_limitation = rnap_limitation();
    h.cumulative_doublings = growth_integral_ / std::log(2.0);
    h.stalled_quanta = stalled_quanta_;
    if (physiological_) {
      h.guest_translation_fraction = host_phi_q_;
      h.sequestered_ribosome_fraction = host_sequestered_;
      h.host_translation_aa_per_s = host_aa_per_s_;
      h.guest_translation_aa_per_s = guest_aa_per_s_;
      h.guest_bound_ribosomes = guest_bound_;
    } else {
      h.host_translation_aa_per_s = active_ribosomes_ * chassis_.elongation_rate_aa_per_s;
    }
    return h;
  }

  // --- Snapshots -----------------------------------------------------------------------------

  static constexpr std::string_view snapshot_format = "bioxen.snapshot";
  /// Version 2 added the physiological model (work_model, the VMs' pipelines, the host);
  /// version 1 snapshots restore under WorkModel::capacity, the only model they knew.
  static constexpr int snapshot_version = 2;

  nlohmann::json snapshot() const {
    nlohmann::json genomes = nlohmann::json::array();
    std::unordered_map<const GenomeTemplate*, std::size_t> embedded;
    nlohmann::json vms = nlohmann::json::array();
    for (std::uint32_t s = all_head_; s != npos; s = vms_[s].next) {
      const VmRecord& v = vms_[s];
      nlohmann::json genome_ref;
      const GenomeTemplate* g = v.image->genome.get();
      if (v.image->builtin) {
        genome_ref = {{"builtin", g->name()}};
      } else {
        auto [it, inserted] = embedded.try_emplace(g, genomes.size());
        if (inserted) genomes.push_back(genome_to_json(*g));
        genome_ref = {{"embedded", it->second}};
      }
      const auto err = error_reasons_.find(v.uid);
      nlohmann::json pipeline = nullptr;
      if (physiological_) {
        const PipelineState& pp = v.pipe;
        nlohmann::json samples = nlohmann::json::array();
        std::size_t cursor = 0;
        if (pp.history) {
          for (std::size_t i = 0; i < pp.history->size(); ++i) {
            samples.push_back({pp.history->e_at(i), pp.history->c_at(i)});
          }
          cursor = pp.history->cursor();
        }
        pipeline = {{"mrna", pp.mrna},
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
      vms.push_back(nlohmann::json{
          {"id", v.id},
          {"uid", v.uid},
          {"biological_type", v.image->biological_type},
          {"genome", std::move(genome_ref)},
          {"allocation",
           {{"ribosomes", v.res.ribosomes},
            {"atp_micro", v.res.atp_micro},
            {"rna_polymerase", v.res.rna_polymerase},
            {"memory_kb", v.res.memory_kb},
            {"priority", v.res.priority}}},
          {"state", to_string(v.state)},
          {"error_reason", err == error_reasons_.end() ? std::string() : err->second},
          {"running_since_us", v.running_since_us},
          {"running_us", v.running_us},
          {"active_us", v.active_us},
          {"amino_acids", v.aa},
          {"atp_consumed", v.atp},
          {"ribosome_seconds", v.ribosome_seconds},
          {"boot_complete", (v.flags & kBooted) != 0},
          {"boot_time_seconds", v.boot_time_s},
          {"throttled", (v.flags & kThrottled) != 0},
          {"context_switches", v.context_switches},
          {"throttle_events", v.throttle_events},
          {"pipeline", std::move(pipeline)}});
    }
    nlohmann::json run_queue = nlohmann::json::array();
    queue_.for_each(
        [&](std::uint32_t slot, const RunEntry&) { run_queue.push_back(vms_[slot].id); });
    return nlohmann::json{{"format", snapshot_format},
                          {"version", snapshot_version},
                          {"config", config_},
                          {"chassis", chassis_},
                          {"clock_us", clock_us_},
                          {"quanta", quanta_},
                          {"next_uid", next_uid_},
                          {"genomes", std::move(genomes)},
                          {"vms", std::move(vms)},
                          {"host",
                           {{"growth_integral", growth_integral_},
                            {"growth_rate_per_h", host_growth_per_h_},
                            {"guest_translation_fraction", host_phi_q_},
                            {"sequestered_ribosome_fraction", host_sequestered_},
                            {"host_translation_aa_per_s", host_aa_per_s_},
                            {"guest_translation_aa_per_s", guest_aa_per_s_},
                            {"guest_bound_ribosomes", guest_bound_},
                            {"stalled_quanta", stalled_quanta_}}},
                          {"scheduler",
                           {{"policy", policy_->name()},
                            {"run_queue", std::move(run_queue)},
                            {"state", policy_->save_state()}}}};
  }

  /// Builds an engine from snapshot(); throws BioXenException(invalid_snapshot) naming the
  /// key on anything malformed or inconsistent.
  static Engine from_snapshot(const nlohmann::json& j) {
    try {
      return restore_unchecked(j);
    } catch (const BioXenException& e) {
      if (e.code() == BioXenErrorCode::invalid_snapshot) throw;
      nlohmann::json details = e.details();
      details["cause"] = error_code_string(e.code());
      throw BioXenException(BioXenErrorCode::invalid_snapshot,
                            fmt::format("invalid snapshot: {}", e.message()), std::move(details));
    } catch (const nlohmann::json::exception& e) {
      throw BioXenException(BioXenErrorCode::invalid_snapshot,
                            fmt::format("invalid snapshot: {}", e.what()));
    }
  }

 private:
  static double micro_to_pct(std::int64_t micro) noexcept {
    return static_cast<double>(micro) / atp_micro_per_percent;
  }

  /// The built-in genome names, looked up once per process.
  static const std::vector<std::string>& builtin_names() {
    static const std::vector<std::string> names = builtin_genome_names();
    return names;
  }

  static GenomePtr genome_for_type(std::string_view biological_type) {
    const auto& names = builtin_names();
    if (std::find(names.begin(), names.end(), biological_type) == names.end()) {
      throw BioXenException(
          BioXenErrorCode::vm_creation_failed,
          fmt::format("unknown biological type '{}' (supported: {})", printable(biological_type),
                      fmt::join(names, ", ")),
          {{"biological_type", printable(biological_type)}, {"supported", names}});
    }
    return builtin_genome(biological_type);
  }

  /// True for the shared template of a built-in genome (not for a copy loaded from a file).
  static bool is_builtin(const GenomePtr& genome) {
    for (const auto& n : builtin_names()) {
      if (n == genome->name()) return builtin_genome(n) == genome;
    }
    return false;
  }

  [[noreturn]] void illegal(const VmRecord& v, std::string_view operation) const {
    throw BioXenException::invalid_state_transition(v.id, operation, to_string(v.state));
  }

  /// The slot of `id`, or npos.
  std::uint32_t slot_of(std::string_view id) const noexcept {
    return index_.find(id, [this](std::uint32_t s) -> std::string_view { return vms_[s].id; });
  }

  std::uint32_t find(std::string_view id) const {
    const std::uint32_t slot = slot_of(id);
    if (slot == npos) throw BioXenException::vm_not_found(printable(id));
    return slot;
  }

  static RunEntry run_entry(const VmRecord& v) noexcept {
    return RunEntry{v.uid, v.res.ribosomes, v.res.priority};
  }

  void set_state(VmRecord& v, VMState s) noexcept {
    --state_counts_[static_cast<std::size_t>(v.state)];
    ++state_counts_[static_cast<std::size_t>(s)];
    v.state = s;
  }

  void leave_running(std::uint32_t slot) noexcept {
    VmRecord& v = vms_[slot];
    v.running_us += clock_us_ - v.running_since_us;
    v.running_since_us = 0;
    queue_.erase(slot);
    // Its chains stay on their ribosomes, frozen, until it runs again or is destroyed.
    frozen_bound_ += v.pipe.bound();
  }

  /// A VM enters running: its frozen chains elongate again.
  void enter_running(VmRecord& v) noexcept { frozen_bound_ -= v.pipe.bound(); }

  bool host_stalled() const noexcept { return physiological_ && !(host_growth_per_h_ > 0.0); }

  /// Free RNA polymerase over what the host needs transcribing (at most 1).
  double rnap_limitation() const noexcept {
    const double need = chassis_.active_rnap_fraction * chassis_.rna_polymerases;
    const auto free = static_cast<double>(alloc_.free_rna_polymerase());
    return need > 0.0 ? std::min(1.0, free / need) : 1.0;
  }

  /// The quantum loop of both work models. `report(v, grant, aa, throttled)` sees each grant.
  /// Returns whether a context switch happened.
  template <class Report>
  bool run_quantum_with(Report&& report) {
    const QuantumPlan plan = policy_->plan(queue_);
    const std::int64_t work_start_us = clock_us_ + plan.switch_us;
    const auto work_us = static_cast<double>(quantum_us_ - plan.switch_us);
    if (plan.context_switch) ++vms_[plan.grants.front().slot].context_switches;
    if (!physiological_) {
      for (const Grant& g : plan.grants) {
        VmRecord& v = vms_[g.slot];
        const std::uint64_t before = v.throttle_events;
        const double aa = work(v, g.units, work_us, work_start_us);
        report(v, g, aa, v.throttle_events != before);
      }
    } else {
      run_physiological(plan, work_us, report);
    }
    clock_us_ += quantum_us_;
    ++quanta_;
    return plan.context_switch;
  }

  /// The physiological quantum: every running VM's pipeline advances (granted or not: a
  /// policy gates initiation only), then the host's growth follows from the partition.
  template <class Report>
  void run_physiological(const QuantumPlan& plan, double work_us, Report& report) {
    const double dt = static_cast<double>(quantum_us_) / 1e6;
    // Growth during this quantum at the rate of the last one (dilutes guest protein).
    const double growth_before = growth_integral_;
    growth_integral_ += host_growth_per_h_ / 3600.0 * dt;
    const double dilution = std::exp(-(growth_integral_ - growth_before));
    double guest_aa = 0.0;
    double running_bound = 0.0;
    // Granted VMs first (the plan), then the rest of the queue with a zero grant.
    ++pass_;
    for (const Grant& g : plan.grants) {
      VmRecord& v = vms_[g.slot];
      v.pass = pass_;
      const std::uint64_t before = v.throttle_events;
      const double aa = work_pipeline(v, g.units, work_us, dt, growth_before, dilution);
      guest_aa += aa;
      running_bound += v.pipe.bound();
      report(v, g, aa, v.throttle_events != before);
    }
    if (plan.grants.size() < queue_.size()) {
      queue_.for_each([&](std::uint32_t slot, const RunEntry&) {
        VmRecord& v = vms_[slot];
        if (v.pass == pass_) return;
        const double aa = work_pipeline(v, 0.0, work_us, dt, growth_before, dilution);
        guest_aa += aa;
        running_bound += v.pipe.bound();
      });
    }
    update_host(guest_aa, running_bound, dt);
  }

  /// One running VM's quantum: transcription, initiation (gated by the grant), elongation
  /// (limited by its ATP share), completion, boot, dilution. Returns the amino acids made.
  double work_pipeline(VmRecord& v, double units, double work_us, double dt, double growth_before,
                       double dilution) noexcept {
    PipelineState& p = v.pipe;
    const GuestImage& img = *v.image;
    const ResidentSet& rs = *img.resident;
    const double v_aa = chassis_.elongation_rate_aa_per_s;
    // Transcription: dM/dt = RNAP x transcripts per RNAP - k_d M, solved over the quantum.
    const double m_ss =
        static_cast<double>(v.res.rna_polymerase) * img.transcripts_per_rnap_s / mrna_decay_rate_;
    p.mrna = m_ss + (p.mrna - m_ss) * mrna_decay_per_quantum_;
    // Initiation at the start of the quantum's work: free granted ribosomes, mRNA permitting.
    const double e0 = p.elongation;
    if (units > 0.0) {
      v.active_us += quantum_us_;
      const double room = units * active_per_unit_ - p.bound();
      const double gate = p.mrna * max_initiation_per_mrna_s_ * work_us / 1e6;
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
    double aa = bound * v_aa * dt;
    const double budget = atp_budget_per_micro_ * static_cast<double>(v.res.atp_micro);
    if (aa * atp_per_aa_ > budget) {
      aa = budget / atp_per_aa_;
      ++v.throttle_events;
      v.flags |= kThrottled;
    } else {
      v.flags &= static_cast<std::uint8_t>(~kThrottled);
    }
    const double de = bound > 0.0 ? aa / bound : v_aa * dt;
    p.elongation = e0 + de;
    // Chains finish after their length (chains of the mean length for the pipeline count).
    p.completed =
        std::max(p.completed,
                 p.history ? p.history->initiations_at_rising(p.elongation - img.mean_aa) : 0.0);
    v.aa += aa;
    v.atp += aa * atp_per_aa_;
    v.ribosome_seconds += bound / ribosomes_per_unit_ * dt;
    if ((v.flags & kBooted) == 0 && p.boot_next >= rs.boot_proteins &&
        p.elongation >= p.boot_target) {
      const double frac = de > 0.0 ? std::clamp((p.boot_target - e0) / de, 0.0, 1.0) : 0.0;
      v.boot_time_s = static_cast<double>(clock_us_) / 1e6 + frac * dt;
      v.flags |= kBooted;
    }
    // Dilution: guest protein per cell falls with the host's growth.
    p.protein_aa = (p.growth_mark == growth_before ? p.protein_aa * dilution
                                                   : p.protein_now(growth_integral_)) +
                   aa;
    p.growth_mark = growth_integral_;
    return aa;
  }

  /// Boot: the first chain of each boot protein (the first boot_proteins positions of the
  /// translation cycle) finishes its length after its initiation.
  void note_boot_initiations(VmRecord& v, double c0, double c1, double e0) const noexcept {
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

  /// The host after a quantum: phi_Q, sequestration, growth rate and state.
  void update_host(double guest_aa, double running_bound, double dt) noexcept {
    const double v_aa = chassis_.elongation_rate_aa_per_s;
    const double bound_all = running_bound + std::max(0.0, frozen_bound_);
    guest_bound_ = bound_all;
    const double host_ribosomes = std::max(0.0, active_ribosomes_ - bound_all);
    host_aa_per_s_ = host_ribosomes * v_aa;
    guest_aa_per_s_ = guest_aa / dt;
    const double total = host_aa_per_s_ + guest_aa_per_s_;
    host_phi_q_ = total > 0.0 ? guest_aa_per_s_ / total : 0.0;
    // Ribosomes held on guest chains but not elongating (frozen, or slowed by ATP).
    const double idle = bound_all * v_aa * dt - guest_aa;
    host_sequestered_ = std::clamp(idle / (active_ribosomes_ * v_aa * dt), 0.0, 1.0);
    host_growth_per_h_ = growth_.rate(host_phi_q_, host_sequestered_, rnap_limitation());
    if (!(host_growth_per_h_ > 0.0)) ++stalled_quanta_;
  }

  GuestImage* acquire_image(const std::string& biological_type, const GenomePtr& genome,
                            std::int64_t memory_kb) {
    ImageKey key{genome.get(), memory_kb, biological_type};
    auto it = images_.find(key);
    if (it == images_.end()) {
      auto img = std::make_unique<GuestImage>();
      img->biological_type = biological_type;
      img->genome = genome;
      img->resident = resident_set(genome, static_cast<std::uint64_t>(memory_kb));
      img->memory_kb = memory_kb;
      img->builtin = is_builtin(genome);
      const ResidentSet& rs = *img->resident;
      if (!rs.cds.empty()) {
        img->mean_aa = static_cast<double>(rs.cycle_aa()) / static_cast<double>(rs.cds.size());
        std::uint64_t longest = 0;
        for (std::size_t i = 0; i < rs.cds.size(); ++i) {
          longest = std::max(longest, rs.aa_prefix[i + 1] - rs.aa_prefix[i]);
        }
        img->longest_aa = static_cast<double>(longest);
        img->history_spacing = ChainHistory::spacing_for(img->longest_aa);
        // A transcript: the CDS and its stop codon, 3 nt per amino acid + 3.
        img->transcripts_per_rnap_s =
            chassis_.transcription_rate_nt_per_s / (3.0 * img->mean_aa + 3.0);
      }
      it = images_.emplace(std::move(key), std::move(img)).first;
    }
    ++it->second->users;
    return it->second.get();
  }

  /// Images of built-in genomes stay (at most genomes x memory sizes of them), so that a
  /// create after the last destroy does not recompute them; others go with their last VM.
  void release_image(GuestImage* img) {
    if (--img->users == 0 && !img->builtin) {
      images_.erase(ImageKey{img->genome.get(), img->memory_kb, img->biological_type});
    }
  }

  void create(std::string_view id, std::string biological_type, GenomePtr genome,
              const ResourceAllocation& requested) {
    const Reservation r = alloc_.resolve(requested, static_cast<std::int64_t>(genome->size_kb()));
    alloc_.check_admit(id, r, requested.atp_percentage);
    add_vm(id, biological_type, genome, r);
  }

  /// Inserts an admitted VM (state created) and returns its slot.
  std::uint32_t add_vm(std::string_view id, const std::string& biological_type,
                       const GenomePtr& genome, const Reservation& r) {
    // Everything that may throw (std::bad_alloc) happens before the first change.
    if (free_head_ == npos && vms_.size() == vms_.capacity()) {
      if (vms_.size() >= npos - 1) {
        throw BioXenException(BioXenErrorCode::hypervisor_overload, "too many VM slots");
      }
      vms_.reserve(std::max<std::size_t>(16, vms_.capacity() * 2));
    }
    std::string key(id);
    index_.reserve_one();
    GuestImage* img = acquire_image(biological_type, genome, r.memory_kb);
    std::uint32_t slot;
    if (free_head_ != npos) {
      slot = free_head_;
      free_head_ = vms_[slot].next;
    } else {
      slot = static_cast<std::uint32_t>(vms_.size());
      vms_.emplace_back();  // no reallocation: capacity reserved above
    }
    VmRecord& v = vms_[slot];
    v = VmRecord{};
    v.id_hash = VmIndex::hash(key);
    v.id = std::move(key);
    index_.insert(v.id_hash, slot);
    v.image = img;
    v.uid = next_uid_++;
    v.res = r;
    v.state = VMState::created;
    v.flags = kInUse;
    ++state_counts_[static_cast<std::size_t>(VMState::created)];
    link_back(slot);
    alloc_.admit(r);
    return slot;
  }

  void link_back(std::uint32_t slot) noexcept {
    VmRecord& v = vms_[slot];
    v.prev = all_tail_;
    v.next = npos;
    if (all_tail_ != npos) {
      vms_[all_tail_].next = slot;
    } else {
      all_head_ = slot;
    }
    all_tail_ = slot;
  }

  void unlink(std::uint32_t slot) noexcept {
    VmRecord& v = vms_[slot];
    if (v.prev != npos) {
      vms_[v.prev].next = v.next;
    } else {
      all_head_ = v.next;
    }
    if (v.next != npos) {
      vms_[v.next].prev = v.prev;
    } else {
      all_tail_ = v.prev;
    }
  }

  /// The work model for one VM in one quantum (docs/MODEL.md): returns the amino acids made.
  /// Times are divided by 1e6 last, so round inputs give exact results (6 units x 100 aa/s
  /// x 100,000 µs is exactly 60 aa).
  double work(VmRecord& v, double units, double work_us, std::int64_t work_start_us) noexcept {
    if (!(units > 0.0)) return 0.0;
    v.active_us += quantum_us_;
    double aa = units * aa_per_unit_s_ * work_us / 1e6;
    const double budget = atp_budget_per_micro_ * static_cast<double>(v.res.atp_micro);
    if (aa * atp_per_aa_ > budget) {
      aa = budget / atp_per_aa_;
      ++v.throttle_events;
      v.flags |= kThrottled;
    } else {
      v.flags &= static_cast<std::uint8_t>(~kThrottled);
    }
    const double before = v.aa;
    v.aa = before + aa;
    v.atp += aa * atp_per_aa_;
    v.ribosome_seconds += units * work_us / 1e6;
    if ((v.flags & kBooted) == 0) {
      const auto boot = static_cast<double>(v.image->resident->boot_aa);
      if (v.aa >= boot) {
        const double frac = aa > 0.0 ? std::clamp((boot - before) / aa, 0.0, 1.0) : 0.0;
        v.boot_time_s = (static_cast<double>(work_start_us) + frac * work_us) / 1e6;
        v.flags |= kBooted;
      }
    }
    return aa;
  }

  /// The wall clock, read at most once per listing (uptime of running and paused VMs).
  class WallClock {
   public:
    std::chrono::steady_clock::time_point now() {
      if (!read_) {
        t_ = std::chrono::steady_clock::now();
        read_ = true;
      }
      return t_;
    }

   private:
    std::chrono::steady_clock::time_point t_{};
    bool read_ = false;
  };

  VmStatus status_of(std::uint32_t slot) const {
    VmStatus st;
    WallClock clock;
    status_into(slot, st, clock);
    return st;
  }

  /// Writes every field of `st` (assigning its strings reuses their storage).
  void status_into(std::uint32_t slot, VmStatus& st, WallClock& clock) const {
    const VmRecord& v = vms_[slot];
    const ResidentSet& rs = *v.image->resident;
    st.vm_id = v.id;
    st.biological_type = v.image->biological_type;
    st.genome = v.image->genome->name();
    st.state = v.state;
    st.ribosome_allocation = v.res.ribosomes;
    st.atp_percentage = v.res.atp_percentage();
    st.rna_polymerase = v.res.rna_polymerase;
    st.memory_kb = v.res.memory_kb;
    st.priority = v.res.priority;
    st.error_reason.clear();
    if (v.state == VMState::error) {
      st.health_status = "error";
      const auto it = error_reasons_.find(v.uid);
      if (it != error_reasons_.end()) st.error_reason = it->second;
    } else {
      st.health_status = (v.flags & kThrottled) != 0 ? "throttled" : "healthy";
    }
    st.uptime_seconds = 0.0;
    if (v.state == VMState::running || v.state == VMState::paused) {
      st.uptime_seconds = std::chrono::duration<double>(clock.now() - v.started_wall).count();
    }
    const std::int64_t running_us =
        v.running_us + (v.state == VMState::running ? clock_us_ - v.running_since_us : 0);
    st.running_seconds = static_cast<double>(running_us) / 1e6;
    st.active_seconds = static_cast<double>(v.active_us) / 1e6;
    st.waiting_seconds = static_cast<double>(running_us - v.active_us) / 1e6;
    st.ribosome_seconds = v.ribosome_seconds;
    st.amino_acids = static_cast<std::uint64_t>(v.aa);
    st.atp_consumed = v.atp;
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
    st.context_switches = v.context_switches;
    st.throttle_events = v.throttle_events;
    st.boot_complete = (v.flags & kBooted) != 0;
    st.boot_time_seconds = v.boot_time_s;
    st.resident_genes = rs.genes.size();
    st.total_genes = v.image->genome->genes().size();
    st.resident_proteins = rs.cds.size();
    st.boot_proteins = rs.boot_proteins;
  }

  static Engine restore_unchecked(const nlohmann::json& j);
  void restore_pipeline(VmRecord& v, const nlohmann::json& jp, const std::string& w,
                        const JsonContext& ctx);
  void restore_host(const nlohmann::json& jh, const JsonContext& ctx);

  ProductionConfig config_;
  ChassisProfile chassis_;
  ResourceAllocator alloc_;
  std::unique_ptr<SchedulingPolicy> policy_;
  RunQueue queue_;
  std::int64_t quantum_us_;
  double ribosomes_per_unit_ = 0.0;
  double aa_per_unit_s_ = 0.0;
  double atp_per_aa_ = 0.0;
  double atp_budget_per_micro_ = 0.0;
  // The physiological model (docs/MODEL.md).
  bool physiological_ = true;
  GrowthLaw growth_;
  double active_ribosomes_ = 0.0;  // elongating ribosomes of the chassis
  double active_per_unit_ = 0.0;   // elongating ribosomes per allocator unit
  double mrna_decay_per_quantum_ = 1.0;
  double mrna_decay_rate_ = 0.0;  // 1/s
  double max_initiation_per_mrna_s_ = 0.0;
  double frozen_bound_ = 0.0;       // ribosomes on chains of VMs that are not running
  double growth_integral_ = 0.0;    // integral of lambda dt (natural log units)
  double host_growth_per_h_ = 0.0;  // lambda after the last quantum, 1/h
  double host_phi_q_ = 0.0;
  double host_sequestered_ = 0.0;
  double host_aa_per_s_ = 0.0;
  double guest_aa_per_s_ = 0.0;
  double guest_bound_ = 0.0;
  std::uint64_t stalled_quanta_ = 0;
  std::uint64_t pass_ = 0;

  std::vector<VmRecord, HugePageAllocator<VmRecord>> vms_;
  VmIndex index_;
  std::unordered_map<ImageKey, std::unique_ptr<GuestImage>, ImageKeyHash> images_;
  std::unordered_map<std::uint64_t, std::string> error_reasons_;  // by uid
  std::uint32_t free_head_ = npos;
  std::uint32_t all_head_ = npos;
  std::uint32_t all_tail_ = npos;
  std::array<std::int64_t, 5> state_counts_{};
  std::int64_t clock_us_ = 0;
  std::uint64_t quanta_ = 0;
  std::uint64_t next_uid_ = 1;
};

inline Engine Engine::restore_unchecked(const nlohmann::json& j) {
  const JsonContext ctx{BioXenErrorCode::invalid_snapshot, "snapshot"};
  if (!j.is_object()) {
    json_fail(ctx, "snapshot", fmt::format("expected an object, got {}", json_kind(j)));
  }
  if (read_string(require(j, "format", ctx), "format", ctx) != snapshot_format) {
    json_fail(ctx, "format", fmt::format("expected \"{}\"", snapshot_format));
  }
  const int version = read_integer<int>(require(j, "version", ctx), "version", ctx);
  if (version != 1 && version != snapshot_version) {
    json_fail(ctx, "version",
              fmt::format("unsupported version {} (this library reads 1 and {})", version,
                          snapshot_version));
  }
  const bool v1 = version == 1;
  if (v1) {
    require_object(j, "snapshot",
                   {"format", "version", "config", "chassis", "clock_us", "quanta", "next_uid",
                    "genomes", "vms", "scheduler"},
                   ctx);
  } else {
    require_object(j, "snapshot",
                   {"format", "version", "config", "chassis", "clock_us", "quanta", "next_uid",
                    "genomes", "vms", "host", "scheduler"},
                   ctx);
  }
  ProductionConfig config = require(j, "config", ctx).get<ProductionConfig>();
  if (v1) {
    // Version 1 knew only the capacity model (and had no work_model key).
    if (require(j, "config", ctx).contains("work_model")) {
      json_fail(ctx, "config.work_model", "is not a key of version 1 snapshots");
    }
    config.work_model = WorkModel::capacity;
  }
  config.validate();
  const ChassisProfile chassis = chassis_profile_from_json(require(j, "chassis", ctx));
  Engine e(config, chassis);
  e.clock_us_ = read_integer<std::int64_t>(require(j, "clock_us", ctx), "clock_us", ctx, 0);
  e.quanta_ = read_integer<std::uint64_t>(require(j, "quanta", ctx), "quanta", ctx);
  if (e.quanta_ > static_cast<std::uint64_t>(e.clock_us_) ||
      static_cast<std::int64_t>(e.quanta_) * e.quantum_us_ != e.clock_us_) {
    json_fail(ctx, "clock_us", "is not quanta x scheduling_quantum_ms");
  }
  const auto next_uid =
      read_integer<std::uint64_t>(require(j, "next_uid", ctx), "next_uid", ctx, 1);

  std::vector<GenomePtr> genomes;
  const auto& jgenomes = require(j, "genomes", ctx);
  if (!jgenomes.is_array()) json_fail(ctx, "genomes", "expected an array");
  for (std::size_t i = 0; i < jgenomes.size(); ++i) {
    genomes.push_back(genome_from_json(jgenomes[i], fmt::format("genomes[{}]", i), ctx));
  }

  const auto& jvms = require(j, "vms", ctx);
  if (!jvms.is_array()) json_fail(ctx, "vms", "expected an array");
  std::uint64_t last_uid = 0;
  for (std::size_t i = 0; i < jvms.size(); ++i) {
    const auto& jv = jvms[i];
    const std::string w = fmt::format("vms[{}]", i);
    const auto k = [&](std::string_view key) { return fmt::format("{}.{}", w, key); };
    std::vector<std::string_view> vm_keys = {"id",
                                             "uid",
                                             "biological_type",
                                             "genome",
                                             "allocation",
                                             "state",
                                             "error_reason",
                                             "running_since_us",
                                             "running_us",
                                             "active_us",
                                             "amino_acids",
                                             "atp_consumed",
                                             "ribosome_seconds",
                                             "boot_complete",
                                             "boot_time_seconds",
                                             "throttled",
                                             "context_switches",
                                             "throttle_events"};
    if (!v1) vm_keys.push_back("pipeline");
    require_object(jv, w, vm_keys, ctx);
    const std::string id = read_string(require(jv, "id", ctx), k("id"), ctx);
    validate_vm_id(id);
    if (e.contains(id)) json_fail(ctx, k("id"), fmt::format("duplicate id '{}'", id));
    const auto uid = read_integer<std::uint64_t>(require(jv, "uid", ctx), k("uid"), ctx, 1);
    if (uid <= last_uid || uid >= next_uid) {
      json_fail(ctx, k("uid"), "uids must increase in list order and stay below next_uid");
    }
    last_uid = uid;
    const std::string type =
        read_string(require(jv, "biological_type", ctx), k("biological_type"), ctx);
    const auto& jg = require(jv, "genome", ctx);
    GenomePtr genome;
    if (jg.is_object() && jg.size() == 1 && jg.contains("builtin")) {
      const std::string name = read_string(jg["builtin"], k("genome.builtin"), ctx);
      const auto& names = builtin_names();
      if (std::find(names.begin(), names.end(), name) == names.end()) {
        json_fail(ctx, k("genome.builtin"),
                  fmt::format("unknown built-in genome '{}'", printable(name)));
      }
      genome = builtin_genome(name);
    } else if (jg.is_object() && jg.size() == 1 && jg.contains("embedded")) {
      const auto idx = read_integer<std::size_t>(jg["embedded"], k("genome.embedded"), ctx);
      if (idx >= genomes.size()) json_fail(ctx, k("genome.embedded"), "no such entry in genomes");
      genome = genomes[idx];
    } else {
      json_fail(ctx, k("genome"), "expected {\"builtin\": name} or {\"embedded\": index}");
    }
    const auto& ja = require(jv, "allocation", ctx);
    const std::string ak = k("allocation");
    require_object(ja, ak, {"ribosomes", "atp_micro", "rna_polymerase", "memory_kb", "priority"},
                   ctx);
    Reservation r;
    r.ribosomes = read_integer<int>(require(ja, "ribosomes", ctx), ak + ".ribosomes", ctx);
    r.atp_micro = read_integer<std::int64_t>(require(ja, "atp_micro", ctx), ak + ".atp_micro", ctx);
    r.rna_polymerase =
        read_integer<int>(require(ja, "rna_polymerase", ctx), ak + ".rna_polymerase", ctx);
    r.memory_kb = read_integer<std::int64_t>(require(ja, "memory_kb", ctx), ak + ".memory_kb", ctx);
    r.priority = read_integer<int>(require(ja, "priority", ctx), ak + ".priority", ctx);
    e.alloc_.check_restore(id, r);

    const std::string state_name = read_string(require(jv, "state", ctx), k("state"), ctx);
    VMState state = VMState::created;
    bool state_ok = false;
    for (auto s : all_vm_states) {
      if (to_string(s) == state_name) {
        state = s;
        state_ok = true;
      }
    }
    if (!state_ok)
      json_fail(ctx, k("state"), fmt::format("unknown state '{}'", printable(state_name)));
    const std::string reason =
        read_string(require(jv, "error_reason", ctx), k("error_reason"), ctx);
    if (!reason.empty() && state != VMState::error)
      json_fail(ctx, k("error_reason"), "set but state is not error");

    const auto since = read_integer<std::int64_t>(require(jv, "running_since_us", ctx),
                                                  k("running_since_us"), ctx, 0, e.clock_us_);
    if (state != VMState::running && since != 0)
      json_fail(ctx, k("running_since_us"), "set but not running");
    const auto running_us =
        read_integer<std::int64_t>(require(jv, "running_us", ctx), k("running_us"), ctx, 0);
    const auto active_us =
        read_integer<std::int64_t>(require(jv, "active_us", ctx), k("active_us"), ctx, 0);
    const std::int64_t total_running =
        running_us + (state == VMState::running ? e.clock_us_ - since : 0);
    if (total_running > e.clock_us_) json_fail(ctx, k("running_us"), "exceeds the clock");
    if (active_us > total_running) json_fail(ctx, k("active_us"), "exceeds the running time");
    const auto nonneg = [&](std::string_view key) {
      const double d = read_number(require(jv, key, ctx), k(key), ctx);
      if (d < 0.0) json_fail(ctx, k(key), "must be >= 0");
      return d;
    };
    const double aa = nonneg("amino_acids");
    const double atp = nonneg("atp_consumed");
    const double ribosome_seconds = nonneg("ribosome_seconds");
    const double boot_time = nonneg("boot_time_seconds");
    const bool booted = read_bool(require(jv, "boot_complete", ctx), k("boot_complete"), ctx);
    const bool throttled = read_bool(require(jv, "throttled", ctx), k("throttled"), ctx);
    const auto switches = read_integer<std::uint64_t>(require(jv, "context_switches", ctx),
                                                      k("context_switches"), ctx);
    const auto throttles =
        read_integer<std::uint64_t>(require(jv, "throttle_events", ctx), k("throttle_events"), ctx);
    if (boot_time > static_cast<double>(e.clock_us_) / 1e6 + 1e-9) {
      json_fail(ctx, k("boot_time_seconds"), "is after the clock");
    }

    const std::uint32_t slot = e.add_vm(id, type, genome, r);
    VmRecord& v = e.vms_[slot];
    const auto boot_aa = static_cast<double>(v.image->resident->boot_aa);
    if (!e.physiological_ && booted != (aa >= boot_aa)) {
      json_fail(ctx, k("boot_complete"),
                "disagrees with the amino acids made and the genome's boot size");
    }
    v.uid = uid;
    e.set_state(v, state);
    if (state == VMState::error) e.error_reasons_[uid] = reason;
    if (state == VMState::running || state == VMState::paused) {
      v.started_wall = std::chrono::steady_clock::now();
    }
    v.running_since_us = since;
    v.running_us = running_us;
    v.active_us = active_us;
    v.aa = aa;
    v.atp = atp;
    v.ribosome_seconds = ribosome_seconds;
    v.boot_time_s = boot_time;
    v.flags =
        static_cast<std::uint8_t>(kInUse | (booted ? kBooted : 0) | (throttled ? kThrottled : 0));
    v.context_switches = switches;
    v.throttle_events = throttles;
    if (!v1) e.restore_pipeline(v, require(jv, "pipeline", ctx), k("pipeline"), ctx);
  }
  e.next_uid_ = next_uid;
  if (!v1) e.restore_host(require(j, "host", ctx), ctx);

  const auto& js = require(j, "scheduler", ctx);
  require_object(js, "scheduler", {"policy", "run_queue", "state"}, ctx);
  if (read_string(require(js, "policy", ctx), "scheduler.policy", ctx) !=
      to_string(config.scheduler_policy)) {
    json_fail(ctx, "scheduler.policy", "disagrees with config.scheduler_policy");
  }
  const auto& jq = require(js, "run_queue", ctx);
  if (!jq.is_array()) json_fail(ctx, "scheduler.run_queue", "expected an array");
  for (std::size_t i = 0; i < jq.size(); ++i) {
    const std::string key = fmt::format("scheduler.run_queue[{}]", i);
    const std::string id = read_string(jq[i], key, ctx);
    const std::uint32_t slot = e.slot_of(id);
    if (slot == npos) json_fail(ctx, key, fmt::format("no VM '{}'", printable(id)));
    if (e.vms_[slot].state != VMState::running || e.queue_.contains(slot)) {
      json_fail(ctx, key, fmt::format("VM '{}' is not running or is listed twice", id));
    }
    e.queue_.push_back(slot, run_entry(e.vms_[slot]));
  }
  if (static_cast<std::int64_t>(e.queue_.size()) != e.state_count(VMState::running)) {
    json_fail(ctx, "scheduler.run_queue", "must list every running VM once");
  }
  e.policy_->restore_state(require(js, "state", ctx));
  // Chains of VMs that are not running are frozen on their ribosomes.
  e.frozen_bound_ = 0.0;
  for (std::uint32_t s = e.all_head_; s != npos; s = e.vms_[s].next) {
    if (e.vms_[s].state != VMState::running) e.frozen_bound_ += e.vms_[s].pipe.bound();
  }
  return e;
}

inline void Engine::restore_pipeline(VmRecord& v, const nlohmann::json& jp, const std::string& w,
                                     const JsonContext& ctx) {
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
  if (booted && (p.boot_next < rs.boot_proteins || p.elongation < p.boot_target)) {
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

inline void Engine::restore_host(const nlohmann::json& jh, const JsonContext& ctx) {
  require_object(jh, "host",
                 {"growth_integral", "growth_rate_per_h", "guest_translation_fraction",
                  "sequestered_ribosome_fraction", "host_translation_aa_per_s",
                  "guest_translation_aa_per_s", "guest_bound_ribosomes", "stalled_quanta"},
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
  if (!physiological_ && (growth_integral_ != 0.0 || stalled_quanta_ != 0)) {
    json_fail(ctx, "host", "must be empty (zeros) under the capacity work model");
  }
}

}  // namespace bioxen::detail
