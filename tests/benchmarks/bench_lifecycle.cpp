// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// The VM life cycle: create -> start -> pause -> resume -> destroy of one VM, on a hypervisor
// that already holds N idle VMs; with and without an observer attached; and the cost of a
// failed operation through the std::error_code overload.
//
//   bench_lifecycle --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <bioxen/bioxen.hpp>
#include <memory>
#include <system_error>

#include "bench_support.hpp"

namespace {

void cycle(bioxen::BioXenHypervisor& hv) {
  hv.create_vm("cycle", "syn3a_recoded");
  hv.start_vm("cycle");
  hv.pause_vm("cycle");
  hv.resume_vm("cycle");
  hv.destroy_vm("cycle");
}

/// One cycle = 5 operations; items/s counts operations.
void BM_LifecycleCycle(benchmark::State& state) {
  auto& hv = bioxen_bench::idle_hypervisor(state.range(0));
  for (auto _ : state) cycle(hv);
  state.SetItemsProcessed(state.iterations() * 5);
  state.counters["vms"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_LifecycleCycle)->Arg(0)->Arg(1000)->Arg(100000)->Arg(1000000);

struct Noop final : bioxen::HypervisorObserver {
  void on_operation(const bioxen::OperationEvent& e) override { benchmark::DoNotOptimize(&e); }
};

/// The same with a no-op observer: the cost of timing operations and building events.
void BM_LifecycleCycleObserved(benchmark::State& state) {
  bioxen::BioXenHypervisor hv{bioxen_bench::scale_config(), bioxen_bench::scale_chassis()};
  auto obs = std::make_shared<Noop>();
  hv.add_observer(obs);
  for (auto _ : state) cycle(hv);
  state.SetItemsProcessed(state.iterations() * 5);
}
BENCHMARK(BM_LifecycleCycleObserved);

/// A failing operation (vm_not_found) through the non-throwing overload.
void BM_FailedStartWithErrorCode(benchmark::State& state) {
  bioxen::BioXenHypervisor hv;
  std::error_code ec;
  for (auto _ : state) {
    hv.start_vm("missing", ec);
    benchmark::DoNotOptimize(ec);
  }
}
BENCHMARK(BM_FailedStartWithErrorCode);

/// A state change of an existing VM (pause + resume), the cheapest hot-path pair.
void BM_PauseResume(benchmark::State& state) {
  bioxen::BioXenHypervisor hv;
  hv.create_vm("v", "syn3a_recoded");
  hv.start_vm("v");
  for (auto _ : state) {
    hv.pause_vm("v");
    hv.resume_vm("v");
  }
  state.SetItemsProcessed(state.iterations() * 2);
}
BENCHMARK(BM_PauseResume);

}  // namespace

BENCHMARK_MAIN();
