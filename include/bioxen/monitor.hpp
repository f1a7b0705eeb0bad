// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// ProductionMonitor: watches a BioXenHypervisor through the observer interface (operation
// counts and latencies, quanta) and samples it on a background thread into a bounded time
// series (resource utilisation and the scheduling picture). PerformanceMetrics, the value
// types and the JSON/Prometheus exports live in metrics.hpp.
//
// Declarations only: the sampling thread, the observer and the scheduling computations are
// compiled into the library (src/monitor.cpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bioxen/export.hpp"
#include "bioxen/hypervisor.hpp"
#include "bioxen/metrics.hpp"
#include "bioxen/types.hpp"

namespace bioxen {

/// Sizes of a ProductionMonitor's bounded stores.
struct MonitorOptions {
  /// Latencies kept per operation for the window statistics (100, as in the original library).
  std::size_t latency_window = PerformanceMetrics::default_latency_window;
  /// Samples kept in the time series; the oldest is dropped when it is full.
  std::size_t history_capacity = 512;
  /// VMs listed per sample and in the summary's scheduling section (largest service first);
  /// the rest are counted in `omitted_vms` and included in every sum. Bounds the memory of
  /// the time series and the size of a Prometheus scrape when there are very many VMs.
  std::size_t max_vm_shares = 64;
  /// Read every VM (list_vms(), O(VMs)) for the scheduling picture. With false, samples and
  /// summaries read only get_system_resources() (O(1), for hypervisors with millions of
  /// VMs): VM counts come from it, no VM is listed (all count as omitted), the per-VM sums
  /// and the fairness index are not measured (0 and 1), and the quantum totals remain.
  bool sample_vms = true;
  /// Of each kind of operation, time and record one in `latency_sample_period` (a power of two
  /// in [1, 2^20]): successes number 0, N, 2N, ... The counts and error counts stay exact
  /// (they come from BioXenHypervisor::counters() and from every failure's event) while the
  /// latency window holds a sample. 1 times every operation (two clock reads and an event
  /// each; docs/PERFORMANCE.md). See ObserverOptions::operation_sample_period.
  std::uint32_t latency_sample_period = 256;

  friend bool operator==(const MonitorOptions&, const MonitorOptions&) = default;
};

/// Resource utilisation from the allocator's totals (the original library's definitions).
BIOXEN_API ResourceUtilization resource_utilization_of(const SystemResources& r) noexcept;

/// The cumulative scheduling picture of `vms` (as list_vms() returns them): each VM's share of
/// all ribosome-seconds delivered, Jain's fairness index over the ribosome-seconds of the VMs
/// that have run (running_seconds > 0), and the sums of the counters. At most
/// `max_vm_shares` VMs are listed, largest service first.
///
/// @code
/// auto snap = bioxen::scheduling_snapshot(hv.get_system_resources(), hv.list_vms());
/// // snap.fairness_index == 1.0 when every VM that ran received the same service
/// @endcode
BIOXEN_API SchedulingSnapshot scheduling_snapshot(const SystemResources& resources,
                                                  std::span<const VmStatus> vms,
                                                  std::size_t max_vm_shares = 64);

/// Production monitoring of one hypervisor (the original library's ProductionMonitor).
///
/// On construction it attaches an observer to the hypervisor, so every lifecycle operation
/// (create/start/pause/resume/stop/destroy/fail/reallocate_vm, restore) is counted, with its
/// error code when it fails; one in MonitorOptions::latency_sample_period of each kind (256 by
/// default), and the first after each sample or read, is timed for the latency window; every
/// quantum is added to the quantum totals; the destructor detaches it. Counts reach the metrics in
/// batches; every read through the monitor (samples, summaries, metrics()) delivers what is pending
/// first, so it is exact. start_monitoring() samples the hypervisor through its public API
/// (get_system_resources(), list_vms(), get_host_status()) on a background thread into a bounded
/// time series; sample_now() takes one sample on the calling thread. get_performance_summary()
/// returns the counters plus a fresh reading of resources, scheduling and the host cell.
///
/// Thread-safety: every member may be called from any thread, concurrently with hypervisor
/// operations on other threads. The monitor must be destroyed before its hypervisor.
///
/// @code
/// bioxen::BioXenHypervisor hv;
/// bioxen::ProductionMonitor mon{hv};
/// mon.start_monitoring(std::chrono::milliseconds(50));
/// hv.create_vm("vm1", "syn3a_recoded");
/// hv.start_vm("vm1");
/// mon.stop_monitoring();
/// nlohmann::json perf = mon.get_performance_summary();   // the original library's shape
/// std::string text = mon.to_prometheus();                 // serve at /metrics
/// @endcode
class BIOXEN_API ProductionMonitor {
 public:
  /// The default sampling interval: 30 s.
  static constexpr std::chrono::seconds default_interval{30};
  /// The longest interval start_monitoring() accepts (a year).
  static constexpr std::chrono::hours max_interval{24 * 366};

  /// Attaches to `hypervisor` (which must outlive the monitor).
  /// @throws BioXenException (invalid_argument) for a latency window outside [1, 2^20], a
  /// history capacity of 0, or a latency sample period that is not a power of two in
  /// [1, 2^20].
  explicit ProductionMonitor(BioXenHypervisor& hypervisor, MonitorOptions options = {});

  ProductionMonitor(const ProductionMonitor&) = delete;
  ProductionMonitor& operator=(const ProductionMonitor&) = delete;

  /// Stops sampling (if running) and detaches. Callbacks of operations already in flight on
  /// other threads may still arrive; they go to metrics shared with the observer, so they are
  /// safe.
  ~ProductionMonitor();

  /// Starts sampling every `interval` on a background thread (the first sample immediately).
  /// Returns false, changing nothing, when sampling is already running (start is idempotent;
  /// stop first to change the interval).
  /// @throws BioXenException (invalid_argument) unless 0 < interval <= max_interval.
  template <class Rep, class Period>
  bool start_monitoring(std::chrono::duration<Rep, Period> interval) {
    return start_monitoring_seconds(std::chrono::duration<double>(interval));
  }
  /// start_monitoring(default_interval): every 30 s.
  bool start_monitoring();

  /// Stops the sampling thread and waits for it: returns within microseconds whatever the
  /// interval (the thread waits on a condition variable that the stop request wakes), or,
  /// if a sample is being taken, as soon as that sample is done. Returns false when sampling
  /// was not running (stop is idempotent).
  bool stop_monitoring();

  bool is_monitoring() const noexcept;
  /// The interval of the running (or last) sampling thread; zero before the first start.
  std::chrono::nanoseconds interval() const noexcept;

  /// Takes one sample now, on the calling thread: appends it to the time series, updates the
  /// metrics' resource utilisation and returns it. O(VMs); the host status is read once.
  MonitorSample sample_now();

  /// The time series, oldest first (at most options().history_capacity samples).
  std::vector<MonitorSample> history() const;
  /// The newest sample, if any.
  std::optional<MonitorSample> latest_sample() const;
  /// Samples taken since construction (including those the bounded history dropped).
  std::uint64_t samples_taken() const;
  /// Samples the background thread could not take because the hypervisor threw.
  std::uint64_t sample_errors() const noexcept;

  /// The counters and latency statistics, plus a fresh reading of the hypervisor's resources,
  /// scheduling picture and host cell (`host`, get_host_status()), so a scrape never shows
  /// data older than the call. O(VMs).
  ///
  /// @code
  /// nlohmann::json j = mon.get_performance_summary();
  /// double p99 = j["operation_statistics"]["start_vm"]["p99"];   // seconds
  /// @endcode
  PerformanceSummary get_performance_summary() const;

  /// get_performance_summary() in the Prometheus text exposition format.
  std::string to_prometheus() const;

  /// The operation metrics the monitor feeds (for record_operation() of one's own
  /// operations, or reset()), brought up to date with the hypervisor's counters first.
  PerformanceMetrics& metrics();
  const PerformanceMetrics& metrics() const;
  BioXenHypervisor& hypervisor() const noexcept;
  const MonitorOptions& options() const noexcept;

 private:
  /// start_monitoring()'s checks and start, for any duration.
  bool start_monitoring_seconds(std::chrono::duration<double> interval);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bioxen
