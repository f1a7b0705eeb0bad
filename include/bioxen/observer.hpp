// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace bioxen {

/// One public operation of a hypervisor, as an observer sees it after it finished.
struct OperationEvent {
  std::string_view operation;           ///< "create_vm", "start_vm", ... (a static string)
  std::string vm_id;                    ///< empty for operations on the whole hypervisor (restore)
  std::chrono::nanoseconds latency{0};  ///< wall clock, lock wait included
  bool success = true;
  std::error_code error;  ///< the BioXenErrorCode on failure
  std::string message;    ///< the exception's message on failure
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
  std::uint64_t quantum = 0;          ///< index, from 0
  std::int64_t start_us = 0;          ///< virtual clock at its start
  std::int64_t end_us = 0;            ///< and at its end
  std::size_t running_vms = 0;        ///< VMs in state running
  std::size_t active_vms = 0;         ///< VMs that got ribosome units
  double amino_acids = 0.0;           ///< made by all VMs
  double ribosome_units = 0.0;        ///< granted in total
  std::uint64_t throttle_events = 0;  ///< VMs cut short by ATP
  bool context_switch = false;        ///< a round-robin switch cost part of the quantum
  std::vector<QuantumGrant> grants;   ///< per VM, filled only if an observer wants them
};

/// Watches a BioXenHypervisor (Taskflow's observer idea). Callbacks run on the thread that
/// called the operation, after it finished and outside the hypervisor's lock, so they may call
/// the hypervisor; they must be thread-safe when several threads use the hypervisor. With no
/// observer attached the hypervisor reads no clocks and builds no events.
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
  /// reallocate_vm, restore), successful or not.
  virtual void on_operation(const OperationEvent& /*event*/) {}
  /// After every scheduler quantum.
  virtual void on_quantum(const QuantumEvent& /*event*/) {}
  /// Return true to receive QuantumEvent::grants (costs O(active VMs) per quantum).
  virtual bool wants_quantum_grants() const { return false; }
};

}  // namespace bioxen
