// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace bioxen {

/// The host cell kinds of the original library.
enum class ChassisType { ecoli, yeast, orthogonal };

/// Every chassis kind, in enum order.
inline constexpr ChassisType all_chassis_types[] = {ChassisType::ecoli, ChassisType::yeast,
                                                    ChassisType::orthogonal};

/// "ecoli", "yeast", "orthogonal".
std::string_view to_string(ChassisType type) noexcept;
/// Parses "ecoli" | "yeast" | "orthogonal"; throws BioXenException(invalid_argument).
ChassisType chassis_type_from_string(std::string_view name);

/// Everything the hypervisor needs to know about a host cell. Physiology values are cited in
/// docs/MODEL.md (from the parameter table of the project).
struct ChassisProfile {
  std::string name;                       ///< e.g. "E. coli K-12 MG1655"
  ChassisType type = ChassisType::ecoli;  ///< the base kind (a user profile names one)
  // The seed's allocator view.
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
  // Physiology (units in the names).
  double physical_ribosomes = 26300;  ///< real ribosomes per cell
  std::uint32_t rna_polymerases = 5000;
  double elongation_rate_aa_per_s = 18.0;
  double transcription_rate_nt_per_s = 50.0;
  double atp_per_aa = 4.0;          ///< ATP equivalents per amino acid incl. tRNA charging
  double atp_supply_per_s = 6.4e6;  ///< ATP molecules per second per cell
  double doubling_time_min = 40.0;
  std::uint64_t native_genome_bp = 4641652;
  std::string citation;  ///< short source note for the physiology values

  friend bool operator==(const ChassisProfile&, const ChassisProfile&) = default;
};

/// The built-in profile of a chassis kind.
const ChassisProfile& chassis_profile(ChassisType type) noexcept;

/// Checks a profile; throws BioXenException(chassis_initialization_error) naming the field
/// (details: "field", "value", "profile"). Rules: non-empty name; ribosome_units,
/// recommended_max_vms, genome_space_kb, rna_polymerases and native_genome_bp at least 1;
/// atp_percentage in (0, 100]; physical_ribosomes, elongation and transcription rates,
/// atp_per_aa, atp_supply_per_s and doubling_time_min finite and > 0; no empty pathway or
/// protein-processing names.
void validate_chassis_profile(const ChassisProfile& profile);

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
ChassisProfile chassis_profile_from_json(const nlohmann::json& j);
/// chassis_profile_from_json() of a file; an unreadable file is io_error, malformed JSON is
/// chassis_initialization_error with the line and column.
ChassisProfile load_chassis_profile(const std::filesystem::path& file);

void to_json(nlohmann::json& j, const ChassisProfile& p);
void from_json(const nlohmann::json& j, ChassisProfile& p);  // = chassis_profile_from_json

}  // namespace bioxen
