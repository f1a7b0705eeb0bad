// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bioxen/detail/enum_table.hpp"
#include "bioxen/export.hpp"

namespace bioxen {

/// The host cell kinds: E. coli K-12, S. cerevisiae, the JCVI-syn3A minimal cell, and E. coli
/// with a pool of orthogonal ribosomes that translate only the guests' mRNAs (docs/MODEL.md
/// section 2). In 0.1.0 and its snapshots `orthogonal` named the syn3A-like cell, now `syn3a`.
enum class ChassisType { ecoli, yeast, syn3a, orthogonal };

namespace detail {
/// The names of ChassisType: the only list of the chassis kinds.
inline constexpr std::array<EnumName<ChassisType>, 4> chassis_type_names{
    {{ChassisType::ecoli, "ecoli"},
     {ChassisType::yeast, "yeast"},
     {ChassisType::syn3a, "syn3a"},
     {ChassisType::orthogonal, "orthogonal"}}};
static_assert(enum_table_is_dense(chassis_type_names));
}  // namespace detail

/// Every chassis kind, in enum order.
inline constexpr std::array<ChassisType, detail::chassis_type_names.size()> all_chassis_types =
    detail::enum_values(detail::chassis_type_names);

/// "ecoli", "yeast", "syn3a", "orthogonal"; "unknown" for any other value.
constexpr std::string_view to_string(ChassisType type) noexcept {
  return detail::enum_name(detail::chassis_type_names, type);
}
/// Parses a chassis kind's name; throws BioXenException(invalid_argument) listing the names.
BIOXEN_API ChassisType chassis_type_from_string(std::string_view name);

/// Everything the hypervisor needs to know about a host cell. Physiology values are cited in
/// docs/MODEL.md (from the parameter table of the project).
struct BIOXEN_API ChassisProfile {
  std::string name;                       ///< e.g. "E. coli K-12 MG1655"
  ChassisType type = ChassisType::ecoli;  ///< the base kind (a user profile names one)
  // The original library's allocator view.
  std::uint32_t ribosome_units = 80;  ///< recommended allocator units (seed default)
  std::uint32_t recommended_max_vms = 4;
  double atp_percentage = 100.0;            ///< ATP supply available, % of the profile's
  std::uint64_t genome_space_kb = 1000000;  ///< genome space the host offers, kb
  // Organelles and features.
  bool has_nucleus = false;
  bool has_mitochondria = false;
  bool has_er = false;
  std::vector<std::string> metabolic_pathways;
  std::vector<std::string> protein_processing;
  /// The NCBI translation tables its ribosomes read (genetic_code.hpp): E. coli {11}, yeast
  /// {1}, syn3A {4}. A guest written in another code is refused unless the caller allows it.
  std::vector<std::uint32_t> genetic_codes{11};
  // Physiology (units in the names).
  double physical_ribosomes = 26300;  ///< real ribosomes per cell
  std::uint32_t rna_polymerases = 5000;
  double elongation_rate_aa_per_s = 18.0;
  double transcription_rate_nt_per_s = 50.0;
  double atp_per_aa = 4.0;          ///< ATP equivalents per amino acid incl. tRNA charging
  double atp_supply_per_s = 6.4e6;  ///< ATP molecules per second per cell
  double doubling_time_min = 40.0;  ///< the growth condition: doubling time of the host alone
  std::uint64_t native_genome_bp = 4641652;
  std::string citation;  ///< short source note for the physiology values
  // The physiological work model (docs/MODEL.md). Defaults are E. coli at 40 min.
  double active_ribosome_fraction = 0.80;  ///< ribosomes elongating at any time
  double active_rnap_fraction = 0.21;      ///< the host's RNA polymerases transcribing
  double protein_aa_per_cell = 1.28e9;     ///< amino acids in the host's protein per cell
  double mrna_half_life_s = 300.0;         ///< mean mRNA half-life, s
  /// Distance between ribosomes on a translated mRNA, nt: an mRNA takes at most one new
  /// ribosome per spacing / (3 x elongation rate) seconds.
  double ribosome_spacing_nt = 65.0;
  /// Scott et al. 2010 growth laws: phi_R = phi_R0 + lambda / kappa_t, and unneeded protein
  /// lowers lambda linearly to 0 at phi_Q = phi_c.
  double growth_law_phi_r0 = 0.066;        ///< 0.76 x r0 = 0.76 x 0.087
  double growth_law_kappa_t_per_h = 5.92;  ///< 4.5 1/h in RNA/protein units / 0.76
  double growth_law_phi_c = 0.377;         ///< fitted to the unneeded-protein data

  /// Most initiations per mRNA per second: 3 x elongation rate / ribosome spacing.
  double max_initiation_rate_per_mrna_per_s() const noexcept {
    return 3.0 * elongation_rate_aa_per_s / ribosome_spacing_nt;
  }

  /// The growth rate of the host alone, 1/h: active ribosomes x elongation rate / protein
  /// (the steady-state balance of Bremer & Dennis 2008).
  double reference_growth_rate_per_h() const noexcept {
    return active_ribosome_fraction * physical_ribosomes * elongation_rate_aa_per_s /
           protein_aa_per_cell * 3600.0;
  }

  friend bool operator==(const ChassisProfile&, const ChassisProfile&) = default;
};

/// The built-in profile of a chassis kind (its reference growth condition).
BIOXEN_API const ChassisProfile& chassis_profile(ChassisType type) noexcept;

/// The built-in profile of a chassis kind in the growth condition where the host alone
/// doubles every `doubling_time_min`. For E. coli the ribosome and RNA polymerase counts,
/// elongation and transcription rates, active fractions and protein content follow that
/// condition, interpolated in the growth rate between the rows of Bremer & Dennis 2008
/// (24-100 min; docs/MODEL.md); outside that range, and for chassis without such a table at
/// any other doubling time than their reference, it throws
/// BioXenException(chassis_initialization_error) naming the range.
///
/// @code
/// bioxen::ChassisProfile slow = bioxen::chassis_profile(bioxen::ChassisType::ecoli, 60.0);
/// @endcode
BIOXEN_API ChassisProfile chassis_profile(ChassisType type, double doubling_time_min);

/// One row of Bremer & Dennis 2008 (E. coli B/r), as shipped in src/growth_laws/.
struct GrowthConditionRow {
  double doubling_time_min;
  double elongation_aa_per_s;
  double rnap_elongation_nt_per_s;
  double rnap_per_cell;
  double active_rnap_fraction;
  double rprotein_fraction;
  double active_ribosome_fraction;
  double dry_mass_fg;
  double protein_mass_fraction;
  double ribosome_spacing_nt;           ///< distance between ribosomes on mRNA
  double published_ribosomes_per_cell;  ///< Bremer & Dennis' count (for validation)
};

/// The Bremer & Dennis 2008 rows the E. coli growth conditions are interpolated from, slowest
/// growth first.
BIOXEN_API std::span<const GrowthConditionRow> bremer_dennis_rows() noexcept;

/// Amino-acid residues of r-protein in one ribosome (Bremer & Dennis 2008).
inline constexpr double rprotein_aa_per_ribosome = 7336.0;
/// Mean mass of an amino-acid residue in protein, Da (Bremer & Dennis 2008).
inline constexpr double amino_acid_residue_da = 110.0;

/// Checks a profile; throws BioXenException(chassis_initialization_error) naming the field
/// (details: "field", "value", "profile"). Rules: non-empty name; ribosome_units,
/// recommended_max_vms, genome_space_kb, rna_polymerases and native_genome_bp at least 1;
/// atp_percentage in (0, 100]; physical_ribosomes, elongation and transcription rates,
/// atp_per_aa, atp_supply_per_s and doubling_time_min finite and > 0; no empty pathway or
/// protein-processing names.
BIOXEN_API void validate_chassis_profile(const ChassisProfile& profile);

/// Reads a user profile: a JSON object with "base" (a ChassisType name) and any fields of
/// ChassisProfile overriding the base's values. Unknown keys, wrong types and out-of-range
/// values throw chassis_initialization_error naming the key (and the file when from a file).
/// When physiology values are overridden and no "citation" is given, the base's citation is
/// kept with a note of the overridden keys.
///
/// @code
/// auto p = bioxen::chassis_profile_from_json(
///     nlohmann::json::parse(R"({"base": "ecoli", "name": "slow E. coli",
///                                "elongation_rate_aa_per_s": 12})"));
/// @endcode
BIOXEN_API ChassisProfile chassis_profile_from_json(const nlohmann::json& j);
/// chassis_profile_from_json() of a file; an unreadable file is io_error, malformed JSON is
/// chassis_initialization_error with the line and column.
BIOXEN_API ChassisProfile load_chassis_profile(const std::filesystem::path& file);

BIOXEN_API void to_json(nlohmann::json& j, const ChassisProfile& p);
BIOXEN_API void from_json(const nlohmann::json& j,
                          ChassisProfile& p);  // = chassis_profile_from_json

}  // namespace bioxen
