// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Operation metrics and the performance summary: counts, latency windows with percentiles,
// error counts, resource utilisation and the scheduling picture, exported as JSON and as
// the Prometheus text exposition format. Independent of the hypervisor: ProductionMonitor
// (monitor.hpp) feeds a PerformanceMetrics from a hypervisor, but any program can feed one.
//
// Declarations only: PerformanceMetrics, the JSON adapters, the Prometheus export and the fmt
// formatters are compiled into the library (src/metrics.cpp). The JSON adapters need
// <nlohmann/json.hpp> where they are used.
#pragma once

#include <fmt/core.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "bioxen/error.hpp"
#include "bioxen/export.hpp"
#include "bioxen/observer.hpp"
#include "bioxen/work_model.hpp"

namespace bioxen {

// ---------------------------------------------------------------------------------------
// Statistics helpers
// ---------------------------------------------------------------------------------------

/// The nearest-rank percentile of an ascending sequence: the smallest value such that at
/// least `percent` % of the values are less than or equal to it, i.e. the element of rank
/// ⌈percent/100 · n⌉ (1-based, at least 1). It is always one of the values (no
/// interpolation). The rank is computed in integers (percent in millionths), so p95 of
/// 1..100 is exactly 95 and p99 of 1..10 is 10. Empty input gives NaN.
///
/// @code
/// std::vector<double> v{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
/// bioxen::nearest_rank_percentile(v, 50);  // 5
/// bioxen::nearest_rank_percentile(v, 95);  // 10
/// @endcode
///
/// @throws BioXenException (invalid_argument) when percent is not within [0, 100].
BIOXEN_API double nearest_rank_percentile(std::span<const double> sorted, double percent);

/// Jain's fairness index of the allocations `x`: (Σx)² / (n·Σx²). It is 1 when every
/// party receives the same and 1/n when one receives everything. By convention it is 1 for
/// no parties or when nobody received anything (all are equal). Negative values are a
/// caller error and are treated as zero.
///
/// @code
/// std::vector<double> x{1, 1, 1, 1};
/// bioxen::jain_fairness_index(x);  // 1.0
/// std::vector<double> y{1, 0, 0, 0};
/// bioxen::jain_fairness_index(y);  // 0.25
/// @endcode
BIOXEN_API double jain_fairness_index(std::span<const double> x) noexcept;

// ---------------------------------------------------------------------------------------
// Value types
// ---------------------------------------------------------------------------------------

/// Latency statistics of one operation. The window fields (count, avg, min, max and the
/// percentiles) cover the last N latencies (PerformanceMetrics' latency window); the total
/// fields cover every latency ever recorded. All latencies are wall-clock seconds.
struct BIOXEN_API LatencyStats {
  std::uint64_t count = 0;        ///< latencies in the window (the original library's "count")
  double avg_latency = 0.0;       ///< mean over the window, s
  double min_latency = 0.0;       ///< s
  double max_latency = 0.0;       ///< s
  double p50 = 0.0;               ///< nearest-rank median of the window, s
  double p95 = 0.0;               ///< nearest-rank 95th percentile of the window, s
  double p99 = 0.0;               ///< nearest-rank 99th percentile of the window, s
  std::uint64_t total_count = 0;  ///< latencies ever recorded
  double total_latency = 0.0;     ///< sum of every latency ever recorded, s

  /// The window statistics of `window` (any order); total_count/total_latency are left 0.
  static LatencyStats from_window(std::vector<double> window);

  friend bool operator==(const LatencyStats&, const LatencyStats&) = default;
};

/// Resource utilisation of a hypervisor at one moment (the original library's definitions:
/// ribosomes allocated over the total pool, ATP percentage allocated over 100 %, VMs counted active
/// over max_vms). Ratios are in [0, 1].
struct BIOXEN_API ResourceUtilization {
  double ribosome_utilization = 0.0;  ///< allocated_ribosomes / total_ribosomes
  double atp_utilization = 0.0;       ///< total_atp_allocated / 100
  double active_vm_ratio = 0.0;       ///< active_vms / max_vms
  std::uint64_t active_vms = 0;       ///< the hypervisor's active_vms
  std::uint64_t max_vms = 0;          ///< the config's max_vms

  friend bool operator==(const ResourceUtilization&, const ResourceUtilization&) = default;
};

/// One VM's part in the scheduling picture. Times are virtual seconds (reproducible);
/// service is measured in ribosome-seconds (allocator units × virtual seconds).
struct BIOXEN_API VmServiceShare {
  std::string vm_id;
  std::string state;              ///< "created", "running", "paused", "stopped", "error"
  double running_seconds = 0.0;   ///< virtual time the VM was running
  double waiting_seconds = 0.0;   ///< virtual time the VM was runnable but not served
  double ribosome_seconds = 0.0;  ///< service received
  double service_share = 0.0;     ///< ribosome_seconds / Σ ribosome_seconds of all VMs
  std::uint64_t context_switches = 0;
  std::uint64_t throttle_events = 0;

  friend bool operator==(const VmServiceShare&, const VmServiceShare&) = default;
};

/// The scheduling picture of a hypervisor at one moment, over the VMs existing then.
/// Counters are sums over those VMs (so they drop when a VM is destroyed).
struct BIOXEN_API SchedulingSnapshot {
  double virtual_time_seconds = 0.0;  ///< the hypervisor's virtual clock
  std::uint64_t vms = 0;              ///< VMs existing
  std::uint64_t running_vms = 0;      ///< VMs in state running
  /// Jain's index over the ribosome-seconds of the VMs that have competed for service
  /// (running or waiting time > 0): 1 = everybody got the same service. 1 when none has.
  double fairness_index = 1.0;
  double ribosome_seconds = 0.0;  ///< Σ ribosome-seconds
  std::uint64_t context_switches = 0;
  std::uint64_t throttle_events = 0;
  /// Per-VM shares, largest service first (ties by id), at most the monitor's
  /// `max_vm_shares`; `omitted_vms` counts the VMs left out (they are in the sums).
  std::vector<VmServiceShare> vm_shares;
  std::uint64_t omitted_vms = 0;

  friend bool operator==(const SchedulingSnapshot&, const SchedulingSnapshot&) = default;
};

/// One point of the monitor's time series. The scheduling fields describe the interval
/// since the previous sample (the whole history for the first one), so a series shows how
/// the picture changes rather than a slowly converging average. Its size is bounded: at most
/// the monitor's `max_vm_shares` VMs are listed.
struct BIOXEN_API MonitorSample {
  std::int64_t timestamp_ms = 0;  ///< wall clock, ms since the Unix epoch
  double uptime_seconds = 0.0;    ///< wall time since the monitor started
  ResourceUtilization resource_utilization;
  double virtual_time_seconds = 0.0;  ///< the hypervisor's virtual clock
  double interval_seconds = 0.0;      ///< virtual time since the previous sample
  std::uint64_t vms = 0;              ///< VMs existing
  std::uint64_t running_vms = 0;      ///< VMs in state running
  /// Jain's index over the ribosome-seconds the VMs received in the interval, among the VMs
  /// that were running during it; 1 when none was.
  double fairness_index = 1.0;
  std::uint64_t context_switches = 0;  ///< Σ over the existing VMs (cumulative)
  std::uint64_t throttle_events = 0;   ///< Σ over the existing VMs (cumulative)
  /// Per VM, largest interval service first: cumulative counters, and service_share = the
  /// VM's part of the ribosome-seconds delivered in the interval.
  std::vector<VmServiceShare> vm_shares;
  std::uint64_t omitted_vms = 0;  ///< VMs beyond max_vm_shares (in the sums, not listed)
  /// The host cell when the sample was taken (BioXenHypervisor::get_host_status(), read once
  /// per sample); absent in samples not taken from a hypervisor.
  std::optional<HostStatus> host = std::nullopt;

  friend bool operator==(const MonitorSample&, const MonitorSample&) = default;
};

/// What get_performance_summary() returns. Converts to the original library's JSON shape
/// (`vm_operations`, `operation_statistics`, `resource_utilization`, `uptime_hours`,
/// `error_rate`) plus `error_counts`, `scheduling`, `host` and a few totals; exported as
/// Prometheus text by to_prometheus().
///
/// @code
/// bioxen::PerformanceSummary s = monitor.get_performance_summary();
/// nlohmann::json j = s;                   // j["vm_operations"]["start_vm_success"]
/// std::string text = bioxen::to_prometheus(s);
/// @endcode
struct BIOXEN_API PerformanceSummary {
  std::map<std::string, std::uint64_t> vm_operations;  ///< "<op>_success" / "<op>_failure"
  std::map<std::string, LatencyStats> operation_statistics;
  ResourceUtilization resource_utilization;
  std::map<std::string, std::uint64_t> error_counts;  ///< "BX006" -> n (see error_key())
  double uptime_seconds = 0.0;
  double uptime_hours = 0.0;
  double error_rate = 0.0;  ///< failed / total operations, 0 when there were none
  std::uint64_t total_operations = 0;
  std::uint64_t failed_operations = 0;
  std::uint64_t samples_taken = 0;  ///< monitor samples taken so far
  SchedulingSnapshot scheduling;
  QuantumTotals quanta;
  /// The host cell (BioXenHypervisor::get_host_status()) when the summary was read from a
  /// hypervisor (ProductionMonitor); absent for a PerformanceMetrics on its own.
  std::optional<HostStatus> host = std::nullopt;

  friend bool operator==(const PerformanceSummary&, const PerformanceSummary&) = default;
};

// ---------------------------------------------------------------------------------------
// PerformanceMetrics
// ---------------------------------------------------------------------------------------

/// The key under which a failure is counted in error_counts: "BX006" for a BioXen code,
/// "<category>:<value>" for another category, "unknown" for a failure without a code.
BIOXEN_API std::string error_key(std::error_code error);

/// Successful operations of one kind, counted without their latencies
/// (PerformanceMetrics::count_operations()).
struct OperationCount {
  std::string_view operation;  ///< "create_vm", ...
  std::uint64_t count = 0;

  friend bool operator==(const OperationCount&, const OperationCount&) = default;
};

/// Thread-safe operation metrics: per-operation success and failure counts, a latency
/// window of the last N latencies per operation (a ring buffer: memory is bounded however
/// many operations are recorded), all-time latency totals, error counts by code, the latest
/// resource utilisation and the uptime.
///
/// @code
/// bioxen::PerformanceMetrics m;                 // window of 100 latencies per operation
/// m.record_operation("start_vm", 0.002, true);
/// m.record_operation("start_vm", 0.001, false, bioxen::BioXenErrorCode::vm_not_found);
/// m.success_count("start_vm");                  // 1
/// m.error_count(bioxen::BioXenErrorCode::vm_not_found);  // 1
/// m.latency_stats("start_vm")->p50;             // 0.001
/// @endcode
class BIOXEN_API PerformanceMetrics {
 public:
  static constexpr std::size_t default_latency_window = 100;
  static constexpr std::size_t max_latency_window = 1 << 20;

  /// Metrics keeping the last `latency_window` latencies of every operation.
  /// @throws BioXenException (invalid_argument) unless 1 <= latency_window <= 2^20.
  explicit PerformanceMetrics(std::size_t latency_window = default_latency_window);
  ~PerformanceMetrics();

  PerformanceMetrics(const PerformanceMetrics&) = delete;
  PerformanceMetrics& operator=(const PerformanceMetrics&) = delete;

  /// Records one operation: its name (e.g. "start_vm"), wall-clock latency in seconds,
  /// outcome and, for a failure, its error code.
  /// @throws BioXenException (invalid_argument) for an empty name or a negative/NaN latency.
  void record_operation(std::string_view operation, double latency_seconds, bool success,
                        std::error_code error = {});

  /// record_operation with a std::chrono duration.
  template <class Rep, class Period>
  void record_operation(std::string_view operation, std::chrono::duration<Rep, Period> latency,
                        bool success, std::error_code error = {}) {
    record_operation(operation, std::chrono::duration<double>(latency).count(), success, error);
  }

  /// Adds one latency to the window and totals of `operation` without counting an operation
  /// (a monitor counts operations from BioXenHypervisor::counters() and times a sample).
  /// @throws BioXenException (invalid_argument) for an empty name or a negative/NaN latency.
  void record_latency(std::string_view operation, double latency_seconds);

  /// Counts operations whose latency was not measured (a monitor counts every operation from
  /// BioXenHypervisor::counters() and times only a sample). They add to the success and
  /// failure counts and the error counts, not to the latency statistics.
  /// @throws BioXenException (invalid_argument) for an empty name.
  void count_operations(std::string_view operation, std::uint64_t count, bool success,
                        std::error_code error = {});

  /// count_operations() of successes, several kinds under one lock.
  /// @throws BioXenException (invalid_argument) for an empty name (nothing is counted then).
  void count_operations(std::span<const OperationCount> successes);

  /// Adds quantum sums (several quanta at once) to the quantum totals.
  void record_quanta(const QuantumTotals& t);

  /// Adds one scheduler quantum to the quantum totals (`host_state_changed`: the host went
  /// growing <-> stalled in it, QuantumEvent::host_state_changed).
  void record_quantum(bool context_switch, std::uint64_t throttle_events, double amino_acids,
                      double ribosome_units, bool host_state_changed = false);

  QuantumTotals quantum_totals() const;

  /// Stores the latest resource utilisation (the monitor calls this on every sample).
  void update_resource_utilization(const ResourceUtilization& utilization);

  std::size_t latency_window() const noexcept;

  std::uint64_t success_count(std::string_view operation) const;
  std::uint64_t failure_count(std::string_view operation) const;
  /// Failures counted under `code`.
  std::uint64_t error_count(BioXenErrorCode code) const;
  /// The latencies in the window of `operation`, oldest first (empty for an unknown one).
  std::vector<double> latency_window(std::string_view operation) const;
  /// Statistics of `operation`, or nullopt when it was never recorded.
  std::optional<LatencyStats> latency_stats(std::string_view operation) const;
  std::uint64_t total_operations() const;
  /// Failed over total operations; 0 when none was recorded.
  double error_rate() const;
  ResourceUtilization resource_utilization() const;
  /// Wall-clock seconds since construction (or the last reset()).
  double uptime_seconds() const;

  /// A consistent copy of everything (taken under one lock). The scheduling section is left
  /// empty: a PerformanceMetrics does not know a hypervisor.
  PerformanceSummary summary() const;

  /// Forgets every count, latency and error and restarts the uptime.
  void reset();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// ---------------------------------------------------------------------------------------
// JSON adapters (ADL; defined in src/metrics.cpp, include <nlohmann/json.hpp> to use them)
// ---------------------------------------------------------------------------------------

/// Keys: count, avg_latency, min_latency, max_latency, p50, p95, p99, total_count,
/// total_latency. Reading, total_count defaults to count and total_latency to avg × count.
BIOXEN_API void to_json(nlohmann::json& j, const LatencyStats& s);
BIOXEN_API void from_json(const nlohmann::json& j, LatencyStats& s);

/// Every field under its own name; active_vms and max_vms may be absent when read (0).
BIOXEN_API void to_json(nlohmann::json& j, const ResourceUtilization& u);
BIOXEN_API void from_json(const nlohmann::json& j, ResourceUtilization& u);

/// Every field under its own name.
BIOXEN_API void to_json(nlohmann::json& j, const VmServiceShare& v);
BIOXEN_API void from_json(const nlohmann::json& j, VmServiceShare& v);

/// Every field under its own name; omitted_vms may be absent when read (0).
BIOXEN_API void to_json(nlohmann::json& j, const SchedulingSnapshot& s);
BIOXEN_API void from_json(const nlohmann::json& j, SchedulingSnapshot& s);

/// Every field under its own name, `host` null when absent; interval_seconds, vm_shares,
/// omitted_vms and host may be absent when read.
BIOXEN_API void to_json(nlohmann::json& j, const MonitorSample& s);
BIOXEN_API void from_json(const nlohmann::json& j, MonitorSample& s);

/// Every field under its own name; host_state_changes may be absent when read (0).
BIOXEN_API void to_json(nlohmann::json& j, const QuantumTotals& q);
BIOXEN_API void from_json(const nlohmann::json& j, QuantumTotals& q);

/// The original library's shape: `vm_operations`, `operation_statistics`, `resource_utilization`
/// (with its `uptime` key, seconds), `uptime_hours`, `error_rate`; plus `error_counts`,
/// `uptime_seconds`, `total_operations`, `failed_operations`, `samples_taken`, `scheduling`,
/// `quanta` and `host` (the HostStatus, null when the summary has none).
BIOXEN_API void to_json(nlohmann::json& j, const PerformanceSummary& s);
/// Reads the original library's shape too: the keys added since may be absent.
BIOXEN_API void from_json(const nlohmann::json& j, PerformanceSummary& s);

// ---------------------------------------------------------------------------------------
// Prometheus text exposition format (version 0.0.4)
// ---------------------------------------------------------------------------------------

/// The summary in the Prometheus text exposition format (version 0.0.4), ready to serve
/// from a `/metrics` endpoint with content type `text/plain; version=0.0.4`. Every family
/// has HELP and TYPE lines; names start with `bioxen_`. Families:
///
/// - counters: `bioxen_vm_operations_total{operation,result}` (result: success, failure),
///   `bioxen_errors_total{code,name}`, `bioxen_scheduler_quanta_total`,
///   `bioxen_scheduler_context_switches_total`, `bioxen_scheduler_throttle_events_total`,
///   `bioxen_amino_acids_total`, `bioxen_host_state_changes_total`,
///   `bioxen_monitor_samples_total`;
/// - summary: `bioxen_operation_latency_seconds{operation,quantile}` (nearest-rank quantiles
///   0.5, 0.95, 0.99 of the window) with `_sum` and `_count` over all timed operations;
/// - gauges: `bioxen_operation_latency_min_seconds`, `bioxen_operation_latency_max_seconds`
///   (window, per operation), `bioxen_operation_error_ratio`,
///   `bioxen_ribosome_utilization_ratio`, `bioxen_atp_utilization_ratio`,
///   `bioxen_active_vm_ratio`, `bioxen_active_vms`, `bioxen_max_vms`, `bioxen_uptime_seconds`,
///   `bioxen_vms`, `bioxen_running_vms`, `bioxen_virtual_time_seconds`,
///   `bioxen_scheduler_fairness_index`, `bioxen_context_switches`, `bioxen_throttle_events`,
///   and per VM (`vm_id` label) `bioxen_vm_service_share_ratio`, `bioxen_vm_ribosome_seconds`,
///   `bioxen_vm_context_switches`, `bioxen_vm_throttle_events`;
/// - the host cell, when the summary has one (a monitor's): gauges `bioxen_host_modelled`,
///   `bioxen_host_growth_rate_per_hour`, `bioxen_host_reference_growth_rate_per_hour`,
///   `bioxen_host_doubling_time_minutes` (`+Inf` when the host does not grow),
///   `bioxen_host_stalled` (0 or 1), `bioxen_host_guest_translation_fraction`,
///   `bioxen_host_sequestered_ribosome_fraction`, `bioxen_host_guest_bound_ribosomes`,
///   `bioxen_host_rnap_limitation_ratio`, and the counter `bioxen_host_stalled_quanta_total`.
///
/// Families without samples (no operation recorded yet, no VM, no host) are left out.
BIOXEN_API std::string to_prometheus(const PerformanceSummary& s);

}  // namespace bioxen

// ---------------------------------------------------------------------------------------
// fmt formatters (defined in src/metrics.cpp; the shape of include/bioxen/types.hpp)
// ---------------------------------------------------------------------------------------

/// "count=100 avg=1.2us min=... p50=... p95=... p99=... max=... total=1000".
template <>
struct BIOXEN_API fmt::formatter<bioxen::LatencyStats> : fmt::formatter<std::string_view> {
  format_context::iterator format(const bioxen::LatencyStats& s, format_context& ctx) const;
};

/// "ribosomes=50.0% atp=45.0% active_vms=2/4".
template <>
struct BIOXEN_API fmt::formatter<bioxen::ResourceUtilization> : fmt::formatter<std::string_view> {
  format_context::iterator format(const bioxen::ResourceUtilization& u, format_context& ctx) const;
};

/// "vm1 running share=50.0% ribosome_s=12 switches=3 throttles=0".
template <>
struct BIOXEN_API fmt::formatter<bioxen::VmServiceShare> : fmt::formatter<std::string_view> {
  format_context::iterator format(const bioxen::VmServiceShare& v, format_context& ctx) const;
};

/// "t=12.5s vms=4 running=3 fairness=0.98 switches=120 throttles=2".
template <>
struct BIOXEN_API fmt::formatter<bioxen::SchedulingSnapshot> : fmt::formatter<std::string_view> {
  format_context::iterator format(const bioxen::SchedulingSnapshot& s, format_context& ctx) const;
};

/// "uptime=1.5s ribosomes=... t=... fairness=...".
template <>
struct BIOXEN_API fmt::formatter<bioxen::MonitorSample> : fmt::formatter<std::string_view> {
  format_context::iterator format(const bioxen::MonitorSample& s, format_context& ctx) const;
};

/// A multi-line report: operations, latencies, utilisation, errors, scheduling.
template <>
struct BIOXEN_API fmt::formatter<bioxen::PerformanceSummary> : fmt::formatter<std::string_view> {
  format_context::iterator format(const bioxen::PerformanceSummary& s, format_context& ctx) const;
};
