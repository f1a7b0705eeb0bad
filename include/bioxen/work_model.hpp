// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// The two work models and what the physiological one reports about the host cell. The
// equations and every parameter's source are in docs/MODEL.md.
#pragma once

#include <fmt/core.h>

#include <array>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "bioxen/detail/enum_table.hpp"

namespace bioxen {

/// What a quantum of work means.
enum class WorkModel : std::uint8_t {
  /// Pure capacity accounting: granted ribosome units translate at the elongation rate, as
  /// one pooled chain, and the host is not modelled (scheduling studies, scale benchmarks).
  capacity,
  /// The default: the host grows by the bacterial growth laws on what the guests leave it;
  /// RNA polymerases make mRNA that decays; ribosomes initiate on mRNA and stay on a chain
  /// for its length / elongation rate; guest proteins are diluted by growth.
  physiological,
};

namespace detail {
/// The names of WorkModel: the only list of the work models.
inline constexpr std::array<EnumName<WorkModel>, 2> work_model_names{
    {{WorkModel::capacity, "capacity"}, {WorkModel::physiological, "physiological"}}};
static_assert(enum_table_is_dense(work_model_names));
}  // namespace detail

/// Every work model, in declaration order.
inline constexpr std::array<WorkModel, detail::work_model_names.size()> all_work_models =
    detail::enum_values(detail::work_model_names);

/// "capacity", "physiological"; "unknown" for any other value.
constexpr std::string_view to_string(WorkModel m) noexcept {
  return detail::enum_name(detail::work_model_names, m);
}

/// Parses a work model name; throws BioXenException(invalid_configuration) listing the names.
WorkModel work_model_from_string(std::string_view name);

/// The host cell as the physiological work model sees it after the last quantum (before the
/// first quantum: with no guest translating). Under WorkModel::capacity the host is not
/// modelled: `modelled` is false and the growth rate is the chassis' reference rate.
struct HostStatus {
  std::string work_model;                      ///< "physiological" or "capacity"
  bool modelled = false;                       ///< false under WorkModel::capacity
  std::string state = "growing";               ///< "growing" | "stalled" (growth rate 0)
  double growth_rate_per_h = 0.0;              ///< lambda, 1/h
  double reference_growth_rate_per_h = 0.0;    ///< lambda of the host alone, 1/h
  double doubling_time_min = 0.0;              ///< ln 2 / lambda; infinity when not growing
  double guest_translation_fraction = 0.0;     ///< phi_Q: guests' share of amino acids made now
  double sequestered_ribosome_fraction = 0.0;  ///< active ribosomes held but not elongating
  double ribosomal_fraction = 0.0;             ///< phi_R = phi_R0 + lambda / kappa_t (Scott et al.)
  double host_translation_aa_per_s = 0.0;      ///< amino acids per second of host proteins
  double guest_translation_aa_per_s = 0.0;     ///< amino acids per second of guest proteins
  double rnap_limitation = 1.0;        ///< free RNAP / the host's transcribing RNAP, at most 1
  double active_ribosomes = 0.0;       ///< the chassis' elongating ribosomes in total
  double guest_bound_ribosomes = 0.0;  ///< ribosomes on guest chains (running or frozen)
  std::uint64_t stalled_quanta = 0;    ///< quanta that ended with the host stalled
  double cumulative_doublings = 0.0;   ///< integral of lambda dt / ln 2 since time 0

  friend bool operator==(const HostStatus&, const HostStatus&) = default;
};

/// The model's name; from_json reads a name (invalid_configuration otherwise).
void to_json(nlohmann::json& j, WorkModel m);
void from_json(const nlohmann::json& j, WorkModel& m);

void to_json(nlohmann::json& j, const HostStatus& h);
/// Reads to_json()'s shape back: a null doubling time is infinity (a host that does not
/// grow); absent keys keep their defaults.
void from_json(const nlohmann::json& j, HostStatus& h);

}  // namespace bioxen

/// Formats as the work model's name.
template <>
struct fmt::formatter<bioxen::WorkModel> : fmt::formatter<std::string_view> {
  format_context::iterator format(bioxen::WorkModel m, format_context& ctx) const;
};

/// "growing at 1.04/h (doubling 40.0 min), guests 6.1% of translation".
template <>
struct fmt::formatter<bioxen::HostStatus> : fmt::formatter<std::string_view> {
  format_context::iterator format(const bioxen::HostStatus& h, format_context& ctx) const;
};
