// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Aligned plain-text tables for the command-line tool.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace bioxen::cli {

/// How a column's cells line up.
enum class Align { left, right };

/// A table of text cells printed with aligned columns: a title line, a header, a rule and
/// the rows. Numbers are formatted by the caller (so units and precision stay explicit).
///
/// @code
/// Table t{"Resources", {{"resource"}, {"value", Align::right}}};
/// t.add_row({"ribosomes", "68"});
/// t.print(stdout);
/// @endcode
class Table {
 public:
  struct Column {
    std::string header;
    Align align = Align::left;
  };

  Table(std::string title, std::vector<Column> columns);

  /// Adds a row; a row shorter than the header is padded with empty cells, a longer one is
  /// an internal error (std::invalid_argument).
  void add_row(std::vector<std::string> cells);

  const std::string& title() const noexcept { return title_; }
  const std::vector<Column>& columns() const noexcept { return columns_; }
  const std::vector<std::vector<std::string>>& rows() const noexcept { return rows_; }
  bool empty() const noexcept { return rows_.empty(); }

  /// The table as text, ending with a newline.
  std::string to_string() const;
  /// Writes to_string() to `out`.
  void print(std::FILE* out) const;

 private:
  std::string title_;
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

/// Display width of UTF-8 text: code points, not bytes (the tool prints no wide glyphs).
std::size_t display_width(const std::string& text) noexcept;

}  // namespace bioxen::cli
