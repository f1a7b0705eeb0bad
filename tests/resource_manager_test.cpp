// Tests of BioResourceManager over a hypervisor and over a VM.
#include "bioxen/resource_manager.hpp"
#include <bioxen/error_details.hpp>

#include "api_test_support.hpp"
#include "bioxen/config_manager.hpp"

namespace {

using bioxen::BioResourceManager;
using bioxen::BioXenErrorCode;
using bioxen::BioXenHypervisor;
using bioxen_test::expect_bioxen_error;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using json = nlohmann::json;

/// The config of a factory VM of `type` ("syn3a" or "minimal_cell", genetic code table 4) that
/// runs its genome recoded for the E. coli hypervisor's code (table 11).
json recoded(const std::string& type, json config = json::object()) {
  config["genome"] = type + "_recoded";
  return config;
}

// ----- over a hypervisor ---------------------------------------------------------------

TEST(ResourceManagerHypervisor, SummaryOfAnEmptyHypervisor) {
  BioXenHypervisor hv;
  BioResourceManager rm{hv};
  const json s = rm.get_resource_summary();
  EXPECT_EQ(s.at("total_ribosomes"), 80);
  EXPECT_EQ(s.at("available_ribosomes"), 68);
  EXPECT_EQ(s.at("allocated_ribosomes"), 0);
  EXPECT_EQ(s.at("free_ribosomes"), 68);
  EXPECT_EQ(s.at("total_atp_allocated"), 0.0);
  EXPECT_EQ(s.at("hypervisor_overhead"), 0.15);
  EXPECT_EQ(s.at("active_vms"), 0);
  EXPECT_EQ(s.at("utilization").at("ribosomes"), 0.0);
  EXPECT_EQ(s.at("warnings"), json::array());
  EXPECT_EQ(s.at("vms"), json::object());
  EXPECT_EQ(s.at("resource_warning_threshold"), 0.85);
}

TEST(ResourceManagerHypervisor, SummaryAndAllocationsWithVms) {
  BioXenHypervisor hv;
  auto a = bioxen::create_bio_vm(hv, "a", "syn3a", "basic", recoded("syn3a", {{"ribosomes", 20}}));
  auto b = bioxen::create_bio_vm(hv, "b", "ecoli");
  a.start();
  BioResourceManager rm{hv};
  const auto alloc = rm.get_resource_allocation();
  ASSERT_EQ(alloc.size(), 2u);
  EXPECT_EQ(alloc.at("a").ribosomes, 20);
  EXPECT_EQ(alloc.at("b").ribosomes, 14);
  EXPECT_EQ(alloc.at("b").memory_kb, 1024);
  const json s = rm.get_resource_summary();
  EXPECT_EQ(s.at("allocated_ribosomes"), 34);
  EXPECT_EQ(s.at("active_vms"), 1);
  EXPECT_EQ(s.at("total_vms"), 2);
  EXPECT_DOUBLE_EQ(s.at("utilization").at("ribosomes").get<double>(), 34.0 / 68.0);
  EXPECT_DOUBLE_EQ(s.at("utilization").at("vms").get<double>(), 0.5);
  EXPECT_EQ(s.at("vms").at("a").at("ribosomes"), 20);
}

TEST(ResourceManagerHypervisor, WarningsAboveTheThreshold) {
  BioXenHypervisor hv;
  for (int i = 0; i < 4; ++i)
    bioxen::create_bio_vm(hv, fmt::format("v{}", i), "syn3a", "basic", recoded("syn3a"));
  const json s = BioResourceManager{hv}.get_resource_summary();
  EXPECT_THAT(s.at("warnings").get<std::vector<std::string>>(), ElementsAre("atp", "vms"));
}

TEST(ResourceManagerHypervisor, DefaultConstructorUsesTheDefaultHypervisor) {
  auto hv = std::make_shared<BioXenHypervisor>();
  bioxen::set_default_hypervisor(hv);
  bioxen::create_bio_vm("on_default", "minimal_cell", "basic", recoded("minimal_cell"));
  BioResourceManager rm;
  EXPECT_EQ(&rm.hypervisor(), hv.get());
  EXPECT_EQ(rm.get_resource_summary().at("total_vms"), 1);
  EXPECT_TRUE(rm.get_resource_allocation().contains("on_default"));
  bioxen::set_default_hypervisor(nullptr);
}

TEST(ResourceManagerHypervisor, SharedAndNullHypervisors) {
  auto hv = std::make_shared<BioXenHypervisor>();
  BioResourceManager rm{hv};
  EXPECT_EQ(&rm.hypervisor(), hv.get());
  const auto e = expect_bioxen_error(BioXenErrorCode::invalid_argument, [] {
    BioResourceManager bad{std::shared_ptr<BioXenHypervisor>()};
  });
  EXPECT_STREQ(e.what(), "[BX011] BioResourceManager: null hypervisor");
}

TEST(ResourceManagerHypervisor, VmOperationsNeedABoundVm) {
  BioXenHypervisor hv;
  BioResourceManager rm{hv};
  const auto e =
      expect_bioxen_error(BioXenErrorCode::invalid_argument, [&] { rm.allocate_atp(10); });
  EXPECT_STREQ(e.what(),
               "[BX011] allocate_atp needs a VM: construct BioResourceManager from a BiologicalVM "
               "or call bind_vm()");
  expect_bioxen_error(BioXenErrorCode::invalid_argument, [&] { rm.allocate_ribosomes(1); });
  expect_bioxen_error(BioXenErrorCode::invalid_argument, [&] { rm.get_resource_usage(); });
  expect_bioxen_error(BioXenErrorCode::invalid_argument, [&] { rm.get_available_resources(); });
  expect_bioxen_error(BioXenErrorCode::invalid_argument,
                      [&] { rm.optimize_resources_for_biological_type(); });
  auto vm = bioxen::create_bio_vm(hv, "bound_later", "syn3a", "basic", recoded("syn3a"));
  rm.bind_vm(vm);
  ASSERT_TRUE(rm.vm().has_value());
  rm.allocate_atp(10);
  EXPECT_DOUBLE_EQ(vm.get_resource_allocation().atp_percentage, 10.0);
}

// ----- over a VM -----------------------------------------------------------------------

TEST(ResourceManagerVm, AllocateAtpAndRibosomes) {
  BioXenHypervisor hv;
  auto vm = bioxen::create_bio_vm(hv, "resource_test", "syn3a", "basic", recoded("syn3a"));
  BioResourceManager rm{vm};
  rm.allocate_atp(70.0);
  rm.allocate_ribosomes(15);
  const auto a = vm.get_resource_allocation();
  EXPECT_DOUBLE_EQ(a.atp_percentage, 70.0);
  EXPECT_EQ(a.ribosomes, 15);
  EXPECT_EQ(a.memory_kb, 544);  // unchanged
}

TEST(ResourceManagerVm, RefusedChangesThrowAndChangeNothing) {
  BioXenHypervisor hv;
  auto vm = bioxen::create_bio_vm(hv, "r", "syn3a", "basic", recoded("syn3a"));
  BioResourceManager rm{vm};
  const auto before = vm.get_resource_allocation();
  auto e = expect_bioxen_error(BioXenErrorCode::resource_allocation_error,
                               [&] { rm.allocate_ribosomes(61); });  // > max_ribosome_allocation
  EXPECT_THAT(e.message(), HasSubstr("'r'"));
  expect_bioxen_error(BioXenErrorCode::resource_allocation_error,
                      [&] { rm.allocate_atp(95.0); });  // > max_atp_percentage
  EXPECT_EQ(vm.get_resource_allocation(), before);
  std::error_code ec;
  EXPECT_FALSE(rm.allocate_atp(95.0, ec));
  EXPECT_EQ(ec, BioXenErrorCode::resource_allocation_error);
  EXPECT_TRUE(rm.allocate_atp(30.0, ec));
  EXPECT_FALSE(ec);
  EXPECT_FALSE(rm.allocate_ribosomes(-1, ec));
  EXPECT_EQ(ec, BioXenErrorCode::invalid_argument);
  e = expect_bioxen_error(BioXenErrorCode::invalid_argument, [&] { rm.allocate_ribosomes(-1); });
  EXPECT_STREQ(e.what(), "[BX011] ribosome count -1 must not be negative");
  e = expect_bioxen_error(BioXenErrorCode::invalid_argument, [&] { rm.allocate_atp(-1.0); });
  EXPECT_STREQ(e.what(), "[BX011] ATP percentage -1 is out of range [0, 100]");
  expect_bioxen_error(BioXenErrorCode::invalid_argument, [&] { rm.allocate_atp(0.0 / 0.0); });
  EXPECT_DOUBLE_EQ(vm.get_resource_allocation().atp_percentage, 30.0);
  EXPECT_TRUE(rm.allocate_ribosomes(5, ec));
  EXPECT_EQ(vm.get_resource_allocation().ribosomes, 5);
}

TEST(ResourceManagerVm, ResourceLimitsOfTheVmsConfigAreEnforced) {
  BioXenHypervisor hv;
  auto vm = bioxen::create_bio_vm(hv, "limited", "syn3a", "basic",
                                  recoded("syn3a", bioxen::ConfigManager::load_defaults("syn3a")));
  BioResourceManager rm{vm};
  rm.allocate_atp(70.0);  // at the limit
  auto e = expect_bioxen_error(BioXenErrorCode::resource_allocation_error,
                               [&] { rm.allocate_atp(70.5); });
  EXPECT_STREQ(e.what(),
               "[BX002] VM 'limited': ATP percentage 70.5 exceeds its resource_limits.max_atp "
               "of 70");
  e = expect_bioxen_error(BioXenErrorCode::resource_allocation_error,
                          [&] { rm.allocate_ribosomes(16); });
  EXPECT_STREQ(e.what(),
               "[BX002] VM 'limited': ribosomes 16 exceeds its resource_limits.max_ribosomes of "
               "15");
  EXPECT_EQ(e.details().at("limit"), 15.0);
  const json avail = rm.get_available_resources();
  EXPECT_EQ(avail.at("ribosomes"), 15);
  EXPECT_EQ(avail.at("atp_percentage"), 70.0);
}

TEST(ResourceManagerVm, UsageReportsTheWorkDone) {
  BioXenHypervisor hv;
  auto vm = bioxen::create_bio_vm(hv, "worker", "minimal_cell", "basic", recoded("minimal_cell"));
  BioResourceManager rm{vm};
  vm.start();
  hv.run_quanta(20);
  const json u = rm.get_resource_usage();
  EXPECT_EQ(u.at("vm_id"), "worker");
  EXPECT_EQ(u.at("state"), "running");
  EXPECT_EQ(u.at("ribosomes"), 14);
  EXPECT_GT(u.at("amino_acids").get<std::uint64_t>(), 0u);
  EXPECT_GT(u.at("ribosome_seconds").get<double>(), 0.0);
  EXPECT_GT(u.at("atp_consumed").get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(u.at("running_seconds").get<double>(), 2.0);
}

TEST(ResourceManagerVm, AvailableResourcesCountTheVmsOwnShare) {
  BioXenHypervisor hv;
  auto vm = bioxen::create_bio_vm(hv, "avail", "syn3a", "basic", recoded("syn3a"));
  BioResourceManager rm{vm};
  json a = rm.get_available_resources();
  EXPECT_EQ(a.at("ribosomes"), 58);  // 14 own + (54 free - 10 reserve)
  EXPECT_EQ(a.at("atp_percentage"), 90.0);
  EXPECT_EQ(a.at("memory_kb"), 1024);  // created: up to max_memory_kb
  rm.allocate_ribosomes(58);           // the figure is admissible
  vm.start();
  a = rm.get_available_resources();
  EXPECT_EQ(a.at("memory_kb"), 544);  // fixed once it has run
  auto critical = bioxen::create_bio_vm(hv, "critical", "syn3a", "basic",
                                        recoded("syn3a", {{"priority", 5}, {"ribosomes", 0}}));
  EXPECT_EQ(BioResourceManager{critical}.get_available_resources().at("ribosomes"), 10);
}

TEST(ResourceManagerVm, OptimizeUsesTheSeedsPerTypeFigures) {
  const std::vector<std::tuple<std::string, double, int>> cases = {
      {"syn3a", 60.0, 10}, {"ecoli", 80.0, 25}, {"minimal_cell", 50.0, 8}};
  for (const auto& [type, atp, ribosomes] : cases) {
    BioXenHypervisor hv;
    // The figures follow the biological type; the genome is recoded for E. coli (table 11).
    auto vm = bioxen::create_bio_vm(hv, "opt", type, "basic",
                                    type == "ecoli" ? json::object() : recoded(type));
    BioResourceManager rm{vm};
    rm.optimize_resources_for_biological_type();
    const auto a = vm.get_resource_allocation();
    EXPECT_DOUBLE_EQ(a.atp_percentage, atp) << type;
    EXPECT_EQ(a.ribosomes, ribosomes) << type;
  }
}

TEST(ResourceManagerVm, OptimizeIsAllOrNothing) {
  BioXenHypervisor hv;
  auto other = bioxen::create_bio_vm(hv, "other", "syn3a", "basic",
                                     recoded("syn3a", {{"atp_percentage", 20.0}}));
  auto vm = bioxen::create_bio_vm(hv, "opt", "ecoli");
  BioResourceManager rm{vm};
  const auto before = vm.get_resource_allocation();
  // 80 % for this VM + 20 % for the other > 90 %: refused, and the ribosomes stay too.
  expect_bioxen_error(BioXenErrorCode::resource_allocation_error,
                      [&] { rm.optimize_resources_for_biological_type(); });
  EXPECT_EQ(vm.get_resource_allocation(), before);
  std::error_code ec;
  EXPECT_FALSE(rm.optimize_resources_for_biological_type(ec));
  EXPECT_EQ(ec, BioXenErrorCode::resource_allocation_error);
  other.destroy();
  EXPECT_TRUE(rm.optimize_resources_for_biological_type(ec));
}

TEST(ResourceManagerVm, DestroyedVmIsNotFound) {
  BioXenHypervisor hv;
  auto vm = bioxen::create_bio_vm(hv, "gone", "syn3a", "basic", recoded("syn3a"));
  BioResourceManager rm{vm};
  vm.destroy();
  expect_bioxen_error(BioXenErrorCode::vm_not_found, [&] { rm.get_resource_usage(); });
  expect_bioxen_error(BioXenErrorCode::vm_not_found, [&] { rm.allocate_atp(1.0); });
}

}  // namespace
