// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Parameter sweeps: a base scenario (the `bioxen run` schema, docs/CLI.md) and parameters to
// vary, each a path into the scenario with a list of values or a numeric range, combined as a
// Cartesian product ("grid") or element by element ("zip"). read_sweep_file() reads and checks
// a sweep, sweep_point() gives the scenario of one point, and run_sweep() runs the points on a
// pool of threads, handing each finished point to a callback. What a point measures is the
// caller's function: `bioxen sweep` runs the scenario and reports the host and the VMs.
//
// @code
// const bioxen::Sweep sweep = bioxen::read_sweep_file("growth_law.json");
// bioxen::SweepRunOptions options;
// options.jobs = 4;
// bioxen::run_sweep(
//     sweep,
//     [](const bioxen::SweepPoint& p) {
//       // build and run what p.scenario describes; return what it measured
//       return std::vector<bioxen::SweepMetric>{{"ribosomes", p.scenario["vms"][0]["allocation"]
//                                                               ["ribosomes"]}};
//     },
//     [](bioxen::SweepPointResult&& r) { std::printf("point %llu done\n",
//                                                    static_cast<unsigned long long>(r.index)); },
//     options);
// @endcode
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bioxen/error.hpp"
#include "bioxen/export.hpp"

namespace bioxen {

// --- paths into a scenario ---------------------------------------------------------------

/// One step of a path into a scenario's JSON: an object key or an array index.
struct BIOXEN_API PathStep {
  std::string key;        ///< the key, when !is_index
  std::size_t index = 0;  ///< the index, when is_index
  bool is_index = false;
};

/// Parses a path into a scenario's JSON, written as the scenario's error messages write
/// fields: `vms[0].allocation.ribosomes`, `config.scheduler_policy`, `quanta`. A key is one or
/// more of A-Z, a-z, 0-9, `_` and `-`; an index is decimal digits in brackets; the path starts
/// with a key. A malformed path is BioXenException(invalid_argument) saying what is wrong
/// where, e.g. "'vms[x]': expected an index (digits) after '[' at position 5".
BIOXEN_API std::vector<PathStep> parse_scenario_path(std::string_view path);

/// Sets the value at `path` (parse_scenario_path()) in `scenario` to `value`. Every step but
/// the last must lead to what exists: a key into an object (a missing key followed by another
/// key becomes an empty object, so `vms[0].allocation.ribosomes` works on a VM without
/// `allocation`), an index into an array, less than its size. The last step may add a key to
/// an object, not an element to an array. Whether the result is a valid scenario is for the
/// scenario's reader to say. Errors: BioXenException(invalid_argument) naming the path and the
/// step ("there is no vms[3]: 'vms' has 2 elements (0 to 1)", "'name' is a string, not an
/// object: there is no name.x"); `scenario` is then unchanged.
BIOXEN_API void apply_scenario_override(nlohmann::json& scenario, std::string_view path,
                                        const nlohmann::json& value);

// --- sweeps ------------------------------------------------------------------------------

/// How the values of the parameters make points.
enum class SweepCombination {
  grid,  ///< every combination (Cartesian product); the last parameter varies fastest
  zip,   ///< the i-th value of every parameter together; all have the same number of values
};

/// "grid" / "zip".
BIOXEN_API std::string_view to_string(SweepCombination c) noexcept;

/// One parameter of a sweep.
struct BIOXEN_API SweepParameter {
  std::string path;                    ///< where in the scenario: "vms[0].allocation.ribosomes"
  std::string name;                    ///< its column in the results (the path unless named)
  std::vector<nlohmann::json> values;  ///< in order; a range is expanded to its values
  std::string field;                   ///< where it was declared: "parameters[1]"
};

/// The most points a sweep may have.
inline constexpr std::uint64_t max_sweep_points = 10'000'000;

/// A checked sweep (parse_sweep()).
// The implicit move constructor is noexcept, as nlohmann::json's is; clang-tidy 14 reports
// every struct with a json member that it sees moved.
// NOLINTNEXTLINE(bugprone-exception-escape)
struct BIOXEN_API Sweep {
  std::string name;
  std::string description;
  std::string source;              ///< the sweep file, for messages ("<stdin>" from a pipe)
  nlohmann::json base;             ///< the base scenario, in the `bioxen run` schema
  std::string base_source;         ///< where the base came from: "growth.json: base" or a file
  std::filesystem::path base_dir;  ///< where the base's relative paths (genome files) resolve
  std::vector<SweepParameter> parameters;
  SweepCombination combination = SweepCombination::grid;

  /// The number of points: the product of the parameters' value counts (grid) or the common
  /// count (zip). At most max_sweep_points.
  std::uint64_t point_count() const noexcept;
};

/// Builds a sweep from its JSON (schema in docs/CLI.md, "Sweep files"):
///
///     {"name": "...", "description": "...",
///      "base": {scenario} | "scenario.json",
///      "parameters": [{"path": "vms[0].allocation.ribosomes", "values": [4, 8, 16]},
///                     {"path": "chassis.doubling_time_min", "name": "doubling",
///                      "range": {"from": 20, "to": 80, "steps": 4, "scale": "log"}}],
///      "combine": "grid" | "zip", "replicates": 1}
///
/// A base named by file is read (and its relative paths resolved) from `base_dir`. A range
/// has "from", "to" (finite numbers), "steps" (2 to 100000 values, both ends included),
/// "scale" ("linear", the default, or "log", which needs positive ends) and "integer" (round
/// each value to an integer; default false; the rounded values must differ). "replicates"
/// may only be 1: runs have no random seed, so a replicate would repeat the same numbers.
///
/// Errors are BioXenException(invalid_configuration) "<source>: <field>: <why>" naming the
/// field ("parameters[1].range.steps") and, for a value, the value; details {"file",
/// "field"}. An unknown key is named with a suggestion. The base is not checked against the
/// scenario schema here (the caller's scenario reader does that, per value: see
/// check_sweep_values()).
BIOXEN_API Sweep parse_sweep(const nlohmann::json& j, std::string_view source,
                             const std::filesystem::path& base_dir);

/// Reads a sweep file (malformed JSON: BX005 "<file>:<line>:<column>: malformed JSON: ...";
/// an unreadable file: BX012), then parse_sweep() with the file's directory as base_dir.
BIOXEN_API Sweep read_sweep_file(const std::filesystem::path& file);

/// One point of a sweep.
// NOLINTNEXTLINE(bugprone-exception-escape): as for Sweep.
struct BIOXEN_API SweepPoint {
  std::uint64_t index = 0;             ///< 0 to point_count() - 1
  std::vector<nlohmann::json> values;  ///< one per parameter, in the parameters' order
  nlohmann::json scenario;             ///< the base with each parameter's value set
};

/// The point `index` (< point_count(); else invalid_argument). Grid order: the last
/// parameter varies fastest. A value whose path does not apply to the base (no vms[3]) is
/// BioXenException(invalid_configuration) "<source>: <field>: <path> = <value>: <why>".
BIOXEN_API SweepPoint sweep_point(const Sweep& sweep, std::uint64_t index);

/// Checks every value of every parameter on its own against the base, before anything runs:
/// for each value, the base with that value set is given to `check` (which throws a
/// BioXenException for a scenario it refuses, as the scenario reader does). A refusal is
/// rethrown as "<source>: <field>: <path> = <value>: <the reader's message>" with the
/// reader's code; details {"file", "field", "path", "value"}. Combinations are not checked
/// (their failures, met only when a point runs, are the point's result).
BIOXEN_API void check_sweep_values(const Sweep& sweep,
                                   const std::function<void(const nlohmann::json&)>& check);

/// One measured quantity of a point: a column of the results.
struct BIOXEN_API SweepMetric {
  std::string name;
  nlohmann::json value;  ///< a number, a string, a boolean or null
};

/// What one point gave.
struct BIOXEN_API SweepPointResult {
  std::uint64_t index = 0;
  std::vector<nlohmann::json> values;    ///< the point's parameter values
  std::optional<BioXenErrorCode> error;  ///< the code when the point failed
  std::string error_message;             ///< the failure's message, else empty
  std::vector<SweepMetric> metrics;      ///< what the point function returned (ok only)

  bool ok() const noexcept { return !error.has_value(); }
};

/// Measures one point: builds and runs what `point.scenario` describes. A BioXenException it
/// throws makes the point a failed result (its code and message); other exceptions end the
/// sweep (run_sweep() rethrows them).
using SweepPointFunction = std::function<std::vector<SweepMetric>(const SweepPoint& point)>;

/// Receives each finished point, one call at a time (never concurrently), in the order the
/// points finish. An exception it throws ends the sweep: the points running finish, no
/// further point starts, and run_sweep() rethrows it.
using SweepCallback = std::function<void(SweepPointResult&& result)>;

/// How to run a sweep.
struct BIOXEN_API SweepRunOptions {
  /// Threads; 0: std::thread::hardware_concurrency() (at least 1). Each thread runs one point
  /// at a time, so a point function needs no locking for its own objects.
  unsigned jobs = 0;
  /// Points to leave out (already done, e.g. in a resumed output); may be empty.
  std::function<bool(std::uint64_t index)> skip;
  /// Run only the points with index % shards == shard (one process of several, e.g. an MPI
  /// rank). shards >= 1, shard < shards (else invalid_argument).
  std::uint64_t shard = 0;
  std::uint64_t shards = 1;
  /// When set and it becomes true, no further point starts (the running ones finish).
  const std::atomic<bool>* stop = nullptr;
  /// When set, the points come from this function instead of shard, shards and skip: each
  /// thread calls it for its next point (never two threads at once; it may block, e.g. to ask
  /// another process for work) and stops when it gives nullopt. This is how points are shared
  /// out as threads become free across processes (`bioxen sweep` under MPI). An index outside
  /// the sweep ends the sweep with invalid_argument.
  std::function<std::optional<std::uint64_t>()> next_point;
};

/// What run_sweep() did.
struct BIOXEN_API SweepRunSummary {
  /// Points of this shard not skipped (to run); with next_point, the points it gave.
  std::uint64_t points = 0;
  std::uint64_t run = 0;      ///< points run to a result (ok or failed)
  std::uint64_t failed = 0;   ///< of those, failed
  std::uint64_t skipped = 0;  ///< points of this shard that options.skip left out
  bool stopped = false;       ///< options.stop ended it early
};

/// The indices of the points this shard runs, in order: those with index % shards == shard
/// that `skip` does not leave out.
BIOXEN_API std::vector<std::uint64_t> sweep_points_to_run(const Sweep& sweep,
                                                          const SweepRunOptions& options);

/// Runs the points of `sweep` (sweep_points_to_run()) on options.jobs threads, in index order
/// as threads become free, and hands each result to `on_point`. Which thread runs a point
/// never changes its result: a point's numbers depend on its scenario only. Returns when
/// every point has run (or options.stop, or an exception: see SweepCallback).
BIOXEN_API SweepRunSummary run_sweep(const Sweep& sweep, const SweepPointFunction& run_point,
                                     const SweepCallback& on_point,
                                     const SweepRunOptions& options = {});

}  // namespace bioxen
