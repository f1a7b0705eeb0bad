// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#include "common.hpp"

#include <fmt/core.h>
#include <fmt/format.h>

#include <cmath>
#include <cstdio>

#include "detail/text_io.hpp"

namespace bioxen::cli {

int exit_code_for(BioXenErrorCode code) noexcept {
  switch (code) {
    case BioXenErrorCode::chassis_initialization_error:
    case BioXenErrorCode::invalid_configuration:
    case BioXenErrorCode::genome_parse_error:
    case BioXenErrorCode::invalid_argument:
    case BioXenErrorCode::io_error:
    case BioXenErrorCode::invalid_snapshot:
      return exit_invalid_input;
    default:
      return exit_runtime;
  }
}

int exit_code_of(const BioXenException& e) noexcept {
  if (const auto* ce = dynamic_cast<const CommandError*>(&e)) return ce->exit_code();
  return exit_code_for(e.code());
}

void print_error(const BioXenException& e) {
  std::string reason = e.message();
  // One line: embedded newlines (multi-line library messages) become "; ".
  for (std::size_t pos = 0; (pos = reason.find('\n', pos)) != std::string::npos;) {
    reason.replace(pos, 1, "; ");
  }
  std::fflush(stdout);  // keep the error after what was printed before it
  fmt::print(stderr, "error [{}]: {}\n", error_code_string(e.code()), reason);
  std::fflush(stderr);
}

nlohmann::json error_json(const BioXenException& e) {
  return {{"error",
           {{"code", error_code_string(e.code())},
            {"name", std::string(error_code_name(e.code()))},
            {"message", e.message()},
            {"details", e.details()},
            {"exit_code", exit_code_of(e)}}}};
}

void write_text_file(const std::filesystem::path& file, std::string_view content) {
  try {
    detail::write_file_atomically(file, content);
  } catch (const BioXenException& e) {
    throw CommandError(exit_runtime, e);
  }
}

std::string format_count(std::uint64_t value) {
  std::string digits = fmt::format("{}", value);
  std::string out;
  const std::size_t n = digits.size();
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[i];
    const std::size_t rest = n - i - 1;
    if (rest > 0 && rest % 3 == 0) out += ',';
  }
  return out;
}

std::string format_count(double value) {
  if (!std::isfinite(value)) return fmt::format("{}", value);
  if (value < 0) {
    return fmt::format("-{}", format_count(static_cast<std::uint64_t>(std::llround(-value))));
  }
  return format_count(static_cast<std::uint64_t>(std::llround(value)));
}

std::string format_si(double value) {
  if (!std::isfinite(value)) return fmt::format("{}", value);
  const double a = std::fabs(value);
  struct Unit {
    double scale;
    const char* suffix;
  };
  static constexpr Unit units[] = {{1e12, " T"}, {1e9, " G"}, {1e6, " M"}, {1e3, " k"}};
  for (const auto& u : units) {
    if (a >= u.scale * 0.9995) {
      const double v = value / u.scale;
      const int decimals = std::fabs(v) >= 99.95 ? 0 : (std::fabs(v) >= 9.995 ? 1 : 2);
      return fmt::format("{:.{}f}{}", v, decimals, u.suffix);
    }
  }
  if (a == 0) return "0";
  const int decimals = a >= 99.95 ? 0 : (a >= 9.995 ? 1 : (a >= 0.9995 ? 2 : 3));
  return fmt::format("{:.{}f}", value, decimals);
}

std::string format_percent(double percent) { return fmt::format("{:.1f} %", percent); }

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

ScopedSigaction::ScopedSigaction(int signal, void (*handler)(int)) noexcept : signal_(signal) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  active_ = ::sigaction(signal, &sa, &old_) == 0;
}

ScopedSigaction::~ScopedSigaction() {
  if (active_) (void)::sigaction(signal_, &old_, nullptr);
}

}  // namespace bioxen::cli
