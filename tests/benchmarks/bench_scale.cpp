// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Per-operation cost as the number of VMs grows from 10 to 10^6: create, get_vm_status (of a
// random VM among 4096 of the N, of any of the N on every call, and among a hot set of 64),
// get_vm_state, get_system_resources (O(1)), list_vms (per VM listed; into a fresh vector and
// into a reused one); and resident memory per idle VM (VmRSS delta over 10^5 and 10^6 fresh
// VMs).
//
//   bench_scale --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <bioxen/bioxen.hpp>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "bench_support.hpp"

namespace {

using bioxen_bench::idle_hypervisor;
using bioxen_bench::vm_id;

/// Resident memory per idle VM: first, in a fresh heap, so freed memory is not reused.
void BM_ResidentMemoryPerVm(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  double per_vm = 0, total = 0;
  for (auto _ : state) {
    const std::int64_t before = bioxen_bench::resident_bytes();
    {
      bioxen::BioXenHypervisor hv{bioxen_bench::scale_config(), bioxen_bench::scale_chassis()};
      for (std::int64_t i = 0; i < n; ++i) hv.create_vm(vm_id(i), "syn3a_recoded");
      total = static_cast<double>(bioxen_bench::resident_bytes() - before);
      per_vm = total / static_cast<double>(n);
    }
  }
  state.counters["bytes_per_vm"] = per_vm;
  state.counters["MiB_total"] = total / (1024.0 * 1024.0);
}
BENCHMARK(BM_ResidentMemoryPerVm)
    ->Arg(100000)
    ->Arg(1000000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

/// create_vm on a hypervisor holding N VMs: batches of 1,000 (timed), removed untimed.
void BM_Create(benchmark::State& state) {
  auto& hv = idle_hypervisor(state.range(0));
  constexpr int kBatch = 1000;
  std::vector<std::string> ids;
  for (int i = 0; i < kBatch; ++i) ids.push_back("new" + vm_id(i));
  for (auto _ : state) {
    for (const auto& id : ids) hv.create_vm(id, "syn3a_recoded");
    state.PauseTiming();
    for (const auto& id : ids) hv.destroy_vm(id);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_Create)->Arg(10)->Arg(1000)->Arg(100000)->Arg(1000000);

/// create_vm + destroy_vm of one VM on a hypervisor holding N VMs.
void BM_CreateDestroy(benchmark::State& state) {
  auto& hv = idle_hypervisor(state.range(0));
  for (auto _ : state) {
    hv.create_vm("transient", "syn3a_recoded");
    hv.destroy_vm("transient");
  }
  state.SetItemsProcessed(state.iterations() * 2);
}
BENCHMARK(BM_CreateDestroy)->Arg(10)->Arg(1000)->Arg(100000)->Arg(1000000);

/// get_vm_status of a random VM among 4096 drawn from the N (at scale the lookups miss the
/// first-level caches: 4096 VMs spread over all the records).
void BM_GetVmStatus(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  auto& hv = idle_hypervisor(n);
  std::vector<std::string> ids;
  std::mt19937_64 rng(1);
  for (int i = 0; i < 4096; ++i) ids.push_back(vm_id(static_cast<std::int64_t>(rng() % n)));
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(hv.get_vm_status(ids[i++ & 4095]));
}
BENCHMARK(BM_GetVmStatus)->Arg(10)->Arg(1000)->Arg(100000)->Arg(1000000);

/// get_vm_status of a VM drawn from all N on every call (2^20 draws, cycled): at 10^6 the
/// working set is every VM, so nearly every call waits for main memory.
void BM_GetVmStatusAnyOfAll(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  auto& hv = idle_hypervisor(n);
  constexpr std::size_t kDraws = std::size_t{1} << 20;
  std::vector<std::string> ids;
  ids.reserve(kDraws);
  std::mt19937_64 rng(4);
  for (std::size_t i = 0; i < kDraws; ++i) {
    ids.push_back(vm_id(static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(n))));
  }
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(hv.get_vm_status(ids[i++ & (kDraws - 1)]));
}
BENCHMARK(BM_GetVmStatusAnyOfAll)->Arg(10)->Arg(1000)->Arg(100000)->Arg(1000000);

/// get_vm_status of a random VM among 64 of the N: the algorithmic cost, without the memory
/// hierarchy's (the 64 VMs stay in cache whatever N is).
void BM_GetVmStatusHot(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  auto& hv = idle_hypervisor(n);
  std::vector<std::string> hot, ids;
  std::mt19937_64 rng(3);
  for (int i = 0; i < 64; ++i) hot.push_back(vm_id(static_cast<std::int64_t>(rng() % n)));
  for (int i = 0; i < 4096; ++i) ids.push_back(hot[rng() % hot.size()]);
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(hv.get_vm_status(ids[i++ & 4095]));
}
BENCHMARK(BM_GetVmStatusHot)->Arg(10)->Arg(1000)->Arg(100000)->Arg(1000000);

/// get_vm_state of a random VM among 4096 drawn from the N.
void BM_GetVmState(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  auto& hv = idle_hypervisor(n);
  std::vector<std::string> ids;
  std::mt19937_64 rng(2);
  for (int i = 0; i < 4096; ++i) ids.push_back(vm_id(static_cast<std::int64_t>(rng() % n)));
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(hv.get_vm_state(ids[i++ & 4095]));
}
BENCHMARK(BM_GetVmState)->Arg(10)->Arg(1000)->Arg(100000)->Arg(1000000);

/// get_system_resources with N VMs: O(1), counters only.
void BM_GetSystemResources(benchmark::State& state) {
  auto& hv = idle_hypervisor(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(hv.get_system_resources());
}
BENCHMARK(BM_GetSystemResources)->Arg(10)->Arg(1000)->Arg(100000)->Arg(1000000);

/// list_vms with N VMs; items/s counts VMs listed (the per-VM cost should stay flat).
void BM_ListVms(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  auto& hv = idle_hypervisor(n);
  for (auto _ : state) benchmark::DoNotOptimize(hv.list_vms());
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["ns_per_vm"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate |
                                                     benchmark::Counter::kInvert);
}
BENCHMARK(BM_ListVms)->Arg(10)->Arg(1000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMicrosecond);

/// list_vms(out) into a vector reused from one call to the next: the per-VM cost without the
/// fresh pages of a new 330-byte-per-VM result.
void BM_ListVmsInto(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  auto& hv = idle_hypervisor(n);
  std::vector<bioxen::VmStatus> out;
  hv.list_vms(out);
  for (auto _ : state) {
    hv.list_vms(out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["ns_per_vm"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate |
                                                     benchmark::Counter::kInvert);
}
BENCHMARK(BM_ListVmsInto)
    ->Arg(10)
    ->Arg(1000)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
