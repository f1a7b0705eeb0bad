// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// The hypervisor's state machine without its lock: VM records, allocator, run queue, policy,
// clock and snapshots; the work of a quantum is the work model's (detail/work_model.hpp).
// BioXenHypervisor wraps one Engine in a mutex; restore() builds a new Engine from a
// snapshot and swaps it in, so a failed restore changes nothing.
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
#include "bioxen/detail/json_read.hpp"
#include "bioxen/error_details.hpp"
#include "bioxen/export.hpp"
#include "bioxen/genome.hpp"
#include "bioxen/observer.hpp"
#include "bioxen/scheduler.hpp"
#include "bioxen/types.hpp"
#include "bioxen/work_model.hpp"
#include "detail/huge_page_allocator.hpp"
#include "detail/physiology.hpp"
#include "detail/vm_index.hpp"
#include "detail/vm_record.hpp"
#include "detail/work_model.hpp"

namespace bioxen::detail {

class BIOXEN_API Engine {
 public:
  Engine(const ProductionConfig& config, const ChassisProfile& chassis)
      : config_((config.validate(), config)),
        chassis_((validate_chassis_profile(chassis), chassis)),
        alloc_(config_, chassis_),
        policy_(make_scheduling_policy(config_.scheduler_policy, policy_context(config_))),
        work_(config_, chassis_),
        quantum_us_(static_cast<std::int64_t>(config_.scheduling_quantum_ms) * 1000) {}

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
    enter_running(slot);
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
    enter_running(slot);
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
    // Its chains, frozen (by leave_running if it was running) unless repressed, are freed.
    const bool repressed = (v.flags & kRepressed) != 0;
    if (repressed) unrepress(slot);
    work_.forget(v, !repressed);
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
    std::vector<ProteinCount> out;
    out.reserve(rs.cds.size());
    for (std::size_t i = 0; i < rs.cds.size(); ++i) {
      const Gene& g = genes[rs.cds[i]];
      out.push_back(ProteinCount{g.locus_tag, g.name, g.protein_length_aa, work_.copies(v, i)});
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
    j["physical_ribosomes_per_unit"] = work_.ribosomes_per_unit();
    j["amino_acids_per_unit_second"] = work_.aa_per_unit_second();
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
  double ribosomes_per_unit() const noexcept { return work_.ribosomes_per_unit(); }
  double aa_per_unit_second() const noexcept { return work_.aa_per_unit_second(); }

  // --- The scheduler -------------------------------------------------------------------------

  /// How many more quanta fit before the clock's end (max_virtual_time_us).
  std::uint64_t quanta_left() const noexcept {
    return static_cast<std::uint64_t>((max_virtual_time_us - clock_us_) / quantum_us_);
  }

  /// Throws invalid_argument unless `n` more quanta fit before the clock's end.
  void require_quanta_left(std::uint64_t n) const {
    // One quantum (every run_quantum): a comparison, no division on the hot path.
    if (n == 1 ? clock_us_ <= max_virtual_time_us - quantum_us_ : n <= quanta_left()) return;
    throw BioXenException(
        BioXenErrorCode::invalid_argument,
        fmt::format("running {} quanta would take the virtual clock past its end ({} µs, about "
                    "31.7 years); {} quanta are left",
                    n, max_virtual_time_us, quanta_left()),
        {{"quanta", n}, {"quanta_left", quanta_left()}, {"clock_us", clock_us_}});
  }

  /// Runs one quantum and adds it to `totals`.
  void run_quantum(QuantumTotals& totals) {
    require_quanta_left(1);
    double aa = 0.0;
    double units = 0.0;
    std::uint64_t throttled = 0;
    const bool was_stalled = work_.host_stalled();
    const bool switched =
        run_quantum_with([&](const VmRecord&, const Grant& g, double made, bool cut) {
          aa += made;
          units += g.units;
          throttled += cut ? 1 : 0;
        });
    add(totals, switched, throttled, aa, units, was_stalled != work_.host_stalled());
  }

  /// run_quantum(totals) that also describes the quantum in `event` (with its grants when
  /// `want_grants`).
  void run_quantum(QuantumEvent& event, bool want_grants, QuantumTotals& totals) {
    require_quanta_left(1);
    event = QuantumEvent{};
    event.quantum = quanta_;
    event.start_us = clock_us_;
    event.end_us = clock_us_ + quantum_us_;
    event.running_vms = queue_.size();
    const bool was_stalled = work_.host_stalled();
    event.context_switch =
        run_quantum_with([&](const VmRecord& v, const Grant& g, double aa, bool throttled) {
          if (g.units > 0) ++event.active_vms;
          event.amino_acids += aa;
          event.ribosome_units += g.units;
          event.throttle_events += throttled ? 1 : 0;
          if (want_grants) event.grants.push_back(QuantumGrant{v.id, g.units, aa, throttled});
        });
    event.host_growth_rate_per_h = work_.host_growth_per_h();
    event.host_stalled = work_.host_stalled();
    event.host_state_changed = was_stalled != event.host_stalled;
    add(totals, event.context_switch, event.throttle_events, event.amino_acids,
        event.ribosome_units, event.host_state_changed);
  }

  /// The host as the work model sees it after the last quantum.
  HostStatus host_status() const {
    return work_.host_status(to_string(config_.work_model), alloc_.free_rna_polymerase());
  }

  // --- Snapshots -----------------------------------------------------------------------------

  static constexpr std::string_view snapshot_format = "bioxen.snapshot";
  /// Version 2 added the physiological model (work_model, the VMs' pipelines, the host);
  /// version 1 snapshots restore under WorkModel::capacity, the only model they knew. Version 3
  /// added genetic codes (allocation.allow_incompatible_code, the genomes' tables) and renamed
  /// the syn3A-like chassis: a chassis with base "orthogonal" in versions 1 and 2 is restored as
  /// "syn3a" (docs/MODEL.md section 2).
  static constexpr int snapshot_version = 3;

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
            {"priority", v.res.priority},
            {"allow_incompatible_code", v.res.allow_incompatible_code}}},
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
          {"repressed", (v.flags & kRepressed) != 0},
          {"context_switches", v.context_switches},
          {"throttle_events", v.throttle_events},
          {"pipeline", work_.pipeline_json(v)}});
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
                          {"host", work_.host_json()},
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
  static void add(QuantumTotals& t, bool switched, std::uint64_t throttled, double aa, double units,
                  bool host_changed) noexcept {
    t.quanta += 1;
    t.context_switches += switched ? 1 : 0;
    t.throttle_events += throttled;
    t.amino_acids += aa;
    t.ribosome_unit_quanta += units;
    t.host_state_changes += host_changed ? 1 : 0;
  }

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

  void leave_running(std::uint32_t slot) {
    VmRecord& v = vms_[slot];
    v.running_us += clock_us_ - v.running_since_us;
    v.running_since_us = 0;
    queue_.erase(slot);
    if (work_.repress()) {
      // Silenced by its sRNA: its messages decay and its chains run off (docs/MODEL.md 6.5).
      v.flags |= kRepressed;
      repressed_.push_back(slot);
      return;
    }
    // Its chains stay on their ribosomes, frozen, until it runs again or is destroyed.
    work_.freeze(v);
  }

  /// A VM enters running: frozen chains elongate again; a repressed one is released.
  void enter_running(std::uint32_t slot) {
    VmRecord& v = vms_[slot];
    if ((v.flags & kRepressed) != 0) {
      unrepress(slot);
      work_.thaw(v, false);
    } else {
      work_.thaw(v);
    }
  }

  void unrepress(std::uint32_t slot) noexcept {
    vms_[slot].flags &= static_cast<std::uint8_t>(~kRepressed);
    const auto it = std::find(repressed_.begin(), repressed_.end(), slot);
    if (it != repressed_.end()) {
      *it = repressed_.back();
      repressed_.pop_back();
    }
  }

  /// The quantum loop of both work models. `report(v, grant, aa, throttled)` sees each grant.
  /// Returns whether a context switch happened.
  template <class Report>
  bool run_quantum_with(Report&& report) {
    const QuantumPlan plan = policy_->plan(queue_);
    const std::int64_t work_start_us = clock_us_ + plan.switch_us;
    const auto work_us = static_cast<double>(quantum_us_ - plan.switch_us);
    if (plan.context_switch) ++vms_[plan.grants.front().slot].context_switches;
    if (!work_.physiological()) {
      for (const Grant& g : plan.grants) {
        VmRecord& v = vms_[g.slot];
        const std::uint64_t before = v.throttle_events;
        const double aa = work_.capacity(v, g.units, work_us, work_start_us);
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
    work_.begin_quantum();
    // Granted VMs first (the plan), then the rest of the queue with a zero grant.
    ++pass_;
    for (const Grant& g : plan.grants) {
      VmRecord& v = vms_[g.slot];
      v.pass = pass_;
      const std::uint64_t before = v.throttle_events;
      const double aa = work_.pipeline(v, g.units, work_us, clock_us_);
      report(v, g, aa, v.throttle_events != before);
    }
    if (plan.grants.size() < queue_.size()) {
      queue_.for_each([&](std::uint32_t slot, const RunEntry&) {
        VmRecord& v = vms_[slot];
        if (v.pass != pass_) work_.pipeline(v, 0.0, work_us, clock_us_);
      });
    }
    // Repressed VMs (paused or stopped by sRNA): their remaining messages, up to their
    // reservation. In slot order, so the sum is the same after a restore.
    if (!repressed_.empty()) {
      std::sort(repressed_.begin(), repressed_.end());
      for (const std::uint32_t slot : repressed_) {
        VmRecord& v = vms_[slot];
        work_.pipeline(v, v.res.ribosomes, work_us, clock_us_, true);
      }
    }
    work_.end_quantum(alloc_.free_rna_polymerase(), alloc_.allocated_rna_polymerase());
  }

  /// Refuses a guest whose code the chassis does not read, unless allowed and its proteins under
  /// the host's code are known (docs/MODEL.md section 3.1); throws incompatible_genetic_code.
  void check_code(std::string_view id, const GenomeTemplate& genome, bool allowed) const {
    const GeneticCodeCheck c = check_genetic_code(genome, chassis_.genetic_codes);
    if (c.compatible || (allowed && c.lengths_known)) return;
    const std::string what =
        !c.lengths_known
            ? fmt::format(
                  "the genome gives no other_code_length_aa, so the proteins table {} "
                  "would make of it are unknown",
                  c.host_table)
            : fmt::format(
                  "{} of its {} proteins would be {} (set allow_incompatible_code to run "
                  "it anyway)",
                  c.affected_proteins(), genome.cds_count(),
                  c.truncated_proteins > 0 ? "truncated at a UGA read as stop"
                                           : "extended through a UGA stop read as Trp");
    throw BioXenException(
        BioXenErrorCode::incompatible_genetic_code,
        fmt::format("cannot create VM '{}': genome '{}' uses translation table {} ({}), but "
                    "chassis '{}' reads table {}: {}",
                    printable(id), genome.name(), c.guest_table,
                    translation_table_name(c.guest_table), chassis_.name,
                    fmt::join(chassis_.genetic_codes, ", "), what),
        {{"vm_id", printable(id)},
         {"genome", genome.name()},
         {"guest_table", c.guest_table},
         {"host_table", c.host_table},
         {"host_codes", chassis_.genetic_codes},
         {"chassis", chassis_.name},
         {"affected_proteins", c.affected_proteins()},
         {"truncated_proteins", c.truncated_proteins},
         {"extended_proteins", c.extended_proteins},
         {"lengths_known", c.lengths_known}});
  }

  GuestImage* acquire_image(const std::string& biological_type, const GenomePtr& genome,
                            std::int64_t memory_kb) {
    ImageKey key{genome.get(), memory_kb, biological_type};
    auto it = images_.find(key);
    if (it == images_.end()) {
      auto img = std::make_unique<GuestImage>();
      img->biological_type = biological_type;
      img->genome = genome;
      img->resident =
          resident_set(genome, static_cast<std::uint64_t>(memory_kb),
                       host_reading_table(genome->translation_table(), chassis_.genetic_codes));
      img->memory_kb = memory_kb;
      img->builtin = is_builtin(genome);
      work_.prepare(*img);
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
    check_code(id, *genome, requested.allow_incompatible_code);
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
    // v.aa <= 2e18 by the bounds of the inputs and the clock's end (docs/MODEL.md, "Bounds
    // of the inputs"); the conversion is defined up to 2^64.
    st.amino_acids = static_cast<std::uint64_t>(std::min(v.aa, 1.8e19));
    st.atp_consumed = v.atp;
    work_.status(v, st);
    st.context_switches = v.context_switches;
    st.throttle_events = v.throttle_events;
    st.boot_complete = (v.flags & kBooted) != 0;
    st.boot_time_seconds = v.boot_time_s;
    st.resident_genes = rs.genes.size();
    st.total_genes = v.image->genome->genes().size();
    st.resident_proteins = rs.cds.size();
    st.boot_proteins = rs.boot_proteins;
    st.translation_table = v.image->genome->translation_table();
    st.host_translation_table = rs.reading_table;
    st.allow_incompatible_code = v.res.allow_incompatible_code;
    st.truncated_proteins = rs.truncated_proteins;
    st.extended_proteins = rs.extended_proteins;
    st.boot_blocked = rs.boot_blocked();
    st.repressed = (v.flags & kRepressed) != 0;
  }

  static Engine restore_unchecked(const nlohmann::json& j);

  ProductionConfig config_;
  ChassisProfile chassis_;
  ResourceAllocator alloc_;
  std::unique_ptr<SchedulingPolicy> policy_;
  RunQueue queue_;
  Work work_;
  std::int64_t quantum_us_;
  std::uint64_t pass_ = 0;  // physiological quanta run, to mark the VMs each one advanced

  std::vector<VmRecord, HugePageAllocator<VmRecord>> vms_;
  VmIndex index_;
  std::unordered_map<ImageKey, std::unique_ptr<GuestImage>, ImageKeyHash> images_;
  std::vector<std::uint32_t> repressed_;                          // slots of VMs silenced by sRNA
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
  if (version < 1 || version > snapshot_version) {
    json_fail(ctx, "version",
              fmt::format("unsupported version {} (this library reads 1 to {})", version,
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
  nlohmann::json jchassis = require(j, "chassis", ctx);
  if (version < 3 && jchassis.is_object() && jchassis.value("base", "") == "orthogonal") {
    jchassis["base"] = "syn3a";  // what "orthogonal" named before version 3
  }
  const ChassisProfile chassis = chassis_profile_from_json(jchassis);
  Engine e(config, chassis);
  e.clock_us_ = read_integer<std::int64_t>(require(j, "clock_us", ctx), "clock_us", ctx, 0,
                                           max_virtual_time_us);
  e.quanta_ = read_integer<std::uint64_t>(require(j, "quanta", ctx), "quanta", ctx);
  // Division, not quanta x quantum: the product of two accepted numbers may overflow.
  if (e.clock_us_ % e.quantum_us_ != 0 ||
      e.quanta_ != static_cast<std::uint64_t>(e.clock_us_ / e.quantum_us_)) {
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
    if (version >= 3) vm_keys.push_back("repressed");
    require_object(jv, w, vm_keys, ctx);
    const bool repressed =
        version >= 3 && read_bool(require(jv, "repressed", ctx), k("repressed"), ctx);
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
    if (version < 3) {
      require_object(ja, ak, {"ribosomes", "atp_micro", "rna_polymerase", "memory_kb", "priority"},
                     ctx);
    } else {
      require_object(ja, ak,
                     {"ribosomes", "atp_micro", "rna_polymerase", "memory_kb", "priority",
                      "allow_incompatible_code"},
                     ctx);
    }
    Reservation r;
    r.ribosomes = read_integer<int>(require(ja, "ribosomes", ctx), ak + ".ribosomes", ctx);
    r.atp_micro = read_integer<std::int64_t>(require(ja, "atp_micro", ctx), ak + ".atp_micro", ctx);
    r.rna_polymerase =
        read_integer<int>(require(ja, "rna_polymerase", ctx), ak + ".rna_polymerase", ctx);
    r.memory_kb = read_integer<std::int64_t>(require(ja, "memory_kb", ctx), ak + ".memory_kb", ctx);
    r.priority = read_integer<int>(require(ja, "priority", ctx), ak + ".priority", ctx);
    if (version >= 3) {
      r.allow_incompatible_code = read_bool(require(ja, "allow_incompatible_code", ctx),
                                            ak + ".allow_incompatible_code", ctx);
    }
    e.alloc_.check_restore(id, r);
    try {
      e.check_code(id, *genome, r.allow_incompatible_code);
    } catch (const BioXenException& x) {
      json_fail(ctx, k("genome"), x.message());
    }

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
    // Bounded by the clock's end first, so that the sums below cannot overflow.
    const auto running_us = read_integer<std::int64_t>(
        require(jv, "running_us", ctx), k("running_us"), ctx, 0, max_virtual_time_us);
    const auto active_us = read_integer<std::int64_t>(require(jv, "active_us", ctx), k("active_us"),
                                                      ctx, 0, max_virtual_time_us);
    const std::int64_t total_running =
        running_us + (state == VMState::running ? e.clock_us_ - since : 0);
    if (total_running > e.clock_us_) json_fail(ctx, k("running_us"), "exceeds the clock");
    if (active_us > total_running) json_fail(ctx, k("active_us"), "exceeds the running time");
    // Counts beyond 10^18 cannot be reached by a run (docs/MODEL.md, "Bounds of the inputs")
    // and would not fit the status' integers later.
    const auto nonneg = [&](std::string_view key) {
      const double d = read_number(require(jv, key, ctx), k(key), ctx);
      if (d < 0.0) json_fail(ctx, k(key), "must be >= 0");
      if (d > 1e18)
        json_fail(ctx, k(key), fmt::format("{} is above 1e18, more than a run makes", d));
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
    if (!e.work_.physiological() &&
        booted != (aa >= boot_aa && !v.image->resident->boot_blocked())) {
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
    if (repressed &&
        (!e.work_.repress() || state == VMState::running || state == VMState::created)) {
      json_fail(ctx, k("repressed"),
                "set, but only a VM that has left running (paused, stopped, error) under "
                "pause_mechanism repress is repressed");
    }
    v.flags =
        static_cast<std::uint8_t>(kInUse | (booted ? kBooted : 0) | (throttled ? kThrottled : 0) |
                                  (repressed ? kRepressed : 0));
    v.context_switches = switches;
    v.throttle_events = throttles;
    if (!v1) e.work_.restore_pipeline(v, require(jv, "pipeline", ctx), k("pipeline"), ctx);
  }
  e.next_uid_ = next_uid;
  if (!v1) e.work_.restore_host(require(j, "host", ctx), ctx);

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
  // Chains of VMs that are not running are frozen on their ribosomes, unless repressed.
  double frozen = 0.0;
  for (std::uint32_t s = e.all_head_; s != npos; s = e.vms_[s].next) {
    const VmRecord& v = e.vms_[s];
    if ((v.flags & kRepressed) != 0) {
      e.repressed_.push_back(s);
    } else if (v.state != VMState::running) {
      frozen += v.pipe.bound();
    }
  }
  e.work_.set_frozen(frozen);
  return e;
}

}  // namespace bioxen::detail
