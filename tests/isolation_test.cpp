// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Translation isolation against the model of Darlington et al. 2018 (Nat Commun 9:695): two
// guests that share ribosomes are coupled, a fixed orthogonal-ribosome pool couples them as
// much or more, and a pool the hypervisor sizes to demand uncouples them; the o-pool costs the
// host growth as in their model. The reference numbers are tests/data/darlington2018_*.tsv,
// computed from the authors' model code by tools/reference/darlington2018.py.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <bioxen/genome.hpp>
#include <bioxen/hypervisor.hpp>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

namespace {

using bioxen::BioXenHypervisor;
using bioxen::ChassisType;
using bioxen::OrthogonalPoolAllocation;
using bioxen::ProductionConfig;
using bioxen::ResourceAllocation;

/// The "# <tag>\t..." rows of a reference file, split at tabs (the tag dropped).
std::vector<std::vector<std::string>> tagged_rows(const std::string& file, const std::string& tag) {
  std::ifstream in(std::string(BIOXEN_TEST_DATA_DIR) + "/" + file);
  EXPECT_TRUE(in) << file;
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::stringstream ss(line);
    for (std::string f; std::getline(ss, f, '\t');) fields.push_back(f);
    if (!fields.empty() && fields[0] == tag) {
      fields.erase(fields.begin());
      rows.push_back(std::move(fields));
    }
  }
  return rows;
}

/// The reference's coupling summary: architecture -> fall of gene 2 (w_A 0 -> 1000).
std::map<std::string, double> reference_coupling() {
  std::map<std::string, double> out;
  std::ifstream in(std::string(BIOXEN_TEST_DATA_DIR) + "/darlington2018_coupling_summary.tsv");
  EXPECT_TRUE(in);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.rfind("architecture", 0) == 0) continue;
    std::stringstream ss(line);
    std::string arch, drop;
    std::getline(ss, arch, '\t');
    std::getline(ss, drop, '\t');
    out[arch] = std::stod(drop);
  }
  return out;
}

struct Pool {
  ChassisType chassis = ChassisType::ecoli;
  OrthogonalPoolAllocation allocation = OrthogonalPoolAllocation::fixed;
  double fraction = 0.0;
  double max_fraction = 0.0;
};

ProductionConfig config_for(const Pool& p) {
  ProductionConfig c;
  c.total_ribosomes = 100;
  c.hypervisor_overhead = 0.0;
  c.max_ribosome_allocation = 100;
  c.emergency_ribosome_reserve = 0;
  c.max_atp_percentage = 100.0;
  c.scheduling_quantum_ms = 1000;
  c.context_switch_ms = 0.0;
  c.scheduler_policy = bioxen::SchedulerPolicy::fair_share;
  c.orthogonal_pool = p.allocation;
  c.orthogonal_pool_fraction = p.fraction;
  c.orthogonal_pool_max_fraction = p.max_fraction;
  return c;
}

ResourceAllocation guest(int units, double atp, int rnap) {
  ResourceAllocation r;
  r.ribosomes = units;
  r.atp_percentage = atp;
  r.rna_polymerase = rnap;
  r.priority = 1;
  return r;
}

struct Outcome {
  double b_aa_per_s = 0.0;  ///< guest B's translation at steady state
  double pool = 0.0;        ///< o-ribosomes then
};

/// Guest B (7 RNA polymerases) beside guest A (`rnap_a`), both recoded syn3A with reservations
/// that never bind, one hour to steady state (7 mRNA lifetimes); B's rate over the last 5 min.
Outcome run_pair(const Pool& p, int rnap_a) {
  BioXenHypervisor hv{config_for(p), bioxen::chassis_profile(p.chassis)};
  hv.create_vm("b", "syn3a_recoded", guest(20, 30.0, 7));
  hv.create_vm("a", "syn3a_recoded", guest(70, 65.0, rnap_a));
  hv.start_vm("b");
  hv.start_vm("a");
  hv.run_quanta(3300);
  const auto before = hv.get_vm_status("b").amino_acids;
  hv.run_quanta(300);
  const auto b = hv.get_vm_status("b");
  EXPECT_EQ(b.throttle_events, 0u) << "ATP must not limit B";
  EXPECT_LT(b.ribosomes_on_chains, 20 * 0.8 * hv.chassis().physical_ribosomes / 100)
      << "B's reservation must not bind";
  return {static_cast<double>(b.amino_acids - before) / 300.0,
          hv.get_host_status().orthogonal_ribosomes};
}

TEST(Coupling, SharedRibosomesCoupleGuestsAndADynamicOrthogonalPoolUncouplesThem) {
  // Gene 1 (guest A) from off to 10x gene 2's transcription, as w_A 0 -> 1000 at w_B = 100.
  constexpr int kRnapA = 70;
  const auto drop = [&](const Pool& p) {
    const double alone = run_pair(p, 0).b_aa_per_s;
    const double beside = run_pair(p, kRnapA).b_aa_per_s;
    EXPECT_GT(alone, 0.0);
    return 1.0 - beside / alone;
  };
  const double n = bioxen::chassis_profile(ChassisType::orthogonal).physical_ribosomes;
  const Pool shared{ChassisType::ecoli};
  const Pool dynamic{ChassisType::orthogonal, OrthogonalPoolAllocation::dynamic, 0.05, 0.5};
  // The fixed pool at the dynamic pool's size with A off: the reference's matched open loop.
  const double matched = run_pair(dynamic, 0).pool / n;
  const Pool fixed{ChassisType::orthogonal, OrthogonalPoolAllocation::fixed, matched, matched};

  const double d_shared = drop(shared);
  const double d_fixed = drop(fixed);
  const double d_dynamic = drop(dynamic);
  const auto ref = reference_coupling();
  const double r_shared = ref.at("a"), r_fixed = ref.at("b_matched"), r_dynamic = ref.at("c");
  fmt::print("fall of guest B's output when guest A goes from off to 10x B's transcription\n");
  fmt::print("{:<34} {:>8} {:>10} {:>8}\n", "architecture", "BioXen", "Darlington", "error");
  fmt::print("{:<34} {:>8.3f} {:>10.3f} {:>+8.3f}\n", "shared host ribosomes", d_shared, r_shared,
             d_shared - r_shared);
  fmt::print("{:<34} {:>8.3f} {:>10.3f} {:>+8.3f}\n",
             fmt::format("fixed o-pool ({:.1f} % of ribosomes)", 100 * matched), d_fixed, r_fixed,
             d_fixed - r_fixed);
  fmt::print("{:<34} {:>8.3f} {:>10.3f} {:>+8.3f}\n", "o-pool sized by the hypervisor", d_dynamic,
             r_dynamic, d_dynamic - r_dynamic);

  // The reference's central result, in the model's own terms: sharing couples, a fixed pool of
  // the same size couples at least as much, the dynamically allocated pool much less.
  EXPECT_GT(d_shared, 0.25);
  EXPECT_GT(d_fixed, d_shared);
  EXPECT_GT(r_fixed, r_shared);
  EXPECT_LT(d_dynamic, 0.5 * d_fixed);
  EXPECT_LT(r_dynamic, 0.5 * r_fixed);
  EXPECT_LT(d_dynamic, d_shared);
  EXPECT_LT(r_dynamic, r_shared);
}

TEST(Coupling, TheOrthogonalPoolCostsTheHostGrowthAsInTheReferenceModel) {
  // Darlington's host without a circuit: o-rRNA expression sets the o-ribosome fraction f_o,
  // which costs growth. BioXen: a fixed o-pool of f_o, no guests.
  const auto rows = tagged_rows("darlington2018_coupling_summary.tsv", "# cost");
  ASSERT_GE(rows.size(), 6u);
  fmt::print("{:>8} {:>14} {:>14} {:>8}\n", "f_o", "BioXen l/l0", "Darlington", "error");
  double worst = 0.0;
  for (const auto& r : rows) {
    const double f_o = std::stod(r[1]);
    const double reference = std::stod(r[6]);
    if (f_o <= 0.0) continue;
    const Pool p{ChassisType::orthogonal, OrthogonalPoolAllocation::fixed, f_o, f_o};
    BioXenHypervisor hv{config_for(p), bioxen::chassis_profile(ChassisType::orthogonal)};
    hv.run_quanta(2);
    const auto h = hv.get_host_status();
    EXPECT_NEAR(h.orthogonal_ribosomes, f_o * hv.chassis().physical_ribosomes, 1e-6);
    const double model = h.growth_rate_per_h / h.reference_growth_rate_per_h;
    fmt::print("{:>8.4f} {:>14.4f} {:>14.4f} {:>+8.4f}\n", f_o, model, reference,
               model - reference);
    worst = std::max(worst, std::abs(model - reference));
  }
  EXPECT_LT(worst, 0.01) << "largest difference in relative growth";
}

TEST(Coupling, ADynamicPoolGrowsWithDemandAndShrinksOnlyByDilution) {
  const Pool dynamic{ChassisType::orthogonal, OrthogonalPoolAllocation::dynamic, 0.05, 0.5};
  BioXenHypervisor hv{config_for(dynamic), bioxen::chassis_profile(ChassisType::orthogonal)};
  const double n = hv.chassis().physical_ribosomes;
  hv.run_quanta(10);
  EXPECT_NEAR(hv.get_host_status().orthogonal_ribosomes, 0.05 * n, 1e-6) << "no demand: least";
  hv.create_vm("a", "syn3a_recoded", guest(70, 65.0, 70));
  hv.start_vm("a");
  hv.run_quanta(3600);
  const double grown = hv.get_host_status().orthogonal_ribosomes;
  EXPECT_GT(grown, 0.1 * n);
  EXPECT_LE(grown, 0.5 * n + 1e-6);
  hv.destroy_vm("a");
  hv.run_quanta(60);
  const auto h = hv.get_host_status();
  // Ribosomes are stable: one minute later the pool has lost about 60 s x lambda of itself.
  const double lambda_per_s = h.growth_rate_per_h / 3600.0;
  EXPECT_LT(h.orthogonal_ribosomes, grown);
  EXPECT_GT(h.orthogonal_ribosomes, grown * std::exp(-lambda_per_s * 61.0) * 0.999);
}

TEST(Coupling, GuestsOnTheOrthogonalChassisLeaveTheHostsRibosomesAlone) {
  // A guest on the o-pool changes nothing of the host's translation, only the o-pool's use.
  const Pool fixed{ChassisType::orthogonal, OrthogonalPoolAllocation::fixed, 0.2, 0.2};
  BioXenHypervisor hv{config_for(fixed), bioxen::chassis_profile(ChassisType::orthogonal)};
  hv.run_quanta(2);
  const double host_alone = hv.get_host_status().host_translation_aa_per_s;
  hv.create_vm("a", "syn3a_recoded", guest(70, 65.0, 70));
  hv.start_vm("a");
  hv.run_quanta(1800);
  const auto h = hv.get_host_status();
  EXPECT_EQ(h.translation_isolation, "orthogonal");
  EXPECT_DOUBLE_EQ(h.host_translation_aa_per_s, host_alone);
  EXPECT_GT(h.guest_bound_ribosomes, 0.0);
  EXPECT_LE(h.guest_bound_ribosomes, 0.2 * hv.chassis().physical_ribosomes);
  EXPECT_LT(h.free_ribosome_ratio, 1.0);
}

// --- Isolation mechanisms: their time constants and costs ----------------------------------

/// One default-share recoded syn3A guest with 200 RNA polymerases on E. coli at 40 min, run
/// 20 min to steady state.
std::unique_ptr<BioXenHypervisor> steady_guest(ProductionConfig c) {
  c.scheduling_quantum_ms = 1000;
  auto hv = std::make_unique<BioXenHypervisor>(c, bioxen::chassis_profile(ChassisType::ecoli));
  hv->create_vm("g", "syn3a_recoded", guest(14, 22.5, 200));
  hv->start_vm("g");
  hv->run_quanta(1200);
  return hv;
}

TEST(Isolation, PauseByFreezingKeepsTheChainsOnTheirRibosomes) {
  auto owner = steady_guest(ProductionConfig{});
  BioXenHypervisor& hv = *owner;
  const auto before = hv.get_vm_status("g");
  hv.pause_vm("g");
  hv.run_quanta(300);
  const auto after = hv.get_vm_status("g");
  EXPECT_EQ(after.ribosomes_on_chains, before.ribosomes_on_chains);
  EXPECT_EQ(after.mrna, before.mrna);
  EXPECT_FALSE(after.repressed);
  EXPECT_GT(hv.get_host_status().sequestered_ribosome_fraction, 0.1);
}

TEST(Isolation, PauseByRepressionTakesEffectAsTheMessageDecays) {
  ProductionConfig c;
  c.pause_mechanism = bioxen::PauseMechanism::repress;
  auto owner = steady_guest(c);
  BioXenHypervisor& hv = *owner;
  const auto before = hv.get_vm_status("g");
  ASSERT_GT(before.mrna, 100.0);
  hv.pause_vm("g");
  hv.run_quanta(38);  // one repressed half-life
  const auto half = hv.get_vm_status("g");
  EXPECT_NEAR(half.mrna / before.mrna, 0.5, 0.01);
  EXPECT_GT(half.ribosomes_on_chains, 0.0) << "its remaining messages still take ribosomes";
  EXPECT_EQ(half.state, bioxen::VMState::paused);
  EXPECT_TRUE(half.repressed);
  hv.run_quanta(600);  // 10 min: messages gone, chains run off
  const auto gone = hv.get_vm_status("g");
  EXPECT_LT(gone.mrna, 1e-3 * before.mrna);
  EXPECT_LT(gone.ribosomes_on_chains, 1e-3 * before.ribosomes_on_chains);
  const auto h = hv.get_host_status();
  EXPECT_LT(h.sequestered_ribosome_fraction, 1e-3) << "nothing is frozen";
  EXPECT_GT(h.growth_rate_per_h, 0.99 * h.reference_growth_rate_per_h * h.rnap_limitation);
  // Resuming lifts the repression: transcription makes messages again.
  hv.resume_vm("g");
  EXPECT_FALSE(hv.get_vm_status("g").repressed);
  hv.run_quanta(600);
  EXPECT_GT(hv.get_vm_status("g").mrna, 0.5 * before.mrna);
}

TEST(Isolation, RepressedVmsSurviveASnapshotInEveryStateTheyCanBeIn) {
  ProductionConfig c;
  c.pause_mechanism = bioxen::PauseMechanism::repress;
  auto owner = steady_guest(c);
  BioXenHypervisor& hv = *owner;
  hv.create_vm("p", "syn3a_recoded", guest(14, 22.5, 50));
  hv.create_vm("s", "syn3a_recoded", guest(14, 22.5, 50));
  for (const char* id : {"p", "s"}) hv.start_vm(id);
  hv.run_quanta(300);
  hv.pause_vm("p");
  hv.stop_vm("s");
  hv.fail_vm("g", "injected");
  hv.run_quanta(10);
  const nlohmann::json snap = hv.snapshot();
  for (const auto& vm : snap.at("vms")) EXPECT_TRUE(vm.at("repressed").get<bool>()) << vm["id"];
  BioXenHypervisor copy;
  copy.restore(snap);
  hv.run_quanta(120);
  copy.run_quanta(120);
  EXPECT_EQ(copy.snapshot(), hv.snapshot());
  // A repressed VM under a configuration that freezes is refused.
  nlohmann::json bad = snap;
  bad["config"]["pause_mechanism"] = "freeze";
  try {
    copy.restore(bad);
    ADD_FAILURE() << "restored a repressed VM under pause_mechanism freeze";
  } catch (const bioxen::BioXenException& e) {
    EXPECT_EQ(e.code(), bioxen::BioXenErrorCode::invalid_snapshot);
    EXPECT_NE(e.message().find("vms[0].repressed"), std::string::npos) << e.message();
  }
}

TEST(Isolation, TheSrnaTakesHostRnaPolymerase) {
  // A guest holding nearly all free RNA polymerase: the sRNA that silences it needs more.
  ProductionConfig c;
  c.pause_mechanism = bioxen::PauseMechanism::repress;
  c.scheduling_quantum_ms = 1000;
  BioXenHypervisor hv{c, bioxen::chassis_profile(ChassisType::ecoli)};
  const auto& p = hv.chassis();
  const int spare = static_cast<int>(p.rna_polymerases * (1.0 - p.active_rnap_fraction));
  hv.create_vm("g", "syn3a_recoded", guest(14, 22.5, spare));
  hv.start_vm("g");
  hv.run_quanta(5);
  EXPECT_DOUBLE_EQ(hv.get_host_status().rnap_limitation, 1.0);
  hv.pause_vm("g");
  hv.run_quanta(1);
  // sRNA polymerases: 2 x RNAP x 90 nt / (3 x mean length + 3) nt.
  const auto rs = bioxen::resident_set(bioxen::builtin_genome("syn3a_recoded"), 544);
  const double mean = static_cast<double>(rs->cycle_aa()) / static_cast<double>(rs->cds.size());
  const double srna = 2.0 * spare * 90.0 / (3.0 * mean + 3.0);
  const double need = p.active_rnap_fraction * p.rna_polymerases;
  EXPECT_NEAR(hv.get_host_status().rnap_limitation,
              std::min(1.0, (p.rna_polymerases - spare - srna) / need), 1e-9);
}

TEST(Isolation, DestroyByTaggedDegradationReturnsResourcesAsProteinsDecay) {
  ProductionConfig c;
  c.destroy_mechanism = bioxen::DestroyMechanism::degrade;
  auto owner = steady_guest(c);
  BioXenHypervisor& hv = *owner;
  const auto st = hv.get_vm_status("g");
  // Every protein carries the 11-aa tag: the host makes it.
  EXPECT_GT(hv.get_host_status().isolation_aa_per_s, 0.0);
  hv.destroy_vm("g");
  hv.run_quanta(1);
  auto h = hv.get_host_status();
  EXPECT_GT(h.runoff_ribosomes, 0.9 * st.ribosomes_on_chains);
  const double protein0 = h.degrading_protein_aa;
  EXPECT_NEAR(protein0 / st.protein_aa_per_cell, 1.0, 0.01);
  hv.run_quanta(60);  // chains of the mean length (349 aa at 18 aa/s) have run off
  h = hv.get_host_status();
  EXPECT_EQ(h.runoff_ribosomes, 0.0);
  EXPECT_EQ(h.guest_bound_ribosomes, 0.0);
  hv.run_quanta(2339);  // 40 min after the destroy: one tag half-life, and dilution
  h = hv.get_host_status();
  const double lambda_s = h.growth_rate_per_h / 3600.0;  // the host alone again
  EXPECT_NEAR(h.degrading_protein_aa / protein0, 0.5 * std::exp(-lambda_s * 2399.0), 0.02);
}

TEST(Isolation, DestroyByReleaseReturnsEverythingAtOnce) {
  auto owner = steady_guest(ProductionConfig{});
  BioXenHypervisor& hv = *owner;
  hv.destroy_vm("g");
  hv.run_quanta(1);
  const auto h = hv.get_host_status();
  EXPECT_EQ(h.runoff_ribosomes, 0.0);
  EXPECT_EQ(h.degrading_protein_aa, 0.0);
  EXPECT_EQ(h.guest_bound_ribosomes, 0.0);
  EXPECT_DOUBLE_EQ(h.growth_rate_per_h, h.reference_growth_rate_per_h);
}

TEST(Isolation, OrthogonalRnaPolymeraseSparesTheHostsAndCostsItsProtein) {
  ProductionConfig c;
  c.scheduling_quantum_ms = 1000;
  const auto run = [&](bioxen::TranscriptionIsolation t, int rnap) {
    c.transcription_isolation = t;
    BioXenHypervisor hv{c, bioxen::chassis_profile(ChassisType::ecoli)};
    hv.create_vm("g", "syn3a_recoded", guest(14, 22.5, rnap));
    hv.start_vm("g");
    hv.run_quanta(1499);  // 25 min: mRNA, chains and growth at steady state
    const double lambda_before = hv.get_host_status().growth_rate_per_h;
    hv.run_quanta(1);
    return std::tuple{hv.get_host_status(), hv.get_vm_status("g"), lambda_before};
  };
  // The guest holds 90 % of the RNA polymerase: the host's own transcription suffers unless the
  // guest's are T7 enzymes.
  const int most =
      static_cast<int>(0.9 * bioxen::chassis_profile(ChassisType::ecoli).rna_polymerases);
  const auto [host_rnap, g1, l1] = run(bioxen::TranscriptionIsolation::host_rnap, most);
  const auto [t7, g2, lambda] = run(bioxen::TranscriptionIsolation::orthogonal_rnap, most);
  EXPECT_LT(host_rnap.rnap_limitation, 1.0);
  EXPECT_DOUBLE_EQ(t7.rnap_limitation, 1.0);
  EXPECT_EQ(t7.orthogonal_rnap, most);
  EXPECT_EQ(host_rnap.orthogonal_rnap, 0.0);
  // The host keeps its T7 enzymes against dilution: 883 aa each at the growth rate of the
  // quantum before.
  EXPECT_DOUBLE_EQ(t7.isolation_aa_per_s, most * 883.0 * lambda / 3600.0);
  // T7 transcribes at 230 nt/s, the host's RNAP at 50: 4.6 x the messages.
  EXPECT_NEAR(g2.mrna / g1.mrna, 230.0 / 50.0, 0.05);
}

}  // namespace
