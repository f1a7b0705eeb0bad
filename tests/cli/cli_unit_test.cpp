// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// In-process tests of the tool's parts: tables, number formats, durations, the scenario
// schema and its errors, the time-series recorder and the HTML report.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <regex>
#include <string>

#include "commands.hpp"
#include "common.hpp"
#include "csv.hpp"
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

TEST(Progress, RendersCountsRateAndEta) {
  // 12,000 of 277,777 quanta in 0.558 s: 21,505 quanta/s, 12.4 s left.
  EXPECT_EQ(ProgressBar::render("simulating", 12'000, 277'777, 0.558, 80),
            "simulating [.........]  12,000/277,777 quanta  4.3 %  21,505 quanta/s  ETA 0:13");
  // The bar takes the width the text leaves, up to 30 cells.
  EXPECT_EQ(ProgressBar::render("run", 5, 10, 1.0, 200),
            "run [###############...............]  5/10 quanta  50.0 %  5 quanta/s  ETA 0:01");
  // No rate or ETA before time has passed or a step is done; done is capped at the total.
  EXPECT_EQ(ProgressBar::render("run", 0, 10, 0.0, 60),
            "run [..............................]  0/10 quanta  0.0 %");
  EXPECT_EQ(ProgressBar::render("run", 12, 10, 2.0, 60, "steps"),
            "run [##########]  10/10 steps  100.0 %  5 steps/s  ETA 0:00");
  // Never wider than the terminal (the line must not wrap).
  for (std::size_t columns : {10U, 20U, 40U, 79U}) {
    EXPECT_LT(ProgressBar::render("simulating", 1'234'567, 9'876'543, 3.5, columns).size(),
              columns);
  }
  // Disabled bars draw nothing (tests run with redirected output).
  ProgressBar bar{"x", 10, false};
  bar.update(5);
  bar.finish();
}

TEST(Progress, EtaIsMinutesSecondsOrHours) {
  EXPECT_EQ(ProgressBar::format_eta(0.0), "0:00");
  EXPECT_EQ(ProgressBar::format_eta(11.2), "0:12");  // rounded up
  EXPECT_EQ(ProgressBar::format_eta(725.0), "12:05");
  EXPECT_EQ(ProgressBar::format_eta(3723.0), "1:02:03");
  EXPECT_EQ(ProgressBar::format_eta(1e9), "99:59:59+");
  EXPECT_EQ(ProgressBar::format_eta(std::nan("")), "-");
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

// --- Scenario overrides (--set) ------------------------------------------------------------

json override_base() {
  return json::parse(R"({"name": "n", "quanta": 10, "chassis": "ecoli",
    "config": {"max_vms": 3},
    "vms": [{"id": "a", "type": "syn3a_recoded"},
            {"id": "b", "type": "ecoli", "allocation": {"ribosomes": 4}}]})");
}

/// The message of the BioXenException `f` throws, or "" (a failure) when it throws none.
template <class F>
std::string error_of(F&& f, BioXenErrorCode code = BioXenErrorCode::invalid_argument) {
  try {
    f();
  } catch (const BioXenException& e) {
    EXPECT_EQ(e.code(), code) << e.message();
    return e.message();
  }
  ADD_FAILURE() << "no exception";
  return {};
}

TEST(Override, ParsesPathsAsErrorsWriteFields) {
  const auto steps = parse_scenario_path("vms[10].allocation.ribosomes");
  ASSERT_EQ(steps.size(), 4U);
  EXPECT_EQ(steps[0].key, "vms");
  EXPECT_TRUE(steps[1].is_index);
  EXPECT_EQ(steps[1].index, 10U);
  EXPECT_EQ(steps[2].key, "allocation");
  EXPECT_EQ(steps[3].key, "ribosomes");
  EXPECT_EQ(parse_scenario_path("a[0][1]").size(), 3U);
  for (const char* bad : {"", "[0]", ".a", "a.", "a..b", "a[", "a[]", "a[x]", "a[1", "a b",
                          "a[99999999999999999999999]", "a=b", "a[-1]", "a.\xc3"}) {
    EXPECT_NE(error_of([&] { (void)parse_scenario_path(bad); }), "") << bad;
  }
  EXPECT_EQ(error_of([] { (void)parse_scenario_path("vms[x]"); }),
            "'vms[x]': expected an index (digits) after '[' at position 5");
}

TEST(Override, SetsAddsAndCreatesObjectsOnTheWay) {
  json j = override_base();
  apply_scenario_override(j, "vms[1].allocation.ribosomes", 8);
  EXPECT_EQ(j["vms"][1]["allocation"]["ribosomes"], 8);
  apply_scenario_override(j, "config.scheduler_policy", "fair_share");  // a new key
  EXPECT_EQ(j["config"]["scheduler_policy"], "fair_share");
  apply_scenario_override(j, "vms[0].allocation.priority", 2);  // allocation created
  EXPECT_EQ(j["vms"][0]["allocation"], json({{"priority", 2}}));
  apply_scenario_override(j, "quanta", 20);
  EXPECT_EQ(j["quanta"], 20);
  apply_scenario_override(j, "vms[0]", json{{"id", "z"}, {"type", "syn3a"}});  // a whole value
  EXPECT_EQ(j["vms"][0]["id"], "z");
}

TEST(Override, ErrorsNameThePathAndChangeNothing) {
  const json before = override_base();
  struct Case {
    const char* path;
    const char* message;
  };
  for (const Case& c : std::vector<Case>{
           {"vms[2].id", "there is no vms[2]: 'vms' has 2 elements (0 to 1)"},
           {"name.x", "'name' is a string (\"n\"), not an object: there is no name.x"},
           {"vms.x", "'vms' is an array of 2, not an object: there is no vms.x"},
           {"config[0]", "'config' is an object, not an array: there is no config[0]"},
           {"events[0]", "there is no events[0] (no key 'events' in the scenario)"},
           {"vms[0].allocation[0]",
            "there is no vms[0].allocation[0] (no key 'allocation' in 'vms[0]')"},
           {"chassis.doubling_time_min",
            "'chassis' is a string (\"ecoli\"), not an object: there is no "
            "chassis.doubling_time_min"}}) {
    json j = before;
    EXPECT_EQ(error_of([&] { apply_scenario_override(j, c.path, 1); }), c.message) << c.path;
    EXPECT_EQ(j, before) << c.path;
  }
  json empty = json::parse(R"({"vms": []})");
  EXPECT_EQ(error_of([&] { apply_scenario_override(empty, "vms[0].id", "a"); }),
            "there is no vms[0]: 'vms' is empty");
}

TEST(Override, ValuesAreJsonWhenTheyParseElseStrings) {
  EXPECT_EQ(parse_override_value("8"), json(8));
  EXPECT_EQ(parse_override_value("2.5"), json(2.5));
  EXPECT_EQ(parse_override_value("true"), json(true));
  EXPECT_EQ(parse_override_value("null"), json(nullptr));
  EXPECT_EQ(parse_override_value("\"42\""), json("42"));
  EXPECT_EQ(parse_override_value("{\"ribosomes\": 8}"), json({{"ribosomes", 8}}));
  EXPECT_EQ(parse_override_value("fair_share"), json("fair_share"));
  EXPECT_EQ(parse_override_value(""), json(""));
  EXPECT_EQ(parse_override_value("1e400"), json("1e400"));  // beyond a double: text
  EXPECT_EQ(parse_override_value("{\"a\": 1, \"a\": 2}"), json("{\"a\": 1, \"a\": 2}"));
  const ScenarioOverride o = parse_scenario_override("config.log_level=a=b");
  EXPECT_EQ(o.path, "config.log_level");
  EXPECT_EQ(o.value, "a=b");
  EXPECT_EQ(parse_override_value(o.value), json("a=b"));
  EXPECT_EQ(error_of([] { (void)parse_scenario_override("quanta"); }),
            "--set 'quanta': expected PATH=VALUE, e.g. vms[0].allocation.ribosomes=8");
  EXPECT_EQ(error_of([] { (void)parse_scenario_override("=5"); }),
            "--set '=5': path the path is empty (write e.g. vms[0].allocation.ribosomes)");
}

TEST(Override, SchemaErrorsNameTheSetArgument) {
  const auto parse = [](std::vector<std::string> args) {
    std::vector<ScenarioOverride> os;
    for (const auto& a : args) os.push_back(parse_scenario_override(a));
    return parse_scenario_with_overrides(override_base(), "s.json", ".", {}, os);
  };
  EXPECT_EQ(parse({"vms[1].allocation.ribosomes=8"}).vms[1].allocation.ribosomes, 8U);
  EXPECT_EQ(parse({"config.scheduler_policy=fair_share"}).config.scheduler_policy,
            SchedulerPolicy::fair_share);
  // A field of a named chassis makes it the base of an inline profile.
  const Scenario slow = parse({"chassis.doubling_time_min=60"});
  EXPECT_EQ(slow.chassis.doubling_time_min, 60.0);
  EXPECT_EQ(slow.chassis_name, "custom, based on ecoli");
  EXPECT_EQ(error_of([&] { (void)parse({"vms[0].allocation.ribosomes=abc"}); },
                     BioXenErrorCode::invalid_configuration),
            "--set vms[0].allocation.ribosomes=abc: s.json: vms[0].allocation.ribosomes: "
            "expected an integer in [0, 2147483647], got \"abc\"");
  EXPECT_EQ(error_of(
                [&] {
                  (void)parse({"quanta=1", "vms[0].type=plant"});
                },
                BioXenErrorCode::invalid_configuration)
                .rfind("--set vms[0].type=plant: s.json: vms[0].type: unknown biological type", 0),
            0U);
  EXPECT_EQ(error_of([&] { (void)parse({"vms[9].id=x"}); }),
            "--set vms[9].id=x: s.json: there is no vms[9]: 'vms' has 2 elements (0 to 1)");
  // An error elsewhere is the schema's own.
  EXPECT_EQ(error_of(
                [&] {
                  (void)parse({"name=x", "config.max_vms=0"});
                },
                BioXenErrorCode::invalid_configuration)
                .rfind("--set config.max_vms=0: ", 0),
            0U);
}

/// A random JSON document of objects and arrays, `depth` levels deep.
json random_document(std::mt19937& rng, int depth) {
  std::uniform_int_distribution<int> pick(0, 5);
  const int kind = depth <= 0 ? pick(rng) % 4 : pick(rng);
  switch (kind) {
    case 0:
      return static_cast<int>(rng() % 100);
    case 1:
      return "s" + std::to_string(rng() % 10);
    case 2:
      return rng() % 2 == 0;
    case 3:
      return nullptr;
    case 4: {
      json a = json::array();
      for (int i = static_cast<int>(rng() % 4); i > 0; --i) {
        a.push_back(random_document(rng, depth - 1));
      }
      return a;
    }
    default: {
      json o = json::object();
      for (int i = static_cast<int>(rng() % 4); i > 0; --i) {
        o["k" + std::to_string(rng() % 6)] = random_document(rng, depth - 1);
      }
      return o;
    }
  }
}

/// Every path of `j` below the top, as an override path and as a JSON pointer.
void all_paths(const json& j, const std::string& path, const json::json_pointer& ptr,
               std::vector<std::pair<std::string, json::json_pointer>>& out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      const std::string p = path.empty() ? k : path + "." + k;
      out.emplace_back(p, ptr / k);
      all_paths(v, p, ptr / k, out);
    }
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i) {
      const std::string p = path + "[" + std::to_string(i) + "]";
      out.emplace_back(p, ptr / i);
      all_paths(j[i], p, ptr / i, out);
    }
  }
}

TEST(Override, RandomDocumentsAndPathsAgreeWithJsonPointers) {
  std::mt19937 rng{20260};  // fixed seed: the same cases on every run
  int applied = 0;
  int refused = 0;
  for (int round = 0; round < 2000; ++round) {
    json doc = json::object();
    for (int i = static_cast<int>(rng() % 4) + 1; i > 0; --i) {
      doc["k" + std::to_string(rng() % 6)] = random_document(rng, 3);
    }
    std::vector<std::pair<std::string, json::json_pointer>> paths;
    all_paths(doc, "", json::json_pointer(), paths);
    const json value = random_document(rng, 1);
    // An existing path: the same as setting it through a JSON pointer.
    const auto& [path, ptr] = paths[rng() % paths.size()];
    json expected = doc;
    expected[ptr] = value;
    json got = doc;
    apply_scenario_override(got, path, value);
    EXPECT_EQ(got, expected) << path << " in " << doc.dump();
    ++applied;
    // A path one step past it: an index past the end, or a key into a non-object, is
    // refused and leaves the document as it was; a new key of an object is added.
    const bool index = rng() % 2 == 0;
    const std::string further =
        index ? path + "[" + std::to_string(doc[ptr].is_array() ? doc[ptr].size() : 0) + "]"
              : path + ".new";
    json changed = doc;
    try {
      apply_scenario_override(changed, further, value);
      ASSERT_TRUE(!index && doc[ptr].is_object()) << further << " in " << doc.dump();
      json with = doc;
      with[ptr / "new"] = value;
      EXPECT_EQ(changed, with);
    } catch (const BioXenException& e) {
      EXPECT_EQ(e.code(), BioXenErrorCode::invalid_argument);
      EXPECT_TRUE(index || !doc[ptr].is_object()) << further << ": " << e.message();
      EXPECT_EQ(changed, doc) << further;
      EXPECT_NE(e.message().find(further), std::string::npos) << e.message();
      ++refused;
    }
  }
  EXPECT_EQ(applied, 2000);
  EXPECT_GT(refused, 500);  // both outcomes were exercised
}

TEST(Override, RandomPathTextEitherParsesBackOrIsRefused) {
  std::mt19937 rng{7};
  const std::string alphabet = "ab_0-9[].x=$ ";
  int parsed = 0;
  for (int round = 0; round < 5000; ++round) {
    std::string text;
    for (int i = static_cast<int>(rng() % 12); i > 0; --i)
      text += alphabet[rng() % alphabet.size()];
    std::vector<PathStep> steps;
    try {
      steps = parse_scenario_path(text);
    } catch (const BioXenException& e) {
      EXPECT_EQ(e.code(), BioXenErrorCode::invalid_argument);
      continue;
    }
    // Written back, the steps are the text (indices without leading zeros aside).
    std::string back;
    for (const auto& s : steps) {
      back += s.is_index ? "[" + std::to_string(s.index) + "]" : (back.empty() ? "" : ".") + s.key;
    }
    std::string normal = std::regex_replace(text, std::regex(R"(\[0+([0-9]))"), "[$1");
    EXPECT_EQ(back, normal) << text;
    ++parsed;
  }
  EXPECT_GT(parsed, 100);
}

// --- Range checks of numeric options ------------------------------------------------------

TEST(Options, NumericRangesUseTheToolsPhrasing) {
  const auto check = [](const CLI::Validator& v, std::string text) { return v(text); };
  const CLI::Validator q = whole_number_in(1, 1'000'000'000'000ULL);
  EXPECT_EQ(check(q, "5"), "");
  EXPECT_EQ(check(q, "1000000000000"), "");
  EXPECT_EQ(check(q, "0"), "'0' is out of range (1 to 1000000000000)");
  EXPECT_EQ(check(q, "1000000000001"), "'1000000000001' is out of range (1 to 1000000000000)");
  EXPECT_EQ(check(q, "99999999999999999999999"),
            "'99999999999999999999999' is out of range (1 to 1000000000000)");
  for (const char* bad : {"abc", "-3", "1.5", "1e3", "", " 5", "+5"}) {
    EXPECT_EQ(check(q, bad),
              std::string("'") + bad + "' is not a whole number (expected 1 to 1000000000000)");
  }
  const CLI::Validator phi = number_in(0.01, 1.0);
  EXPECT_EQ(check(phi, "0.484"), "");
  EXPECT_EQ(check(phi, "0"), "'0' is out of range (0.01 to 1)");
  EXPECT_EQ(check(phi, "1e400"), "'1e400' is out of range (0.01 to 1)");
  EXPECT_EQ(check(phi, "nan"), "'nan' is not a number (expected 0.01 to 1)");
  EXPECT_EQ(check(phi, "x"), "'x' is not a number (expected 0.01 to 1)");
}

// --- CSV ----------------------------------------------------------------------------------

/// A strict RFC 4180 reader (LF or CRLF line ends): the rows of `text`.
std::vector<std::vector<std::string>> read_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  bool was_quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      EXPECT_TRUE(field.empty() && !was_quoted) << "a quote inside an unquoted field";
      quoted = was_quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (c == '\n') {
      row.push_back(std::move(field));
      field.clear();
      was_quoted = false;
      rows.push_back(std::move(row));
      row.clear();
    } else {
      EXPECT_FALSE(was_quoted) << "text after a closing quote";
      field += c;
    }
  }
  EXPECT_FALSE(quoted) << "unterminated quote";
  EXPECT_TRUE(field.empty() && row.empty()) << "the last row has no line end";
  return rows;
}

TEST(Csv, FieldsAreQuotedAsRfc4180Says) {
  EXPECT_EQ(csv_field("vm1"), "vm1");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field(" padded"), "\" padded\"");
  EXPECT_EQ(csv_field(""), "");
  const auto rows = read_csv(csv_field("a,\"b\"\nc") + "," + csv_field("plain") + "\n");
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"a,\"b\"\nc", "plain"}));
}

TEST(Csv, NumbersReadBackExactly) {
  std::mt19937_64 rng{42};
  std::uniform_real_distribution<double> exponent(-30, 30);
  for (int i = 0; i < 10000; ++i) {
    const double x = std::pow(10.0, exponent(rng)) * (rng() % 2 == 0 ? 1 : -1);
    const std::string text = csv_number(x);
    EXPECT_EQ(text.find(','), std::string::npos);
    EXPECT_EQ(std::stod(text), x) << text;
  }
  EXPECT_EQ(csv_number(0.1), "0.1");
  EXPECT_EQ(csv_number(24519739.0), "24519739.0");
  EXPECT_EQ(csv_number(0.0), "0.0");
  EXPECT_EQ(csv_number(1e300), "1e+300");
  EXPECT_EQ(csv_number(std::nan("")), "");
  EXPECT_EQ(csv_number(HUGE_VAL), "inf");
  EXPECT_EQ(csv_number(-HUGE_VAL), "-inf");
}

TEST(Csv, TimeSeriesHasOneRowPerBucketAndVm) {
  TimeSeriesRecorder rec{0.1, 4};
  std::vector<VmSample> vms = {{"a,1", "running", 4, 0.1, 0.1, 0.4, 10, 40, 1, false, 0}};
  for (int q = 0; q < 6; ++q) {
    if (q == 2) vms.push_back({"b", "paused", 2, 0, 0, 0, 0, 0, 0, false, 0});
    for (auto& v : vms) {
      if (v.state == "running") {
        v.running_seconds += 0.1;
        v.active_seconds += 0.1;
        v.amino_acids += 10;
      }
    }
    rec.record({68, 6, 30}, vms, HostSample{true, false, 1.0, 1.05, 0.01});
  }
  const auto rows = read_csv(time_series_csv(rec));
  ASSERT_EQ(rows.size(), 1 + rec.buckets().size() * 2);
  const auto& header = rows[0];
  for (const auto& r : rows) EXPECT_EQ(r.size(), header.size());
  const auto col = [&](const char* name) {
    const auto it = std::find(header.begin(), header.end(), name);
    EXPECT_NE(it, header.end()) << name;
    return static_cast<std::size_t>(it - header.begin());
  };
  // Buckets of two quanta (four kept at most): 0-1, 2-3, 4-5; VM b from quantum 2.
  ASSERT_EQ(rec.buckets().size(), 3U);
  EXPECT_EQ(rows[1][col("vm_id")], "a,1");
  EXPECT_EQ(rows[2][col("vm_id")], "b");
  EXPECT_EQ(rows[2][col("vm_present")], "false");
  EXPECT_EQ(rows[2][col("vm_proteins_completed")], "");
  EXPECT_EQ(rows[4][col("vm_present")], "true");
  EXPECT_EQ(rows[4][col("vm_paused_quanta")], "2");
  EXPECT_EQ(rows[3][col("start_seconds")], "0.2");
  EXPECT_EQ(rows[3][col("end_seconds")], "0.4");
  EXPECT_EQ(rows[3][col("quanta")], "2");
  EXPECT_EQ(rows[3][col("available_ribosomes")], "68.0");
  EXPECT_EQ(rows[3][col("host_modelled")], "true");
  EXPECT_EQ(rows[3][col("host_growth_rate_per_h")], "1.0");
  double aa = 0;
  for (std::size_t i = 1; i < rows.size(); i += 2) aa += std::stod(rows[i][col("vm_amino_acids")]);
  EXPECT_EQ(aa, 70.0);  // the cumulative count at the end: every delta is in some bucket
}

TEST(Csv, VmSummaryHasEveryStatusKey) {
  SimulationResult r;
  VmStatus a;
  a.vm_id = "a";
  a.amino_acids = 123;
  a.health_status = "healthy";
  VmStatus gone;
  gone.vm_id = "gone";
  r.vms = {a};
  r.destroyed = {gone};
  r.guests = {GuestShare{"a", 12.5, 0.25, 3, 0.5}};
  const auto rows = read_csv(vm_summary_csv(r));
  ASSERT_EQ(rows.size(), 3U);
  const json status = a;
  EXPECT_EQ(rows[0].size(), status.size() + 4);
  EXPECT_EQ(rows[0][0], "vm_id");
  for (const auto& [key, value] : status.items()) {
    EXPECT_NE(std::find(rows[0].begin(), rows[0].end(), key), rows[0].end()) << key;
  }
  const auto col = [&](const char* name) {
    return static_cast<std::size_t>(std::find(rows[0].begin(), rows[0].end(), name) -
                                    rows[0].begin());
  };
  EXPECT_EQ(rows[1][col("amino_acids")], "123");
  EXPECT_EQ(rows[1][col("destroyed")], "false");
  EXPECT_EQ(rows[1][col("translation_share")], "0.25");
  EXPECT_EQ(rows[2][col("vm_id")], "gone");
  EXPECT_EQ(rows[2][col("destroyed")], "true");
  EXPECT_EQ(rows[2][col("translation_share")], "");
}

}  // namespace
}  // namespace bioxen::cli
