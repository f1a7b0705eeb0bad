// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "bioxen/allocator.hpp"
#include "bioxen/chassis.hpp"
#include "bioxen/config.hpp"
#include "bioxen/detail/engine.hpp"
#include "bioxen/error.hpp"
#include "bioxen/genome.hpp"
#include "bioxen/observer.hpp"
#include "bioxen/scheduler.hpp"
#include "bioxen/types.hpp"

namespace bioxen {

/// The biological hypervisor (SPEC 2.6): owns a chassis, a resource allocator, a scheduling
/// policy, the VMs and a virtual clock, and time-shares the chassis' ribosomes, ATP and genome
/// space among the VMs.
///
/// Every public member is thread-safe (one internal mutex). Failures throw BioXenException
/// and change nothing; each throwing operation on a VM also has an overload taking
/// `std::error_code&` that reports the BioXenErrorCode instead. Runs are deterministic: the
/// same configuration, chassis and sequence of operations give bit-identical results, and
/// snapshot() + restore() continue bit for bit.
///
/// Cost: create, destroy, state changes and lookups are O(1) expected; get_system_resources()
/// is O(1); a quantum is O(running VMs) (round robin: O(1)); list_vms() and snapshot() are
/// O(VMs).
///
/// @code
/// bioxen::ProductionConfig cfg;
/// cfg.scheduler_policy = bioxen::SchedulerPolicy::fair_share;
/// bioxen::BioXenHypervisor hv{cfg, bioxen::ChassisType::ecoli};
/// hv.create_vm("vm1", "syn3a");
/// hv.start_vm("vm1");
/// hv.run_for(std::chrono::seconds(10));
/// fmt::print("{}\n", hv.get_vm_status("vm1"));
/// @endcode
class BioXenHypervisor {
 public:
  /// The seed's defaults on an E. coli chassis.
  BioXenHypervisor() : BioXenHypervisor(ProductionConfig{}, ChassisType::ecoli) {}
  /// Throws invalid_configuration for a bad config (naming the key).
  BioXenHypervisor(const ProductionConfig& config, ChassisType chassis)
      : BioXenHypervisor(config, chassis_profile(chassis)) {}
  /// Throws invalid_configuration for a bad config, chassis_initialization_error for a bad
  /// profile.
  BioXenHypervisor(const ProductionConfig& config, const ChassisProfile& chassis)
      : engine_(config, chassis) {}

  BioXenHypervisor(const BioXenHypervisor&) = delete;
  BioXenHypervisor& operator=(const BioXenHypervisor&) = delete;

  // --- VM life cycle --------------------------------------------------------------------------

  /// Creates a VM of a built-in biological type ("syn3a", "minimal_cell", "ecoli") in state
  /// created. Fields of `allocation` left `automatic` get the default share.
  /// Errors: vm_creation_failed (bad id: empty, > 64 characters, not printable ASCII; unknown
  /// type, details list the supported ones), vm_already_exists, then the allocator's checks in
  /// their order (hypervisor_overload first, then resource_allocation_error).
  ///
  /// @code
  /// bioxen::ResourceAllocation r;
  /// r.ribosomes = 20; r.atp_percentage = 25.0;
  /// hv.create_vm("vm1", "syn3a", r);
  /// @endcode
  void create_vm(std::string_view vm_id, std::string_view biological_type,
                 const ResourceAllocation& allocation = {}) {
    mutate("create_vm", vm_id, [&] { engine_.create_vm(vm_id, biological_type, allocation); });
  }
  void create_vm(std::string_view vm_id, std::string_view biological_type, std::error_code& ec) {
    capture_error(ec, [&] { create_vm(vm_id, biological_type); });
  }
  void create_vm(std::string_view vm_id, std::string_view biological_type,
                 const ResourceAllocation& allocation, std::error_code& ec) {
    capture_error(ec, [&] { create_vm(vm_id, biological_type, allocation); });
  }
  /// Creates a VM running any genome (e.g. from load_genome_file()); its biological type is
  /// the genome's name. A null genome is vm_creation_failed.
  void create_vm(std::string_view vm_id, GenomePtr genome,
                 const ResourceAllocation& allocation = {}) {
    mutate("create_vm", vm_id, [&] { engine_.create_vm(vm_id, std::move(genome), allocation); });
  }
  void create_vm(std::string_view vm_id, GenomePtr genome, const ResourceAllocation& allocation,
                 std::error_code& ec) {
    capture_error(ec, [&] { create_vm(vm_id, std::move(genome), allocation); });
  }

  /// created|stopped -> running. Errors: vm_not_found, invalid_state_transition.
  void start_vm(std::string_view vm_id) {
    mutate("start_vm", vm_id, [&] { engine_.start_vm(vm_id); });
  }
  void start_vm(std::string_view vm_id, std::error_code& ec) {
    capture_error(ec, [&] { start_vm(vm_id); });
  }
  /// running -> paused (a paused VM makes no progress and keeps its reservation).
  void pause_vm(std::string_view vm_id) {
    mutate("pause_vm", vm_id, [&] { engine_.pause_vm(vm_id); });
  }
  void pause_vm(std::string_view vm_id, std::error_code& ec) {
    capture_error(ec, [&] { pause_vm(vm_id); });
  }
  /// paused -> running.
  void resume_vm(std::string_view vm_id) {
    mutate("resume_vm", vm_id, [&] { engine_.resume_vm(vm_id); });
  }
  void resume_vm(std::string_view vm_id, std::error_code& ec) {
    capture_error(ec, [&] { resume_vm(vm_id); });
  }
  /// running|paused -> stopped. The VM keeps its reservation and its counters; start_vm()
  /// runs it again from where it stopped.
  void stop_vm(std::string_view vm_id) {
    mutate("stop_vm", vm_id, [&] { engine_.stop_vm(vm_id); });
  }
  void stop_vm(std::string_view vm_id, std::error_code& ec) {
    capture_error(ec, [&] { stop_vm(vm_id); });
  }
  /// Any state -> gone; returns exactly the resources its creation took.
  void destroy_vm(std::string_view vm_id) {
    mutate("destroy_vm", vm_id, [&] { engine_.destroy_vm(vm_id); });
  }
  void destroy_vm(std::string_view vm_id, std::error_code& ec) {
    capture_error(ec, [&] { destroy_vm(vm_id); });
  }
  /// Any state but error -> error, with a reason shown in VmStatus::error_reason (fault
  /// injection, external health checks). Only destroy_vm() leaves state error.
  void fail_vm(std::string_view vm_id, std::string_view reason) {
    mutate("fail_vm", vm_id, [&] { engine_.fail_vm(vm_id, reason); });
  }
  void fail_vm(std::string_view vm_id, std::string_view reason, std::error_code& ec) {
    capture_error(ec, [&] { fail_vm(vm_id, reason); });
  }

  /// Changes the reservation of a VM in any state; `automatic` fields keep their value. The
  /// allocator's checks 2-8 run with the VM's own reservation counted as free. memory_kb may
  /// change only while the VM is created (invalid_state_transition otherwise): the resident
  /// genes are fixed once it has run.
  ///
  /// @code
  /// bioxen::ResourceAllocation more;
  /// more.ribosomes = 30;
  /// hv.reallocate_vm("vm1", more);   // ATP, memory, priority unchanged
  /// @endcode
  void reallocate_vm(std::string_view vm_id, const ResourceAllocation& allocation) {
    mutate("reallocate_vm", vm_id, [&] { engine_.reallocate_vm(vm_id, allocation); });
  }
  void reallocate_vm(std::string_view vm_id, const ResourceAllocation& allocation,
                     std::error_code& ec) {
    capture_error(ec, [&] { reallocate_vm(vm_id, allocation); });
  }

  // --- Queries --------------------------------------------------------------------------------

  /// Allocation and accounting of one VM. Error: vm_not_found.
  VmStatus get_vm_status(std::string_view vm_id) const {
    std::lock_guard lock(mutex_);
    return engine_.vm_status(vm_id);
  }
  VmStatus get_vm_status(std::string_view vm_id, std::error_code& ec) const {
    return capture_error(ec, [&] { return get_vm_status(vm_id); });
  }
  VMState get_vm_state(std::string_view vm_id) const {
    std::lock_guard lock(mutex_);
    return engine_.vm_state(vm_id);
  }
  VMState get_vm_state(std::string_view vm_id, std::error_code& ec) const {
    return capture_error(ec, [&] { return get_vm_state(vm_id); });
  }
  /// The VM's reservation, every field resolved.
  ResourceAllocation get_vm_allocation(std::string_view vm_id) const {
    std::lock_guard lock(mutex_);
    return engine_.vm_allocation(vm_id);
  }
  ResourceAllocation get_vm_allocation(std::string_view vm_id, std::error_code& ec) const {
    return capture_error(ec, [&] { return get_vm_allocation(vm_id); });
  }
  /// Completed copies of every resident protein, in translation order. O(resident genes).
  std::vector<ProteinCount> get_vm_proteins(std::string_view vm_id) const {
    std::lock_guard lock(mutex_);
    return engine_.vm_proteins(vm_id);
  }
  std::vector<ProteinCount> get_vm_proteins(std::string_view vm_id, std::error_code& ec) const {
    return capture_error(ec, [&] { return get_vm_proteins(vm_id); });
  }
  bool has_vm(std::string_view vm_id) const {
    std::lock_guard lock(mutex_);
    return engine_.contains(vm_id);
  }
  /// Every VM's status, in creation order.
  std::vector<VmStatus> list_vms() const {
    std::lock_guard lock(mutex_);
    return engine_.list_vms();
  }
  /// Every VM's id, in creation order.
  std::vector<std::string> list_vm_ids() const {
    std::lock_guard lock(mutex_);
    return engine_.list_vm_ids();
  }
  std::size_t vm_count() const {
    std::lock_guard lock(mutex_);
    return engine_.vm_count();
  }
  /// The allocator's totals and the clock; O(1).
  SystemResources get_system_resources() const {
    std::lock_guard lock(mutex_);
    return engine_.system_resources();
  }
  /// The chassis profile (recommendations such as ribosome_units and recommended_max_vms
  /// included) plus the allocator's view: allocator_units, available_units,
  /// physical_ribosomes_per_unit, amino_acids_per_unit_second, max_vms (the enforced limit).
  nlohmann::json get_chassis_info() const {
    std::lock_guard lock(mutex_);
    return engine_.chassis_info();
  }
  ProductionConfig config() const {
    std::lock_guard lock(mutex_);
    return engine_.config();
  }
  ChassisProfile chassis() const {
    std::lock_guard lock(mutex_);
    return engine_.chassis();
  }
  /// The enforced VM limit (config().max_vms).
  int max_vms() const {
    std::lock_guard lock(mutex_);
    return engine_.config().max_vms;
  }
  /// What create_vm(id, biological_type) would reserve (without checking that it fits).
  /// Error: vm_creation_failed for an unknown type.
  ResourceAllocation default_allocation(std::string_view biological_type) const {
    std::lock_guard lock(mutex_);
    const auto names = builtin_genome_names();
    if (std::find(names.begin(), names.end(), biological_type) == names.end()) {
      throw BioXenException(
          BioXenErrorCode::vm_creation_failed,
          fmt::format("unknown biological type '{}' (supported: {})",
                      detail::printable(biological_type), fmt::join(names, ", ")),
          {{"biological_type", detail::printable(biological_type)}, {"supported", names}});
    }
    const auto size_kb = static_cast<std::int64_t>(builtin_genome(biological_type)->size_kb());
    return engine_.allocator().resolve(ResourceAllocation{}, size_kb).allocation();
  }

  // --- Scheduler and virtual clock ------------------------------------------------------------

  /// Advances the virtual clock by one quantum (scheduling_quantum_ms) of work.
  void run_scheduler() {
    if (!has_observers_.load(std::memory_order_acquire)) {
      std::lock_guard lock(mutex_);
      engine_.run_quantum();
      return;
    }
    QuantumEvent event;
    ObserverList observers;
    {
      std::lock_guard lock(mutex_);
      observers = observers_;
      bool want_grants = false;
      for (const auto& o : *observers) want_grants = want_grants || o->wants_quantum_grants();
      engine_.run_quantum(&event, want_grants);
    }
    for (const auto& o : *observers) o->on_quantum(event);
  }

  /// Runs `n` quanta; returns n. Other threads may interleave between quanta (the lock is
  /// released every 256 quanta, and after each quantum while observers are attached).
  std::uint64_t run_quanta(std::uint64_t n) {
    std::uint64_t done = 0;
    while (done < n) {
      if (has_observers_.load(std::memory_order_acquire)) {
        run_scheduler();
        ++done;
        continue;
      }
      std::lock_guard lock(mutex_);
      const std::uint64_t k = std::min<std::uint64_t>(n - done, 256);
      for (std::uint64_t i = 0; i < k; ++i) engine_.run_quantum();
      done += k;
    }
    return n;
  }

  /// Runs ceil(duration / quantum) quanta (at least `duration` of virtual time); returns the
  /// number run. A negative duration is invalid_argument.
  ///
  /// @code
  /// using namespace std::chrono_literals;
  /// hv.run_for(10s);    // 100 quanta of 100 ms
  /// @endcode
  template <class Rep, class Period>
  std::uint64_t run_for(std::chrono::duration<Rep, Period> duration) {
    const auto us = std::chrono::ceil<std::chrono::microseconds>(duration).count();
    if (us < 0) {
      throw BioXenException(BioXenErrorCode::invalid_argument,
                            fmt::format("run_for: the duration must not be negative ({} µs)", us));
    }
    std::int64_t quantum_us;
    {
      std::lock_guard lock(mutex_);
      quantum_us = engine_.quantum_us();
    }
    return run_quanta(static_cast<std::uint64_t>((us + quantum_us - 1) / quantum_us));
  }

  /// The virtual clock (starts at 0, advances one quantum per run_scheduler()).
  std::chrono::microseconds virtual_time() const {
    std::lock_guard lock(mutex_);
    return std::chrono::microseconds(engine_.clock_us());
  }
  double virtual_seconds() const {
    std::lock_guard lock(mutex_);
    return static_cast<double>(engine_.clock_us()) / 1e6;
  }
  std::uint64_t quanta_elapsed() const {
    std::lock_guard lock(mutex_);
    return engine_.quanta();
  }

  // --- Snapshots ------------------------------------------------------------------------------

  /// Everything needed to continue bit for bit: config, chassis, clock, VMs (genome by
  /// built-in name, or embedded when custom), their counters, the run queue and the policy's
  /// state. Wall-clock values (uptime) are not part of it.
  nlohmann::json snapshot() const {
    std::lock_guard lock(mutex_);
    return engine_.snapshot();
  }

  /// Replaces the whole state by a snapshot's. The snapshot is checked completely first:
  /// anything malformed or inconsistent is invalid_snapshot (naming the key) and changes
  /// nothing. Observers stay attached.
  void restore(const nlohmann::json& snap) {
    const bool observed = has_observers_.load(std::memory_order_acquire);
    const auto t0 =
        observed ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
    ObserverList observers;
    try {
      detail::Engine fresh = detail::Engine::from_snapshot(snap);
      {
        std::lock_guard lock(mutex_);
        std::swap(engine_, fresh);
        observers = observers_;
      }
      // `fresh` (the old state) is destroyed here, outside the lock.
    } catch (const BioXenException& e) {
      if (observed) notify("restore", {}, t0, &e);
      throw;
    }
    if (observed) notify_list(observers, "restore", {}, t0, nullptr);
  }
  void restore(const nlohmann::json& snap, std::error_code& ec) {
    capture_error(ec, [&] { restore(snap); });
  }

  // --- Observers ------------------------------------------------------------------------------

  /// Attaches an observer (a monitor, a logger). Adding the same observer twice is a no-op.
  void add_observer(std::shared_ptr<HypervisorObserver> observer) {
    if (!observer) {
      throw BioXenException(BioXenErrorCode::invalid_argument, "add_observer: null observer");
    }
    std::lock_guard lock(mutex_);
    auto next = std::make_shared<std::vector<std::shared_ptr<HypervisorObserver>>>(*observers_);
    if (std::find(next->begin(), next->end(), observer) != next->end()) return;
    next->push_back(std::move(observer));
    observers_ = std::move(next);
    has_observers_.store(true, std::memory_order_release);
  }
  /// Detaches an observer; it may still receive the callbacks of operations already running.
  void remove_observer(const std::shared_ptr<HypervisorObserver>& observer) {
    std::lock_guard lock(mutex_);
    auto next = std::make_shared<std::vector<std::shared_ptr<HypervisorObserver>>>(*observers_);
    next->erase(std::remove(next->begin(), next->end(), observer), next->end());
    has_observers_.store(!next->empty(), std::memory_order_release);
    observers_ = std::move(next);
  }
  std::size_t observer_count() const {
    std::lock_guard lock(mutex_);
    return observers_->size();
  }

 private:
  using ObserverList = std::shared_ptr<const std::vector<std::shared_ptr<HypervisorObserver>>>;

  /// Runs a mutating operation under the lock; with observers attached, times it and tells
  /// them afterwards, outside the lock. Without observers no clock is read.
  template <class Fn>
  void mutate(std::string_view operation, std::string_view vm_id, Fn&& fn) {
    if (!has_observers_.load(std::memory_order_acquire)) {
      std::lock_guard lock(mutex_);
      fn();
      return;
    }
    const auto t0 = std::chrono::steady_clock::now();
    ObserverList observers;
    try {
      std::lock_guard lock(mutex_);
      observers = observers_;
      fn();
    } catch (const BioXenException& e) {
      notify_list(observers, operation, vm_id, t0, &e);
      throw;
    }
    notify_list(observers, operation, vm_id, t0, nullptr);
  }

  void notify(std::string_view operation, std::string_view vm_id,
              std::chrono::steady_clock::time_point t0, const BioXenException* error) {
    ObserverList observers;
    {
      std::lock_guard lock(mutex_);
      observers = observers_;
    }
    notify_list(observers, operation, vm_id, t0, error);
  }

  static void notify_list(const ObserverList& observers, std::string_view operation,
                          std::string_view vm_id, std::chrono::steady_clock::time_point t0,
                          const BioXenException* error) {
    if (!observers || observers->empty()) return;
    OperationEvent event;
    event.operation = operation;
    event.vm_id = detail::printable(vm_id);
    event.latency = std::chrono::steady_clock::now() - t0;
    event.success = error == nullptr;
    if (error != nullptr) {
      event.error = error->error_code();
      event.message = error->message();
    }
    for (const auto& o : *observers) o->on_operation(event);
  }

  mutable std::mutex mutex_;
  detail::Engine engine_;
  ObserverList observers_ =
      std::make_shared<const std::vector<std::shared_ptr<HypervisorObserver>>>();
  std::atomic<bool> has_observers_{false};
};

}  // namespace bioxen
