// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Strict readers for JSON input: every value is checked for its type and for the range of the
// C++ field it lands in, and a failure names the key. The one toolkit of the project's JSON
// readers: the from_json adapters of the input types (configuration, allocation),
// BioXenHypervisor::restore(), VM configurations, production configuration files and the
// tool's scenarios. An unknown key has one phrasing, fail_unknown_key()'s.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bioxen/detail/utf8.hpp"
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
  const auto& s = v.get_ref<const std::string&>();
  if (const auto bad = first_invalid_utf8(s)) {
    json_fail(ctx, key,
              fmt::format("not UTF-8 text: byte 0x{:02x} at position {}",
                          static_cast<unsigned char>(s[*bad]), *bad + 1));
  }
  return s;
}

/// The member `key` of object `j`; fails naming the key when it is missing.
inline const nlohmann::json& require(const nlohmann::json& j, std::string_view key,
                                     const JsonContext& ctx) {
  const auto it = j.find(key);
  if (it == j.end()) json_fail(ctx, key, "missing");
  return *it;
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

/// Levenshtein distance, ignoring case (for "did you mean" suggestions).
inline std::size_t edit_distance(std::string_view a, std::string_view b) {
  const auto lower = [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  };
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t subst = prev[j - 1] + (lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

/// The candidate nearest to `key` (the first of equals), or "" when none is close enough to
/// be a typo: at most a third of the longer name's length in edits, and at least 2.
template <class Range>
std::string nearest_key(std::string_view key, const Range& candidates) {
  std::string_view best;
  std::size_t best_distance = std::string::npos;
  for (const auto& candidate : candidates) {
    const std::string_view c = candidate;
    const std::size_t d = edit_distance(key, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  const std::size_t limit = std::max<std::size_t>(2, std::max(key.size(), best.size()) / 3);
  return best_distance <= limit ? std::string(best) : std::string();
}
inline std::string nearest_key(std::string_view key,
                               std::initializer_list<std::string_view> candidates) {
  return nearest_key<std::initializer_list<std::string_view>>(key, candidates);
}

/// Throws `ctx.code` for a key of the object at `parent` (a path such as "vms[0]"; "" for the
/// top level) that is not in `known`. The one phrasing of the project's readers:
///
///     [<prefix>: ]unknown [<ctx.what> ]key '<parent>.<key>' (did you mean '<parent>.<near>'?)
///
/// with " (valid keys: a, b, c)" instead of the question when no known key is close. The noun
/// `ctx.what` ("snapshot", "allocation") may be empty when `prefix` already says what is read
/// (a file name). `details` gains "key" (the path) and, when one is close, "suggestion".
template <class Range>
[[noreturn]] void fail_unknown_key(const JsonContext& ctx, std::string_view parent,
                                   std::string_view key, const Range& known,
                                   nlohmann::json details = nlohmann::json::object(),
                                   std::string_view prefix = {}) {
  const auto path = [&](std::string_view k) {
    return parent.empty() ? printable(k) : fmt::format("{}.{}", parent, printable(k));
  };
  const std::string near = nearest_key(key, known);
  std::string hint;
  if (!near.empty()) {
    hint = fmt::format("did you mean '{}'?", path(near));
    details["suggestion"] = path(near);
  } else {
    std::vector<std::string_view> names;
    for (const auto& k : known) names.emplace_back(k);
    hint = fmt::format("valid keys: {}", fmt::join(names, ", "));
  }
  details["key"] = path(key);
  throw BioXenException(
      ctx.code,
      fmt::format("{}{}unknown {}{}key '{}' ({})", prefix, prefix.empty() ? "" : ": ", ctx.what,
                  ctx.what.empty() ? "" : " ", path(key), hint),
      std::move(details));
}
[[noreturn]] inline void fail_unknown_key(const JsonContext& ctx, std::string_view parent,
                                          std::string_view key,
                                          std::initializer_list<std::string_view> known,
                                          nlohmann::json details = nlohmann::json::object(),
                                          std::string_view prefix = {}) {
  fail_unknown_key<std::initializer_list<std::string_view>>(ctx, parent, key, known,
                                                            std::move(details), prefix);
}

/// Fails when `j` is not an object or has a key outside `known`: "unknown <ctx.what> key
/// '<key>'", the phrasing of fail_unknown_key() without its hint in the message; the nearest
/// known key, when one is close, is in details()["suggestion"].
inline void require_object(const nlohmann::json& j, std::string_view key,
                           std::span<const std::string_view> known, const JsonContext& ctx) {
  if (!j.is_object()) json_fail(ctx, key, fmt::format("expected an object, got {}", json_kind(j)));
  for (const auto& item : j.items()) {
    if (std::find(known.begin(), known.end(), item.key()) == known.end()) {
      nlohmann::json details = {{"key", item.key()}};
      if (auto near = nearest_key(item.key(), known); !near.empty()) details["suggestion"] = near;
      throw BioXenException(ctx.code,
                            fmt::format("unknown {} key '{}'", ctx.what, printable(item.key())),
                            std::move(details));
    }
  }
}

inline void require_object(const nlohmann::json& j, std::string_view key,
                           std::initializer_list<std::string_view> known, const JsonContext& ctx) {
  require_object(j, key, std::span<const std::string_view>(known.begin(), known.size()), ctx);
}

}  // namespace bioxen::detail
