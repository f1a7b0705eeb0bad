// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Fuzz target: sweep files (`bioxen sweep`; include/bioxen/sweep.hpp, src/cli/sweep_output.hpp).
//
// Properties of an accepted sweep: it has 1 to max_sweep_points points; its first and last
// points expand (or fail with a BioXenException: a path that does not apply to the base); the
// results' columns start with "point" and the parameters' names, and the CSV header and a row
// of a failed point read back as CSV records with one field per column; the JSON line of that
// row parses. No point is run: running scenarios is the scenario target's work. Inputs naming
// /dev, /proc or /sys are skipped (a base may name a file).
#include <bioxen/error.hpp>
#include <bioxen/sweep.hpp>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "sweep_output.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = bioxen::fuzz::as_text(data, size);
  for (const std::string_view dir : {"/dev", "/proc", "/sys"}) {
    if (text.find(dir) != std::string_view::npos) return 0;
  }
  const auto file = bioxen::fuzz::write_temp("sweep.json", text);
  std::optional<bioxen::Sweep> sweep;
  try {
    sweep = bioxen::read_sweep_file(file);
  } catch (const bioxen::BioXenException&) {
    return 0;
  }
  using bioxen::fuzz::check;
  using bioxen::fuzz::step;
  const std::uint64_t n = sweep->point_count();
  check(n >= 1 && n <= bioxen::max_sweep_points, "point count out of range", std::to_string(n));
  for (const std::uint64_t i : {std::uint64_t{0}, n - 1}) {
    try {
      const bioxen::SweepPoint p = bioxen::sweep_point(*sweep, i);
      check(p.values.size() == sweep->parameters.size(), "a value per parameter");
      (void)p.scenario.dump();
    } catch (const bioxen::BioXenException&) {
      // a path that does not apply to the base: that point's failure
    }
  }
  const auto columns = step("sweep_columns()", [&] { return bioxen::cli::sweep_columns(*sweep); });
  check(columns.names.size() >= 4 + sweep->parameters.size() && columns.names[0] == "point",
        "the first columns");
  const std::string header = bioxen::cli::sweep_csv_header(columns);
  std::size_t pos = 0;
  const auto fields = bioxen::cli::split_csv_record(header, pos);
  check(fields && fields->size() == columns.names.size() && pos == header.size(),
        "the header reads back", header);
  for (std::size_t k = 0; k < sweep->parameters.size(); ++k) {
    check((*fields)[1 + k] == sweep->parameters[k].name, "a parameter's column");
  }
  bioxen::SweepPointResult r;
  r.index = n - 1;
  for (const auto& p : sweep->parameters) r.values.push_back(p.values.back());
  r.error = bioxen::BioXenErrorCode::invalid_configuration;
  r.error_message = "a message, with \"quotes\"\nand a line break";
  const std::string row = bioxen::cli::sweep_csv_row(*sweep, columns, r);
  pos = 0;
  const auto row_fields = bioxen::cli::split_csv_record(row, pos);
  check(row_fields && row_fields->size() == columns.names.size() && pos == row.size(),
        "a row reads back", row);
  const std::string line = bioxen::cli::sweep_jsonl_row(*sweep, r);
  const auto parsed = step("the JSON line parses", [&] { return nlohmann::json::parse(line); });
  check(parsed.at("point") == r.index, "the JSON line names its point");
  return 0;
}
