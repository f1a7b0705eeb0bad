// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// The cost of monitoring: hypervisor operation throughput with no monitor, with a
// ProductionMonitor attached (observer only), and with one sampling every millisecond on its
// background thread; plus the monitor's own costs (recording, sampling, exporting).
//
//   bench_monitor --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// Results and the exact command: docs/PERFORMANCE.md, section "Monitoring overhead".
#include <benchmark/benchmark.h>

#include <bioxen/bioxen.hpp>
#include <chrono>
#include <memory>
#include <stop_token>
#include <string>
#include <thread>

#include "bench_support.hpp"

namespace {

using namespace std::chrono_literals;

enum Mode : int {
  no_monitor = 0,
  attached = 1,
  sampling_1ms = 2,
  noop_observer = 3,
  attached_every_op = 4,
  sampling_1ms_totals = 5,
  wakeups_1ms = 6
};

/// An observer that does nothing: isolates the hypervisor's share of the cost (timing the
/// operation, building the event, calling observers) from the monitor's.
struct NoopObserver final : bioxen::HypervisorObserver {
  void on_operation(const bioxen::OperationEvent& /*event*/) override {}
  void on_quantum(const bioxen::QuantumEvent& /*event*/) override {}
};

/// Keeps whatever a mode attached alive for the benchmark's duration and detaches it after.
struct Attachment {
  bioxen::BioXenHypervisor* hv = nullptr;
  std::unique_ptr<bioxen::ProductionMonitor> monitor;
  std::shared_ptr<NoopObserver> noop;
  std::jthread waker;  ///< control: wakes every millisecond and does nothing
  Attachment() = default;
  Attachment(const Attachment&) = delete;
  Attachment& operator=(const Attachment&) = delete;
  ~Attachment() {
    if (noop) hv->remove_observer(noop);
  }
};

const char* mode_label(std::int64_t mode) {
  switch (mode) {
    case no_monitor:
      return "no monitor";
    case attached:
      return "monitor attached";
    case noop_observer:
      return "no-op observer";
    case attached_every_op:
      return "monitor attached, every operation timed";
    case sampling_1ms_totals:
      return "monitor sampling every 1 ms, sample_vms = false";
    case wakeups_1ms:
      return "no monitor, a thread waking every 1 ms";
    default:
      return "monitor sampling every 1 ms";
  }
}

/// What the benchmark's mode attaches: nothing, a monitor (default options: one operation in
/// 256 of each kind timed), a monitor sampling every 1 ms, a no-op observer (every operation
/// timed and reported), a monitor timing every operation, or a monitor sampling every 1 ms
/// without listing the VMs (MonitorOptions::sample_vms = false); or, as a control, no monitor
/// but a thread that wakes every millisecond and does nothing.
std::unique_ptr<Attachment> attach(bioxen::BioXenHypervisor& hv, std::int64_t mode) {
  auto a = std::make_unique<Attachment>();
  a->hv = &hv;
  if (mode == attached || mode == sampling_1ms || mode == attached_every_op ||
      mode == sampling_1ms_totals) {
    bioxen::MonitorOptions options;
    if (mode == attached_every_op) options.latency_sample_period = 1;
    if (mode == sampling_1ms_totals) options.sample_vms = false;
    a->monitor = std::make_unique<bioxen::ProductionMonitor>(hv, options);
    if (mode == sampling_1ms || mode == sampling_1ms_totals) a->monitor->start_monitoring(1ms);
  } else if (mode == wakeups_1ms) {
    a->waker = std::jthread([](const std::stop_token& stop) {
      auto next = std::chrono::steady_clock::now();
      while (!stop.stop_requested()) {
        next += 1ms;
        std::this_thread::sleep_until(next);
      }
    });
  } else if (mode == noop_observer) {
    a->noop = std::make_shared<NoopObserver>();
    hv.add_observer(a->noop);
  }
  return a;
}

bioxen::ProductionConfig bench_config(bioxen::SchedulerPolicy policy) {
  bioxen::ProductionConfig cfg;
  cfg.scheduler_policy = policy;
  cfg.max_vms = 8;
  return cfg;
}

/// One VM's whole life: create, start, pause, resume, stop, destroy (6 operations), next to
/// three running VMs, so that sampling has something to list.
void BM_LifecycleCycle(benchmark::State& state) {
  bioxen::BioXenHypervisor hv{bench_config(bioxen::SchedulerPolicy::round_robin),
                              bioxen::ChassisType::ecoli};
  for (int i = 0; i < 3; ++i) {
    const std::string id = "background" + std::to_string(i);
    hv.create_vm(id, "syn3a_recoded");
    hv.start_vm(id);
  }
  auto att = attach(hv, state.range(0));
  for (auto _ : state) {
    hv.create_vm("bench", "syn3a_recoded");
    hv.start_vm("bench");
    hv.pause_vm("bench");
    hv.resume_vm("bench");
    hv.stop_vm("bench");
    hv.destroy_vm("bench");
  }
  state.SetItemsProcessed(state.iterations() * 6);
  state.SetLabel(mode_label(state.range(0)));
  if (att->monitor) state.counters["samples"] = static_cast<double>(att->monitor->samples_taken());
}
BENCHMARK(BM_LifecycleCycle)
    ->Arg(no_monitor)
    ->Arg(noop_observer)
    ->Arg(attached_every_op)
    ->Arg(attached)
    ->Arg(sampling_1ms)
    ->Arg(wakeups_1ms);

/// The cheapest observed operations: pause + resume of a running VM (2 operations).
void BM_PauseResume(benchmark::State& state) {
  bioxen::BioXenHypervisor hv{bench_config(bioxen::SchedulerPolicy::round_robin),
                              bioxen::ChassisType::ecoli};
  hv.create_vm("vm", "syn3a_recoded");
  hv.start_vm("vm");
  auto att = attach(hv, state.range(0));
  for (auto _ : state) {
    hv.pause_vm("vm");
    hv.resume_vm("vm");
  }
  state.SetItemsProcessed(state.iterations() * 2);
  state.SetLabel(mode_label(state.range(0)));
}
BENCHMARK(BM_PauseResume)
    ->Arg(no_monitor)
    ->Arg(noop_observer)
    ->Arg(attached_every_op)
    ->Arg(attached)
    ->Arg(sampling_1ms)
    ->Arg(wakeups_1ms);

/// One scheduler quantum under fair share (every running VM works every quantum). Args: mode,
/// running VMs. The observer's cost per quantum is fixed; the quantum's grows with the VMs.
void BM_RunScheduler(benchmark::State& state) {
  const std::int64_t running = state.range(1);
  bioxen::BioXenHypervisor hv{
      bioxen_bench::scale_config(bioxen::SchedulerPolicy::fair_share, 20000),
      bioxen_bench::scale_chassis()};
  for (std::int64_t i = 0; i < running; ++i) {
    hv.create_vm(bioxen_bench::vm_id(i), "syn3a_recoded");
    hv.start_vm(bioxen_bench::vm_id(i));
  }
  hv.run_scheduler();  // let the policy build its plan
  auto att = attach(hv, state.range(0));
  for (auto _ : state) hv.run_scheduler();
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(mode_label(state.range(0)));
  state.counters["running"] = static_cast<double>(running);
  if (att->monitor) state.counters["samples"] = static_cast<double>(att->monitor->samples_taken());
}
BENCHMARK(BM_RunScheduler)
    ->ArgsProduct({{no_monitor, noop_observer, attached_every_op, attached, sampling_1ms,
                    sampling_1ms_totals, wakeups_1ms},
                   {4, 256, 4096}});

/// PerformanceMetrics::record_operation alone (what the observer does per operation).
void BM_RecordOperation(benchmark::State& state) {
  bioxen::PerformanceMetrics m;
  const std::chrono::nanoseconds latency{1234};
  for (auto _ : state) m.record_operation("start_vm", latency, true);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RecordOperation);

/// A hypervisor with `n` created VMs (no reservation), for the sampling benchmarks.
std::unique_ptr<bioxen::BioXenHypervisor> hypervisor_with(int n) {
  bioxen::ProductionConfig cfg = bench_config(bioxen::SchedulerPolicy::fair_share);
  cfg.max_vms = n;
  bioxen::ResourceAllocation none;
  none.ribosomes = 0;
  none.atp_percentage = 0.0;
  // Genome space is physical (4,642 kb on E. coli): the scale chassis holds any number.
  auto hv = std::make_unique<bioxen::BioXenHypervisor>(cfg, bioxen_bench::scale_chassis());
  for (int i = 0; i < n; ++i) hv->create_vm("vm" + std::to_string(i), "syn3a_recoded", none);
  return hv;
}

/// One sample (get_system_resources + list_vms + shares + history) with N VMs.
void BM_SampleNow(benchmark::State& state) {
  auto hv = hypervisor_with(static_cast<int>(state.range(0)));
  bioxen::ProductionMonitor mon{*hv};
  for (auto _ : state) benchmark::DoNotOptimize(mon.sample_now());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SampleNow)->Arg(4)->Arg(64)->Arg(1024);

/// The hypervisor's part of a sample: get_system_resources + list_vms with N VMs.
void BM_SampleReadsOnly(benchmark::State& state) {
  auto hv = hypervisor_with(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    benchmark::DoNotOptimize(hv->get_system_resources());
    benchmark::DoNotOptimize(hv->list_vms());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SampleReadsOnly)->Arg(4)->Arg(64)->Arg(1024);

/// A Prometheus scrape: get_performance_summary() + to_prometheus() with 4 VMs and 6
/// operations recorded.
void BM_PrometheusScrape(benchmark::State& state) {
  bioxen::BioXenHypervisor hv;
  bioxen::ProductionMonitor mon{hv};
  for (int i = 0; i < 4; ++i) {
    const std::string id = "vm" + std::to_string(i);
    hv.create_vm(id, "syn3a_recoded");
    hv.start_vm(id);
    hv.pause_vm(id);
    hv.resume_vm(id);
  }
  hv.stop_vm("vm0");
  hv.destroy_vm("vm0");
  for (auto _ : state) benchmark::DoNotOptimize(mon.to_prometheus());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PrometheusScrape);

}  // namespace

/// Every mode runs in a multi-threaded process: glibc's malloc takes a faster path while a
/// process has never had a second thread, and the first sampling thread would otherwise
/// charge the end of that path (about 30 ns per life cycle here) to the monitor.
int main(int argc, char** argv) {
  std::thread([] {}).join();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
