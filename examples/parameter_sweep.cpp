// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// A parameter sweep from C++, without the command-line tool: reads a sweep file (e.g. the
// growth-law sweep, examples/sweeps/growth_law.json), runs its points on every core with the
// scenario runner that `bioxen sweep` uses, and prints the host's growth against the swept
// parameters in point order.
//
//   parameter_sweep examples/sweeps/growth_law.json
#include <fmt/format.h>
#include <bioxen/scenario.hpp>
#include <bioxen/sweep.hpp>

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <utility>

namespace {

/// The metric `name` of a point, "-" when it has no number (a stalled host's doubling time).
std::string metric(const bioxen::SweepPointResult& r, const std::string& name) {
  for (const auto& m : r.metrics) {
    if (m.name == name && m.value.is_number()) return fmt::format("{:.4f}", m.value.get<double>());
  }
  return "-";
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc != 2) {
      std::fprintf(stderr, "usage: %s SWEEP.json\n", argv[0]);
      return 2;
    }
    const bioxen::Sweep sweep = bioxen::read_sweep_file(argv[1]);
    fmt::print("Sweep {}: {} points\n", sweep.name, sweep.point_count());

    // Points finish in any order on the pool; keep them by index to print in point order.
    std::map<std::uint64_t, bioxen::SweepPointResult> results;
    bioxen::SweepRunOptions options;  // jobs 0: every hardware thread
    const bioxen::SweepRunSummary summary = bioxen::run_sweep(
        sweep, bioxen::scenario_point_function(sweep),
        [&](bioxen::SweepPointResult&& r) { results.emplace(r.index, std::move(r)); }, options);

    for (const auto& p : sweep.parameters) fmt::print("{:>24} ", p.name);
    fmt::print("{:>14} {:>12}\n", "host growth/h", "guest share");
    for (const auto& [index, r] : results) {
      for (const auto& v : r.values) fmt::print("{:>24} ", v.dump());
      if (!r.ok()) {
        fmt::print("failed: {}\n", r.error_message);
        continue;
      }
      fmt::print("{:>14} {:>12}\n", metric(r, "host_growth_rate_per_h"),
                 metric(r, "guest_translation_fraction"));
    }
    fmt::print("{} points run, {} failed\n", summary.run, summary.failed);
    return summary.failed == 0 ? 0 : 1;
  } catch (const bioxen::BioXenException& e) {
    std::fprintf(stderr, "error [%s]: %s\n", bioxen::error_code_string(e.code()).c_str(),
                 e.message().c_str());
    return 1;
  }
}
