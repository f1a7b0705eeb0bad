// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// The self-contained HTML report of a run: inline SVG charts and the summary tables.
#pragma once

#include "recorder.hpp"
#include "table.hpp"

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace bioxen::cli {

/// Everything a report shows.
struct ReportData {
  std::string title;     ///< e.g. "BioXen run: two-guests"
  std::string subtitle;  ///< e.g. "E. coli chassis, round_robin, 600 quanta of 100 ms"
  std::string headline;  ///< what happened, in a sentence (e.g. the host's slow-down); may be empty
  /// Key figures shown as cards at the top: (label, value).
  std::vector<std::pair<std::string, std::string>> highlights;
  const TimeSeriesRecorder* recorder = nullptr;  ///< the charts' data (required)
  std::vector<Table> tables;                     ///< summary tables, in order
  std::string generator;                         ///< e.g. "bioxen 0.1.0"
};

/// The report as one HTML document. It loads nothing: no scripts, no external style sheets,
/// fonts or images, and a Content-Security-Policy of `default-src 'none'` so a browser
/// would block (and log) any request. Four or five charts, each an inline `<svg data-chart=...>`
/// whose data elements carry `data-vm` attributes:
///   - `allocation`: ribosome units reserved per VM over virtual time (stacked), with the
///     units at work and the allocator's available units;
///   - `schedule`: a Gantt strip, one row per VM: when it was active, waiting, paused or
///     stopped;
///   - `atp`: ATP consumed per second per VM (stacked);
///   - `proteins`: cumulative proteins completed per VM, with boot marked;
///   - `host` (only when the recorder has host samples with the host modelled, i.e. under
///     the physiological work model): the host's growth rate over virtual time
///     (`data-line="growth"`), the host alone's rate dashed (`data-line="reference"`), and
///     stalled stretches shaded (`rect class="stalled"`).
std::string render_html_report(const ReportData& data);

/// Writes render_html_report(data) to `file` (io_error, exit 4, on failure).
void write_html_report(const std::filesystem::path& file, const ReportData& data);

}  // namespace bioxen::cli
