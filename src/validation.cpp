// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#include "bioxen/validation.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "bioxen/chassis.hpp"
#include "bioxen/hypervisor.hpp"

namespace bioxen {

namespace {

// src/growth_laws/scott2010_growth_laws.tsv, the "unneeded" rows (a test checks the two agree).
constexpr UnneededProteinDatum kScottUnneeded[] = {
    {"unneeded-A", 1.744, 0},    {"unneeded-A", 1.74, 0.007}, {"unneeded-A", 1.79, 0.022},
    {"unneeded-A", 1.71, 0.007}, {"unneeded-A", 1.52, 0.039}, {"unneeded-A", 1.12, 0.118},
    {"unneeded-A", 1.09, 0.137}, {"unneeded-A", 0.99, 0.169}, {"unneeded-A", 0.83, 0.176},
    {"unneeded-A", 0.63, 0.189}, {"unneeded-A", 0.82, 0.202}, {"unneeded-A", 0.73, 0.246},
    {"unneeded-A", 0.66, 0.26},  {"unneeded-B", 0.9012, 0},   {"unneeded-B", 0.92, 0.007},
    {"unneeded-B", 0.83, 0.028}, {"unneeded-B", 0.83, 0.045}, {"unneeded-B", 0.42, 0.165},
    {"unneeded-B", 0.48, 0.186}, {"unneeded-B", 0.33, 0.196}, {"unneeded-B", 0.26, 0.265},
    {"unneeded-B", 0.21, 0.318}, {"unneeded-C", 0.6106, 0},   {"unneeded-C", 0.63, 0.008},
    {"unneeded-C", 0.57, 0.009}, {"unneeded-C", 0.59, 0.037}, {"unneeded-C", 0.53, 0.073},
    {"unneeded-C", 0.39, 0.098}, {"unneeded-C", 0.42, 0.16},  {"unneeded-C", 0.26, 0.15},
    {"unneeded-C", 0.28, 0.228}, {"unneeded-C", 0.25, 0.24}};

/// lambda0 of each medium: its first point (phi_Q = 0).
std::map<std::string, double> reference_rates(std::span<const UnneededProteinDatum> data) {
  std::map<std::string, double> l0;
  for (const auto& d : data) {
    if (d.unneeded_fraction == 0.0) l0.emplace(d.medium, d.growth_rate_per_h);
  }
  return l0;
}

/// The growth condition for lambda0, within the Bremer & Dennis table.
double condition_for(double lambda0_per_h) {
  const auto rows = bremer_dennis_rows();
  const double minutes = 60.0 * std::log(2.0) / lambda0_per_h;
  return std::clamp(minutes, rows.back().doubling_time_min, rows.front().doubling_time_min);
}

/// One host with one guest taking `share` of the active ribosomes, run to steady state.
HostStatus run_point(const ChassisProfile& host, double share) {
  ProductionConfig cfg;
  cfg.work_model = WorkModel::physiological;
  cfg.max_vms = 1;
  cfg.total_ribosomes = 10000;  // a share to 1e-4
  cfg.hypervisor_overhead = 0.0;
  cfg.max_ribosome_allocation = 10000;
  cfg.emergency_ribosome_reserve = 0;
  cfg.scheduling_quantum_ms = 1000;
  cfg.context_switch_ms = 0.0;
  cfg.scheduler_policy = SchedulerPolicy::round_robin;  // the guest works on its reservation
  BioXenHypervisor hv{cfg, host};
  const int units = static_cast<int>(std::lround(share * cfg.total_ribosomes));
  if (units > 0) {
    ResourceAllocation r;
    r.ribosomes = units;
    r.atp_percentage = 90.0;
    // Enough mRNA that the ribosome grant, not transcription, limits the guest, and RNA
    // polymerase to spare for the host (it needs its transcribing fraction).
    r.rna_polymerase =
        static_cast<int>(std::floor(host.rna_polymerases * (1.0 - host.active_rnap_fraction)));
    hv.create_vm("guest", "syn3a_recoded", r);
    hv.start_vm("guest");
  }
  hv.run_quanta(900);  // 15 min: mRNA and chains at steady state
  return hv.get_host_status();
}

}  // namespace

std::span<const UnneededProteinDatum> scott2010_unneeded_protein() noexcept {
  return kScottUnneeded;
}

double fit_unneeded_protein_phi_c(std::span<const UnneededProteinDatum> data) {
  const auto l0 = reference_rates(data);
  const auto sse = [&](double phi_c) {
    double s = 0.0;
    for (const auto& d : data) {
      const double r =
          d.growth_rate_per_h / l0.at(d.medium) - std::max(0.0, 1.0 - d.unneeded_fraction / phi_c);
      s += r * r;
    }
    return s;
  };
  double best = 0.05;
  for (int i = 500; i <= 10000; ++i) {
    const double phi_c = i * 1e-4;
    if (sse(phi_c) < sse(best)) best = phi_c;
  }
  return best;
}

UnneededProteinValidation validate_unneeded_protein(double phi_c,
                                                    std::span<const UnneededProteinDatum> data) {
  const auto l0 = reference_rates(data);
  UnneededProteinValidation out;
  out.phi_c = phi_c > 0.0 ? phi_c : chassis_profile(ChassisType::ecoli).growth_law_phi_c;
  std::map<std::pair<std::string, double>, HostStatus> cache;
  double sse = 0.0;
  for (const auto& d : data) {
    ChassisProfile host = chassis_profile(ChassisType::ecoli, condition_for(l0.at(d.medium)));
    host.growth_law_phi_c = out.phi_c;
    // The guest's chains take ribosomes from the whole cell and the host keeps its active
    // share f_a of the rest (docs/MODEL.md section 6.1, H3): a guest holding a share u of the
    // active ribosomes makes phi_Q = u / (1 + u (1 - f_a)), so u = phi / (1 - phi (1 - f_a)).
    const double f_a = host.active_ribosome_fraction;
    const double phi = d.unneeded_fraction;
    const HostStatus h = run_point(host, phi / (1.0 - phi * (1.0 - f_a)));
    UnneededProteinPoint p;
    p.medium = d.medium;
    p.unneeded_fraction = d.unneeded_fraction;
    p.data_relative_growth = d.growth_rate_per_h / l0.at(d.medium);
    p.host_doubling_time_min = host.doubling_time_min;
    p.model_guest_fraction = h.guest_translation_fraction;
    p.model_relative_growth = h.growth_rate_per_h / h.reference_growth_rate_per_h;
    p.error = p.model_relative_growth - p.data_relative_growth;
    sse += p.error * p.error;
    out.points.push_back(std::move(p));
  }
  out.rms_error = data.empty() ? 0.0 : std::sqrt(sse / static_cast<double>(data.size()));
  return out;
}

std::vector<GrowthConditionCheck> validate_bremer_dennis() {
  std::vector<GrowthConditionCheck> out;
  for (const GrowthConditionRow& row : bremer_dennis_rows()) {
    const ChassisProfile p = chassis_profile(ChassisType::ecoli, row.doubling_time_min);
    BioXenHypervisor hv{ProductionConfig{}, p};
    hv.run_quanta(10);
    const HostStatus h = hv.get_host_status();
    GrowthConditionCheck c;
    c.doubling_time_min = row.doubling_time_min;
    c.model_doubling_time_min = h.doubling_time_min;
    c.elongation_aa_per_s = row.elongation_aa_per_s;
    c.model_elongation_aa_per_s = p.elongation_rate_aa_per_s;
    c.rnap_per_cell = row.rnap_per_cell;
    c.model_rnap_per_cell = p.rna_polymerases;
    c.ribosomes_per_cell = row.published_ribosomes_per_cell;
    c.model_ribosomes_per_cell = p.physical_ribosomes;
    out.push_back(c);
  }
  return out;
}

}  // namespace bioxen
