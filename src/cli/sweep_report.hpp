// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// The self-contained HTML report of a sweep: line charts of chosen result columns against
// another column, one line per value of a third, with published data beside them.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bioxen::cli {

/// Named columns of text cells: a sweep's CSV results, or reference data.
struct ColumnTable {
  std::string source;                          ///< the file it came from (for messages)
  std::vector<std::string> header;             ///< column names, in order
  std::vector<std::vector<std::string>> rows;  ///< each as long as the header

  /// The index of column `name`, or nullopt.
  std::optional<std::size_t> column(const std::string& name) const;
};

/// Reads a table of named columns: CSV (RFC 4180, as `bioxen sweep --out` writes it) or, when
/// the first line that is not a comment holds a tab, tab-separated values. Lines starting
/// with '#' before the header are comments (provenance); blank lines are skipped. A row with
/// another number of fields than the header, a malformed quoted field or an empty header is
/// BioXenException(invalid_configuration) naming `source` and the line.
ColumnTable parse_column_table(const std::string& text, const std::string& source);

/// What a sweep report draws: one chart per metric, the metric against column `x`, one line
/// per distinct value of column `lines` (a single line when it is empty).
struct SweepChartSpec {
  std::string x;
  std::string lines;
  std::vector<std::string> metrics;
};

/// The names in `spec` that `columns` lacks ("x 'foo'", "metric 'bar'"); empty when all are
/// there.
std::vector<std::string> missing_chart_columns(const SweepChartSpec& spec,
                                               const std::vector<std::string>& columns);

/// Everything a sweep report shows.
struct SweepReportData {
  std::string title;      ///< e.g. "BioXen sweep: growth-law"
  std::string subtitle;   ///< e.g. "21 points, 3 × 7 grid"
  std::string generator;  ///< e.g. "bioxen 0.1.0"
  /// Key figures shown as cards at the top: (label, value).
  std::vector<std::pair<std::string, std::string>> highlights;
  SweepChartSpec chart;
  ColumnTable results;  ///< the sweep's rows (a `status` column marks failed points)
  /// Published data drawn beside the model as open circles: its columns named as the chart's
  /// `x`, `lines` and metrics (a metric it lacks has no circles). A reference row's line is
  /// the model's line whose value equals it (as numbers when both are numbers).
  std::optional<ColumnTable> reference;
  std::string reference_label;  ///< the legend's name of the reference (e.g. a citation)
};

/// The report as one HTML document that loads nothing (the run report's Content-Security-
/// Policy `default-src 'none'`). One `<svg data-chart="metric" data-metric=NAME>` per metric,
/// holding one `<path class="line" data-line=VALUE data-points=N>` per line with a
/// `<circle class="pt">` per point, and `<circle class="ref">` per reference value. Cells that
/// are not numbers (failed points) are left out; when `x` has a value that is not a number
/// the x axis is categorical, in order of appearance. A table lists the points per line.
std::string render_sweep_report(const SweepReportData& data);

/// Writes render_sweep_report(data) to `file` (io_error, exit 4, on failure).
void write_sweep_report(const std::filesystem::path& file, const SweepReportData& data);

}  // namespace bioxen::cli
