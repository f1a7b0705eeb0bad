// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// ProductionMonitor (bioxen/monitor.hpp): the observer it attaches, the sync of the metrics with
// the hypervisor's counters, the sampling thread and the scheduling computations.
#include "bioxen/monitor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <thread>
#include <unordered_map>
#include <utility>

#include "bioxen/error_details.hpp"
#include "bioxen/observer.hpp"
#include "detail/ring_buffer.hpp"

namespace bioxen {

ResourceUtilization resource_utilization_of(const SystemResources& r) noexcept {
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

namespace {

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
SharesResult service_shares(std::vector<ServiceItem> items, std::size_t limit) {
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

/// The VM counts of a reading without list_vms(): from the allocator's totals.
void without_vms(const SystemResources& r, std::uint64_t& vms, std::uint64_t& running,
                 std::uint64_t& omitted) noexcept {
  vms = r.total_vms > 0 ? static_cast<std::uint64_t>(r.total_vms) : 0;
  running = r.active_vms > 0 ? static_cast<std::uint64_t>(r.active_vms) : 0;
  omitted = vms;
}

/// Records the sampled latencies and every failure (with its code) of the hypervisor's
/// operations. Shares ownership of the metrics, so a callback still in flight after the
/// monitor is gone stays safe.
class MonitorObserver final : public HypervisorObserver {
 public:
  MonitorObserver(std::shared_ptr<PerformanceMetrics> metrics, std::uint32_t period)
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

}  // namespace

SchedulingSnapshot scheduling_snapshot(const SystemResources& resources,
                                       std::span<const VmStatus> vms, std::size_t max_vm_shares) {
  SchedulingSnapshot s;
  s.virtual_time_seconds = static_cast<double>(resources.virtual_time_us) * 1e-6;
  s.vms = vms.size();
  std::vector<ServiceItem> items;
  items.reserve(vms.size());
  for (const VmStatus& v : vms) {
    if (v.state == VMState::running) ++s.running_vms;
    s.context_switches += v.context_switches;
    s.throttle_events += v.throttle_events;
    items.push_back({&v, v.ribosome_seconds, v.running_seconds > 0.0});
  }
  SharesResult r = service_shares(std::move(items), max_vm_shares);
  s.fairness_index = r.fairness;
  s.ribosome_seconds = r.total_service;
  s.vm_shares = std::move(r.shares);
  s.omitted_vms = r.omitted;
  return s;
}

// ---------------------------------------------------------------------------------------
// ProductionMonitor
// ---------------------------------------------------------------------------------------

struct ProductionMonitor::Impl {
  Impl(BioXenHypervisor& hypervisor, const MonitorOptions& opts)
      : hv(hypervisor),
        options(opts),
        metrics(std::make_shared<PerformanceMetrics>(opts.latency_window)),
        observer(std::make_shared<MonitorObserver>(metrics, opts.latency_sample_period)),
        history(opts.history_capacity),
        start(std::chrono::steady_clock::now()) {
    if (opts.history_capacity == 0) {
      throw BioXenException(BioXenErrorCode::invalid_argument,
                            "monitor history capacity must be at least 1",
                            {{"history_capacity", opts.history_capacity}});
    }
    const std::uint32_t period = opts.latency_sample_period;
    if (!is_valid_sample_period(period)) {
      throw BioXenException(
          BioXenErrorCode::invalid_argument,
          fmt::format("latency sample period {} is not a power of two in [1, 2^20]", period),
          {{"latency_sample_period", period}});
    }
    synced = hv.counters();  // counts start when the monitor attaches
  }

  /// Adds to the metrics what the hypervisor's counters gained since the last sync: the
  /// successes of each operation and the quantum sums.
  void sync() {
    std::lock_guard lock(sync_mutex);  // then the hypervisor's: reads arrive in order
    const HypervisorCounters now = hv.counters();
    std::array<OperationCount, all_hypervisor_operations.size()> gained{};
    std::size_t kinds = 0;
    for (HypervisorOperation op : all_hypervisor_operations) {
      const std::uint64_t before = synced.operation(op).succeeded;
      const std::uint64_t after = now.operation(op).succeeded;
      if (after > before) gained[kinds++] = OperationCount{to_string(op), after - before};
    }
    metrics->count_operations(std::span<const OperationCount>(gained.data(), kinds));
    const QuantumTotals& a = synced.quanta;
    const QuantumTotals& b = now.quanta;
    if (b.quanta > a.quanta) {
      metrics->record_quanta(
          QuantumTotals{b.quanta - a.quanta, b.context_switches - a.context_switches,
                        b.throttle_events - a.throttle_events, b.amino_acids - a.amino_acids,
                        b.ribosome_unit_quanta - a.ribosome_unit_quanta,
                        b.host_state_changes - a.host_state_changes});
    }
    synced = now;
  }

  MonitorSample sample_now();

  std::uint64_t samples_taken() const {
    std::lock_guard lock(history_mutex);
    return history.total_pushed();
  }

  bool start_sampling(std::chrono::nanoseconds interval) {
    std::lock_guard control(control_mutex);
    if (thread.joinable()) return false;
    thread = std::jthread([this, interval](const std::stop_token& stop) { run(stop, interval); });
    interval_ns.store(interval.count(), std::memory_order_release);
    running.store(true, std::memory_order_release);
    return true;
  }

  bool stop_sampling() {
    std::lock_guard control(control_mutex);
    if (!thread.joinable()) return false;
    thread.request_stop();
    thread.join();
    thread = std::jthread{};
    running.store(false, std::memory_order_release);
    return true;
  }

  void run(const std::stop_token& stop, std::chrono::nanoseconds interval) {
    auto next = std::chrono::steady_clock::now();
    while (!stop.stop_requested()) {
      try {
        sample_now();
      } catch (...) {
        sample_errors.fetch_add(1, std::memory_order_relaxed);
      }
      // Fixed-rate deadlines; after an overrun the next sample is one interval from now
      // (no burst of catch-up samples).
      const auto now = std::chrono::steady_clock::now();
      next += interval;
      if (next <= now) next = now + interval;
      std::unique_lock lock(wake_mutex);
      wake.wait_until(lock, stop, next, [] { return false; });
    }
  }

  struct Previous {
    double running_seconds = 0.0;
    double ribosome_seconds = 0.0;
    std::uint64_t generation = 0;  ///< the sample that last saw the VM
  };

  BioXenHypervisor& hv;
  MonitorOptions options;
  std::shared_ptr<PerformanceMetrics> metrics;
  std::shared_ptr<MonitorObserver> observer;
  std::mutex sync_mutex;      ///< serialises sync()
  HypervisorCounters synced;  ///< the counters the metrics have seen (sync_mutex)

  mutable std::mutex history_mutex;
  detail::RingBuffer<MonitorSample> history;

  std::mutex sampler_mutex;  ///< serialises samplers; guards previous* and vms
  /// The last sample's VM list, reused by the next (kept only up to this many VMs, ~20 MB).
  static constexpr std::size_t kKeptStatuses = std::size_t{1} << 16;
  std::vector<VmStatus> vms;
  std::unordered_map<std::string, Previous> previous;
  std::uint64_t generation = 0;
  std::optional<std::int64_t> previous_time_us;

  std::chrono::steady_clock::time_point start;
  std::atomic<std::uint64_t> sample_errors{0};
  std::atomic<std::int64_t> interval_ns{0};
  std::atomic<bool> running{false};

  std::mutex control_mutex;  ///< serialises start/stop
  std::mutex wake_mutex;
  std::condition_variable_any wake;
  std::jthread thread;  ///< last: destroyed (stopped and joined) first
};

MonitorSample ProductionMonitor::Impl::sample_now() {
  // One sampler at a time, so that interval deltas are computed in order.
  std::lock_guard sampler(sampler_mutex);
  sync();
  const SystemResources r = hv.get_system_resources();
  if (options.sample_vms) {
    hv.list_vms(vms);  // reuses the last sample's vector: no allocation in steady state
  } else {
    vms.clear();
  }
  const std::vector<VmStatus>& listed = vms;

  MonitorSample s;
  s.timestamp_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  s.uptime_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  s.resource_utilization = resource_utilization_of(r);
  s.virtual_time_seconds = static_cast<double>(r.virtual_time_us) * 1e-6;
  // A clock that went back (restore()) starts a new history of deltas.
  const bool fresh = !previous_time_us.has_value() || r.virtual_time_us < *previous_time_us;
  s.interval_seconds =
      static_cast<double>(r.virtual_time_us - (fresh ? 0 : *previous_time_us)) * 1e-6;
  s.vms = listed.size();

  // The previous counters are updated in place (no allocation for a known VM); entries of
  // VMs that are gone are swept afterwards by their generation.
  ++generation;
  std::vector<ServiceItem> items;
  items.reserve(listed.size());
  for (const VmStatus& v : listed) {
    if (v.state == VMState::running) ++s.running_vms;
    s.context_switches += v.context_switches;
    s.throttle_events += v.throttle_events;
    auto [it, inserted] = previous.try_emplace(v.vm_id);
    Previous before = inserted || fresh ? Previous{} : it->second;
    // A VM whose counters went back was replaced (destroyed and created again).
    if (v.ribosome_seconds < before.ribosome_seconds ||
        v.running_seconds < before.running_seconds) {
      before = {};
    }
    items.push_back({&v, v.ribosome_seconds - before.ribosome_seconds,
                     v.running_seconds > before.running_seconds});
    it->second = Previous{v.running_seconds, v.ribosome_seconds, generation};
  }
  if (previous.size() > listed.size()) {
    std::erase_if(previous, [this](const auto& kv) { return kv.second.generation != generation; });
  }
  SharesResult shares = service_shares(std::move(items), options.max_vm_shares);
  s.fairness_index = shares.fairness;
  s.vm_shares = std::move(shares.shares);
  s.omitted_vms = shares.omitted;
  if (vms.capacity() > kKeptStatuses) std::vector<VmStatus>().swap(vms);  // bound the memory
  if (!options.sample_vms) without_vms(r, s.vms, s.running_vms, s.omitted_vms);
  s.host = hv.get_host_status();  // once per sample, O(1)
  previous_time_us = r.virtual_time_us;

  metrics->update_resource_utilization(s.resource_utilization);
  {
    std::lock_guard lock(history_mutex);
    history.push(s);
  }
  return s;
}

ProductionMonitor::ProductionMonitor(BioXenHypervisor& hypervisor, MonitorOptions options)
    : impl_(std::make_unique<Impl>(hypervisor, options)) {
  impl_->hv.add_observer(impl_->observer);
}

ProductionMonitor::~ProductionMonitor() {
  stop_monitoring();
  try {
    impl_->hv.remove_observer(impl_->observer);
  } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
  }
}

bool ProductionMonitor::start_monitoring_seconds(std::chrono::duration<double> interval) {
  if (!(interval.count() > 0.0) || interval > max_interval) {
    throw BioXenException(BioXenErrorCode::invalid_argument,
                          fmt::format("monitoring interval {} s is outside (0, {} h]",
                                      interval.count(), max_interval.count()),
                          {{"interval_seconds", interval.count()}});
  }
  return impl_->start_sampling(std::chrono::ceil<std::chrono::nanoseconds>(interval));
}

bool ProductionMonitor::start_monitoring() { return start_monitoring(default_interval); }

bool ProductionMonitor::stop_monitoring() { return impl_->stop_sampling(); }

bool ProductionMonitor::is_monitoring() const noexcept {
  return impl_->running.load(std::memory_order_acquire);
}

std::chrono::nanoseconds ProductionMonitor::interval() const noexcept {
  return std::chrono::nanoseconds(impl_->interval_ns.load(std::memory_order_acquire));
}

MonitorSample ProductionMonitor::sample_now() { return impl_->sample_now(); }

std::vector<MonitorSample> ProductionMonitor::history() const {
  std::lock_guard lock(impl_->history_mutex);
  return impl_->history.to_vector();
}

std::optional<MonitorSample> ProductionMonitor::latest_sample() const {
  std::lock_guard lock(impl_->history_mutex);
  if (impl_->history.empty()) return std::nullopt;
  return impl_->history.back();
}

std::uint64_t ProductionMonitor::samples_taken() const { return impl_->samples_taken(); }

std::uint64_t ProductionMonitor::sample_errors() const noexcept {
  return impl_->sample_errors.load(std::memory_order_relaxed);
}

PerformanceSummary ProductionMonitor::get_performance_summary() const {
  Impl& m = *impl_;
  m.sync();
  PerformanceSummary s = m.metrics->summary();
  const SystemResources r = m.hv.get_system_resources();
  const std::vector<VmStatus> vms =
      m.options.sample_vms ? m.hv.list_vms() : std::vector<VmStatus>{};
  s.resource_utilization = resource_utilization_of(r);
  s.scheduling = scheduling_snapshot(r, vms, m.options.max_vm_shares);
  if (!m.options.sample_vms) {
    without_vms(r, s.scheduling.vms, s.scheduling.running_vms, s.scheduling.omitted_vms);
  }
  s.host = m.hv.get_host_status();
  s.samples_taken = m.samples_taken();
  return s;
}

std::string ProductionMonitor::to_prometheus() const {
  return bioxen::to_prometheus(get_performance_summary());
}

PerformanceMetrics& ProductionMonitor::metrics() {
  impl_->sync();
  return *impl_->metrics;
}

const PerformanceMetrics& ProductionMonitor::metrics() const {
  impl_->sync();
  return *impl_->metrics;
}

BioXenHypervisor& ProductionMonitor::hypervisor() const noexcept { return impl_->hv; }

const MonitorOptions& ProductionMonitor::options() const noexcept { return impl_->options; }

}  // namespace bioxen
