// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "bioxen/detail/enum_table.hpp"
#include "bioxen/export.hpp"

namespace bioxen {

/// The operations of a BioXenHypervisor that observers are told about and the hypervisor
/// counts.
enum class HypervisorOperation : std::uint8_t {
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

namespace detail {
/// The names of HypervisorOperation (the member functions' names): the only list of them.
inline constexpr std::array<EnumName<HypervisorOperation>, 9> hypervisor_operation_names{
    {{HypervisorOperation::create_vm, "create_vm"},
     {HypervisorOperation::start_vm, "start_vm"},
     {HypervisorOperation::pause_vm, "pause_vm"},
     {HypervisorOperation::resume_vm, "resume_vm"},
     {HypervisorOperation::stop_vm, "stop_vm"},
     {HypervisorOperation::destroy_vm, "destroy_vm"},
     {HypervisorOperation::fail_vm, "fail_vm"},
     {HypervisorOperation::reallocate_vm, "reallocate_vm"},
     {HypervisorOperation::restore, "restore"}}};
static_assert(enum_table_is_dense(hypervisor_operation_names));
}  // namespace detail

/// Every operation, in declaration order (index = the enum's value).
inline constexpr std::array<HypervisorOperation, detail::hypervisor_operation_names.size()>
    all_hypervisor_operations = detail::enum_values(detail::hypervisor_operation_names);

/// "create_vm", "start_vm", ... (the member function's name); "unknown" for any other value.
constexpr std::string_view to_string(HypervisorOperation op) noexcept {
  return detail::enum_name(detail::hypervisor_operation_names, op);
}

/// One public operation of a hypervisor, as an observer sees it after it finished.
struct OperationEvent {
  HypervisorOperation kind = HypervisorOperation::create_vm;
  std::string_view operation;           ///< to_string(kind): "create_vm", ... (static)
  std::string vm_id;                    ///< empty for operations on the whole hypervisor (restore)
  std::chrono::nanoseconds latency{0};  ///< wall clock, lock wait included (0 unless `timed`)
  bool timed = true;  ///< false: not measured (an unsampled failure, see ObserverOptions)
  bool success = true;
  std::error_code error;  ///< the BioXenErrorCode on failure
  std::string message;    ///< the exception's message on failure
};

/// Sums over scheduler quanta (BioXenHypervisor::counters(), PerformanceMetrics).
struct BIOXEN_API QuantumTotals {
  std::uint64_t quanta = 0;              ///< quanta run
  std::uint64_t context_switches = 0;    ///< quanta that paid a round-robin switch
  std::uint64_t throttle_events = 0;     ///< VM-quanta cut short by ATP
  double amino_acids = 0.0;              ///< polymerised by all VMs
  double ribosome_unit_quanta = 0.0;     ///< sum of the ribosome units granted per quantum
  std::uint64_t host_state_changes = 0;  ///< quanta after which the host went growing <-> stalled

  friend bool operator==(const QuantumTotals&, const QuantumTotals&) = default;
};

/// Operations of one kind that finished, by outcome.
struct OperationCounter {
  std::uint64_t succeeded = 0;
  std::uint64_t failed = 0;

  friend bool operator==(const OperationCounter&, const OperationCounter&) = default;
};

/// What a hypervisor has done since it was constructed: monotonic counters that it keeps
/// whether or not anyone observes it (a few increments under the lock it already holds), and
/// that anyone may read with BioXenHypervisor::counters(). restore() does not reset them.
struct HypervisorCounters {
  /// Indexed by HypervisorOperation (see operation()).
  std::array<OperationCounter, all_hypervisor_operations.size()> operations{};
  QuantumTotals quanta;

  const OperationCounter& operation(HypervisorOperation op) const noexcept {
    return operations[static_cast<std::size_t>(op)];
  }

  friend bool operator==(const HypervisorCounters&, const HypervisorCounters&) = default;
};

/// One VM's share of a quantum (only sent to observers that ask for it).
struct QuantumGrant {
  std::string vm_id;
  double ribosome_units = 0.0;  ///< units it held
  double amino_acids = 0.0;     ///< made in this quantum
  bool throttled = false;       ///< cut short by its ATP budget
};

/// One scheduler quantum, after it ran.
struct QuantumEvent {
  std::uint64_t quantum = 0;            ///< index, from 0
  std::int64_t start_us = 0;            ///< virtual clock at its start
  std::int64_t end_us = 0;              ///< and at its end
  std::size_t running_vms = 0;          ///< VMs in state running
  std::size_t active_vms = 0;           ///< VMs that got ribosome units
  double amino_acids = 0.0;             ///< made by all VMs
  double ribosome_units = 0.0;          ///< granted in total
  std::uint64_t throttle_events = 0;    ///< VMs cut short by ATP
  bool context_switch = false;          ///< a round-robin switch cost part of the quantum
  double host_growth_rate_per_h = 0.0;  ///< the host's growth rate after it (physiological model)
  bool host_stalled = false;            ///< the host does not grow (physiological model)
  bool host_state_changed = false;      ///< the host went growing <-> stalled in this quantum
  std::vector<QuantumGrant> grants;     ///< per VM, filled only if an observer wants them
};

/// The largest operation sample period an observer may ask for.
inline constexpr std::uint32_t max_sample_period = std::uint32_t{1} << 20;

/// True for a valid sample period: a power of two in [1, max_sample_period].
constexpr bool is_valid_sample_period(std::uint32_t period) noexcept {
  return period != 0 && period <= max_sample_period && (period & (period - 1)) == 0;
}

/// What an observer wants to receive; read once, when it is attached.
struct ObserverOptions {
  /// Of each kind of operation, successes number 0, N, 2N, ... are timed and reported to
  /// on_operation() (every failure is reported; `timed` is false when it fell between
  /// samples). 1 (the default) reports every operation; an aggregating observer (a metrics
  /// monitor) picks a larger power of two and reads the exact counts from
  /// BioXenHypervisor::counters(). The hypervisor uses the smallest period of its observers.
  std::uint32_t operation_sample_period = 1;
  bool quanta = true;           ///< receive on_quantum() after every quantum
  bool quantum_grants = false;  ///< fill QuantumEvent::grants (O(active VMs) per quantum)

  friend bool operator==(const ObserverOptions&, const ObserverOptions&) = default;
};

/// Watches a BioXenHypervisor: three virtual functions, as Taskflow's ObserverInterface.
/// Callbacks run on the thread that called the operation, after it finished and outside the
/// hypervisor's lock, so they may call the hypervisor; they must be thread-safe when several
/// threads use the hypervisor. Events are read-only. With no
/// observer attached the hypervisor reads no clocks and builds no events; the exact counts
/// of everything are in BioXenHypervisor::counters() either way.
///
/// @code
/// struct Count final : bioxen::HypervisorObserver {
///   std::atomic<int> failures{0};
///   void on_operation(const bioxen::OperationEvent& e) override { failures += !e.success; }
/// };
/// auto obs = hv.make_observer<Count>();   // constructed and attached
/// @endcode
class BIOXEN_API HypervisorObserver {
 public:
  virtual ~HypervisorObserver() = default;
  /// What to receive; read once, when the observer is attached.
  virtual ObserverOptions options() const { return {}; }
  /// After every lifecycle operation (create/start/pause/resume/stop/destroy/fail/
  /// reallocate_vm, restore) that was sampled, and after every failure.
  virtual void on_operation(const OperationEvent& /*event*/) {}
  /// After every scheduler quantum, when options().quanta.
  virtual void on_quantum(const QuantumEvent& /*event*/) {}
};

}  // namespace bioxen
