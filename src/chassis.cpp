// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// The built-in chassis profiles and user profiles in JSON. Every physiology number comes from
// the project's parameter table (data/PARAMETERS.md); docs/MODEL_CHASSIS.md lists them with
// their sources and marks the derived ones.
#include "bioxen/chassis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <system_error>
#include <type_traits>

#include "bioxen/error.hpp"

namespace bioxen {

// ---------------------------------------------------------------------------------------------
// Names

std::string_view to_string(ChassisType type) noexcept {
  switch (type) {
    case ChassisType::ecoli:
      return "ecoli";
    case ChassisType::yeast:
      return "yeast";
    case ChassisType::orthogonal:
      return "orthogonal";
  }
  return "unknown";
}

namespace {

std::optional<ChassisType> parse_chassis_type(std::string_view name) noexcept {
  for (const ChassisType type : all_chassis_types) {
    if (to_string(type) == name) return type;
  }
  return std::nullopt;
}

std::string valid_chassis_names() {
  std::string names;
  for (const ChassisType type : all_chassis_types) {
    if (!names.empty()) names += ", ";
    names += to_string(type);
  }
  return names;
}

}  // namespace

ChassisType chassis_type_from_string(std::string_view name) {
  if (const auto type = parse_chassis_type(name)) return *type;
  std::vector<std::string> valid;
  for (const ChassisType type : all_chassis_types) valid.emplace_back(to_string(type));
  throw BioXenException(
      BioXenErrorCode::invalid_argument,
      fmt::format("unknown chassis type '{}'; valid names: {}", name, valid_chassis_names()),
      {{"name", name}, {"valid", valid}});
}

// ---------------------------------------------------------------------------------------------
// Built-in profiles

namespace {

ChassisProfile make_ecoli() {
  ChassisProfile p;
  p.name = "E. coli K-12 MG1655";
  p.type = ChassisType::ecoli;
  // Allocator view: the seed's defaults.
  p.ribosome_units = 80;
  p.recommended_max_vms = 4;
  p.atp_percentage = 100.0;
  p.genome_space_kb = 1000000;
  p.has_nucleus = false;
  p.has_mitochondria = false;
  p.has_er = false;
  p.metabolic_pathways = {"glycolysis",
                          "pentose_phosphate",
                          "tca_cycle",
                          "oxidative_phosphorylation",
                          "mixed_acid_fermentation",
                          "amino_acid_biosynthesis",
                          "nucleotide_biosynthesis",
                          "fatty_acid_biosynthesis"};
  p.protein_processing = {"sec_translocation", "tat_translocation",     "dnak_chaperone",
                          "groel_chaperonin",  "periplasmic_disulfide", "clp_lon_proteolysis"};
  // Physiology at a 40 min doubling time.
  p.physical_ribosomes = 26300;          // Bremer & Dennis 2008
  p.rna_polymerases = 5000;              // Bremer & Dennis 2008
  p.elongation_rate_aa_per_s = 18.0;     // Bremer & Dennis 2008
  p.transcription_rate_nt_per_s = 50.0;  // Bremer & Dennis 2008
  p.atp_per_aa = 4.0;                    // Stouthamer 1973
  p.atp_supply_per_s = 6.4e6;            // Deng et al. 2021, exponential phase
  p.doubling_time_min = 40.0;            // profile choice (Bremer & Dennis table row)
  p.native_genome_bp = 4641652;          // NC_000913.3
  p.citation =
      "Bremer & Dennis 2008 (EcoSal Plus), 40 min doubling: 26,300 ribosomes, 5,000 RNA "
      "polymerases, 18 aa/s, 50 nt/s; Stouthamer 1973: 4 ATP per amino acid; Deng et al. 2021 "
      "(BMC Biology): 6.4e6 ATP/s; NC_000913.3: 4,641,652 bp";
  return p;
}

ChassisProfile make_yeast() {
  ChassisProfile p;
  p.name = "S. cerevisiae";
  p.type = ChassisType::yeast;
  p.ribosome_units = 200000;  // the seed's default
  p.recommended_max_vms = 2;  // the seed's default
  p.atp_percentage = 100.0;
  p.genome_space_kb = 2000000;  // model choice: twice E. coli's (the genome is ~2.6x larger)
  p.has_nucleus = true;
  p.has_mitochondria = true;
  p.has_er = true;
  p.metabolic_pathways = {"glycolysis",
                          "alcoholic_fermentation",
                          "pentose_phosphate",
                          "tca_cycle",
                          "oxidative_phosphorylation",
                          "glyoxylate_cycle",
                          "ergosterol_biosynthesis",
                          "amino_acid_biosynthesis"};
  p.protein_processing = {"er_translocation", "n_glycosylation",     "o_glycosylation",
                          "golgi_processing", "er_disulfide",        "ubiquitin_proteasome",
                          "vacuolar_sorting", "mitochondrial_import"};
  p.physical_ribosomes = 200000;         // Warner 1999; BioNumbers 100267
  p.rna_polymerases = 30000;             // Pol II, commonly quoted (M)
  p.elongation_rate_aa_per_s = 10.5;     // PARAMETERS.md (C)
  p.transcription_rate_nt_per_s = 20.0;  // within 13-33 nt/s (Zenklusen 2008; Mason & Struhl 2005)
  p.atp_per_aa = 4.0;                    // Stouthamer 1973 (same chemistry)
  p.atp_supply_per_s = 1.3e7;     // derived: 200,000 x 10.5 x 4 = 8.4e6 as ~2/3 of the budget
  p.doubling_time_min = 90.0;     // rich medium (M; range 70-140)
  p.native_genome_bp = 12100000;  // ~12.1 Mbp
  p.citation =
      "Warner 1999 (TIBS 24:437): ~200,000 ribosomes; ~30,000 Pol II (commonly quoted); "
      "10.5 aa/s (Boehlke & Friesen 1975 give 8.8); Pol II 13-33 nt/s (Zenklusen 2008; Mason & "
      "Struhl 2005), 20 nt/s chosen within the range; Stouthamer 1973: 4 ATP per amino acid; "
      "ATP supply 1.3e7/s derived (200,000 x 10.5 x 4 = 8.4e6 taken as ~2/3 of the budget, "
      "Russell & Cook 1995); ~90 min doubling in rich medium; genome ~12.1 Mbp";
  return p;
}

ChassisProfile make_orthogonal() {
  ChassisProfile p;
  p.name = "orthogonal minimal cell (JCVI-syn3A-like)";
  p.type = ChassisType::orthogonal;
  p.ribosome_units = 500;     // the seed's default
  p.recommended_max_vms = 1;  // the seed's default
  p.atp_percentage = 100.0;
  p.genome_space_kb = 1024;  // model choice: one guest at the default per-VM limit (1,024 kb)
  p.has_nucleus = false;
  p.has_mitochondria = false;
  p.has_er = false;
  p.metabolic_pathways = {"glycolysis", "pentose_phosphate_nonoxidative", "nucleotide_salvage",
                          "lipid_incorporation", "cofactor_salvage"};
  p.protein_processing = {"sec_translocation", "dnak_chaperone", "groel_chaperonin",
                          "lipoprotein_processing"};
  p.physical_ribosomes = 503;            // Thornburg et al. 2022
  p.rna_polymerases = 187;               // Thornburg et al. 2022
  p.elongation_rate_aa_per_s = 10.0;     // Thornburg et al. 2022
  p.transcription_rate_nt_per_s = 20.0;  // Thornburg et al. 2022
  p.atp_per_aa = 4.0;                    // Stouthamer 1973
  p.atp_supply_per_s = 3.0e4;            // derived: 503 x 10 x 4 = 2.0e4 as ~2/3 of the budget
  p.doubling_time_min = 105.0;           // Breuer et al. 2019
  p.native_genome_bp = 543379;           // CP016816.2
  p.citation =
      "Thornburg et al. 2022 (Cell 185:345): 503 ribosomes, 187 RNA polymerases, 10 aa/s, "
      "20 nt/s; Stouthamer 1973: 4 ATP per amino acid; ATP supply ~3e4/s derived (503 x 10 x 4 "
      "= 2.0e4 taken as ~2/3 of the budget); Breuer et al. 2019 (eLife): 105 min doubling; "
      "CP016816.2: 543,379 bp";
  return p;
}

}  // namespace

const ChassisProfile& chassis_profile(ChassisType type) noexcept {
  static const ChassisProfile ecoli = make_ecoli();
  static const ChassisProfile yeast = make_yeast();
  static const ChassisProfile orthogonal = make_orthogonal();
  switch (type) {
    case ChassisType::yeast:
      return yeast;
    case ChassisType::orthogonal:
      return orthogonal;
    case ChassisType::ecoli:
      break;
  }
  return ecoli;
}

// ---------------------------------------------------------------------------------------------
// Validation

namespace {

struct Problem {
  std::string field;
  std::string reason;  // "must be ..., got ..."
  nlohmann::json value;
};

template <class T>
std::optional<Problem> at_least_one(std::string_view field, T value) {
  if (value >= 1) return std::nullopt;
  return Problem{std::string(field), fmt::format("must be at least 1, got {}", value), value};
}

std::optional<Problem> positive(std::string_view field, double value) {
  if (std::isfinite(value) && value > 0) return std::nullopt;
  return Problem{std::string(field), fmt::format("must be a finite number > 0, got {}", value),
                 std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr)};
}

std::optional<Problem> no_empty_names(std::string_view field,
                                      const std::vector<std::string>& names) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty()) {
      return Problem{std::string(field), fmt::format("entry {} must not be empty", i), ""};
    }
  }
  return std::nullopt;
}

std::optional<Problem> find_problem(const ChassisProfile& p) {
  if (p.name.empty()) return Problem{"name", "must not be empty", ""};
  if (!parse_chassis_type(to_string(p.type))) {
    return Problem{"type", "is not a known chassis type", static_cast<int>(p.type)};
  }
  if (auto e = at_least_one("ribosome_units", p.ribosome_units)) return e;
  if (auto e = at_least_one("recommended_max_vms", p.recommended_max_vms)) return e;
  if (!(std::isfinite(p.atp_percentage) && p.atp_percentage > 0 && p.atp_percentage <= 100)) {
    return Problem{"atp_percentage", fmt::format("must be in (0, 100], got {}", p.atp_percentage),
                   std::isfinite(p.atp_percentage) ? nlohmann::json(p.atp_percentage)
                                                   : nlohmann::json(nullptr)};
  }
  if (auto e = at_least_one("genome_space_kb", p.genome_space_kb)) return e;
  if (auto e = no_empty_names("metabolic_pathways", p.metabolic_pathways)) return e;
  if (auto e = no_empty_names("protein_processing", p.protein_processing)) return e;
  if (auto e = positive("physical_ribosomes", p.physical_ribosomes)) return e;
  if (auto e = at_least_one("rna_polymerases", p.rna_polymerases)) return e;
  if (auto e = positive("elongation_rate_aa_per_s", p.elongation_rate_aa_per_s)) return e;
  if (auto e = positive("transcription_rate_nt_per_s", p.transcription_rate_nt_per_s)) return e;
  if (auto e = positive("atp_per_aa", p.atp_per_aa)) return e;
  if (auto e = positive("atp_supply_per_s", p.atp_supply_per_s)) return e;
  if (auto e = positive("doubling_time_min", p.doubling_time_min)) return e;
  if (auto e = at_least_one("native_genome_bp", p.native_genome_bp)) return e;
  return std::nullopt;
}

}  // namespace

void validate_chassis_profile(const ChassisProfile& profile) {
  if (auto problem = find_problem(profile)) {
    throw BioXenException(BioXenErrorCode::chassis_initialization_error,
                          fmt::format("chassis profile '{}': field '{}' {}", profile.name,
                                      problem->field, problem->reason),
                          {{"field", problem->field},
                           {"value", std::move(problem->value)},
                           {"profile", profile.name}});
  }
}

// ---------------------------------------------------------------------------------------------
// JSON

void to_json(nlohmann::json& j, const ChassisProfile& p) {
  j = nlohmann::json{{"base", to_string(p.type)},
                     {"name", p.name},
                     {"ribosome_units", p.ribosome_units},
                     {"recommended_max_vms", p.recommended_max_vms},
                     {"atp_percentage", p.atp_percentage},
                     {"genome_space_kb", p.genome_space_kb},
                     {"has_nucleus", p.has_nucleus},
                     {"has_mitochondria", p.has_mitochondria},
                     {"has_er", p.has_er},
                     {"metabolic_pathways", p.metabolic_pathways},
                     {"protein_processing", p.protein_processing},
                     {"physical_ribosomes", p.physical_ribosomes},
                     {"rna_polymerases", p.rna_polymerases},
                     {"elongation_rate_aa_per_s", p.elongation_rate_aa_per_s},
                     {"transcription_rate_nt_per_s", p.transcription_rate_nt_per_s},
                     {"atp_per_aa", p.atp_per_aa},
                     {"atp_supply_per_s", p.atp_supply_per_s},
                     {"doubling_time_min", p.doubling_time_min},
                     {"native_genome_bp", p.native_genome_bp},
                     {"citation", p.citation}};
}

namespace {

[[noreturn]] void json_fail(std::string_view key, std::string reason,
                            nlohmann::json value = nullptr) {
  throw BioXenException(BioXenErrorCode::chassis_initialization_error,
                        fmt::format("chassis profile: key '{}' {}", key, reason),
                        {{"key", key}, {"field", key}, {"value", std::move(value)}});
}

std::string got(const nlohmann::json& v) {
  if (v.is_null()) return "got null";
  return fmt::format("got {} {}", v.type_name(), v.dump().substr(0, 60));
}

std::string as_string(std::string_view key, const nlohmann::json& v) {
  if (!v.is_string()) json_fail(key, "must be a string, " + got(v), v);
  return v.get<std::string>();
}

bool as_bool(std::string_view key, const nlohmann::json& v) {
  if (!v.is_boolean()) json_fail(key, "must be true or false, " + got(v), v);
  return v.get<bool>();
}

double as_double(std::string_view key, const nlohmann::json& v) {
  if (!v.is_number()) json_fail(key, "must be a number, " + got(v), v);
  return v.get<double>();
}

template <class T>
T as_unsigned(std::string_view key, const nlohmann::json& v) {
  static_assert(std::is_unsigned_v<T>);
  if (v.is_number_unsigned()) {
    const auto value = v.get<std::uint64_t>();
    if (value > std::numeric_limits<T>::max()) {
      json_fail(key,
                fmt::format("must be at most {}, got {}", std::numeric_limits<T>::max(), value), v);
    }
    return static_cast<T>(value);
  }
  if (v.is_number_integer()) {
    json_fail(key, fmt::format("must be a non-negative integer, got {}", v.get<std::int64_t>()), v);
  }
  json_fail(key, "must be an integer, " + got(v), v);
}

std::vector<std::string> as_string_list(std::string_view key, const nlohmann::json& v) {
  if (!v.is_array()) json_fail(key, "must be an array of strings, " + got(v), v);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string()) {
      json_fail(key, fmt::format("entry {} must be a string, {}", i, got(v[i])), v[i]);
    }
    out.push_back(v[i].get<std::string>());
  }
  return out;
}

constexpr std::string_view kPhysiologyKeys[] = {
    "physical_ribosomes",          "rna_polymerases", "elongation_rate_aa_per_s",
    "transcription_rate_nt_per_s", "atp_per_aa",      "atp_supply_per_s",
    "doubling_time_min",           "native_genome_bp"};

constexpr std::string_view kKeys[] = {"base",
                                      "name",
                                      "ribosome_units",
                                      "recommended_max_vms",
                                      "atp_percentage",
                                      "genome_space_kb",
                                      "has_nucleus",
                                      "has_mitochondria",
                                      "has_er",
                                      "metabolic_pathways",
                                      "protein_processing",
                                      "physical_ribosomes",
                                      "rna_polymerases",
                                      "elongation_rate_aa_per_s",
                                      "transcription_rate_nt_per_s",
                                      "atp_per_aa",
                                      "atp_supply_per_s",
                                      "doubling_time_min",
                                      "native_genome_bp",
                                      "citation"};

/// Sets one field; false for an unknown key.
bool set_field(ChassisProfile& p, const std::string& key, const nlohmann::json& v) {
  if (key == "name") {
    p.name = as_string(key, v);
  } else if (key == "ribosome_units") {
    p.ribosome_units = as_unsigned<std::uint32_t>(key, v);
  } else if (key == "recommended_max_vms") {
    p.recommended_max_vms = as_unsigned<std::uint32_t>(key, v);
  } else if (key == "atp_percentage") {
    p.atp_percentage = as_double(key, v);
  } else if (key == "genome_space_kb") {
    p.genome_space_kb = as_unsigned<std::uint64_t>(key, v);
  } else if (key == "has_nucleus") {
    p.has_nucleus = as_bool(key, v);
  } else if (key == "has_mitochondria") {
    p.has_mitochondria = as_bool(key, v);
  } else if (key == "has_er") {
    p.has_er = as_bool(key, v);
  } else if (key == "metabolic_pathways") {
    p.metabolic_pathways = as_string_list(key, v);
  } else if (key == "protein_processing") {
    p.protein_processing = as_string_list(key, v);
  } else if (key == "physical_ribosomes") {
    p.physical_ribosomes = as_double(key, v);
  } else if (key == "rna_polymerases") {
    p.rna_polymerases = as_unsigned<std::uint32_t>(key, v);
  } else if (key == "elongation_rate_aa_per_s") {
    p.elongation_rate_aa_per_s = as_double(key, v);
  } else if (key == "transcription_rate_nt_per_s") {
    p.transcription_rate_nt_per_s = as_double(key, v);
  } else if (key == "atp_per_aa") {
    p.atp_per_aa = as_double(key, v);
  } else if (key == "atp_supply_per_s") {
    p.atp_supply_per_s = as_double(key, v);
  } else if (key == "doubling_time_min") {
    p.doubling_time_min = as_double(key, v);
  } else if (key == "native_genome_bp") {
    p.native_genome_bp = as_unsigned<std::uint64_t>(key, v);
  } else if (key == "citation") {
    p.citation = as_string(key, v);
  } else {
    return false;
  }
  return true;
}

}  // namespace

ChassisProfile chassis_profile_from_json(const nlohmann::json& j) {
  if (!j.is_object()) {
    throw BioXenException(
        BioXenErrorCode::chassis_initialization_error,
        fmt::format("chassis profile: expected a JSON object, got {}", j.type_name()),
        {{"key", ""}, {"field", ""}});
  }
  const auto base_it = j.find("base");
  if (base_it == j.end()) {
    json_fail("base", fmt::format("is required (the chassis the profile starts from: {})",
                                  valid_chassis_names()));
  }
  const std::string base_name = as_string("base", *base_it);
  const auto base = parse_chassis_type(base_name);
  if (!base) {
    json_fail("base", fmt::format("must be one of {}, got '{}'", valid_chassis_names(), base_name),
              base_name);
  }
  ChassisProfile p = chassis_profile(*base);
  std::vector<std::string> physiology_overridden;
  for (const auto& [key, value] : j.items()) {
    if (key == "base") continue;
    if (!set_field(p, key, value)) {
      json_fail(
          key, fmt::format("is not a chassis profile key; valid keys: {}", fmt::join(kKeys, ", ")));
    }
    if (std::find(std::begin(kPhysiologyKeys), std::end(kPhysiologyKeys), key) !=
        std::end(kPhysiologyKeys)) {
      physiology_overridden.push_back(key);
    }
  }
  if (!physiology_overridden.empty() && !j.contains("citation")) {
    p.citation += fmt::format("; user overrides (not from these sources): {}",
                              fmt::join(physiology_overridden, ", "));
  }
  if (auto problem = find_problem(p)) {
    json_fail(problem->field, problem->reason, std::move(problem->value));
  }
  return p;
}

void from_json(const nlohmann::json& j, ChassisProfile& p) { p = chassis_profile_from_json(j); }

ChassisProfile load_chassis_profile(const std::filesystem::path& file) {
  const std::string name = file.string();
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    throw BioXenException(BioXenErrorCode::io_error,
                          fmt::format("cannot read chassis profile '{}': it is a directory", name),
                          {{"file", name}, {"reason", "is a directory"}});
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    const std::string reason = std::generic_category().message(errno);
    throw BioXenException(BioXenErrorCode::io_error,
                          fmt::format("cannot read chassis profile '{}': {}", name, reason),
                          {{"file", name}, {"reason", reason}});
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    throw BioXenException(BioXenErrorCode::io_error,
                          fmt::format("cannot read chassis profile '{}': read error", name),
                          {{"file", name}, {"reason", "read error"}});
  }
  const std::string text = buffer.str();

  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is the 1-based offset of the character where parsing stopped.
    const std::size_t stop = std::min<std::size_t>(e.byte > 0 ? e.byte - 1 : 0, text.size());
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < stop; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    throw BioXenException(BioXenErrorCode::chassis_initialization_error,
                          fmt::format("{}:{}:{}: invalid JSON: {}", name, line, column, e.what()),
                          {{"file", name}, {"line", line}, {"column", column}});
  }
  try {
    return chassis_profile_from_json(j);
  } catch (const BioXenException& e) {
    nlohmann::json details = e.details();
    details["file"] = name;
    details.erase("code");
    throw BioXenException(e.code(), fmt::format("{}: {}", name, e.message()), std::move(details));
  }
}

}  // namespace bioxen
