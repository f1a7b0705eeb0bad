// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// `bioxen sweep SWEEP.json [--out results.csv] [--jsonl results.jsonl] [--jobs N] [--resume |
// --overwrite] [--json] [--no-progress]`: runs every point of a parameter sweep on a pool of
// threads and writes one row per point, in point order.
#include <fmt/core.h>
#include <fmt/format.h>
#include <bioxen/sweep.hpp>
#include <bioxen/version.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "commands.hpp"
#include "common.hpp"
#include "detail/text_io.hpp"
#include "progress.hpp"
#include "scenario.hpp"
#include "sweep_output.hpp"
#include "sweep_report.hpp"

#if BIOXEN_HAVE_MPI
#define OMPI_SKIP_MPICXX 1  // the C API only (OpenMPI's C++ bindings are deprecated)
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

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
  std::string report;
  std::string report_x;
  std::string report_lines;
  std::vector<std::string> report_metrics;
  std::string report_reference;
};

/// The metrics a sweep report charts unless --report-metrics names others.
const std::vector<std::string>& default_report_metrics() {
  static const std::vector<std::string> names = {"host_growth_rate_per_h", "host_slowdown",
                                                 "guest_translation_fraction", "jain_fairness"};
  return names;
}

/// The sweep report's chart: the options, or the first parameter against the default metrics
/// with, when the sweep has two parameters or more, one line per value of the first other
/// parameter. A column the results lack is a usage error
/// naming the columns there are.
SweepChartSpec report_chart(const SweepOptions& o, const Sweep& sweep,
                            const SweepColumns& columns) {
  SweepChartSpec spec;
  spec.x = !o.report_x.empty() ? o.report_x : columns.names.at(1);
  if (!o.report_lines.empty()) {
    spec.lines = o.report_lines;
  } else if (sweep.parameters.size() >= 2) {
    // The first parameter that is not on the x axis.
    for (std::size_t k = 0; k < sweep.parameters.size(); ++k) {
      if (columns.names.at(1 + k) != spec.x) {
        spec.lines = columns.names.at(1 + k);
        break;
      }
    }
  }
  if (spec.lines == spec.x) spec.lines.clear();
  spec.metrics = o.report_metrics.empty() ? default_report_metrics() : o.report_metrics;
  const auto missing = missing_chart_columns(spec, columns.names);
  if (!missing.empty()) {
    throw CommandError(
        exit_usage, BioXenErrorCode::invalid_argument,
        fmt::format("the report names columns this sweep's results do not have: {} (the "
                    "columns: {})",
                    fmt::join(missing, ", "), fmt::join(columns.names, ", ")),
        {{"columns", columns.names}});
  }
  return spec;
}

/// Writes the sweep report of the rows in `results` (all the points, or those run before an
/// interruption).
void write_report(const SweepOptions& o, const Sweep& sweep, const SweepResults& results,
                  const SweepChartSpec& chart, const std::optional<ColumnTable>& reference,
                  std::uint64_t failed, double seconds) {
  SweepReportData d;
  d.title = fmt::format("BioXen sweep: {}", sweep.name.empty() ? o.sweep : sweep.name);
  std::vector<std::string> parameter_names;
  for (const auto& p : sweep.parameters) parameter_names.push_back(p.name);
  d.subtitle = fmt::format("{} points ({}) over {}{}", format_count(sweep.point_count()),
                           to_string(sweep.combination), fmt::join(parameter_names, ", "),
                           sweep.description.empty() ? std::string() : ". " + sweep.description);
  d.generator = fmt::format("bioxen {} from {}", bioxen::version(), o.sweep);
  d.highlights = {{"points", format_count(sweep.point_count())},
                  {"with results", format_count(results.size())},
                  {"failed", format_count(failed)},
                  {"wall time", fmt::format("{:.1f} s", seconds)}};
  d.chart = chart;
  d.results = parse_column_table(results.csv_text(), o.sweep);
  d.reference = reference;
  if (reference) {
    d.reference_label =
        fmt::format("reference: {}", std::filesystem::path(o.report_reference).filename().string());
  }
  write_sweep_report(o.report, d);
}

/// Set by SIGINT while a sweep runs: no further point starts.
std::atomic<bool> sweep_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);

void on_sweep_sigint(int /*signal*/) { sweep_interrupted.store(true); }

/// For the life of the object SIGINT (Ctrl-C) stops the sweep between points: the running
/// points finish and their rows are written. The previous action is restored at the end.
class SweepSigint {
 public:
  SweepSigint() : scope_(SIGINT, on_sweep_sigint) { sweep_interrupted.store(false); }

 private:
  ScopedSigaction scope_;
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

#if BIOXEN_HAVE_MPI
/// Whether an MPI launcher (mpirun/mpiexec of Open MPI, or a PMI/PMIx launcher such as
/// Slurm's srun) started this process: only then does the sweep initialise MPI, so a plain
/// `bioxen sweep` never does.
bool launched_by_mpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"}) {
    if (std::getenv(v) != nullptr) return true;
  }
  return false;
}

/// MPI for the life of the object (MPI_THREAD_FUNNELED: only this thread calls MPI).
class MpiSession {
 public:
  MpiSession() {
    int provided = 0;
    if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS ||
        provided < MPI_THREAD_FUNNELED) {
      throw CommandError(exit_runtime, BioXenErrorCode::io_error,
                         "MPI_Init_thread failed (MPI_THREAD_FUNNELED is needed)");
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiSession() { MPI_Finalize(); }
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const noexcept { return rank_; }
  int size() const noexcept { return size_; }

 private:
  int rank_ = 0;
  int size_ = 1;
};

constexpr int tag_row = 1;   ///< finished points: index, then its CSV and JSON-line rows
constexpr int tag_done = 2;  ///< a rank finished: points run and failed
constexpr int tag_ask = 3;   ///< a rank asks rank 0 for points
constexpr int tag_give = 4;  ///< rank 0's answer: point indices (none: there are no more)

/// A finished point on its way from a worker thread to the thread that talks MPI.
struct FinishedPoint {
  std::uint64_t index = 0;
  bool failed = false;
  std::string csv;
  std::string jsonl;
};

/// What the worker threads of run_sweep() and the thread that talks MPI share: the rows of
/// finished points (workers to MPI) and, on the ranks other than 0, the points rank 0 gave
/// this rank (MPI to workers). One lock and one condition for both, so that a worker about to
/// run dry wakes the MPI thread at once.
class RowQueue {
 public:
  void push(FinishedPoint p) {
    {
      const std::lock_guard lock{mutex_};
      rows_.push_back(std::move(p));
    }
    cv_.notify_all();
  }
  void close() {
    {
      const std::lock_guard lock{mutex_};
      closed_ = true;
    }
    cv_.notify_all();
  }
  /// What is queued, after waiting up to `wait` for rows, the end, or (`low` > 0) fewer than
  /// `low` points left to run; `closed` says whether no more rows will come.
  std::deque<FinishedPoint> take(std::chrono::milliseconds wait, bool& closed,
                                 std::size_t low = 0) {
    std::unique_lock lock{mutex_};
    cv_.wait_for(lock, wait, [&] {
      return closed_ || !rows_.empty() || (!supply_ended_ && points_.size() < low);
    });
    std::deque<FinishedPoint> out;
    out.swap(rows_);
    closed = closed_;
    return out;
  }

  /// Points to run (empty: there are no more).
  void give(const std::vector<std::uint64_t>& points) {
    {
      const std::lock_guard lock{mutex_};
      if (points.empty()) supply_ended_ = true;
      points_.insert(points_.end(), points.begin(), points.end());
    }
    cv_.notify_all();
  }
  /// Points given and not yet taken.
  std::size_t points_left() {
    const std::lock_guard lock{mutex_};
    return points_.size();
  }
  /// A worker's next point (SweepRunOptions::next_point): waits until one is given or there
  /// are no more, or `stop` is set.
  std::optional<std::uint64_t> next_point(const std::atomic<bool>* stop) {
    std::unique_lock lock{mutex_};
    cv_.notify_all();  // the MPI thread may be waiting for a worker to run low
    while (points_.empty() && !supply_ended_) {
      if (stop != nullptr && stop->load()) return std::nullopt;
      cv_.wait_for(lock, std::chrono::milliseconds{20});
    }
    if (points_.empty()) return std::nullopt;
    const std::uint64_t i = points_.front();
    points_.pop_front();
    return i;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<FinishedPoint> rows_;
  bool closed_ = false;
  std::deque<std::uint64_t> points_;
  bool supply_ended_ = false;
};

/// Rank 0's points not yet given out, shared as ranks ask: guided self-scheduling, each
/// answer a share of what is left (half of it divided by the ranks, 1 to 1024 points), so that
/// the first answers are large (few messages) and the last ones small (the ranks finish
/// together, whatever their speed or the points' cost).
class PointDealer {
 public:
  PointDealer(std::vector<std::uint64_t> points, int ranks)
      : points_(std::move(points)), ranks_(static_cast<std::size_t>(ranks)) {}

  std::vector<std::uint64_t> deal() {
    const std::lock_guard lock{mutex_};
    if (ended_) return {};
    const std::size_t left = points_.size() - next_;
    const std::size_t n =
        std::min<std::size_t>(left, std::clamp<std::size_t>(left / (2 * ranks_), 1, 1024));
    std::vector<std::uint64_t> out(points_.begin() + static_cast<std::ptrdiff_t>(next_),
                                   points_.begin() + static_cast<std::ptrdiff_t>(next_ + n));
    next_ += n;
    return out;
  }
  /// One point for rank 0's own threads.
  std::optional<std::uint64_t> one() {
    const std::lock_guard lock{mutex_};
    if (ended_ || next_ == points_.size()) return std::nullopt;
    return points_[next_++];
  }
  /// Gives out nothing more (rank 0 stops or failed).
  void end() {
    const std::lock_guard lock{mutex_};
    ended_ = true;
  }

 private:
  std::mutex mutex_;
  std::vector<std::uint64_t> points_;
  std::size_t next_ = 0;
  std::size_t ranks_;
  bool ended_ = false;
};

std::string pack(const FinishedPoint& p) {
  std::string out(sizeof(std::uint64_t) * 3 + 1, '\0');
  const std::uint64_t header[3] = {p.index, p.csv.size(), p.jsonl.size()};
  std::memcpy(out.data(), header, sizeof header);
  out[sizeof header] = p.failed ? 1 : 0;
  return out + p.csv + p.jsonl;
}

/// The points of a message of packed points (pack() one after another).
std::vector<FinishedPoint> unpack(const std::string& bytes) {
  std::vector<FinishedPoint> out;
  std::size_t pos = 0;
  constexpr std::size_t head = sizeof(std::uint64_t) * 3 + 1;
  while (pos < bytes.size()) {
    std::uint64_t header[3] = {};
    if (bytes.size() - pos < head) throw std::runtime_error("a short MPI message");
    std::memcpy(header, bytes.data() + pos, sizeof header);
    if (header[1] > bytes.size() - pos - head ||
        header[2] > bytes.size() - pos - head - header[1]) {
      throw std::runtime_error("an MPI message of the wrong size");
    }
    FinishedPoint p;
    p.index = header[0];
    p.failed = bytes[pos + sizeof header] != 0;
    p.csv = bytes.substr(pos + head, header[1]);
    p.jsonl = bytes.substr(pos + head + header[1], header[2]);
    pos += head + header[1] + header[2];
    out.push_back(std::move(p));
  }
  return out;
}

/// Waits for `request` without spinning: Open MPI's blocking calls poll a core at full speed,
/// which a rank that waits (for rank 0's last points, for its sends to be received) would take
/// from the worker threads of the ranks still running.
void wait_politely(MPI_Request& request) {
  for (;;) {
    int done = 0;
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    if (done != 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds{1});
  }
}

/// MPI_Bcast and MPI_Barrier of MPI_COMM_WORLD, waited for without spinning (wait_politely()).
void polite_bcast(void* data, int count, MPI_Datatype type) {
  MPI_Request request = MPI_REQUEST_NULL;
  MPI_Ibcast(data, count, type, 0, MPI_COMM_WORLD, &request);
  wait_politely(request);
}
void polite_barrier() {
  MPI_Request request = MPI_REQUEST_NULL;
  MPI_Ibarrier(MPI_COMM_WORLD, &request);
  wait_politely(request);
}

/// Runs the points on every rank's threads. Rank 0 holds the points still to run and gives
/// them out as ranks ask (PointDealer), its own threads included, so that every rank works
/// until the last point whatever its speed; it receives every other rank's rows, adds them to
/// `results` and publishes. The others ask for points before they run dry and send their rows
/// to rank 0. Returns the summary over all ranks (on rank 0; the others: their own).
SweepRunSummary run_distributed(const MpiSession& mpi, const Sweep& sweep,
                                const SweepColumns& columns, SweepResults& results,
                                SweepRunOptions ro, bool files, ProgressBar& bar) {
  const bool root = mpi.rank() == 0;
  RowQueue queue;
  std::optional<PointDealer> dealer;
  if (root) {
    dealer.emplace(sweep_points_to_run(sweep, ro), mpi.size());
    ro.next_point = [&] { return dealer->one(); };
  } else {
    ro.next_point = [&queue, stop = ro.stop] { return queue.next_point(stop); };
  }
  const std::size_t jobs =
      ro.jobs != 0 ? ro.jobs : std::max(1U, std::thread::hardware_concurrency());
  SweepRunSummary local;
  std::exception_ptr failure;
  std::thread runner([&] {
    try {
      local = run_sweep(
          sweep, scenario_point_function(sweep),
          [&](SweepPointResult&& r) {
            queue.push(
                {r.index, !r.ok(), sweep_csv_row(sweep, columns, r), sweep_jsonl_row(sweep, r)});
          },
          ro);
    } catch (...) {
      failure = std::current_exception();
      if (dealer) dealer->end();
    }
    queue.close();
  });
  SweepRunSummary total;
  std::uint64_t done = 0;
  bool local_closed = false;
  int ranks_done = 1;  // this rank counts when its queue closes
  bool local_counted = false;
  // Messages leave without blocking (a blocking MPI_Send above the eager limit spins until the
  // receiver posts its receive); each buffer lives (a deque keeps it in place) until its send
  // completes.
  std::deque<std::pair<std::string, MPI_Request>> sending;
  const auto send = [&](std::string bytes, int to, int tag) {
    auto& [buffer, request] = sending.emplace_back(std::move(bytes), MPI_REQUEST_NULL);
    MPI_Isend(buffer.data(), static_cast<int>(buffer.size()), MPI_BYTE, to, tag, MPI_COMM_WORLD,
              &request);
  };
  const auto reap = [&] {
    while (!sending.empty()) {
      int sent = 0;
      MPI_Test(&sending.front().second, &sent, MPI_STATUS_IGNORE);
      if (sent == 0) return;
      sending.pop_front();
    }
  };
  // A rank other than 0 asks again when fewer points are left than its threads, or than half
  // of the last answer, would run before the next one comes.
  bool asked = false;
  bool supply_ended = false;
  std::size_t last_given = 0;
  const auto receive = [&](const MPI_Status& st) {
    int bytes = 0;
    MPI_Get_count(&st, MPI_BYTE, &bytes);
    std::string buffer(static_cast<std::size_t>(bytes), '\0');
    MPI_Recv(buffer.data(), bytes, MPI_BYTE, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD,
             MPI_STATUS_IGNORE);
    return buffer;
  };
  try {
    while (!local_closed || (root && ranks_done < mpi.size())) {
      const std::size_t low =
          root || asked || supply_ended ? 0 : std::max(2 * jobs, last_given / 2);
      // Rank 0 answers within 2 ms; the others wake for their rows, or a worker running low.
      const auto wait = std::chrono::milliseconds{root || asked ? 2 : 20};
      std::string batch;
      for (auto& p : queue.take(wait, local_closed, low)) {
        if (root) {
          results.add(p.index, std::move(p.csv), std::move(p.jsonl));
          bar.update(++done);
        } else {
          batch += pack(p);
        }
      }
      if (!batch.empty()) send(std::move(batch), 0, tag_row);
      if (!root && !local_closed && !asked && !supply_ended &&
          queue.points_left() < std::max(low, std::size_t{1})) {
        send(std::string(1, '\0'), 0, tag_ask);
        asked = true;
      }
      reap();
      if (local_closed && !local_counted) {
        local_counted = true;
        if (!root) {
          const std::uint64_t counts[3] = {local.run, local.failed, failure ? 1U : 0U};
          MPI_Send(counts, 3, MPI_UINT64_T, 0, tag_done, MPI_COMM_WORLD);
        }
      }
      if (root && ro.stop != nullptr && ro.stop->load()) dealer->end();
      bool received = false;
      for (;;) {  // every message waiting
        int waiting = 0;
        MPI_Status st;
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &waiting, &st);
        if (waiting == 0) break;
        received = true;
        if (!root) {  // rank 0's answer: points to run
          const std::string buffer = receive(st);
          std::vector<std::uint64_t> points(buffer.size() / sizeof(std::uint64_t));
          if (!points.empty())
            std::memcpy(points.data(), buffer.data(), points.size() * sizeof(std::uint64_t));
          queue.give(points);
          asked = false;
          last_given = points.size();
          supply_ended = points.empty();
          continue;
        }
        if (st.MPI_TAG == tag_done) {
          std::uint64_t counts[3] = {};
          MPI_Recv(counts, 3, MPI_UINT64_T, st.MPI_SOURCE, tag_done, MPI_COMM_WORLD,
                   MPI_STATUS_IGNORE);
          total.run += counts[0];
          total.failed += counts[1];
          if (counts[2] != 0) {
            throw CommandError(exit_runtime, BioXenErrorCode::io_error,
                               fmt::format("MPI rank {} failed", st.MPI_SOURCE));
          }
          ++ranks_done;
          continue;
        }
        const std::string buffer = receive(st);
        if (st.MPI_TAG == tag_ask) {
          const std::vector<std::uint64_t> points = dealer->deal();
          std::string answer(points.size() * sizeof(std::uint64_t), '\0');
          if (!points.empty()) std::memcpy(answer.data(), points.data(), answer.size());
          send(std::move(answer), st.MPI_SOURCE, tag_give);
          continue;
        }
        for (FinishedPoint& p : unpack(buffer)) {
          results.add(p.index, std::move(p.csv), std::move(p.jsonl));
          bar.update(++done);
        }
      }
      if (root && files) results.publish(std::chrono::milliseconds{1000});
      // This rank's points are done: wait for the others' without spinning (take() returns at
      // once when the queue is closed).
      if (local_closed && !received) std::this_thread::sleep_for(std::chrono::milliseconds{2});
    }
    for (auto& [bytes, request] : sending) wait_politely(request);
  } catch (...) {
    runner.join();
    throw;
  }
  runner.join();
  if (failure) std::rethrow_exception(failure);
  if (!root) return local;
  total.points = done;
  total.run += local.run;
  total.failed += local.failed;
  total.skipped = 0;
  total.stopped = local.stopped;
  return total;
}
#endif

int sweep_command(const SweepOptions& o) {
#if BIOXEN_HAVE_MPI
  std::optional<MpiSession> mpi;
  if (launched_by_mpi()) mpi.emplace();
  const int rank = mpi ? mpi->rank() : 0;
  // Output complete before a rank may exit (mpirun ends the job at the first failing exit).
  const auto finish_output = [] {
    std::fflush(stdout);
    std::fflush(stderr);
  };
  // A failure while the ranks run: rank 0's error, then every rank ends with its code (the
  // others may be waiting for rows or for rank 0).
  const auto abort_mpi_job = [&](const CommandError& e) {
    if (!mpi) return;
    if (rank == 0) {
      print_error(e);
      if (o.json) print_json(error_json(e));
    }
    finish_output();
    MPI_Abort(MPI_COMM_WORLD, e.exit_code());
  };
#else
  const int rank = 0;
  const auto abort_mpi_job = [](const CommandError&) {};
#endif
  // Before anything runs: the options, the sweep, every value, the results resumed. Under MPI
  // every rank does this and they agree on whether to go on; rank 0 reports a failure.
  std::optional<Sweep> sweep;
  std::optional<SweepColumns> columns;
  std::optional<SweepResults> results;
  SweepChartSpec chart;
  std::optional<ColumnTable> reference;
  std::uint64_t resumed = 0;
  std::exception_ptr prepare_failure;
  try {
    if (o.resume && o.out.empty() && o.jsonl.empty()) {
      throw CommandError(exit_usage, BioXenErrorCode::invalid_argument,
                         "--resume needs the results to continue: --out FILE or --jsonl FILE");
    }
    if (rank == 0) {
      check_output(o.out, o);
      check_output(o.jsonl, o);
    }
    try {
      sweep.emplace(read_sweep_file(o.sweep));
    } catch (const BioXenException& e) {
      throw CommandError(exit_invalid_input, e);
    }
    // Every value on its own: a value the scenario schema refuses is an error naming the
    // parameter and the value.
    try {
      check_sweep_values(*sweep, [&](const nlohmann::json& scenario) {
        (void)parse_scenario(scenario, sweep->base_source, sweep->base_dir);
      });
    } catch (const BioXenException& e) {
      throw CommandError(exit_invalid_input, e);
    }
    columns.emplace(sweep_columns(*sweep));
    if (!o.report.empty()) {
      chart = report_chart(o, *sweep, *columns);
      if (!o.report_reference.empty()) {
        try {
          reference.emplace(
              parse_column_table(detail::read_text_file(o.report_reference, "reference data file"),
                                 o.report_reference));
        } catch (const BioXenException& e) {
          throw CommandError(exit_invalid_input, e);
        }
        if (!reference->column(chart.x)) {
          throw CommandError(
              exit_invalid_input, BioXenErrorCode::invalid_configuration,
              fmt::format("{}: the reference data has no column '{}' (the report's x axis)",
                          o.report_reference, chart.x),
              {{"file", o.report_reference}});
        }
      }
    }
    // Only rank 0 writes the files.
    results.emplace(rank == 0 ? o.out : std::string(), rank == 0 ? o.jsonl : std::string(),
                    sweep_csv_header(*columns), *sweep);
    if (o.resume && rank == 0) {
      try {
        resumed = results->load();
      } catch (const BioXenException& e) {
        throw CommandError(exit_invalid_input, e);
      }
    }
  } catch (...) {
    prepare_failure = std::current_exception();
  }
#if BIOXEN_HAVE_MPI
  if (mpi) {
    int failed_here = prepare_failure ? 1 : 0;
    int failed_anywhere = 0;
    MPI_Allreduce(&failed_here, &failed_anywhere, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (failed_anywhere != 0) {
      // Rank 0 says why before any rank exits: mpirun ends the job when the first process
      // exits with a failure, which could be before rank 0 had printed.
      int code = exit_invalid_input;
      if (rank == 0) {
        try {
          if (prepare_failure) std::rethrow_exception(prepare_failure);
          throw CommandError(exit_runtime, BioXenErrorCode::io_error,
                             "another MPI rank could not read the sweep (is the file on every "
                             "machine, at the same path?)");
        } catch (const BioXenException& e) {
          print_error(e);
          if (o.json) print_json(error_json(e));
          code = exit_code_of(e);
        }
      }
      MPI_Bcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD);
      finish_output();
      MPI_Barrier(MPI_COMM_WORLD);
      return code;
    }
  }
#endif
  if (prepare_failure) std::rethrow_exception(prepare_failure);

  // The points that have rows (resumed), on every rank.
  std::vector<std::uint64_t> done_points;
  for (std::uint64_t i = 0; i < sweep->point_count(); ++i) {
    if (results->has(i)) done_points.push_back(i);
  }
#if BIOXEN_HAVE_MPI
  if (mpi) {
    std::uint64_t n = done_points.size();
    MPI_Bcast(&n, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    done_points.resize(n);
    if (n > 0) {
      MPI_Bcast(done_points.data(), static_cast<int>(n), MPI_UINT64_T, 0, MPI_COMM_WORLD);
    }
  }
#endif
  const std::set<std::uint64_t> done_set(done_points.begin(), done_points.end());

  SweepRunOptions ro;
  ro.jobs = o.jobs;
  ro.skip = [&](std::uint64_t i) { return done_set.count(i) != 0; };
  ro.stop = &sweep_interrupted;
  const std::uint64_t to_run = sweep->point_count() - done_set.size();
  const unsigned jobs = o.jobs != 0 ? o.jobs : std::max(1U, std::thread::hardware_concurrency());
  int ranks = 1;
#if BIOXEN_HAVE_MPI
  if (mpi) ranks = mpi->size();
#endif

  const bool files = !o.out.empty() || !o.jsonl.empty();
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t done = 0;
  SweepRunSummary summary;
  {
    const SweepSigint sigint;
    ProgressBar bar{"sweeping", to_run,
                    rank == 0 && !o.no_progress && !o.json && ProgressBar::default_enabled(),
                    std::chrono::milliseconds{150}, "points"};
    try {
      if (files && rank == 0) results->publish();  // the header (and what was resumed)
#if BIOXEN_HAVE_MPI
      if (mpi) {
        summary = run_distributed(*mpi, *sweep, *columns, *results, ro, files, bar);
      } else
#endif
      {
        summary = run_sweep(
            *sweep, scenario_point_function(*sweep),
            [&](SweepPointResult&& r) {
              results->add(r.index, sweep_csv_row(*sweep, *columns, r), sweep_jsonl_row(*sweep, r));
              if (files) results->publish(std::chrono::milliseconds{1000});
              bar.update(++done);
            },
            ro);
      }
    } catch (const BioXenException& e) {
      bar.finish();
      // Rows published so far stay; the rest are lost, and --resume runs them again.
      abort_mpi_job(CommandError(exit_runtime, e));
      throw CommandError(exit_runtime, e);
    }
    bar.finish();
    if (files && rank == 0) {
      try {
        results->publish();
      } catch (const BioXenException& e) {
        abort_mpi_job(CommandError(exit_runtime, e));
        throw CommandError(exit_runtime, e);
      }
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const bool interrupted = summary.stopped && sweep_interrupted.load();
  int code = interrupted ? exit_interrupted : summary.failed > 0 ? exit_points_failed : exit_ok;
#if BIOXEN_HAVE_MPI
  if (mpi) {
    polite_bcast(&code, 1, MPI_INT);  // every rank exits as rank 0 does
    if (rank != 0) {
      polite_barrier();  // after rank 0 has printed (see finish_output())
      return code;
    }
  }
#endif
  if (!o.report.empty()) {
    try {
      write_report(o, *sweep, *results, chart, reference, summary.failed, seconds);
    } catch (const BioXenException& e) {
      throw CommandError(exit_runtime, e);
    }
  }
  const std::string name = sweep->name.empty() ? o.sweep : sweep->name;
  if (o.json) {
    nlohmann::json j = {{"format_version", json_format_version},
                        {"sweep", name},
                        {"points", sweep->point_count()},
                        {"resumed", resumed},
                        {"run", summary.run},
                        {"failed", summary.failed},
                        {"interrupted", interrupted},
                        {"jobs", jobs},
                        {"ranks", ranks},
                        {"wall_seconds", seconds}};
    if (!o.out.empty()) j["out"] = o.out;
    if (!o.jsonl.empty()) j["jsonl"] = o.jsonl;
    if (!o.report.empty()) j["report"] = o.report;
    print_json(j);
  } else {
    if (!files) fmt::print("{}", results->csv_text());
    std::FILE* to = files ? stdout : stderr;  // stdout holds the CSV when no file is named
    fmt::print(to, "Sweep {}: {} points, {} run ({} failed){} in {:.1f} s on {} thread{}{}.\n",
               name, format_count(sweep->point_count()), format_count(summary.run),
               format_count(summary.failed),
               resumed > 0 ? fmt::format(", {} from the results resumed", format_count(resumed))
                           : std::string(),
               seconds, jobs, jobs == 1 ? "" : "s",
               ranks > 1 ? fmt::format(" in each of {} MPI processes", ranks) : std::string());
    if (!o.out.empty()) fmt::print(to, "Results (CSV) written to {}\n", o.out);
    if (!o.jsonl.empty()) fmt::print(to, "Results (JSON lines) written to {}\n", o.jsonl);
    if (!o.report.empty()) fmt::print(to, "Report (HTML) written to {}\n", o.report);
    if (interrupted) {
      fmt::print(stderr, "Interrupted: {} of {} points have results; --resume runs the rest.\n",
                 format_count(results->size()), format_count(sweep->point_count()));
    }
  }
#if BIOXEN_HAVE_MPI
  if (mpi) {
    finish_output();
    polite_barrier();
  }
#endif
  return code;
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
  auto* report = sub->add_option(
      "--report", o->report,
      "Write a self-contained HTML report with line charts of the results to this file");
  sub->add_option("--report-x", o->report_x,
                  "The report's x axis: a column of the results (default: the first parameter)")
      ->needs(report);
  sub->add_option("--report-lines", o->report_lines,
                  "One line per value of this column (default: the first other parameter)")
      ->needs(report);
  sub->add_option("--report-metrics", o->report_metrics,
                  "The columns charted, one chart each, comma-separated (default: "
                  "host_growth_rate_per_h,host_slowdown,guest_translation_fraction,jain_fairness)")
      ->delimiter(',')
      ->needs(report);
  sub->add_option("--report-reference", o->report_reference,
                  "Data drawn beside the model: a CSV or TSV file whose columns are named as "
                  "the report's")
      ->needs(report);
  sub->footer(
      "Without --out or --jsonl the CSV goes to standard output. Exit codes: 0 every point ran, "
      "5 some points failed (their rows say why), 130 interrupted (Ctrl-C; --resume "
      "continues).\n"
      "Examples: bioxen sweep examples/sweeps/growth_law.json --out growth.csv\n"
      "          bioxen sweep policies.json --jsonl policies.jsonl --jobs 2\n"
      "          bioxen sweep big.json --out big.csv --resume\n"
      "          bioxen sweep examples/sweeps/policies.json --report policies.html --report-x vms "
      "--report-lines policy\n");
  sub->callback([o, &action] {
    action = [o] { return guarded(o->json, [&] { return sweep_command(*o); }); };
  });
}

}  // namespace bioxen::cli
