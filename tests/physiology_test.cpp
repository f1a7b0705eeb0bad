// The physiological work model: validation against published data (Scott et al. 2010,
// Bremer & Dennis 2008), the physical bounds, the host's growth and stall, and what the model
// adds to snapshots, JSON and observers. docs/VALIDATION.md shows the same comparisons.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "bioxen/chassis.hpp"
#include "bioxen/hypervisor.hpp"
#include "bioxen/validation.hpp"
#include "bioxen/work_model.hpp"
#include "engine_test_support.hpp"

namespace {

using bioxen::BioXenErrorCode;
using bioxen::BioXenHypervisor;
using bioxen::ChassisProfile;
using bioxen::ChassisType;
using bioxen::HostStatus;
using bioxen::ProductionConfig;
using bioxen::ResourceAllocation;
using bioxen::SchedulerPolicy;
using bioxen::WorkModel;
using ::testing::HasSubstr;

/// The data rows of a TSV file of src/growth_laws/ (comment lines skipped), split on tabs.
std::vector<std::vector<std::string>> read_tsv(const std::string& name) {
  std::ifstream in(std::string(BIOXEN_SOURCE_DIR) + "/src/growth_laws/" + name);
  EXPECT_TRUE(in) << name;
  std::vector<std::vector<std::string>> rows;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (header) {
      header = false;
      continue;
    }
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, '\t')) cells.push_back(cell);
    if (!line.empty() && line.back() == '\t') cells.emplace_back();
    rows.push_back(cells);
  }
  return rows;
}

ResourceAllocation alloc(int ribosomes, double atp, int rnap, int priority = 1) {
  ResourceAllocation r;
  r.ribosomes = ribosomes;
  r.atp_percentage = atp;
  r.rna_polymerase = rnap;
  r.priority = priority;
  return r;
}

// --- The shipped data ------------------------------------------------------------------------

TEST(ShippedData, TheBuiltInTablesAreTheTsvFiles) {
  const auto bd = read_tsv("bremer_dennis_2008.tsv");
  const auto rows = bioxen::bremer_dennis_rows();
  ASSERT_EQ(bd.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(bd[i].size(), 11u);
    const auto& r = rows[i];
    const double expected[] = {r.doubling_time_min,           r.elongation_aa_per_s,
                               r.rnap_elongation_nt_per_s,    r.rnap_per_cell,
                               r.active_rnap_fraction,        r.rprotein_fraction,
                               r.active_ribosome_fraction,    r.dry_mass_fg,
                               r.protein_mass_fraction,       r.ribosome_spacing_nt,
                               r.published_ribosomes_per_cell};
    for (std::size_t c = 0; c < 11; ++c) EXPECT_EQ(std::stod(bd[i][c]), expected[c]) << i << c;
  }
  std::vector<std::vector<std::string>> unneeded;
  for (const auto& row : read_tsv("scott2010_growth_laws.tsv")) {
    if (row[0] == "unneeded") unneeded.push_back(row);
  }
  const auto data = bioxen::scott2010_unneeded_protein();
  ASSERT_EQ(unneeded.size(), data.size());
  for (std::size_t i = 0; i < data.size(); ++i) {
    EXPECT_EQ(unneeded[i][1], data[i].medium);
    EXPECT_EQ(std::stod(unneeded[i][3]), data[i].growth_rate_per_h);
    EXPECT_EQ(std::stod(unneeded[i][6]), data[i].unneeded_fraction);
  }
}

// --- Validation: Scott et al. 2010, unneeded protein ------------------------------------------

TEST(ValidationScott2010, UnneededProteinLowersGrowthAsMeasuredWithinRms008) {
  const auto v = bioxen::validate_unneeded_protein();
  ASSERT_EQ(v.points.size(), 32u);
  std::cout << "medium       phi_Q  model phi_Q  data l/l0  model l/l0   error\n";
  for (const auto& p : v.points) {
    std::cout << fmt::format("{:<12} {:.3f}  {:.4f}       {:.3f}      {:.3f}      {:+.3f}\n",
                             p.medium, p.unneeded_fraction, p.model_guest_fraction,
                             p.data_relative_growth, p.model_relative_growth, p.error);
    // The guest reached the data point's share of translation.
    EXPECT_NEAR(p.model_guest_fraction, p.unneeded_fraction, 1e-3) << p.medium;
  }
  std::cout << fmt::format("phi_c {:.4f}: RMS error of lambda/lambda0 {:.4f} (target <= 0.08)\n",
                           v.phi_c, v.rms_error);
  RecordProperty("rms_error", fmt::format("{:.4f}", v.rms_error));
  EXPECT_LE(v.rms_error, 0.08);
}

TEST(ValidationScott2010, TheDefaultPhiCIsTheLeastSquaresFitOfTheShippedData) {
  const double fit = bioxen::fit_unneeded_protein_phi_c(bioxen::scott2010_unneeded_protein());
  EXPECT_NEAR(bioxen::chassis_profile(ChassisType::ecoli).growth_law_phi_c, fit, 5e-4);
}

TEST(ValidationScott2010, EachMediumPredictedFromTheOtherTwoWithinRms008) {
  const auto all = bioxen::scott2010_unneeded_protein();
  double sse = 0.0;
  std::size_t n = 0;
  for (const char* held_out : {"unneeded-A", "unneeded-B", "unneeded-C"}) {
    std::vector<bioxen::UnneededProteinDatum> train, test;
    for (const auto& d : all) (std::string(d.medium) == held_out ? test : train).push_back(d);
    const double phi_c = bioxen::fit_unneeded_protein_phi_c(train);
    const auto v = bioxen::validate_unneeded_protein(phi_c, test);
    std::cout << fmt::format("{}: phi_c fitted on the others {:.4f}, RMS on it {:.4f}\n", held_out,
                             phi_c, v.rms_error);
    for (const auto& p : v.points) sse += p.error * p.error;
    n += v.points.size();
  }
  const double rms = std::sqrt(sse / static_cast<double>(n));
  std::cout << fmt::format("leave-one-medium-out RMS {:.4f} (target <= 0.08)\n", rms);
  RecordProperty("cross_validated_rms_error", fmt::format("{:.4f}", rms));
  EXPECT_LE(rms, 0.08);
}

// --- Validation: Bremer & Dennis 2008 growth conditions ----------------------------------------

TEST(ValidationBremerDennis, AHostAloneReproducesEachRow) {
  for (const auto& c : bioxen::validate_bremer_dennis()) {
    const double dt_err = c.model_doubling_time_min / c.doubling_time_min - 1.0;
    const double rib_err = c.model_ribosomes_per_cell / c.ribosomes_per_cell - 1.0;
    std::cout << fmt::format(
        "{:>3g} min: model doubling {:.2f} min ({:+.1f}%); {:g} aa/s; {:g} RNAP; ribosomes "
        "{:.0f} vs {:g} ({:+.1f}%)\n",
        c.doubling_time_min, c.model_doubling_time_min, 100 * dt_err, c.model_elongation_aa_per_s,
        c.model_rnap_per_cell, c.model_ribosomes_per_cell, c.ribosomes_per_cell, 100 * rib_err);
    // The table gives elongation rates to two significant figures (16 aa/s is 15.5-16.5, +-3 %),
    // so its own rows agree with active ribosomes x elongation / protein to a few per cent.
    EXPECT_LE(std::abs(dt_err), 0.05) << c.doubling_time_min;
    EXPECT_EQ(c.model_elongation_aa_per_s, c.elongation_aa_per_s);
    EXPECT_EQ(c.model_rnap_per_cell, c.rnap_per_cell);
    EXPECT_LE(std::abs(rib_err), 0.025) << c.doubling_time_min;
  }
}

TEST(GrowthCondition, EcoliInterpolatesTheTableInTheGrowthRate) {
  const auto rows = bioxen::bremer_dennis_rows();
  for (const auto& r : rows) {
    const ChassisProfile p = bioxen::chassis_profile(ChassisType::ecoli, r.doubling_time_min);
    EXPECT_EQ(p.elongation_rate_aa_per_s, r.elongation_aa_per_s);
    EXPECT_EQ(p.transcription_rate_nt_per_s, r.rnap_elongation_nt_per_s);
    EXPECT_EQ(p.active_rnap_fraction, r.active_rnap_fraction);
    EXPECT_EQ(p.ribosome_spacing_nt, r.ribosome_spacing_nt);
  }
  // 48 min is 1.25 doublings/h: half-way between the 60 and 40 min rows in the growth rate.
  const ChassisProfile p = bioxen::chassis_profile(ChassisType::ecoli, 48.0);
  EXPECT_DOUBLE_EQ(p.elongation_rate_aa_per_s, 17.0);
  EXPECT_DOUBLE_EQ(p.transcription_rate_nt_per_s, 47.5);
  EXPECT_EQ(p.rna_polymerases, static_cast<std::uint32_t>(std::lround(std::sqrt(2800.0 * 5000))));
  EXPECT_EQ(p.doubling_time_min, 48.0);
  // A slower host has fewer ribosomes and grows more slowly.
  const ChassisProfile slow = bioxen::chassis_profile(ChassisType::ecoli, 60.0);
  EXPECT_LT(slow.physical_ribosomes,
            bioxen::chassis_profile(ChassisType::ecoli).physical_ribosomes);
  EXPECT_NEAR(60.0 * std::log(2.0) / slow.reference_growth_rate_per_h(), 58.08, 0.01);
}

TEST(GrowthCondition, OutsideTheTableOrWithoutOneIsAChassisError) {
  EXPECT_TRUE(bioxen_test::throws_bx(
      [] { bioxen::chassis_profile(ChassisType::ecoli, 20.0); },
      BioXenErrorCode::chassis_initialization_error,
      "E. coli growth condition: doubling time 20 min is outside the Bremer & Dennis 2008 table "
      "(24-100 min)"));
  EXPECT_TRUE(bioxen_test::throws_bx_containing(
      [] { bioxen::chassis_profile(ChassisType::ecoli, std::nan("")); },
      BioXenErrorCode::chassis_initialization_error, "outside the Bremer & Dennis 2008 table"));
  EXPECT_TRUE(bioxen_test::throws_bx(
      [] { bioxen::chassis_profile(ChassisType::yeast, 120.0); },
      BioXenErrorCode::chassis_initialization_error,
      "chassis 'yeast' has no growth-condition table: its only doubling time is its reference, "
      "90 min (got 120)"));
  EXPECT_EQ(bioxen::chassis_profile(ChassisType::yeast, 90.0),
            bioxen::chassis_profile(ChassisType::yeast));
  // A JSON profile's doubling time is the same growth condition.
  EXPECT_EQ(bioxen::chassis_profile_from_json(
                nlohmann::json::parse(R"({"base": "ecoli", "doubling_time_min": 60})")),
            bioxen::chassis_profile(ChassisType::ecoli, 60.0));
  // A growth law the host cannot satisfy: lambda_ref must stay below kappa_t x phi_c.
  EXPECT_TRUE(bioxen_test::throws_bx_containing(
      [] {
        bioxen::chassis_profile_from_json(
            nlohmann::json::parse(R"({"base": "ecoli", "growth_law_phi_c": 0.1})"));
      },
      BioXenErrorCode::chassis_initialization_error, "must stay below kappa_t x phi_c"));
}

// --- Physical bounds ---------------------------------------------------------------------------

/// A syn3A guest with the whole machine (60 units, every RNAP it may take) on E. coli.
struct WholeMachine : ::testing::Test {
  WholeMachine() : hv(config(), ChassisType::ecoli) {
    // Priority 5 may take the reserve.
    hv.create_vm("syn", "syn3a_recoded", alloc(60, 90, 3000, 5));
    hv.start_vm("syn");
  }
  static ProductionConfig config() {
    ProductionConfig cfg;
    cfg.scheduler_policy = SchedulerPolicy::fair_share;
    return cfg;
  }
  BioXenHypervisor hv;
};

TEST_F(WholeMachine, NoProteinCompletesSoonerThanItsLengthOverTheElongationRate) {
  const double v = hv.chassis().elongation_rate_aa_per_s;
  std::uint32_t longest = 0;
  for (const auto& p : hv.get_vm_proteins("syn")) longest = std::max(longest, p.length_aa);
  ASSERT_EQ(longest, 1795u);
  std::size_t seen = 0;
  for (int q = 0; q < 1500; ++q) {
    hv.run_scheduler();
    const double t = hv.virtual_seconds();
    for (const auto& p : hv.get_vm_proteins("syn")) {
      if (p.copies > 0) {
        ASSERT_GE(t + 1e-9, p.length_aa / v) << p.locus_tag << " at " << t << " s";
        ++seen;
      }
    }
  }
  EXPECT_GT(seen, 0u);
  const auto st = hv.get_vm_status("syn");
  ASSERT_TRUE(st.boot_complete);
  // Boot needs the longest boot protein's own chain time at least: 1,795 aa / 18 aa/s.
  EXPECT_GE(st.boot_time_seconds, longest / v);
  std::cout << fmt::format(
      "syn3A on the whole E. coli machine boots in {:.1f} s (L/v bound {:.1f} s)\n",
      st.boot_time_seconds, longest / v);
}

TEST_F(WholeMachine, AtpConsumedIsThePolymerisationCostAndChainsFitTheGrant) {
  const auto& profile = hv.chassis();
  const double per_unit = profile.physical_ribosomes / hv.config().total_ribosomes;
  for (int q = 0; q < 300; ++q) {
    hv.run_scheduler();
    const auto st = hv.get_vm_status("syn");
    EXPECT_NEAR(st.atp_consumed / profile.atp_per_aa, static_cast<double>(st.amino_acids), 1.0);
    // Only the active fraction of the granted (here all available, 68) units elongates.
    EXPECT_LE(st.ribosomes_on_chains, profile.active_ribosome_fraction * 68 * per_unit + 1e-6);
    const HostStatus h = hv.get_host_status();
    EXPECT_NEAR(h.guest_bound_ribosomes, st.ribosomes_on_chains, 1e-6);
    EXPECT_LE(h.guest_bound_ribosomes, h.active_ribosomes);
    // What the guest makes per second never exceeds its granted active ribosomes x the
    // elongation rate.
    EXPECT_LE(h.guest_translation_aa_per_s, profile.active_ribosome_fraction * 68 * per_unit *
                                                profile.elongation_rate_aa_per_s * (1 + 1e-12));
  }
  const auto sr = hv.get_system_resources();
  EXPECT_EQ(sr.allocated_rna_polymerase + sr.free_rna_polymerase, sr.total_rna_polymerase);
  EXPECT_EQ(sr.allocated_rna_polymerase, 3000);
}

TEST_F(WholeMachine, TheHostStallsWhenTheGuestTakesMoreThanPhiC) {
  auto observer = std::make_shared<bioxen_test::QuantumRecorder>();
  hv.add_observer(observer);
  hv.run_quanta(3000);  // 5 min: the guest's mRNA fills every granted ribosome
  const HostStatus h = hv.get_host_status();
  // Up to 68 of 80 units on guest chains; the host keeps its active share f_a of the ribosomes
  // the guest leaves: phi_Q = B / (B + f_a (N - B)) (section 6.1, H3), far above phi_c = 0.377.
  const double n = hv.chassis().physical_ribosomes, f_a = hv.chassis().active_ribosome_fraction;
  const double b = h.guest_bound_ribosomes;
  // (The chains are counted after this quantum's completions, the amino acids during it.)
  EXPECT_NEAR(h.guest_translation_fraction, b / (b + f_a * (n - b)), 0.02);
  EXPECT_GT(h.guest_translation_fraction, 0.6);
  EXPECT_EQ(h.state, "stalled");
  EXPECT_EQ(h.growth_rate_per_h, 0.0);
  EXPECT_EQ(h.doubling_time_min, std::numeric_limits<double>::infinity());
  EXPECT_GT(h.stalled_quanta, 0u);
  EXPECT_TRUE(nlohmann::json(h).at("doubling_time_min").is_null());
  bool changed = false;
  for (const auto& e : observer->events)
    changed = changed || (e.host_state_changed && e.host_stalled);
  EXPECT_TRUE(changed) << "observers see the host stall";
  // The hypervisor keeps running the guest; destroying it lets the host grow again.
  hv.destroy_vm("syn");
  hv.run_scheduler();
  EXPECT_EQ(hv.get_host_status().state, "growing");
  EXPECT_DOUBLE_EQ(hv.get_host_status().growth_rate_per_h,
                   hv.get_host_status().reference_growth_rate_per_h);
}

TEST(Transcription, AVmWithoutRnapMakesNoMrnaAndNoProtein) {
  BioXenHypervisor hv;
  hv.create_vm("mute", "syn3a_recoded", alloc(14, 20, 0));
  hv.start_vm("mute");
  hv.run_quanta(600);
  const auto st = hv.get_vm_status("mute");
  EXPECT_EQ(st.mrna, 0.0);
  EXPECT_EQ(st.amino_acids, 0u);
  EXPECT_EQ(st.ribosomes_on_chains, 0.0);
  EXPECT_FALSE(st.boot_complete);
  EXPECT_DOUBLE_EQ(hv.get_host_status().growth_rate_per_h,
                   hv.get_host_status().reference_growth_rate_per_h);
}

TEST(Transcription, MrnaDecaysWithItsHalfLifeOnceTranscriptionStops) {
  BioXenHypervisor hv;  // E. coli: mean mRNA half-life 342 s, quanta of 100 ms
  hv.create_vm("v", "syn3a_recoded", alloc(14, 20, 50));
  hv.start_vm("v");
  hv.run_quanta(1000);
  const double before = hv.get_vm_status("v").mrna;
  EXPECT_GT(before, 0.0);
  ResourceAllocation none;
  none.rna_polymerase = 0;
  hv.reallocate_vm("v", none);
  hv.run_quanta(3420);  // one half-life
  EXPECT_NEAR(hv.get_vm_status("v").mrna / before, 0.5, 1e-9);
}

TEST(Transcription, SteadyStateMrnaIsProductionOverDecay) {
  BioXenHypervisor hv;
  hv.create_vm("v", "syn3a_recoded", alloc(14, 20, 10));
  hv.start_vm("v");
  hv.run_quanta(60000);  // 100 min, about 18 half-lives
  const auto& p = hv.chassis();
  // 10 RNAP x 50 nt/s / (3 x 349.07 aa + 3 nt) transcripts, / (ln 2 / 342 s).
  const double mean_aa = 158828.0 / 455.0;
  const double expected =
      10 * p.transcription_rate_nt_per_s / (3 * mean_aa + 3) / (std::log(2.0) / p.mrna_half_life_s);
  EXPECT_NEAR(hv.get_vm_status("v").mrna, expected, expected * 1e-5);  // 2^-17.5 left
}

TEST(Dilution, GuestProteinPerCellHalvesWithEachHostDoubling) {
  BioXenHypervisor hv;
  hv.create_vm("v", "syn3a_recoded", alloc(14, 20, 10));
  hv.start_vm("v");
  hv.run_quanta(3000);
  hv.pause_vm("v");
  const double before = hv.get_vm_status("v").protein_aa_per_cell;
  const double doublings = hv.get_host_status().cumulative_doublings;
  EXPECT_GT(before, 0.0);
  hv.run_quanta(24000);  // 40 min of virtual time
  const double after = hv.get_vm_status("v").protein_aa_per_cell;
  const double grown = hv.get_host_status().cumulative_doublings - doublings;
  EXPECT_GT(grown, 0.9);  // about one doubling (the paused guest's chains sequester ribosomes)
  EXPECT_NEAR(after / before, std::exp2(-grown), 1e-9);
  // Lineage totals are not diluted.
  EXPECT_GT(static_cast<double>(hv.get_vm_status("v").amino_acids), after);
}

// --- Scheduling meets biology -------------------------------------------------------------------

TEST(PoliciesGateInitiation, ARoundRobinVmKeepsElongatingWhenItIsNotScheduled) {
  ProductionConfig cfg;
  cfg.context_switch_ms = 0;
  BioXenHypervisor hv{cfg, ChassisType::ecoli};
  hv.create_vm("a", "syn3a_recoded", alloc(20, 30, 100));
  hv.create_vm("b", "syn3a_recoded", alloc(20, 30, 100));
  hv.start_vm("a");
  hv.start_vm("b");
  hv.run_quanta(2000);
  int unscheduled_quanta_with_work = 0;
  for (int q = 0; q < 20; ++q) {
    const auto a0 = hv.get_vm_status("a");
    const auto b0 = hv.get_vm_status("b");
    hv.run_scheduler();
    const auto a1 = hv.get_vm_status("a");
    const auto b1 = hv.get_vm_status("b");
    // The VM that was not scheduled got no new chains but its chains went on elongating.
    const bool a_ran = a1.active_seconds > a0.active_seconds;
    const auto& idle0 = a_ran ? b0 : a0;
    const auto& idle1 = a_ran ? b1 : a1;
    EXPECT_LE(idle1.ribosomes_on_chains, idle0.ribosomes_on_chains + 1e-9);
    if (idle1.amino_acids > idle0.amino_acids) ++unscheduled_quanta_with_work;
  }
  EXPECT_EQ(unscheduled_quanta_with_work, 20);
}

TEST(PoliciesGateInitiation, PausedChainsStayOnTheirRibosomesAndCostTheHost) {
  BioXenHypervisor hv;
  hv.create_vm("v", "syn3a_recoded", alloc(14, 20, 100));
  hv.start_vm("v");
  hv.run_quanta(3000);
  const double bound = hv.get_vm_status("v").ribosomes_on_chains;
  ASSERT_GT(bound, 0.0);
  hv.pause_vm("v");
  hv.run_quanta(10);
  const auto st = hv.get_vm_status("v");
  EXPECT_EQ(st.ribosomes_on_chains, bound);
  const HostStatus h = hv.get_host_status();
  EXPECT_EQ(h.guest_translation_aa_per_s, 0.0);
  EXPECT_NEAR(h.sequestered_ribosome_fraction, bound / h.active_ribosomes, 1e-12);
  EXPECT_LT(h.growth_rate_per_h, h.reference_growth_rate_per_h);
}

// --- Models, snapshots, output ------------------------------------------------------------------

TEST(WorkModels, TheCapacityModelLeavesTheHostUnmodelled) {
  ProductionConfig cfg;
  cfg.work_model = WorkModel::capacity;
  BioXenHypervisor hv{cfg, ChassisType::ecoli};
  hv.create_vm("v", "syn3a_recoded");
  hv.start_vm("v");
  hv.run_quanta(10);
  const HostStatus h = hv.get_host_status();
  EXPECT_FALSE(h.modelled);
  EXPECT_EQ(h.work_model, "capacity");
  EXPECT_EQ(h.state, "growing");
  EXPECT_EQ(h.growth_rate_per_h, h.reference_growth_rate_per_h);
  EXPECT_EQ(hv.get_vm_status("v").mrna, 0.0);
  EXPECT_EQ(ProductionConfig{}.work_model, WorkModel::physiological);
  EXPECT_EQ(bioxen::work_model_from_string("capacity"), WorkModel::capacity);
  EXPECT_TRUE(bioxen_test::throws_bx(
      [] { bioxen::work_model_from_string("formula"); }, BioXenErrorCode::invalid_configuration,
      "unknown work_model 'formula' (expected capacity or physiological)"));
}

TEST(WorkModels, HostStatusConvertsToJsonAndFormats) {
  BioXenHypervisor hv;
  const HostStatus h = hv.get_host_status();
  const nlohmann::json j = h;
  EXPECT_EQ(j.at("state"), "growing");
  EXPECT_EQ(j.at("work_model"), "physiological");
  EXPECT_NEAR(j.at("doubling_time_min").get<double>(), 39.77, 0.01);
  EXPECT_EQ(j.get<HostStatus>(), h);
  // Before any quantum the host alone translates with every active ribosome.
  EXPECT_DOUBLE_EQ(h.host_translation_aa_per_s, h.active_ribosomes * 18.0);
  HostStatus stalled = h;
  stalled.state = "stalled";
  stalled.growth_rate_per_h = 0.0;
  stalled.doubling_time_min = std::numeric_limits<double>::infinity();
  const nlohmann::json sj = stalled;
  EXPECT_TRUE(sj.at("doubling_time_min").is_null());
  EXPECT_EQ(sj.get<HostStatus>(), stalled);
  EXPECT_EQ(fmt::format("{}", h),
            fmt::format("growing at {:.3g}/h (doubling {:.1f} min), guests 0.0% of translation",
                        h.growth_rate_per_h, h.doubling_time_min));
}

TEST(Snapshots, APhysiologicalRunContinuesBitForBit) {
  const auto run = [](BioXenHypervisor& hv, int quanta) {
    hv.run_quanta(static_cast<std::uint64_t>(quanta));
    return hv.snapshot().dump();
  };
  ProductionConfig cfg;
  cfg.scheduler_policy = SchedulerPolicy::fair_share;
  BioXenHypervisor a{cfg, ChassisType::ecoli};
  a.create_vm("s", "syn3a_recoded", alloc(20, 30, 200));
  a.create_vm("m", "minimal_cell_recoded", alloc(10, 5, 20));
  a.start_vm("s");
  a.start_vm("m");
  a.run_quanta(700);
  a.pause_vm("m");
  BioXenHypervisor b{cfg, ChassisType::ecoli};
  b.restore(a.snapshot());
  EXPECT_EQ(run(a, 900), run(b, 900));
  a.resume_vm("m");
  b.resume_vm("m");
  EXPECT_EQ(run(a, 500), run(b, 500));
  EXPECT_EQ(nlohmann::json(a.get_host_status()), nlohmann::json(b.get_host_status()));
}

TEST(Snapshots, AVersion1SnapshotRestoresUnderTheCapacityModel) {
  ProductionConfig cfg;
  cfg.work_model = WorkModel::capacity;
  BioXenHypervisor a{cfg, ChassisType::ecoli};
  a.create_vm("v", "ecoli");  // a built-in genome version 1 knew, in the host's code
  a.start_vm("v");
  a.run_quanta(50);
  // What version 1 wrote: no work_model, no host, no pipelines, no genetic codes.
  nlohmann::json v1 = a.snapshot();
  v1["version"] = 1;
  v1["config"].erase("work_model");
  v1["chassis"].erase("genetic_codes");
  v1.erase("host");
  for (auto& vm : v1["vms"]) {
    vm.erase("pipeline");
    vm.erase("repressed");                              // version 3
    vm["allocation"].erase("allow_incompatible_code");  // version 3
  }
  BioXenHypervisor b;
  b.restore(v1);
  EXPECT_EQ(b.config().work_model, WorkModel::capacity);
  a.run_quanta(50);
  b.run_quanta(50);
  EXPECT_EQ(a.get_vm_status("v").amino_acids, b.get_vm_status("v").amino_acids);
}

TEST(Snapshots, MalformedPipelineOrHostIsInvalidSnapshotAndChangesNothing) {
  BioXenHypervisor source;
  source.create_vm("v", "syn3a_recoded", alloc(14, 20, 30));
  source.start_vm("v");
  source.run_quanta(500);
  const nlohmann::json good = source.snapshot();
  struct Case {
    const char* name;
    std::function<void(nlohmann::json&)> change;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"negative mRNA", [](nlohmann::json& j) { j["vms"][0]["pipeline"]["mrna"] = -1; },
       "snapshot key 'vms[0].pipeline.mrna': must be >= 0"},
      {"completed beyond initiated",
       [](nlohmann::json& j) { j["vms"][0]["pipeline"]["completed"] = 1e12; },
       "snapshot key 'vms[0].pipeline.completed': exceeds the initiations"},
      {"falling samples",
       [](nlohmann::json& j) {
         auto& s = j["vms"][0]["pipeline"]["samples"];
         std::swap(s[0], s[1]);
       },
       "samples must rise"},
      {"missing pipeline", [](nlohmann::json& j) { j["vms"][0].erase("pipeline"); },
       "snapshot key 'pipeline': missing"},
      {"no history for a running VM",
       [](nlohmann::json& j) {
         j["vms"][0]["pipeline"]["history"] = false;
         j["vms"][0]["pipeline"]["samples"] = nlohmann::json::array();
       },
       "must be true for a VM that has run"},
      {"boot index", [](nlohmann::json& j) { j["vms"][0]["pipeline"]["boot_next"] = 100000; },
       "vms[0].pipeline.boot_next"},
      {"host", [](nlohmann::json& j) { j["host"]["growth_rate_per_h"] = -1; },
       "snapshot key 'host.growth_rate_per_h': must be >= 0"},
      {"missing host", [](nlohmann::json& j) { j.erase("host"); }, "snapshot key 'host': missing"},
  };
  BioXenHypervisor hv;
  hv.create_vm("keep", "syn3a_recoded");
  const std::string before = hv.snapshot().dump();
  for (const auto& c : cases) {
    nlohmann::json bad = good;
    c.change(bad);
    EXPECT_TRUE(bioxen_test::throws_bx_containing([&] { hv.restore(bad); },
                                                  BioXenErrorCode::invalid_snapshot, c.message))
        << c.name;
    ASSERT_EQ(hv.snapshot().dump(), before) << c.name;
  }
}

TEST(Determinism, TheSameScenarioGivesTheSameBytes) {
  const auto once = [] {
    BioXenHypervisor hv;
    hv.create_vm("a", "syn3a_recoded");
    hv.create_vm("b", "ecoli");
    hv.start_vm("a");
    hv.start_vm("b");
    hv.run_quanta(1200);
    return hv.snapshot().dump();
  };
  EXPECT_EQ(once(), once());
}

TEST(DefaultGuest, ASyn3aGuestWithTheDefaultShareBootsInMinutesAndBurdensTheHost) {
  BioXenHypervisor hv;
  hv.create_vm("syn", "syn3a_recoded");
  hv.start_vm("syn");
  hv.run_quanta(12000);  // 20 min
  const auto st = hv.get_vm_status("syn");
  const HostStatus h = hv.get_host_status();
  ASSERT_TRUE(st.boot_complete);
  std::cout << fmt::format(
      "default syn3A guest: boot {:.1f} s, {:.0f} mRNA, {:.0f} ribosomes on its chains; host {}\n",
      st.boot_time_seconds, st.mrna, st.ribosomes_on_chains, h);
  EXPECT_GE(st.boot_time_seconds, 1795.0 / 18.0);
  EXPECT_GT(h.guest_translation_fraction, 0.0);
  EXPECT_LT(h.growth_rate_per_h, h.reference_growth_rate_per_h);
  EXPECT_EQ(h.state, "growing");
}

}  // namespace
