// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// One table per enum: (value, name) rows in declaration order, from which the enum's value
// list, its to_string, its parser and the names of its error messages are all derived. A table
// row is any struct with members `value` and `name` (EnumName, or a richer row such as
// SchedulerPolicyInfo). Cheap on purpose: no JSON, no fmt.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace bioxen::detail {

/// One enumerator under its name.
template <class E>
struct EnumName {
  E value;
  std::string_view name;
};

/// True when row i of the table holds the enumerator with value i (declaration order, no gaps):
/// every table is checked with it, so that the value list is in declaration order and
/// enum_name() is a lookup by index.
template <class Row, std::size_t N>
constexpr bool enum_table_is_dense(const std::array<Row, N>& table) noexcept {
  for (std::size_t i = 0; i < N; ++i) {
    if (static_cast<std::size_t>(table[i].value) != i) return false;
  }
  return true;
}

/// The table's values, in table order.
template <class Row, std::size_t N>
constexpr auto enum_values(const std::array<Row, N>& table) noexcept {
  std::array<decltype(Row::value), N> values{};
  for (std::size_t i = 0; i < N; ++i) values[i] = table[i].value;
  return values;
}

/// The name of `value`; "unknown" for a value the table lacks.
template <class Row, std::size_t N>
constexpr std::string_view enum_name(const std::array<Row, N>& table,
                                     decltype(Row::value) value) noexcept {
  const auto i = static_cast<std::size_t>(value);
  if (i < N && table[i].value == value) return table[i].name;
  for (const Row& row : table) {
    if (row.value == value) return row.name;
  }
  return "unknown";
}

/// The row named `name` (exact spelling), or nullptr.
template <class Row, std::size_t N>
constexpr const Row* find_enum_row(const std::array<Row, N>& table,
                                   std::string_view name) noexcept {
  for (const Row& row : table) {
    if (row.name == name) return &row;
  }
  return nullptr;
}

/// The names joined for a message: "a, b or c" with the defaults, "a, b, c" with
/// `last` = ", ".
template <class Row, std::size_t N>
std::string enum_name_list(const std::array<Row, N>& table, std::string_view last = " or ",
                           std::string_view separator = ", ") {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) {
    if (i > 0) out += (i + 1 == N) ? last : separator;
    out += table[i].name;
  }
  return out;
}

}  // namespace bioxen::detail
