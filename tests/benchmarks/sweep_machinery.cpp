// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// The sweep machinery's cost per point (docs/PERFORMANCE.md, "Sweeps"): the points of
// tests/benchmarks/sweep_4guests.json (a 4-guest, 1-hour scenario) run
//   - BM_PointsAlone: one after another, each measured by the point function of `bioxen
//     sweep` (scenario_point_metrics(): parse_scenario(), run_scenario(), the metrics) on
//     points expanded beforehand, no sweep;
//   - BM_SweepOneThread: through run_sweep() on one thread, with each result made into its
//     CSV and JSON-line rows and added to the results (SweepResults), as `bioxen sweep` does
//     (without writing the file, which happens once a second);
//   - BM_SweepThreads/N: the same on N threads (N = 2 on the 2-core CI machine).
// The difference between the first two per point is the machinery's overhead.
// Built with the tool (it uses the tool's results rows), when BIOXEN_BUILD_BENCHMARKS is ON.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "scenario.hpp"
#include "sweep_output.hpp"

namespace {

const bioxen::Sweep& the_sweep() {
  static const bioxen::Sweep sweep = bioxen::read_sweep_file(BIOXEN_SWEEP_FILE);
  return sweep;
}

void BM_PointsAlone(benchmark::State& state) {
  const bioxen::Sweep& sweep = the_sweep();
  std::vector<bioxen::SweepPoint> points;
  for (std::uint64_t i = 0; i < sweep.point_count(); ++i)
    points.push_back(bioxen::sweep_point(sweep, i));
  for (auto _ : state) {
    for (const auto& p : points) benchmark::DoNotOptimize(bioxen::scenario_point_metrics(sweep, p));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(points.size()));
}
BENCHMARK(BM_PointsAlone)->Unit(benchmark::kMillisecond)->UseRealTime();

void sweep_on(benchmark::State& state, unsigned jobs) {
  const bioxen::Sweep& sweep = the_sweep();
  const auto columns = bioxen::cli::sweep_columns(sweep);
  for (auto _ : state) {
    bioxen::cli::SweepResults results{{}, {}, bioxen::cli::sweep_csv_header(columns), sweep};
    bioxen::SweepRunOptions o;
    o.jobs = jobs;
    (void)bioxen::run_sweep(
        sweep, bioxen::scenario_point_function(sweep),
        [&](bioxen::SweepPointResult&& r) {
          results.add(r.index, bioxen::cli::sweep_csv_row(sweep, columns, r),
                      bioxen::cli::sweep_jsonl_row(sweep, r));
        },
        o);
    benchmark::DoNotOptimize(results.csv_text());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(sweep.point_count()));
}

void BM_SweepOneThread(benchmark::State& state) { sweep_on(state, 1); }
BENCHMARK(BM_SweepOneThread)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SweepThreads(benchmark::State& state) {
  sweep_on(state, static_cast<unsigned>(state.range(0)));
}
BENCHMARK(BM_SweepThreads)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

/// The parts of the machinery on their own, per point: expanding a point (sweep_point()), and
/// making a result into its CSV and JSON-line rows.
void BM_ExpandPoint(benchmark::State& state) {
  const bioxen::Sweep& sweep = the_sweep();
  std::uint64_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(bioxen::sweep_point(sweep, i));
    i = (i + 1) % sweep.point_count();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ExpandPoint)->Unit(benchmark::kMicrosecond);

void BM_ResultRows(benchmark::State& state) {
  const bioxen::Sweep& sweep = the_sweep();
  const auto columns = bioxen::cli::sweep_columns(sweep);
  bioxen::SweepPointResult r;
  r.index = 0;
  r.values = bioxen::sweep_point(sweep, 0).values;
  r.metrics = bioxen::scenario_point_metrics(sweep, bioxen::sweep_point(sweep, 0));
  for (auto _ : state) {
    benchmark::DoNotOptimize(bioxen::cli::sweep_csv_row(sweep, columns, r));
    benchmark::DoNotOptimize(bioxen::cli::sweep_jsonl_row(sweep, r));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ResultRows)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
