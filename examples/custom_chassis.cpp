// BioXen custom chassis: define your own host cell in JSON — a base chassis plus the fields
// you change — and run guests on it.
//
//   custom_chassis              uses the profile below
//   custom_chassis FILE.json    loads a profile file instead (same format)
#include <fmt/format.h>
#include <bioxen/bioxen.hpp>

#include <chrono>
#include <filesystem>

namespace {

// A slow-growing, ribosome-poor E. coli: half the elongation rate, a 90-minute doubling time.
constexpr const char* slow_ecoli = R"json({
  "base": "ecoli",
  "name": "slow E. coli (custom)",
  "elongation_rate_aa_per_s": 9.0,
  "doubling_time_min": 90.0,
  "recommended_max_vms": 2
})json";

}  // namespace

int main(int argc, char** argv) {
  using namespace std::chrono_literals;
  try {
    const bioxen::ChassisProfile profile =
        argc > 1 ? bioxen::load_chassis_profile(std::filesystem::path(argv[1]))
                 : bioxen::chassis_profile_from_json(nlohmann::json::parse(slow_ecoli));
    fmt::print("chassis: {} (based on {}), {} aa/s, doubling every {} min\n", profile.name,
               bioxen::to_string(profile.type), profile.elongation_rate_aa_per_s,
               profile.doubling_time_min);

    bioxen::ProductionConfig config;
    config.max_vms = 2;
    bioxen::BioXenHypervisor hv{config, profile};
    fmt::print("allocator view: {}\n", hv.get_chassis_info().dump());

    // A custom profile keeps its base's genetic code (E. coli: table 11, UGA = stop), so the
    // mycoplasma guests run recoded for it.
    fmt::print("genetic code: table {}\n", fmt::join(profile.genetic_codes, ", "));
    auto syn3a =
        bioxen::create_bio_vm(hv, "syn3a", "syn3a", "basic", {{"genome", "syn3a_recoded"}});
    auto minimal = bioxen::create_bio_vm(hv, "minimal", "minimal_cell", "basic",
                                         {{"genome", "minimal_cell_recoded"}});
    syn3a.start();
    minimal.start();
    hv.run_for(30s);
    for (const bioxen::VmStatus& s : hv.list_vms()) fmt::print("  {}\n", s);

    // A profile with an impossible value is refused with BX003, naming the field.
    try {
      bioxen::chassis_profile_from_json({{"base", "ecoli"}, {"elongation_rate_aa_per_s", -1}});
    } catch (const bioxen::BioXenException& e) {
      fmt::print("expected error: {}\n", e.what());
    }
    return 0;
  } catch (const bioxen::BioXenException& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 1;
  }
}
