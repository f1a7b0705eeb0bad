// BioXenHypervisor: the life cycle, every error path (code and message), the work model on a
// single VM and the clock. Observers: observer_test.cpp; adapters: adapters_test.cpp.
#include "bioxen/hypervisor.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "bioxen/bioxen.hpp"
#include "engine_test_support.hpp"

namespace {

using bioxen::BioXenErrorCode;
using bioxen::BioXenHypervisor;
using bioxen::ChassisType;
using bioxen::ProductionConfig;
using bioxen::ResourceAllocation;
using bioxen::VMState;
using bioxen::VmStatus;
using bioxen_test::resources_consistent;
using bioxen_test::throws_bx;
using bioxen_test::throws_bx_containing;
using namespace std::chrono_literals;

using bioxen_test::alloc;

// --- Construction and the default configuration ----------------------------------------------

TEST(Hypervisor, FreshSystemResourcesMatchTheDefaults) {
  BioXenHypervisor hv{ProductionConfig{}, ChassisType::ecoli};
  const auto sr = hv.get_system_resources();
  EXPECT_EQ(sr.total_ribosomes, 80);
  EXPECT_EQ(sr.available_ribosomes, 68);
  EXPECT_EQ(sr.allocated_ribosomes, 0);
  EXPECT_EQ(sr.free_ribosomes, 68);
  EXPECT_EQ(sr.emergency_ribosome_reserve, 10);
  EXPECT_DOUBLE_EQ(sr.hypervisor_overhead, 0.15);
  EXPECT_EQ(sr.total_atp_allocated, 0.0);
  EXPECT_EQ(sr.max_atp_percentage, 90.0);
  EXPECT_EQ(sr.active_vms, 0);
  EXPECT_EQ(sr.total_vms, 0);
  EXPECT_EQ(sr.max_vms, 4);
  EXPECT_EQ(sr.genome_space_kb, 4642);  // one genome equivalent of E. coli's own DNA
  EXPECT_EQ(sr.total_rna_polymerase, 5000);
  EXPECT_EQ(sr.free_rna_polymerase, 5000);
  EXPECT_EQ(sr.chassis, "ecoli");
  EXPECT_EQ(sr.scheduler_policy, "round_robin");
  EXPECT_EQ(sr.virtual_time_us, 0);
  EXPECT_EQ(hv.max_vms(), 4);
  EXPECT_EQ(hv.virtual_time(), 0us);
}

TEST(Hypervisor, DefaultConstructorIsTheDefaultConfigOnEcoli) {
  BioXenHypervisor hv;
  EXPECT_EQ(hv.config(), ProductionConfig{});
  EXPECT_EQ(hv.chassis(), bioxen::chassis_profile(ChassisType::ecoli));
}

TEST(Hypervisor, DefaultAllocationIsAnEqualShareOfWhatIsAdmissible) {
  BioXenHypervisor hv;
  const auto d = hv.default_allocation("syn3a_recoded");
  EXPECT_EQ(d.ribosomes, 14);  // (68 - 10) / 4
  EXPECT_EQ(d.atp_percentage, 22.5);
  EXPECT_EQ(d.rna_polymerase, 10);
  EXPECT_EQ(d.priority, 1);
  EXPECT_EQ(d.memory_kb, 544);                                // 543,379 bp
  EXPECT_EQ(hv.default_allocation("ecoli").memory_kb, 1024);  // 4,642 kb capped
  EXPECT_TRUE(throws_bx_containing([&] { (void)hv.default_allocation("plant"); },
                                   BioXenErrorCode::vm_creation_failed,
                                   "unknown biological type 'plant'"));
  hv.create_vm("vm1", "syn3a_recoded");
  EXPECT_EQ(hv.get_vm_allocation("vm1"), d);
  const auto st = hv.get_vm_status("vm1");
  EXPECT_EQ(st.ribosome_allocation, 14);
  EXPECT_EQ(st.atp_percentage, 22.5);
  EXPECT_EQ(st.memory_kb, 544);
  EXPECT_EQ(st.state, VMState::created);
}

TEST(Hypervisor, MaxVmsDefaultVmsFitAndOneMoreIsOverload) {
  for (int max_vms : {1, 2, 3, 4, 5, 6, 7, 8}) {
    ProductionConfig cfg;
    cfg.max_vms = max_vms;
    BioXenHypervisor hv{cfg, ChassisType::ecoli};
    for (int i = 0; i < max_vms; ++i) {
      ASSERT_NO_THROW(
          hv.create_vm(fmt::format("vm{}", i), i % 2 ? "syn3a_recoded" : "minimal_cell_recoded"))
          << max_vms;
    }
    const auto before = hv.get_system_resources();
    EXPECT_TRUE(throws_bx([&] { hv.create_vm("one_more", "syn3a_recoded"); },
                          BioXenErrorCode::hypervisor_overload,
                          fmt::format("cannot create VM 'one_more': the VM limit max_vms = {} is "
                                      "reached",
                                      max_vms)));
    EXPECT_EQ(hv.get_system_resources(), before);
    EXPECT_FALSE(hv.has_vm("one_more"));
    EXPECT_TRUE(resources_consistent(hv));
  }
}

TEST(Hypervisor, TheSpecExample) {
  ProductionConfig cfg;
  cfg.scheduler_policy = bioxen::SchedulerPolicy::fair_share;
  cfg.context_switch_ms = 0;
  BioXenHypervisor hv{cfg, ChassisType::ecoli};
  ResourceAllocation r;
  r.ribosomes = 20;
  r.atp_percentage = 25.0;
  hv.create_vm("vm1", "syn3a_recoded", r);
  hv.create_vm("vm2", "syn3a_recoded");
  hv.start_vm("vm1");
  EXPECT_EQ(hv.get_vm_state("vm1"), VMState::running);
  const auto st = hv.get_vm_status("vm1");
  EXPECT_EQ(st.vm_id, "vm1");
  EXPECT_EQ(st.ribosome_allocation, 20);
  EXPECT_EQ(st.atp_percentage, 25.0);
  EXPECT_EQ(st.memory_kb, 544);
  EXPECT_EQ(st.priority, 1);
  EXPECT_EQ(st.health_status, "healthy");
  nlohmann::json js = st;
  EXPECT_EQ(js["state"], "running");
  EXPECT_EQ(hv.list_vms().size(), 2u);
  hv.run_scheduler();
  hv.run_quanta(1000);
  hv.run_for(10s);
  EXPECT_EQ(hv.quanta_elapsed(), 1101u);
  const auto sr = hv.get_system_resources();
  EXPECT_EQ(sr.allocated_ribosomes, 34);
  EXPECT_EQ(sr.free_ribosomes, 34);
  EXPECT_EQ(sr.total_atp_allocated, 47.5);
  EXPECT_EQ(sr.active_vms, 1);
  nlohmann::json snap = hv.snapshot();
  hv.restore(snap);
  EXPECT_TRUE(throws_bx([&] { hv.start_vm("missing"); }, BioXenErrorCode::vm_not_found,
                        "VM 'missing' not found"));
  std::error_code ec;
  hv.start_vm("missing", ec);
  EXPECT_EQ(ec, BioXenErrorCode::vm_not_found);
}

TEST(Hypervisor, EcoliGuestRunsWithTheGenesThatFitInItsMemory) {
  BioXenHypervisor hv;
  hv.create_vm("ecoli", "ecoli");
  const auto st = hv.get_vm_status("ecoli");
  EXPECT_EQ(st.memory_kb, 1024);
  EXPECT_EQ(st.genome, bioxen::builtin_genome("ecoli")->name());
  EXPECT_EQ(st.total_genes, bioxen::builtin_genome("ecoli")->genes().size());
  EXPECT_GT(st.resident_genes, 0u);
  EXPECT_LT(st.resident_genes, st.total_genes);
  EXPECT_GT(st.resident_proteins, 0u);
  hv.start_vm("ecoli");
  hv.run_for(60s);
  EXPECT_GT(hv.get_vm_status("ecoli").proteins_completed, 0u);
}

TEST(Hypervisor, InvalidConfigurationAndChassisAreRejected) {
  ProductionConfig cfg;
  cfg.max_vms = 0;
  EXPECT_TRUE(throws_bx([&] { BioXenHypervisor hv(cfg, ChassisType::ecoli); },
                        BioXenErrorCode::invalid_configuration,
                        "invalid configuration: max_vms = 0 must be >= 1"));
  auto p = bioxen::chassis_profile(ChassisType::ecoli);
  p.elongation_rate_aa_per_s = -1;
  try {
    BioXenHypervisor hv(ProductionConfig{}, p);
    FAIL() << "no exception";
  } catch (const bioxen::BioXenException& e) {
    EXPECT_EQ(e.code(), BioXenErrorCode::chassis_initialization_error);
    EXPECT_NE(e.message().find("elongation_rate_aa_per_s"), std::string::npos) << e.message();
  }
}

TEST(Hypervisor, ChassisInfoReportsRecommendationsAndTheAllocatorView) {
  for (auto type : bioxen::all_chassis_types) {
    BioXenHypervisor hv{ProductionConfig{}, type};
    const auto info = hv.get_chassis_info();
    const auto& p = bioxen::chassis_profile(type);
    EXPECT_EQ(info.at("ribosome_units"), p.ribosome_units);
    EXPECT_EQ(info.at("recommended_max_vms"), p.recommended_max_vms);
    EXPECT_EQ(info.at("allocator_units"), 80);
    EXPECT_EQ(info.at("available_units"), 68);
    EXPECT_EQ(info.at("max_vms"), 4);
    EXPECT_DOUBLE_EQ(info.at("physical_ribosomes_per_unit").get<double>(),
                     p.physical_ribosomes / 80.0);
    EXPECT_DOUBLE_EQ(info.at("amino_acids_per_unit_second").get<double>(),
                     p.physical_ribosomes / 80.0 * p.elongation_rate_aa_per_s);
    EXPECT_EQ(info.at("name"), p.name);
  }
  EXPECT_EQ(BioXenHypervisor{}.get_chassis_info().at("physical_ribosomes_per_unit"), 25825 / 80.0);
}

// --- VM ids and types --------------------------------------------------------------------------

TEST(VmIds, AreNonEmptyPrintableAsciiAtMost64Characters) {
  BioXenHypervisor hv;
  EXPECT_TRUE(throws_bx([&] { hv.create_vm("", "syn3a_recoded"); },
                        BioXenErrorCode::vm_creation_failed,
                        "invalid VM id '': it must not be empty"));
  const std::string id64(64, 'a');
  const std::string id65(65, 'a');
  EXPECT_NO_THROW(hv.create_vm(id64, "syn3a_recoded"));
  EXPECT_TRUE(
      throws_bx([&] { hv.create_vm(id65, "syn3a_recoded"); }, BioXenErrorCode::vm_creation_failed,
                "invalid VM id '" + id64 + "...': it is 65 characters long, the limit is 64"));
  EXPECT_TRUE(throws_bx([&] { hv.create_vm(std::string("a\x01z", 3), "syn3a_recoded"); },
                        BioXenErrorCode::vm_creation_failed,
                        "invalid VM id 'a\\x01z': character 2 is not printable ASCII"));
  EXPECT_TRUE(throws_bx([&] { hv.create_vm("caf\xc3\xa9", "syn3a_recoded"); },
                        BioXenErrorCode::vm_creation_failed,
                        "invalid VM id 'caf\\xc3\\xa9': character 4 is not printable ASCII"));
  const auto d = bioxen_test::error_details([&] { hv.create_vm("a\tb", "syn3a_recoded"); });
  EXPECT_EQ(d.at("rule"), "printable_ascii");
  EXPECT_EQ(d.at("vm_id"), "a\\x09b");
  EXPECT_NO_THROW((void)d.dump());  // details are valid UTF-8
  EXPECT_NO_THROW(hv.create_vm("with space & symbols!~", "syn3a_recoded"));
  EXPECT_EQ(hv.vm_count(), 2u);
}

TEST(VmIds, AreUnique) {
  BioXenHypervisor hv;
  hv.create_vm("vm1", "syn3a_recoded");
  const auto before = hv.get_system_resources();
  EXPECT_TRUE(throws_bx([&] { hv.create_vm("vm1", "ecoli"); }, BioXenErrorCode::vm_already_exists,
                        "VM 'vm1' already exists"));
  EXPECT_EQ(hv.get_system_resources(), before);
  EXPECT_EQ(hv.get_vm_status("vm1").biological_type, "syn3a_recoded");
  // After destroy the id is free again.
  hv.destroy_vm("vm1");
  EXPECT_NO_THROW(hv.create_vm("vm1", "ecoli"));
}

TEST(Listing, IntoAVectorReusesItAndEqualsTheFreshListing) {
  BioXenHypervisor hv;
  std::vector<VmStatus> out(7);  // more elements than VMs, with stale content
  out[0].error_reason = "stale";
  out[0].uptime_seconds = 9.0;
  hv.list_vms(out);
  EXPECT_TRUE(out.empty());
  hv.create_vm("a", "syn3a_recoded");
  hv.create_vm("failed-with-a-long-id-outside-sso", "minimal_cell_recoded");
  hv.create_vm("c", "syn3a_recoded");
  hv.start_vm("a");
  hv.fail_vm("failed-with-a-long-id-outside-sso", "injected");
  hv.run_quanta(5);
  // uptime is wall clock, read once per listing: compare everything else.
  const auto expect_same = [](std::vector<VmStatus> a, std::vector<VmStatus> b) {
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      a[i].uptime_seconds = b[i].uptime_seconds = 0.0;
      EXPECT_EQ(a[i], b[i]) << i;
    }
  };
  hv.list_vms(out);
  expect_same(out, hv.list_vms());
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[1].error_reason, "injected");
  EXPECT_EQ(out[1].health_status, "error");
  // Reuse: the failed VM goes, another comes; no field of the old element may survive.
  hv.destroy_vm("failed-with-a-long-id-outside-sso");
  hv.create_vm("d", "syn3a_recoded");
  hv.list_vms(out);
  expect_same(out, hv.list_vms());
  EXPECT_GT(out[0].uptime_seconds, 0.0);  // running
  EXPECT_EQ(out[1].uptime_seconds, 0.0);  // created
  EXPECT_EQ(out[1].vm_id, "c");
  EXPECT_EQ(out[2].vm_id, "d");
  EXPECT_EQ(out[2].error_reason, "");
  EXPECT_EQ(out[2].health_status, "healthy");
}

TEST(BiologicalTypes, UnknownTypeListsTheSupportedOnes) {
  BioXenHypervisor hv;
  EXPECT_TRUE(throws_bx([&] { hv.create_vm("vm1", "plant"); }, BioXenErrorCode::vm_creation_failed,
                        "unknown biological type 'plant' (supported: syn3a, minimal_cell, ecoli, "
                        "syn3a_recoded, minimal_cell_recoded, ecoli_recoded)"));
  const auto d = bioxen_test::error_details([&] { hv.create_vm("vm1", "plant"); });
  EXPECT_EQ(d.at("supported"), nlohmann::json(bioxen::builtin_genome_names()));
  EXPECT_EQ(d.at("biological_type"), "plant");
  EXPECT_EQ(hv.vm_count(), 0u);
}

TEST(BiologicalTypes, CustomGenomesRunUnderTheirOwnName) {
  BioXenHypervisor hv;
  hv.create_vm("t", bioxen_test::tiny_genome());
  const auto st = hv.get_vm_status("t");
  EXPECT_EQ(st.biological_type, "tiny");
  EXPECT_EQ(st.genome, "tiny");
  EXPECT_EQ(st.memory_kb, 2);
  EXPECT_EQ(st.resident_genes, 4u);
  EXPECT_EQ(st.resident_proteins, 3u);
  EXPECT_EQ(st.boot_proteins, 2u);
  EXPECT_TRUE(throws_bx([&] { hv.create_vm("n", bioxen::GenomePtr{}); },
                        BioXenErrorCode::vm_creation_failed,
                        "cannot create VM 'n': the genome is null"));
}

// --- The life cycle -----------------------------------------------------------------------------

/// Brings VM "v" into `state` on `hv`.
void bring_to(BioXenHypervisor& hv, VMState state) {
  hv.create_vm("v", "syn3a_recoded");
  switch (state) {
    case VMState::created:
      break;
    case VMState::running:
      hv.start_vm("v");
      break;
    case VMState::paused:
      hv.start_vm("v");
      hv.pause_vm("v");
      break;
    case VMState::stopped:
      hv.start_vm("v");
      hv.stop_vm("v");
      break;
    case VMState::error:
      hv.fail_vm("v", "injected");
      break;
  }
  ASSERT_EQ(hv.get_vm_state("v"), state);
}

struct Op {
  std::string name;
  std::function<void(BioXenHypervisor&)> run;
  std::map<VMState, VMState> legal;  // from -> to
};

std::vector<Op> operations() {
  using S = VMState;
  return {
      {"start",
       [](BioXenHypervisor& h) { h.start_vm("v"); },
       {{S::created, S::running}, {S::stopped, S::running}}},
      {"pause", [](BioXenHypervisor& h) { h.pause_vm("v"); }, {{S::running, S::paused}}},
      {"resume", [](BioXenHypervisor& h) { h.resume_vm("v"); }, {{S::paused, S::running}}},
      {"stop",
       [](BioXenHypervisor& h) { h.stop_vm("v"); },
       {{S::running, S::stopped}, {S::paused, S::stopped}}},
      {"fail",
       [](BioXenHypervisor& h) { h.fail_vm("v", "x"); },
       {{S::created, S::error},
        {S::running, S::error},
        {S::paused, S::error},
        {S::stopped, S::error}}},
  };
}

TEST(Lifecycle, EveryTransitionIsLegalOrAnErrorThatChangesNothing) {
  int legal = 0, illegal = 0;
  for (const auto& op : operations()) {
    for (auto from : bioxen::all_vm_states) {
      BioXenHypervisor hv;
      bring_to(hv, from);
      hv.run_quanta(3);
      const auto status = bioxen_test::virtual_only(hv.get_vm_status("v"));
      const auto resources = hv.get_system_resources();
      const auto it = op.legal.find(from);
      if (it != op.legal.end()) {
        ASSERT_NO_THROW(op.run(hv)) << op.name << " from " << to_string(from);
        EXPECT_EQ(hv.get_vm_state("v"), it->second) << op.name << " from " << to_string(from);
        ++legal;
      } else {
        EXPECT_TRUE(throws_bx([&] { op.run(hv); }, BioXenErrorCode::invalid_state_transition,
                              fmt::format("cannot {} VM 'v' in state {}", op.name, from)))
            << op.name << " from " << to_string(from);
        EXPECT_EQ(bioxen_test::virtual_only(hv.get_vm_status("v")), status);
        EXPECT_EQ(hv.get_system_resources(), resources);
        ++illegal;
      }
      EXPECT_TRUE(resources_consistent(hv));
    }
  }
  EXPECT_EQ(legal, 10);
  EXPECT_EQ(illegal, 15);
}

TEST(Lifecycle, InvalidTransitionDetailsNameVmOperationAndState) {
  BioXenHypervisor hv;
  hv.create_vm("v", "syn3a_recoded");
  const auto d = bioxen_test::error_details([&] { hv.pause_vm("v"); });
  EXPECT_EQ(d.at("vm_id"), "v");
  EXPECT_EQ(d.at("operation"), "pause");
  EXPECT_EQ(d.at("state"), "created");
  EXPECT_EQ(d.at("code"), "BX007");
}

TEST(Lifecycle, DestroyFromEveryStateReturnsExactlyWhatCreateTook) {
  for (auto from : bioxen::all_vm_states) {
    BioXenHypervisor hv;
    hv.create_vm("other", "minimal_cell_recoded", alloc(7, 12.345678));
    const auto before = hv.get_system_resources();
    bring_to(hv, from);
    hv.run_quanta(5);
    hv.destroy_vm("v");
    auto after = hv.get_system_resources();
    after.virtual_time_us = before.virtual_time_us;
    after.quanta = before.quanta;
    EXPECT_EQ(after, before) << to_string(from);
    EXPECT_FALSE(hv.has_vm("v"));
    EXPECT_TRUE(
        throws_bx([&] { hv.destroy_vm("v"); }, BioXenErrorCode::vm_not_found, "VM 'v' not found"));
  }
}

TEST(Lifecycle, EveryOperationOnAnUnknownVmIsVmNotFound) {
  BioXenHypervisor hv;
  hv.create_vm("present", "syn3a_recoded");
  const std::vector<std::function<void()>> ops = {
      [&] { hv.start_vm("nope"); },
      [&] { hv.pause_vm("nope"); },
      [&] { hv.resume_vm("nope"); },
      [&] { hv.stop_vm("nope"); },
      [&] { hv.destroy_vm("nope"); },
      [&] { hv.fail_vm("nope", "r"); },
      [&] { hv.reallocate_vm("nope", ResourceAllocation{}); },
      [&] { (void)hv.get_vm_status("nope"); },
      [&] { (void)hv.get_vm_state("nope"); },
      [&] { (void)hv.get_vm_allocation("nope"); },
      [&] { (void)hv.get_vm_proteins("nope"); },
  };
  for (const auto& op : ops) {
    EXPECT_TRUE(throws_bx(op, BioXenErrorCode::vm_not_found, "VM 'nope' not found"));
  }
  EXPECT_TRUE(throws_bx([&] { hv.start_vm(std::string("bad\xff", 4)); },
                        BioXenErrorCode::vm_not_found, "VM 'bad\\xff' not found"));
}

TEST(Lifecycle, ErrorCodeOverloadsReportInsteadOfThrowing) {
  BioXenHypervisor hv;
  std::error_code ec = BioXenErrorCode::io_error;
  hv.create_vm("v", "syn3a_recoded", ec);
  EXPECT_FALSE(ec);
  hv.create_vm("v", "syn3a_recoded", ec);
  EXPECT_EQ(ec, BioXenErrorCode::vm_already_exists);
  hv.create_vm("w", "plant", ResourceAllocation{}, ec);
  EXPECT_EQ(ec, BioXenErrorCode::vm_creation_failed);
  hv.create_vm("w", bioxen_test::tiny_genome(), alloc(61, 1), ec);
  EXPECT_EQ(ec, BioXenErrorCode::resource_allocation_error);
  hv.pause_vm("v", ec);
  EXPECT_EQ(ec, BioXenErrorCode::invalid_state_transition);
  hv.start_vm("v", ec);
  EXPECT_FALSE(ec);
  hv.resume_vm("v", ec);
  EXPECT_EQ(ec, BioXenErrorCode::invalid_state_transition);
  hv.pause_vm("v", ec);
  EXPECT_FALSE(ec);
  hv.resume_vm("v", ec);
  EXPECT_FALSE(ec);
  hv.stop_vm("v", ec);
  EXPECT_FALSE(ec);
  hv.reallocate_vm("v", alloc(100, 1), ec);
  EXPECT_EQ(ec, BioXenErrorCode::resource_allocation_error);
  EXPECT_EQ(hv.get_vm_state("v", ec), VMState::stopped);
  EXPECT_FALSE(ec);
  const auto st = hv.get_vm_status("nope", ec);
  EXPECT_EQ(ec, BioXenErrorCode::vm_not_found);
  EXPECT_EQ(st.vm_id, "");
  (void)hv.get_vm_allocation("nope", ec);
  EXPECT_EQ(ec, BioXenErrorCode::vm_not_found);
  (void)hv.get_vm_proteins("nope", ec);
  EXPECT_EQ(ec, BioXenErrorCode::vm_not_found);
  hv.fail_vm("v", "r", ec);
  EXPECT_FALSE(ec);
  hv.fail_vm("v", "r", ec);
  EXPECT_EQ(ec, BioXenErrorCode::invalid_state_transition);
  hv.destroy_vm("v", ec);
  EXPECT_FALSE(ec);
  hv.destroy_vm("v", ec);
  EXPECT_EQ(ec, BioXenErrorCode::vm_not_found);
  hv.restore(nlohmann::json::object(), ec);
  EXPECT_EQ(ec, BioXenErrorCode::invalid_snapshot);
}

TEST(Lifecycle, FailedVmReportsItsReasonAndKeepsItsReservation) {
  BioXenHypervisor hv;
  hv.create_vm("v", "syn3a_recoded");
  hv.start_vm("v");
  hv.run_quanta(2);
  hv.fail_vm("v", "membrane rupture");
  const auto st = hv.get_vm_status("v");
  EXPECT_EQ(st.state, VMState::error);
  EXPECT_EQ(st.health_status, "error");
  EXPECT_EQ(st.error_reason, "membrane rupture");
  EXPECT_EQ(st.ribosome_allocation, 14);
  EXPECT_EQ(hv.get_system_resources().allocated_ribosomes, 14);
  EXPECT_EQ(hv.get_system_resources().active_vms, 0);
  const auto aa = st.amino_acids;
  hv.run_quanta(5);
  EXPECT_EQ(hv.get_vm_status("v").amino_acids, aa);
  hv.destroy_vm("v");
  EXPECT_EQ(hv.get_system_resources().allocated_ribosomes, 0);
}

TEST(Lifecycle, StopKeepsCountersAndStartContinues) {
  ProductionConfig cfg;
  cfg.work_model = bioxen::WorkModel::capacity;  // constant output per quantum
  BioXenHypervisor hv{cfg, ChassisType::ecoli};
  hv.create_vm("v", "syn3a_recoded");
  hv.start_vm("v");
  hv.run_quanta(10);
  hv.stop_vm("v");
  const auto stopped = hv.get_vm_status("v");
  EXPECT_EQ(stopped.uptime_seconds, 0.0);
  hv.run_quanta(10);
  EXPECT_EQ(bioxen_test::virtual_only(hv.get_vm_status("v")), bioxen_test::virtual_only(stopped));
  hv.start_vm("v");
  hv.run_quanta(10);
  const auto again = hv.get_vm_status("v");
  EXPECT_NEAR(static_cast<double>(again.amino_acids), 2.0 * stopped.amino_acids, 1.0);
  EXPECT_DOUBLE_EQ(again.running_seconds, 2.0);
}

// --- Re-allocation ------------------------------------------------------------------------------

TEST(Reallocate, ChangesOnlyTheGivenFieldsAndCountsTheVmsOwnReservationAsFree) {
  BioXenHypervisor hv;
  hv.create_vm("a", "syn3a_recoded", alloc(30, 40));
  hv.create_vm("b", "syn3a_recoded", alloc(20, 40));
  hv.start_vm("a");
  // 68 available, 50 allocated: a may grow to 30 + 18 - 10 (reserve) = 38.
  ResourceAllocation more;
  more.ribosomes = 38;
  hv.reallocate_vm("a", more);
  auto a = hv.get_vm_allocation("a");
  EXPECT_EQ(a.ribosomes, 38);
  EXPECT_EQ(a.atp_percentage, 40.0);
  EXPECT_EQ(a.priority, 1);
  EXPECT_EQ(hv.get_system_resources().allocated_ribosomes, 58);
  more.ribosomes = 39;
  EXPECT_TRUE(throws_bx(
      [&] { hv.reallocate_vm("a", more); }, BioXenErrorCode::resource_allocation_error,
      "insufficient ribosomes for VM 'a': requested 39, available 38, shortfall 1 (the last 10 "
      "free ribosomes are the emergency reserve for priority-5 VMs)"));
  EXPECT_EQ(hv.get_vm_allocation("a").ribosomes, 38);
  // Priority 5 may use the reserve.
  more.priority = 5;
  hv.reallocate_vm("a", more);
  EXPECT_EQ(hv.get_vm_allocation("a").ribosomes, 39);
  EXPECT_EQ(hv.get_vm_allocation("a").priority, 5);
  // ATP: 40 + 40 of 90.
  ResourceAllocation atp;
  atp.atp_percentage = 50.5;
  EXPECT_TRUE(throws_bx([&] { hv.reallocate_vm("b", atp); },
                        BioXenErrorCode::resource_allocation_error,
                        "insufficient ATP for VM 'b': requested 50.5%, available 50%, shortfall "
                        "0.5%"));
  atp.atp_percentage = 50;
  hv.reallocate_vm("b", atp);
  EXPECT_EQ(hv.get_system_resources().total_atp_allocated, 90.0);
  EXPECT_EQ(hv.get_system_resources().free_atp_percentage, 0.0);
  EXPECT_TRUE(resources_consistent(hv));
}

TEST(Reallocate, MemoryChangesOnlyBeforeTheFirstStart) {
  BioXenHypervisor hv;
  hv.create_vm("e", "ecoli");
  ResourceAllocation mem;
  mem.memory_kb = 512;
  hv.reallocate_vm("e", mem);
  const auto st = hv.get_vm_status("e");
  EXPECT_EQ(st.memory_kb, 512);
  EXPECT_EQ(hv.get_system_resources().allocated_memory_kb, 512);
  hv.start_vm("e");
  mem.memory_kb = 1000;
  EXPECT_TRUE(throws_bx([&] { hv.reallocate_vm("e", mem); },
                        BioXenErrorCode::invalid_state_transition,
                        "cannot change the memory of VM 'e' in state running: memory is fixed "
                        "once a VM has started"));
  mem.memory_kb = 512;  // unchanged: fine
  EXPECT_NO_THROW(hv.reallocate_vm("e", mem));
  mem.memory_kb = 2048;
  hv.stop_vm("e");
  EXPECT_TRUE(throws_bx_containing([&] { hv.reallocate_vm("e", mem); },
                                   BioXenErrorCode::invalid_state_transition,
                                   "cannot change the memory of VM 'e' in state stopped"));
}

TEST(Reallocate, ARunningVmWorksWithItsNewReservationFromTheNextQuantum) {
  ProductionConfig cfg;
  cfg.context_switch_ms = 0;
  cfg.work_model = bioxen::WorkModel::capacity;
  BioXenHypervisor hv{cfg, bioxen_test::round_chassis()};
  hv.create_vm("v", bioxen_test::tiny_genome(), alloc(6, 20));
  hv.start_vm("v");
  hv.run_scheduler();
  EXPECT_EQ(hv.get_vm_status("v").amino_acids, 60u);
  ResourceAllocation r;
  r.ribosomes = 12;
  hv.reallocate_vm("v", r);
  hv.run_scheduler();
  EXPECT_EQ(hv.get_vm_status("v").amino_acids, 180u);
}

// --- The capacity work model on one VM (round numbers: 1 unit = 100 aa/s, 400 ATP/s) ---------
// The physiological model has its own tests (physiology_test.cpp).

class WorkModel : public ::testing::Test {
 protected:
  WorkModel() : hv_(config(), bioxen_test::round_chassis()) {}
  static ProductionConfig config() {
    ProductionConfig cfg;
    cfg.context_switch_ms = 0;
    cfg.work_model = bioxen::WorkModel::capacity;
    return cfg;
  }
  BioXenHypervisor hv_;
};

TEST_F(WorkModel, AminoAcidsAreUnitsTimesRibosomesPerUnitTimesElongationTimesTime) {
  hv_.create_vm("v", bioxen_test::tiny_genome(), alloc(6, 20));
  hv_.start_vm("v");
  hv_.run_quanta(10);
  const auto st = hv_.get_vm_status("v");
  EXPECT_EQ(st.amino_acids, 600u);  // 6 units x 10 ribosomes x 10 aa/s x 1 s
  EXPECT_DOUBLE_EQ(st.atp_consumed, 2400.0);
  EXPECT_DOUBLE_EQ(st.ribosome_seconds, 6.0);
  EXPECT_DOUBLE_EQ(st.running_seconds, 1.0);
  EXPECT_DOUBLE_EQ(st.active_seconds, 1.0);
  EXPECT_DOUBLE_EQ(st.waiting_seconds, 0.0);
  EXPECT_EQ(st.throttle_events, 0u);
  EXPECT_EQ(st.context_switches, 0u);
  EXPECT_EQ(st.proteins_completed, 3u);  // one full cycle: 100 + 200 + 300 aa
}

TEST_F(WorkModel, BootCompletesWithOneCopyOfEachEssentialProteinAtAnInterpolatedTime) {
  hv_.create_vm("v", bioxen_test::tiny_genome(), alloc(7, 20));
  hv_.start_vm("v");
  hv_.run_quanta(4);  // 280 aa
  EXPECT_FALSE(hv_.get_vm_status("v").boot_complete);
  EXPECT_EQ(hv_.get_vm_status("v").boot_time_seconds, 0.0);
  hv_.run_scheduler();  // 350 aa: 300 reached 20/70 into the quantum
  const auto st = hv_.get_vm_status("v");
  EXPECT_TRUE(st.boot_complete);
  EXPECT_DOUBLE_EQ(st.boot_time_seconds, 0.4 + 0.1 * 20.0 / 70.0);
  hv_.run_quanta(10);
  EXPECT_DOUBLE_EQ(hv_.get_vm_status("v").boot_time_seconds, 0.4 + 0.1 * 20.0 / 70.0);
}

TEST_F(WorkModel, ProteinsPerGeneFollowTheTranslationOrder) {
  hv_.create_vm("v", bioxen_test::tiny_genome(), alloc(13, 20));
  hv_.start_vm("v");
  hv_.run_quanta(5);  // 650 aa: one cycle (600) + T1 (100)? no: 650 - 600 = 50 < 100
  auto proteins = hv_.get_vm_proteins("v");
  ASSERT_EQ(proteins.size(), 3u);
  EXPECT_EQ(proteins[0].locus_tag, "T1");
  EXPECT_EQ(proteins[0].name, "T1_name");
  EXPECT_EQ(proteins[0].length_aa, 100u);
  EXPECT_EQ(proteins[0].copies, 1u);
  EXPECT_EQ(proteins[1].copies, 1u);
  EXPECT_EQ(proteins[2].copies, 1u);
  hv_.run_scheduler();  // 780 aa: T1 again (700), not T2 (900)
  proteins = hv_.get_vm_proteins("v");
  EXPECT_EQ(proteins[0].copies, 2u);
  EXPECT_EQ(proteins[1].copies, 1u);
  std::uint64_t total = 0;
  for (const auto& p : proteins) total += p.copies;
  EXPECT_EQ(total, hv_.get_vm_status("v").proteins_completed);
}

TEST_F(WorkModel, AnAtpBudgetTooSmallThrottlesTranslation) {
  // 6 units need 2,400 ATP/s = 240 per quantum; 0.1 % of 1e6 ATP/s is 100 per quantum.
  hv_.create_vm("v", bioxen_test::tiny_genome(), alloc(6, 0.1));
  hv_.start_vm("v");
  hv_.run_quanta(10);
  const auto st = hv_.get_vm_status("v");
  EXPECT_EQ(st.throttle_events, 10u);
  EXPECT_NEAR(st.atp_consumed, 1000.0, 1e-6);
  EXPECT_NEAR(static_cast<double>(st.amino_acids), 250.0, 1.0);
  EXPECT_DOUBLE_EQ(st.ribosome_seconds, 6.0);  // the ribosomes were held, stalled
  EXPECT_EQ(st.health_status, "throttled");
  ResourceAllocation r;
  r.atp_percentage = 20;
  hv_.reallocate_vm("v", r);
  hv_.run_scheduler();
  EXPECT_EQ(hv_.get_vm_status("v").health_status, "healthy");
  EXPECT_EQ(hv_.get_vm_status("v").throttle_events, 10u);
}

TEST_F(WorkModel, PausedCreatedAndStoppedVmsMakeNoProgress) {
  hv_.create_vm("p", bioxen_test::tiny_genome(), alloc(6, 20));
  hv_.create_vm("c", bioxen_test::tiny_genome(), alloc(6, 20));
  hv_.create_vm("s", bioxen_test::tiny_genome(), alloc(6, 20));
  hv_.start_vm("p");
  hv_.start_vm("s");
  hv_.run_quanta(2);
  hv_.pause_vm("p");
  hv_.stop_vm("s");
  const auto p = hv_.get_vm_status("p");
  const auto s = hv_.get_vm_status("s");
  hv_.run_quanta(20);
  EXPECT_EQ(hv_.get_vm_status("p").amino_acids, p.amino_acids);
  EXPECT_EQ(hv_.get_vm_status("p").running_seconds, p.running_seconds);
  EXPECT_EQ(hv_.get_vm_status("s").amino_acids, s.amino_acids);
  EXPECT_EQ(hv_.get_vm_status("c").amino_acids, 0u);
  EXPECT_EQ(hv_.get_vm_status("c").running_seconds, 0.0);
}

TEST_F(WorkModel, AVmWithoutRibosomesWaits) {
  hv_.create_vm("z", bioxen_test::tiny_genome(), alloc(0, 20));
  hv_.start_vm("z");
  hv_.run_quanta(3);
  const auto st = hv_.get_vm_status("z");
  EXPECT_EQ(st.amino_acids, 0u);
  EXPECT_DOUBLE_EQ(st.running_seconds, 0.3);
  EXPECT_DOUBLE_EQ(st.waiting_seconds, 0.3);
  EXPECT_FALSE(st.boot_complete);
}

// --- Clock
// ----------------------------------------------------------------------------------------

TEST(Clock, RunForRunsWholeQuantaRoundingUp) {
  BioXenHypervisor hv;
  EXPECT_EQ(hv.run_for(1s), 10u);
  EXPECT_EQ(hv.run_for(50ms), 1u);
  EXPECT_EQ(hv.run_for(0s), 0u);
  EXPECT_EQ(hv.run_for(std::chrono::duration<double>(0.25)), 3u);
  EXPECT_EQ(hv.virtual_time(), 1400ms);
  EXPECT_DOUBLE_EQ(hv.virtual_seconds(), 1.4);
  EXPECT_EQ(hv.quanta_elapsed(), 14u);
  EXPECT_TRUE(throws_bx([&] { hv.run_for(-1ms); }, BioXenErrorCode::invalid_argument,
                        "run_for: the duration must not be negative (-1000 µs)"));
  EXPECT_EQ(hv.run_quanta(0), 0u);
  EXPECT_EQ(hv.get_system_resources().virtual_time_us, 1400000);
}

TEST(Clock, QuantumLengthComesFromTheConfig) {
  ProductionConfig cfg;
  cfg.scheduling_quantum_ms = 7;
  cfg.context_switch_ms = 0.5;
  BioXenHypervisor hv{cfg, ChassisType::orthogonal};
  hv.run_quanta(3);
  EXPECT_EQ(hv.virtual_time(), 21ms);
}

}  // namespace
