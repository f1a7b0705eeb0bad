// The resource allocator (docs/MODEL.md section 4): the documented check order, exact shortfalls,
// the emergency reserve, default shares, exact ATP arithmetic and conservation.
#include "bioxen/allocator.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "bioxen/hypervisor.hpp"
#include "engine_test_support.hpp"

namespace {

using bioxen::BioXenErrorCode;
using bioxen::BioXenHypervisor;
using bioxen::ChassisType;
using bioxen::ProductionConfig;
using bioxen::Reservation;
using bioxen::ResourceAllocation;
using bioxen::ResourceAllocator;
using bioxen_test::error_details;
using bioxen_test::resources_consistent;
using bioxen_test::throws_bx;

::testing::AssertionResult throws_bx_code(BioXenHypervisor& hv) {
  try {
    hv.create_vm("one_more", "syn3a_recoded");
  } catch (const bioxen::BioXenException& e) {
    if (e.code() == BioXenErrorCode::hypervisor_overload) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << e.what();
  }
  return ::testing::AssertionFailure() << "no overload";
}

ResourceAllocation alloc(int ribosomes, double atp, int priority = 1, std::int64_t memory = -1,
                         int rnap = -1) {
  ResourceAllocation r;
  r.ribosomes = ribosomes;
  r.atp_percentage = atp;
  r.priority = priority;
  r.memory_kb = memory;
  r.rna_polymerase = rnap;
  return r;
}

bioxen::ChassisProfile small_space(std::uint64_t kb) {
  auto p = bioxen::chassis_profile(ChassisType::ecoli);
  p.genome_space_kb = kb;
  return p;
}

// --- The direct API
// -------------------------------------------------------------------------------

TEST(ResourceAllocator, ResolvesAutomaticFieldsToTheDefaultShare) {
  const ResourceAllocator a{ProductionConfig{}, bioxen::chassis_profile(ChassisType::ecoli)};
  const Reservation r = a.resolve(ResourceAllocation{}, 544);
  EXPECT_EQ(r.ribosomes, 14);
  EXPECT_EQ(r.atp_micro, 22'500'000);
  EXPECT_EQ(r.atp_percentage(), 22.5);
  EXPECT_EQ(r.rna_polymerase, 10);
  EXPECT_EQ(r.memory_kb, 544);
  EXPECT_EQ(r.priority, 1);
  EXPECT_EQ(a.resolve(ResourceAllocation{}, 5000).memory_kb, 1024);
  const Reservation e = a.resolve(alloc(3, 1.2345678, 4, 10, 7), 544);
  EXPECT_EQ(e.ribosomes, 3);
  EXPECT_EQ(e.atp_micro, 1'234'568);  // 1e-6 % resolution
  EXPECT_EQ(e.priority, 4);
  EXPECT_EQ(e.memory_kb, 10);
  EXPECT_EQ(e.rna_polymerase, 7);
  EXPECT_EQ(e.allocation().atp_percentage, 1.234568);
}

TEST(ResourceAllocator, DefaultShareNeverExceedsThePerVmCap) {
  ProductionConfig cfg;
  cfg.max_vms = 1;
  cfg.total_ribosomes = 200;
  const ResourceAllocator a{cfg, bioxen::chassis_profile(ChassisType::ecoli)};
  EXPECT_EQ(a.resolve(ResourceAllocation{}, 1).ribosomes, 60);
}

TEST(ResourceAllocator, AdmitAndReleaseAreExactInverses) {
  ResourceAllocator a{ProductionConfig{}, bioxen::chassis_profile(ChassisType::ecoli)};
  const Reservation r = a.resolve(alloc(20, 33.333333, 3, 100, 42), 544);
  a.check_admit("x", r);
  a.admit(r);
  EXPECT_EQ(a.allocated_ribosomes(), 20);
  EXPECT_EQ(a.free_ribosomes(), 48);
  EXPECT_EQ(a.allocated_atp_micro(), 33'333'333);
  EXPECT_EQ(a.allocated_memory_kb(), 100);
  EXPECT_EQ(a.allocated_rna_polymerase(), 42);
  EXPECT_EQ(a.vm_count(), 1);
  a.release(r);
  EXPECT_EQ(a.allocated_ribosomes(), 0);
  EXPECT_EQ(a.allocated_atp_micro(), 0);
  EXPECT_EQ(a.allocated_memory_kb(), 0);
  EXPECT_EQ(a.allocated_rna_polymerase(), 0);
  EXPECT_EQ(a.vm_count(), 0);
}

TEST(ResourceAllocator, RandomAdmitReleaseSequencesConserveEveryResource) {
  ProductionConfig cfg;
  cfg.max_vms = 50;
  cfg.total_ribosomes = 1000;
  ResourceAllocator a{cfg, bioxen::chassis_profile(ChassisType::ecoli)};
  std::mt19937_64 rng(7);
  std::vector<Reservation> held;
  for (int step = 0; step < 20000; ++step) {
    if (held.empty() || rng() % 2) {
      const Reservation r =
          a.resolve(alloc(static_cast<int>(rng() % 61), static_cast<double>(rng() % 1000) / 97.0,
                          1 + static_cast<int>(rng() % 5), static_cast<std::int64_t>(rng() % 1025),
                          static_cast<int>(rng() % 100)),
                    544);
      try {
        a.check_admit("r", r);
        a.admit(r);
        held.push_back(r);
      } catch (const bioxen::BioXenException&) {
      }
    } else {
      const std::size_t i = rng() % held.size();
      a.release(held[i]);
      held.erase(held.begin() + static_cast<std::ptrdiff_t>(i));
    }
    std::int64_t rib = 0, atp = 0, mem = 0;
    for (const auto& r : held) {
      rib += r.ribosomes;
      atp += r.atp_micro;
      mem += r.memory_kb;
    }
    ASSERT_EQ(a.allocated_ribosomes(), rib);
    ASSERT_EQ(a.allocated_ribosomes() + a.free_ribosomes(), a.available_ribosomes());
    ASSERT_EQ(a.allocated_atp_micro(), atp);
    ASSERT_LE(a.allocated_atp_micro(), a.max_atp_micro());
    ASSERT_EQ(a.allocated_memory_kb(), mem);
    ASSERT_EQ(a.vm_count(), static_cast<std::int64_t>(held.size()));
  }
}

// --- The checks and their order
// -------------------------------------------------------------------

TEST(AdmissionOrder, VmCountComesFirst) {
  ProductionConfig cfg;
  cfg.max_vms = 1;
  BioXenHypervisor hv{cfg, ChassisType::ecoli};
  hv.create_vm("a", "syn3a_recoded");
  // Also above the per-VM cap, the ATP limit and with a bad priority: the count is reported.
  EXPECT_TRUE(throws_bx([&] { hv.create_vm("b", "syn3a_recoded", alloc(61, 95, 9)); },
                        BioXenErrorCode::hypervisor_overload,
                        "cannot create VM 'b': the VM limit max_vms = 1 is reached"));
  const auto d = error_details([&] { hv.create_vm("b", "syn3a_recoded"); });
  EXPECT_EQ(d.at("max_vms"), 1);
  EXPECT_EQ(d.at("vm_count"), 1);
}

TEST(AdmissionOrder, PerVmRibosomeCapBeforeFreeRibosomes) {
  BioXenHypervisor hv;
  hv.create_vm("a", "syn3a_recoded", alloc(58, 10));  // 10 free, all of them the reserve
  EXPECT_TRUE(throws_bx([&] { hv.create_vm("b", "syn3a_recoded", alloc(61, 10)); },
                        BioXenErrorCode::resource_allocation_error,
                        "VM 'b' requests 61 ribosomes, above the per-VM limit "
                        "max_ribosome_allocation = 60"));
  const auto d = error_details([&] { hv.create_vm("b", "syn3a_recoded", alloc(61, 10)); });
  EXPECT_EQ(d.at("resource"), "ribosomes");
  EXPECT_EQ(d.at("requested"), 61);
  EXPECT_EQ(d.at("available"), 60);
  EXPECT_EQ(d.at("shortfall"), 1);
  EXPECT_EQ(d.at("limit"), "max_ribosome_allocation");
  EXPECT_EQ(d.at("vm_id"), "b");
}

TEST(AdmissionOrder, FreeRibosomesBeforeAtp) {
  BioXenHypervisor hv;
  hv.create_vm("a", "syn3a_recoded", alloc(50, 80));
  // 18 free, 8 usable below priority 5; ATP 10 % left.
  EXPECT_TRUE(throws_bx([&] { hv.create_vm("b", "syn3a_recoded", alloc(9, 20)); },
                        BioXenErrorCode::resource_allocation_error,
                        "insufficient ribosomes for VM 'b': requested 9, available 8, shortfall 1 "
                        "(the last 10 free ribosomes are the emergency reserve for priority-5 "
                        "VMs)"));
  const auto d = error_details([&] { hv.create_vm("b", "syn3a_recoded", alloc(9, 20)); });
  EXPECT_EQ(d.at("resource"), "ribosomes");
  EXPECT_EQ(d.at("requested"), 9);
  EXPECT_EQ(d.at("available"), 8);
  EXPECT_EQ(d.at("shortfall"), 1);
  EXPECT_EQ(d.at("free"), 18);
  EXPECT_EQ(d.at("emergency_reserve"), 10);
  EXPECT_TRUE(throws_bx([&] { hv.create_vm("b", "syn3a_recoded", alloc(8, 20)); },
                        BioXenErrorCode::resource_allocation_error,
                        "insufficient ATP for VM 'b': requested 20%, available 10%, shortfall "
                        "10%"));
  const auto a = error_details([&] { hv.create_vm("b", "syn3a_recoded", alloc(8, 20)); });
  EXPECT_EQ(a.at("resource"), "atp_percentage");
  EXPECT_EQ(a.at("requested"), 20.0);
  EXPECT_EQ(a.at("available"), 10.0);
  EXPECT_EQ(a.at("shortfall"), 10.0);
  EXPECT_EQ(a.at("limit"), "max_atp_percentage");
}

TEST(AdmissionOrder, AtpBeforePerVmMemoryBeforeGenomeSpaceBeforePriorityBeforeRnap) {
  BioXenHypervisor hv{ProductionConfig{}, small_space(1500)};
  hv.create_vm("a", "syn3a_recoded", alloc(10, 80));
  hv.create_vm("b", "syn3a_recoded", alloc(10, 5));  // 1,088 of 1,500 kb used
  // ATP and per-VM memory both fail: ATP is reported.
  EXPECT_TRUE(throws_bx([&] { hv.create_vm("c", "syn3a_recoded", alloc(1, 6, 1, 2000)); },
                        BioXenErrorCode::resource_allocation_error,
                        "insufficient ATP for VM 'c': requested 6%, available 5%, shortfall 1%"));
  // Per-VM memory and genome space both fail: per-VM memory is reported.
  EXPECT_TRUE(throws_bx([&] { hv.create_vm("c", "syn3a_recoded", alloc(1, 1, 1, 2000)); },
                        BioXenErrorCode::resource_allocation_error,
                        "VM 'c' requests 2000 kb of memory, above the per-VM limit "
                        "max_memory_kb = 1024"));
  auto d = error_details([&] { hv.create_vm("c", "syn3a_recoded", alloc(1, 1, 1, 2000)); });
  EXPECT_EQ(d.at("resource"), "memory_kb");
  EXPECT_EQ(d.at("available"), 1024);
  EXPECT_EQ(d.at("shortfall"), 976);
  EXPECT_EQ(d.at("limit"), "max_memory_kb");
  // Genome space and priority both fail: genome space is reported.
  EXPECT_TRUE(throws_bx([&] { hv.create_vm("c", "syn3a_recoded", alloc(1, 1, 9)); },
                        BioXenErrorCode::resource_allocation_error,
                        "insufficient genome space for VM 'c': requested 544 kb, available 412 "
                        "kb, shortfall 132 kb"));
  d = error_details([&] { hv.create_vm("c", "syn3a_recoded", alloc(1, 1, 9)); });
  EXPECT_EQ(d.at("resource"), "memory_kb");
  EXPECT_EQ(d.at("requested"), 544);
  EXPECT_EQ(d.at("available"), 412);
  EXPECT_EQ(d.at("shortfall"), 132);
  EXPECT_EQ(d.at("limit"), "genome_space_kb");
  // Priority and RNA polymerase both fail: priority is reported.
  EXPECT_TRUE(throws_bx([&] { hv.create_vm("c", "syn3a_recoded", alloc(1, 1, 0, 100, 9999)); },
                        BioXenErrorCode::resource_allocation_error,
                        "invalid allocation for VM 'c': priority = 0 must be in [1, 5]"));
  // RNA polymerase is conserved: the others hold 20 of the chassis' 5,000.
  EXPECT_TRUE(throws_bx([&] { hv.create_vm("c", "syn3a_recoded", alloc(1, 1, 1, 100, 5001)); },
                        BioXenErrorCode::resource_allocation_error,
                        "insufficient RNA polymerase for VM 'c': requested 5001, available 4980, "
                        "shortfall 21"));
  d = error_details([&] { hv.create_vm("c", "syn3a_recoded", alloc(1, 1, 1, 100, 4981)); });
  EXPECT_EQ(d.at("resource"), "rna_polymerase");
  EXPECT_EQ(d.at("requested"), 4981);
  EXPECT_EQ(d.at("available"), 4980);
  EXPECT_EQ(d.at("shortfall"), 1);
  EXPECT_TRUE(throws_bx([&] { hv.create_vm("c", "syn3a_recoded", alloc(1, 1, 1, 100, -2)); },
                        BioXenErrorCode::resource_allocation_error,
                        "invalid allocation for VM 'c': rna_polymerase = -2 must be in [0, "
                        "5000] (the chassis' RNA polymerases)"));
  EXPECT_EQ(hv.vm_count(), 2u);
  EXPECT_TRUE(resources_consistent(hv));
}

TEST(AdmissionDomain, OutOfRangeValuesAreRefusedNamingTheField) {
  BioXenHypervisor hv;
  const auto expect = [&](const ResourceAllocation& r, const std::string& message) {
    EXPECT_TRUE(throws_bx([&] { hv.create_vm("v", "syn3a_recoded", r); },
                          BioXenErrorCode::resource_allocation_error,
                          "invalid allocation for VM 'v': " + message));
  };
  expect(alloc(-5, 1), "ribosomes = -5 must be in [0, 60]");
  expect(alloc(1, 150), "atp_percentage = 150.0 must be in [0, 100]");
  expect(alloc(1, -0.5), "atp_percentage = -0.5 must be in [0, 100]");
  expect(alloc(1, std::nan("")), "atp_percentage = \"nan\" must be in [0, 100]");
  expect(alloc(1, 1e300), "atp_percentage = 1e+300 must be in [0, 100]");
  expect(alloc(1, 1, 1, -7), "memory_kb = -7 must be in [1, 1024]");
  // 0 kb would hold no gene: the VM would "boot" with an empty proteome.
  expect(alloc(1, 1, 1, 0), "memory_kb = 0 must be in [1, 1024]");
  expect(alloc(1, 1, 6), "priority = 6 must be in [1, 5]");
  expect(alloc(1, 1, 1, 100, -3),
         "rna_polymerase = -3 must be in [0, 5000] (the chassis' RNA "
         "polymerases)");
  const auto d = error_details([&] { hv.create_vm("v", "syn3a_recoded", alloc(1, 1, 6)); });
  EXPECT_EQ(d.at("resource"), "priority");
  EXPECT_EQ(d.at("requested"), 6);
  EXPECT_EQ(d.at("range"), "[1, 5]");
  EXPECT_EQ(hv.vm_count(), 0u);
  // The edges are fine.
  EXPECT_NO_THROW(hv.create_vm("zero", "syn3a_recoded", alloc(0, 0, 1, 1, 0)));
  EXPECT_NO_THROW(hv.create_vm("top", "syn3a_recoded", alloc(60, 90, 5, 1024, 5000)));
}

// --- The emergency reserve
// -------------------------------------------------------------------------

TEST(EmergencyReserve, OnlyPriorityFiveVmsMayTakeTheLastReservedUnits) {
  ProductionConfig cfg;
  cfg.max_vms = 8;
  BioXenHypervisor hv{cfg, ChassisType::ecoli};
  hv.create_vm("big", "syn3a_recoded", alloc(56, 10));  // 12 free, 2 usable below priority 5
  EXPECT_NO_THROW(hv.create_vm("p1", "syn3a_recoded", alloc(2, 1, 1)));
  EXPECT_TRUE(throws_bx([&] { hv.create_vm("p4", "syn3a_recoded", alloc(1, 1, 4)); },
                        BioXenErrorCode::resource_allocation_error,
                        "insufficient ribosomes for VM 'p4': requested 1, available 0, shortfall "
                        "1 (the last 10 free ribosomes are the emergency reserve for priority-5 "
                        "VMs)"));
  EXPECT_NO_THROW(hv.create_vm("p5", "syn3a_recoded", alloc(10, 1, 5)));
  EXPECT_EQ(hv.get_system_resources().free_ribosomes, 0);
  EXPECT_TRUE(throws_bx([&] { hv.create_vm("p5b", "syn3a_recoded", alloc(1, 1, 5)); },
                        BioXenErrorCode::resource_allocation_error,
                        "insufficient ribosomes for VM 'p5b': requested 1, available 0, "
                        "shortfall 1"));
  // Zero ribosomes always fit.
  EXPECT_NO_THROW(hv.create_vm("none", "syn3a_recoded", alloc(0, 1, 1)));
  EXPECT_TRUE(resources_consistent(hv));
}

TEST(EmergencyReserve, AReserveSmallerThanTenIsNamedAsSuch) {
  ProductionConfig cfg;
  cfg.emergency_ribosome_reserve = 10;
  BioXenHypervisor hv{cfg, ChassisType::ecoli};
  hv.create_vm("a", "syn3a_recoded", alloc(60, 10, 5));
  hv.create_vm("b", "syn3a_recoded", alloc(3, 10, 5));  // 5 free, all of them reserve
  EXPECT_TRUE(throws_bx([&] { hv.create_vm("c", "syn3a_recoded", alloc(1, 1)); },
                        BioXenErrorCode::resource_allocation_error,
                        "insufficient ribosomes for VM 'c': requested 1, available 0, shortfall "
                        "1 (the last 5 free ribosomes are the emergency reserve for priority-5 "
                        "VMs)"));
}

// --- Default shares
// -----------------------------------------------------------------------------------

TEST(DefaultShares, MaxVmsDefaultVmsAlwaysFitForManyConfigurations) {
  std::mt19937_64 rng(2024);
  for (int i = 0; i < 300; ++i) {
    ProductionConfig cfg;
    cfg.max_vms = 1 + static_cast<int>(rng() % 40);
    cfg.total_ribosomes = 1 + static_cast<int>(rng() % 500);
    cfg.hypervisor_overhead = static_cast<double>(rng() % 100) / 100.0;
    cfg.max_ribosome_allocation = 1 + static_cast<int>(rng() % 100);
    cfg.emergency_ribosome_reserve = static_cast<int>(rng() % (cfg.available_ribosomes() + 1));
    cfg.max_atp_percentage = 1 + static_cast<double>(rng() % 9900) / 100.0;
    ASSERT_NO_THROW(cfg.validate());
    // Genome space is physical (4,642 kb on E. coli): room for every default guest here.
    BioXenHypervisor hv{cfg, small_space(100000)};
    for (int k = 0; k < cfg.max_vms; ++k) {
      ASSERT_NO_THROW(hv.create_vm(fmt::format("vm{}", k), k % 3 ? "syn3a_recoded" : "ecoli"))
          << nlohmann::json(cfg).dump() << " vm " << k;
    }
    ASSERT_TRUE(throws_bx_code(hv));
    ASSERT_TRUE(resources_consistent(hv));
    const auto sr = hv.get_system_resources();
    EXPECT_LE(sr.total_atp_allocated, cfg.max_atp_percentage + 1e-9);
    EXPECT_GE(sr.free_ribosomes, cfg.emergency_ribosome_reserve);
  }
}

TEST(DefaultShares, AtpSharesAreExactToAMillionthOfAPercent) {
  ProductionConfig cfg;
  cfg.max_vms = 7;
  BioXenHypervisor hv{cfg, ChassisType::ecoli};
  for (int k = 0; k < 7; ++k) hv.create_vm(fmt::format("vm{}", k), "syn3a_recoded");
  const auto sr = hv.get_system_resources();
  EXPECT_EQ(hv.get_vm_status("vm0").atp_percentage, 12.857142);  // 90 / 7, rounded down
  EXPECT_EQ(sr.total_atp_allocated, 89.999994);
  EXPECT_EQ(sr.free_atp_percentage, 0.000006);
  for (int k = 0; k < 7; ++k) hv.destroy_vm(fmt::format("vm{}", k));
  EXPECT_EQ(hv.get_system_resources().total_atp_allocated, 0.0);
  EXPECT_EQ(hv.get_system_resources().free_atp_percentage, 90.0);
}

TEST(DefaultShares, ATenthOfAPercentAddsUpExactly) {
  ProductionConfig cfg;
  cfg.max_vms = 1000;
  cfg.total_ribosomes = 100000;
  cfg.max_ribosome_allocation = 10;
  BioXenHypervisor hv{cfg, small_space(10000000)};
  for (int k = 0; k < 900; ++k) {
    hv.create_vm(fmt::format("vm{}", k), "syn3a_recoded", alloc(1, 0.1));
  }
  EXPECT_EQ(hv.get_system_resources().total_atp_allocated, 90.0);
  EXPECT_TRUE(throws_bx([&] { hv.create_vm("x", "syn3a_recoded", alloc(1, 0.000001)); },
                        BioXenErrorCode::resource_allocation_error,
                        "insufficient ATP for VM 'x': requested 1e-06%, available 0%, shortfall "
                        "1e-06%"));
}

}  // namespace
