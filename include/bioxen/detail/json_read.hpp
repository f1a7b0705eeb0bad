// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Strict readers for JSON input: every value is checked for its type and for the range of the
// C++ field it lands in, and a failure names the key. Used by the from_json adapters of the
// input types (configuration, allocation) and by BioXenHypervisor::restore().
#pragma once

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "bioxen/error_details.hpp"

namespace bioxen::detail {

/// The JSON type of `v` in words, for error messages ("a string", "a boolean").
inline std::string_view json_kind(const nlohmann::json& v) noexcept {
  switch (v.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::boolean:
      return "a boolean";
    case nlohmann::json::value_t::string:
      return "a string";
    case nlohmann::json::value_t::array:
      return "an array";
    case nlohmann::json::value_t::object:
      return "an object";
    case nlohmann::json::value_t::number_float:
      return "a number with a fraction";
    default:
      return "an integer";
  }
}

/// Where a value was read, for messages: "configuration", "snapshot", "allocation".
struct JsonContext {
  BioXenErrorCode code;
  std::string_view what;
};

[[noreturn]] inline void json_fail(const JsonContext& ctx, std::string_view key,
                                   std::string message) {
  throw BioXenException(ctx.code, fmt::format("{} key '{}': {}", ctx.what, key, message),
                        {{"key", key}});
}

/// Reads an integral value in [lo, hi]; integral floats (4.0) are accepted.
template <class Int>
Int read_integer(const nlohmann::json& v, std::string_view key, const JsonContext& ctx,
                 Int lo = std::numeric_limits<Int>::min(),
                 Int hi = std::numeric_limits<Int>::max()) {
  const auto check = [&](auto x) {
    if (std::cmp_less(x, lo) || std::cmp_greater(x, hi)) {
      json_fail(ctx, key, fmt::format("{} is out of range [{}, {}]", x, lo, hi));
    }
    return static_cast<Int>(x);
  };
  if (v.is_number_unsigned()) return check(v.get<std::uint64_t>());
  if (v.is_number_integer()) return check(v.get<std::int64_t>());
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && std::trunc(d) == d && d >= -9.0e18 && d <= 9.0e18) {
      return check(static_cast<std::int64_t>(d));
    }
    json_fail(ctx, key, fmt::format("expected an integer, got {}", d));
  }
  json_fail(ctx, key, fmt::format("expected an integer, got {}", json_kind(v)));
}

/// Reads a finite number.
inline double read_number(const nlohmann::json& v, std::string_view key, const JsonContext& ctx) {
  if (!v.is_number()) json_fail(ctx, key, fmt::format("expected a number, got {}", json_kind(v)));
  const double d = v.get<double>();
  if (!std::isfinite(d)) json_fail(ctx, key, "expected a finite number");
  return d;
}

inline bool read_bool(const nlohmann::json& v, std::string_view key, const JsonContext& ctx) {
  if (!v.is_boolean()) {
    json_fail(ctx, key, fmt::format("expected true or false, got {}", json_kind(v)));
  }
  return v.get<bool>();
}

inline std::string read_string(const nlohmann::json& v, std::string_view key,
                               const JsonContext& ctx) {
  if (!v.is_string()) json_fail(ctx, key, fmt::format("expected a string, got {}", json_kind(v)));
  return v.get<std::string>();
}

/// The member `key` of object `j`; fails naming the key when it is missing.
inline const nlohmann::json& require(const nlohmann::json& j, std::string_view key,
                                     const JsonContext& ctx) {
  const auto it = j.find(key);
  if (it == j.end()) json_fail(ctx, key, "missing");
  return *it;
}

/// Fails when `j` is not an object or has a key outside `known`.
inline void require_object(const nlohmann::json& j, std::string_view key,
                           std::span<const std::string_view> known, const JsonContext& ctx) {
  if (!j.is_object()) json_fail(ctx, key, fmt::format("expected an object, got {}", json_kind(j)));
  for (const auto& item : j.items()) {
    bool found = false;
    for (auto k : known) found = found || (k == item.key());
    if (!found) {
      throw BioXenException(ctx.code, fmt::format("unknown {} key '{}'", ctx.what, item.key()),
                            {{"key", item.key()}});
    }
  }
}

inline void require_object(const nlohmann::json& j, std::string_view key,
                           std::initializer_list<std::string_view> known, const JsonContext& ctx) {
  require_object(j, key, std::span<const std::string_view>(known.begin(), known.size()), ctx);
}

/// A number for JSON details: non-finite values become their text ("nan", "inf").
inline nlohmann::json json_number(double x) {
  if (std::isfinite(x)) return x;
  return fmt::format("{}", x);
}

/// An id that is safe to show in messages and JSON: printable ASCII kept, other bytes as \xNN.
inline std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("\\x{:02x}", c);
    }
  }
  return out;
}

}  // namespace bioxen::detail
