// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace bioxen {

/// One public operation of a hypervisor, as an observer sees it after it finished.
struct OperationEvent {
  std::string_view operation;           ///< "create_vm", "start_vm", ... (a static string)
  std::string vm_id;                    ///< empty for operations on the whole hypervisor (restore)
  std::chrono::nanoseconds latency{0};  ///< wall clock, lock wait included (0 unless `timed`)
  bool timed = true;  ///< false: not measured (an unsampled failure, see reporting_period())
  bool success = true;
  std::error_code error;  ///< the BioXenErrorCode on failure
  std::string message;    ///< the exception's message on failure
};

/// Successful operations of one kind that were counted but not reported one by one (see
/// HypervisorObserver::reporting_period()).
struct OperationCount {
  std::string_view operation;  ///< "create_vm", ... (a static string)
  std::uint64_t count = 0;

  friend bool operator==(const OperationCount&, const OperationCount&) = default;
};

/// Sums over scheduler quanta: what an observer with a reporting period above 1 receives for
/// the quanta not reported one by one; monotonic counters in PerformanceMetrics.
struct QuantumTotals {
  std::uint64_t quanta = 0;              ///< quanta run
  std::uint64_t context_switches = 0;    ///< quanta that paid a round-robin switch
  std::uint64_t throttle_events = 0;     ///< VM-quanta cut short by ATP
  double amino_acids = 0.0;              ///< polymerised by all VMs
  double ribosome_unit_quanta = 0.0;     ///< sum of the ribosome units granted per quantum
  std::uint64_t host_state_changes = 0;  ///< quanta after which the host went growing <-> stalled

  friend bool operator==(const QuantumTotals&, const QuantumTotals&) = default;
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

/// The largest reporting period an observer may ask for.
inline constexpr std::uint32_t max_reporting_period = std::uint32_t{1} << 20;

/// True for a valid reporting period: a power of two in [1, max_reporting_period].
constexpr bool is_valid_reporting_period(std::uint32_t period) noexcept {
  return period != 0 && period <= max_reporting_period && (period & (period - 1)) == 0;
}

/// Watches a BioXenHypervisor (Taskflow's observer idea). Callbacks run on the thread that
/// called the operation (or flush_observers()), after it finished and outside the
/// hypervisor's lock, so they may call the hypervisor; they must be thread-safe when several
/// threads use the hypervisor. With no observer attached the hypervisor reads no clocks and
/// builds no events.
///
/// **Reporting period.** By default (period 1) every operation is timed and reported through
/// on_operation(), and every quantum through on_quantum(). An observer that aggregates (a
/// metrics monitor) may return a power of two N > 1 from reporting_period(): then, of each kind
/// of operation, only successes number 0, N, 2N, ... (counted from the last
/// BioXenHypervisor::flush_observers()) are timed and reported one by one; the
/// others are only counted, and their counts arrive through on_operation_counts(). Every
/// failure is still reported one by one (`timed` is false when it fell between samples).
/// Likewise every N-th quantum goes to on_quantum() and the sums of the others to
/// on_quantum_totals(). Counts and sums are delivered before the next one-by-one report, on
/// BioXenHypervisor::flush_observers(), and when observers are added or removed, so each
/// operation and quantum reaches an observer exactly once. The hypervisor uses the smallest
/// period of its observers.
///
/// @code
/// struct Count final : bioxen::HypervisorObserver {
///   std::atomic<int> failures{0};
///   void on_operation(const bioxen::OperationEvent& e) override { failures += !e.success; }
/// };
/// auto obs = std::make_shared<Count>();
/// hv.add_observer(obs);
/// @endcode
class HypervisorObserver {
 public:
  virtual ~HypervisorObserver() = default;
  /// After every lifecycle operation (create/start/pause/resume/stop/destroy/fail/
  /// reallocate_vm, restore), successful or not (with a reporting period N: see above).
  virtual void on_operation(const OperationEvent& /*event*/) {}
  /// Successful operations counted since the last delivery, by kind (non-zero counts only).
  virtual void on_operation_counts(std::span<const OperationCount> /*counts*/) {}
  /// After every scheduler quantum (every N-th with a reporting period N).
  virtual void on_quantum(const QuantumEvent& /*event*/) {}
  /// Sums of the quanta run since the last delivery and not reported through on_quantum().
  virtual void on_quantum_totals(const QuantumTotals& /*totals*/) {}
  /// Return true to receive QuantumEvent::grants (costs O(active VMs) per reported quantum).
  virtual bool wants_quantum_grants() const { return false; }
  /// 1, or a power of two N > 1: see "Reporting period" above. Read once, when the observer is
  /// added; other values are invalid_argument there.
  virtual std::uint32_t reporting_period() const { return 1; }
};

}  // namespace bioxen
