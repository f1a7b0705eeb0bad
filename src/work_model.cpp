// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#include "bioxen/work_model.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <utility>

#include "bioxen/detail/json_read.hpp"
#include "bioxen/error_details.hpp"
#include "detail/fields.hpp"

namespace bioxen {

WorkModel work_model_from_string(std::string_view name) {
  if (const auto* row = detail::find_enum_row(detail::work_model_names, name)) return row->value;
  throw BioXenException::invalid_configuration(
      fmt::format("unknown work_model '{}' (expected {})", detail::printable(name),
                  detail::enum_name_list(detail::work_model_names)),
      {{"key", "work_model"}, {"value", detail::printable(name)}});
}

namespace {

/// Reads an isolation enum's name for configuration key `key`.
template <class E, std::size_t N>
E enum_from_json(const nlohmann::json& j, std::string_view key,
                 const std::array<detail::EnumName<E>, N>& names) {
  const detail::JsonContext ctx{BioXenErrorCode::invalid_configuration, "configuration"};
  const std::string name = detail::read_string(j, key, ctx);
  if (const auto* row = detail::find_enum_row(names, name)) return row->value;
  throw BioXenException::invalid_configuration(
      fmt::format("unknown {} '{}' (expected {})", key, detail::printable(name),
                  detail::enum_name_list(names)),
      {{"key", key}, {"value", detail::printable(name)}});
}

}  // namespace

void to_json(nlohmann::json& j, PauseMechanism m) { j = to_string(m); }
void from_json(const nlohmann::json& j, PauseMechanism& m) {
  m = enum_from_json(j, "pause_mechanism", detail::pause_mechanism_names);
}
void to_json(nlohmann::json& j, DestroyMechanism m) { j = to_string(m); }
void from_json(const nlohmann::json& j, DestroyMechanism& m) {
  m = enum_from_json(j, "destroy_mechanism", detail::destroy_mechanism_names);
}
void to_json(nlohmann::json& j, TranscriptionIsolation m) { j = to_string(m); }
void from_json(const nlohmann::json& j, TranscriptionIsolation& m) {
  m = enum_from_json(j, "transcription_isolation", detail::transcription_isolation_names);
}
void to_json(nlohmann::json& j, OrthogonalPoolAllocation m) { j = to_string(m); }
void from_json(const nlohmann::json& j, OrthogonalPoolAllocation& m) {
  m = enum_from_json(j, "orthogonal_pool", detail::orthogonal_pool_names);
}

namespace {

using detail::field;

/// HostStatus's fields; doubling_time_min is written and read apart (JSON has no infinity).
const auto& host_status_fields() {
  static const auto fields =
      std::tuple{field("work_model", &HostStatus::work_model),
                 field("modelled", &HostStatus::modelled),
                 field("state", &HostStatus::state),
                 field("growth_rate_per_h", &HostStatus::growth_rate_per_h),
                 field("reference_growth_rate_per_h", &HostStatus::reference_growth_rate_per_h),
                 field("guest_translation_fraction", &HostStatus::guest_translation_fraction),
                 field("sequestered_ribosome_fraction", &HostStatus::sequestered_ribosome_fraction),
                 field("ribosomal_fraction", &HostStatus::ribosomal_fraction),
                 field("host_translation_aa_per_s", &HostStatus::host_translation_aa_per_s),
                 field("guest_translation_aa_per_s", &HostStatus::guest_translation_aa_per_s),
                 field("rnap_limitation", &HostStatus::rnap_limitation),
                 field("active_ribosomes", &HostStatus::active_ribosomes),
                 field("guest_bound_ribosomes", &HostStatus::guest_bound_ribosomes),
                 field("translation_isolation", &HostStatus::translation_isolation),
                 field("free_ribosome_ratio", &HostStatus::free_ribosome_ratio),
                 field("orthogonal_ribosomes", &HostStatus::orthogonal_ribosomes),
                 field("orthogonal_rnap", &HostStatus::orthogonal_rnap),
                 field("isolation_aa_per_s", &HostStatus::isolation_aa_per_s),
                 field("degrading_protein_aa", &HostStatus::degrading_protein_aa),
                 field("runoff_ribosomes", &HostStatus::runoff_ribosomes),
                 field("stalled_quanta", &HostStatus::stalled_quanta),
                 field("cumulative_doublings", &HostStatus::cumulative_doublings),
                 field("doubling_time_min", &HostStatus::doubling_time_min)};
  return fields;
}

constexpr std::string_view kDoubling = "doubling_time_min";

}  // namespace

void to_json(nlohmann::json& j, WorkModel m) { j = to_string(m); }

void from_json(const nlohmann::json& j, WorkModel& m) {
  const detail::JsonContext ctx{BioXenErrorCode::invalid_configuration, "configuration"};
  m = work_model_from_string(detail::read_string(j, "work_model", ctx));
}

void to_json(nlohmann::json& j, const HostStatus& h) {
  detail::write_fields(j, h, host_status_fields());
  // JSON has no infinity: a host that does not grow has a null doubling time.
  if (!std::isfinite(h.doubling_time_min)) j[std::string(kDoubling)] = nullptr;
}

void from_json(const nlohmann::json& j, HostStatus& h) {
  const detail::JsonContext ctx{BioXenErrorCode::invalid_argument, "host status"};
  HostStatus read;
  const auto doubling = j.is_object() ? j.find(kDoubling) : j.end();
  if (doubling != j.end() && doubling->is_null()) {
    nlohmann::json rest = j;
    rest.erase(std::string(kDoubling));
    detail::read_fields(rest, read, host_status_fields(), ctx, detail::MissingKey::keep);
    read.doubling_time_min = std::numeric_limits<double>::infinity();
  } else {
    detail::read_fields(j, read, host_status_fields(), ctx, detail::MissingKey::keep);
    if (doubling == j.end()) read.doubling_time_min = std::numeric_limits<double>::infinity();
  }
  h = std::move(read);
}

}  // namespace bioxen

auto fmt::formatter<bioxen::WorkModel>::format(bioxen::WorkModel m, format_context& ctx) const
    -> format_context::iterator {
  return fmt::formatter<std::string_view>::format(bioxen::to_string(m), ctx);
}

auto fmt::formatter<bioxen::HostStatus>::format(const bioxen::HostStatus& h,
                                                format_context& ctx) const
    -> format_context::iterator {
  return fmt::formatter<std::string_view>::format(
      fmt::format("{} at {:.3g}/h (doubling {:.1f} min), guests {:.1f}% of translation", h.state,
                  h.growth_rate_per_h, h.doubling_time_min, 100.0 * h.guest_translation_fraction),
      ctx);
}
