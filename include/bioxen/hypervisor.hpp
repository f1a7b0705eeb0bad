// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "bioxen/allocator.hpp"
#include "bioxen/chassis.hpp"
#include "bioxen/config.hpp"
#include "bioxen/detail/engine.hpp"
#include "bioxen/detail/spin_mutex.hpp"
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
    mutate(Op::create_vm, vm_id, [&] { engine_.create_vm(vm_id, biological_type, allocation); });
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
    mutate(Op::create_vm, vm_id, [&] { engine_.create_vm(vm_id, std::move(genome), allocation); });
  }
  void create_vm(std::string_view vm_id, GenomePtr genome, const ResourceAllocation& allocation,
                 std::error_code& ec) {
    capture_error(ec, [&] { create_vm(vm_id, std::move(genome), allocation); });
  }

  /// created|stopped -> running. Errors: vm_not_found, invalid_state_transition.
  void start_vm(std::string_view vm_id) {
    mutate(Op::start_vm, vm_id, [&] { engine_.start_vm(vm_id); });
  }
  void start_vm(std::string_view vm_id, std::error_code& ec) {
    capture_error(ec, [&] { start_vm(vm_id); });
  }
  /// running -> paused (a paused VM makes no progress and keeps its reservation).
  void pause_vm(std::string_view vm_id) {
    mutate(Op::pause_vm, vm_id, [&] { engine_.pause_vm(vm_id); });
  }
  void pause_vm(std::string_view vm_id, std::error_code& ec) {
    capture_error(ec, [&] { pause_vm(vm_id); });
  }
  /// paused -> running.
  void resume_vm(std::string_view vm_id) {
    mutate(Op::resume_vm, vm_id, [&] { engine_.resume_vm(vm_id); });
  }
  void resume_vm(std::string_view vm_id, std::error_code& ec) {
    capture_error(ec, [&] { resume_vm(vm_id); });
  }
  /// running|paused -> stopped. The VM keeps its reservation and its counters; start_vm()
  /// runs it again from where it stopped.
  void stop_vm(std::string_view vm_id) {
    mutate(Op::stop_vm, vm_id, [&] { engine_.stop_vm(vm_id); });
  }
  void stop_vm(std::string_view vm_id, std::error_code& ec) {
    capture_error(ec, [&] { stop_vm(vm_id); });
  }
  /// Any state -> gone; returns exactly the resources its creation took.
  void destroy_vm(std::string_view vm_id) {
    mutate(Op::destroy_vm, vm_id, [&] { engine_.destroy_vm(vm_id); });
  }
  void destroy_vm(std::string_view vm_id, std::error_code& ec) {
    capture_error(ec, [&] { destroy_vm(vm_id); });
  }
  /// Any state but error -> error, with a reason shown in VmStatus::error_reason (fault
  /// injection, external health checks). Only destroy_vm() leaves state error.
  void fail_vm(std::string_view vm_id, std::string_view reason) {
    mutate(Op::fail_vm, vm_id, [&] { engine_.fail_vm(vm_id, reason); });
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
    mutate(Op::reallocate_vm, vm_id, [&] { engine_.reallocate_vm(vm_id, allocation); });
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
  /// list_vms() into `out`: resized to the number of VMs, its elements (and their strings'
  /// storage) reused. Listing many VMs again and again into the same vector allocates nothing
  /// once it is large enough (a fresh vector of 10^6 statuses is 330 MB of new pages).
  ///
  /// @code
  /// std::vector<bioxen::VmStatus> vms;
  /// for (int i = 0; i < 10; ++i) {
  ///   hv.run_quanta(100);
  ///   hv.list_vms(vms);
  /// }
  /// @endcode
  void list_vms(std::vector<VmStatus>& out) const {
    std::lock_guard lock(mutex_);
    engine_.list_vms(out);
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
  /// The host cell after the last quantum (docs/MODEL.md): its growth rate and state, the
  /// guests' share of translation. Under WorkModel::capacity the host is not modelled.
  ///
  /// @code
  ///   bioxen::HostStatus h = hv.get_host_status();
  ///   if (h.state == "stalled") { /* the guests take more than the host can give */ }
  /// @endcode
  HostStatus get_host_status() const {
    std::lock_guard lock(mutex_);
    return engine_.host_status();
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
    {
      std::lock_guard lock(mutex_);
      if ((engine_.quanta() & report_mask_.load(std::memory_order_relaxed)) != 0) {
        engine_.run_quantum(pending_quanta_);  // summed, delivered later as totals
        return;
      }
    }
    run_reported_quantum();
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
    Pending pending;
    try {
      detail::Engine fresh = detail::Engine::from_snapshot(snap);
      {
        std::lock_guard lock(mutex_);
        std::swap(engine_, fresh);
        if (observed) {
          observers = observers_;
          pending = take_pending();
        }
      }
      // `fresh` (the old state) is destroyed here, outside the lock.
    } catch (const BioXenException& e) {
      if (observed) report_failure(Op::restore, {}, t0, e);
      throw;
    }
    if (observed) {
      deliver(observers, pending);
      notify_list(observers, Op::restore, {}, t0, nullptr);
    }
  }
  void restore(const nlohmann::json& snap, std::error_code& ec) {
    capture_error(ec, [&] { restore(snap); });
  }

  // --- Observers ------------------------------------------------------------------------------

  /// Attaches an observer (a monitor, a logger). Adding the same observer twice is a no-op.
  /// Errors: invalid_argument for a null observer or a reporting_period() that is not a power
  /// of two in [1, 2^20] (nothing is attached then).
  void add_observer(std::shared_ptr<HypervisorObserver> observer) {
    if (!observer) {
      throw BioXenException(BioXenErrorCode::invalid_argument, "add_observer: null observer");
    }
    const std::uint32_t period = observer->reporting_period();
    if (!is_valid_reporting_period(period)) {
      throw BioXenException(
          BioXenErrorCode::invalid_argument,
          fmt::format("add_observer: reporting period {} is not a power of two in [1, 2^20]",
                      period),
          {{"reporting_period", period}});
    }
    auto next = std::make_shared<std::vector<std::shared_ptr<HypervisorObserver>>>(*observers_);
    if (std::find(next->begin(), next->end(), observer) != next->end()) return;
    next->push_back(std::move(observer));
    replace_observers(std::move(next));
  }
  /// Detaches an observer; it may still receive the callbacks of operations already running.
  /// Counts pending for it are delivered first.
  void remove_observer(const std::shared_ptr<HypervisorObserver>& observer) {
    auto next = std::make_shared<std::vector<std::shared_ptr<HypervisorObserver>>>(*observers_);
    next->erase(std::remove(next->begin(), next->end(), observer), next->end());
    replace_observers(std::move(next));
  }
  std::size_t observer_count() const {
    std::lock_guard lock(mutex_);
    return observers_->size();
  }
  /// Delivers the operation counts and quantum sums not yet reported to observers with a
  /// reporting period above 1 (HypervisorObserver::on_operation_counts/on_quantum_totals), on
  /// this thread, and makes the next operation of each kind a sampled one (reported one by
  /// one, timed), so that every read is followed by fresh latencies even when operations are
  /// rare. A monitor calls it before it reads its metrics.
  void flush_observers() {
    ObserverList observers;
    Pending pending;
    {
      std::lock_guard lock(mutex_);
      observers = observers_;
      pending = take_pending();
      for (auto& seq : op_seq_) seq.store(0, std::memory_order_relaxed);
    }
    deliver(observers, pending);
  }

 private:
  using ObserverList = std::shared_ptr<const std::vector<std::shared_ptr<HypervisorObserver>>>;

  /// The operations observers are told about; OperationEvent::operation is op_name(op).
  enum class Op : std::uint8_t {
    create_vm,
    start_vm,
    pause_vm,
    resume_vm,
    stop_vm,
    destroy_vm,
    fail_vm,
    reallocate_vm,
    restore,
  };
  static constexpr std::size_t kOps = 9;
  static constexpr std::string_view op_name(Op op) noexcept {
    constexpr std::array<std::string_view, kOps> names{"create_vm", "start_vm",      "pause_vm",
                                                       "resume_vm", "stop_vm",       "destroy_vm",
                                                       "fail_vm",   "reallocate_vm", "restore"};
    return names[static_cast<std::size_t>(op)];
  }

  /// Counts and sums taken out of the hypervisor under its lock, delivered outside it.
  struct Pending {
    std::array<OperationCount, kOps> ops{};
    std::size_t op_kinds = 0;
    QuantumTotals quanta;
  };

  /// Takes the pending counts and sums (caller holds mutex_).
  Pending take_pending() noexcept {
    Pending p;
    for (std::size_t i = 0; i < kOps; ++i) {
      if (pending_ops_[i] == 0) continue;
      p.ops[p.op_kinds++] = OperationCount{op_name(static_cast<Op>(i)), pending_ops_[i]};
      pending_ops_[i] = 0;
    }
    p.quanta = pending_quanta_;
    pending_quanta_ = QuantumTotals{};
    return p;
  }

  static void deliver(const ObserverList& observers, const Pending& p) {
    if (!observers || (p.op_kinds == 0 && p.quanta.quanta == 0)) return;
    const std::span<const OperationCount> counts(p.ops.data(), p.op_kinds);
    for (const auto& o : *observers) {
      if (!counts.empty()) o->on_operation_counts(counts);
      if (p.quanta.quanta > 0) o->on_quantum_totals(p.quanta);
    }
  }

  /// Installs a new observer list; what was pending goes to the old list.
  void replace_observers(std::shared_ptr<std::vector<std::shared_ptr<HypervisorObserver>>> next) {
    std::uint32_t period = max_reporting_period;
    for (const auto& o : *next) period = std::min(period, o->reporting_period());
    ObserverList old;
    Pending pending;
    {
      std::lock_guard lock(mutex_);
      old = observers_;
      pending = take_pending();
      has_observers_.store(!next->empty(), std::memory_order_release);
      report_mask_.store(period - 1, std::memory_order_relaxed);
      observers_ = std::move(next);
    }
    deliver(old, pending);
  }

  /// Runs a mutating operation under the lock. With observers attached, a sampled operation
  /// (see HypervisorObserver::reporting_period) is timed and reported afterwards, outside the
  /// lock; any other success is only counted. Without observers no clock is read.
  template <class Fn>
  void mutate(Op op, std::string_view vm_id, Fn&& fn) {
    if (!has_observers_.load(std::memory_order_acquire)) {
      std::lock_guard lock(mutex_);
      fn();
      return;
    }
    auto& seq = op_seq_[static_cast<std::size_t>(op)];
    // Read before the lock so that the latency includes the wait; concurrent callers may both
    // take (or both miss) a sample, which only shifts the sampling.
    const bool sampled =
        (seq.load(std::memory_order_relaxed) & report_mask_.load(std::memory_order_relaxed)) == 0;
    if (!sampled) {
      try {
        std::lock_guard lock(mutex_);
        fn();
        seq.store(seq.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
        ++pending_ops_[static_cast<std::size_t>(op)];
        return;
      } catch (const BioXenException& e) {
        report_failure(op, vm_id, std::nullopt, e);
        throw;
      }
    }
    const auto t0 = std::chrono::steady_clock::now();
    ObserverList observers;
    Pending pending;
    try {
      std::lock_guard lock(mutex_);
      fn();
      seq.store(seq.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
      observers = observers_;
      pending = take_pending();
    } catch (const BioXenException& e) {
      report_failure(op, vm_id, t0, e);
      throw;
    }
    deliver(observers, pending);
    notify_list(observers, op, vm_id, t0, nullptr);
  }

  /// One quantum reported one by one (the lock is taken again: another thread may have run
  /// a quantum in between, which only shifts the sampling).
  void run_reported_quantum() {
    QuantumEvent event;
    ObserverList observers;
    Pending pending;
    {
      std::lock_guard lock(mutex_);
      observers = observers_;
      bool want_grants = false;
      for (const auto& o : *observers) want_grants = want_grants || o->wants_quantum_grants();
      engine_.run_quantum(&event, want_grants);
      pending = take_pending();
    }
    deliver(observers, pending);
    for (const auto& o : *observers) o->on_quantum(event);
  }

  /// Reports a failed operation (timed when t0 is set), after what was pending.
  void report_failure(Op op, std::string_view vm_id,
                      std::optional<std::chrono::steady_clock::time_point> t0,
                      const BioXenException& error) {
    ObserverList observers;
    Pending pending;
    {
      std::lock_guard lock(mutex_);
      observers = observers_;
      pending = take_pending();
    }
    deliver(observers, pending);
    notify_list(observers, op, vm_id, t0, &error);
  }

  static void notify_list(const ObserverList& observers, Op op, std::string_view vm_id,
                          std::optional<std::chrono::steady_clock::time_point> t0,
                          const BioXenException* error) {
    if (!observers || observers->empty()) return;
    OperationEvent event;
    event.operation = op_name(op);
    event.vm_id = detail::printable(vm_id);
    event.timed = t0.has_value();
    if (t0) event.latency = std::chrono::steady_clock::now() - *t0;
    event.success = error == nullptr;
    if (error != nullptr) {
      event.error = error->error_code();
      event.message = error->message();
    }
    for (const auto& o : *observers) o->on_operation(event);
  }

  mutable detail::SpinThenBlockMutex mutex_;
  detail::Engine engine_;
  ObserverList observers_ =
      std::make_shared<const std::vector<std::shared_ptr<HypervisorObserver>>>();
  std::atomic<bool> has_observers_{false};
  std::atomic<std::uint32_t> report_mask_{0};              ///< smallest reporting period - 1
  std::array<std::atomic<std::uint64_t>, kOps> op_seq_{};  ///< successes by kind since a flush
  std::array<std::uint64_t, kOps> pending_ops_{};          ///< counted, not yet delivered (mutex_)
  QuantumTotals pending_quanta_;                           ///< summed, not yet delivered (mutex_)
};

}  // namespace bioxen
