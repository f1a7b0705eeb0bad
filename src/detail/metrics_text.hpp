// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// The text helpers of src/metrics.cpp (the fmt formatters and the Prometheus writer), private
// to the library and its white-box tests.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "bioxen/export.hpp"

namespace bioxen::detail {

/// "850ns", "12.3us", "4.56ms", "1.2s": a wall-clock duration for people.
BIOXEN_API std::string format_seconds(double s);

/// A label value escaped per the Prometheus exposition format: backslash, double quote and line
/// feed become \\, \" and \n.
BIOXEN_API std::string prometheus_escape_label_value(std::string_view value);

/// HELP text escaped per the exposition format: backslash and line feed.
BIOXEN_API std::string prometheus_escape_help(std::string_view text);

/// A sample value: integers exactly, floats in the shortest round-trip form, and the
/// format's spellings NaN, +Inf and -Inf.
BIOXEN_API std::string prometheus_value(double v);
BIOXEN_API std::string prometheus_value(std::uint64_t v);

}  // namespace bioxen::detail
