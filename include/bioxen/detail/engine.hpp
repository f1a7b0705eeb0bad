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
#include "bioxen/detail/vm_index.hpp"
#include "bioxen/error.hpp"
#include "bioxen/genome.hpp"
#include "bioxen/observer.hpp"
#include "bioxen/scheduler.hpp"
#include "bioxen/types.hpp"

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
  std::chrono::steady_clock::time_point started_wall{};
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
    queue_.push_back(slot, run_entry(v));
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
    for (std::size_t i = 0; i < rs.cds.size(); ++i) {
      const Gene& g = genes[rs.cds[i]];
      out.push_back(ProteinCount{g.locus_tag, g.name, g.protein_length_aa, rs.copies_of(i, aa)});
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
    const QuantumPlan plan = policy_->plan(queue_);
    const std::int64_t start_us = clock_us_;
    const std::int64_t work_start_us = start_us + plan.switch_us;
    const std::int64_t work_us = quantum_us_ - plan.switch_us;
    const auto work_us_d = static_cast<double>(work_us);
    if (plan.context_switch) ++vms_[plan.grants.front().slot].context_switches;
    if (event == nullptr) {
      for (const Grant& g : plan.grants) work(vms_[g.slot], g.units, work_us_d, work_start_us);
    } else {
      *event = QuantumEvent{};
      event->quantum = quanta_;
      event->start_us = start_us;
      event->end_us = start_us + quantum_us_;
      event->running_vms = queue_.size();
      event->context_switch = plan.context_switch;
      for (const Grant& g : plan.grants) {
        VmRecord& v = vms_[g.slot];
        const std::uint64_t throttles = v.throttle_events;
        const double aa = work(v, g.units, work_us_d, work_start_us);
        const bool throttled = v.throttle_events != throttles;
        if (g.units > 0) ++event->active_vms;
        event->amino_acids += aa;
        event->ribosome_units += g.units;
        event->throttle_events += throttled ? 1 : 0;
        if (want_grants) event->grants.push_back(QuantumGrant{v.id, g.units, aa, throttled});
      }
    }
    clock_us_ += quantum_us_;
    ++quanta_;
  }

  /// run_quantum() that adds the quantum to `totals` (for observers that take sums).
  void run_quantum(QuantumTotals& totals) {
    const QuantumPlan plan = policy_->plan(queue_);
    const std::int64_t work_start_us = clock_us_ + plan.switch_us;
    const auto work_us_d = static_cast<double>(quantum_us_ - plan.switch_us);
    if (plan.context_switch) ++vms_[plan.grants.front().slot].context_switches;
    double aa = 0.0;
    double units = 0.0;
    std::uint64_t throttled = 0;
    for (const Grant& g : plan.grants) {
      VmRecord& v = vms_[g.slot];
      const std::uint64_t before = v.throttle_events;
      aa += work(v, g.units, work_us_d, work_start_us);
      units += g.units;
      throttled += v.throttle_events != before ? 1 : 0;
    }
    totals.quanta += 1;
    totals.context_switches += plan.context_switch ? 1 : 0;
    totals.throttle_events += throttled;
    totals.amino_acids += aa;
    totals.ribosome_unit_quanta += units;
    clock_us_ += quantum_us_;
    ++quanta_;
  }

  // --- Snapshots -----------------------------------------------------------------------------

  static constexpr std::string_view snapshot_format = "bioxen.snapshot";
  static constexpr int snapshot_version = 1;

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
          {"throttle_events", v.throttle_events}});
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
    st.proteins_completed = rs.proteins_completed(st.amino_acids);
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
  require_object(j, "snapshot",
                 {"format", "version", "config", "chassis", "clock_us", "quanta", "next_uid",
                  "genomes", "vms", "scheduler"},
                 ctx);
  if (read_string(require(j, "format", ctx), "format", ctx) != snapshot_format) {
    json_fail(ctx, "format", fmt::format("expected \"{}\"", snapshot_format));
  }
  if (read_integer<int>(require(j, "version", ctx), "version", ctx) != snapshot_version) {
    json_fail(ctx, "version",
              fmt::format("unsupported version (this library reads {})", snapshot_version));
  }
  ProductionConfig config = require(j, "config", ctx).get<ProductionConfig>();
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
    require_object(jv, w,
                   {"id", "uid", "biological_type", "genome", "allocation", "state", "error_reason",
                    "running_since_us", "running_us", "active_us", "amino_acids", "atp_consumed",
                    "ribosome_seconds", "boot_complete", "boot_time_seconds", "throttled",
                    "context_switches", "throttle_events"},
                   ctx);
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
    if (booted != (aa >= boot_aa)) {
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
  }
  e.next_uid_ = next_uid;

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
  return e;
}

}  // namespace bioxen::detail
