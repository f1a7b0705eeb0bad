// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// `bioxen sweep SWEEP.json [--out results.csv] [--jsonl results.jsonl] [--jobs N] [--resume |
// --overwrite] [--json] [--no-progress]`: runs every point of a parameter sweep on a pool of
// threads and writes one row per point, in point order.
#include <fmt/core.h>
#include <bioxen/sweep.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "commands.hpp"
#include "common.hpp"
#include "progress.hpp"
#include "scenario.hpp"
#include "sweep_output.hpp"

namespace bioxen::cli {

namespace {

struct SweepOptions {
  std::string sweep;
  std::string out;
  std::string jsonl;
  unsigned jobs = 0;
  bool resume = false;
  bool overwrite = false;
  bool json = false;
  bool no_progress = false;
};

/// Set by SIGINT while a sweep runs: no further point starts.
std::atomic<bool> sweep_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);

void on_sweep_sigint(int /*signal*/) { sweep_interrupted.store(true); }

/// For the life of the object SIGINT (Ctrl-C) stops the sweep between points: the running
/// points finish and their rows are written. The previous action is restored at the end.
class SweepSigint {
 public:
  SweepSigint() {
    struct sigaction sa {};
    sa.sa_handler = on_sweep_sigint;
    sigemptyset(&sa.sa_mask);
    sweep_interrupted.store(false);
    active_ = ::sigaction(SIGINT, &sa, &old_) == 0;
  }
  ~SweepSigint() {
    if (active_) (void)::sigaction(SIGINT, &old_, nullptr);
  }
  SweepSigint(const SweepSigint&) = delete;
  SweepSigint& operator=(const SweepSigint&) = delete;

 private:
  struct sigaction old_ {};
  bool active_ = false;
};

/// Refuses to write over results that exist unless --resume or --overwrite says what to do.
void check_output(const std::string& file, const SweepOptions& o) {
  if (file.empty() || o.resume || o.overwrite) return;
  std::error_code ec;
  if (std::filesystem::exists(file, ec)) {
    throw CommandError(
        exit_usage, BioXenErrorCode::invalid_argument,
        fmt::format("'{}' exists: --resume to continue the sweep that wrote it, or --overwrite "
                    "to start again",
                    file),
        {{"file", file}});
  }
}

int sweep_command(const SweepOptions& o) {
  if (o.resume && o.out.empty() && o.jsonl.empty()) {
    throw CommandError(exit_usage, BioXenErrorCode::invalid_argument,
                       "--resume needs the results to continue: --out FILE or --jsonl FILE");
  }
  check_output(o.out, o);
  check_output(o.jsonl, o);
  const Sweep sweep = [&] {
    try {
      return read_sweep_file(o.sweep);
    } catch (const BioXenException& e) {
      throw CommandError(exit_invalid_input, e);
    }
  }();
  // Every value on its own, before anything runs: a value the scenario schema refuses is an
  // error naming the parameter and the value.
  try {
    check_sweep_values(sweep, [&](const nlohmann::json& scenario) {
      (void)parse_scenario(scenario, sweep.base_source, sweep.base_dir);
    });
  } catch (const BioXenException& e) {
    throw CommandError(exit_invalid_input, e);
  }

  const SweepColumns columns = sweep_columns(sweep);
  SweepResults results{o.out, o.jsonl, sweep_csv_header(columns), sweep};
  std::uint64_t resumed = 0;
  if (o.resume) {
    try {
      resumed = results.load();
    } catch (const BioXenException& e) {
      throw CommandError(exit_invalid_input, e);
    }
  }

  SweepRunOptions ro;
  ro.jobs = o.jobs;
  ro.skip = [&](std::uint64_t i) { return results.has(i); };
  ro.stop = &sweep_interrupted;
  const std::uint64_t to_run = sweep_points_to_run(sweep, ro).size();
  const unsigned jobs = o.jobs != 0 ? o.jobs : std::max(1U, std::thread::hardware_concurrency());

  const bool files = !o.out.empty() || !o.jsonl.empty();
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t done = 0;
  SweepRunSummary summary;
  {
    const SweepSigint sigint;
    ProgressBar bar{"sweeping", to_run, !o.no_progress && !o.json && ProgressBar::default_enabled(),
                    std::chrono::milliseconds{150}, "points"};
    if (files) results.publish();  // the header (and a resumed file, checked) from the start
    try {
      summary = run_sweep(
          sweep, [&](const SweepPoint& p) { return scenario_point_metrics(sweep, p); },
          [&](SweepPointResult&& r) {
            results.add(r.index, sweep_csv_row(sweep, columns, r), sweep_jsonl_row(sweep, r));
            if (files) results.publish(std::chrono::milliseconds{1000});
            bar.update(++done);
          },
          ro);
    } catch (const BioXenException& e) {
      bar.finish();
      // Rows published so far stay; the rest are lost, which --resume runs again.
      throw CommandError(exit_runtime, e);
    }
    bar.finish();
    if (files) {
      try {
        results.publish();
      } catch (const BioXenException& e) {
        throw CommandError(exit_runtime, e);
      }
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const bool interrupted = summary.stopped && sweep_interrupted.load();

  if (o.json) {
    nlohmann::json j = {{"format_version", json_format_version},
                        {"sweep", sweep.name.empty() ? o.sweep : sweep.name},
                        {"points", sweep.point_count()},
                        {"resumed", resumed},
                        {"run", summary.run},
                        {"failed", summary.failed},
                        {"interrupted", interrupted},
                        {"jobs", jobs},
                        {"wall_seconds", seconds}};
    if (!o.out.empty()) j["out"] = o.out;
    if (!o.jsonl.empty()) j["jsonl"] = o.jsonl;
    print_json(j);
  } else {
    if (!files) fmt::print("{}", results.csv_text());
    std::FILE* to = files ? stdout : stderr;  // stdout holds the CSV when no file is named
    fmt::print(to, "Sweep {}: {} points, {} run ({} failed){} in {:.1f} s on {} thread{}.\n",
               sweep.name.empty() ? o.sweep : sweep.name, format_count(sweep.point_count()),
               format_count(summary.run), format_count(summary.failed),
               resumed > 0 ? fmt::format(", {} from the results resumed", format_count(resumed))
                           : std::string(),
               seconds, jobs, jobs == 1 ? "" : "s");
    if (!o.out.empty()) fmt::print(to, "Results (CSV) written to {}\n", o.out);
    if (!o.jsonl.empty()) fmt::print(to, "Results (JSON lines) written to {}\n", o.jsonl);
    if (interrupted) {
      fmt::print(stderr, "Interrupted: {} of {} points have results; --resume runs the rest.\n",
                 format_count(results.size()), format_count(sweep.point_count()));
    }
  }
  if (interrupted) return exit_interrupted;
  return summary.failed > 0 ? exit_points_failed : exit_ok;
}

}  // namespace

void add_sweep_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<SweepOptions>();
  auto* sub = app.add_subcommand(
      "sweep",
      "Run a parameter sweep: a base scenario and parameters to vary, one row of results per "
      "point, on every core");
  sub->add_option("SWEEP", o->sweep, "Sweep file (JSON; schema in docs/CLI.md)")->required();
  sub->add_option("--out", o->out,
                  "Write the results as CSV to this file (one row per point, in point order)");
  sub->add_option("--jsonl", o->jsonl, "Write the results as JSON lines to this file");
  sub->add_option("--jobs,-j", o->jobs,
                  "Points run at once, one thread each (default: the hardware threads)")
      ->check(whole_number_in(1, 1024));
  auto* resume = sub->add_flag(
      "--resume", o->resume,
      "Continue the sweep that wrote --out/--jsonl: keep its rows and run the other points");
  auto* overwrite =
      sub->add_flag("--overwrite", o->overwrite, "Start again over results that exist");
  resume->excludes(overwrite);
  sub->add_flag("--json", o->json, "Print a summary as JSON on stdout");
  sub->add_flag("--no-progress", o->no_progress, "Never draw the progress bar");
  sub->footer(
      "Without --out or --jsonl the CSV goes to standard output. Exit codes: 0 every point ran, "
      "5 some points failed (their rows say why), 130 interrupted (Ctrl-C; --resume "
      "continues).\n"
      "Examples: bioxen sweep examples/sweeps/growth_law.json --out growth.csv\n"
      "          bioxen sweep policies.json --jsonl policies.jsonl --jobs 2\n"
      "          bioxen sweep big.json --out big.csv --resume\n");
  sub->callback([o, &action] {
    action = [o] { return guarded(o->json, [&] { return sweep_command(*o); }); };
  });
}

}  // namespace bioxen::cli
