// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// ProductionMonitor: watches a BioXenHypervisor through the observer interface (operation
// counts and latencies, quanta) and samples it on a background thread into a bounded time
// series (resource utilisation and the scheduling picture). PerformanceMetrics, the value
// types and the JSON/Prometheus exports live in metrics.hpp.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "bioxen/detail/ring_buffer.hpp"
#include "bioxen/error_details.hpp"
#include "bioxen/hypervisor.hpp"
#include "bioxen/metrics.hpp"
#include "bioxen/observer.hpp"
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
inline ResourceUtilization resource_utilization_of(const SystemResources& r) noexcept {
  ResourceUtilization u;
  u.ribosome_utilization = r.total_ribosomes > 0 ? static_cast<double>(r.allocated_ribosomes) /
                                                       static_cast<double>(r.total_ribosomes)
                                                 : 0.0;
  u.atp_utilization = r.total_atp_allocated / 100.0;
  u.active_vms = r.active_vms > 0 ? static_cast<std::uint64_t>(r.active_vms) : 0;
  u.max_vms = r.max_vms > 0 ? static_cast<std::uint64_t>(r.max_vms) : 0;
  u.active_vm_ratio =
      u.max_vms > 0 ? static_cast<double>(u.active_vms) / static_cast<double>(u.max_vms) : 0.0;
  return u;
}

namespace detail {

/// One VM's service in some period, for the share and fairness computations.
struct ServiceItem {
  const VmStatus* vm = nullptr;
  double service = 0.0;   ///< ribosome-seconds received in the period
  bool competed = false;  ///< the VM was running during the period
};

struct SharesResult {
  std::vector<VmServiceShare> shares;
  std::uint64_t omitted = 0;
  double fairness = 1.0;
  double total_service = 0.0;
};

/// Shares of the total service (largest first, ties by id, at most `limit` listed) and Jain's
/// index over the VMs that competed.
inline SharesResult service_shares(std::vector<ServiceItem> items, std::size_t limit) {
  SharesResult r;
  std::vector<double> competing;
  for (const ServiceItem& it : items) {
    r.total_service += it.service;
    if (it.competed) competing.push_back(it.service);
  }
  r.fairness = jain_fairness_index(competing);
  const std::size_t n = std::min(limit, items.size());
  const auto larger = [](const ServiceItem& a, const ServiceItem& b) {
    if (a.service != b.service) return a.service > b.service;
    return a.vm->vm_id < b.vm->vm_id;
  };
  std::partial_sort(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(n), items.end(),
                    larger);
  r.shares.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const VmStatus& v = *items[i].vm;
    r.shares.push_back(VmServiceShare{
        v.vm_id, std::string(to_string(v.state)), v.running_seconds, v.waiting_seconds,
        v.ribosome_seconds, r.total_service > 0.0 ? items[i].service / r.total_service : 0.0,
        v.context_switches, v.throttle_events});
  }
  r.omitted = items.size() - n;
  return r;
}

}  // namespace detail

/// The cumulative scheduling picture of `vms` (as list_vms() returns them): each VM's share of
/// all ribosome-seconds delivered, Jain's fairness index over the ribosome-seconds of the VMs
/// that have run (running_seconds > 0), and the sums of the counters. At most
/// `max_vm_shares` VMs are listed, largest service first.
///
/// @code
/// auto snap = bioxen::scheduling_snapshot(hv.get_system_resources(), hv.list_vms());
/// // snap.fairness_index == 1.0 when every VM that ran received the same service
/// @endcode
inline SchedulingSnapshot scheduling_snapshot(const SystemResources& resources,
                                              std::span<const VmStatus> vms,
                                              std::size_t max_vm_shares = 64) {
  SchedulingSnapshot s;
  s.virtual_time_seconds = static_cast<double>(resources.virtual_time_us) * 1e-6;
  s.vms = vms.size();
  std::vector<detail::ServiceItem> items;
  items.reserve(vms.size());
  for (const VmStatus& v : vms) {
    if (v.state == VMState::running) ++s.running_vms;
    s.context_switches += v.context_switches;
    s.throttle_events += v.throttle_events;
    items.push_back({&v, v.ribosome_seconds, v.running_seconds > 0.0});
  }
  detail::SharesResult r = detail::service_shares(std::move(items), max_vm_shares);
  s.fairness_index = r.fairness;
  s.ribosome_seconds = r.total_service;
  s.vm_shares = std::move(r.shares);
  s.omitted_vms = r.omitted;
  return s;
}

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
/// hv.create_vm("vm1", "syn3a");
/// hv.start_vm("vm1");
/// mon.stop_monitoring();
/// nlohmann::json perf = mon.get_performance_summary();   // the original library's shape
/// std::string text = mon.to_prometheus();                 // serve at /metrics
/// @endcode
class ProductionMonitor {
 public:
  /// The default sampling interval: 30 s.
  static constexpr std::chrono::seconds default_interval{30};
  /// The longest interval start_monitoring() accepts (a year).
  static constexpr std::chrono::hours max_interval{24 * 366};

  /// Attaches to `hypervisor` (which must outlive the monitor).
  /// @throws BioXenException (invalid_argument) for a latency window outside [1, 2^20], a
  /// history capacity of 0, or a latency sample period that is not a power of two in
  /// [1, 2^20].
  explicit ProductionMonitor(BioXenHypervisor& hypervisor, MonitorOptions options = {})
      : hv_(hypervisor),
        options_(options),
        metrics_(std::make_shared<PerformanceMetrics>(options.latency_window)),
        observer_(std::make_shared<Observer>(metrics_, options.latency_sample_period)),
        history_(options.history_capacity),
        start_(std::chrono::steady_clock::now()) {
    if (options.history_capacity == 0) {
      throw BioXenException(BioXenErrorCode::invalid_argument,
                            "monitor history capacity must be at least 1",
                            {{"history_capacity", options.history_capacity}});
    }
    const std::uint32_t period = options.latency_sample_period;
    if (!is_valid_sample_period(period)) {
      throw BioXenException(
          BioXenErrorCode::invalid_argument,
          fmt::format("latency sample period {} is not a power of two in [1, 2^20]", period),
          {{"latency_sample_period", period}});
    }
    synced_ = hv_.counters();  // counts start when the monitor attaches
    hv_.add_observer(observer_);
  }

  ProductionMonitor(const ProductionMonitor&) = delete;
  ProductionMonitor& operator=(const ProductionMonitor&) = delete;

  /// Stops sampling (if running) and detaches. Callbacks of operations already in flight on
  /// other threads may still arrive; they go to metrics shared with the observer, so they are
  /// safe.
  ~ProductionMonitor() {
    stop_monitoring();
    try {
      hv_.remove_observer(observer_);
    } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
    }
  }

  /// Starts sampling every `interval` on a background thread (the first sample immediately).
  /// Returns false, changing nothing, when sampling is already running (start is idempotent;
  /// stop first to change the interval).
  /// @throws BioXenException (invalid_argument) unless 0 < interval <= max_interval.
  template <class Rep, class Period>
  bool start_monitoring(std::chrono::duration<Rep, Period> interval) {
    const std::chrono::duration<double> seconds = interval;
    if (!(seconds.count() > 0.0) || seconds > max_interval) {
      throw BioXenException(BioXenErrorCode::invalid_argument,
                            fmt::format("monitoring interval {} s is outside (0, {} h]",
                                        seconds.count(), max_interval.count()),
                            {{"interval_seconds", seconds.count()}});
    }
    return start_impl(std::chrono::ceil<std::chrono::nanoseconds>(seconds));
  }
  /// start_monitoring(default_interval): every 30 s.
  bool start_monitoring() { return start_monitoring(default_interval); }

  /// Stops the sampling thread and waits for it: returns within microseconds whatever the
  /// interval (the thread waits on a condition variable that the stop request wakes), or,
  /// if a sample is being taken, as soon as that sample is done. Returns false when sampling
  /// was not running (stop is idempotent).
  bool stop_monitoring() {
    std::lock_guard control(control_mutex_);
    if (!thread_.joinable()) return false;
    thread_.request_stop();
    thread_.join();
    thread_ = std::jthread{};
    running_.store(false, std::memory_order_release);
    return true;
  }

  bool is_monitoring() const noexcept { return running_.load(std::memory_order_acquire); }
  /// The interval of the running (or last) sampling thread; zero before the first start.
  std::chrono::nanoseconds interval() const noexcept {
    return std::chrono::nanoseconds(interval_ns_.load(std::memory_order_acquire));
  }

  /// Takes one sample now, on the calling thread: appends it to the time series, updates the
  /// metrics' resource utilisation and returns it. O(VMs); the host status is read once.
  MonitorSample sample_now() {
    // One sampler at a time, so that interval deltas are computed in order.
    std::lock_guard sampler(sampler_mutex_);
    sync();
    const SystemResources r = hv_.get_system_resources();
    if (options_.sample_vms) {
      hv_.list_vms(vms_);  // reuses the last sample's vector: no allocation in steady state
    } else {
      vms_.clear();
    }
    const std::vector<VmStatus>& vms = vms_;

    MonitorSample s;
    s.timestamp_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    s.uptime_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    s.resource_utilization = resource_utilization_of(r);
    s.virtual_time_seconds = static_cast<double>(r.virtual_time_us) * 1e-6;
    // A clock that went back (restore()) starts a new history of deltas.
    const bool fresh = !previous_time_us_.has_value() || r.virtual_time_us < *previous_time_us_;
    s.interval_seconds =
        static_cast<double>(r.virtual_time_us - (fresh ? 0 : *previous_time_us_)) * 1e-6;
    s.vms = vms.size();

    // The previous counters are updated in place (no allocation for a known VM); entries of
    // VMs that are gone are swept afterwards by their generation.
    ++generation_;
    std::vector<detail::ServiceItem> items;
    items.reserve(vms.size());
    for (const VmStatus& v : vms) {
      if (v.state == VMState::running) ++s.running_vms;
      s.context_switches += v.context_switches;
      s.throttle_events += v.throttle_events;
      auto [it, inserted] = previous_.try_emplace(v.vm_id);
      Previous before = inserted || fresh ? Previous{} : it->second;
      // A VM whose counters went back was replaced (destroyed and created again).
      if (v.ribosome_seconds < before.ribosome_seconds ||
          v.running_seconds < before.running_seconds) {
        before = {};
      }
      items.push_back({&v, v.ribosome_seconds - before.ribosome_seconds,
                       v.running_seconds > before.running_seconds});
      it->second = Previous{v.running_seconds, v.ribosome_seconds, generation_};
    }
    if (previous_.size() > vms.size()) {
      std::erase_if(previous_,
                    [this](const auto& kv) { return kv.second.generation != generation_; });
    }
    detail::SharesResult shares = detail::service_shares(std::move(items), options_.max_vm_shares);
    s.fairness_index = shares.fairness;
    s.vm_shares = std::move(shares.shares);
    s.omitted_vms = shares.omitted;
    if (vms_.capacity() > kKeptStatuses) std::vector<VmStatus>().swap(vms_);  // bound the memory
    if (!options_.sample_vms) without_vms(r, s.vms, s.running_vms, s.omitted_vms);
    s.host = hv_.get_host_status();  // once per sample, O(1)
    previous_time_us_ = r.virtual_time_us;

    metrics_->update_resource_utilization(s.resource_utilization);
    {
      std::lock_guard lock(history_mutex_);
      history_.push(s);
    }
    return s;
  }

  /// The time series, oldest first (at most options().history_capacity samples).
  std::vector<MonitorSample> history() const {
    std::lock_guard lock(history_mutex_);
    return history_.to_vector();
  }
  /// The newest sample, if any.
  std::optional<MonitorSample> latest_sample() const {
    std::lock_guard lock(history_mutex_);
    if (history_.empty()) return std::nullopt;
    return history_.back();
  }
  /// Samples taken since construction (including those the bounded history dropped).
  std::uint64_t samples_taken() const {
    std::lock_guard lock(history_mutex_);
    return history_.total_pushed();
  }
  /// Samples the background thread could not take because the hypervisor threw.
  std::uint64_t sample_errors() const noexcept {
    return sample_errors_.load(std::memory_order_relaxed);
  }

  /// The counters and latency statistics, plus a fresh reading of the hypervisor's resources,
  /// scheduling picture and host cell (`host`, get_host_status()), so a scrape never shows
  /// data older than the call. O(VMs).
  ///
  /// @code
  /// nlohmann::json j = mon.get_performance_summary();
  /// double p99 = j["operation_statistics"]["start_vm"]["p99"];   // seconds
  /// @endcode
  PerformanceSummary get_performance_summary() const {
    sync();
    PerformanceSummary s = metrics_->summary();
    const SystemResources r = hv_.get_system_resources();
    const std::vector<VmStatus> vms =
        options_.sample_vms ? hv_.list_vms() : std::vector<VmStatus>{};
    s.resource_utilization = resource_utilization_of(r);
    s.scheduling = scheduling_snapshot(r, vms, options_.max_vm_shares);
    if (!options_.sample_vms) {
      without_vms(r, s.scheduling.vms, s.scheduling.running_vms, s.scheduling.omitted_vms);
    }
    s.host = hv_.get_host_status();
    s.samples_taken = samples_taken();
    return s;
  }

  /// get_performance_summary() in the Prometheus text exposition format.
  std::string to_prometheus() const { return bioxen::to_prometheus(get_performance_summary()); }

  /// The operation metrics the monitor feeds (for record_operation() of one's own
  /// operations, or reset()), brought up to date with the hypervisor's counters first.
  PerformanceMetrics& metrics() {
    sync();
    return *metrics_;
  }
  const PerformanceMetrics& metrics() const {
    sync();
    return *metrics_;
  }
  BioXenHypervisor& hypervisor() const noexcept { return hv_; }
  const MonitorOptions& options() const noexcept { return options_; }

 private:
  /// Records the sampled latencies and every failure (with its code) of the hypervisor's
  /// operations. Shares ownership of the metrics, so a callback still in flight after the
  /// monitor is gone stays safe.
  class Observer final : public HypervisorObserver {
   public:
    Observer(std::shared_ptr<PerformanceMetrics> metrics, std::uint32_t period)
        : metrics_(std::move(metrics)), period_(period) {}
    ObserverOptions options() const override {
      ObserverOptions o;
      o.operation_sample_period = period_;
      o.quanta = false;  // the quantum totals come from the hypervisor's counters
      return o;
    }
    void on_operation(const OperationEvent& e) override {
      try {
        if (e.timed) {
          metrics_->record_latency(e.operation, std::chrono::duration<double>(e.latency).count());
        }
        // Successes are counted from the counters; failures here, for their error codes.
        if (!e.success) metrics_->count_operations(e.operation, 1, false, e.error);
      } catch (...) {  // NOLINT(bugprone-empty-catch): never fail the observed operation
      }
    }

   private:
    std::shared_ptr<PerformanceMetrics> metrics_;
    std::uint32_t period_;
  };

  /// Adds to the metrics what the hypervisor's counters gained since the last sync: the
  /// successes of each operation and the quantum sums.
  void sync() const {
    std::lock_guard lock(sync_mutex_);  // then the hypervisor's: reads arrive in order
    const HypervisorCounters now = hv_.counters();
    std::array<OperationCount, all_hypervisor_operations.size()> gained{};
    std::size_t kinds = 0;
    for (HypervisorOperation op : all_hypervisor_operations) {
      const std::uint64_t before = synced_.operation(op).succeeded;
      const std::uint64_t after = now.operation(op).succeeded;
      if (after > before) gained[kinds++] = OperationCount{to_string(op), after - before};
    }
    metrics_->count_operations(std::span<const OperationCount>(gained.data(), kinds));
    const QuantumTotals& a = synced_.quanta;
    const QuantumTotals& b = now.quanta;
    if (b.quanta > a.quanta) {
      metrics_->record_quanta(
          QuantumTotals{b.quanta - a.quanta, b.context_switches - a.context_switches,
                        b.throttle_events - a.throttle_events, b.amino_acids - a.amino_acids,
                        b.ribosome_unit_quanta - a.ribosome_unit_quanta,
                        b.host_state_changes - a.host_state_changes});
    }
    synced_ = now;
  }

  struct Previous {
    double running_seconds = 0.0;
    double ribosome_seconds = 0.0;
    std::uint64_t generation = 0;  ///< the sample that last saw the VM
  };

  /// The VM counts of a reading without list_vms(): from the allocator's totals.
  static void without_vms(const SystemResources& r, std::uint64_t& vms, std::uint64_t& running,
                          std::uint64_t& omitted) noexcept {
    vms = r.total_vms > 0 ? static_cast<std::uint64_t>(r.total_vms) : 0;
    running = r.active_vms > 0 ? static_cast<std::uint64_t>(r.active_vms) : 0;
    omitted = vms;
  }

  bool start_impl(std::chrono::nanoseconds interval) {
    std::lock_guard control(control_mutex_);
    if (thread_.joinable()) return false;
    thread_ = std::jthread([this, interval](const std::stop_token& stop) { run(stop, interval); });
    interval_ns_.store(interval.count(), std::memory_order_release);
    running_.store(true, std::memory_order_release);
    return true;
  }

  void run(const std::stop_token& stop, std::chrono::nanoseconds interval) {
    auto next = std::chrono::steady_clock::now();
    while (!stop.stop_requested()) {
      try {
        sample_now();
      } catch (...) {
        sample_errors_.fetch_add(1, std::memory_order_relaxed);
      }
      // Fixed-rate deadlines; after an overrun the next sample is one interval from now
      // (no burst of catch-up samples).
      const auto now = std::chrono::steady_clock::now();
      next += interval;
      if (next <= now) next = now + interval;
      std::unique_lock lock(wake_mutex_);
      wake_.wait_until(lock, stop, next, [] { return false; });
    }
  }

  BioXenHypervisor& hv_;
  MonitorOptions options_;
  std::shared_ptr<PerformanceMetrics> metrics_;
  std::shared_ptr<Observer> observer_;
  mutable std::mutex sync_mutex_;      ///< serialises sync()
  mutable HypervisorCounters synced_;  ///< the counters the metrics have seen (sync_mutex_)

  mutable std::mutex history_mutex_;
  detail::RingBuffer<MonitorSample> history_;

  std::mutex sampler_mutex_;  ///< serialises samplers; guards previous_* and vms_
  /// The last sample's VM list, reused by the next (kept only up to this many VMs, ~20 MB).
  static constexpr std::size_t kKeptStatuses = std::size_t{1} << 16;
  std::vector<VmStatus> vms_;
  std::unordered_map<std::string, Previous> previous_;
  std::uint64_t generation_ = 0;
  std::optional<std::int64_t> previous_time_us_;

  std::chrono::steady_clock::time_point start_;
  std::atomic<std::uint64_t> sample_errors_{0};
  std::atomic<std::int64_t> interval_ns_{0};
  std::atomic<bool> running_{false};

  std::mutex control_mutex_;  ///< serialises start/stop
  std::mutex wake_mutex_;
  std::condition_variable_any wake_;
  std::jthread thread_;  ///< last: destroyed (stopped and joined) first
};

}  // namespace bioxen
