// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Operation metrics and the performance summary: counts, latency windows with percentiles,
// error counts, resource utilisation and the scheduling picture, exported as JSON and as
// the Prometheus text exposition format. Independent of the hypervisor: ProductionMonitor
// (monitor.hpp) feeds a PerformanceMetrics from a hypervisor, but any program can feed one.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "bioxen/detail/ring_buffer.hpp"
#include "bioxen/error_details.hpp"
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
inline double nearest_rank_percentile(std::span<const double> sorted, double percent) {
  if (!(percent >= 0.0 && percent <= 100.0)) {
    throw BioXenException(BioXenErrorCode::invalid_argument,
                          fmt::format("percentile {} is outside [0, 100]", percent),
                          {{"percent", percent}});
  }
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const auto n = static_cast<std::uint64_t>(sorted.size());
  const auto ppm = static_cast<std::uint64_t>(std::llround(percent * 1e4));  // 95 % -> 950000
  std::uint64_t rank = (ppm * n + 999'999) / 1'000'000;                      // ceil(ppm·n/1e6)
  rank = std::clamp<std::uint64_t>(rank, 1, n);
  return sorted[static_cast<std::size_t>(rank - 1)];
}

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
inline double jain_fairness_index(std::span<const double> x) noexcept {
  double sum = 0.0;
  double sum_sq = 0.0;
  for (double v : x) {
    const double c = v > 0.0 ? v : 0.0;
    sum += c;
    sum_sq += c * c;
  }
  if (x.empty() || sum_sq == 0.0) return 1.0;
  return (sum * sum) / (static_cast<double>(x.size()) * sum_sq);
}

// ---------------------------------------------------------------------------------------
// Value types
// ---------------------------------------------------------------------------------------

/// Latency statistics of one operation. The window fields (count, avg, min, max and the
/// percentiles) cover the last N latencies (PerformanceMetrics' latency window); the total
/// fields cover every latency ever recorded. All latencies are wall-clock seconds.
struct LatencyStats {
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
  static LatencyStats from_window(std::vector<double> window) {
    LatencyStats s;
    if (window.empty()) return s;
    std::sort(window.begin(), window.end());
    double sum = 0.0;
    for (double v : window) sum += v;
    s.count = window.size();
    s.avg_latency = sum / static_cast<double>(window.size());
    s.min_latency = window.front();
    s.max_latency = window.back();
    s.p50 = nearest_rank_percentile(window, 50);
    s.p95 = nearest_rank_percentile(window, 95);
    s.p99 = nearest_rank_percentile(window, 99);
    return s;
  }

  friend bool operator==(const LatencyStats&, const LatencyStats&) = default;
};

/// Resource utilisation of a hypervisor at one moment (the original library's definitions:
/// ribosomes allocated over the total pool, ATP percentage allocated over 100 %, VMs counted active
/// over max_vms). Ratios are in [0, 1].
struct ResourceUtilization {
  double ribosome_utilization = 0.0;  ///< allocated_ribosomes / total_ribosomes
  double atp_utilization = 0.0;       ///< total_atp_allocated / 100
  double active_vm_ratio = 0.0;       ///< active_vms / max_vms
  std::uint64_t active_vms = 0;       ///< the hypervisor's active_vms
  std::uint64_t max_vms = 0;          ///< the config's max_vms

  friend bool operator==(const ResourceUtilization&, const ResourceUtilization&) = default;
};

/// One VM's part in the scheduling picture. Times are virtual seconds (reproducible);
/// service is measured in ribosome-seconds (allocator units × virtual seconds).
struct VmServiceShare {
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
struct SchedulingSnapshot {
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
struct MonitorSample {
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
struct PerformanceSummary {
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
/// Successful operations of one kind, counted without their latencies
/// (PerformanceMetrics::count_operations()).
struct OperationCount {
  std::string_view operation;  ///< "create_vm", ...
  std::uint64_t count = 0;

  friend bool operator==(const OperationCount&, const OperationCount&) = default;
};

/// "<category>:<value>" for another category, "unknown" for a failure without a code.
inline std::string error_key(std::error_code error) {
  if (!error) return "unknown";
  if (error.category() == bioxen_category()) {
    return error_code_string(static_cast<BioXenErrorCode>(error.value()));
  }
  return fmt::format("{}:{}", error.category().name(), error.value());
}

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
class PerformanceMetrics {
 public:
  static constexpr std::size_t default_latency_window = 100;
  static constexpr std::size_t max_latency_window = 1 << 20;

  /// Metrics keeping the last `latency_window` latencies of every operation.
  /// @throws BioXenException (invalid_argument) unless 1 <= latency_window <= 2^20.
  explicit PerformanceMetrics(std::size_t latency_window = default_latency_window)
      : window_(latency_window), start_(std::chrono::steady_clock::now()) {
    if (latency_window == 0 || latency_window > max_latency_window) {
      throw BioXenException(
          BioXenErrorCode::invalid_argument,
          fmt::format("latency window {} is outside [1, {}]", latency_window, max_latency_window),
          {{"latency_window", latency_window}});
    }
  }

  PerformanceMetrics(const PerformanceMetrics&) = delete;
  PerformanceMetrics& operator=(const PerformanceMetrics&) = delete;

  /// Records one operation: its name (e.g. "start_vm"), wall-clock latency in seconds,
  /// outcome and, for a failure, its error code.
  /// @throws BioXenException (invalid_argument) for an empty name or a negative/NaN latency.
  void record_operation(std::string_view operation, double latency_seconds, bool success,
                        std::error_code error = {}) {
    if (operation.empty()) {
      throw BioXenException(BioXenErrorCode::invalid_argument, "operation name is empty");
    }
    if (!(latency_seconds >= 0.0)) {
      throw BioXenException(
          BioXenErrorCode::invalid_argument,
          fmt::format("latency {} s of operation '{}' is negative", latency_seconds, operation),
          {{"operation", operation}});
    }
    std::lock_guard lock(mutex_);
    OpRecord& r = op_record(operation);
    (success ? r.success : r.failure) += 1;
    r.latencies.push(latency_seconds);
    r.total_latency += latency_seconds;
    if (!success) ++errors_[error_key(error)];
  }

  /// record_operation with a std::chrono duration.
  template <class Rep, class Period>
  void record_operation(std::string_view operation, std::chrono::duration<Rep, Period> latency,
                        bool success, std::error_code error = {}) {
    record_operation(operation, std::chrono::duration<double>(latency).count(), success, error);
  }

  /// Adds one latency to the window and totals of `operation` without counting an operation
  /// (a monitor counts operations from BioXenHypervisor::counters() and times a sample).
  /// @throws BioXenException (invalid_argument) for an empty name or a negative/NaN latency.
  void record_latency(std::string_view operation, double latency_seconds) {
    if (operation.empty()) {
      throw BioXenException(BioXenErrorCode::invalid_argument, "operation name is empty");
    }
    if (!(latency_seconds >= 0.0)) {
      throw BioXenException(
          BioXenErrorCode::invalid_argument,
          fmt::format("latency {} s of operation '{}' is negative", latency_seconds, operation),
          {{"operation", operation}});
    }
    std::lock_guard lock(mutex_);
    OpRecord& r = op_record(operation);
    r.latencies.push(latency_seconds);
    r.total_latency += latency_seconds;
  }

  /// Counts operations whose latency was not measured (a monitor counts every operation from
  /// BioXenHypervisor::counters() and times only a sample). They add to the success and
  /// failure counts and the error counts, not to the latency statistics.
  /// @throws BioXenException (invalid_argument) for an empty name.
  void count_operations(std::string_view operation, std::uint64_t count, bool success,
                        std::error_code error = {}) {
    if (operation.empty()) {
      throw BioXenException(BioXenErrorCode::invalid_argument, "operation name is empty");
    }
    if (count == 0) return;
    std::lock_guard lock(mutex_);
    OpRecord& r = op_record(operation);
    (success ? r.success : r.failure) += count;
    if (!success) errors_[error_key(error)] += count;
  }

  /// count_operations() of successes, several kinds under one lock.
  /// @throws BioXenException (invalid_argument) for an empty name (nothing is counted then).
  void count_operations(std::span<const OperationCount> successes) {
    for (const OperationCount& c : successes) {
      if (c.operation.empty()) {
        throw BioXenException(BioXenErrorCode::invalid_argument, "operation name is empty");
      }
    }
    std::lock_guard lock(mutex_);
    for (const OperationCount& c : successes) {
      if (c.count == 0) continue;
      op_record(c.operation).success += c.count;
    }
  }

  /// Adds quantum sums (several quanta at once) to the quantum totals.
  void record_quanta(const QuantumTotals& t) {
    std::lock_guard lock(mutex_);
    quanta_.quanta += t.quanta;
    quanta_.context_switches += t.context_switches;
    quanta_.throttle_events += t.throttle_events;
    quanta_.amino_acids += t.amino_acids;
    quanta_.ribosome_unit_quanta += t.ribosome_unit_quanta;
    quanta_.host_state_changes += t.host_state_changes;
  }

  /// Adds one scheduler quantum to the quantum totals (`host_state_changed`: the host went
  /// growing <-> stalled in it, QuantumEvent::host_state_changed).
  void record_quantum(bool context_switch, std::uint64_t throttle_events, double amino_acids,
                      double ribosome_units, bool host_state_changed = false) {
    std::lock_guard lock(mutex_);
    quanta_.quanta += 1;
    quanta_.context_switches += context_switch ? 1 : 0;
    quanta_.throttle_events += throttle_events;
    quanta_.amino_acids += amino_acids;
    quanta_.ribosome_unit_quanta += ribosome_units;
    quanta_.host_state_changes += host_state_changed ? 1 : 0;
  }

  QuantumTotals quantum_totals() const {
    std::lock_guard lock(mutex_);
    return quanta_;
  }

  /// Stores the latest resource utilisation (the monitor calls this on every sample).
  void update_resource_utilization(const ResourceUtilization& utilization) {
    std::lock_guard lock(mutex_);
    utilization_ = utilization;
  }

  std::size_t latency_window() const noexcept { return window_; }

  std::uint64_t success_count(std::string_view operation) const {
    std::lock_guard lock(mutex_);
    auto it = ops_.find(operation);
    return it == ops_.end() ? 0 : it->second.success;
  }
  std::uint64_t failure_count(std::string_view operation) const {
    std::lock_guard lock(mutex_);
    auto it = ops_.find(operation);
    return it == ops_.end() ? 0 : it->second.failure;
  }
  /// Failures counted under `code`.
  std::uint64_t error_count(BioXenErrorCode code) const {
    std::lock_guard lock(mutex_);
    auto it = errors_.find(error_code_string(code));
    return it == errors_.end() ? 0 : it->second;
  }
  /// The latencies in the window of `operation`, oldest first (empty for an unknown one).
  std::vector<double> latency_window(std::string_view operation) const {
    std::lock_guard lock(mutex_);
    auto it = ops_.find(operation);
    return it == ops_.end() ? std::vector<double>{} : it->second.latencies.to_vector();
  }
  /// Statistics of `operation`, or nullopt when it was never recorded.
  std::optional<LatencyStats> latency_stats(std::string_view operation) const {
    std::lock_guard lock(mutex_);
    auto it = ops_.find(operation);
    if (it == ops_.end()) return std::nullopt;
    return stats_of(it->second);
  }
  std::uint64_t total_operations() const {
    std::lock_guard lock(mutex_);
    std::uint64_t n = 0;
    for (const auto& [name, r] : ops_) n += r.success + r.failure;
    return n;
  }
  /// Failed over total operations; 0 when none was recorded.
  double error_rate() const {
    std::lock_guard lock(mutex_);
    std::uint64_t total = 0;
    std::uint64_t failed = 0;
    for (const auto& [name, r] : ops_) {
      total += r.success + r.failure;
      failed += r.failure;
    }
    return total == 0 ? 0.0 : static_cast<double>(failed) / static_cast<double>(total);
  }
  ResourceUtilization resource_utilization() const {
    std::lock_guard lock(mutex_);
    return utilization_;
  }
  /// Wall-clock seconds since construction (or the last reset()).
  double uptime_seconds() const {
    std::lock_guard lock(mutex_);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

  /// A consistent copy of everything (taken under one lock). The scheduling section is left
  /// empty: a PerformanceMetrics does not know a hypervisor.
  PerformanceSummary summary() const {
    PerformanceSummary s;
    std::lock_guard lock(mutex_);
    for (const auto& [name, r] : ops_) {
      if (r.success > 0) s.vm_operations[name + "_success"] = r.success;
      if (r.failure > 0) s.vm_operations[name + "_failure"] = r.failure;
      s.total_operations += r.success + r.failure;
      s.failed_operations += r.failure;
      s.operation_statistics.emplace(name, stats_of(r));
    }
    s.error_counts.insert(errors_.begin(), errors_.end());
    s.resource_utilization = utilization_;
    s.quanta = quanta_;
    s.uptime_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    s.uptime_hours = s.uptime_seconds / 3600.0;
    s.error_rate = s.total_operations == 0 ? 0.0
                                           : static_cast<double>(s.failed_operations) /
                                                 static_cast<double>(s.total_operations);
    return s;
  }

  /// Forgets every count, latency and error and restarts the uptime.
  void reset() {
    std::lock_guard lock(mutex_);
    ops_.clear();
    errors_.clear();
    utilization_ = {};
    quanta_ = {};
    start_ = std::chrono::steady_clock::now();
  }

 private:
  struct OpRecord {
    explicit OpRecord(std::size_t window) : latencies(window) {}
    std::uint64_t success = 0;
    std::uint64_t failure = 0;
    double total_latency = 0.0;
    detail::RingBuffer<double> latencies;
  };

  /// The record of `operation`, created on first use (caller holds mutex_).
  OpRecord& op_record(std::string_view operation) {
    auto it = ops_.find(operation);
    if (it == ops_.end()) it = ops_.emplace(std::string(operation), OpRecord(window_)).first;
    return it->second;
  }

  static LatencyStats stats_of(const OpRecord& r) {
    LatencyStats s = LatencyStats::from_window(r.latencies.to_vector());
    s.total_count = r.latencies.total_pushed();
    s.total_latency = r.total_latency;
    return s;
  }

  mutable std::mutex mutex_;
  std::size_t window_;
  std::chrono::steady_clock::time_point start_;
  std::map<std::string, OpRecord, std::less<>> ops_;
  std::map<std::string, std::uint64_t, std::less<>> errors_;
  ResourceUtilization utilization_;
  QuantumTotals quanta_;
};

// ---------------------------------------------------------------------------------------
// JSON adapters (ADL)
// ---------------------------------------------------------------------------------------

inline void to_json(nlohmann::json& j, const LatencyStats& s) {
  j = nlohmann::json{{"count", s.count},
                     {"avg_latency", s.avg_latency},
                     {"max_latency", s.max_latency},
                     {"min_latency", s.min_latency},
                     {"p50", s.p50},
                     {"p95", s.p95},
                     {"p99", s.p99},
                     {"total_count", s.total_count},
                     {"total_latency", s.total_latency}};
}
inline void from_json(const nlohmann::json& j, LatencyStats& s) {
  j.at("count").get_to(s.count);
  j.at("avg_latency").get_to(s.avg_latency);
  j.at("max_latency").get_to(s.max_latency);
  j.at("min_latency").get_to(s.min_latency);
  j.at("p50").get_to(s.p50);
  j.at("p95").get_to(s.p95);
  j.at("p99").get_to(s.p99);
  s.total_count = j.value("total_count", s.count);
  s.total_latency = j.value("total_latency", s.avg_latency * static_cast<double>(s.count));
}

inline void to_json(nlohmann::json& j, const ResourceUtilization& u) {
  j = nlohmann::json{{"ribosome_utilization", u.ribosome_utilization},
                     {"atp_utilization", u.atp_utilization},
                     {"active_vm_ratio", u.active_vm_ratio},
                     {"active_vms", u.active_vms},
                     {"max_vms", u.max_vms}};
}
inline void from_json(const nlohmann::json& j, ResourceUtilization& u) {
  j.at("ribosome_utilization").get_to(u.ribosome_utilization);
  j.at("atp_utilization").get_to(u.atp_utilization);
  j.at("active_vm_ratio").get_to(u.active_vm_ratio);
  u.active_vms = j.value("active_vms", std::uint64_t{0});
  u.max_vms = j.value("max_vms", std::uint64_t{0});
}

inline void to_json(nlohmann::json& j, const VmServiceShare& v) {
  j = nlohmann::json{{"vm_id", v.vm_id},
                     {"state", v.state},
                     {"running_seconds", v.running_seconds},
                     {"waiting_seconds", v.waiting_seconds},
                     {"ribosome_seconds", v.ribosome_seconds},
                     {"service_share", v.service_share},
                     {"context_switches", v.context_switches},
                     {"throttle_events", v.throttle_events}};
}
inline void from_json(const nlohmann::json& j, VmServiceShare& v) {
  j.at("vm_id").get_to(v.vm_id);
  j.at("state").get_to(v.state);
  j.at("running_seconds").get_to(v.running_seconds);
  j.at("waiting_seconds").get_to(v.waiting_seconds);
  j.at("ribosome_seconds").get_to(v.ribosome_seconds);
  j.at("service_share").get_to(v.service_share);
  j.at("context_switches").get_to(v.context_switches);
  j.at("throttle_events").get_to(v.throttle_events);
}

inline void to_json(nlohmann::json& j, const SchedulingSnapshot& s) {
  j = nlohmann::json{{"virtual_time_seconds", s.virtual_time_seconds},
                     {"vms", s.vms},
                     {"running_vms", s.running_vms},
                     {"fairness_index", s.fairness_index},
                     {"ribosome_seconds", s.ribosome_seconds},
                     {"context_switches", s.context_switches},
                     {"throttle_events", s.throttle_events},
                     {"vm_shares", s.vm_shares},
                     {"omitted_vms", s.omitted_vms}};
}
inline void from_json(const nlohmann::json& j, SchedulingSnapshot& s) {
  j.at("virtual_time_seconds").get_to(s.virtual_time_seconds);
  j.at("vms").get_to(s.vms);
  j.at("running_vms").get_to(s.running_vms);
  j.at("fairness_index").get_to(s.fairness_index);
  j.at("ribosome_seconds").get_to(s.ribosome_seconds);
  j.at("context_switches").get_to(s.context_switches);
  j.at("throttle_events").get_to(s.throttle_events);
  j.at("vm_shares").get_to(s.vm_shares);
  s.omitted_vms = j.value("omitted_vms", std::uint64_t{0});
}

namespace detail {

/// An optional host as JSON: its object, or null when absent.
inline nlohmann::json optional_host_json(const std::optional<HostStatus>& host) {
  return host ? nlohmann::json(*host) : nlohmann::json(nullptr);
}

/// The optional host under `key` of `j` (absent or null: none).
inline std::optional<HostStatus> optional_host_from_json(const nlohmann::json& j,
                                                         std::string_view key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<HostStatus>();
}

}  // namespace detail

inline void to_json(nlohmann::json& j, const MonitorSample& s) {
  j = nlohmann::json{{"timestamp_ms", s.timestamp_ms},
                     {"uptime_seconds", s.uptime_seconds},
                     {"resource_utilization", s.resource_utilization},
                     {"virtual_time_seconds", s.virtual_time_seconds},
                     {"interval_seconds", s.interval_seconds},
                     {"vms", s.vms},
                     {"running_vms", s.running_vms},
                     {"fairness_index", s.fairness_index},
                     {"context_switches", s.context_switches},
                     {"throttle_events", s.throttle_events},
                     {"vm_shares", s.vm_shares},
                     {"omitted_vms", s.omitted_vms},
                     {"host", detail::optional_host_json(s.host)}};
}
inline void from_json(const nlohmann::json& j, MonitorSample& s) {
  j.at("timestamp_ms").get_to(s.timestamp_ms);
  j.at("uptime_seconds").get_to(s.uptime_seconds);
  j.at("resource_utilization").get_to(s.resource_utilization);
  j.at("virtual_time_seconds").get_to(s.virtual_time_seconds);
  s.interval_seconds = j.value("interval_seconds", 0.0);
  j.at("vms").get_to(s.vms);
  j.at("running_vms").get_to(s.running_vms);
  j.at("fairness_index").get_to(s.fairness_index);
  j.at("context_switches").get_to(s.context_switches);
  j.at("throttle_events").get_to(s.throttle_events);
  s.vm_shares = j.value("vm_shares", std::vector<VmServiceShare>{});
  s.omitted_vms = j.value("omitted_vms", std::uint64_t{0});
  s.host = detail::optional_host_from_json(j, "host");
}

inline void to_json(nlohmann::json& j, const QuantumTotals& q) {
  j = nlohmann::json{{"quanta", q.quanta},
                     {"context_switches", q.context_switches},
                     {"throttle_events", q.throttle_events},
                     {"amino_acids", q.amino_acids},
                     {"ribosome_unit_quanta", q.ribosome_unit_quanta},
                     {"host_state_changes", q.host_state_changes}};
}
inline void from_json(const nlohmann::json& j, QuantumTotals& q) {
  j.at("quanta").get_to(q.quanta);
  j.at("context_switches").get_to(q.context_switches);
  j.at("throttle_events").get_to(q.throttle_events);
  j.at("amino_acids").get_to(q.amino_acids);
  j.at("ribosome_unit_quanta").get_to(q.ribosome_unit_quanta);
  q.host_state_changes = j.value("host_state_changes", std::uint64_t{0});
}

/// The original library's shape: `vm_operations`, `operation_statistics`, `resource_utilization`
/// (with its `uptime` key, seconds), `uptime_hours`, `error_rate`; plus `error_counts`,
/// `uptime_seconds`, `total_operations`, `failed_operations`, `samples_taken`, `scheduling`,
/// `quanta` and `host` (the HostStatus, null when the summary has none).
inline void to_json(nlohmann::json& j, const PerformanceSummary& s) {
  nlohmann::json util = s.resource_utilization;
  util["uptime"] = s.uptime_seconds;
  j = nlohmann::json{{"vm_operations", s.vm_operations},
                     {"operation_statistics", s.operation_statistics},
                     {"resource_utilization", std::move(util)},
                     {"uptime_hours", s.uptime_hours},
                     {"error_rate", s.error_rate},
                     {"error_counts", s.error_counts},
                     {"uptime_seconds", s.uptime_seconds},
                     {"total_operations", s.total_operations},
                     {"failed_operations", s.failed_operations},
                     {"samples_taken", s.samples_taken},
                     {"scheduling", s.scheduling},
                     {"quanta", s.quanta},
                     {"host", detail::optional_host_json(s.host)}};
}
inline void from_json(const nlohmann::json& j, PerformanceSummary& s) {
  j.at("vm_operations").get_to(s.vm_operations);
  j.at("operation_statistics").get_to(s.operation_statistics);
  j.at("resource_utilization").get_to(s.resource_utilization);
  j.at("uptime_hours").get_to(s.uptime_hours);
  j.at("error_rate").get_to(s.error_rate);
  s.error_counts = j.value("error_counts", decltype(s.error_counts){});
  s.uptime_seconds = j.value("uptime_seconds", s.uptime_hours * 3600.0);
  s.total_operations = 0;
  s.failed_operations = 0;
  for (const auto& [key, n] : s.vm_operations) {
    s.total_operations += n;
    if (key.ends_with("_failure")) s.failed_operations += n;
  }
  s.total_operations = j.value("total_operations", s.total_operations);
  s.failed_operations = j.value("failed_operations", s.failed_operations);
  s.samples_taken = j.value("samples_taken", std::uint64_t{0});
  s.scheduling = j.value("scheduling", SchedulingSnapshot{});
  s.quanta = j.value("quanta", QuantumTotals{});
  s.host = detail::optional_host_from_json(j, "host");
}

// ---------------------------------------------------------------------------------------
// Prometheus text exposition format (version 0.0.4)
// ---------------------------------------------------------------------------------------

namespace detail {

/// A label value escaped per the exposition format: backslash, double quote and line feed
/// become \\, \" and \n.
inline std::string prometheus_escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

/// HELP text escaped per the exposition format: backslash and line feed.
inline std::string prometheus_escape_help(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

/// A sample value: integers exactly, floats in the shortest round-trip form, and the
/// format's spellings NaN, +Inf and -Inf.
inline std::string prometheus_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}
inline std::string prometheus_value(std::uint64_t v) { return fmt::format("{}", v); }

/// Writes metric families: a family's HELP and TYPE lines, then its samples.
class PrometheusWriter {
 public:
  using Labels = std::vector<std::pair<std::string_view, std::string_view>>;

  void family(std::string_view name, std::string_view type, std::string_view help) {
    fmt::format_to(std::back_inserter(out_), "# HELP {} {}\n# TYPE {} {}\n", name,
                   prometheus_escape_help(help), name, type);
  }
  template <class V>
  void sample(std::string_view name, const Labels& labels, V value) {
    out_ += name;
    if (!labels.empty()) {
      out_ += '{';
      bool first = true;
      for (const auto& [k, v] : labels) {
        if (!first) out_ += ',';
        first = false;
        fmt::format_to(std::back_inserter(out_), "{}=\"{}\"", k, prometheus_escape_label_value(v));
      }
      out_ += '}';
    }
    out_ += ' ';
    out_ += prometheus_value(value);
    out_ += '\n';
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

}  // namespace detail

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
inline std::string to_prometheus(const PerformanceSummary& s) {
  detail::PrometheusWriter w;
  using L = detail::PrometheusWriter::Labels;

  // Operation counters: both results of every operation seen, so that rate() works from
  // the first failure on.
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>, std::less<>> ops;
  for (const auto& [op, st] : s.operation_statistics) ops[op];
  for (const auto& [key, n] : s.vm_operations) {
    if (key.ends_with("_success")) ops[key.substr(0, key.size() - 8)].first += n;
    if (key.ends_with("_failure")) ops[key.substr(0, key.size() - 8)].second += n;
  }
  if (!ops.empty()) {
    w.family("bioxen_vm_operations_total", "counter", "Hypervisor operations by name and result.");
    for (const auto& [op, n] : ops) {
      w.sample("bioxen_vm_operations_total", L{{"operation", op}, {"result", "success"}}, n.first);
      w.sample("bioxen_vm_operations_total", L{{"operation", op}, {"result", "failure"}}, n.second);
    }
  }
  if (!s.operation_statistics.empty()) {
    w.family("bioxen_operation_latency_seconds", "summary",
             "Wall-clock latency of timed hypervisor operations (a monitor times a sample): "
             "quantiles (nearest rank) over the last N timed, sum and count over all timed.");
    for (const auto& [op, st] : s.operation_statistics) {
      if (st.count > 0) {
        w.sample("bioxen_operation_latency_seconds", L{{"operation", op}, {"quantile", "0.5"}},
                 st.p50);
        w.sample("bioxen_operation_latency_seconds", L{{"operation", op}, {"quantile", "0.95"}},
                 st.p95);
        w.sample("bioxen_operation_latency_seconds", L{{"operation", op}, {"quantile", "0.99"}},
                 st.p99);
      }
      w.sample("bioxen_operation_latency_seconds_sum", L{{"operation", op}}, st.total_latency);
      w.sample("bioxen_operation_latency_seconds_count", L{{"operation", op}}, st.total_count);
    }
    w.family("bioxen_operation_latency_min_seconds", "gauge",
             "Smallest operation latency in the window of the last N operations.");
    for (const auto& [op, st] : s.operation_statistics) {
      if (st.count > 0)
        w.sample("bioxen_operation_latency_min_seconds", L{{"operation", op}}, st.min_latency);
    }
    w.family("bioxen_operation_latency_max_seconds", "gauge",
             "Largest operation latency in the window of the last N operations.");
    for (const auto& [op, st] : s.operation_statistics) {
      if (st.count > 0)
        w.sample("bioxen_operation_latency_max_seconds", L{{"operation", op}}, st.max_latency);
    }
  }
  if (!s.error_counts.empty()) {
    w.family("bioxen_errors_total", "counter", "Failed operations by error code.");
    for (const auto& [key, n] : s.error_counts) {
      std::string_view name = "unknown";
      for (BioXenErrorCode c : all_error_codes) {
        if (error_code_string(c) == key) name = error_code_name(c);
      }
      if (key != "unknown" && !key.starts_with("BX")) name = "other";
      w.sample("bioxen_errors_total", L{{"code", key}, {"name", name}}, n);
    }
  }

  auto gauge = [&w](std::string_view name, std::string_view help, auto value) {
    w.family(name, "gauge", help);
    w.sample(name, L{}, value);
  };
  gauge("bioxen_operation_error_ratio", "Failed operations over all operations.", s.error_rate);
  const ResourceUtilization& u = s.resource_utilization;
  gauge("bioxen_ribosome_utilization_ratio", "Allocated ribosomes over the total pool.",
        u.ribosome_utilization);
  gauge("bioxen_atp_utilization_ratio", "Allocated ATP percentage over 100 %.", u.atp_utilization);
  gauge("bioxen_active_vm_ratio", "Active VMs over max_vms.", u.active_vm_ratio);
  gauge("bioxen_active_vms", "Active VMs.", u.active_vms);
  gauge("bioxen_max_vms", "The configured VM limit (max_vms).", u.max_vms);
  gauge("bioxen_uptime_seconds", "Wall-clock seconds since the monitor started.", s.uptime_seconds);
  const SchedulingSnapshot& sch = s.scheduling;
  gauge("bioxen_vms", "VMs existing.", sch.vms);
  gauge("bioxen_running_vms", "VMs in state running.", sch.running_vms);
  gauge("bioxen_virtual_time_seconds", "The hypervisor's virtual clock.", sch.virtual_time_seconds);
  gauge("bioxen_scheduler_fairness_index",
        "Jain's fairness index over the ribosome-seconds received by the VMs (1 = equal).",
        sch.fairness_index);
  gauge("bioxen_context_switches", "Context switches summed over the existing VMs.",
        sch.context_switches);
  gauge("bioxen_throttle_events", "ATP throttle events summed over the existing VMs.",
        sch.throttle_events);

  if (!sch.vm_shares.empty()) {
    auto per_vm = [&](std::string_view name, std::string_view help, auto field) {
      w.family(name, "gauge", help);
      for (const VmServiceShare& v : sch.vm_shares) w.sample(name, L{{"vm_id", v.vm_id}}, field(v));
    };
    per_vm("bioxen_vm_service_share_ratio", "A VM's share of all ribosome-seconds delivered.",
           [](const VmServiceShare& v) { return v.service_share; });
    per_vm("bioxen_vm_ribosome_seconds", "Ribosome-seconds (units x virtual s) a VM received.",
           [](const VmServiceShare& v) { return v.ribosome_seconds; });
    per_vm("bioxen_vm_context_switches", "Context switches of a VM.",
           [](const VmServiceShare& v) { return v.context_switches; });
    per_vm("bioxen_vm_throttle_events", "ATP throttle events of a VM.",
           [](const VmServiceShare& v) { return v.throttle_events; });
  }
  auto counter = [&w](std::string_view name, std::string_view help, auto value) {
    w.family(name, "counter", help);
    w.sample(name, L{}, value);
  };
  counter("bioxen_scheduler_quanta_total", "Scheduler quanta run since the monitor attached.",
          s.quanta.quanta);
  counter("bioxen_scheduler_context_switches_total",
          "Quanta that paid a round-robin context switch since the monitor attached.",
          s.quanta.context_switches);
  counter("bioxen_scheduler_throttle_events_total",
          "VM-quanta cut short by the ATP budget since the monitor attached.",
          s.quanta.throttle_events);
  counter("bioxen_amino_acids_total", "Amino acids polymerised since the monitor attached.",
          s.quanta.amino_acids);
  counter("bioxen_host_state_changes_total",
          "Quanta after which the host went growing <-> stalled since the monitor attached.",
          s.quanta.host_state_changes);
  if (s.host) {
    const HostStatus& h = *s.host;
    gauge("bioxen_host_modelled",
          "1 when the host cell is modelled (physiological work model), 0 under the capacity "
          "model (the host then grows at its reference rate).",
          std::uint64_t{h.modelled ? 1U : 0U});
    gauge("bioxen_host_growth_rate_per_hour",
          "The host cell's growth rate (1/h) on what its guests leave it; 0 when stalled.",
          h.growth_rate_per_h);
    gauge("bioxen_host_reference_growth_rate_per_hour",
          "The growth rate (1/h) of the host alone, without guests.",
          h.reference_growth_rate_per_h);
    gauge(
        "bioxen_host_doubling_time_minutes",
        "The host cell's doubling time (60 ln 2 / growth rate, min); +Inf when it does not grow.",
        h.growth_rate_per_h > 0.0 ? h.doubling_time_min : std::numeric_limits<double>::infinity());
    gauge("bioxen_host_stalled", "1 when the host cell does not grow (stalled), else 0.",
          std::uint64_t{h.state == "stalled" ? 1U : 0U});
    gauge("bioxen_host_guest_translation_fraction",
          "The guests' share of the amino acids the cell is making (phi_Q, 0 to 1).",
          h.guest_translation_fraction);
    gauge("bioxen_host_sequestered_ribosome_fraction",
          "Active ribosomes held on guest chains but not elongating (paused, stopped or "
          "ATP-limited guests), 0 to 1.",
          h.sequestered_ribosome_fraction);
    gauge("bioxen_host_guest_bound_ribosomes",
          "Physical ribosomes on guest chains (running or frozen).", h.guest_bound_ribosomes);
    gauge("bioxen_host_rnap_limitation_ratio",
          "Free RNA polymerase over what the host needs to transcribe, at most 1 (1 = not "
          "limiting).",
          h.rnap_limitation);
    counter("bioxen_host_stalled_quanta_total",
            "Quanta that ended with the host stalled, since the hypervisor's time 0.",
            h.stalled_quanta);
  }
  w.family("bioxen_monitor_samples_total", "counter", "Monitor samples taken.");
  w.sample("bioxen_monitor_samples_total", L{}, s.samples_taken);
  return w.take();
}

}  // namespace bioxen

// ---------------------------------------------------------------------------------------
// fmt formatters
// ---------------------------------------------------------------------------------------

namespace bioxen::detail {
/// "850ns", "12.3us", "4.56ms", "1.2s": a wall-clock duration for people.
inline std::string format_seconds(double s) {
  if (std::isnan(s)) return "nan";
  const double a = std::fabs(s);
  if (a != 0.0 && a < 1e-6) return fmt::format("{:.3g}ns", s * 1e9);
  if (a != 0.0 && a < 1e-3) return fmt::format("{:.3g}us", s * 1e6);
  if (a != 0.0 && a < 1.0) return fmt::format("{:.3g}ms", s * 1e3);
  return fmt::format("{:.3g}s", s);
}
}  // namespace bioxen::detail

/// "count=100 avg=1.2us min=... p50=... p95=... p99=... max=... total=1000".
template <>
struct fmt::formatter<bioxen::LatencyStats> : fmt::formatter<std::string_view> {
  auto format(const bioxen::LatencyStats& s, format_context& ctx) const {
    using bioxen::detail::format_seconds;
    return fmt::formatter<std::string_view>::format(
        fmt::format("count={} avg={} min={} p50={} p95={} p99={} max={} total={}", s.count,
                    format_seconds(s.avg_latency), format_seconds(s.min_latency),
                    format_seconds(s.p50), format_seconds(s.p95), format_seconds(s.p99),
                    format_seconds(s.max_latency), s.total_count),
        ctx);
  }
};

/// "ribosomes=50.0% atp=45.0% active_vms=2/4".
template <>
struct fmt::formatter<bioxen::ResourceUtilization> : fmt::formatter<std::string_view> {
  auto format(const bioxen::ResourceUtilization& u, format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(
        fmt::format("ribosomes={:.1f}% atp={:.1f}% active_vms={}/{}",
                    u.ribosome_utilization * 100.0, u.atp_utilization * 100.0, u.active_vms,
                    u.max_vms),
        ctx);
  }
};

/// "vm1 running share=50.0% ribosome_s=12 switches=3 throttles=0".
template <>
struct fmt::formatter<bioxen::VmServiceShare> : fmt::formatter<std::string_view> {
  auto format(const bioxen::VmServiceShare& v, format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(
        fmt::format("{} {} share={:.1f}% ribosome_s={:g} switches={} throttles={}", v.vm_id,
                    v.state, v.service_share * 100.0, v.ribosome_seconds, v.context_switches,
                    v.throttle_events),
        ctx);
  }
};

/// "t=12.5s vms=4 running=3 fairness=0.98 switches=120 throttles=2".
template <>
struct fmt::formatter<bioxen::SchedulingSnapshot> : fmt::formatter<std::string_view> {
  auto format(const bioxen::SchedulingSnapshot& s, format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(
        fmt::format("t={:g}s vms={} running={} fairness={:.3f} switches={} throttles={}",
                    s.virtual_time_seconds, s.vms, s.running_vms, s.fairness_index,
                    s.context_switches, s.throttle_events),
        ctx);
  }
};

/// "uptime=1.5s ribosomes=... t=... fairness=...".
template <>
struct fmt::formatter<bioxen::MonitorSample> : fmt::formatter<std::string_view> {
  auto format(const bioxen::MonitorSample& s, format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(
        fmt::format("uptime={} {} t={:g}s vms={} running={} fairness={:.3f} switches={} "
                    "throttles={}",
                    bioxen::detail::format_seconds(s.uptime_seconds), s.resource_utilization,
                    s.virtual_time_seconds, s.vms, s.running_vms, s.fairness_index,
                    s.context_switches, s.throttle_events),
        ctx);
  }
};

/// A multi-line report: operations, latencies, utilisation, errors, scheduling.
template <>
struct fmt::formatter<bioxen::PerformanceSummary> : fmt::formatter<std::string_view> {
  auto format(const bioxen::PerformanceSummary& s, format_context& ctx) const {
    std::string out = fmt::format("uptime {} | operations {} | failed {} | error rate {:.2f}%\n",
                                  bioxen::detail::format_seconds(s.uptime_seconds),
                                  s.total_operations, s.failed_operations, s.error_rate * 100.0);
    for (const auto& [op, st] : s.operation_statistics) {
      fmt::format_to(std::back_inserter(out), "  {:<16} {}\n", op, st);
    }
    fmt::format_to(std::back_inserter(out), "resources: {}\n", s.resource_utilization);
    for (const auto& [code, n] : s.error_counts) {
      fmt::format_to(std::back_inserter(out), "  error {}: {}\n", code, n);
    }
    fmt::format_to(std::back_inserter(out), "scheduling: {}", s.scheduling);
    if (s.host) fmt::format_to(std::back_inserter(out), "\nhost: {}", *s.host);
    return fmt::formatter<std::string_view>::format(out, ctx);
  }
};
