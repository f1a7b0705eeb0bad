// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// The built-in chassis profiles, their growth conditions and user profiles in JSON. Every
// physiology number is listed with its unit and source in docs/MODEL.md (section 2), which
// marks the derived ones and gives their derivations.
#include "bioxen/chassis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <system_error>
#include <tuple>
#include <type_traits>

#include "bioxen/config.hpp"
#include "bioxen/detail/json_read.hpp"
#include "bioxen/detail/utf8.hpp"
#include "bioxen/error_details.hpp"
#include "bioxen/genetic_code.hpp"
#include "bioxen/genome.hpp"
#include "detail/fields.hpp"
#include "detail/text_io.hpp"

namespace bioxen {

// ---------------------------------------------------------------------------------------------
// Names

namespace {

std::optional<ChassisType> parse_chassis_type(std::string_view name) noexcept {
  if (const auto* row = detail::find_enum_row(detail::chassis_type_names, name)) return row->value;
  return std::nullopt;
}

std::string valid_chassis_names() {
  return detail::enum_name_list(detail::chassis_type_names, ", ");
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

// Growth conditions (docs/MODEL.md). The Bremer & Dennis 2008 rows of
// src/growth_laws/bremer_dennis_2008.tsv (a test checks that the two agree).
constexpr GrowthConditionRow kBremerDennis[] = {
    {100, 12, 39, 1500, 0.17, 0.090, 0.80, 148, 0.676, 79, 6800},
    {60, 16, 45, 2800, 0.20, 0.114, 0.80, 258, 0.605, 85, 13500},
    {40, 18, 50, 5000, 0.21, 0.148, 0.80, 433, 0.540, 65, 26300},
    {30, 20, 52, 8000, 0.24, 0.175, 0.80, 641, 0.530, 52, 45100},
    {24, 21, 55, 11400, 0.30, 0.211, 0.80, 865, 0.520, 41, 72000},
};

constexpr double kAvogadro = 6.02214076e23;
// Translation is ~2/3 of a growing bacterium's ATP budget (Russell & Cook 1995; Stouthamer
// 1973): the ATP supply of every chassis is 3/2 of its translation demand at full activity.
constexpr double kTranslationShareOfAtp = 2.0 / 3.0;

// Mean E. coli mRNA half-life, 5.7 min (Bernstein et al. 2002, PNAS 99:9697; LB, 30 C).
constexpr double kEcoliMrnaHalfLifeS = 342.0;
// JCVI-syn3A: the global mRNA degradation rate 0.00578/2 1/s of the Thornburg et al. 2022
// model code (t1/2 = 240 s).
constexpr double kSyn3aMrnaHalfLifeS = 240.0;
// S. cerevisiae: no verified source in the project; the E. coli value (docs/MODEL.md).
constexpr double kYeastMrnaHalfLifeS = 342.0;
// Ribosome spacing on mRNA, nt: syn3A one ribosome per 125 nt of transcript (Thornburg et al.
// 2022 model code); yeast: the E. coli 40 min value (unverified for yeast).
constexpr double kSyn3aRibosomeSpacingNt = 125.0;
constexpr double kYeastRibosomeSpacingNt = 65.0;
// Yeast: 8.8 aa/s per ribosome with 84 % of ribosomes active in fast growth (Biochem J
// 168:409, 1977), i.e. 10.5 aa/s per active ribosome, the typical value compiled in PLoS
// Comput Biol 18:e1010059 (2022), Table 1. Pol II ~30,000 per cell is commonly quoted, not
// verified (docs/MODEL.md).
constexpr double kYeastElongationAaPerS = 10.5;
constexpr double kYeastActiveRibosomes = 0.84;
constexpr std::uint32_t kYeastPol2 = 30000;
constexpr const char* kYeastCitation =
    "Warner 1999 (TIBS 24:437): ~200,000 ribosomes; 8.8 aa/s per ribosome, 84 % active "
    "(Biochem J 168:409, 1977) = 10.5 aa/s per active ribosome (PLoS Comput Biol "
    "18:e1010059 Table 1); ~30,000 Pol II (commonly quoted, unverified); Pol II 13-33 nt/s "
    "(Zenklusen 2008; Mason & Struhl 2005), 20 nt/s chosen; Stouthamer 1973: 4 ATP per amino "
    "acid; ATP supply by the rule translation = 2/3 of the budget (Russell & Cook 1995); ~90 "
    "min doubling in YPD (Sherman 2002); genome ~12.1 Mbp";
constexpr const char* kSyn3aCitation =
    "Thornburg et al. 2022 (Cell 185:345, model code): 503 ribosomes, 187 RNA polymerases, "
    "10 aa/s, 20 nt/s, mRNA half-life 240 s, one ribosome per 125 nt; Stouthamer 1973: 4 ATP "
    "per amino acid; ATP supply by the rule translation = 2/3 of the budget (Russell & Cook "
    "1995); Breuer et al. 2019 (eLife): 105 min doubling; CP016816.2: 543,379 bp";

/// ATP supply by the one rule: translation demand / its share of the budget.
double atp_supply_rule(const ChassisProfile& p) {
  return p.active_ribosome_fraction * p.physical_ribosomes * p.elongation_rate_aa_per_s *
         p.atp_per_aa / kTranslationShareOfAtp;
}

/// For chassis without a composition table: the protein content at which the host alone
/// grows at its reference doubling time (active ribosomes x elongation = lambda x protein).
void finish_reference_condition(ChassisProfile& p) {
  const double lambda_per_s = std::log(2.0) / (p.doubling_time_min * 60.0);
  p.protein_aa_per_cell =
      p.active_ribosome_fraction * p.physical_ribosomes * p.elongation_rate_aa_per_s / lambda_per_s;
  p.atp_supply_per_s = atp_supply_rule(p);
}

/// Interpolates the Bremer & Dennis rows at `doubling_time_min` (in the growth rate; counts and
/// masses log-linearly) and derives ribosomes, protein and ATP supply from them.
void apply_ecoli_condition(ChassisProfile& p, double doubling_time_min) {
  const double mu = 60.0 / doubling_time_min;  // doublings per hour
  std::size_t i = 0;
  while (i + 2 < std::size(kBremerDennis) && 60.0 / kBremerDennis[i + 1].doubling_time_min < mu) {
    ++i;
  }
  const GrowthConditionRow& a = kBremerDennis[i];
  const GrowthConditionRow& b = kBremerDennis[i + 1];
  const double mu_a = 60.0 / a.doubling_time_min;
  const double mu_b = 60.0 / b.doubling_time_min;
  const double t = (mu - mu_a) / (mu_b - mu_a);
  const auto lin = [t](double x, double y) { return x + t * (y - x); };
  const auto log_lin = [t](double x, double y) {
    return std::exp(std::log(x) + t * std::log(y / x));
  };
  const double dry_fg = log_lin(a.dry_mass_fg, b.dry_mass_fg);
  const double protein_fraction = lin(a.protein_mass_fraction, b.protein_mass_fraction);
  const double rprotein = lin(a.rprotein_fraction, b.rprotein_fraction);
  p.doubling_time_min = doubling_time_min;
  p.elongation_rate_aa_per_s = lin(a.elongation_aa_per_s, b.elongation_aa_per_s);
  p.transcription_rate_nt_per_s = lin(a.rnap_elongation_nt_per_s, b.rnap_elongation_nt_per_s);
  p.rna_polymerases =
      static_cast<std::uint32_t>(std::lround(log_lin(a.rnap_per_cell, b.rnap_per_cell)));
  p.active_rnap_fraction = lin(a.active_rnap_fraction, b.active_rnap_fraction);
  p.active_ribosome_fraction = lin(a.active_ribosome_fraction, b.active_ribosome_fraction);
  p.ribosome_spacing_nt = lin(a.ribosome_spacing_nt, b.ribosome_spacing_nt);
  // Protein per cell: dry mass x protein fraction / residue mass; ribosomes: r-protein / 7,336 aa.
  p.protein_aa_per_cell = dry_fg * 1e-15 * protein_fraction * kAvogadro / amino_acid_residue_da;
  p.physical_ribosomes = std::round(p.protein_aa_per_cell * rprotein / rprotein_aa_per_ribosome);
  p.atp_supply_per_s = atp_supply_rule(p);
  p.citation = fmt::format(
      "Bremer & Dennis 2008 (EcoSal Plus), interpolated at a {:g} min doubling: {:.0f} ribosomes "
      "(r-protein mass / 7,336 aa), {} RNA polymerases ({:.2f} transcribing), {:.3g} aa/s, "
      "{:.3g} nt/s, {:.3g} aa of protein per cell; Stouthamer 1973: 4 ATP per amino acid; ATP "
      "supply {:.3g}/s by the rule translation = 2/3 of the budget (Russell & Cook 1995); "
      "mRNA half-life and initiation: docs/MODEL.md; NC_000913.3: 4,641,652 bp",
      doubling_time_min, p.physical_ribosomes, p.rna_polymerases, p.active_rnap_fraction,
      p.elongation_rate_aa_per_s, p.transcription_rate_nt_per_s, p.protein_aa_per_cell,
      p.atp_supply_per_s);
}

ChassisProfile make_ecoli() {
  ChassisProfile p;
  p.name = "E. coli K-12 MG1655";
  p.type = ChassisType::ecoli;
  // Allocator view: the original library's defaults.
  p.ribosome_units = 80;
  p.recommended_max_vms = 4;
  p.atp_percentage = 100.0;
  // Guest DNA the host can carry: one genome equivalent of its own (model choice, docs/MODEL.md).
  p.genome_space_kb = 4642;
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
  p.atp_per_aa = 4.0;            // Stouthamer 1973
  p.native_genome_bp = 4641652;  // NC_000913.3
  p.genetic_codes = {11};        // NC_000913.3 CDS: transl_table=11
  p.mrna_half_life_s = kEcoliMrnaHalfLifeS;
  apply_ecoli_condition(p, 40.0);
  return p;
}

ChassisProfile make_yeast() {
  ChassisProfile p;
  p.name = "S. cerevisiae";
  p.type = ChassisType::yeast;
  p.ribosome_units = 200000;  // the original library's default
  p.recommended_max_vms = 2;  // the original library's default
  p.atp_percentage = 100.0;
  p.has_nucleus = true;
  p.has_mitochondria = true;
  p.has_er = true;
  p.genetic_codes = {1};  // nuclear genes: the standard code
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
  p.physical_ribosomes = 200000;  // Warner 1999; BioNumbers 100267
  p.rna_polymerases = kYeastPol2;
  p.elongation_rate_aa_per_s = kYeastElongationAaPerS;
  p.transcription_rate_nt_per_s = 20.0;  // within 13-33 nt/s (Zenklusen 2008; Mason & Struhl 2005)
  p.atp_per_aa = 4.0;                    // Stouthamer 1973 (same chemistry)
  p.doubling_time_min = 90.0;            // rich medium (M; range 70-140)
  p.native_genome_bp = 12100000;         // ~12.1 Mbp
  p.genome_space_kb = 12100;             // one genome equivalent (model choice)
  p.mrna_half_life_s = kYeastMrnaHalfLifeS;
  p.ribosome_spacing_nt = kYeastRibosomeSpacingNt;
  p.active_ribosome_fraction = kYeastActiveRibosomes;
  finish_reference_condition(p);
  p.citation = kYeastCitation;
  return p;
}

ChassisProfile make_syn3a() {
  ChassisProfile p;
  p.name = "JCVI-syn3A minimal cell";
  p.type = ChassisType::syn3a;
  p.ribosome_units = 500;     // the original library's default (of its "orthogonal" cell)
  p.recommended_max_vms = 1;  // the original library's default (of its "orthogonal" cell)
  p.genetic_codes = {4};      // Mycoplasma: UGA = Trp (CP016816.2 CDS: transl_table=4)
  p.atp_percentage = 100.0;
  p.genome_space_kb = 544;  // one genome equivalent (model choice): a syn3A guest fits
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
  p.doubling_time_min = 105.0;           // Breuer et al. 2019
  p.native_genome_bp = 543379;           // CP016816.2
  p.mrna_half_life_s = kSyn3aMrnaHalfLifeS;
  p.ribosome_spacing_nt = kSyn3aRibosomeSpacingNt;
  finish_reference_condition(p);
  p.citation = kSyn3aCitation;
  return p;
}

/// E. coli K-12 with a pool of orthogonal ribosomes (docs/MODEL.md section 6.5): the host's
/// physiology, growth conditions and code; its guests are translated only by o-ribosomes.
ChassisProfile make_orthogonal() {
  ChassisProfile p = make_ecoli();
  p.name = "E. coli K-12 MG1655 with orthogonal ribosomes";
  p.type = ChassisType::orthogonal;
  return p;
}

/// Chassis whose physiology follows the Bremer & Dennis growth conditions.
bool has_growth_table(ChassisType type) noexcept {
  return type == ChassisType::ecoli || type == ChassisType::orthogonal;
}

}  // namespace

std::span<const GrowthConditionRow> bremer_dennis_rows() noexcept { return kBremerDennis; }

ChassisProfile chassis_profile(ChassisType type, double doubling_time_min) {
  ChassisProfile p = chassis_profile(type);
  if (has_growth_table(type)) {
    const double slowest = kBremerDennis[0].doubling_time_min;
    const double fastest = kBremerDennis[std::size(kBremerDennis) - 1].doubling_time_min;
    if (!(doubling_time_min >= fastest && doubling_time_min <= slowest)) {
      throw BioXenException(
          BioXenErrorCode::chassis_initialization_error,
          fmt::format("E. coli growth condition: doubling time {} min is outside the Bremer & "
                      "Dennis 2008 table ({}-{} min)",
                      doubling_time_min, fastest, slowest),
          {{"field", "doubling_time_min"},
           {"value", detail::json_number(doubling_time_min)},
           {"range", {fastest, slowest}}});
    }
    apply_ecoli_condition(p, doubling_time_min);
    return p;
  }
  if (doubling_time_min != p.doubling_time_min) {
    throw BioXenException(
        BioXenErrorCode::chassis_initialization_error,
        fmt::format("chassis '{}' has no growth-condition table: its only doubling time is its "
                    "reference, {} min (got {})",
                    to_string(type), p.doubling_time_min, doubling_time_min),
        {{"field", "doubling_time_min"},
         {"value", detail::json_number(doubling_time_min)},
         {"range", {p.doubling_time_min, p.doubling_time_min}}});
  }
  return p;
}

const ChassisProfile& chassis_profile(ChassisType type) noexcept {
  static const ChassisProfile ecoli = make_ecoli();
  static const ChassisProfile yeast = make_yeast();
  static const ChassisProfile syn3a = make_syn3a();
  static const ChassisProfile orthogonal = make_orthogonal();
  switch (type) {
    case ChassisType::yeast:
      return yeast;
    case ChassisType::syn3a:
      return syn3a;
    case ChassisType::orthogonal:
      return orthogonal;
    case ChassisType::ecoli:
      break;
  }
  return ecoli;
}

// ---------------------------------------------------------------------------------------------
// The field table

namespace {

/// What validate_chassis_profile() requires of a field.
enum class Rule : std::uint8_t {
  none,
  not_empty,       ///< a non-empty string
  no_empty_names,  ///< a list without empty names
  at_least_one,    ///< an integer >= 1
  positive,        ///< finite and > 0
  fraction,        ///< in (0, 1]
  percentage,      ///< in (0, 100]
  below_one,       ///< in [0, 1)
  codes,           ///< a non-empty list of distinct supported translation tables
};

/// One field of ChassisProfile: its JSON key, its member, its rule and, for a number, its
/// range: [min, max] (min is exclusive 0 for Rule::positive unless given). The upper bounds
/// are far above any cell's value and keep every product the model forms (amino acids over
/// the longest run, genome space in bp) finite and within its integer type (docs/MODEL.md,
/// "Bounds of the inputs").
template <class M>
struct ProfileField {
  std::string_view key;
  M ChassisProfile::*member;
  Rule rule;
  double min = 0;
  double max = 0;  ///< 0: no upper bound (fractions, percentages, texts)
};

template <class M>
constexpr ProfileField<M> profile_field(std::string_view key, M ChassisProfile::*member, Rule rule,
                                        double max = 0, double min = 0) noexcept {
  return {key, member, rule, min, max};
}

/// The fields before the physiology, in declaration order.
constexpr auto host_fields() {
  return std::tuple{
      profile_field("name", &ChassisProfile::name, Rule::not_empty),
      profile_field("ribosome_units", &ChassisProfile::ribosome_units, Rule::at_least_one, 1e6),
      profile_field("recommended_max_vms", &ChassisProfile::recommended_max_vms, Rule::at_least_one,
                    1e6),
      profile_field("atp_percentage", &ChassisProfile::atp_percentage, Rule::percentage),
      profile_field("genome_space_kb", &ChassisProfile::genome_space_kb, Rule::at_least_one,
                    static_cast<double>(max_genome_length_bp) / 1000),
      profile_field("has_nucleus", &ChassisProfile::has_nucleus, Rule::none),
      profile_field("has_mitochondria", &ChassisProfile::has_mitochondria, Rule::none),
      profile_field("has_er", &ChassisProfile::has_er, Rule::none),
      profile_field("metabolic_pathways", &ChassisProfile::metabolic_pathways,
                    Rule::no_empty_names),
      profile_field("protein_processing", &ChassisProfile::protein_processing,
                    Rule::no_empty_names),
      profile_field("genetic_codes", &ChassisProfile::genetic_codes, Rule::codes)};
}

/// The physiology fields (a user profile that overrides one is noted in its citation).
constexpr auto physiology_fields() {
  return std::tuple{
      profile_field("physical_ribosomes", &ChassisProfile::physical_ribosomes, Rule::positive, 1e7,
                    1),
      profile_field("rna_polymerases", &ChassisProfile::rna_polymerases, Rule::at_least_one, 1e6),
      profile_field("elongation_rate_aa_per_s", &ChassisProfile::elongation_rate_aa_per_s,
                    Rule::positive, 100),
      profile_field("transcription_rate_nt_per_s", &ChassisProfile::transcription_rate_nt_per_s,
                    Rule::positive, 1000),
      profile_field("atp_per_aa", &ChassisProfile::atp_per_aa, Rule::positive, 100, 0.1),
      profile_field("atp_supply_per_s", &ChassisProfile::atp_supply_per_s, Rule::positive, 1e12),
      profile_field("doubling_time_min", &ChassisProfile::doubling_time_min, Rule::positive, 1e6,
                    1),
      profile_field("native_genome_bp", &ChassisProfile::native_genome_bp, Rule::at_least_one,
                    static_cast<double>(max_genome_length_bp)),
      profile_field("active_ribosome_fraction", &ChassisProfile::active_ribosome_fraction,
                    Rule::fraction),
      profile_field("active_rnap_fraction", &ChassisProfile::active_rnap_fraction, Rule::fraction),
      profile_field("protein_aa_per_cell", &ChassisProfile::protein_aa_per_cell, Rule::positive,
                    1e13, 1e3),
      profile_field("mrna_half_life_s", &ChassisProfile::mrna_half_life_s, Rule::positive, 1e6, 1),
      profile_field("ribosome_spacing_nt", &ChassisProfile::ribosome_spacing_nt, Rule::positive,
                    1e4, 1),
      profile_field("growth_law_phi_r0", &ChassisProfile::growth_law_phi_r0, Rule::below_one),
      profile_field("growth_law_kappa_t_per_h", &ChassisProfile::growth_law_kappa_t_per_h,
                    Rule::positive, 1000),
      profile_field("growth_law_phi_c", &ChassisProfile::growth_law_phi_c, Rule::fraction)};
}

/// Every field of ChassisProfile but `type` (which a user profile names as "base"), in
/// declaration order: the only list of them. to_json, the reader, validation, the key list of
/// the messages and the physiology keys all derive from it.
constexpr auto profile_fields() {
  return std::tuple_cat(
      host_fields(), physiology_fields(),
      std::tuple{profile_field("citation", &ChassisProfile::citation, Rule::none)});
}

/// The JSON keys: "base", then the fields'.
constexpr auto kKeys = [] {
  constexpr auto fields = detail::field_keys(profile_fields());
  std::array<std::string_view, fields.size() + 1> keys{"base"};
  for (std::size_t i = 0; i < fields.size(); ++i) keys[i + 1] = fields[i];
  return keys;
}();

constexpr auto kPhysiologyKeys = detail::field_keys(physiology_fields());

}  // namespace

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

std::optional<Problem> fraction(std::string_view field, double value) {
  if (std::isfinite(value) && value > 0 && value <= 1) return std::nullopt;
  return Problem{std::string(field), fmt::format("must be in (0, 1], got {}", value),
                 detail::json_number(value)};
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

std::optional<Problem> translation_tables(std::string_view field,
                                          const std::vector<std::uint32_t>& codes) {
  if (codes.empty()) {
    return Problem{std::string(field), "must name at least one translation table",
                   nlohmann::json::array()};
  }
  for (std::size_t i = 0; i < codes.size(); ++i) {
    if (!is_supported_translation_table(codes[i])) {
      return Problem{std::string(field),
                     fmt::format("entry {}: translation table {} is not supported; supported: {}",
                                 i, codes[i], fmt::join(supported_translation_tables, ", ")),
                     codes[i]};
    }
    if (std::find(codes.begin(), codes.begin() + static_cast<std::ptrdiff_t>(i), codes[i]) !=
        codes.begin() + static_cast<std::ptrdiff_t>(i)) {
      return Problem{std::string(field),
                     fmt::format("entry {}: translation table {} is listed twice", i, codes[i]),
                     codes[i]};
    }
  }
  return std::nullopt;
}

template <class M>
std::optional<Problem> check_field(const ChassisProfile& p, const ProfileField<M>& f) {
  const M& value = p.*(f.member);
  if constexpr (std::is_same_v<M, std::vector<std::uint32_t>>) {
    if (f.rule == Rule::codes) return translation_tables(f.key, value);
  } else if constexpr (std::is_same_v<M, std::string>) {
    if (f.rule == Rule::not_empty && value.empty()) {
      return Problem{std::string(f.key), "must not be empty", ""};
    }
    if (!detail::is_utf8(value)) return Problem{std::string(f.key), "must be UTF-8 text", nullptr};
  } else if constexpr (std::is_same_v<M, std::vector<std::string>>) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (!detail::is_utf8(value[i])) {
        return Problem{std::string(f.key), fmt::format("entry {} must be UTF-8 text", i), nullptr};
      }
    }
    if (f.rule == Rule::no_empty_names) return no_empty_names(f.key, value);
  } else if constexpr (std::is_integral_v<M> && !std::is_same_v<M, bool>) {
    if (f.rule == Rule::at_least_one) {
      if (auto problem = at_least_one(f.key, value)) return problem;
      if (f.max > 0 && static_cast<double>(value) > f.max) {
        return Problem{std::string(f.key),
                       fmt::format("must be at most {:.0f}, got {}", f.max, value), value};
      }
    }
  } else if constexpr (std::is_floating_point_v<M>) {
    switch (f.rule) {
      case Rule::positive:
        if (auto problem = positive(f.key, value)) return problem;
        if ((f.min > 0 && value < f.min) || (f.max > 0 && value > f.max)) {
          return Problem{std::string(f.key),
                         fmt::format("must be in [{:g}, {:g}], got {:g}", f.min > 0 ? f.min : 0.0,
                                     f.max, value),
                         value};
        }
        return std::nullopt;
      case Rule::fraction:
        return fraction(f.key, value);
      case Rule::percentage:
        if (std::isfinite(value) && value > 0 && value <= 100) return std::nullopt;
        return Problem{std::string(f.key), fmt::format("must be in (0, 100], got {}", value),
                       std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr)};
      case Rule::below_one:
        if (std::isfinite(value) && value >= 0 && value < 1) return std::nullopt;
        return Problem{std::string(f.key), fmt::format("must be in [0, 1), got {}", value),
                       detail::json_number(value)};
      default:
        break;
    }
  }
  return std::nullopt;
}

// Every field's rule must be one its type can check.
template <class M>
constexpr bool rule_fits(const ProfileField<M>& f) {
  if constexpr (std::is_same_v<M, std::vector<std::uint32_t>>) {
    return f.rule == Rule::codes;
  } else if constexpr (std::is_same_v<M, std::string>) {
    return f.rule == Rule::none || f.rule == Rule::not_empty;
  } else if constexpr (std::is_same_v<M, std::vector<std::string>>) {
    return f.rule == Rule::none || f.rule == Rule::no_empty_names;
  } else if constexpr (std::is_same_v<M, bool>) {
    return f.rule == Rule::none;
  } else if constexpr (std::is_integral_v<M>) {
    return f.rule == Rule::none || f.rule == Rule::at_least_one;
  } else {
    return f.rule == Rule::none || f.rule == Rule::positive || f.rule == Rule::fraction ||
           f.rule == Rule::percentage || f.rule == Rule::below_one;
  }
}
static_assert(std::apply([](const auto&... f) { return (rule_fits(f) && ...); }, profile_fields()));

std::optional<Problem> find_problem(const ChassisProfile& p) {
  if (!parse_chassis_type(to_string(p.type))) {
    return Problem{"type", "is not a known chassis type", static_cast<int>(p.type)};
  }
  std::optional<Problem> problem;
  std::apply([&](const auto&... f) { (void)((problem = check_field(p, f)) || ...); },
             profile_fields());
  if (problem) return problem;
  // The growth law needs a finite nutrient capacity: lambda_ref < kappa_t x phi_c.
  const double lambda = p.reference_growth_rate_per_h();
  const double bound = p.growth_law_kappa_t_per_h * p.growth_law_phi_c;
  if (!(lambda < bound)) {
    return Problem{"doubling_time_min",
                   fmt::format("gives a reference growth rate of {:.4g} 1/h (active ribosomes x "
                               "elongation / protein), which must stay below kappa_t x phi_c = "
                               "{:.4g} 1/h",
                               lambda, bound),
                   detail::json_number(lambda)};
  }
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
  j = nlohmann::json::object();
  j["base"] = to_string(p.type);
  std::apply([&](const auto&... f) { ((j[std::string(f.key)] = p.*(f.member)), ...); },
             profile_fields());
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
  // A value built in C++ may hold text that is not UTF-8: shown with U+FFFD, not thrown.
  return fmt::format(
      "got {} {}", v.type_name(),
      v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).substr(0, 60));
}

std::string as_string(std::string_view key, const nlohmann::json& v) {
  if (!v.is_string()) json_fail(key, "must be a string, " + got(v), v);
  const auto& s = v.get_ref<const std::string&>();
  if (const auto bad = detail::first_invalid_utf8(s)) {
    json_fail(key, fmt::format("must be UTF-8 text (byte 0x{:02x} at position {} is not)",
                               static_cast<unsigned char>(s[*bad]), *bad + 1));
  }
  return s;
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
    out.push_back(as_string(fmt::format("{}[{}]", key, i), v[i]));
  }
  return out;
}

std::vector<std::uint32_t> as_table_list(std::string_view key, const nlohmann::json& v) {
  if (!v.is_array()) json_fail(key, "must be an array of translation tables, " + got(v), v);
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    out.push_back(as_unsigned<std::uint32_t>(fmt::format("{}[{}]", key, i), v[i]));
  }
  return out;
}

/// Reads one value into a member of type M, strictly, with the profile's messages.
template <class M>
void read_member(std::string_view key, const nlohmann::json& v, M& out) {
  if constexpr (std::is_same_v<M, std::vector<std::uint32_t>>) {
    out = as_table_list(key, v);
  } else if constexpr (std::is_same_v<M, std::string>) {
    out = as_string(key, v);
  } else if constexpr (std::is_same_v<M, bool>) {
    out = as_bool(key, v);
  } else if constexpr (std::is_same_v<M, double>) {
    out = as_double(key, v);
  } else if constexpr (std::is_same_v<M, std::vector<std::string>>) {
    out = as_string_list(key, v);
  } else {
    out = as_unsigned<M>(key, v);
  }
}

/// Sets one field; false for an unknown key.
bool set_field(ChassisProfile& p, const std::string& key, const nlohmann::json& v) {
  return std::apply(
      [&](const auto&... f) {
        return ((f.key == key && (read_member(f.key, v, p.*(f.member)), true)) || ...);
      },
      profile_fields());
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
  // The growth condition first: for E. coli it sets the physiology the other keys override.
  if (const auto dt = j.find("doubling_time_min"); dt != j.end() && has_growth_table(*base)) {
    const double minutes = as_double("doubling_time_min", *dt);
    const auto rows = bremer_dennis_rows();
    if (!(minutes >= rows.back().doubling_time_min && minutes <= rows.front().doubling_time_min)) {
      json_fail("doubling_time_min",
                fmt::format("must be within the Bremer & Dennis 2008 table ({}-{} min) for "
                            "E. coli, got {}",
                            rows.back().doubling_time_min, rows.front().doubling_time_min, minutes),
                detail::json_number(minutes));
    }
    p = chassis_profile(*base, minutes);
  }
  std::vector<std::string> physiology_overridden;
  for (const auto& [key, value] : j.items()) {
    if (key == "base") continue;
    if (key == "doubling_time_min" && has_growth_table(*base)) continue;  // applied above
    if (!set_field(p, key, value)) {
      json_fail(
          key, fmt::format("is not a chassis profile key; valid keys: {}", fmt::join(kKeys, ", ")));
    }
    if (std::find(kPhysiologyKeys.begin(), kPhysiologyKeys.end(), key) != kPhysiologyKeys.end()) {
      physiology_overridden.push_back(key);
    }
  }
  // Derived values follow the overrides unless given themselves.
  if (!has_growth_table(*base) && !j.contains("protein_aa_per_cell")) {
    const double atp = p.atp_supply_per_s;
    finish_reference_condition(p);
    if (j.contains("atp_supply_per_s")) p.atp_supply_per_s = atp;
  } else if (!j.contains("atp_supply_per_s")) {
    p.atp_supply_per_s = atp_supply_rule(p);
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
  const std::string text = detail::read_text_file(file, "chassis profile");

  const nlohmann::json j =
      detail::parse_json_file_text(text, name, BioXenErrorCode::chassis_initialization_error);
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
