// Determinism and snapshots: the same operations give bit-identical results, and
// snapshot() + restore() + run == run, bit for bit, for every policy. A bad snapshot is
// invalid_snapshot and changes nothing.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include <bioxen/error_details.hpp>
#include "bioxen/hypervisor.hpp"
#include "engine_test_support.hpp"

namespace {

using bioxen::BioXenErrorCode;
using bioxen::BioXenHypervisor;
using bioxen::ProductionConfig;
using bioxen::ResourceAllocation;
using bioxen::SchedulerPolicy;
using bioxen_test::throws_bx_containing;
using bioxen_test::virtual_only;
using nlohmann::json;

using bioxen_test::alloc;

ProductionConfig config(SchedulerPolicy policy,
                        bioxen::WorkModel model = bioxen::WorkModel::physiological) {
  ProductionConfig cfg;
  cfg.work_model = model;
  cfg.scheduler_policy = policy;
  cfg.max_vms = 8;
  cfg.context_switch_ms = 3.7;
  cfg.fair_share_cap_ribosomes = policy == SchedulerPolicy::fair_share ? 25 : 0;
  return cfg;
}

/// A busy scenario: built-in and custom genomes, every state, a throttled VM, odd ATP shares.
void prologue(BioXenHypervisor& hv, const bioxen::GenomePtr& custom) {
  hv.create_vm("syn", "syn3a_recoded", alloc(11, 13.333333, 2));
  hv.create_vm("eco", "ecoli");
  hv.create_vm("min", "minimal_cell_recoded", alloc(7, 0.05, 4));  // throttled
  hv.create_vm("cus1", custom, alloc(5, 10, 3));
  hv.create_vm("cus2", custom, alloc(3, 10, 1));
  hv.create_vm("idle", "syn3a_recoded", alloc(1, 1));
  for (const char* id : {"syn", "eco", "min", "cus1", "cus2"}) hv.start_vm(id);
  hv.run_quanta(37);
  hv.pause_vm("eco");
  hv.run_quanta(5);
  hv.fail_vm("cus2", "lysed");
  hv.run_quanta(3);
  hv.resume_vm("eco");
  ResourceAllocation more;
  more.ribosomes = 9;
  hv.reallocate_vm("min", more);
  hv.run_quanta(11);
}

/// What happens after the snapshot.
void epilogue(BioXenHypervisor& hv) {
  hv.run_quanta(23);
  hv.stop_vm("syn");
  hv.run_quanta(4);
  hv.start_vm("syn");
  hv.create_vm("late", "minimal_cell_recoded", alloc(2, 2, 5));
  hv.start_vm("late");
  hv.run_quanta(50);
  hv.destroy_vm("eco");
  hv.run_quanta(7);
}

std::vector<bioxen::VmStatus> statuses(const BioXenHypervisor& hv) {
  auto v = hv.list_vms();
  for (auto& s : v) s = virtual_only(s);
  return v;
}

class SnapshotPerPolicy : public ::testing::TestWithParam<SchedulerPolicy> {};

TEST_P(SnapshotPerPolicy, RestoreAndContinueIsBitIdenticalToNeverStopping) {
  const auto custom = bioxen_test::tiny_genome("custom");
  BioXenHypervisor a{config(GetParam()), bioxen::ChassisType::ecoli};
  prologue(a, custom);
  const std::string text = a.snapshot().dump();  // through text: doubles must round-trip
  epilogue(a);

  // A hypervisor with another configuration and chassis takes over everything.
  BioXenHypervisor b{ProductionConfig{}, bioxen::ChassisType::yeast};
  b.create_vm("stale", "syn3a_recoded");
  b.restore(json::parse(text));
  EXPECT_EQ(b.snapshot().dump(), text);  // restore + snapshot is the identity
  EXPECT_EQ(b.config(), config(GetParam()));
  EXPECT_EQ(b.chassis(), bioxen::chassis_profile(bioxen::ChassisType::ecoli));
  EXPECT_FALSE(b.has_vm("stale"));
  epilogue(b);

  EXPECT_EQ(b.snapshot().dump(), a.snapshot().dump());
  EXPECT_EQ(statuses(b), statuses(a));
  EXPECT_EQ(b.get_system_resources(), a.get_system_resources());
  for (const auto& id : a.list_vm_ids()) EXPECT_EQ(b.get_vm_proteins(id), a.get_vm_proteins(id));
  EXPECT_TRUE(bioxen_test::resources_consistent(b));
}

TEST_P(SnapshotPerPolicy, SameOperationsGiveBitIdenticalResults) {
  BioXenHypervisor a{config(GetParam()), bioxen::ChassisType::ecoli};
  BioXenHypervisor b{config(GetParam()), bioxen::ChassisType::ecoli};
  prologue(a, bioxen_test::tiny_genome("custom"));
  prologue(b, bioxen_test::tiny_genome("custom"));  // an equal, distinct genome object
  epilogue(a);
  epilogue(b);
  EXPECT_EQ(a.snapshot().dump(), b.snapshot().dump());
  EXPECT_EQ(statuses(a), statuses(b));
}

INSTANTIATE_TEST_SUITE_P(AllPolicies, SnapshotPerPolicy,
                         ::testing::ValuesIn(bioxen::all_scheduler_policies),
                         [](const auto& p) { return std::string(bioxen::to_string(p.param)); });

TEST(Snapshot, CarriesBuiltinGenomesByNameAndCustomOnesOnce) {
  BioXenHypervisor hv;
  const auto custom = bioxen_test::tiny_genome("custom");
  hv.create_vm("s", "syn3a_recoded");
  hv.create_vm("c1", custom);
  hv.create_vm("c2", custom);
  const json snap = hv.snapshot();
  EXPECT_EQ(snap.at("format"), "bioxen.snapshot");
  EXPECT_EQ(snap.at("version"), 3);  // 3: genetic codes
  ASSERT_EQ(snap.at("genomes").size(), 1u);
  EXPECT_EQ(snap.at("genomes")[0].at("genes").size(), 4u);
  EXPECT_EQ(snap.at("vms")[0].at("genome"), json({{"builtin", "syn3a_recoded"}}));
  EXPECT_EQ(snap.at("vms")[1].at("genome"), json({{"embedded", 0}}));
  EXPECT_EQ(snap.at("vms")[2].at("genome"), json({{"embedded", 0}}));
  EXPECT_FALSE(snap.dump().find("uptime") != std::string::npos);
  BioXenHypervisor other;
  other.restore(snap);
  EXPECT_EQ(other.get_vm_status("c1").biological_type, "custom");
  EXPECT_EQ(other.get_vm_proteins("c2").size(), 3u);
  EXPECT_EQ(other.snapshot(), snap);
}

TEST(Snapshot, RestoredRunningVmsHaveAFreshUptime) {
  BioXenHypervisor hv;
  hv.create_vm("v", "syn3a_recoded");
  hv.start_vm("v");
  BioXenHypervisor other;
  other.restore(hv.snapshot());
  EXPECT_GE(other.get_vm_status("v").uptime_seconds, 0.0);
  EXPECT_EQ(other.get_vm_state("v"), bioxen::VMState::running);
}

// --- Bad snapshots
// ------------------------------------------------------------------------------------

struct Tamper {
  std::string name;
  std::function<void(json&)> change;
  std::string message_part;
};

TEST(Snapshot, AnythingMalformedOrInconsistentIsInvalidSnapshotAndChangesNothing) {
  // The capacity model: its boot rule (amino acids >= the boot size) is checked here; the
  // physiological model's own keys have the test below.
  BioXenHypervisor source{config(SchedulerPolicy::round_robin, bioxen::WorkModel::capacity),
                          bioxen::ChassisType::ecoli};
  prologue(source, bioxen_test::tiny_genome("custom"));
  const json good = source.snapshot();
  // vms[0] syn (running), vms[1] eco (running), vms[2] min, vms[3] cus1, vms[4] cus2 (error)
  const std::vector<Tamper> cases = {
      {"not an object", [](json& j) { j = json::array(); },
       "snapshot key 'snapshot': expected an object, got an array"},
      {"unknown key", [](json& j) { j["extra"] = 1; }, "unknown snapshot key 'extra'"},
      {"missing key", [](json& j) { j.erase("vms"); }, "snapshot key 'vms': missing"},
      {"format", [](json& j) { j["format"] = "other"; },
       "snapshot key 'format': expected \"bioxen.snapshot\""},
      {"version", [](json& j) { j["version"] = 4; },
       "snapshot key 'version': unsupported version 4 (this library reads 1 to 3)"},
      {"version 0", [](json& j) { j["version"] = 0; },
       "snapshot key 'version': unsupported version 0 (this library reads 1 to 3)"},
      {"version 2 with allow_incompatible_code",
       [](json& j) {
         j["version"] = 2;
         for (auto& vm : j["vms"]) vm.erase("repressed");  // the other version-3 VM key
       },
       "unknown snapshot key 'allow_incompatible_code'"},
      {"version 2 with repressed", [](json& j) { j["version"] = 2; },
       "unknown snapshot key 'repressed'"},
      {"allow_incompatible_code missing",
       [](json& j) { j["vms"][0]["allocation"].erase("allow_incompatible_code"); },
       "allow_incompatible_code"},
      {"allow_incompatible_code not a boolean",
       [](json& j) { j["vms"][0]["allocation"]["allow_incompatible_code"] = 1; },
       "vms[0].allocation.allow_incompatible_code"},
      {"genetic code the chassis does not read",
       [](json& j) {
         j["vms"][0]["genome"] = {{"builtin", "syn3a"}};
       },
       "snapshot key 'vms[0].genome': cannot create VM 'syn': genome 'syn3a' uses translation "
       "table 4"},
      {"host under capacity", [](json& j) { j["host"]["stalled_quanta"] = 4; },
       "snapshot key 'host': must be empty (zeros) under the capacity work model"},
      {"pipeline under capacity", [](json& j) { j["vms"][0]["pipeline"] = json::object(); },
       "snapshot key 'vms[0].pipeline': must be null under the capacity work model"},
      {"version 1 with a work model",
       [](json& j) {
         j["version"] = 1;
         j.erase("host");
       },
       "snapshot key 'config.work_model': is not a key of version 1 snapshots"},
      {"config", [](json& j) { j["config"]["max_vms"] = 0; },
       "invalid snapshot: invalid configuration: max_vms = 0 must be >= 1"},
      {"config key", [](json& j) { j["config"]["bogus"] = 0; },
       "invalid snapshot: unknown configuration key 'bogus'"},
      {"chassis", [](json& j) { j["chassis"]["atp_supply_per_s"] = -1; }, "atp_supply_per_s"},
      {"clock", [](json& j) { j["clock_us"] = j["clock_us"].get<std::int64_t>() + 1; },
       "snapshot key 'clock_us': is not quanta x scheduling_quantum_ms"},
      {"negative clock", [](json& j) { j["clock_us"] = -100000; }, "snapshot key 'clock_us'"},
      {"too many VMs", [](json& j) { j["config"]["max_vms"] = 3; },
       "invalid snapshot: cannot create VM 'cus1': the VM limit max_vms = 3 is reached"},
      {"duplicate id", [](json& j) { j["vms"][1]["id"] = "syn"; },
       "snapshot key 'vms[1].id': duplicate id 'syn'"},
      {"bad id", [](json& j) { j["vms"][1]["id"] = ""; }, "invalid VM id ''"},
      {"uid order", [](json& j) { j["vms"][1]["uid"] = 1; },
       "snapshot key 'vms[1].uid': uids must increase in list order and stay below next_uid"},
      {"uid beyond next", [](json& j) { j["next_uid"] = 3; }, "vms[2].uid"},
      {"over-allocation", [](json& j) { j["vms"][0]["allocation"]["ribosomes"] = 61; },
       "invalid snapshot: VM 'syn' requests 61 ribosomes, above the per-VM limit"},
      {"ATP over the limit", [](json& j) { j["vms"][0]["allocation"]["atp_micro"] = 80000000; },
       "invalid snapshot: insufficient ATP for VM"},
      {"bad priority", [](json& j) { j["vms"][0]["allocation"]["priority"] = 0; },
       "priority = 0 must be in [1, 5]"},
      {"unknown builtin",
       [](json& j) {
         j["vms"][0]["genome"] = {{"builtin", "plant"}};
       },
       "snapshot key 'vms[0].genome.builtin': unknown built-in genome 'plant'"},
      {"embedded index",
       [](json& j) {
         j["vms"][3]["genome"] = {{"embedded", 5}};
       },
       "snapshot key 'vms[3].genome.embedded': no such entry in genomes"},
      {"genome ref", [](json& j) { j["vms"][3]["genome"] = "custom"; },
       "snapshot key 'vms[3].genome': expected {\"builtin\": name} or {\"embedded\": index}"},
      {"gene type", [](json& j) { j["genomes"][0]["genes"][0]["type"] = "gene"; },
       "snapshot key 'genomes[0].genes[0].type': unknown gene type 'gene'"},
      {"gene coordinates", [](json& j) { j["genomes"][0]["genes"][0]["end"] = 99999; },
       "snapshot key 'genomes[0]': genome 'custom': gene 1 ('T1'): field 'end'"},
      {"state", [](json& j) { j["vms"][2]["state"] = "sleeping"; },
       "snapshot key 'vms[2].state': unknown state 'sleeping'"},
      {"reason without error", [](json& j) { j["vms"][0]["error_reason"] = "x"; },
       "snapshot key 'vms[0].error_reason': set but state is not error"},
      {"since", [](json& j) { j["vms"][0]["running_since_us"] = 99999999999; },
       "snapshot key 'vms[0].running_since_us'"},
      {"since not running", [](json& j) { j["vms"][4]["running_since_us"] = 100000; },
       "snapshot key 'vms[4].running_since_us': set but not running"},
      {"active beyond running", [](json& j) { j["vms"][2]["active_us"] = 999999999; },
       "snapshot key 'vms[2].active_us': exceeds the running time"},
      {"negative amino acids", [](json& j) { j["vms"][0]["amino_acids"] = -1.0; },
       "snapshot key 'vms[0].amino_acids': must be >= 0"},
      {"boot flag", [](json& j) { j["vms"][3]["boot_complete"] = false; },
       "snapshot key 'vms[3].boot_complete': disagrees with the amino acids made"},
      {"boot flag too early", [](json& j) { j["vms"][0]["boot_complete"] = true; },
       "snapshot key 'vms[0].boot_complete': disagrees with the amino acids made"},
      {"boot in the future", [](json& j) { j["vms"][0]["boot_time_seconds"] = 1e9; },
       "snapshot key 'vms[0].boot_time_seconds': is after the clock"},
      {"policy", [](json& j) { j["scheduler"]["policy"] = "priority"; },
       "snapshot key 'scheduler.policy': disagrees with config.scheduler_policy"},
      {"queue missing a VM", [](json& j) { j["scheduler"]["run_queue"].erase(0); },
       "snapshot key 'scheduler.run_queue': must list every running VM once"},
      {"queue lists a paused VM", [](json& j) { j["scheduler"]["run_queue"].push_back("cus2"); },
       "is not running or is listed twice"},
      {"queue lists nobody", [](json& j) { j["scheduler"]["run_queue"].push_back("ghost"); },
       "no VM 'ghost'"},
      {"policy state", [](json& j) { j["scheduler"]["state"] = json::object(); },
       "round_robin state needs an unsigned 'last_active_uid'"},
      {"wrong type", [](json& j) { j["quanta"] = "many"; },
       "snapshot key 'quanta': expected an integer, got a string"},
  };
  BioXenHypervisor hv{config(SchedulerPolicy::fair_share), bioxen::ChassisType::yeast};
  hv.create_vm("keep", "syn3a_recoded");
  hv.start_vm("keep");
  hv.run_quanta(3);
  const std::string before = hv.snapshot().dump();
  for (const auto& c : cases) {
    json bad = good;
    c.change(bad);
    EXPECT_TRUE(throws_bx_containing([&] { hv.restore(bad); }, BioXenErrorCode::invalid_snapshot,
                                     c.message_part))
        << c.name;
    std::error_code ec;
    hv.restore(bad, ec);
    EXPECT_EQ(ec, BioXenErrorCode::invalid_snapshot) << c.name;
    ASSERT_EQ(hv.snapshot().dump(), before) << c.name;
  }
  // The untouched snapshot restores.
  EXPECT_NO_THROW(hv.restore(good));
  EXPECT_EQ(hv.snapshot(), good);
}

TEST(Snapshot, AStateThatHoldsTheEmergencyReserveRestores) {
  // Admission is history-dependent: b took the reserve as priority 5, then dropped to 1.
  BioXenHypervisor hv;
  ResourceAllocation r;
  r.ribosomes = 58;
  hv.create_vm("a", "syn3a_recoded", r);
  r.ribosomes = 10;
  r.priority = 5;
  hv.create_vm("b", "syn3a_recoded", r);
  ResourceAllocation lower;
  lower.priority = 1;
  hv.reallocate_vm("b", lower);
  BioXenHypervisor other;
  EXPECT_NO_THROW(other.restore(hv.snapshot()));
  EXPECT_EQ(other.get_system_resources().free_ribosomes, 0);
}

// A VM allowed to run by another genetic code keeps that permission, its truncated proteins and
// its blocked boot across snapshot and restore.
TEST(Snapshot, AllowIncompatibleCodeRoundTrips) {
  BioXenHypervisor a;
  ResourceAllocation r = alloc(14, 20);
  r.allow_incompatible_code = true;
  a.create_vm("mis", "syn3a", r);
  a.start_vm("mis");
  a.run_quanta(50);
  const json snap = a.snapshot();
  EXPECT_EQ(snap.at("vms")[0].at("allocation").at("allow_incompatible_code"), true);
  BioXenHypervisor b;
  b.restore(json::parse(snap.dump()));
  EXPECT_EQ(b.snapshot(), snap);
  EXPECT_TRUE(b.get_vm_allocation("mis").allow_incompatible_code);
  EXPECT_EQ(b.get_vm_status("mis").truncated_proteins, 343u);
  EXPECT_TRUE(b.get_vm_status("mis").boot_blocked);
  a.run_quanta(50);
  b.run_quanta(50);
  EXPECT_EQ(statuses(b), statuses(a));
  EXPECT_FALSE(b.get_vm_status("mis").boot_complete);
  // Without the permission the same VM is refused, and nothing changes.
  json refused = snap;
  refused["vms"][0]["allocation"]["allow_incompatible_code"] = false;
  const std::string before = b.snapshot().dump();
  EXPECT_TRUE(throws_bx_containing([&] { b.restore(refused); }, BioXenErrorCode::invalid_snapshot,
                                   "snapshot key 'vms[0].genome': cannot create VM 'mis'"));
  EXPECT_EQ(b.snapshot().dump(), before);
}

// Before version 3 "orthogonal" named the syn3A-like cell (now ChassisType::syn3a) and
// allocations had no allow_incompatible_code: such a snapshot restores on the syn3a chassis,
// where its syn3A guest still runs.
TEST(Snapshot, AVersion2OrthogonalChassisRestoresAsSyn3a) {
  BioXenHypervisor a{ProductionConfig{}, bioxen::ChassisType::syn3a};
  a.create_vm("s", "syn3a");
  a.start_vm("s");
  a.run_quanta(30);
  json v2 = a.snapshot();
  v2["version"] = 2;
  v2["chassis"]["base"] = "orthogonal";
  v2["chassis"].erase("genetic_codes");  // not a key before version 3
  for (auto& vm : v2["vms"]) {
    vm["allocation"].erase("allow_incompatible_code");  // not keys before version 3
    vm.erase("repressed");
  }
  BioXenHypervisor b;
  b.restore(v2);
  EXPECT_EQ(b.chassis().type, bioxen::ChassisType::syn3a);
  EXPECT_EQ(b.chassis().genetic_codes, std::vector<std::uint32_t>{4});
  EXPECT_EQ(b.snapshot(), a.snapshot());
  a.run_quanta(30);
  b.run_quanta(30);
  EXPECT_EQ(statuses(b), statuses(a));
  // The same chassis in a version 3 snapshot is E. coli with orthogonal ribosomes (table 11),
  // which does not read syn3A's code.
  json v3 = a.snapshot();
  v3["chassis"] = bioxen::chassis_profile(bioxen::ChassisType::orthogonal);
  EXPECT_TRUE(throws_bx_containing([&] { b.restore(v3); }, BioXenErrorCode::invalid_snapshot,
                                   "genome 'syn3a' uses translation table 4"));
}

TEST(Snapshot, WrappedErrorsKeepTheirCauseInTheDetails) {
  BioXenHypervisor hv;
  hv.create_vm("a", "syn3a_recoded");
  json bad = hv.snapshot();
  bad["vms"][0]["allocation"]["ribosomes"] = 61;
  try {
    hv.restore(bad);
    FAIL();
  } catch (const bioxen::BioXenException& e) {
    EXPECT_EQ(e.code(), BioXenErrorCode::invalid_snapshot);
    EXPECT_EQ(e.details().at("cause"), "BX002");
    EXPECT_EQ(e.details().at("resource"), "ribosomes");
  }
}

}  // namespace
