// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#pragma once

// The hypervisor's interface. Its state machine, the work models and the snapshot code are
// compiled into the library (src/hypervisor.cpp, src/detail/), so including this header
// costs the value types only. Functions returning nlohmann::json (snapshot(),
// get_chassis_info()) need <nlohmann/json.hpp> where they are called.
#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "bioxen/chassis.hpp"
#include "bioxen/config.hpp"
#include "bioxen/error.hpp"
#include "bioxen/export.hpp"
#include "bioxen/genome.hpp"
#include "bioxen/observer.hpp"
#include "bioxen/types.hpp"
#include "bioxen/work_model.hpp"

namespace bioxen {

/// The biological hypervisor: owns a chassis, a resource allocator, a scheduling
/// policy, the VMs and a virtual clock, and time-shares the chassis' ribosomes, ATP and genome
/// space among the VMs.
///
/// Every public member is thread-safe (one internal mutex). Failures throw BioXenException
/// and change nothing; every throwing operation also has an overload taking
/// `std::error_code&` last, which reports the BioXenErrorCode instead (and returns what the
/// throwing one returns, value-initialised on failure). Runs are deterministic: the
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
/// hv.create_vm("vm1", "syn3a_recoded");  // syn3A recoded for E. coli's genetic code
/// hv.start_vm("vm1");
/// hv.run_for(std::chrono::seconds(10));
/// fmt::print("{}\n", hv.get_vm_status("vm1"));
/// @endcode
class BIOXEN_API BioXenHypervisor {
 public:
  /// The original library's defaults on an E. coli chassis.
  BioXenHypervisor();
  /// Throws invalid_configuration for a bad config (naming the key).
  BioXenHypervisor(const ProductionConfig& config, ChassisType chassis);
  /// Throws invalid_configuration for a bad config, chassis_initialization_error for a bad
  /// profile.
  BioXenHypervisor(const ProductionConfig& config, const ChassisProfile& chassis);
  ~BioXenHypervisor();

  BioXenHypervisor(const BioXenHypervisor&) = delete;
  BioXenHypervisor& operator=(const BioXenHypervisor&) = delete;

  // --- VM life cycle --------------------------------------------------------------------------

  /// Creates a VM of a built-in genome (builtin_genome_names(): "syn3a", "minimal_cell",
  /// "ecoli" and their "_recoded" variants) in state created. Fields of `allocation` left
  /// `automatic` get the default share.
  /// Errors: vm_creation_failed (bad id: empty, > 64 characters, not printable ASCII; unknown
  /// type, details list the supported ones), vm_already_exists, incompatible_genetic_code (the
  /// chassis does not read the genome's genetic code and `allocation.allow_incompatible_code`
  /// is false, or the proteins it would make are unknown), then the allocator's checks in their
  /// order (hypervisor_overload first, then resource_allocation_error).
  ///
  /// @code
  /// bioxen::ResourceAllocation r;
  /// r.ribosomes = 20; r.atp_percentage = 25.0;
  /// hv.create_vm("vm1", "syn3a_recoded", r);  // "syn3a" itself on a ChassisType::syn3a host
  /// @endcode
  void create_vm(std::string_view vm_id, std::string_view biological_type,
                 const ResourceAllocation& allocation = {});
  void create_vm(std::string_view vm_id, std::string_view biological_type, std::error_code& ec);
  void create_vm(std::string_view vm_id, std::string_view biological_type,
                 const ResourceAllocation& allocation, std::error_code& ec);
  /// Creates a VM running any genome (e.g. from load_genome_file()); its biological type is
  /// the genome's name. A null genome is vm_creation_failed.
  void create_vm(std::string_view vm_id, GenomePtr genome,
                 const ResourceAllocation& allocation = {});
  void create_vm(std::string_view vm_id, GenomePtr genome, std::error_code& ec);
  void create_vm(std::string_view vm_id, GenomePtr genome, const ResourceAllocation& allocation,
                 std::error_code& ec);

  /// created|stopped -> running. Errors: vm_not_found, invalid_state_transition.
  void start_vm(std::string_view vm_id);
  void start_vm(std::string_view vm_id, std::error_code& ec);
  /// running -> paused (a paused VM makes no progress and keeps its reservation).
  void pause_vm(std::string_view vm_id);
  void pause_vm(std::string_view vm_id, std::error_code& ec);
  /// paused -> running.
  void resume_vm(std::string_view vm_id);
  void resume_vm(std::string_view vm_id, std::error_code& ec);
  /// running|paused -> stopped. The VM keeps its reservation and its counters; start_vm()
  /// runs it again from where it stopped.
  void stop_vm(std::string_view vm_id);
  void stop_vm(std::string_view vm_id, std::error_code& ec);
  /// Any state -> gone; returns exactly the resources its creation took.
  void destroy_vm(std::string_view vm_id);
  void destroy_vm(std::string_view vm_id, std::error_code& ec);
  /// Any state but error -> error, with a reason shown in VmStatus::error_reason (fault
  /// injection, external health checks). Only destroy_vm() leaves state error.
  void fail_vm(std::string_view vm_id, std::string_view reason);
  void fail_vm(std::string_view vm_id, std::string_view reason, std::error_code& ec);

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
  void reallocate_vm(std::string_view vm_id, const ResourceAllocation& allocation);
  void reallocate_vm(std::string_view vm_id, const ResourceAllocation& allocation,
                     std::error_code& ec);

  // --- Queries --------------------------------------------------------------------------------

  /// Allocation and accounting of one VM. Error: vm_not_found.
  VmStatus get_vm_status(std::string_view vm_id) const;
  VmStatus get_vm_status(std::string_view vm_id, std::error_code& ec) const;
  VMState get_vm_state(std::string_view vm_id) const;
  VMState get_vm_state(std::string_view vm_id, std::error_code& ec) const;
  /// The VM's reservation, every field resolved.
  ResourceAllocation get_vm_allocation(std::string_view vm_id) const;
  ResourceAllocation get_vm_allocation(std::string_view vm_id, std::error_code& ec) const;
  /// Completed copies of every resident protein, in translation order. O(resident genes).
  std::vector<ProteinCount> get_vm_proteins(std::string_view vm_id) const;
  std::vector<ProteinCount> get_vm_proteins(std::string_view vm_id, std::error_code& ec) const;
  bool has_vm(std::string_view vm_id) const;
  /// Every VM's status, in creation order.
  std::vector<VmStatus> list_vms() const;
  /// list_vms() into `out`: resized to the number of VMs, its elements (and their strings'
  /// storage) reused. Listing many VMs again and again into the same vector allocates nothing
  /// once it is large enough.
  ///
  /// @code
  /// std::vector<bioxen::VmStatus> vms;
  /// for (int i = 0; i < 10; ++i) {
  ///   hv.run_quanta(100);
  ///   hv.list_vms(vms);
  /// }
  /// @endcode
  void list_vms(std::vector<VmStatus>& out) const;
  /// Every VM's id, in creation order.
  std::vector<std::string> list_vm_ids() const;
  std::size_t vm_count() const;
  /// The allocator's totals and the clock; O(1).
  SystemResources get_system_resources() const;
  /// The host cell after the last quantum (docs/MODEL.md): its growth rate and state, the
  /// guests' share of translation. Under WorkModel::capacity the host is not modelled.
  ///
  /// @code
  ///   bioxen::HostStatus h = hv.get_host_status();
  ///   if (h.state == "stalled") { /* the guests take more than the host can give */ }
  /// @endcode
  HostStatus get_host_status() const;
  /// The chassis profile (recommendations such as ribosome_units and recommended_max_vms
  /// included) plus the allocator's view: allocator_units, available_units,
  /// physical_ribosomes_per_unit, amino_acids_per_unit_second, max_vms (the enforced limit).
  nlohmann::json get_chassis_info() const;
  ProductionConfig config() const;
  ChassisProfile chassis() const;
  /// The enforced VM limit (config().max_vms).
  int max_vms() const;
  /// What create_vm(id, biological_type) would reserve (without checking that it fits).
  /// Error: vm_creation_failed for an unknown type.
  ResourceAllocation default_allocation(std::string_view biological_type) const;
  ResourceAllocation default_allocation(std::string_view biological_type,
                                        std::error_code& ec) const;
  /// What the hypervisor has done since construction: operations by kind and outcome, and
  /// quantum sums. O(1); always kept, observed or not.
  HypervisorCounters counters() const;

  // --- Scheduler and virtual clock ------------------------------------------------------------

  /// Advances the virtual clock by one quantum (scheduling_quantum_ms) of work. Error:
  /// invalid_argument when the quantum would end past max_virtual_time_us.
  void run_scheduler();

  /// Runs `n` quanta; returns n. Other threads may interleave between quanta (the lock is
  /// released every 256 quanta, and after each quantum while observers take quanta). Error:
  /// invalid_argument, before any quantum runs, when the n-th quantum would end past
  /// max_virtual_time_us (details: "quanta", "quanta_left").
  std::uint64_t run_quanta(std::uint64_t n);

  /// Runs ceil(duration / quantum) quanta (at least `duration` of virtual time); returns the
  /// number run. A negative duration is invalid_argument.
  ///
  /// @code
  /// using namespace std::chrono_literals;
  /// hv.run_for(10s);    // 100 quanta of 100 ms
  /// @endcode
  template <class Rep, class Period>
  std::uint64_t run_for(std::chrono::duration<Rep, Period> duration) {
    return run_for_us(std::chrono::ceil<std::chrono::microseconds>(duration).count());
  }
  template <class Rep, class Period>
  std::uint64_t run_for(std::chrono::duration<Rep, Period> duration, std::error_code& ec) {
    return run_for_us(std::chrono::ceil<std::chrono::microseconds>(duration).count(), ec);
  }

  /// The virtual clock (starts at 0, advances one quantum per run_scheduler()).
  std::chrono::microseconds virtual_time() const;
  double virtual_seconds() const;
  std::uint64_t quanta_elapsed() const;
  /// How many more quanta the clock holds before max_virtual_time_us.
  std::uint64_t quanta_left() const;

  // --- Snapshots ------------------------------------------------------------------------------

  /// Everything needed to continue bit for bit: config, chassis, clock, VMs (genome by
  /// built-in name, or embedded when custom), their counters, the run queue and the policy's
  /// state. Wall-clock values (uptime) and counters() are not part of it.
  nlohmann::json snapshot() const;

  /// Replaces the whole state by a snapshot's. The snapshot is checked completely first:
  /// anything malformed or inconsistent is invalid_snapshot (naming the key) and changes
  /// nothing. Observers stay attached; counters() go on counting.
  void restore(const nlohmann::json& snap);
  void restore(const nlohmann::json& snap, std::error_code& ec);

  // --- Observers ------------------------------------------------------------------------------

  /// Attaches an observer (a monitor, a logger); its options() are read now. Adding the same
  /// observer twice is a no-op. Errors: invalid_argument for a null observer or an
  /// operation_sample_period that is not a power of two in [1, 2^20] (nothing is attached
  /// then).
  void add_observer(std::shared_ptr<HypervisorObserver> observer);
  void add_observer(std::shared_ptr<HypervisorObserver> observer, std::error_code& ec);
  /// Constructs a T (a HypervisorObserver) from `args`, attaches it and returns it.
  ///
  /// @code
  /// auto counter = hv.make_observer<MyCounter>();
  /// @endcode
  template <class T, class... Args>
  std::shared_ptr<T> make_observer(Args&&... args) {
    auto observer = std::make_shared<T>(std::forward<Args>(args)...);
    add_observer(observer);
    return observer;
  }
  /// Detaches an observer; it may still receive the callbacks of operations already running.
  void remove_observer(const std::shared_ptr<HypervisorObserver>& observer);
  std::size_t observer_count() const;

 private:
  std::uint64_t run_for_us(std::int64_t us);
  std::uint64_t run_for_us(std::int64_t us, std::error_code& ec);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bioxen
