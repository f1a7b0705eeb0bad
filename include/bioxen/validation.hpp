// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// The physiological model beside published data (docs/VALIDATION.md): the tests assert these
// comparisons and `bioxen validate` prints and plots them.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "bioxen/export.hpp"

namespace bioxen {

/// One point of Scott et al. 2010's unneeded-protein series (Fig. 3), as shipped in
/// src/growth_laws/scott2010_growth_laws.tsv.
struct UnneededProteinDatum {
  const char* medium;        ///< "unneeded-A" | "unneeded-B" | "unneeded-C"
  double growth_rate_per_h;  ///< measured lambda, 1/h
  double unneeded_fraction;  ///< phi_Q: mass fraction of protein that is unneeded
};

/// The 32 points, in file order; each medium's first point is its unperturbed growth rate.
BIOXEN_API std::span<const UnneededProteinDatum> scott2010_unneeded_protein() noexcept;

/// The model at one data point: a host in the medium's growth condition and one guest that
/// takes the point's share of translation.
struct UnneededProteinPoint {
  std::string medium;
  double unneeded_fraction = 0.0;       ///< the data's phi_Q
  double data_relative_growth = 0.0;    ///< lambda / lambda0 measured
  double host_doubling_time_min = 0.0;  ///< the growth condition the host was built for
  double model_guest_fraction = 0.0;    ///< phi_Q the model's guest reached
  double model_relative_growth = 0.0;   ///< lambda / lambda0 of the model's host
  double error = 0.0;                   ///< model - data, relative growth
};

struct UnneededProteinValidation {
  double phi_c = 0.0;      ///< the growth law's phi_c the host used
  double rms_error = 0.0;  ///< over all points, relative growth
  std::vector<UnneededProteinPoint> points;
};

/// Runs the hypervisor at every point of `data` (all of Scott's points by default) with the
/// E. coli host's growth_law_phi_c set to `phi_c` (its default when `phi_c` <= 0). Media
/// faster than the Bremer & Dennis table (lambda0 1.744/h: 23.85 min) use its 24 min row.
BIOXEN_API UnneededProteinValidation validate_unneeded_protein(
    double phi_c = 0.0, std::span<const UnneededProteinDatum> data = scott2010_unneeded_protein());

/// The least-squares phi_c of lambda / lambda0 = 1 - phi_Q / phi_c over `data`, to 1e-4.
BIOXEN_API double fit_unneeded_protein_phi_c(std::span<const UnneededProteinDatum> data);

/// A host alone in one Bremer & Dennis 2008 growth condition, beside the table's row.
struct GrowthConditionCheck {
  double doubling_time_min = 0.0;        ///< the row's
  double model_doubling_time_min = 0.0;  ///< the model host's: ln 2 / (active ribosomes x
                                         ///< elongation / protein)
  double elongation_aa_per_s = 0.0;
  double model_elongation_aa_per_s = 0.0;
  double rnap_per_cell = 0.0;
  double model_rnap_per_cell = 0.0;
  double ribosomes_per_cell = 0.0;        ///< Bremer & Dennis' count
  double model_ribosomes_per_cell = 0.0;  ///< derived from r-protein mass / 7,336 aa
};

/// Every row: builds the host with chassis_profile(ecoli, row) and runs it alone.
BIOXEN_API std::vector<GrowthConditionCheck> validate_bremer_dennis();

}  // namespace bioxen
