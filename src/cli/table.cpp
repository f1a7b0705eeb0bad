// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#include "table.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <stdexcept>

namespace bioxen::cli {

std::size_t display_width(const std::string& text) noexcept {
  // Count bytes that start a code point (not 10xxxxxx continuation bytes).
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
  }));
}

Table::Table(std::string title, std::vector<Column> columns)
    : title_(std::move(title)), columns_(std::move(columns)) {}

void Table::add_row(std::vector<std::string> cells) {
  if (cells.size() > columns_.size()) {
    throw std::invalid_argument(fmt::format("table '{}': row has {} cells for {} columns", title_,
                                            cells.size(), columns_.size()));
  }
  cells.resize(columns_.size());
  rows_.push_back(std::move(cells));
}

std::string Table::to_string() const {
  std::vector<std::size_t> widths(columns_.size());
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    widths[c] = display_width(columns_[c].header);
    for (const auto& row : rows_) widths[c] = std::max(widths[c], display_width(row[c]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out = " ";
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const std::size_t pad = widths[c] - display_width(cells[c]);
      const bool last = c + 1 == cells.size();
      if (columns_[c].align == Align::right) {
        out.append(pad, ' ');
        out += cells[c];
      } else {
        out += cells[c];
        if (!last) out.append(pad, ' ');
      }
      if (!last) out += "  ";
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + '\n';
  };

  std::string out;
  if (!title_.empty()) out += title_ + '\n';
  std::vector<std::string> header;
  std::size_t total = 0;
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    header.push_back(columns_[c].header);
    total += widths[c] + (c + 1 < columns_.size() ? 2 : 0);
  }
  out += line(header);
  out += ' ' + std::string(total, '-') + '\n';
  for (const auto& row : rows_) out += line(row);
  return out;
}

void Table::print(std::FILE* out) const { fmt::print(out, "{}", to_string()); }

}  // namespace bioxen::cli
