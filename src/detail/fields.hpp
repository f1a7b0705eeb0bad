// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// One description per struct: a table of (JSON key, member) from which the struct's to_json,
// its strict from_json and its key list are all derived. Adding a field to a struct means
// adding one line to its table.
#pragma once

#include <array>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "bioxen/detail/json_read.hpp"

namespace bioxen::detail {

/// One member of `T` under its JSON key.
template <class T, class M>
struct Field {
  std::string_view key;
  M T::*member;
};

template <class T, class M>
constexpr Field<T, M> field(std::string_view key, M T::*member) noexcept {
  return {key, member};
}

/// The keys of a field table, in table order.
template <class... F>
constexpr std::array<std::string_view, sizeof...(F)> field_keys(const std::tuple<F...>& fields) {
  return std::apply(
      [](const auto&... f) { return std::array<std::string_view, sizeof...(F)>{f.key...}; },
      fields);
}

/// Reads one value strictly into a member of type M: integers in the member's range, finite
/// numbers, booleans, strings; other types (enums) through their from_json, which throws
/// BioXenException.
template <class M>
void read_member(const nlohmann::json& v, std::string_view key, const JsonContext& ctx, M& out) {
  if constexpr (std::is_same_v<M, bool>) {
    out = read_bool(v, key, ctx);
  } else if constexpr (std::is_integral_v<M>) {
    out = read_integer<M>(v, key, ctx);
  } else if constexpr (std::is_floating_point_v<M>) {
    out = static_cast<M>(read_number(v, key, ctx));
  } else if constexpr (std::is_same_v<M, std::string>) {
    out = read_string(v, key, ctx);
  } else {
    from_json(v, out);
  }
}

/// Writes every field of `value` into the object `j`.
template <class T, class... F>
void write_fields(nlohmann::json& j, const T& value, const std::tuple<F...>& fields) {
  j = nlohmann::json::object();
  std::apply([&](const auto&... f) { ((j[std::string(f.key)] = value.*(f.member)), ...); }, fields);
}

/// Reads every key of the table from the object `j` with nlohmann's own conversions, for
/// shapes that are read leniently (the monitor's exports): other keys are ignored, a missing
/// key throws nlohmann::json::out_of_range and a wrong type nlohmann::json::type_error.
template <class T, class... F>
void get_fields(const nlohmann::json& j, T& value, const std::tuple<F...>& fields) {
  std::apply([&](const auto&... f) { (j.at(f.key).get_to(value.*(f.member)), ...); }, fields);
}

/// As get_fields(), but a key that `j` lacks sets the member to its default (that of `T{}`):
/// for keys added to a shape after it was first written.
template <class T, class... F>
void get_fields_or_default(const nlohmann::json& j, T& value, const std::tuple<F...>& fields) {
  const T defaults{};
  std::apply(
      [&](const auto&... f) {
        (
            [&] {
              const auto it = j.find(f.key);
              if (it == j.end()) {
                value.*(f.member) = defaults.*(f.member);
              } else {
                it->get_to(value.*(f.member));
              }
            }(),
            ...);
      },
      fields);
}

/// What a reader does with a key of the table that the JSON lacks.
enum class MissingKey : std::uint8_t {
  fail,  ///< output types read back: every key is required
  keep,  ///< input types: the member keeps its value (its default)
};

/// Reads the object `j` into `value`: unknown keys, wrong types and out-of-range values throw
/// BioXenException(ctx.code) naming the key; missing keys fail or keep the member's value.
template <class T, class... F>
void read_fields(const nlohmann::json& j, T& value, const std::tuple<F...>& fields,
                 const JsonContext& ctx, MissingKey missing) {
  static constexpr std::size_t n = sizeof...(F);
  const std::array<std::string_view, n> keys = field_keys(fields);
  require_object(j, ctx.what, std::span<const std::string_view>(keys.data(), n), ctx);
  T read = value;  // read into a copy: a failure changes nothing
  std::apply(
      [&](const auto&... f) {
        (
            [&] {
              const auto it = j.find(f.key);
              if (it == j.end()) {
                if (missing == MissingKey::fail) json_fail(ctx, f.key, "missing");
                return;
              }
              read_member(*it, f.key, ctx, read.*(f.member));
            }(),
            ...);
      },
      fields);
  value = std::move(read);
}

}  // namespace bioxen::detail
