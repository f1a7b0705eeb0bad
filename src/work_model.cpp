// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#include "bioxen/work_model.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "bioxen/detail/json_read.hpp"
#include "bioxen/error.hpp"

namespace bioxen {

WorkModel work_model_from_string(std::string_view name) {
  for (auto m : all_work_models) {
    if (to_string(m) == name) return m;
  }
  throw BioXenException::invalid_configuration(
      fmt::format("unknown work_model '{}' (expected capacity or physiological)",
                  detail::printable(name)),
      {{"key", "work_model"}, {"value", detail::printable(name)}});
}

void to_json(nlohmann::json& j, const HostStatus& h) {
  // JSON has no infinity: a host that does not grow has a null doubling time.
  const nlohmann::json doubling =
      std::isfinite(h.doubling_time_min) ? nlohmann::json(h.doubling_time_min) : nullptr;
  j = nlohmann::json{{"work_model", h.work_model},
                     {"modelled", h.modelled},
                     {"state", h.state},
                     {"growth_rate_per_h", h.growth_rate_per_h},
                     {"reference_growth_rate_per_h", h.reference_growth_rate_per_h},
                     {"doubling_time_min", doubling},
                     {"guest_translation_fraction", h.guest_translation_fraction},
                     {"sequestered_ribosome_fraction", h.sequestered_ribosome_fraction},
                     {"ribosomal_fraction", h.ribosomal_fraction},
                     {"host_translation_aa_per_s", h.host_translation_aa_per_s},
                     {"guest_translation_aa_per_s", h.guest_translation_aa_per_s},
                     {"rnap_limitation", h.rnap_limitation},
                     {"active_ribosomes", h.active_ribosomes},
                     {"guest_bound_ribosomes", h.guest_bound_ribosomes},
                     {"stalled_quanta", h.stalled_quanta},
                     {"cumulative_doublings", h.cumulative_doublings}};
}

void from_json(const nlohmann::json& j, HostStatus& h) {
  h = HostStatus{};
  h.work_model = j.value("work_model", h.work_model);
  h.modelled = j.value("modelled", h.modelled);
  h.state = j.value("state", h.state);
  h.growth_rate_per_h = j.value("growth_rate_per_h", h.growth_rate_per_h);
  h.reference_growth_rate_per_h =
      j.value("reference_growth_rate_per_h", h.reference_growth_rate_per_h);
  const auto doubling = j.find("doubling_time_min");
  h.doubling_time_min = doubling == j.end() || doubling->is_null()
                            ? std::numeric_limits<double>::infinity()
                            : doubling->get<double>();
  h.guest_translation_fraction =
      j.value("guest_translation_fraction", h.guest_translation_fraction);
  h.sequestered_ribosome_fraction =
      j.value("sequestered_ribosome_fraction", h.sequestered_ribosome_fraction);
  h.ribosomal_fraction = j.value("ribosomal_fraction", h.ribosomal_fraction);
  h.host_translation_aa_per_s = j.value("host_translation_aa_per_s", h.host_translation_aa_per_s);
  h.guest_translation_aa_per_s =
      j.value("guest_translation_aa_per_s", h.guest_translation_aa_per_s);
  h.rnap_limitation = j.value("rnap_limitation", h.rnap_limitation);
  h.active_ribosomes = j.value("active_ribosomes", h.active_ribosomes);
  h.guest_bound_ribosomes = j.value("guest_bound_ribosomes", h.guest_bound_ribosomes);
  h.stalled_quanta = j.value("stalled_quanta", h.stalled_quanta);
  h.cumulative_doublings = j.value("cumulative_doublings", h.cumulative_doublings);
}

}  // namespace bioxen
