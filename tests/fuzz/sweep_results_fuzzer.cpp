// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Fuzz target: the results files a resumed sweep reads (`bioxen sweep --resume`;
// SweepResults::load() in src/cli/sweep_output.hpp). The input's first byte chooses the file
// (even: the CSV, odd: the JSON lines); the rest is its content, for a fixed sweep of 9
// points (the corpus: what `bioxen sweep` writes for it).
//
// Properties of accepted results: at most one row per point, every point known; publishing
// them writes a file that loads again to the same points, and a second publish gives the
// same bytes.
#include <bioxen/error.hpp>
#include <bioxen/sweep.hpp>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "detail/text_io.hpp"
#include "fuzz_support.hpp"
#include "sweep_output.hpp"

namespace {

const bioxen::Sweep& fixed_sweep() {
  static const bioxen::Sweep sweep = bioxen::parse_sweep(
      nlohmann::json::parse(
          R"({"base": {"quanta": 2, "vms": [{"id": "g1", "type": "syn3a_recoded"}]},
        "parameters": [{"path": "vms[0].allocation.ribosomes", "name": "units", "values": [1, 2, 300]},
                       {"path": "config.scheduler_policy",
                        "values": ["round_robin", "fair_share", "priority"]}]})"),
      "fuzz.json", ".");
  return sweep;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bioxen::Sweep& sweep = fixed_sweep();
  const bool csv = data[0] % 2 == 0;
  const std::string_view text = bioxen::fuzz::as_text(data + 1, size - 1);
  const auto file = bioxen::fuzz::write_temp(csv ? "r.csv" : "r.jsonl", text);
  const auto columns = bioxen::cli::sweep_columns(sweep);
  const std::string header = bioxen::cli::sweep_csv_header(columns);
  const auto results_at = [&](const std::filesystem::path& f) {
    return csv ? bioxen::cli::SweepResults{f, {}, header, sweep}
               : bioxen::cli::SweepResults{{}, f, header, sweep};
  };
  bioxen::cli::SweepResults results = results_at(file);
  std::uint64_t loaded = 0;
  try {
    loaded = results.load();
  } catch (const bioxen::BioXenException&) {
    return 0;
  }
  using bioxen::fuzz::check;
  using bioxen::fuzz::step;
  check(loaded <= sweep.point_count() && loaded == results.size(), "rows per point");
  const auto copy = bioxen::fuzz::write_temp(csv ? "copy.csv" : "copy.jsonl", "");
  std::filesystem::remove(copy);
  bioxen::cli::SweepResults out = results_at(copy);
  step("load the copy's (absent) file", [&] { (void)out.load(); });
  for (std::uint64_t i = 0; i < sweep.point_count(); ++i) {
    check(!out.has(i), "an absent file has no rows");
  }
  const std::string first = csv ? results.csv_text() : results.jsonl_text();
  step("write the copy", [&] { bioxen::detail::write_file_atomically(copy, first); });
  bioxen::cli::SweepResults again = results_at(copy);
  const std::uint64_t reloaded = step("load the copy", [&] { return again.load(); });
  check(reloaded == loaded, "the copy loads to as many points");
  for (std::uint64_t i = 0; i < sweep.point_count(); ++i) {
    check(again.has(i) == results.has(i), "the copy has the same points");
  }
  check((csv ? again.csv_text() : again.jsonl_text()) == first, "the same bytes again");
  return 0;
}
