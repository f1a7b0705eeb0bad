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
/// `delay` of wall-clock time, redraws at most ten times a second and erases itself when
/// finished, leaving the terminal as it was.
///
/// @code
/// ProgressBar bar{"running", total_quanta};
/// for (std::uint64_t q = 0; q < total_quanta; ++q) { hv.run_scheduler(); bar.update(q + 1); }
/// bar.finish();
/// @endcode
class ProgressBar {
 public:
  ProgressBar(std::string label, std::uint64_t total, bool enabled = default_enabled(),
              std::chrono::milliseconds delay = std::chrono::milliseconds{150});
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  /// Reports that `done` of `total` steps are complete.
  void update(std::uint64_t done);
  /// Erases the bar (if it was drawn). Called by the destructor too.
  void finish();

  /// Whether a bar would be drawn in this process: stdout and stderr are terminals.
  static bool default_enabled() noexcept;

  /// The bar's text for `done` of `total` in `width` cells, e.g.
  /// "running [#########.........]  45%  450/1000" (exposed for tests).
  static std::string render(const std::string& label, std::uint64_t done, std::uint64_t total,
                            std::size_t width);

 private:
  std::string label_;
  std::uint64_t total_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  std::chrono::milliseconds delay_;
};

}  // namespace bioxen::cli
