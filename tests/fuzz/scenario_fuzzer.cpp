// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Fuzz target: CLI scenario files (`bioxen run`, `validate`; src/cli/scenario.hpp).
//
// Properties of an accepted scenario: its JSON form serialises; it is accepted again with a
// shorter length (--quanta, at most a few quanta: the events after it are dropped with a
// warning) and that short run completes, failing with a BioXenException at most (a scenario
// may ask for more than the host has). Inputs naming /dev, /proc or /sys are skipped: genome
// paths are read as files.
#include <algorithm>
#include <bioxen/error.hpp>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "detail/text_io.hpp"
#include "fuzz_support.hpp"
#include "scenario.hpp"
#include "simulation.hpp"

namespace {

bool names_device_files(std::string_view text) {
  for (const std::string_view dir : {"/dev", "/proc", "/sys"}) {
    if (text.find(dir) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool silenced = (bioxen::fuzz::silence_stdout(), true);
  (void)silenced;
  const std::string_view text = bioxen::fuzz::as_text(data, size);
  if (names_device_files(text)) return 0;
  const auto file = bioxen::fuzz::write_temp("scenario.json", text);
  std::optional<bioxen::Scenario> scenario;
  try {
    scenario = bioxen::cli::load_scenario(file);
  } catch (const bioxen::BioXenException&) {
    return 0;
  }
  using bioxen::fuzz::step;
  step("scenario_to_json() and dump()", [&] { (void)bioxen::scenario_to_json(*scenario).dump(); });

  // The same file with a length of at most a few quanta.
  const nlohmann::json j = step("parse the file again",
                                [&] { return bioxen::detail::parse_json_file_text(text, file); });
  bioxen::LengthOverride length;
  length.quanta = std::clamp<std::uint64_t>(scenario->quanta, 1, bioxen::fuzz::property_quanta);
  const bioxen::Scenario short_run = step("parse_scenario() with --quanta", [&] {
    return bioxen::parse_scenario(j, file.string(), file.parent_path(), length);
  });
  bioxen::fuzz::check(short_run.quanta == *length.quanta, "--quanta did not set the length");
  bioxen::cli::SimulationOptions options;
  options.progress = false;
  try {
    (void)bioxen::cli::run_simulation(short_run, options);
  } catch (const bioxen::BioXenException&) {
    return 0;
  }
  return 0;
}
