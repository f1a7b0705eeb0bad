// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Fuzz target: the tables `bioxen sweep --report` reads (parse_column_table() in
// src/cli/sweep_report.hpp): a sweep's CSV results and the reference data of
// --report-reference, CSV or tab-separated, with '#' comment lines before the header.
//
// Properties of an accepted table: a header that is not one empty name, every row as long as
// the header, column() finding each name at or before its place; the table written back as CSV
// (every field quoted, CRLF line ends, a comment line first) reads to the same table, unless a
// cell holds a carriage return (a final one is the line end's, so it is not kept).
#include <bioxen/error.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "sweep_report.hpp"

namespace {

/// `t` as CSV with every field quoted and CRLF line ends, after a comment line.
std::string quoted_csv(const bioxen::cli::ColumnTable& t) {
  std::string out = "# written again by the fuzz target\r\n";
  const auto record = [&](const std::vector<std::string>& fields) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) out += ',';
      out += '"';
      for (char c : fields[i]) {
        if (c == '"') out += '"';
        out += c;
      }
      out += '"';
    }
    out += "\r\n";
  };
  record(t.header);
  for (const auto& row : t.rows) record(row);
  return out;
}

bool has_carriage_return(const bioxen::cli::ColumnTable& t) {
  const auto in = [](const std::vector<std::string>& fields) {
    for (const auto& f : fields) {
      if (f.find('\r') != std::string::npos) return true;
    }
    return false;
  };
  if (in(t.header)) return true;
  for (const auto& row : t.rows) {
    if (in(row)) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(bioxen::fuzz::as_text(data, size));
  bioxen::cli::ColumnTable t;
  try {
    t = bioxen::cli::parse_column_table(text, "fuzz.csv");
  } catch (const bioxen::BioXenException&) {
    return 0;
  }
  using bioxen::fuzz::check;
  check(t.source == "fuzz.csv", "the source is kept");
  check(!t.header.empty() && !(t.header.size() == 1 && t.header[0].empty()), "a header");
  for (const auto& row : t.rows) check(row.size() == t.header.size(), "rows as long as the header");
  for (std::size_t i = 0; i < t.header.size(); ++i) {
    const auto at = t.column(t.header[i]);
    check(at.has_value() && *at <= i && t.header[*at] == t.header[i], "column() finds a name");
  }
  if (has_carriage_return(t)) return 0;
  const std::string again_text = quoted_csv(t);
  const bioxen::cli::ColumnTable again = bioxen::fuzz::step("read the table written back", [&] {
    return bioxen::cli::parse_column_table(again_text, "again.csv");
  });
  check(again.header == t.header, "the same header again", again_text);
  check(again.rows == t.rows, "the same rows again", again_text);
  return 0;
}
