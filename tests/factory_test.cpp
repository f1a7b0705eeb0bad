// Tests of the factory API: create_bio_vm (default and explicit hypervisor), the
// BiologicalVM handle, the supported types, xcpng, and the default hypervisor.
#include "bioxen/factory.hpp"
#include <bioxen/error_details.hpp>

#include <fmt/format.h>

#include <chrono>

#include "api_test_support.hpp"
#include "bioxen/hypervisor.hpp"

namespace {

using bioxen::BioXenErrorCode;
using bioxen::BioXenHypervisor;
using bioxen::VMState;
using bioxen_test::expect_bioxen_error;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using json = nlohmann::json;

/// syn3A recoded for E. coli's code (table 11): what the factory's default E. coli hypervisor
/// runs of a "syn3a" VM whose genome's code is not under test.
const json recoded_syn3a = {{"genome", "syn3a_recoded"}};

json xcpng_config() {
  return {{"xcpng_config",
           {{"xapi_url", "https://xenserver:443"},
            {"username", "root"},
            {"password", "password"},
            {"ssh_user", "bioxen"}}}};
}

// ----- supported types -----------------------------------------------------------------

TEST(FactoryTypes, SupportedTypesAreTheOriginalLibrarys) {
  EXPECT_THAT(bioxen::get_supported_biological_types(),
              ElementsAre("syn3a", "ecoli", "minimal_cell"));
  EXPECT_THAT(bioxen::get_supported_vm_types(), ElementsAre("basic", "xcpng"));
  for (const char* t : {"syn3a", "ecoli", "minimal_cell"}) {
    EXPECT_TRUE(bioxen::validate_biological_type(t));
  }
  EXPECT_FALSE(bioxen::validate_biological_type("plant"));
  EXPECT_FALSE(bioxen::validate_biological_type("SYN3A"));
  EXPECT_FALSE(bioxen::validate_biological_type(""));
  EXPECT_TRUE(bioxen::validate_vm_type("basic"));
  EXPECT_TRUE(bioxen::validate_vm_type("xcpng"));
  EXPECT_FALSE(bioxen::validate_vm_type("kvm"));
}

// ----- the original library's phase-1 tests, on an owned hypervisor --------------------

// syn3A on its own host: the syn3A chassis reads its genetic code (table 4).
TEST(CreateBioVm, BasicSyn3a) {
  BioXenHypervisor hv(bioxen::ProductionConfig{}, bioxen::ChassisType::syn3a);
  auto vm = bioxen::create_bio_vm(hv, "test_syn3a", "syn3a", "basic");
  EXPECT_EQ(vm.vm_id(), "test_syn3a");
  EXPECT_EQ(vm.get_vm_type(), "basic");
  EXPECT_EQ(vm.get_biological_type(), "syn3a");
  EXPECT_EQ(vm.get_state(), VMState::created);
  EXPECT_TRUE(vm.exists());
  EXPECT_EQ(&vm.hypervisor(), &hv);
  EXPECT_TRUE(hv.has_vm("test_syn3a"));
  EXPECT_EQ(vm.get_status().genome, "syn3a");
  EXPECT_EQ(vm.get_status().host_translation_table, 4u);
}

TEST(CreateBioVm, BasicEcoliAndMinimalCell) {
  BioXenHypervisor hv;
  auto e = bioxen::create_bio_vm(hv, "test_ecoli", "ecoli");
  EXPECT_EQ(e.get_vm_type(), "basic");  // the default vm type
  EXPECT_EQ(e.get_biological_type(), "ecoli");
  EXPECT_EQ(e.get_status().genome, "ecoli");
  // M. genitalium is table 4 too: E. coli runs it recoded.
  auto m = bioxen::create_bio_vm(hv, "test_minimal", "minimal_cell", "basic",
                                 {{"genome", "minimal_cell_recoded"}});
  EXPECT_EQ(m.get_biological_type(), "minimal_cell");
  EXPECT_EQ(m.get_status().genome, "minimal_cell_recoded");
  EXPECT_EQ(hv.vm_count(), 2u);
}

TEST(CreateBioVm, UnsupportedBiologicalType) {
  BioXenHypervisor hv;
  const auto e = expect_bioxen_error(BioXenErrorCode::vm_creation_failed, [&] {
    bioxen::create_bio_vm(hv, "test", "unsupported_bio_type", "basic");
  });
  EXPECT_STREQ(e.what(),
               "[BX001] unsupported biological type 'unsupported_bio_type' (supported: syn3a, "
               "ecoli, minimal_cell)");
  EXPECT_EQ(e.details().at("supported"), json({"syn3a", "ecoli", "minimal_cell"}));
  EXPECT_EQ(hv.vm_count(), 0u);
}

TEST(CreateBioVm, UnsupportedVmType) {
  BioXenHypervisor hv;
  const auto e = expect_bioxen_error(BioXenErrorCode::vm_creation_failed, [&] {
    bioxen::create_bio_vm(hv, "test", "syn3a", "unsupported_vm_type");
  });
  EXPECT_STREQ(e.what(),
               "[BX001] unsupported vm type 'unsupported_vm_type' (supported: basic, xcpng)");
  EXPECT_EQ(hv.vm_count(), 0u);
}

TEST(CreateBioVm, XcpngRequiresConfig) {
  BioXenHypervisor hv;
  for (const json& config : {json::object(), json(nullptr), json{{"priority", 2}}}) {
    const auto e = expect_bioxen_error(BioXenErrorCode::invalid_configuration, [&] {
      bioxen::create_bio_vm(hv, "test", "syn3a", "xcpng", config);
    });
    EXPECT_STREQ(e.what(),
                 "[BX005] vm type 'xcpng' requires a config with xcpng_config.{xapi_url, "
                 "username, password, ssh_user}; missing: xapi_url, username, password, ssh_user");
  }
  EXPECT_EQ(hv.vm_count(), 0u);
}

TEST(CreateBioVm, XcpngWithConfigIsCreatedButCannotStart) {
  BioXenHypervisor hv;
  auto vm = bioxen::create_bio_vm(hv, "xcp_vm", "ecoli", "xcpng", xcpng_config());
  EXPECT_EQ(vm.get_vm_type(), "xcpng");
  EXPECT_EQ(vm.get_biological_type(), "ecoli");
  ASSERT_TRUE(vm.xcpng_config().has_value());
  EXPECT_EQ(vm.xcpng_config()->xapi_url, "https://xenserver:443");
  EXPECT_EQ(vm.xcpng_config()->ssh_user, "bioxen");
  EXPECT_EQ(vm.config().at("xcpng_config").at("password"), "***");
  const auto e = expect_bioxen_error(BioXenErrorCode::unsupported_operation, [&] { vm.start(); });
  EXPECT_STREQ(e.what(),
               "[BX008] cannot start VM 'xcp_vm': remote XCP-ng execution is not available in "
               "this release");
  EXPECT_EQ(e.details().at("vm_type"), "xcpng");
  EXPECT_EQ(vm.get_state(), VMState::created);
  vm.destroy();
  EXPECT_FALSE(vm.exists());
}

TEST(CreateBioVm, BasicVmHasNoXcpngConfig) {
  BioXenHypervisor hv;
  auto vm = bioxen::create_bio_vm(hv, "b", "ecoli");
  EXPECT_FALSE(vm.xcpng_config().has_value());
  EXPECT_EQ(vm.config(), json::object());
}

// ----- the handle's life cycle ---------------------------------------------------------

TEST(BiologicalVm, LifeCycleFollowsTheHypervisor) {
  BioXenHypervisor hv;
  auto vm = bioxen::create_bio_vm(hv, "lc", "syn3a", "basic", recoded_syn3a);
  vm.start();
  EXPECT_EQ(vm.get_state(), VMState::running);
  EXPECT_EQ(vm.get_status().state, VMState::running);
  vm.pause();
  EXPECT_EQ(vm.get_state(), VMState::paused);
  vm.resume();
  EXPECT_EQ(vm.get_state(), VMState::running);
  vm.stop();
  EXPECT_EQ(vm.get_state(), VMState::stopped);
  vm.start();  // stopped -> running again
  EXPECT_EQ(vm.get_state(), VMState::running);
  vm.destroy();
  EXPECT_FALSE(vm.exists());
  EXPECT_EQ(hv.vm_count(), 0u);
}

TEST(BiologicalVm, IllegalTransitionsAndDestroyedVms) {
  BioXenHypervisor hv;
  auto vm = bioxen::create_bio_vm(hv, "ill", "syn3a", "basic", recoded_syn3a);
  auto e = expect_bioxen_error(BioXenErrorCode::invalid_state_transition, [&] { vm.pause(); });
  EXPECT_STREQ(e.what(), "[BX007] cannot pause VM 'ill' in state created");
  expect_bioxen_error(BioXenErrorCode::invalid_state_transition, [&] { vm.resume(); });
  expect_bioxen_error(BioXenErrorCode::invalid_state_transition, [&] { vm.stop(); });
  vm.destroy();
  e = expect_bioxen_error(BioXenErrorCode::vm_not_found, [&] { vm.start(); });
  EXPECT_STREQ(e.what(), "[BX006] VM 'ill' not found");
  expect_bioxen_error(BioXenErrorCode::vm_not_found, [&] { vm.get_status(); });
  expect_bioxen_error(BioXenErrorCode::vm_not_found, [&] { vm.get_resource_allocation(); });
  expect_bioxen_error(BioXenErrorCode::vm_not_found, [&] { vm.destroy(); });
}

TEST(BiologicalVm, CopiesReferToTheSameVm) {
  BioXenHypervisor hv;
  auto a = bioxen::create_bio_vm(hv, "same", "minimal_cell", "basic",
                                 {{"genome", "minimal_cell_recoded"}});
  auto b = a;
  a.start();
  EXPECT_EQ(b.get_state(), VMState::running);
}

TEST(BiologicalVm, DefaultAllocationIsAnEqualShare) {
  BioXenHypervisor hv;
  auto vm = bioxen::create_bio_vm(hv, "share", "syn3a", "basic", recoded_syn3a);
  const auto a = vm.get_resource_allocation();
  EXPECT_EQ(a.ribosomes, 14);  // (68 - 10) / 4
  EXPECT_DOUBLE_EQ(a.atp_percentage, 22.5);
  EXPECT_EQ(a.rna_polymerase, 10);
  EXPECT_EQ(a.memory_kb, 544);  // the recoded genome is as long as syn3A
  EXPECT_EQ(a.priority, 1);
}

TEST(BiologicalVm, ConfigRequestsResources) {
  BioXenHypervisor hv;
  auto vm = bioxen::create_bio_vm(
      hv, "req", "ecoli", "basic",
      {{"ribosomes", 20}, {"atp_percentage", 25.0}, {"priority", 3}, {"memory_kb", 800}});
  const auto a = vm.get_resource_allocation();
  EXPECT_EQ(a.ribosomes, 20);
  EXPECT_DOUBLE_EQ(a.atp_percentage, 25.0);
  EXPECT_EQ(a.priority, 3);
  EXPECT_EQ(a.memory_kb, 800);
  EXPECT_EQ(a.rna_polymerase, 10);  // not requested: the default
}

TEST(BiologicalVm, TheTypesDefaultsAreAValidConfig) {
  BioXenHypervisor hv;
  auto vm = bioxen::create_bio_vm(
      hv, "d", "syn3a", "basic",
      json{{"genome_optimization", true}, {"minimal_mode", true}, {"genome", "syn3a_recoded"}});
  EXPECT_EQ(vm.config().at("minimal_mode"), true);
}

TEST(BiologicalVm, ConfigCanPickAnotherBuiltInGenome) {
  BioXenHypervisor hv;
  auto vm = bioxen::create_bio_vm(hv, "g", "syn3a", "basic", {{"genome", "minimal_cell_recoded"}});
  EXPECT_EQ(vm.get_biological_type(), "syn3a");
  EXPECT_EQ(vm.get_status().genome, "minimal_cell_recoded");
  EXPECT_EQ(vm.get_status().translation_table, 11u);
}

TEST(BiologicalVm, BadConfigIsInvalidConfigurationAndCreatesNothing) {
  BioXenHypervisor hv;
  auto e = expect_bioxen_error(BioXenErrorCode::invalid_configuration, [&] {
    bioxen::create_bio_vm(hv, "bad", "syn3a", "basic", {{"priority", 9}});
  });
  EXPECT_STREQ(e.what(),
               "[BX005] invalid VM configuration for vm type 'basic': key 'priority': 9 is out of "
               "range [1, 5]");
  e = expect_bioxen_error(BioXenErrorCode::invalid_configuration, [&] {
    bioxen::create_bio_vm(hv, "bad", "syn3a", "basic", {{"ribosome", 9}});
  });
  EXPECT_STREQ(e.what(),
               "[BX005] invalid VM configuration for vm type 'basic': unknown key 'ribosome' (did "
               "you mean 'ribosomes'?)");
  EXPECT_EQ(hv.vm_count(), 0u);
}

TEST(BiologicalVm, HypervisorErrorsPassThrough) {
  BioXenHypervisor hv;
  bioxen::create_bio_vm(hv, "dup", "syn3a", "basic", recoded_syn3a);
  auto e = expect_bioxen_error(BioXenErrorCode::vm_already_exists,
                               [&] { bioxen::create_bio_vm(hv, "dup", "ecoli"); });
  EXPECT_STREQ(e.what(), "[BX010] VM 'dup' already exists");
  expect_bioxen_error(BioXenErrorCode::vm_creation_failed,
                      [&] { bioxen::create_bio_vm(hv, "", "ecoli"); });
  for (int i = 0; i < 3; ++i) {
    bioxen::create_bio_vm(hv, fmt::format("vm{}", i), "syn3a", "basic", recoded_syn3a);
  }
  e = expect_bioxen_error(BioXenErrorCode::hypervisor_overload, [&] {
    bioxen::create_bio_vm(hv, "fifth", "syn3a", "basic", recoded_syn3a);
  });
  EXPECT_EQ(hv.vm_count(), 4u);
  e = expect_bioxen_error(BioXenErrorCode::resource_allocation_error, [&] {
    BioXenHypervisor other;
    bioxen::create_bio_vm(other, "greedy", "syn3a", "basic",
                          {{"ribosomes", 61}, {"genome", "syn3a_recoded"}});
  });
}

TEST(BiologicalVm, JsonAndFmt) {
  BioXenHypervisor hv;
  auto vm = bioxen::create_bio_vm(hv, "prod_ecoli_01", "ecoli", "basic", {{"priority", 2}});
  EXPECT_EQ(fmt::format("{}", vm), "prod_ecoli_01 (ecoli, basic)");
  EXPECT_EQ(fmt::format("[{:>30}]", vm), "[  prod_ecoli_01 (ecoli, basic)]");
  const json j = vm;
  EXPECT_EQ(j, (json{{"vm_id", "prod_ecoli_01"},
                     {"biological_type", "ecoli"},
                     {"vm_type", "basic"},
                     {"config", {{"priority", 2}}}}));
  const json status = vm.get_status();
  EXPECT_EQ(status.at("state"), "created");
  EXPECT_EQ(status.at("vm_id"), "prod_ecoli_01");
}

TEST(BiologicalVm, NullHypervisorIsAnInvalidArgument) {
  const auto e = expect_bioxen_error(BioXenErrorCode::invalid_argument, [] {
    bioxen::create_bio_vm(std::shared_ptr<BioXenHypervisor>(), "x", "syn3a");
  });
  EXPECT_STREQ(e.what(), "[BX011] create_bio_vm: null hypervisor");
}

// ----- genetic codes -------------------------------------------------------------------

// allow_incompatible_code: syn3A (table 4) runs on E. coli (table 11) with its proteins as E. coli
// reads them. The default memory is syn3A's 544 kb, which holds its whole 543,379 bp genome, so
// all 455 CDS are resident and every one of the 343 with an in-frame UGA is truncated there.
TEST(GeneticCodes, AllowIncompatibleCodeRunsSyn3aWithTruncatedProteins) {
  BioXenHypervisor hv;
  auto vm =
      bioxen::create_bio_vm(hv, "misread", "syn3a", "basic", {{"allow_incompatible_code", true}});
  const bioxen::VmStatus st = vm.get_status();
  EXPECT_EQ(st.genome, "syn3a");
  EXPECT_TRUE(st.allow_incompatible_code);
  EXPECT_TRUE(vm.get_resource_allocation().allow_incompatible_code);
  EXPECT_EQ(vm.config().at("allow_incompatible_code"), true);
  EXPECT_EQ(st.translation_table, 4u);
  EXPECT_EQ(st.host_translation_table, 11u);
  EXPECT_EQ(st.memory_kb, 544);
  EXPECT_EQ(st.resident_proteins, 455u);
  EXPECT_EQ(st.truncated_proteins, 343u);
  EXPECT_EQ(st.extended_proteins, 0u);
  EXPECT_TRUE(st.boot_blocked);

  // The recoded genome with the same default share boots well within the run; the misread
  // one makes (truncated) protein but never completes boot.
  auto control = bioxen::create_bio_vm(hv, "control", "syn3a", "basic", recoded_syn3a);
  EXPECT_FALSE(control.get_status().boot_blocked);
  EXPECT_EQ(control.get_status().truncated_proteins, 0u);
  vm.start();
  control.start();
  hv.run_for(std::chrono::minutes(5));
  EXPECT_TRUE(control.get_status().boot_complete);
  const bioxen::VmStatus after = vm.get_status();
  EXPECT_GT(after.amino_acids, 0u);
  EXPECT_FALSE(after.boot_complete);
  EXPECT_EQ(after.boot_time_seconds, 0.0);
  EXPECT_TRUE(after.boot_blocked);
}

TEST(GeneticCodes, AllowIncompatibleCodeMustBeABoolean) {
  BioXenHypervisor hv;
  const auto e = expect_bioxen_error(BioXenErrorCode::invalid_configuration, [&] {
    bioxen::create_bio_vm(hv, "bad", "syn3a", "basic", {{"allow_incompatible_code", "yes"}});
  });
  EXPECT_THAT(e.message(), HasSubstr("allow_incompatible_code"));
  EXPECT_EQ(hv.vm_count(), 0u);
}

// ----- XcpngConfig ---------------------------------------------------------------------

TEST(XcpngConfigAdapters, JsonRoundTripWithoutThePassword) {
  const auto c = xcpng_config().at("xcpng_config").get<bioxen::XcpngConfig>();
  EXPECT_EQ(c.username, "root");
  EXPECT_EQ(c.password, "password");
  EXPECT_EQ(c.template_name, "bioxen-bio-template");  // the original library's default
  EXPECT_EQ(c.vm_memory, "2GB");
  EXPECT_EQ(c.vm_vcpus, 2);
  const json j = c;
  EXPECT_EQ(j.at("password"), "***");
  EXPECT_EQ(j.at("xapi_url"), "https://xenserver:443");
  EXPECT_EQ(fmt::format("{}", c), "root@https://xenserver:443 (ssh bioxen, password ***)");
  json full = xcpng_config().at("xcpng_config");
  full["vm_vcpus"] = 4;
  full["template_name"] = "t";
  const auto d = full.get<bioxen::XcpngConfig>();
  EXPECT_EQ(d.vm_vcpus, 4);
  EXPECT_EQ(d.template_name, "t");
  const auto e = expect_bioxen_error(BioXenErrorCode::invalid_configuration, [] {
    json{{"xapi_url", "https://h"}, {"username", "u"}}.get<bioxen::XcpngConfig>();
  });
  EXPECT_THAT(e.message(), HasSubstr("missing: password, ssh_user"));
}

// ----- the default hypervisor ----------------------------------------------------------

class DefaultHypervisorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env.set("HOME", home.path().string());
    bioxen::set_default_hypervisor(nullptr);
  }
  void TearDown() override { bioxen::set_default_hypervisor(nullptr); }
  bioxen_test::ScopedEnv env;
  bioxen_test::TempDir home;
};

TEST_F(DefaultHypervisorTest, CreateBioVmUsesTheDefaultHypervisor) {
  auto hv = std::make_shared<BioXenHypervisor>();
  bioxen::set_default_hypervisor(hv);
  EXPECT_EQ(bioxen::default_hypervisor(), hv);
  auto vm = bioxen::create_bio_vm("prod_ecoli_01", "ecoli");
  EXPECT_TRUE(hv->has_vm("prod_ecoli_01"));
  EXPECT_EQ(vm.hypervisor_ptr(), hv);
}

TEST_F(DefaultHypervisorTest, IsCreatedLazilyFromTheProductionConfig) {
  env.set("BIOXEN_MAX_VMS", "6");
  home.write(".bioxen/config.json", R"({"total_ribosomes": 100})");
  auto hv = bioxen::default_hypervisor();
  ASSERT_NE(hv, nullptr);
  EXPECT_EQ(hv->max_vms(), 6);
  EXPECT_EQ(hv->config().total_ribosomes, 100);
  EXPECT_EQ(hv->vm_count(), 0u);
  EXPECT_EQ(bioxen::default_hypervisor(), hv);  // one per process until replaced
}

TEST_F(DefaultHypervisorTest, HonoursBioxenConfig) {
  const auto file = home.write("custom.json", R"({"max_vms": 2})");
  env.set("BIOXEN_CONFIG", file.string());
  EXPECT_EQ(bioxen::default_hypervisor()->max_vms(), 2);
}

TEST_F(DefaultHypervisorTest, ABadConfigFileIsAnErrorNotSilentDefaults) {
  home.write(".bioxen/config.json", R"({"max_vms": "many"})");
  const auto e = expect_bioxen_error(BioXenErrorCode::invalid_configuration,
                                     [] { bioxen::create_bio_vm("x", "syn3a"); });
  EXPECT_THAT(e.message(), HasSubstr("configuration key 'max_vms'"));
}

// The default hypervisor is E. coli (table 11: UGA = stop). syn3A is written in table 4 (UGA =
// Trp): 343 of its 455 proteins would end at a UGA, so the factory refuses it and changes nothing.
TEST_F(DefaultHypervisorTest, RefusesSyn3aWhoseGeneticCodeEcoliDoesNotRead) {
  const auto hv = bioxen::default_hypervisor();
  EXPECT_EQ(hv->chassis().type, bioxen::ChassisType::ecoli);
  bioxen::create_bio_vm("resident", "ecoli");
  const auto resources = hv->get_system_resources();
  const auto vms = hv->list_vms();
  const auto e = expect_bioxen_error(BioXenErrorCode::incompatible_genetic_code,
                                     [] { bioxen::create_bio_vm("guest", "syn3a"); });
  EXPECT_THAT(e.message(), HasSubstr("genome 'syn3a' uses translation table 4"));
  EXPECT_THAT(e.message(), HasSubstr("343 of its 455 proteins would be truncated"));
  EXPECT_EQ(e.details().at("vm_id"), "guest");
  EXPECT_EQ(e.details().at("genome"), "syn3a");
  EXPECT_EQ(e.details().at("guest_table"), 4);
  EXPECT_EQ(e.details().at("host_table"), 11);
  EXPECT_EQ(e.details().at("affected_proteins"), 343);
  EXPECT_EQ(e.details().at("truncated_proteins"), 343);
  EXPECT_EQ(e.details().at("extended_proteins"), 0);
  EXPECT_EQ(e.details().at("lengths_known"), true);
  EXPECT_EQ(hv->vm_count(), 1u);
  EXPECT_FALSE(hv->has_vm("guest"));
  EXPECT_EQ(hv->get_system_resources(), resources);
  EXPECT_EQ(hv->list_vms(), vms);
  // minimal_cell (M. genitalium) is table 4 as well; its recoded variant is accepted.
  const auto m = expect_bioxen_error(BioXenErrorCode::incompatible_genetic_code,
                                     [] { bioxen::create_bio_vm("guest", "minimal_cell"); });
  EXPECT_EQ(m.details().at("guest_table"), 4);
  EXPECT_EQ(hv->vm_count(), 1u);
  bioxen::create_bio_vm("guest", "minimal_cell", "basic", {{"genome", "minimal_cell_recoded"}});
  EXPECT_EQ(hv->vm_count(), 2u);
}

TEST_F(DefaultHypervisorTest, HandlesKeepTheOldDefaultAlive) {
  auto vm = bioxen::create_bio_vm("keeper", "syn3a", "basic", recoded_syn3a);
  bioxen::set_default_hypervisor(nullptr);
  EXPECT_TRUE(vm.exists());
  vm.start();
  EXPECT_EQ(vm.get_state(), VMState::running);
  EXPECT_FALSE(bioxen::default_hypervisor()->has_vm("keeper"));  // a fresh default
}

}  // namespace
