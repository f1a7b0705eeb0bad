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
#include "bioxen/export.hpp"

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
BIOXEN_API WorkModel work_model_from_string(std::string_view name);

/// How a hypervisor isolates its guests, and what each mechanism costs the host
/// (docs/MODEL.md section 6.5). Chosen per hypervisor in ProductionConfig; the physiological
/// work model only (the capacity model ignores them).
///
/// Pausing a VM: `freeze` stops initiation, elongation and transcription at once and leaves
/// the chains on their ribosomes (a bookkeeping pause); `repress` silences the VM's mRNAs with
/// a small regulatory RNA: its existing messages decay with the sRNA-driven half-life and stop
/// taking new ribosomes as they go, its chains run off, and the sRNA's transcription takes host
/// RNA polymerase while it is paused.
enum class PauseMechanism : std::uint8_t { freeze, repress };
/// Destroying a VM: `release` returns everything at once; `degrade` tags the VM's proteins for
/// ClpXP (ssrA tag): its protein per cell decays with the tag's half-life, its chains run off
/// and its mRNA decays before its ribosomes return, and the protease's ATP is the host's.
enum class DestroyMechanism : std::uint8_t { release, degrade };
/// Whose RNA polymerase transcribes a guest: the host's (`host_rnap`, counted against the
/// chassis' RNA polymerases), or an orthogonal T7 RNA polymerase the host makes for it
/// (`orthogonal_rnap`: the guest's rna_polymerase are T7 enzymes, which the host must
/// translate and dilute as it grows, and which do not limit the host's own transcription).
enum class TranscriptionIsolation : std::uint8_t { host_rnap, orthogonal_rnap };
/// How the hypervisor sizes the orthogonal-ribosome pool of ChassisType::orthogonal: a fixed
/// share of the cell's ribosomes (`fixed`), or sized to the guests' demand (`dynamic`), as the
/// o-16S rRNA controller of Darlington et al. 2018 does.
enum class OrthogonalPoolAllocation : std::uint8_t { fixed, dynamic };

namespace detail {
inline constexpr std::array<EnumName<PauseMechanism>, 2> pause_mechanism_names{
    {{PauseMechanism::freeze, "freeze"}, {PauseMechanism::repress, "repress"}}};
static_assert(enum_table_is_dense(pause_mechanism_names));
inline constexpr std::array<EnumName<DestroyMechanism>, 2> destroy_mechanism_names{
    {{DestroyMechanism::release, "release"}, {DestroyMechanism::degrade, "degrade"}}};
static_assert(enum_table_is_dense(destroy_mechanism_names));
inline constexpr std::array<EnumName<TranscriptionIsolation>, 2> transcription_isolation_names{
    {{TranscriptionIsolation::host_rnap, "host_rnap"},
     {TranscriptionIsolation::orthogonal_rnap, "orthogonal_rnap"}}};
static_assert(enum_table_is_dense(transcription_isolation_names));
inline constexpr std::array<EnumName<OrthogonalPoolAllocation>, 2> orthogonal_pool_names{
    {{OrthogonalPoolAllocation::fixed, "fixed"}, {OrthogonalPoolAllocation::dynamic, "dynamic"}}};
static_assert(enum_table_is_dense(orthogonal_pool_names));
}  // namespace detail

constexpr std::string_view to_string(PauseMechanism m) noexcept {
  return detail::enum_name(detail::pause_mechanism_names, m);
}
constexpr std::string_view to_string(DestroyMechanism m) noexcept {
  return detail::enum_name(detail::destroy_mechanism_names, m);
}
constexpr std::string_view to_string(TranscriptionIsolation m) noexcept {
  return detail::enum_name(detail::transcription_isolation_names, m);
}
constexpr std::string_view to_string(OrthogonalPoolAllocation m) noexcept {
  return detail::enum_name(detail::orthogonal_pool_names, m);
}

/// Names; from_json reads a name and throws invalid_configuration listing the names otherwise.
BIOXEN_API void to_json(nlohmann::json& j, PauseMechanism m);
BIOXEN_API void from_json(const nlohmann::json& j, PauseMechanism& m);
BIOXEN_API void to_json(nlohmann::json& j, DestroyMechanism m);
BIOXEN_API void from_json(const nlohmann::json& j, DestroyMechanism& m);
BIOXEN_API void to_json(nlohmann::json& j, TranscriptionIsolation m);
BIOXEN_API void from_json(const nlohmann::json& j, TranscriptionIsolation& m);
BIOXEN_API void to_json(nlohmann::json& j, OrthogonalPoolAllocation m);
BIOXEN_API void from_json(const nlohmann::json& j, OrthogonalPoolAllocation& m);

/// The host cell as the physiological work model sees it after the last quantum (before the
/// first quantum: with no guest translating). Under WorkModel::capacity the host is not
/// modelled: `modelled` is false and the growth rate is the chassis' reference rate.
struct BIOXEN_API HostStatus {
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
  /// Where guests are translated: "shared" (the host's ribosomes) or "orthogonal" (the
  /// o-ribosome pool of ChassisType::orthogonal).
  std::string translation_isolation = "shared";
  /// Free ribosomes of the guests' pool over the host alone's free ribosomes, at most 1: every
  /// guest mRNA initiates at this fraction of its most (docs/MODEL.md section 6.5).
  double free_ribosome_ratio = 1.0;
  double orthogonal_ribosomes = 0.0;  ///< ribosomes of the o-pool (0 unless orthogonal)
  double orthogonal_rnap = 0.0;       ///< T7 RNA polymerases the host carries for its guests
  double isolation_aa_per_s = 0.0;    ///< host translation spent on isolation machinery
  double degrading_protein_aa = 0.0;  ///< protein of destroyed (tagged) VMs still there, aa
  double runoff_ribosomes = 0.0;      ///< ribosomes still on chains of destroyed VMs
  std::uint64_t stalled_quanta = 0;   ///< quanta that ended with the host stalled
  double cumulative_doublings = 0.0;  ///< integral of lambda dt / ln 2 since time 0

  friend bool operator==(const HostStatus&, const HostStatus&) = default;
};

/// The model's name; from_json reads a name (invalid_configuration otherwise).
BIOXEN_API void to_json(nlohmann::json& j, WorkModel m);
BIOXEN_API void from_json(const nlohmann::json& j, WorkModel& m);

BIOXEN_API void to_json(nlohmann::json& j, const HostStatus& h);
/// Reads to_json()'s shape back: a null doubling time is infinity (a host that does not
/// grow); absent keys keep their defaults.
BIOXEN_API void from_json(const nlohmann::json& j, HostStatus& h);

}  // namespace bioxen

/// Formats as the work model's name.
template <>
struct BIOXEN_API fmt::formatter<bioxen::WorkModel> : fmt::formatter<std::string_view> {
  format_context::iterator format(bioxen::WorkModel m, format_context& ctx) const;
};

/// "growing at 1.04/h (doubling 40.0 min), guests 6.1% of translation".
template <>
struct BIOXEN_API fmt::formatter<bioxen::HostStatus> : fmt::formatter<std::string_view> {
  format_context::iterator format(const bioxen::HostStatus& h, format_context& ctx) const;
};
