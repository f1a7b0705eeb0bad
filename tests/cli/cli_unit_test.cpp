// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// In-process tests of the tool's parts: tables, number formats, durations, the scenario
// schema and its errors, the time-series recorder and the HTML report.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>

#include "common.hpp"
#include "detail/text_io.hpp"
#include "progress.hpp"
#include "recorder.hpp"
#include "report.hpp"
#include "scenario.hpp"
#include "table.hpp"

namespace bioxen::cli {
namespace {

using nlohmann::json;

TEST(Table, AlignsColumnsLeftAndRight) {
  Table t{"Title", {{"name"}, {"count", Align::right}}};
  t.add_row({"a", "1"});
  t.add_row({"longer", "1,000"});
  EXPECT_EQ(t.to_string(),
            "Title\n"
            " name    count\n"
            " -------------\n"
            " a           1\n"
            " longer  1,000\n");
}

TEST(Table, CountsUtf8CodePointsNotBytes) {
  Table t{"", {{"k"}, {"v", Align::right}}};
  t.add_row({"µs", "1"});
  t.add_row({"ms", "10"});
  const std::string s = t.to_string();
  EXPECT_NE(s.find(" µs   1\n"), std::string::npos) << s;
  EXPECT_NE(s.find(" ms  10\n"), std::string::npos) << s;
}

TEST(Table, RejectsRowsLongerThanTheHeader) {
  Table t{"", {{"a"}}};
  EXPECT_THROW(t.add_row({"1", "2"}), std::invalid_argument);
  t.add_row({});
  EXPECT_EQ(t.rows().at(0).size(), 1U);
}

TEST(Format, NumbersForPeople) {
  EXPECT_EQ(format_count(std::uint64_t{0}), "0");
  EXPECT_EQ(format_count(std::uint64_t{999}), "999");
  EXPECT_EQ(format_count(std::uint64_t{1000}), "1,000");
  EXPECT_EQ(format_count(std::uint64_t{1234567}), "1,234,567");
  EXPECT_EQ(format_count(1234.6), "1,235");
  EXPECT_EQ(format_si(0), "0");
  EXPECT_EQ(format_si(12.5), "12.5");
  EXPECT_EQ(format_si(1234), "1.23 k");
  EXPECT_EQ(format_si(6.4e6), "6.40 M");
  EXPECT_EQ(format_si(250e9), "250 G");
  EXPECT_EQ(format_seconds(1.5), "1.500 s");
  EXPECT_EQ(format_seconds(125), "2 min 05.0 s");
  EXPECT_EQ(format_seconds(3720), "1 h 02 min");
  EXPECT_EQ(format_percent(42.25), "42.2 %");
  EXPECT_EQ(html_escape("<a href=\"x\">&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
}

TEST(Format, ExitCodesOfErrorCodes) {
  EXPECT_EQ(exit_code_for(BioXenErrorCode::invalid_configuration), exit_invalid_input);
  EXPECT_EQ(exit_code_for(BioXenErrorCode::genome_parse_error), exit_invalid_input);
  EXPECT_EQ(exit_code_for(BioXenErrorCode::io_error), exit_invalid_input);
  EXPECT_EQ(exit_code_for(BioXenErrorCode::resource_allocation_error), exit_runtime);
  EXPECT_EQ(exit_code_for(BioXenErrorCode::invalid_state_transition), exit_runtime);
  EXPECT_EQ(exit_code_for(BioXenErrorCode::hypervisor_overload), exit_runtime);
  const CommandError e(exit_runtime, BioXenErrorCode::io_error, "report.html: cannot write");
  EXPECT_EQ(exit_code_of(e), exit_runtime);
  const json j = error_json(e);
  EXPECT_EQ(j["error"]["code"], "BX012");
  EXPECT_EQ(j["error"]["name"], "io_error");
  EXPECT_EQ(j["error"]["exit_code"], 4);
}

TEST(Duration, ParsesUnits) {
  using std::chrono::microseconds;
  EXPECT_EQ(parse_duration("500ms", "d"), microseconds{500'000});
  EXPECT_EQ(parse_duration("2.5s", "d"), microseconds{2'500'000});
  EXPECT_EQ(parse_duration("10m", "d"), microseconds{600'000'000});
  EXPECT_EQ(parse_duration("10min", "d"), microseconds{600'000'000});
  EXPECT_EQ(parse_duration("1h", "d"), microseconds{3'600'000'000});
  EXPECT_EQ(parse_duration(" 3 s ", "d"), microseconds{3'000'000});
  EXPECT_EQ(describe_duration(microseconds{600'000'000}), "10 min");
  EXPECT_EQ(describe_duration(microseconds{100'000}), "100 ms");
}

TEST(Duration, RejectsWhatIsNotADuration) {
  for (const char* bad : {"10", "abc", "5 parsecs", "0s", "-1s", "", "1e3s", "s"}) {
    try {
      (void)parse_duration(bad, "duration");
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const BioXenException& e) {
      EXPECT_EQ(e.code(), BioXenErrorCode::invalid_configuration) << bad;
      EXPECT_NE(e.message().find("duration"), std::string::npos) << e.message();
    }
  }
}

TEST(Progress, RendersABar) {
  EXPECT_EQ(ProgressBar::render("run", 5, 10, 10), "run [#####.....]  50%  5/10");
  EXPECT_EQ(ProgressBar::render("run", 12, 10, 4), "run [####] 100%  10/10");
  // Disabled bars draw nothing (tests run with redirected output).
  ProgressBar bar{"x", 10, false};
  bar.update(5);
  bar.finish();
}

// --- Scenarios ---------------------------------------------------------------------------

json minimal_scenario() {
  return json::parse(R"({
    "chassis": "ecoli",
    "quanta": 100,
    "vms": [{"id": "a", "type": "syn3a"}, {"id": "b", "type": "minimal_cell",
             "allocation": {"ribosomes": 10, "atp_percentage": 20, "priority": 2}}],
    "events": [{"at": "5s", "action": "pause", "vm": "a"},
               {"at": 20, "action": "resume", "vm": "a"},
               {"at": 3, "action": "create", "vm": "c", "type": "ecoli", "start": false}]
  })");
}

TEST(Scenario, ParsesAValidScenario) {
  const Scenario s = parse_scenario(minimal_scenario(), "test.json", ".");
  EXPECT_EQ(s.quanta, 100U);
  EXPECT_EQ(s.chassis_name, "ecoli");
  ASSERT_EQ(s.vms.size(), 2U);
  EXPECT_EQ(s.vms[0].id, "a");
  EXPECT_TRUE(s.vms[0].allocation.empty());
  EXPECT_EQ(s.vms[1].allocation.ribosomes, 10U);
  EXPECT_EQ(s.vms[1].allocation.priority, 2U);
  ASSERT_EQ(s.events.size(), 3U);
  // Sorted by time: create at 3, resume at 20, pause at 5 s = quantum 50.
  EXPECT_EQ(s.events[0].action, EventAction::create);
  EXPECT_EQ(s.events[0].at_quantum, 3U);
  EXPECT_FALSE(s.events[0].create->start);
  EXPECT_EQ(s.events[1].at_quantum, 20U);
  EXPECT_EQ(s.events[2].at_quantum, 50U);
  const json j = scenario_to_json(s);
  EXPECT_EQ(j["quanta"], 100);
  EXPECT_EQ(j["events"].size(), 3U);
}

TEST(Scenario, DurationAndPolicyAndQuantum) {
  json j = minimal_scenario();
  j.erase("quanta");
  j["duration"] = "1m";
  j["policy"] = "fair_share";
  j["config"] = {{"scheduling_quantum_ms", 50}};
  const Scenario s = parse_scenario(j, "t.json", ".");
  EXPECT_EQ(s.quanta, 1200U);
  EXPECT_EQ(s.config.scheduler_policy, SchedulerPolicy::fair_share);
  EXPECT_EQ(s.events.back().at_quantum, 100U);  // 5 s of 50 ms quanta
}

TEST(Scenario, CommandLineLengthOverridesAndWarns) {
  LengthOverride o;
  o.quanta = 10;
  const Scenario s = parse_scenario(minimal_scenario(), "t.json", ".", o);
  EXPECT_EQ(s.quanta, 10U);
  EXPECT_EQ(s.events.size(), 1U);  // only the create at quantum 3 fits
  ASSERT_EQ(s.warnings.size(), 2U);
  EXPECT_NE(s.warnings[0].find("after the end of the run"), std::string::npos);
  LengthOverride d;
  d.duration = "2s";
  EXPECT_EQ(parse_scenario(minimal_scenario(), "t.json", ".", d).quanta, 20U);
}

struct BadCase {
  const char* name;
  std::function<void(json&)> edit;
  const char* field;  ///< expected in the message, after "t.json: "
  /// BX005, but a bad chassis is the chassis' code, BX003 (docs/CLI.md).
  BioXenErrorCode code = BioXenErrorCode::invalid_configuration;
};

// Test names and listings show the case name, not the bytes of the parameter.
void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

class ScenarioErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(ScenarioErrors, AreRefusedNamingTheField) {
  json j = minimal_scenario();
  GetParam().edit(j);
  try {
    (void)parse_scenario(j, "t.json", ".");
    FAIL() << "accepted";
  } catch (const BioXenException& e) {
    EXPECT_EQ(e.code(), GetParam().code) << e.what();
    EXPECT_EQ(e.message().rfind("t.json: ", 0), 0U) << e.message();
    EXPECT_NE(e.message().find(GetParam().field), std::string::npos) << e.message();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Schema, ScenarioErrors,
    ::testing::Values(
        BadCase{"top_level_array", [](json& j) { j = json::array(); }, "(top level)"},
        BadCase{"unknown_top_key", [](json& j) { j["vm"] = 1; }, "unknown key 'vm'"},
        BadCase{"misspelt_top_key", [](json& j) { j["eventz"] = json::array(); },
                "did you mean 'events'"},
        BadCase{"bad_chassis", [](json& j) { j["chassis"] = "plant"; }, "chassis: unknown chassis",
                BioXenErrorCode::chassis_initialization_error},
        BadCase{"chassis_number", [](json& j) { j["chassis"] = 3; }, "chassis:"},
        BadCase{"custom_chassis_key",
                [](json& j) { j["chassis"] = {{"base", "ecoli"}, {"ribosome_unitz", 3}}; },
                "chassis", BioXenErrorCode::chassis_initialization_error},
        BadCase{"custom_chassis_out_of_range",
                [](json& j) {
                  j["chassis"] = {{"base", "ecoli"}, {"elongation_rate_aa_per_s", 1e308}};
                },
                "chassis.elongation_rate_aa_per_s", BioXenErrorCode::chassis_initialization_error},
        BadCase{"ribosomes_beyond_int",
                [](json& j) { j["vms"][1]["allocation"]["ribosomes"] = 4294967295U; },
                "vms[1].allocation.ribosomes: 4294967295 is out of range"},
        BadCase{"quanta_past_the_clock", [](json& j) { j["quanta"] = 1'000'000'000'000ULL; },
                "quanta: 1000000000000 quanta of 100 ms would take the virtual clock past its end"},
        BadCase{"config_unknown_key", [](json& j) { j["config"] = {{"max_vm", 3}}; }, "max_vm"},
        BadCase{"config_range", [](json& j) { j["config"] = {{"max_vms", 0}}; }, "max_vms"},
        BadCase{"policy", [](json& j) { j["policy"] = "lottery"; }, "lottery"},
        BadCase{"policy_conflict",
                [](json& j) {
                  j["policy"] = "priority";
                  j["config"] = {{"scheduler_policy", "fair_share"}};
                },
                "policy:"},
        BadCase{"no_length", [](json& j) { j.erase("quanta"); }, "quanta: missing"},
        BadCase{"both_lengths", [](json& j) { j["duration"] = "1s"; }, "duration:"},
        BadCase{"zero_quanta", [](json& j) { j["quanta"] = 0; }, "quanta: 0 is out of range"},
        BadCase{"negative_quanta", [](json& j) { j["quanta"] = -5; }, "quanta:"},
        BadCase{"quanta_string", [](json& j) { j["quanta"] = "100"; }, "quanta:"},
        BadCase{"duration_no_unit",
                [](json& j) {
                  j.erase("quanta");
                  j["duration"] = "10";
                },
                "duration: '10' has no unit"},
        BadCase{"vms_object", [](json& j) { j["vms"] = json::object(); }, "vms: expected an array"},
        BadCase{"vm_not_object", [](json& j) { j["vms"][0] = "a"; }, "vms[0]: expected an object"},
        BadCase{"vm_no_id", [](json& j) { j["vms"][1].erase("id"); }, "vms[1].id: missing"},
        BadCase{"vm_empty_id", [](json& j) { j["vms"][0]["id"] = ""; },
                "vms[0].id: invalid VM id '': it must not be empty"},
        BadCase{"vm_duplicate_id", [](json& j) { j["vms"][1]["id"] = "a"; }, "vms[1].id: duplicate"},
        BadCase{"vm_long_id", [](json& j) { j["vms"][0]["id"] = std::string(65, 'x'); },
                "vms[0].id:"},
        // The hypervisor's rule for ids (printable ASCII), checked before anything runs.
        BadCase{"vm_non_ascii_id", [](json& j) { j["vms"][0]["id"] = "caf\xc3\xa9"; },
                "vms[0].id: invalid VM id 'caf\\xc3\\xa9': character 4 is not printable ASCII"},
        BadCase{"vm_control_id", [](json& j) { j["vms"][0]["id"] = "a\tb"; },
                "vms[0].id: invalid VM id 'a\\x09b'"},
        BadCase{"vm_type", [](json& j) { j["vms"][0]["type"] = "sin3a"; },
                "did you mean 'syn3a'"},
        BadCase{"vm_no_type", [](json& j) { j["vms"][0].erase("type"); }, "vms[0].type: missing"},
        BadCase{"vm_type_and_genome", [](json& j) { j["vms"][0]["genome"] = "x.tsv"; }, "vms[0]:"},
        BadCase{"vm_unknown_key", [](json& j) { j["vms"][0]["alocation"] = json::object(); },
                "unknown key 'vms[0].alocation' (did you mean 'vms[0].allocation'?)"},
        BadCase{"allocation_key", [](json& j) { j["vms"][1]["allocation"]["ribosome"] = 3; },
                "vms[1].allocation.ribosome"},
        BadCase{"allocation_type", [](json& j) { j["vms"][1]["allocation"]["ribosomes"] = "10"; },
                "vms[1].allocation.ribosomes"},
        BadCase{"allocation_atp", [](json& j) { j["vms"][1]["allocation"]["atp_percentage"] = 120; },
                "vms[1].allocation.atp_percentage: 120 is out of range"},
        BadCase{"allocation_priority", [](json& j) { j["vms"][1]["allocation"]["priority"] = 6; },
                "vms[1].allocation.priority"},
        BadCase{"allocation_allow_incompatible_code",
                [](json& j) { j["vms"][1]["allocation"]["allow_incompatible_code"] = "yes"; },
                "vms[1].allocation.allow_incompatible_code: expected true or false"},
        BadCase{"create_event_allow_incompatible_code",
                [](json& j) { j["events"][2]["allocation"] = {{"allow_incompatible_code", 1}}; },
                "events[2].allocation.allow_incompatible_code"},
        BadCase{"vm_start", [](json& j) { j["vms"][0]["start"] = "yes"; }, "vms[0].start"},
        BadCase{"events_object", [](json& j) { j["events"] = json::object(); }, "events:"},
        BadCase{"event_action", [](json& j) { j["events"][0]["action"] = "reboot"; },
                "events[0].action: unknown action 'reboot'"},
        BadCase{"event_no_action", [](json& j) { j["events"][0].erase("action"); },
                "events[0].action: missing"},
        BadCase{"event_no_at", [](json& j) { j["events"][1].erase("at"); }, "events[1].at: missing"},
        BadCase{"event_bad_at", [](json& j) { j["events"][1]["at"] = "soon"; }, "events[1].at:"},
        BadCase{"event_at_negative", [](json& j) { j["events"][1]["at"] = -1; }, "events[1].at:"},
        BadCase{"event_after_end", [](json& j) { j["events"][1]["at"] = 101; },
                "events[1].at: 101 is after the end"},
        BadCase{"event_unknown_vm", [](json& j) { j["events"][0]["vm"] = "zz"; },
                "events[0].vm: no VM 'zz'"},
        BadCase{"event_no_vm", [](json& j) { j["events"][0].erase("vm"); }, "events[0].vm: missing"},
        BadCase{"event_extra_key", [](json& j) { j["events"][0]["type"] = "syn3a"; },
                "unknown key 'events[0].type' (valid keys: at, action, vm)"},
        BadCase{"create_event_type", [](json& j) { j["events"][2]["type"] = "yeast"; },
                "events[2].type: unknown biological type"},
        BadCase{"no_vms",
                [](json& j) {
                  j.erase("vms");
                  j.erase("events");
                },
                "vms:"}),
    [](const ::testing::TestParamInfo<BadCase>& param) { return std::string(param.param.name); });

// A VM may run by a genetic code the chassis does not read only when its allocation says so.
TEST(Scenario, AllocationMayAllowAnIncompatibleGeneticCode) {
  json j = minimal_scenario();
  j["vms"][0]["allocation"] = {{"allow_incompatible_code", true}};
  j["events"][2]["allocation"] = {{"allow_incompatible_code", false}};
  const Scenario s = parse_scenario(j, "t.json", ".");
  EXPECT_EQ(s.vms[0].allocation.allow_incompatible_code, true);
  EXPECT_FALSE(s.vms[0].allocation.empty());
  EXPECT_EQ(s.vms[1].allocation.allow_incompatible_code, std::nullopt);
  ASSERT_EQ(s.events[0].action, EventAction::create);
  EXPECT_EQ(s.events[0].create->allocation.allow_incompatible_code, false);
  const json back = scenario_to_json(s);
  EXPECT_EQ(back["vms"][0]["allocation"]["allow_incompatible_code"], true);
  EXPECT_FALSE(back["vms"][1]["allocation"].contains("allow_incompatible_code"));
}

TEST(Scenario, GenomeFileErrorsKeepTheirCodeAndNameTheField) {
  json j = minimal_scenario();
  j["vms"][0].erase("type");
  j["vms"][0]["genome"] = "no/such/file.genome";
  try {
    (void)parse_scenario(j, "t.json", ".");
    FAIL() << "accepted";
  } catch (const BioXenException& e) {
    EXPECT_EQ(e.code(), BioXenErrorCode::io_error) << e.what();
    EXPECT_NE(e.message().find("vms[0].genome"), std::string::npos) << e.message();
    EXPECT_EQ(exit_code_of(e), exit_invalid_input);
  }
}

TEST(Scenario, LoadsAGenomeFileRelativeToTheScenario) {
  json j = minimal_scenario();
  j["vms"][0].erase("type");
  j["vms"][0]["genome"] = "genomes/toy_minimal.genome";
  const Scenario s = parse_scenario(j, "t.json", BIOXEN_SOURCE_DIR "/examples/scenarios");
  ASSERT_TRUE(s.vms[0].genome);
  EXPECT_EQ(s.vms[0].kind(), "toy_minimal");
  EXPECT_EQ(s.vms[0].genome->genes().size(), 12U);
}

TEST(Scenario, MalformedFileNamesLineAndColumn) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("bioxen_cli_unit_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "bad.json";
  write_text_file(file, "{\n  \"quanta\": 10,\n  \"vms\": [ }\n");
  try {
    (void)load_scenario(file);
    FAIL() << "accepted";
  } catch (const BioXenException& e) {
    EXPECT_EQ(e.code(), BioXenErrorCode::invalid_configuration);
    EXPECT_NE(e.message().find("bad.json:3:"), std::string::npos) << e.message();
  }
  std::filesystem::remove_all(dir);
}

TEST(Files, WriteTextFileReplacesAtomicallyAndAFailureIsARuntimeIoError) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("bioxen_cli_files_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "report.html";
  write_text_file(file, "one");
  write_text_file(file, "two");
  std::ifstream in(file);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "two");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 1);  // no temp file
  const auto missing = dir / "no" / "report.html";
  try {
    write_text_file(missing, "x");
    FAIL() << "written";
  } catch (const CommandError& e) {
    EXPECT_EQ(e.code(), BioXenErrorCode::io_error);
    EXPECT_EQ(e.exit_code(), exit_runtime);
    EXPECT_EQ(e.message().rfind("cannot write '" + missing.string() + "': ", 0), 0U) << e.message();
    EXPECT_EQ(e.details().at("file"), missing.string());
  }
  std::filesystem::remove_all(dir);
}

TEST(Scenario, UnknownKeysNameTheFieldInTheDetails) {
  json j = minimal_scenario();
  j["vms"][0]["alocation"] = json::object();
  try {
    (void)parse_scenario(j, "t.json", ".");
    FAIL() << "accepted";
  } catch (const BioXenException& e) {
    EXPECT_EQ(e.message(),
              "t.json: unknown key 'vms[0].alocation' (did you mean 'vms[0].allocation'?)");
    EXPECT_EQ(e.details().at("file"), "t.json");
    EXPECT_EQ(e.details().at("field"), "vms[0].alocation");
    EXPECT_EQ(e.details().at("suggestion"), "vms[0].allocation");
  }
}

TEST(Scenario, ExamplesParse) {
  for (const char* name : {"two_guests.json", "fair_share.json", "custom_chassis.json"}) {
    SCOPED_TRACE(name);
    const Scenario s =
        load_scenario(std::filesystem::path(BIOXEN_SOURCE_DIR "/examples/scenarios") / name);
    EXPECT_FALSE(s.vms.empty());
    EXPECT_GT(s.quanta, 0U);
    EXPECT_TRUE(s.warnings.empty());
  }
}

// --- Recorder and report ------------------------------------------------------------------

/// Two VMs under round robin for `quanta` quanta: "a" runs on even quanta, "b" on odd ones;
/// "b" is paused from quantum 40 to 60.
TimeSeriesRecorder synthetic_run(std::uint64_t quanta, std::size_t max_buckets) {
  TimeSeriesRecorder rec{0.1, max_buckets};
  VmSample a{"a", "running", 20, 0, 0, 0, 0, 0, 0, false, 0};
  VmSample b{"b", "running", 10, 0, 0, 0, 0, 0, 0, false, 0};
  for (std::uint64_t q = 0; q < quanta; ++q) {
    if (q == 40) rec.mark("pause b");
    if (q == 60) rec.mark("resume b");
    b.state = (q >= 40 && q < 60) ? "paused" : "running";
    VmSample& active = q % 2 == 0 ? a : b;
    if (active.state == "running") {
      active.running_seconds += 0.1;
      active.active_seconds += 0.1;
      active.ribosome_seconds += active.ribosome_allocation * 0.1;
      active.amino_acids += 1000;
      active.atp_consumed += 4000;
      active.proteins_completed += 3;
    }
    if (q == 10) {
      a.boot_complete = true;
      a.boot_time_seconds = 1.1;
    }
    rec.record(SystemSample{68, 30, 50}, {a, b});
  }
  return rec;
}

TEST(Recorder, CountsWhoRanPerQuantum) {
  const TimeSeriesRecorder rec = synthetic_run(100, 1000);
  EXPECT_EQ(rec.quanta(), 100U);
  EXPECT_EQ(rec.bucket_width(), 1U);
  ASSERT_EQ(rec.buckets().size(), 100U);
  ASSERT_EQ(rec.series().size(), 2U);
  const auto& a = rec.series()[0].buckets;
  const auto& b = rec.series()[1].buckets;
  EXPECT_EQ(a[0].active_quanta, 1U);
  EXPECT_EQ(a[1].active_quanta, 0U);
  EXPECT_EQ(b[1].active_quanta, 1U);
  EXPECT_EQ(b[41].active_quanta, 0U);  // paused
  EXPECT_EQ(b[41].paused_quanta, 1U);
  EXPECT_DOUBLE_EQ(a[0].ribosome_seconds, 2.0);
  EXPECT_TRUE(rec.series()[0].boot_complete);
  ASSERT_EQ(rec.markers().size(), 2U);
  EXPECT_EQ(rec.markers()[0].quantum, 40U);
}

TEST(Recorder, CompactsIntoBoundedBucketsKeepingTotals) {
  const TimeSeriesRecorder rec = synthetic_run(1000, 64);
  EXPECT_EQ(rec.quanta(), 1000U);
  EXPECT_LE(rec.buckets().size(), 64U);
  EXPECT_EQ(rec.bucket_width(), 16U);
  std::uint64_t quanta = 0;
  double atp = 0;
  std::uint64_t active = 0;
  for (std::size_t i = 0; i < rec.buckets().size(); ++i) {
    quanta += rec.buckets()[i].quanta;
    atp += rec.series()[0].buckets[i].atp_consumed + rec.series()[1].buckets[i].atp_consumed;
    active += rec.series()[0].buckets[i].active_quanta + rec.series()[1].buckets[i].active_quanta;
  }
  EXPECT_EQ(quanta, 1000U);
  EXPECT_DOUBLE_EQ(atp, 4000.0 * static_cast<double>(active));
  EXPECT_EQ(active, 1000U - 10U);  // b's ten odd quanta while paused
  EXPECT_DOUBLE_EQ(rec.buckets()[0].available_ribosomes, 68.0);
}

TEST(Recorder, ARecreatedVmContinuesItsSeries) {
  TimeSeriesRecorder rec{0.1};
  VmSample a{"a", "running", 20, 1, 1, 20, 1000, 4000, 3, false, 0};
  rec.record({}, {a});
  rec.record({}, {});  // destroyed
  VmSample fresh{"a", "running", 20, 0.1, 0.1, 2, 100, 400, 0, false, 0};
  rec.record({}, {fresh});
  ASSERT_EQ(rec.series().size(), 1U);
  const auto& b = rec.series()[0].buckets;
  EXPECT_FALSE(b[1].present);
  EXPECT_DOUBLE_EQ(b[2].amino_acids, 100.0);  // counted from zero, not negative
}

std::size_t count(const std::string& text, const std::string& pattern) {
  const std::regex re(pattern);
  return static_cast<std::size_t>(
      std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

TEST(Report, IsSelfContainedWithFourChartsOfData) {
  const TimeSeriesRecorder rec = synthetic_run(200, 480);
  ReportData data;
  data.title = "Test <run>";
  data.subtitle = "synthetic";
  data.highlights = {{"virtual time", "20 s"}};
  data.recorder = &rec;
  Table t{"VMs", {{"id"}, {"proteins", Align::right}}};
  t.add_row({"a", "300"});
  data.tables.push_back(t);
  data.generator = "bioxen test";
  const std::string html = render_html_report(data);

  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0U);
  EXPECT_NE(html.find("Content-Security-Policy"), std::string::npos);
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(html.find("Test &lt;run&gt;"), std::string::npos);
  // Nothing to fetch: no scripts, no external URLs, no src/href attributes.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http:"), std::string::npos);
  EXPECT_EQ(html.find("https:"), std::string::npos);
  EXPECT_EQ(count(html, R"(\s(src|href)=)"), 0U);
  for (const char* chart : {"allocation", "schedule", "atp", "proteins"}) {
    EXPECT_EQ(count(html, std::string("data-chart=\"") + chart + "\""), 1U) << chart;
  }
  EXPECT_EQ(count(html, R"(<path class="area" data-vm=)"), 4U);  // allocation + ATP, 2 VMs
  EXPECT_EQ(count(html, R"(<path class="line series" data-vm=)"), 2U);
  EXPECT_GT(count(html, R"(<rect class="slot" data-vm="a")"), 10U);
  EXPECT_GT(count(html, R"(<rect class="slot" data-vm="b")"), 10U);
  EXPECT_EQ(count(html, R"(<rect class="state paused" data-vm="b")"), 1U);
  EXPECT_EQ(count(html, R"(<path class="boot" data-vm="a")"), 1U);
  EXPECT_EQ(count(html, R"(class="marker" data-marker=)"), 8U);  // 2 markers on 4 charts
  EXPECT_NE(html.find("<h3>VMs</h3>"), std::string::npos);
  EXPECT_NE(html.find("<h3>Events</h3>"), std::string::npos);
}

TEST(Report, LongRunsStayCompact) {
  const TimeSeriesRecorder rec = synthetic_run(100000, 480);
  ReportData data;
  data.recorder = &rec;
  const std::string html = render_html_report(data);
  EXPECT_LT(html.size(), 400U * 1024U);
  EXPECT_EQ(count(html, R"(data-chart=)"), 4U);
}

TEST(Files, OutputWritesUnderInjectedIoFaultsAreRuntimeBX012AndKeepTheOldFile) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("bioxen_cli_faults_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto file = dir / "report.html";
  write_text_file(file, "old report\n");
  const TimeSeriesRecorder rec = synthetic_run(50, 480);
  ReportData data;
  data.title = "faults";
  data.recorder = &rec;
  data.generator = "bioxen test";
  for (const char* step :
       {"create", "lock", "fchmod", "write", "fsync", "close", "link", "rename"}) {
    for (int err : {ENOSPC, EIO, EACCES}) {
      SCOPED_TRACE(std::string(step) + " " + std::to_string(err));
      const detail::ScopedIoFaultForTesting fault(
          [&](std::string_view s) { return s == step ? err : 0; });
      for (int output = 0; output < 2; ++output) {  // the HTML report, any other output file
        try {
          if (output == 0) {
            write_html_report(file, data);
          } else {
            write_text_file(file, "snapshot\n");
          }
          ADD_FAILURE() << "written";
        } catch (const CommandError& e) {
          EXPECT_EQ(e.code(), BioXenErrorCode::io_error);
          EXPECT_EQ(e.exit_code(), exit_runtime);
          EXPECT_EQ(e.message(),
                    "cannot write '" + file.string() + "': " + step + ": " + std::strerror(err));
          EXPECT_EQ(e.details().at("file"), file.string());
          EXPECT_EQ(e.details().at("step"), step);
        }
        std::ifstream in(file);
        EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "old report\n");
        EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 1);  // no temp
      }
    }
  }
  write_html_report(file, data);
  std::ifstream in(file);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), render_html_report(data));
  std::filesystem::remove_all(dir);
}

TEST(Report, RequiresARecorder) {
  EXPECT_THROW((void)render_html_report(ReportData{}), std::invalid_argument);
}

}  // namespace
}  // namespace bioxen::cli
