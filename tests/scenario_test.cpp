// Scenarios in the library (include/bioxen/scenario.hpp): reading one, running it with its
// callbacks, the errors of a run (code, where, no run after a refusal) and a scenario as a
// sweep point, driven by run_sweep() as a C++ program without the tool would.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "bioxen/error_details.hpp"
#include "bioxen/hypervisor.hpp"
#include "bioxen/observer.hpp"
#include "bioxen/scenario.hpp"
#include "bioxen/sweep.hpp"

namespace {

using bioxen::BioXenErrorCode;
using bioxen::BioXenException;
using bioxen::Scenario;
using bioxen::ScenarioResult;
using bioxen::ScenarioRunOptions;
using nlohmann::json;

json two_guests() {
  return json::parse(R"({"name": "pair", "chassis": "ecoli", "quanta": 30,
    "config": {"log_level": "WARNING"},
    "vms": [{"id": "a", "type": "syn3a_recoded", "allocation": {"ribosomes": 10}},
            {"id": "b", "type": "ecoli", "allocation": {"ribosomes": 10}}],
    "events": [{"at": 5, "action": "pause", "vm": "a"},
               {"at": "1s", "action": "resume", "vm": "a"},
               {"at": 20, "action": "create", "vm": "c", "type": "syn3a_recoded"},
               {"at": 25, "action": "destroy", "vm": "b"}]})");
}

Scenario parse(const json& j) { return bioxen::parse_scenario(j, "pair.json", "."); }

/// The message of what `f` throws, and its code.
template <class F>
BioXenException thrown(F&& f) {
  try {
    f();
  } catch (const BioXenException& e) {
    return e;
  }
  ADD_FAILURE() << "nothing thrown";
  return BioXenException(BioXenErrorCode::invalid_argument, "nothing thrown");
}

TEST(Scenario, ParsesTheScheduleAndTheLength) {
  const Scenario s = parse(two_guests());
  EXPECT_EQ(s.name, "pair");
  EXPECT_EQ(s.quanta, 30U);
  ASSERT_EQ(s.vms.size(), 2U);
  EXPECT_EQ(s.vms[0].allocation.ribosomes, 10U);
  ASSERT_EQ(s.events.size(), 4U);
  EXPECT_EQ(s.events[1].at_quantum, 10U);  // "1s" in quanta of 100 ms
  EXPECT_EQ(s.events[2].action, bioxen::EventAction::create);
  EXPECT_EQ(bioxen::to_string(s.events[3].action), "destroy");
  const json j = bioxen::scenario_to_json(s);
  EXPECT_EQ(j["quanta"], 30);
  EXPECT_EQ(j["events"].size(), 4U);
  EXPECT_DOUBLE_EQ(j["virtual_seconds"].get<double>(), 3.0);
}

TEST(Scenario, ALengthOverrideLeavesLaterEventsOutWithAWarning) {
  bioxen::LengthOverride length;
  length.quanta = 15;
  const Scenario s = bioxen::parse_scenario(two_guests(), "pair.json", ".", length);
  EXPECT_EQ(s.quanta, 15U);
  EXPECT_EQ(s.events.size(), 2U);
  ASSERT_EQ(s.warnings.size(), 2U);
  EXPECT_NE(s.warnings[0].find("events[2]"), std::string::npos) << s.warnings[0];
}

TEST(Scenario, SchemaErrorsNameTheSourceAndTheField) {
  json j = two_guests();
  j["vms"][1]["allocation"]["priority"] = 9;
  const BioXenException e = thrown([&] { (void)parse(j); });
  EXPECT_EQ(e.code(), BioXenErrorCode::invalid_configuration);
  EXPECT_EQ(e.message().rfind("pair.json: vms[1].allocation.priority: ", 0), 0U) << e.message();
  EXPECT_EQ(e.details()["field"], "vms[1].allocation.priority");
}

TEST(Scenario, ReadScenarioFileResolvesGenomesAgainstItsDirectoryAndReportsJsonPositions) {
  const auto dir = std::filesystem::temp_directory_path() / "bioxen_scenario_test";
  std::filesystem::create_directories(dir);
  const auto file = dir / "bad.json";
  std::ofstream(file) << "{\n  \"quanta\": 3,\n  \"vms\": [,]\n}\n";
  const BioXenException e = thrown([&] { (void)bioxen::read_scenario_file(file); });
  EXPECT_EQ(e.code(), BioXenErrorCode::invalid_configuration);
  EXPECT_EQ(e.details()["line"], 3) << e.message();
  std::ofstream(file) << R"({"quanta": 3, "vms": [{"id": "g", "genome": "none.genome"}]})";
  const BioXenException missing = thrown([&] { (void)bioxen::read_scenario_file(file); });
  EXPECT_EQ(missing.code(), BioXenErrorCode::io_error);
  EXPECT_NE(missing.message().find("vms[0].genome"), std::string::npos) << missing.message();
  EXPECT_EQ(thrown([&] { (void)bioxen::read_scenario_file(dir / "absent.json"); }).code(),
            BioXenErrorCode::io_error);
  std::filesystem::remove_all(dir);
}

TEST(Scenario, DurationsAndVirtualTimeReadAndPrint) {
  EXPECT_EQ(bioxen::parse_duration("2.5s", "d").count(), 2'500'000);
  EXPECT_EQ(bioxen::parse_duration("10min", "d").count(), 600'000'000);
  EXPECT_EQ(thrown([] { (void)bioxen::parse_duration("5", "run"); }).code(),
            BioXenErrorCode::invalid_configuration);
  EXPECT_EQ(bioxen::describe_duration(std::chrono::milliseconds{1500}), "1.5 s");
  EXPECT_EQ(bioxen::format_virtual_seconds(12.3), "12.300 s");
  EXPECT_EQ(bioxen::format_virtual_seconds(125.0), "2 min 05.0 s");
  EXPECT_EQ(bioxen::format_virtual_seconds(3720.0), "1 h 02 min");
  EXPECT_EQ(bioxen::format_virtual_seconds(std::numeric_limits<double>::infinity()), "-");
  bioxen::AllocationSpec spec;
  EXPECT_TRUE(spec.empty());
  EXPECT_EQ(bioxen::to_allocation(spec).ribosomes, bioxen::ResourceAllocation{}.ribosomes);
  spec.ribosomes = 7;
  spec.priority = 3;
  EXPECT_EQ(bioxen::to_allocation(spec).ribosomes, 7);
  EXPECT_EQ(bioxen::to_allocation(spec).priority, 3);
  EXPECT_GT(bioxen::max_run_quanta, 1'000'000U);
}

/// Counts quanta: an observer a program attaches through on_hypervisor.
class QuantumCounter final : public bioxen::HypervisorObserver {
 public:
  void on_quantum(const bioxen::QuantumEvent& /*event*/) override { ++quanta; }
  std::uint64_t quanta = 0;
};

TEST(RunScenario, AppliesTheEventsAndCallsEachCallback) {
  const Scenario s = parse(two_guests());
  ScenarioRunOptions o;
  auto counter = std::make_shared<QuantumCounter>();
  int hypervisors = 0;
  std::vector<std::string> created;
  std::vector<std::string> events;
  std::vector<std::uint64_t> progress;
  double alone = 0;
  o.on_hypervisor = [&](bioxen::BioXenHypervisor& hv) {
    ++hypervisors;
    EXPECT_TRUE(hv.list_vms().empty());
    hv.add_observer(counter);
  };
  o.on_host_alone = [&](const bioxen::HostStatus& h) { alone = h.growth_rate_per_h; };
  o.on_created = [&](const bioxen::VmSpec& vm) { created.push_back(vm.id); };
  o.on_event = [&](const bioxen::EventSpec& ev) { events.push_back(ev.field); };
  o.on_progress = [&](std::uint64_t done, std::uint64_t total) {
    EXPECT_EQ(total, 30U);
    if (!progress.empty()) {
      EXPECT_GE(done, progress.back());
    }
    progress.push_back(done);
  };
  const ScenarioResult r = bioxen::run_scenario(s, o);

  EXPECT_EQ(hypervisors, 1);
  EXPECT_EQ(counter->quanta, 30U);
  EXPECT_EQ(created, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(events, (std::vector<std::string>{"events[0]", "events[1]", "events[2]", "events[3]"}));
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.front(), 0U);
  EXPECT_EQ(progress.back(), 30U);
  EXPECT_GT(alone, 0.0);
  EXPECT_DOUBLE_EQ(r.host_alone.growth_rate_per_h, alone);

  ASSERT_EQ(r.vms.size(), 2U);  // a and c; b destroyed at quantum 25
  EXPECT_EQ(r.vms[0].vm_id, "a");
  EXPECT_EQ(r.vms[1].vm_id, "c");
  ASSERT_EQ(r.destroyed.size(), 1U);
  EXPECT_EQ(r.destroyed[0].vm_id, "b");
  ASSERT_EQ(r.events.size(), 4U);
  EXPECT_EQ(r.events[1].quantum, 10U);
  EXPECT_DOUBLE_EQ(r.events[1].seconds, 1.0);
  EXPECT_EQ(r.events[3].action, "destroy");
  EXPECT_EQ(r.resources.quanta, 30U);
  ASSERT_EQ(r.guests.size(), 2U);
  EXPECT_EQ(r.guests[0].vm_id, "a");
  EXPECT_GE(r.guests[0].translation_share, 0.0);
  EXPECT_LE(r.guests[0].translation_share, 1.0);
  EXPECT_TRUE(r.performance.has_value());  // the default config monitors
  EXPECT_TRUE(r.chassis_info.is_object());
  EXPECT_TRUE(r.resource_summary.is_object());
}

TEST(RunScenario, AFailedEventNamesWhereAndStopsTheRun) {
  json j = two_guests();
  j["events"] = json::array({{{"at", 2}, {"action", "resume"}, {"vm", "a"}}});  // a is running
  std::uint64_t last = 0;
  ScenarioRunOptions o;
  o.on_progress = [&](std::uint64_t done, std::uint64_t /*total*/) { last = done; };
  const BioXenException e = thrown([&] { (void)bioxen::run_scenario(parse(j), o); });
  EXPECT_EQ(e.code(), BioXenErrorCode::invalid_state_transition);
  EXPECT_EQ(e.message().rfind("events[0] (at 0.200 s: resume a): ", 0), 0U) << e.message();
  EXPECT_EQ(e.details()["at"], "events[0] (at 0.200 s: resume a)");
  EXPECT_EQ(last, 2U);  // no quantum after the failure
}

TEST(RunScenario, ARefusedVmNamesItsField) {
  json j = two_guests();
  j["vms"][1]["allocation"]["ribosomes"] = 100000;
  const BioXenException e = thrown([&] { (void)bioxen::run_scenario(parse(j)); });
  EXPECT_EQ(e.message().rfind("vms[1] (b): ", 0), 0U) << e.message();
  EXPECT_EQ(e.details()["at"], "vms[1] (b)");
}

TEST(RunScenario, PrometheusWithoutTheMonitorIsRefusedBeforeAnythingRuns) {
  json j = two_guests();
  j["config"]["enable_monitoring"] = false;
  ScenarioRunOptions o;
  o.prometheus = true;
  bool ran = false;
  o.on_hypervisor = [&](bioxen::BioXenHypervisor& /*hv*/) { ran = true; };
  EXPECT_EQ(thrown([&] { (void)bioxen::run_scenario(parse(j), o); }).code(),
            BioXenErrorCode::invalid_argument);
  j["config"]["enable_monitoring"] = true;
  o.monitor = false;
  EXPECT_EQ(thrown([&] { (void)bioxen::run_scenario(parse(j), o); }).code(),
            BioXenErrorCode::invalid_argument);
  EXPECT_FALSE(ran);
  o.monitor = true;
  const ScenarioResult r = bioxen::run_scenario(parse(j), o);
  EXPECT_NE(r.prometheus.find("bioxen_vm_operations_total"), std::string::npos);
}

TEST(RunScenario, TheFactoryPathStopsItsVmsAtTheEnd) {
  const json j = json::parse(R"({"quanta": 5, "vms": [{"id": "f", "type": "syn3a_recoded"}]})");
  ScenarioRunOptions o;
  o.use_factory = true;
  o.monitor = false;
  const ScenarioResult r = bioxen::run_scenario(parse(j), o);
  ASSERT_EQ(r.vms.size(), 1U);
  EXPECT_EQ(r.vms[0].state, bioxen::VMState::running);  // the status before the stop
  EXPECT_FALSE(r.performance.has_value());
}

TEST(ScenarioMetrics, HaveTheDocumentedNamesInOrder) {
  ScenarioRunOptions o;
  o.monitor = false;
  const std::vector<bioxen::SweepMetric> m =
      bioxen::scenario_metrics(bioxen::run_scenario(parse(two_guests()), o));
  const auto& point = bioxen::sweep_point_metric_names();
  const auto& vm = bioxen::sweep_vm_metric_names();
  ASSERT_EQ(m.size(), point.size() + 3 * vm.size());  // a and c, then the destroyed b
  for (std::size_t i = 0; i < point.size(); ++i) EXPECT_EQ(m[i].name, point[i]);
  EXPECT_EQ(m[point.size()].name, "a.state");
  EXPECT_EQ(m[point.size() + vm.size()].name, "c.state");
  EXPECT_EQ(m[point.size() + 2 * vm.size()].name, "b.state");
  EXPECT_EQ(m[8].name, "vms");
  EXPECT_EQ(m[8].value, 3);
}

TEST(ScenarioMetrics, DriveASweepWithoutTheTool) {
  json base = two_guests();
  base["quanta"] = 3000;  // 5 min: the guest boots, its transcription limited by its RNAP
  const json file = {{"base", base},
                     {"parameters", json::array({{{"path", "vms[0].allocation.rna_polymerase"},
                                                  {"name", "rnap"},
                                                  {"values", {2, 5, 10, 100000}}}})}};
  const bioxen::Sweep sweep = bioxen::parse_sweep(file, "pair-sweep.json", ".");
  std::map<std::uint64_t, bioxen::SweepPointResult> results;
  bioxen::SweepRunOptions options;
  options.jobs = 2;
  const bioxen::SweepRunSummary summary = bioxen::run_sweep(
      sweep, bioxen::scenario_point_function(sweep),
      [&](bioxen::SweepPointResult&& r) { results.emplace(r.index, std::move(r)); }, options);
  EXPECT_EQ(summary.run, 4U);
  EXPECT_EQ(summary.failed, 1U);
  ASSERT_EQ(results.size(), 4U);
  ASSERT_FALSE(results.at(3).ok());  // 100000 RNA polymerases: refused at run time
  EXPECT_NE(results.at(3).error_message.find("vms[0] (a): "), std::string::npos)
      << results.at(3).error_message;
  // A point's metrics are the scenario's, run on its own, whatever thread ran it.
  for (std::uint64_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(results.at(i).ok()) << results.at(i).error_message;
    const bioxen::SweepPoint p = bioxen::sweep_point(sweep, i);
    ScenarioRunOptions o;
    o.monitor = false;
    const auto alone = bioxen::scenario_metrics(bioxen::run_scenario(parse(p.scenario), o));
    ASSERT_EQ(results.at(i).metrics.size(), alone.size());
    for (std::size_t k = 0; k < alone.size(); ++k) {
      EXPECT_EQ(results.at(i).metrics[k].name, alone[k].name);
      EXPECT_EQ(results.at(i).metrics[k].value, alone[k].value) << alone[k].name;
    }
  }
  // More RNA polymerase for guest a: more of its mRNA, more ribosome-seconds of service.
  const auto service = [&](std::uint64_t i) {
    for (const auto& m : results.at(i).metrics) {
      if (m.name == "a.ribosome_seconds") return m.value.get<double>();
    }
    return -1.0;
  };
  EXPECT_GT(service(0), 0.0);
  EXPECT_LT(service(0), service(1));
  EXPECT_LT(service(1), service(2));
}

}  // namespace
