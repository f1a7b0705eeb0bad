// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#include "progress.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>

namespace bioxen::cli {

bool stdout_is_terminal() noexcept { return ::isatty(STDOUT_FILENO) == 1; }
bool stdin_is_terminal() noexcept { return ::isatty(STDIN_FILENO) == 1; }

bool ProgressBar::default_enabled() noexcept {
  return stdout_is_terminal() && ::isatty(STDERR_FILENO) == 1;
}

ProgressBar::ProgressBar(std::string label, std::uint64_t total, bool enabled,
                         std::chrono::milliseconds delay)
    : label_(std::move(label)),
      total_(total),
      enabled_(enabled && total > 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_),
      delay_(delay) {}

ProgressBar::~ProgressBar() { finish(); }

std::string ProgressBar::render(const std::string& label, std::uint64_t done, std::uint64_t total,
                                std::size_t width) {
  done = std::min(done, total);
  const double fraction = total == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total);
  const auto filled = static_cast<std::size_t>(fraction * static_cast<double>(width));
  return fmt::format("{} [{}{}] {:3.0f}%  {}/{}", label, std::string(filled, '#'),
                     std::string(width - filled, '.'), fraction * 100.0, done, total);
}

void ProgressBar::update(std::uint64_t done) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - start_ < delay_) return;
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds{100} && done < total_) return;
  last_draw_ = now;
  drawn_ = true;
  fmt::print(stderr, "\r\033[K{}", render(label_, done, total_, 30));
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
