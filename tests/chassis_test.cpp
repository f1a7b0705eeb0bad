// Chassis profiles: built-in values, validation, JSON profiles and their errors.
#include "bioxen/chassis.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bioxen/error_details.hpp"

namespace {

namespace fs = std::filesystem;
using bioxen::BioXenErrorCode;
using bioxen::BioXenException;
using bioxen::ChassisProfile;
using bioxen::ChassisType;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

template <class Fn>
BioXenException expect_error(BioXenErrorCode code, Fn&& fn) {
  try {
    fn();
  } catch (const BioXenException& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    return e;
  }
  ADD_FAILURE() << "no BioXenException thrown";
  return BioXenException(BioXenErrorCode::invalid_argument, "none");
}

// ---------------------------------------------------------------------------------------------
// Names

TEST(ChassisType, Names) {
  EXPECT_EQ(bioxen::to_string(ChassisType::ecoli), "ecoli");
  EXPECT_EQ(bioxen::to_string(ChassisType::yeast), "yeast");
  EXPECT_EQ(bioxen::to_string(ChassisType::syn3a), "syn3a");
  EXPECT_EQ(bioxen::to_string(ChassisType::orthogonal), "orthogonal");
  EXPECT_EQ(bioxen::all_chassis_types.size(), 4u);
  for (const ChassisType t : bioxen::all_chassis_types) {
    EXPECT_EQ(bioxen::chassis_type_from_string(bioxen::to_string(t)), t);
  }
}

TEST(ChassisType, UnknownNameListsTheValidOnes) {
  const auto e = expect_error(BioXenErrorCode::invalid_argument,
                              [] { bioxen::chassis_type_from_string("E. coli"); });
  EXPECT_EQ(e.message(),
            "unknown chassis type 'E. coli'; valid names: ecoli, yeast, syn3a, orthogonal");
  EXPECT_EQ(e.details().at("valid"), json({"ecoli", "yeast", "syn3a", "orthogonal"}));
  expect_error(BioXenErrorCode::invalid_argument, [] { bioxen::chassis_type_from_string(""); });
  expect_error(BioXenErrorCode::invalid_argument,
               [] { bioxen::chassis_type_from_string("ECOLI"); });
}

// ---------------------------------------------------------------------------------------------
// Built-in profiles: the allocator's defaults and the physiology of docs/MODEL.md

TEST(BuiltinChassis, Ecoli) {
  const ChassisProfile& p = bioxen::chassis_profile(ChassisType::ecoli);
  EXPECT_EQ(p.type, ChassisType::ecoli);
  EXPECT_EQ(p.ribosome_units, 80u);
  EXPECT_EQ(p.recommended_max_vms, 4u);
  EXPECT_EQ(p.atp_percentage, 100.0);
  EXPECT_EQ(p.genome_space_kb, 4642u);  // one genome equivalent of its own, 4,641,652 bp
  EXPECT_FALSE(p.has_nucleus);
  EXPECT_FALSE(p.has_mitochondria);
  EXPECT_FALSE(p.has_er);
  EXPECT_EQ(p.genetic_codes, std::vector<std::uint32_t>{11});  // UGA = stop
  // Derived from the 40 min row: 433 fg x 0.540 protein / 110 Da = 1.2801e9 aa of protein;
  // x 0.148 r-protein / 7,336 aa per ribosome = 25,825 ribosomes (Bremer & Dennis quote 26,300).
  EXPECT_NEAR(p.protein_aa_per_cell, 433e-15 * 0.540 * 6.02214076e23 / 110.0, 1.0);
  EXPECT_EQ(p.physical_ribosomes, 25825);
  EXPECT_NEAR(p.physical_ribosomes, 26300, 0.02 * 26300);
  EXPECT_EQ(p.rna_polymerases, 5000u);
  EXPECT_EQ(p.active_ribosome_fraction, 0.80);
  EXPECT_EQ(p.active_rnap_fraction, 0.21);
  EXPECT_EQ(p.ribosome_spacing_nt, 65.0);
  EXPECT_EQ(p.elongation_rate_aa_per_s, 18.0);
  EXPECT_EQ(p.transcription_rate_nt_per_s, 50.0);
  EXPECT_EQ(p.atp_per_aa, 4.0);
  // One rule for every chassis: translation at full activity is 2/3 of the ATP budget.
  EXPECT_DOUBLE_EQ(p.atp_supply_per_s, 0.80 * 25825 * 18.0 * 4.0 * 1.5);
  EXPECT_EQ(p.doubling_time_min, 40.0);
  EXPECT_EQ(p.native_genome_bp, 4641652u);
  EXPECT_THAT(p.citation, HasSubstr("Bremer & Dennis 2008"));
  EXPECT_THAT(p.citation, HasSubstr("translation = 2/3 of the budget"));
  EXPECT_FALSE(p.metabolic_pathways.empty());
  EXPECT_FALSE(p.protein_processing.empty());
}

TEST(BuiltinChassis, Yeast) {
  const ChassisProfile& p = bioxen::chassis_profile(ChassisType::yeast);
  EXPECT_EQ(p.type, ChassisType::yeast);
  EXPECT_EQ(p.ribosome_units, 200000u);
  EXPECT_EQ(p.recommended_max_vms, 2u);
  EXPECT_TRUE(p.has_nucleus);
  EXPECT_TRUE(p.has_mitochondria);
  EXPECT_TRUE(p.has_er);
  EXPECT_EQ(p.genetic_codes, std::vector<std::uint32_t>{1});  // the standard code
  EXPECT_EQ(p.physical_ribosomes, 200000);
  EXPECT_EQ(p.rna_polymerases, 30000u);
  EXPECT_EQ(p.elongation_rate_aa_per_s, 10.5);
  EXPECT_GE(p.transcription_rate_nt_per_s, 13.0);  // Pol II 13-33 nt/s
  EXPECT_LE(p.transcription_rate_nt_per_s, 33.0);
  EXPECT_EQ(p.atp_per_aa, 4.0);
  EXPECT_EQ(p.active_ribosome_fraction, 0.84);
  EXPECT_DOUBLE_EQ(p.atp_supply_per_s, 0.84 * 200000 * 10.5 * 4.0 * 1.5);
  EXPECT_EQ(p.doubling_time_min, 90.0);
  EXPECT_EQ(p.native_genome_bp, 12100000u);
  EXPECT_EQ(p.genome_space_kb, 12100u);
  // No composition table: the protein content is the one at which it doubles in 90 min.
  EXPECT_NEAR(std::log(2.0) / p.reference_growth_rate_per_h() * 60.0, 90.0, 1e-9);
  EXPECT_THAT(p.citation, HasSubstr("Warner 1999"));
  EXPECT_THAT(p.citation, HasSubstr("Biochem J 168:409"));
}

// The syn3A-like minimal cell (ChassisType::orthogonal before the genetic codes).
TEST(BuiltinChassis, Syn3a) {
  const ChassisProfile& p = bioxen::chassis_profile(ChassisType::syn3a);
  EXPECT_EQ(p.type, ChassisType::syn3a);
  EXPECT_EQ(p.name, "JCVI-syn3A minimal cell");
  EXPECT_EQ(p.genetic_codes, std::vector<std::uint32_t>{4});  // Mycoplasma: UGA = Trp
  EXPECT_EQ(p.ribosome_units, 500u);
  EXPECT_EQ(p.recommended_max_vms, 1u);
  EXPECT_FALSE(p.has_nucleus);
  EXPECT_EQ(p.physical_ribosomes, 503);
  EXPECT_EQ(p.rna_polymerases, 187u);
  EXPECT_EQ(p.elongation_rate_aa_per_s, 10.0);
  EXPECT_EQ(p.transcription_rate_nt_per_s, 20.0);
  EXPECT_DOUBLE_EQ(p.atp_supply_per_s, 0.80 * 503 * 10.0 * 4.0 * 1.5);
  EXPECT_EQ(p.mrna_half_life_s, 240.0);
  EXPECT_EQ(p.ribosome_spacing_nt, 125.0);
  EXPECT_EQ(p.doubling_time_min, 105.0);
  EXPECT_EQ(p.native_genome_bp, 543379u);
  EXPECT_GE(p.genome_space_kb, 544u);  // hosts its own genome (JCVI-syn3A, 543,379 bp)
  EXPECT_THAT(p.citation, HasSubstr("Thornburg et al. 2022"));
}

// E. coli K-12 with a pool of orthogonal ribosomes: the E. coli host and its genetic code.
TEST(BuiltinChassis, Orthogonal) {
  const ChassisProfile& p = bioxen::chassis_profile(ChassisType::orthogonal);
  EXPECT_EQ(p.type, ChassisType::orthogonal);
  EXPECT_EQ(p.name, "E. coli K-12 MG1655 with orthogonal ribosomes");
  EXPECT_EQ(p.genetic_codes, std::vector<std::uint32_t>{11});
  EXPECT_FALSE(p.has_nucleus);
  EXPECT_EQ(p.native_genome_bp, 4641652u);  // NC_000913.3
  EXPECT_NE(p.name, bioxen::chassis_profile(ChassisType::ecoli).name);
}

TEST(BuiltinChassis, AllValidAndDistinct) {
  for (const ChassisType t : bioxen::all_chassis_types) {
    const ChassisProfile& p = bioxen::chassis_profile(t);
    EXPECT_NO_THROW(bioxen::validate_chassis_profile(p)) << p.name;
    EXPECT_EQ(&bioxen::chassis_profile(t), &p);  // one static object each
    // ATP supply covers the translation demand of the physical ribosomes.
    EXPECT_GT(p.atp_supply_per_s, p.physical_ribosomes * p.elongation_rate_aa_per_s * p.atp_per_aa)
        << p.name;
  }
  EXPECT_NE(bioxen::chassis_profile(ChassisType::ecoli).name,
            bioxen::chassis_profile(ChassisType::yeast).name);
}

// ---------------------------------------------------------------------------------------------
// Validation: one error per field, naming it

TEST(ValidateChassis, EachFieldIsChecked) {
  struct Case {
    const char* field;
    std::function<void(ChassisProfile&)> change;
    const char* reason;
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<Case> cases = {
      {"name", [](ChassisProfile& p) { p.name.clear(); }, "must not be empty"},
      {"type", [](ChassisProfile& p) { p.type = static_cast<ChassisType>(7); }, "not a known"},
      {"ribosome_units", [](ChassisProfile& p) { p.ribosome_units = 0; },
       "must be at least 1, got 0"},
      {"recommended_max_vms", [](ChassisProfile& p) { p.recommended_max_vms = 0; },
       "must be at least 1"},
      {"atp_percentage", [](ChassisProfile& p) { p.atp_percentage = 0; },
       "must be in (0, 100], got 0"},
      {"atp_percentage", [](ChassisProfile& p) { p.atp_percentage = 100.5; }, "got 100.5"},
      {"atp_percentage", [nan](ChassisProfile& p) { p.atp_percentage = nan; }, "got nan"},
      {"genome_space_kb", [](ChassisProfile& p) { p.genome_space_kb = 0; }, "at least 1"},
      {"metabolic_pathways", [](ChassisProfile& p) { p.metabolic_pathways.push_back(""); },
       "must not be empty"},
      {"protein_processing", [](ChassisProfile& p) { p.protein_processing = {""}; },
       "entry 0 must not be empty"},
      {"physical_ribosomes", [](ChassisProfile& p) { p.physical_ribosomes = 0; },
       "must be a finite number > 0, got 0"},
      {"physical_ribosomes", [](ChassisProfile& p) { p.physical_ribosomes = -1; }, "got -1"},
      {"rna_polymerases", [](ChassisProfile& p) { p.rna_polymerases = 0; }, "at least 1"},
      {"elongation_rate_aa_per_s", [inf](ChassisProfile& p) { p.elongation_rate_aa_per_s = inf; },
       "got inf"},
      {"transcription_rate_nt_per_s", [](ChassisProfile& p) { p.transcription_rate_nt_per_s = 0; },
       "> 0"},
      {"atp_per_aa", [](ChassisProfile& p) { p.atp_per_aa = -4; }, "> 0"},
      {"atp_supply_per_s", [nan](ChassisProfile& p) { p.atp_supply_per_s = nan; }, "finite"},
      {"doubling_time_min", [](ChassisProfile& p) { p.doubling_time_min = 0; }, "> 0"},
      {"native_genome_bp", [](ChassisProfile& p) { p.native_genome_bp = 0; }, "at least 1"},
  };
  for (const auto& c : cases) {
    ChassisProfile p = bioxen::chassis_profile(ChassisType::ecoli);
    c.change(p);
    const auto e = expect_error(BioXenErrorCode::chassis_initialization_error,
                                [&] { bioxen::validate_chassis_profile(p); });
    EXPECT_EQ(e.details().at("field"), c.field) << e.what();
    EXPECT_THAT(e.message(),
                StartsWith("chassis profile '" + p.name + "': field '" + c.field + "' "));
    EXPECT_THAT(e.message(), HasSubstr(c.reason));
    EXPECT_THAT(e.what(), StartsWith("[BX003] "));
  }
}

TEST(ValidateChassis, ExactMessage) {
  ChassisProfile p = bioxen::chassis_profile(ChassisType::yeast);
  p.atp_percentage = 150;
  const auto e = expect_error(BioXenErrorCode::chassis_initialization_error,
                              [&] { bioxen::validate_chassis_profile(p); });
  EXPECT_STREQ(e.what(),
               "[BX003] chassis profile 'S. cerevisiae': field 'atp_percentage' must be in "
               "(0, 100], got 150");
  EXPECT_EQ(e.details().at("value"), 150.0);
  EXPECT_EQ(e.details().at("profile"), "S. cerevisiae");
}

// ---------------------------------------------------------------------------------------------
// JSON

TEST(ChassisJson, RoundTripsEveryBuiltin) {
  for (const ChassisType t : bioxen::all_chassis_types) {
    const ChassisProfile& p = bioxen::chassis_profile(t);
    const json j = p;
    EXPECT_EQ(j.at("base"), bioxen::to_string(t));
    EXPECT_EQ(j.size(), 29u);  // base + every field except type
    EXPECT_EQ(j.get<ChassisProfile>(), p);
    EXPECT_EQ(bioxen::chassis_profile_from_json(json::parse(j.dump())), p);
  }
}

TEST(ChassisJson, BaseOnly) {
  EXPECT_EQ(bioxen::chassis_profile_from_json(json{{"base", "orthogonal"}}),
            bioxen::chassis_profile(ChassisType::orthogonal));
  EXPECT_EQ(bioxen::chassis_profile_from_json(json{{"base", "syn3a"}}),
            bioxen::chassis_profile(ChassisType::syn3a));
}

TEST(ChassisJson, OverridesKeepTheRestOfTheBase) {
  const ChassisProfile p = bioxen::chassis_profile_from_json(json::parse(R"({
    "base": "ecoli",
    "name": "slow E. coli",
    "physical_ribosomes": 7000,
    "elongation_rate_aa_per_s": 12,
    "ribosome_units": 40,
    "has_er": false,
    "metabolic_pathways": ["glycolysis"]
  })"));
  const ChassisProfile& base = bioxen::chassis_profile(ChassisType::ecoli);
  EXPECT_EQ(p.name, "slow E. coli");
  EXPECT_EQ(p.type, ChassisType::ecoli);
  EXPECT_EQ(p.physical_ribosomes, 7000);
  EXPECT_EQ(p.elongation_rate_aa_per_s, 12.0);
  EXPECT_EQ(p.ribosome_units, 40u);
  EXPECT_EQ(p.metabolic_pathways, std::vector<std::string>{"glycolysis"});
  EXPECT_EQ(p.rna_polymerases, base.rna_polymerases);
  // The ATP supply follows the one rule from the new ribosomes and elongation rate.
  EXPECT_DOUBLE_EQ(p.atp_supply_per_s, 0.80 * 7000 * 12.0 * 4.0 * 1.5);
  EXPECT_EQ(p.protein_processing, base.protein_processing);
  // Physiology changed without a citation: the base's citation says so.
  EXPECT_THAT(p.citation, StartsWith(base.citation));
  EXPECT_THAT(p.citation, HasSubstr("user overrides (not from these sources): "));
  EXPECT_THAT(p.citation, HasSubstr("physical_ribosomes"));
  EXPECT_THAT(p.citation, HasSubstr("elongation_rate_aa_per_s"));

  const ChassisProfile cited = bioxen::chassis_profile_from_json(
      json{{"base", "yeast"}, {"atp_per_aa", 4.2}, {"citation", "my lab, 2024"}});
  EXPECT_EQ(cited.citation, "my lab, 2024");
  const ChassisProfile renamed =
      bioxen::chassis_profile_from_json(json{{"base", "yeast"}, {"name", "Y"}});
  EXPECT_EQ(renamed.citation, bioxen::chassis_profile(ChassisType::yeast).citation);
}

struct JsonCase {
  const char* text;
  const char* key;
  const char* message;  // the full message after "[BX003] "
};

TEST(ChassisJson, ErrorsNameTheKey) {
  const std::vector<JsonCase> cases = {
      {R"([1, 2])", "", "chassis profile: expected a JSON object, got array"},
      {R"({})", "base",
       "chassis profile: key 'base' is required (the chassis the profile starts from: ecoli, "
       "yeast, syn3a, orthogonal)"},
      {R"({"base": 1})", "base", "chassis profile: key 'base' must be a string, got number 1"},
      {R"({"base": "plant"})", "base",
       "chassis profile: key 'base' must be one of ecoli, yeast, syn3a, orthogonal, got 'plant'"},
      {R"({"base": "ecoli", "ribosomes": 5})", "ribosomes",
       "chassis profile: key 'ribosomes' is not a chassis profile key; valid keys: base, name, "
       "ribosome_units, recommended_max_vms, atp_percentage, genome_space_kb, has_nucleus, "
       "has_mitochondria, has_er, metabolic_pathways, protein_processing, genetic_codes, "
       "physical_ribosomes, rna_polymerases, elongation_rate_aa_per_s, "
       "transcription_rate_nt_per_s, atp_per_aa, "
       "atp_supply_per_s, doubling_time_min, native_genome_bp, active_ribosome_fraction, "
       "active_rnap_fraction, protein_aa_per_cell, mrna_half_life_s, ribosome_spacing_nt, "
       "growth_law_phi_r0, growth_law_kappa_t_per_h, growth_law_phi_c, citation"},
      {R"({"base": "ecoli", "type": "yeast"})", "type", "'type' is not a chassis profile key"},
      {R"({"base": "ecoli", "name": 5})", "name", "key 'name' must be a string, got number 5"},
      {R"({"base": "ecoli", "ribosome_units": "80"})", "ribosome_units",
       "key 'ribosome_units' must be an integer, got string \"80\""},
      {R"({"base": "ecoli", "ribosome_units": 80.5})", "ribosome_units",
       "must be an integer, got number 80.5"},
      {R"({"base": "ecoli", "ribosome_units": -3})", "ribosome_units",
       "must be a non-negative integer, got -3"},
      {R"({"base": "ecoli", "ribosome_units": 4294967296})", "ribosome_units",
       "must be at most 4294967295, got 4294967296"},
      {R"({"base": "ecoli", "ribosome_units": 0})", "ribosome_units", "must be at least 1, got 0"},
      {R"({"base": "ecoli", "genome_space_kb": null})", "genome_space_kb",
       "must be an integer, got null"},
      {R"({"base": "ecoli", "atp_percentage": "100"})", "atp_percentage", "must be a number"},
      {R"({"base": "ecoli", "atp_percentage": 120})", "atp_percentage",
       "chassis profile: key 'atp_percentage' must be in (0, 100], got 120"},
      {R"({"base": "ecoli", "has_nucleus": 1})", "has_nucleus", "must be true or false"},
      {R"({"base": "ecoli", "metabolic_pathways": "glycolysis"})", "metabolic_pathways",
       "must be an array of strings"},
      {R"({"base": "ecoli", "protein_processing": ["a", 2]})", "protein_processing",
       "entry 1 must be a string, got number 2"},
      {R"({"base": "ecoli", "elongation_rate_aa_per_s": 0})", "elongation_rate_aa_per_s",
       "must be a finite number > 0, got 0"},
      {R"({"base": "ecoli", "doubling_time_min": -40})", "doubling_time_min", "got -40"},
      {R"({"base": "ecoli", "name": ""})", "name", "key 'name' must not be empty"},
      {R"({"base": "ecoli", "genetic_codes": "11"})", "genetic_codes",
       "must be an array of translation tables"},
      {R"({"base": "ecoli", "genetic_codes": []})", "genetic_codes",
       "key 'genetic_codes' must name at least one translation table"},
      {R"({"base": "ecoli", "genetic_codes": [11, 2]})", "genetic_codes",
       "entry 1: translation table 2 is not supported; supported: 1, 4, 11"},
      {R"({"base": "ecoli", "genetic_codes": [11, 11]})", "genetic_codes",
       "entry 1: translation table 11 is listed twice"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    const auto e = expect_error(BioXenErrorCode::chassis_initialization_error,
                                [&] { bioxen::chassis_profile_from_json(json::parse(c.text)); });
    EXPECT_THAT(e.message(), HasSubstr(c.message));
    EXPECT_EQ(e.details().at("key"), c.key);
  }
  // from_json is the same function.
  expect_error(BioXenErrorCode::chassis_initialization_error, [] {
    (void)json{{"base", "ecoli"}, {"x", 1}}.get<ChassisProfile>();
  });
}

// ---------------------------------------------------------------------------------------------
// Files

class ChassisFile : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() /
           ("bioxen_chassis_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  fs::path dir_;
};

TEST_F(ChassisFile, LoadsAProfile) {
  const fs::path p = write("lab.json", R"({"base": "yeast", "name": "lab strain",
    "recommended_max_vms": 3, "genome_space_kb": 500000})");
  const ChassisProfile profile = bioxen::load_chassis_profile(p);
  EXPECT_EQ(profile.name, "lab strain");
  EXPECT_EQ(profile.type, ChassisType::yeast);
  EXPECT_EQ(profile.recommended_max_vms, 3u);
  EXPECT_EQ(profile.genome_space_kb, 500000u);
  EXPECT_TRUE(profile.has_nucleus);
}

TEST_F(ChassisFile, ErrorsNameTheFile) {
  const fs::path missing = dir_ / "missing.json";
  const auto io =
      expect_error(BioXenErrorCode::io_error, [&] { bioxen::load_chassis_profile(missing); });
  EXPECT_EQ(io.message(),
            "cannot read chassis profile '" + missing.string() + "': No such file or directory");
  EXPECT_EQ(io.details().at("file"), missing.string());

  const auto dir =
      expect_error(BioXenErrorCode::io_error, [&] { bioxen::load_chassis_profile(dir_); });
  EXPECT_THAT(dir.message(), HasSubstr("it is a directory"));

  const fs::path syntax = write("syntax.json", "{\n  \"base\": \"ecoli\",\n  \"name\": ,\n}\n");
  const auto s = expect_error(BioXenErrorCode::chassis_initialization_error,
                              [&] { bioxen::load_chassis_profile(syntax); });
  EXPECT_THAT(s.message(), StartsWith(syntax.string() + ":3:11: malformed JSON: "));
  EXPECT_EQ(s.details().at("line"), 3);
  EXPECT_EQ(s.details().at("column"), 11);
  EXPECT_EQ(s.details().at("file"), syntax.string());

  const fs::path empty = write("empty.json", "");
  expect_error(BioXenErrorCode::chassis_initialization_error,
               [&] { bioxen::load_chassis_profile(empty); });

  const fs::path key = write("key.json", R"({"base": "ecoli", "atp_percentage": 0})");
  const auto k = expect_error(BioXenErrorCode::chassis_initialization_error,
                              [&] { bioxen::load_chassis_profile(key); });
  EXPECT_EQ(k.message(),
            key.string() + ": chassis profile: key 'atp_percentage' must be in (0, 100], got 0");
  EXPECT_EQ(k.details().at("key"), "atp_percentage");
  EXPECT_EQ(k.details().at("file"), key.string());
  EXPECT_EQ(k.details().at("code"), "BX003");
}

}  // namespace
