// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// One scheduler quantum (run_scheduler) with 4 and with 10^4 running VMs under each policy;
// ns_per_running_vm is the quantum's cost divided by the running VMs. And the capacity the
// model reaches with four VMs at the default configuration when switches are free.
//
//   bench_scheduler --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <bioxen/bioxen.hpp>
#include <cstdint>
#include <memory>

#include "bench_support.hpp"

namespace {

constexpr bioxen::SchedulerPolicy policies[] = {bioxen::SchedulerPolicy::round_robin,
                                                bioxen::SchedulerPolicy::fair_share,
                                                bioxen::SchedulerPolicy::priority};

/// Args: policy index, running VMs, work model (0 capacity, 1 physiological). The
/// physiological runs start after 5 min of virtual time, when mRNA and chains have built up.
void BM_RunScheduler(benchmark::State& state) {
  const auto policy = policies[state.range(0)];
  const std::int64_t running = state.range(1);
  const auto model =
      state.range(2) == 0 ? bioxen::WorkModel::capacity : bioxen::WorkModel::physiological;
  bioxen::BioXenHypervisor hv{bioxen_bench::scale_config(policy, 20000, model),
                              bioxen_bench::scale_chassis()};
  for (std::int64_t i = 0; i < running; ++i) {
    hv.create_vm(bioxen_bench::vm_id(i), "syn3a_recoded");
    hv.start_vm(bioxen_bench::vm_id(i));
  }
  hv.run_quanta(model == bioxen::WorkModel::physiological ? 3000 : 1);
  for (auto _ : state) hv.run_scheduler();
  state.SetLabel(fmt::format("{} {}", bioxen::to_string(policy), bioxen::to_string(model)));
  state.counters["running"] = static_cast<double>(running);
  state.counters["ns_per_running_vm"] = benchmark::Counter(
      static_cast<double>(running),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_RunScheduler)->ArgsProduct({{0, 1, 2}, {4, 10000}, {0, 1}});

/// Four syn3a VMs on E. coli at the default configuration (max_vms = 4), switches free, 1,000
/// quanta; reports capacity = amino acids made / (units granted x aa per unit-second x time), where
/// units granted are all 68 available units for fair_share and the active VM's reservation for
/// round_robin (docs/PERFORMANCE.md).
void BM_Capacity(benchmark::State& state) {
  const auto policy = policies[state.range(0)];
  double fraction = 0;
  for (auto _ : state) {
    bioxen::ProductionConfig cfg;
    cfg.scheduler_policy = policy;
    cfg.context_switch_ms = 0;
    cfg.work_model = bioxen::WorkModel::capacity;
    bioxen::BioXenHypervisor hv{cfg, bioxen::ChassisType::ecoli};
    for (const char* id : {"a", "b", "c", "d"}) {
      hv.create_vm(id, "syn3a_recoded");
      hv.start_vm(id);
    }
    hv.run_quanta(1000);
    const double per_unit_s = hv.get_chassis_info().at("amino_acids_per_unit_second");
    double made = 0, unit_seconds = 0;
    for (const auto& st : hv.list_vms()) {
      made += static_cast<double>(st.amino_acids);
      unit_seconds += st.ribosome_seconds;
    }
    const double granted =
        policy == bioxen::SchedulerPolicy::fair_share ? 68.0 * hv.virtual_seconds() : unit_seconds;
    fraction = made / (granted * per_unit_s);
  }
  state.SetLabel(std::string(bioxen::to_string(policy)));
  state.counters["capacity_fraction"] = fraction;
}
BENCHMARK(BM_Capacity)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
