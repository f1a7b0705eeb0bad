// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#include "progress.hpp"

#include <fmt/core.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

#include "common.hpp"

namespace bioxen::cli {

bool stdout_is_terminal() noexcept { return ::isatty(STDOUT_FILENO) == 1; }
bool stdin_is_terminal() noexcept { return ::isatty(STDIN_FILENO) == 1; }

bool ProgressBar::default_enabled() noexcept {
  return stdout_is_terminal() && ::isatty(STDERR_FILENO) == 1;
}

ProgressBar::ProgressBar(std::string label, std::uint64_t total, bool enabled,
                         std::chrono::milliseconds delay, std::string unit)
    : label_(std::move(label)),
      total_(total),
      enabled_(enabled && total > 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_),
      delay_(delay),
      unit_(std::move(unit)) {}

ProgressBar::~ProgressBar() { finish(); }

std::string ProgressBar::format_eta(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "-";
  if (seconds > 359'999.0) return "99:59:59+";  // a hundred hours: no more digits
  const auto s = static_cast<std::uint64_t>(std::ceil(seconds));
  const std::uint64_t h = s / 3600;
  const std::uint64_t m = (s % 3600) / 60;
  if (h > 0) return fmt::format("{}:{:02}:{:02}", h, m, s % 60);
  return fmt::format("{}:{:02}", m, s % 60);
}

std::string ProgressBar::render(const std::string& label, std::uint64_t done, std::uint64_t total,
                                double elapsed_seconds, std::size_t columns,
                                const std::string& unit) {
  done = std::min(done, total);
  const double fraction = total == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total);
  std::string text = fmt::format("  {}/{} {}  {}", format_count(done), format_count(total), unit,
                                 format_percent(100.0 * fraction));
  if (elapsed_seconds > 0 && done > 0) {
    const double rate = static_cast<double>(done) / elapsed_seconds;
    text += fmt::format("  {} {}/s  ETA {}", format_count(rate), unit,
                        format_eta(static_cast<double>(total - done) / rate));
  }
  // The bar takes the room left, between 5 and 30 cells, or is left out.
  const std::size_t fixed = label.size() + 3 + text.size();  // "label [" + "]"
  std::string out = label;
  if (columns > fixed + 5) {
    const std::size_t width = std::min<std::size_t>(30, columns - fixed - 1);
    const auto filled = static_cast<std::size_t>(fraction * static_cast<double>(width));
    out += fmt::format(" [{}{}]", std::string(filled, '#'), std::string(width - filled, '.'));
  }
  out += text;
  if (out.size() >= columns && columns > 0) out.resize(columns - 1);  // never wrap the line
  return out;
}

namespace {

/// The width of the terminal on stderr, 80 when it cannot be known.
std::size_t terminal_columns() noexcept {
  winsize ws{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

}  // namespace

void ProgressBar::update(std::uint64_t done) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - start_ < delay_) return;
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds{100} && done < total_) return;
  last_draw_ = now;
  drawn_ = true;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  fmt::print(stderr, "\r\033[K{}",
             render(label_, done, total_, elapsed, terminal_columns(), unit_));
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (drawn_) {
    fmt::print(stderr, "\r\033[K");
    std::fflush(stderr);
    drawn_ = false;
  }
  enabled_ = false;
}

}  // namespace bioxen::cli
