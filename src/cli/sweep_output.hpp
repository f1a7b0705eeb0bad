// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// `bioxen sweep`'s parts: what a point measures (the scenario run), the results' columns and
// rows (CSV and JSON lines), and the results files, which always hold whole rows in point
// order and which a resumed sweep reads back.
#pragma once

#include <bioxen/scenario.hpp>
#include <bioxen/sweep.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bioxen::cli {

// What a point measures (sweep_point_metric_names(), sweep_vm_metric_names(),
// scenario_point_metrics()) is the library's (<bioxen/scenario.hpp>).

/// The columns of a sweep's results: "point", one per parameter (its name), "status",
/// "error_code", "error_message", the point metrics, then the VM metrics of every VM a point
/// may have. The VMs are those of the base (its "vms" and its create events), then those that
/// a parameter's value brings in, in order of first appearance.
struct SweepColumns {
  std::vector<std::string> vm_ids;
  std::vector<std::string> names;  ///< every column, in order
};
SweepColumns sweep_columns(const Sweep& sweep);

/// The header line of the CSV results (with its line feed).
std::string sweep_csv_header(const SweepColumns& columns);
/// One CSV row (with its line feed): a metric absent from the point is an empty field; a
/// metric whose column the sweep does not have (a VM that no value of the sweep names) makes
/// the row a failed one saying so, never a dropped value.
std::string sweep_csv_row(const Sweep& sweep, const SweepColumns& columns,
                          const SweepPointResult& result);
/// One JSON line (with its line feed): {"point", "parameters": {name: value}, "status",
/// "error": {"code", "message"} (failed points), "metrics": {name: value}}; numbers that JSON
/// cannot hold (an infinite doubling time) are null.
std::string sweep_jsonl_row(const Sweep& sweep, const SweepPointResult& result);

/// The results of a sweep in its output files: rows by point index, written whole.
///
/// Every publish() replaces each file atomically (write_file_atomically()) with its header
/// and every row so far in point order, so a file never holds a partial or a repeated row:
/// a process killed at any moment leaves the last published file, and a full disk fails the
/// publish with the previous file intact. load() reads such files back for --resume.
class SweepResults {
 public:
  /// `csv` and `jsonl` may be empty (that output is not written); `header` is the CSV header.
  SweepResults(std::filesystem::path csv, std::filesystem::path jsonl, std::string header,
               const Sweep& sweep);

  /// Reads the existing files (those that exist) for a resumed sweep. A CSV whose header is
  /// not this sweep's, a row that is not one of this sweep's points (unknown index, values
  /// that differ from the point's, a repeated index, a malformed line) is
  /// BioXenException(invalid_configuration) naming the file and line, and nothing is loaded.
  /// With both files, a point counts as done only when both hold it (the other rows are run
  /// again). Returns the number of points loaded.
  std::uint64_t load();

  /// Whether point `index` has a row.
  bool has(std::uint64_t index) const { return rows_.count(index) != 0; }
  std::uint64_t size() const noexcept { return rows_.size(); }

  /// Adds the rows of a point (replacing none: a point is added once).
  void add(std::uint64_t index, std::string csv_row, std::string jsonl_row);

  /// Writes the files when `min_interval` has passed since the last write (always when it is
  /// zero); returns whether it wrote. I/O errors: write_file_atomically()'s io_error.
  bool publish(std::chrono::milliseconds min_interval = std::chrono::milliseconds{0});

  /// The CSV text: header and rows in point order.
  std::string csv_text() const;
  std::string jsonl_text() const;

 private:
  struct Row {
    std::string csv;
    std::string jsonl;
  };
  std::map<std::uint64_t, Row> read_csv(const std::string& text) const;
  std::map<std::uint64_t, Row> read_jsonl(const std::string& text) const;

  std::filesystem::path csv_;
  std::filesystem::path jsonl_;
  std::string header_;
  const Sweep& sweep_;
  std::map<std::uint64_t, Row> rows_;
  std::optional<std::chrono::steady_clock::time_point> last_publish_;
  bool dirty_ = false;
};

/// Splits one CSV record (RFC 4180: quoted fields may hold commas, doubled quotes and line
/// breaks) starting at `pos` of `text`; advances `pos` past its line feed. The record ends with
/// LF or CRLF (the CR is then not part of the last field). nullopt when the record is malformed
/// (a quote inside an unquoted field, an unterminated quote, text after a closing quote, no
/// final line feed).
std::optional<std::vector<std::string>> split_csv_record(const std::string& text, std::size_t& pos);

}  // namespace bioxen::cli
