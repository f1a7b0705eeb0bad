// The JSON and fmt adapters of the value types, and ProductionConfig as a struct (its one field
// table: keys, defaults, validate, from_json).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
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
using bioxen_test::throws_bx;
using bioxen_test::throws_bx_containing;
using namespace std::chrono_literals;

using bioxen_test::alloc;

// --- Adapters
// -------------------------------------------------------------------------------------

TEST(Json, VmStatusUsesTheOriginalKeysAndRoundTrips) {
  BioXenHypervisor hv;
  hv.create_vm("v", "syn3a_recoded");
  hv.start_vm("v");
  hv.run_quanta(30);
  const auto st = hv.get_vm_status("v");
  const nlohmann::json j = st;
  for (const char* key : {"vm_id",
                          "state",
                          "ribosome_allocation",
                          "atp_percentage",
                          "memory_kb",
                          "priority",
                          "health_status",
                          "uptime_seconds",
                          "running_seconds",
                          "waiting_seconds",
                          "ribosome_seconds",
                          "amino_acids",
                          "atp_consumed",
                          "proteins_completed",
                          "context_switches",
                          "throttle_events",
                          "boot_complete",
                          "boot_time_seconds",
                          "biological_type",
                          "resident_genes",
                          "total_genes",
                          "translation_table",
                          "host_translation_table",
                          "allow_incompatible_code",
                          "truncated_proteins",
                          "extended_proteins",
                          "boot_blocked",
                          "repressed"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["state"], "running");
  EXPECT_EQ(j["translation_table"], 11);  // recoded for E. coli's code
  EXPECT_EQ(j["host_translation_table"], 11);
  EXPECT_EQ(j["allow_incompatible_code"], false);
  EXPECT_EQ(j["truncated_proteins"], 0);
  EXPECT_EQ(j["boot_blocked"], false);
  EXPECT_EQ(j["repressed"], false);
  EXPECT_EQ(nlohmann::json::parse(j.dump()).get<bioxen::VmStatus>(), st);
  const auto sr = hv.get_system_resources();
  EXPECT_EQ(nlohmann::json::parse(nlohmann::json(sr).dump()).get<bioxen::SystemResources>(), sr);
  EXPECT_EQ(nlohmann::json(sr)["allocated_ribosomes"], 14);
  EXPECT_EQ(nlohmann::json(VMState::paused), "paused");
  EXPECT_EQ(nlohmann::json("stopped").get<VMState>(), VMState::stopped);
  EXPECT_TRUE(throws_bx([] { (void)nlohmann::json("sleeping").get<VMState>(); },
                        BioXenErrorCode::invalid_argument,
                        "unknown VM state 'sleeping' (expected created, running, paused, stopped "
                        "or error)"));
  const auto proteins = hv.get_vm_proteins("v");
  EXPECT_EQ(nlohmann::json(proteins[0]).get<bioxen::ProteinCount>(), proteins[0]);
}

TEST(Json, ResourceAllocationIsReadStrictly) {
  auto r =
      nlohmann::json::parse(R"({"ribosomes": 20, "atp_percentage": 25})").get<ResourceAllocation>();
  EXPECT_EQ(r.ribosomes, 20);
  EXPECT_EQ(r.atp_percentage, 25.0);
  EXPECT_EQ(r.priority, ResourceAllocation::automatic);
  EXPECT_EQ(nlohmann::json(r).get<ResourceAllocation>(), r);
  EXPECT_EQ(nlohmann::json(r).at("allow_incompatible_code"), false);
  EXPECT_FALSE(r.allow_incompatible_code);
  const auto allowed =
      nlohmann::json::parse(R"({"allow_incompatible_code": true})").get<ResourceAllocation>();
  EXPECT_TRUE(allowed.allow_incompatible_code);
  EXPECT_EQ(nlohmann::json(allowed).get<ResourceAllocation>(), allowed);
  EXPECT_TRUE(throws_bx_containing(
      [] {
        (void)nlohmann::json::parse(R"({"allow_incompatible_code": 1})").get<ResourceAllocation>();
      },
      BioXenErrorCode::invalid_argument, "allocation key 'allow_incompatible_code'"));
  EXPECT_TRUE(throws_bx(
      [] { (void)nlohmann::json::parse(R"({"ribosome": 20})").get<ResourceAllocation>(); },
      BioXenErrorCode::invalid_argument, "unknown allocation key 'ribosome'"));
  EXPECT_TRUE(throws_bx(
      [] { (void)nlohmann::json::parse(R"({"ribosomes": "many"})").get<ResourceAllocation>(); },
      BioXenErrorCode::invalid_argument,
      "allocation key 'ribosomes': expected an integer, got a string"));
  EXPECT_TRUE(throws_bx(
      [] { (void)nlohmann::json::parse(R"({"priority": 2.5})").get<ResourceAllocation>(); },
      BioXenErrorCode::invalid_argument,
      "allocation key 'priority': expected an integer, got 2.5"));
  EXPECT_TRUE(throws_bx(
      [] { (void)nlohmann::json::parse(R"({"memory_kb": 1e30})").get<ResourceAllocation>(); },
      BioXenErrorCode::invalid_argument,
      "allocation key 'memory_kb': expected an integer, got 1e+30"));
  EXPECT_TRUE(throws_bx([] { (void)nlohmann::json::parse("[1]").get<ResourceAllocation>(); },
                        BioXenErrorCode::invalid_argument,
                        "allocation key 'allocation': expected an object, got an array"));
}

TEST(Format, ValueTypesFormatWithFmt) {
  BioXenHypervisor hv;
  hv.create_vm("vm1", "syn3a_recoded", alloc(20, 25));
  EXPECT_EQ(fmt::format("{}", VMState::running), "running");
  EXPECT_EQ(fmt::format("{:>8}", VMState::paused), "  paused");
  EXPECT_EQ(fmt::format("{}", bioxen::SchedulerPolicy::fair_share), "fair_share");
  EXPECT_EQ(fmt::format("{}", alloc(20, 25, 3)),
            "ribosomes=20 atp=25% rnap=auto memory=auto priority=3");
  EXPECT_EQ(fmt::format("{}", ResourceAllocation{}),
            "ribosomes=auto atp=auto rnap=auto memory=auto priority=auto");
  ResourceAllocation allowed;
  allowed.allow_incompatible_code = true;
  EXPECT_EQ(fmt::format("{}", allowed),
            "ribosomes=auto atp=auto rnap=auto memory=auto priority=auto allow_incompatible_code");
  EXPECT_EQ(fmt::format("{}", hv.get_system_resources()),
            "ribosomes 20/68 allocated (48 free), ATP 25%/90%, memory 544/4642 kb, VMs 1/4 (0 "
            "running, 0 paused), t=0s");
  EXPECT_EQ(fmt::format("{}", hv.get_vm_status("vm1")),
            "vm1 [created] syn3a_recoded: ribosomes=20 atp=25% memory=544kb priority=1 | 0.000s "
            "running, 0 "
            "aa, 0 proteins, booting");
  EXPECT_EQ(fmt::format("{}", bioxen::ProteinCount{"T1", "abc", 10, 3}), "T1 abc: 3 copies");
  EXPECT_EQ(fmt::format("{}", ProductionConfig{}), nlohmann::json(ProductionConfig{}).dump());
}

// --- ProductionConfig, the struct
// ------------------------------------------------------------------

TEST(EnumTables, NamesRoundTripAndOutOfRangeIsUnknown) {
  static_assert(bioxen::to_string(VMState::paused) == "paused");
  static_assert(bioxen::to_string(static_cast<VMState>(99)) == "unknown");
  static_assert(bioxen::to_string(static_cast<bioxen::SchedulerPolicy>(99)) == "unknown");
  static_assert(bioxen::to_string(static_cast<ChassisType>(99)) == "unknown");
  for (auto s : bioxen::all_vm_states) {
    EXPECT_EQ(bioxen::vm_state_from_string(bioxen::to_string(s)), s);
  }
  for (auto p : bioxen::all_scheduler_policies) {
    EXPECT_EQ(bioxen::scheduler_policy_from_string(bioxen::to_string(p)), p);
  }
  for (auto m : bioxen::all_work_models) {
    EXPECT_EQ(bioxen::work_model_from_string(bioxen::to_string(m)), m);
  }
  for (auto t : bioxen::all_chassis_types) {
    EXPECT_EQ(bioxen::chassis_type_from_string(bioxen::to_string(t)), t);
  }
  // GeneType's names are defined in src/genome.cpp; they must agree with its table.
  for (const auto& row : bioxen::detail::gene_type_names) {
    EXPECT_EQ(bioxen::to_string(row.value), row.name);
    EXPECT_EQ(bioxen::gene_type_from_string(row.name), row.value);
  }
  EXPECT_EQ(bioxen::detail::enum_name_list(bioxen::detail::vm_state_names),
            "created, running, paused, stopped or error");
  EXPECT_EQ(bioxen::detail::enum_name_list(bioxen::detail::chassis_type_names, ", "),
            "ecoli, yeast, syn3a, orthogonal");
}

TEST(EnumTables, EveryRegisteredPolicyIsMadeUnderItsName) {
  const auto ctx = bioxen::policy_context(ProductionConfig{});
  for (const bioxen::SchedulerPolicyInfo& info : bioxen::scheduler_policy_registry) {
    EXPECT_FALSE(info.description.empty()) << info.name;
    EXPECT_EQ(bioxen::make_scheduling_policy(info.value, ctx)->name(), info.name);
  }
  EXPECT_TRUE(throws_bx(
      [&] { (void)bioxen::make_scheduling_policy(static_cast<bioxen::SchedulerPolicy>(99), ctx); },
      BioXenErrorCode::invalid_configuration, "unknown scheduler policy 99"));
}

TEST(ProductionConfigStruct, HasEveryOriginalFieldWithItsDefault) {
  const ProductionConfig c;
  EXPECT_EQ(c.max_vms, 4);
  EXPECT_EQ(c.total_ribosomes, 80);
  EXPECT_EQ(c.hypervisor_overhead, 0.15);
  EXPECT_EQ(c.scheduling_quantum_ms, 100);
  EXPECT_TRUE(c.enable_monitoring);
  EXPECT_EQ(c.log_level, "INFO");
  EXPECT_TRUE(c.metrics_collection);
  EXPECT_EQ(c.max_ribosome_allocation, 60);
  EXPECT_EQ(c.max_atp_percentage, 90.0);
  EXPECT_EQ(c.max_memory_kb, 1024);
  EXPECT_EQ(c.emergency_ribosome_reserve, 10);
  EXPECT_EQ(c.resource_warning_threshold, 0.85);
  EXPECT_EQ(c.scheduler_policy, bioxen::SchedulerPolicy::round_robin);
  EXPECT_EQ(c.context_switch_ms, 5.0);
  EXPECT_EQ(c.fair_share_cap_ribosomes, 0);
  EXPECT_EQ(c.available_ribosomes(), 68);
  EXPECT_NO_THROW(c.validate());
  const nlohmann::json j = c;
  EXPECT_EQ(j.size(), ProductionConfig::keys.size());
  for (auto k : ProductionConfig::keys) EXPECT_TRUE(j.contains(k)) << k;
  EXPECT_EQ(j["scheduler_policy"], "round_robin");
  EXPECT_EQ(j.get<ProductionConfig>(), c);
}

TEST(ProductionConfigStruct, ValidateNamesTheKeyAndTheRule) {
  struct Case {
    std::function<void(ProductionConfig&)> set;
    std::string message;
    std::string key;
  };
  const std::vector<Case> cases = {
      {[](auto& c) { c.max_vms = -1; }, "max_vms = -1 must be >= 1", "max_vms"},
      {[](auto& c) { c.total_ribosomes = 0; }, "total_ribosomes = 0 must be >= 1",
       "total_ribosomes"},
      {[](auto& c) { c.hypervisor_overhead = 1.0; }, "hypervisor_overhead = 1.0 must be in [0, 1)",
       "hypervisor_overhead"},
      {[](auto& c) { c.hypervisor_overhead = std::nan(""); },
       "hypervisor_overhead = \"nan\" must be in [0, 1)", "hypervisor_overhead"},
      {[](auto& c) { c.scheduling_quantum_ms = 0; },
       "scheduling_quantum_ms = 0 must be in [1, 3600000]", "scheduling_quantum_ms"},
      {[](auto& c) { c.log_level = "LOUD"; },
       "log_level = \"LOUD\" must be one of TRACE, DEBUG, INFO, WARNING, ERROR, CRITICAL, OFF",
       "log_level"},
      {[](auto& c) { c.max_ribosome_allocation = 0; }, "max_ribosome_allocation = 0 must be >= 1",
       "max_ribosome_allocation"},
      {[](auto& c) { c.max_atp_percentage = 100.5; },
       "max_atp_percentage = 100.5 must be in (0, 100]", "max_atp_percentage"},
      {[](auto& c) { c.max_memory_kb = 0; }, "max_memory_kb = 0 must be >= 1", "max_memory_kb"},
      {[](auto& c) { c.emergency_ribosome_reserve = 69; },
       "emergency_ribosome_reserve = 69 must be in [0, 68] (the available ribosomes)",
       "emergency_ribosome_reserve"},
      {[](auto& c) { c.resource_warning_threshold = -0.1; },
       "resource_warning_threshold = -0.1 must be in [0, 1]", "resource_warning_threshold"},
      {[](auto& c) { c.scheduler_policy = static_cast<bioxen::SchedulerPolicy>(9); },
       "scheduler_policy = 9 must be round_robin, fair_share or priority", "scheduler_policy"},
      {[](auto& c) { c.context_switch_ms = 101; },
       "context_switch_ms = 101.0 must be in [0, 100] (the quantum)", "context_switch_ms"},
      {[](auto& c) { c.fair_share_cap_ribosomes = -2; },
       "fair_share_cap_ribosomes = -2 must be >= 0 (0 = no cap)", "fair_share_cap_ribosomes"},
  };
  for (const auto& c : cases) {
    ProductionConfig cfg;
    c.set(cfg);
    EXPECT_TRUE(throws_bx([&] { cfg.validate(); }, BioXenErrorCode::invalid_configuration,
                          "invalid configuration: " + c.message));
    EXPECT_EQ(bioxen_test::error_details([&] { cfg.validate(); }).at("key"), c.key);
  }
}

TEST(ProductionConfigStruct, FromJsonMergesPresentKeysAndRejectsUnknownOnesAndWrongTypes) {
  ProductionConfig c;
  bioxen::from_json(nlohmann::json::parse(R"({"max_vms": 6, "scheduler_policy": "priority"})"), c);
  EXPECT_EQ(c.max_vms, 6);
  EXPECT_EQ(c.scheduler_policy, bioxen::SchedulerPolicy::priority);
  EXPECT_EQ(c.total_ribosomes, 80);
  EXPECT_TRUE(throws_bx(
      [&] {
        bioxen::from_json(nlohmann::json{{"max_vm", 6}}, c);
      },
      BioXenErrorCode::invalid_configuration, "unknown configuration key 'max_vm'"));
  EXPECT_TRUE(throws_bx(
      [&] {
        bioxen::from_json(nlohmann::json{{"max_vms", "6"}}, c);
      },
      BioXenErrorCode::invalid_configuration,
      "configuration key 'max_vms': expected an integer, got a string"));
  EXPECT_TRUE(throws_bx(
      [&] {
        bioxen::from_json(nlohmann::json{{"max_vms", 1e12}}, c);
      },
      BioXenErrorCode::invalid_configuration,
      "configuration key 'max_vms': 1000000000000 is out of range [-2147483648, "
      "2147483647]"));
  EXPECT_TRUE(throws_bx(
      [&] {
        bioxen::from_json(nlohmann::json{{"enable_monitoring", 1}}, c);
      },
      BioXenErrorCode::invalid_configuration,
      "configuration key 'enable_monitoring': expected true or false, got an "
      "integer"));
  EXPECT_TRUE(throws_bx(
      [&] {
        bioxen::from_json(nlohmann::json{{"scheduler_policy", "lottery"}}, c);
      },
      BioXenErrorCode::invalid_configuration,
      "unknown scheduler_policy 'lottery' (expected round_robin, fair_share or priority)"));
  EXPECT_TRUE(throws_bx([&] { bioxen::from_json(nlohmann::json::array(), c); },
                        BioXenErrorCode::invalid_configuration,
                        "configuration must be a JSON object, got an array"));
  EXPECT_EQ(c.max_vms, 6);  // a failed key leaves the earlier ones
}

}  // namespace
