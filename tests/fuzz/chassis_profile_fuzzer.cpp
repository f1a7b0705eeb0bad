// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Fuzz target: chassis profile JSON (load_chassis_profile, the file `--chassis-file` reads).
//
// Properties of an accepted profile: it validates; to_json and chassis_profile_from_json are
// inverse (also through dump and parse); a hypervisor on it is created, takes a built-in guest
// whose code it reads (or refuses it with a BioXenException), runs and round-trips through a
// snapshot.
#include <algorithm>
#include <bioxen/chassis.hpp>
#include <bioxen/hypervisor.hpp>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "fuzz_support.hpp"

using bioxen::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::optional<bioxen::ChassisProfile> loaded;
  try {
    loaded = bioxen::load_chassis_profile(
        bioxen::fuzz::write_temp("chassis.json", bioxen::fuzz::as_text(data, size)));
  } catch (const bioxen::BioXenException&) {
    return 0;
  }
  const bioxen::ChassisProfile& profile = *loaded;
  using bioxen::fuzz::step;
  step("validate_chassis_profile()", [&] { bioxen::validate_chassis_profile(profile); });

  const nlohmann::json j = profile;
  check(step("chassis_profile_from_json(to_json())",
             [&] { return bioxen::chassis_profile_from_json(j); }) == profile,
        "to_json/from_json is not a round trip");
  const nlohmann::json reread =
      step("dump() and parse", [&] { return nlohmann::json::parse(j.dump()); });
  check(step("chassis_profile_from_json(parsed)",
             [&] { return bioxen::chassis_profile_from_json(reread); }) == profile,
        "the profile changed through dump and parse");

  bioxen::BioXenHypervisor hv = step("BioXenHypervisor(profile)", [&] {
    return bioxen::BioXenHypervisor{bioxen::ProductionConfig{}, profile};
  });
  const auto& codes = profile.genetic_codes;
  const bool reads_table_4 = std::find(codes.begin(), codes.end(), 4U) != codes.end();
  try {
    hv.create_vm("fuzz", reads_table_4 ? "syn3a" : "syn3a_recoded");
    hv.start_vm("fuzz");
  } catch (const bioxen::BioXenException&) {
    // The profile's genome space or codes may refuse the guest; the host still runs.
  }
  bioxen::fuzz::check_runs_and_round_trips(hv);
  return 0;
}
