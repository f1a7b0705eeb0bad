// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// A one-line progress bar for long runs, drawn only on a terminal.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace bioxen::cli {

/// True when standard output is a terminal (isatty).
bool stdout_is_terminal() noexcept;
/// True when standard input is a terminal (isatty).
bool stdin_is_terminal() noexcept;

/// A progress bar on stderr, shown only when both stdout and stderr are terminals (so piped
/// and `--json` output never contain it). It appears once a run has taken longer than
/// `delay` of wall-clock time, redraws at most ten times a second, fits the terminal's width
/// and erases itself when finished, leaving the terminal as it was:
///
///     simulating [###.......]  12,000/277,777 quanta  4.3 %  21,503 quanta/s  ETA 0:12
///
/// @code
/// ProgressBar bar{"running", total_quanta};
/// for (std::uint64_t q = 0; q < total_quanta; ++q) { hv.run_scheduler(); bar.update(q + 1); }
/// bar.finish();
/// @endcode
class ProgressBar {
 public:
  ProgressBar(std::string label, std::uint64_t total, bool enabled = default_enabled(),
              std::chrono::milliseconds delay = std::chrono::milliseconds{150},
              std::string unit = "quanta");
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  /// Reports that `done` of `total` steps are complete.
  void update(std::uint64_t done);
  /// Erases the bar (if it was drawn). Called by the destructor too.
  void finish();

  /// Whether a bar would be drawn in this process: stdout and stderr are terminals.
  static bool default_enabled() noexcept;

  /// The bar's text for `done` of `total` steps after `elapsed_seconds` of wall-clock time, in
  /// at most `columns` characters (exposed for tests), e.g. for 80 columns
  /// "simulating [###.......]  12,000/277,777 quanta  4.3 %  21,503 quanta/s  ETA 0:12". The
  /// bar takes what the text leaves (up to 30 cells; none below 5); the rate and the ETA
  /// (m:ss, or h:mm:ss from an hour) need a positive elapsed time and a step done; a text
  /// too long for `columns` is cut.
  static std::string render(const std::string& label, std::uint64_t done, std::uint64_t total,
                            double elapsed_seconds, std::size_t columns = 80,
                            const std::string& unit = "quanta");

  /// "0:12", "12:05", "1:02:03": a wall-clock duration for the ETA (rounded up to a second).
  static std::string format_eta(double seconds);

 private:
  std::string label_;
  std::uint64_t total_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  std::chrono::milliseconds delay_;
  std::string unit_;
};

}  // namespace bioxen::cli
