// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// End-to-end tests of the bioxen binary: every command, its exit codes and errors, --json
// output parsed, a piped shell session. Each run gets a clean environment (env -i) and a
// fresh HOME, so nothing reads or writes the real ~/.bioxen.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <bioxen/version.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "../prometheus_parser.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path examples = fs::path(BIOXEN_SOURCE_DIR) / "examples" / "scenarios";

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void spit(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

/// A scratch directory per test: HOME, working directory and files of the test.
class Tool : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / (std::string("bioxen_cli_") + info->test_suite_name() + "_" +
                                        info->name() + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "home");
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }

  /// Runs bioxen with `args` in the scratch directory, `input` on stdin.
  Result run(const std::vector<std::string>& args, const std::string& input = "",
             const std::vector<std::string>& env = {}) {
    spit(dir_ / "stdin.txt", input);
    std::string cmd = "cd " + quote(dir_.string()) +
                      " && env -i PATH=/usr/bin:/bin HOME=" + quote((dir_ / "home").string());
    for (const auto& e : env) cmd += " " + quote(e);
    cmd += " " + quote(BIOXEN_CLI_EXE);
    for (const auto& a : args) cmd += " " + quote(a);
    cmd += " <stdin.txt >stdout.txt 2>stderr.txt";
    const int status = std::system(cmd.c_str());
    Result r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(dir_ / "stdout.txt");
    r.err = slurp(dir_ / "stderr.txt");
    return r;
  }

  fs::path path(const std::string& name) const { return dir_ / name; }

  fs::path dir_;
};

#define EXPECT_CONTAINS(text, part)                                                                \
  EXPECT_NE(std::string(text).find(part), std::string::npos) << "missing: " << (part) << "\nin:\n" \
                                                             << (text)

/// The one-line error format: "error [BXnnn]: reason".
void expect_error(const Result& r, int exit_code, const std::string& code,
                  const std::string& part = "") {
  EXPECT_EQ(r.exit_code, exit_code) << r.out << r.err;
  EXPECT_EQ(r.err.rfind("error [" + code + "]: ", 0), 0U) << r.err;
  if (!part.empty()) {
    EXPECT_CONTAINS(r.err, part);
  }
}

json parse_json(const std::string& text) {
  try {
    return json::parse(text);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not JSON: " << e.what() << "\n" << text;
    return json();
  }
}

// --- version and help ----------------------------------------------------------------------

TEST_F(Tool, VersionPrintsTheLibraryVersion) {
  const Result r = run({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, std::string("bioxen ") + bioxen::version() + "\n");
}

TEST_F(Tool, HelpOnEveryCommand) {
  const std::vector<std::vector<std::string>> commands = {{},
                                                          {"demo"},
                                                          {"run"},
                                                          {"shell"},
                                                          {"config"},
                                                          {"config", "init"},
                                                          {"config", "show"},
                                                          {"config", "validate"},
                                                          {"types"},
                                                          {"genome"},
                                                          {"genome", "info"}};
  for (auto args : commands) {
    args.push_back("--help");
    const Result r = run(args);
    EXPECT_EQ(r.exit_code, 0) << args.front() << r.err;
    EXPECT_CONTAINS(r.out, "Usage:");
    EXPECT_TRUE(r.err.empty()) << r.err;
  }
  const Result top = run({"--help"});
  for (const char* c : {"demo", "run", "shell", "config", "types", "genome"}) {
    EXPECT_CONTAINS(top.out, c);
  }
  EXPECT_CONTAINS(top.out, "Exit codes");
  EXPECT_CONTAINS(run({"run", "--help"}).out, "--report");
}

// --- usage errors: exit 2 ------------------------------------------------------------------

TEST_F(Tool, UsageErrorsExitTwo) {
  const std::vector<std::vector<std::string>> bad = {
      {},
      {"frobnicate"},
      {"--frobnicate"},
      {"run"},
      {"run", "a.json", "--quanta", "5", "--duration", "1s"},
      {"run", "a.json", "--quanta", "abc"},
      {"run", "a.json", "--quanta", "0"},
      {"run", "a.json", "--duration", "5 parsecs"},
      {"demo", "--policy", "lottery"},
      {"demo", "--quanta", "-3"},
      {"config"},
      {"config", "init", "extra"},
      {"genome"},
      {"genome", "info"},
      {"shell", "--chassis", "plant"},
  };
  for (const auto& args : bad) {
    const Result r = run(args);
    std::string line;
    for (const auto& a : args) line += a + " ";
    EXPECT_EQ(r.exit_code, 2) << line << "\n" << r.out << r.err;
    EXPECT_EQ(r.err.rfind("error [BX011]: ", 0), 0U) << line << "\n" << r.err;
    EXPECT_CONTAINS(r.err, "--help");
    EXPECT_TRUE(r.out.empty()) << line << r.out;
  }
}

// --- demo ----------------------------------------------------------------------------------

TEST_F(Tool, DemoVerbosePrintsTheProductionWorkflowTables) {
  const Result r = run({"demo", "--verbose"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* part :
       {"Production requirements", "prod_ecoli_01", "prod_syn3a_01", "Resource summary",
        "Per-VM work", "amino acids", "proteins", "ATP consumed", "boot time",
        "Performance summary", "create_vm", "fairness", "completed successfully",
        "Host alone: E. coli", "Host cell (physiological work model)",
        "Guests' share of the host's translation", "share of translation"}) {
    EXPECT_CONTAINS(r.out, part);
  }
  // Never reads or writes the user's configuration directory.
  EXPECT_TRUE(fs::is_empty(path("home"))) << "demo wrote into HOME";
  // No progress bar when stdout is not a terminal.
  EXPECT_EQ(r.err.find('\r'), std::string::npos);
}

TEST_F(Tool, DemoTellsWhatHostingDidToTheHost) {
  // The text shows the numbers of the API (the --json output of the same, reproducible run).
  const Result text = run({"demo", "--verbose"});
  const Result story = run({"demo"});
  const Result js = run({"demo", "--json"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  ASSERT_EQ(js.exit_code, 0) << js.err;
  const json j = parse_json(js.out);
  const json& alone = j["host_alone"];
  const json& host = j["host"];
  EXPECT_EQ(host["work_model"], "physiological");
  EXPECT_EQ(host["state"], "growing");
  EXPECT_EQ(alone["growth_rate_per_h"], host["reference_growth_rate_per_h"]);
  // The default run is long enough for something to happen: both guests boot and the
  // host slows down.
  ASSERT_EQ(j["vms"].size(), 2U);
  for (const auto& vm : j["vms"]) {
    EXPECT_TRUE(vm["boot_complete"].get<bool>()) << vm["vm_id"];
    EXPECT_GT(vm["ribosomes_on_chains"].get<double>(), 0.0);
    EXPECT_GT(vm["mrna"].get<double>(), 0.0);
  }
  const double before = alone["doubling_time_min"].get<double>();
  const double after = host["doubling_time_min"].get<double>();
  EXPECT_GT(after, before * 1.1);
  const double share = host["guest_translation_fraction"].get<double>();
  EXPECT_GT(share, 0.05);
  char line[160];
  std::snprintf(line, sizeof line,
                "Hosting 2 guests slowed the host from %.1f to %.1f min per doubling (guests "
                "make %.1f %% of its protein).",
                before, after, 100.0 * share);
  EXPECT_CONTAINS(text.out, line);
  std::snprintf(line, sizeof line, "doubling every %.1f min.", before);
  EXPECT_CONTAINS(text.out, line);
  // The default story says the same in its own words.
  ASSERT_EQ(story.exit_code, 0) << story.err;
  std::snprintf(line, sizeof line, "The host now doubles every %.1f min instead of %.1f min.",
                after, before);
  EXPECT_CONTAINS(story.out, line);
  std::snprintf(line, sizeof line, "The guests took %.1f %% of the host's translation",
                100.0 * share);
  EXPECT_CONTAINS(story.out, line);
  std::snprintf(line, sizeof line, "growth by %.0f %%.",
                100.0 * (1.0 - host["growth_rate_per_h"].get<double>() /
                                   alone["growth_rate_per_h"].get<double>()));
  EXPECT_CONTAINS(story.out, line);
  // Each guest's share of translation, from its amino acids in the last quantum.
  ASSERT_EQ(j["guest_translation"].size(), 2U);
  double guests_aa = 0;
  for (const auto& g : j["guest_translation"]) {
    EXPECT_GT(g["translation_share"].get<double>(), 0.0);
    guests_aa += g["amino_acids_per_s"].get<double>();
  }
  EXPECT_NEAR(guests_aa, host["guest_translation_aa_per_s"].get<double>(),
              1e-3 * guests_aa + 20.0);  // whole amino acids per quantum of 0.1 s
}

TEST_F(Tool, DemoStoryFitsAnEightyColumnTerminalAndIsTheSameEveryRun) {
  const Result a = run({"demo"});
  const Result b = run({"demo"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  // No wall-clock figures by default: two runs print the same bytes.
  EXPECT_EQ(a.out, b.out);
  EXPECT_EQ(a.out.find("wall-clock"), std::string::npos);
  std::size_t lines = 0;
  for (std::size_t at = 0; at < a.out.size();) {
    const std::size_t end = std::min(a.out.find('\n', at), a.out.size());
    EXPECT_LE(end - at, 80U) << "line " << lines + 1 << ": " << a.out.substr(at, end - at);
    at = end + 1;
    ++lines;
  }
  EXPECT_LT(lines, 40U);
  // What was set up, what each guest made, what it cost the host.
  for (const char* part :
       {"1. Genetic codes", "2. Set-up", "3. What each guest made", "4. What it cost the host",
        "prod_ecoli_01", "prod_syn3a_01", "refused (error BX014)", "In short:"}) {
    EXPECT_CONTAINS(a.out, part);
  }
  // Insider words stay in --verbose.
  for (const char* word : {"RNAP", "priority 5", "quanta"}) {
    EXPECT_EQ(a.out.find(word), std::string::npos) << word;
  }
}

TEST_F(Tool, DemoIgnoresAUserConfigurationFile) {
  spit(path("home/.bioxen/config.json"), "{ this is not json");
  const Result r = run({"demo", "--quanta", "20"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(Tool, DemoJsonIsValidAndReproducible) {
  const Result a = run({"demo", "--json", "--quanta", "300"});
  const Result b = run({"demo", "--json", "--quanta", "300"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  const json ja = parse_json(a.out);
  const json jb = parse_json(b.out);
  ASSERT_EQ(ja["vms"].size(), 2U);
  EXPECT_EQ(ja["quanta"], 300);
  EXPECT_EQ(ja["vms"][0]["vm_id"], "prod_ecoli_01");
  EXPECT_GT(ja["vms"][1]["amino_acids"].get<double>(), 0);
  EXPECT_TRUE(ja["production_checks"]["monitoring_enabled"].get<bool>());
  EXPECT_TRUE(ja["performance"].contains("vm_operations"));
  EXPECT_TRUE(ja["resource_summary"].is_object());
  EXPECT_FALSE(ja["resource_summary"].empty());
  EXPECT_TRUE(ja["host"].is_object());
  EXPECT_TRUE(ja["performance"]["host"].is_object());
  EXPECT_EQ(ja["host"], jb["host"]);  // the host's status is virtual: reproducible too
  // Virtual-time results are bit for bit the same; wall-clock fields may differ.
  for (std::size_t i = 0; i < 2; ++i) {
    for (const char* key :
         {"amino_acids", "proteins_completed", "atp_consumed", "boot_time_seconds"}) {
      EXPECT_EQ(ja["vms"][i][key], jb["vms"][i][key]) << key;
    }
  }
}

TEST_F(Tool, DemoWritesAReport) {
  const Result r = run({"demo", "--quanta", "100", "--report", "demo.html"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string html = slurp(path("demo.html"));
  EXPECT_CONTAINS(html, "data-chart=\"allocation\"");
  EXPECT_CONTAINS(html, "prod_syn3a_01");
  EXPECT_CONTAINS(html, "data-chart=\"host\"");
  EXPECT_CONTAINS(html, "<p class=\"headline\">Hosting 2 guests");
  EXPECT_CONTAINS(html, "<h3>Host cell (physiological work model)</h3>");
}

// --- run -----------------------------------------------------------------------------------

TEST_F(Tool, RunsEveryExampleScenario) {
  for (const auto& entry : fs::directory_iterator(examples)) {
    if (entry.path().extension() != ".json") continue;
    SCOPED_TRACE(entry.path().filename().string());
    const Result r = run({"run", entry.path().string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_CONTAINS(r.out, "Resource summary");
    EXPECT_CONTAINS(r.out, "Per-VM work");
    EXPECT_TRUE(r.err.empty()) << r.err;
  }
}

TEST_F(Tool, RunJsonIsOnlyJsonOnStdout) {
  const Result r = run({"run", (examples / "fair_share.json").string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = parse_json(r.out);
  EXPECT_EQ(j["scenario"]["name"], "fair-share");
  EXPECT_EQ(j["quanta"], 1200);
  EXPECT_DOUBLE_EQ(j["virtual_seconds"].get<double>(), 120.0);
  EXPECT_EQ(j["system_resources"]["scheduler_policy"], "fair_share");
  ASSERT_EQ(j["vms"].size(), 2U);  // ecoli was destroyed at 90 s
  ASSERT_EQ(j["destroyed_vms"].size(), 1U);
  EXPECT_EQ(j["destroyed_vms"][0]["vm_id"], "ecoli");
  EXPECT_EQ(j["events"].size(), 3U);
  EXPECT_EQ(j["events"][0]["action"], "create");
  EXPECT_EQ(j["events"][0]["quantum"], 300);
}

TEST_F(Tool, RunLengthFromTheCommandLine) {
  const auto file = (examples / "two_guests.json").string();
  const json q = parse_json(run({"run", file, "--quanta", "50", "--json"}).out);
  EXPECT_EQ(q["quanta"], 50);
  const json d = parse_json(run({"run", file, "--duration", "25s", "--json"}).out);
  EXPECT_EQ(d["quanta"], 250);
  EXPECT_EQ(d["events"].size(), 1U);  // the resume at 30 s is after the end
  const Result w = run({"run", file, "--duration", "25s"});
  EXPECT_EQ(w.exit_code, 0);
  EXPECT_CONTAINS(w.err, "warning: events[1]: resume at 30s is after the end of the run");
}

TEST_F(Tool, RunWritesASelfContainedReport) {
  const Result r =
      run({"run", (examples / "two_guests.json").string(), "--report", "out/report.html"});
  ASSERT_NE(r.exit_code, 0) << "a missing directory must fail";
  expect_error(r, 4, "BX012", "out/report.html");
  fs::create_directories(path("out"));
  const Result ok =
      run({"run", (examples / "two_guests.json").string(), "--report", "out/report.html"});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_CONTAINS(ok.out, "Report written to out/report.html");
  const std::string html = slurp(path("out/report.html"));
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0U);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  for (const char* chart : {"allocation", "schedule", "atp", "proteins", "host"}) {
    EXPECT_CONTAINS(html, std::string("data-chart=\"") + chart + "\"");
  }
  EXPECT_CONTAINS(html, "pause prod_syn3a_01");
  // The host chart: its growth rate with data, the host alone's rate, the final status.
  EXPECT_CONTAINS(html, "<path class=\"line growth\" data-line=\"growth\" data-points=\"");
  EXPECT_EQ(html.find("data-line=\"growth\" data-points=\"0\""), std::string::npos);
  EXPECT_CONTAINS(html, "<path class=\"line reference\" data-line=\"reference\"");
  EXPECT_CONTAINS(html, "<h3>Host cell (physiological work model)</h3>");
  EXPECT_CONTAINS(html, "<h3>Guests&#39;");
  // Under the capacity work model the host is not modelled: no host chart.
  spit(path("capacity.json"), R"({"duration": "5s", "config": {"work_model": "capacity"},
      "vms": [{"id": "a", "type": "syn3a_recoded"}]})");
  ASSERT_EQ(run({"run", path("capacity.json").string(), "--report", "cap.html"}).exit_code, 0);
  const std::string cap = slurp(path("cap.html"));
  EXPECT_EQ(cap.find("data-chart=\"host\""), std::string::npos);
  EXPECT_CONTAINS(cap, "Host cell (not modelled: capacity work model)");
}

TEST_F(Tool, RunInputErrorsExitThree) {
  const auto scenario = [&](const std::string& name, const std::string& text) {
    spit(path(name), text);
    return path(name).string();
  };
  expect_error(run({"run", "missing.json"}), 3, "BX012", "missing.json");
  expect_error(run({"run", "."}), 3, "BX012", "directory");
  expect_error(run({"run", scenario("syntax.json", "{\n  \"quanta\": 10,\n  \"vms\": [\n")}), 3,
               "BX005", "syntax.json:4:");
  expect_error(run({"run", scenario("key.json", R"({"quanta": 10, "vms": [{"id": "a",
                "type": "syn3a", "alocation": {}}]})")}),
               3, "BX005", "unknown key 'vms[0].alocation' (did you mean 'vms[0].allocation'?)");
  expect_error(run({"run", scenario("type.json",
                                    R"({"quanta": 10, "vms": [{"id": "a", "type": "yeast"}]})")}),
               3, "BX005", "vms[0].type: unknown biological type 'yeast'");
  expect_error(run({"run", scenario("range.json", R"({"quanta": 10, "config": {"max_vms": 0},
                "vms": [{"id": "a", "type": "syn3a"}]})")}),
               3, "BX005", "max_vms");
  expect_error(run({"run", scenario("late.json", R"({"quanta": 10, "vms": [{"id": "a",
                "type": "syn3a"}], "events": [{"at": "5s", "action": "pause", "vm": "a"}]})")}),
               3, "BX005", "events[0].at: 5s is after the end of the run");
  expect_error(
      run({"run",
           scenario("dur.json", R"({"duration": "10", "vms": [{"id": "a", "type": "syn3a"}]})")}),
      3, "BX005", "duration: '10' has no unit");
  spit(path("bad.genome"), "# name: bad\n1 100 100 1 9 g1 nothing\n");
  expect_error(run({"run", scenario("genome.json", R"({"quanta": 10, "vms": [{"id": "a",
                "genome": "bad.genome"}]})")}),
               3, "BX009", "vms[0].genome");
}

TEST_F(Tool, RunRuntimeFailuresExitFour) {
  const auto scenario = [&](const std::string& name, const std::string& text) {
    spit(path(name), text);
    return path(name).string();
  };
  expect_error(run({"run", scenario("greedy.json", R"({"quanta": 10, "vms": [{"id": "a",
                "type": "syn3a_recoded", "allocation": {"ribosomes": 61}}]})")}),
               4, "BX002", "vms[0] (a)");
  expect_error(run({"run", scenario("crowd.json", R"({"quanta": 10, "config": {"max_vms": 1},
                "vms": [{"id": "a", "type": "syn3a_recoded"},
                        {"id": "b", "type": "syn3a_recoded"}]})")}),
               4, "BX004", "vms[1] (b)");
  expect_error(run({"run", scenario("twice.json", R"({"quanta": 10, "vms": [{"id": "a",
                "type": "syn3a_recoded"}], "events": [{"at": 2, "action": "resume", "vm": "a"}]})")}),
               4, "BX007", "events[0] (at 0.200 s: resume a)");
  expect_error(run({"run", scenario("late.json", R"({"quanta": 10, "config": {"max_vms": 1},
                "vms": [{"id": "a", "type": "syn3a_recoded"}],
                "events": [{"at": 1, "action": "create", "vm": "b", "type": "syn3a_recoded"}]})")}),
               4, "BX004", "events[0] (at 0.100 s: create b)");
  // syn3A (table 4) on the default E. coli chassis (table 11): refused unless allowed.
  expect_error(run({"run", scenario("code.json", R"({"quanta": 10, "vms": [{"id": "a",
                "type": "syn3a"}]})")}),
               4, "BX014",
               "vms[0] (a): cannot create VM 'a': genome 'syn3a' uses translation table 4");
  spit(path("allowed.json"), R"({"quanta": 10, "vms": [{"id": "a", "type": "syn3a",
      "allocation": {"allow_incompatible_code": true}}]})");
  const Result allowed = run({"run", path("allowed.json").string()});
  EXPECT_EQ(allowed.exit_code, 0) << allowed.err;
  spit(path("host.json"), R"({"quanta": 10, "chassis": "syn3a",
      "vms": [{"id": "a", "type": "syn3a"}]})");
  const Result host = run({"run", path("host.json").string()});
  EXPECT_EQ(host.exit_code, 0) << host.err;
  // --json: the error as JSON on stdout too, and nothing else there.
  const Result j = run({"run", path("twice.json").string(), "--json"});
  EXPECT_EQ(j.exit_code, 4);
  const json e = parse_json(j.out);
  EXPECT_EQ(e["error"]["code"], "BX007");
  EXPECT_EQ(e["error"]["name"], "invalid_state_transition");
  EXPECT_EQ(e["error"]["exit_code"], 4);
}

// --- sweep ---------------------------------------------------------------------------------

/// A small sweep: two guests, their ribosome units and the policy varied (3 x 3 points, a
/// minute of virtual time), one value (200 units) that admission refuses.
std::string small_sweep(const std::string& extra = "") {
  return R"({"name": "small",
    "base": {"chassis": "ecoli", "config": {"log_level": "WARNING"}, "duration": "1m",
             "vms": [{"id": "g1", "type": "syn3a_recoded", "allocation": {"ribosomes": 10}},
                     {"id": "g2", "type": "ecoli", "allocation": {"ribosomes": 10}}]},
    "parameters": [
      {"path": "vms[0].allocation.ribosomes", "name": "g1_units", "values": [5, 20, 200]},
      {"path": "config.scheduler_policy", "name": "policy",
       "values": ["round_robin", "fair_share", "priority"]}])" +
         extra + "}";
}

TEST_F(Tool, SweepWritesOneRowPerPointInOrderWhateverTheThreads) {
  spit(path("s.json"), small_sweep());
  const Result one =
      run({"sweep", "s.json", "--out", "one.csv", "--jsonl", "one.jsonl", "--jobs", "1"});
  EXPECT_EQ(one.exit_code, 5) << one.out << one.err;  // the 200-unit points fail
  EXPECT_CONTAINS(one.out, "Sweep small: 9 points, 9 run (3 failed) in ");
  const Result two =
      run({"sweep", "s.json", "--out", "two.csv", "--jsonl", "two.jsonl", "--jobs", "2"});
  EXPECT_EQ(two.exit_code, 5) << two.err;
  const std::string csv = slurp(path("one.csv"));
  EXPECT_EQ(csv, slurp(path("two.csv")));  // the same bytes with 1 and 2 threads
  EXPECT_EQ(slurp(path("one.jsonl")), slurp(path("two.jsonl")));
  std::istringstream lines(csv);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line.rfind("point,g1_units,policy,status,error_code,error_message,host_state,", 0), 0U)
      << line;
  EXPECT_CONTAINS(line, ",g1.amino_acids,");
  EXPECT_CONTAINS(line, ",g2.boot_time_s,");
  for (int i = 0; i < 9; ++i) {
    ASSERT_TRUE(std::getline(lines, line));
    EXPECT_EQ(line.rfind(std::to_string(i) + ",", 0), 0U) << line;
    if (i >= 6) {
      EXPECT_CONTAINS(line, ",failed,BX");  // 200 units: more than the host has
    } else {
      EXPECT_CONTAINS(line, ",ok,,,growing,");
    }
  }
  EXPECT_FALSE(std::getline(lines, line)) << line;
  // Each JSON line parses, in point order.
  std::istringstream jl(slurp(path("one.jsonl")));
  for (int i = 0; i < 9; ++i) {
    ASSERT_TRUE(std::getline(jl, line));
    const json j = parse_json(line);
    EXPECT_EQ(j["point"], i);
    EXPECT_EQ(j["status"], i >= 6 ? "failed" : "ok");
    if (i < 6) {
      EXPECT_GT(j["metrics"]["g1.amino_acids"].get<double>(), 0) << line;
    }
  }
  // Without a file the CSV goes to stdout, the summary to stderr.
  const Result out = run({"sweep", "s.json", "--jobs", "2"});
  EXPECT_EQ(out.out, csv);
  EXPECT_CONTAINS(out.err, "Sweep small: 9 points");
}

TEST_F(Tool, SweepResumeRunsOnlyTheMissingPoints) {
  spit(path("s.json"), small_sweep());
  ASSERT_EQ(run({"sweep", "s.json", "--out", "full.csv"}).exit_code, 5);
  const std::string full = slurp(path("full.csv"));
  // A file with the header and points 0, 1 and 4, as a killed sweep leaves it.
  std::istringstream lines(full);
  std::vector<std::string> rows;
  for (std::string l; std::getline(lines, l);) rows.push_back(l + "\n");
  ASSERT_EQ(rows.size(), 10U);
  spit(path("part.csv"), rows[0] + rows[1] + rows[2] + rows[5]);
  const Result again = run({"sweep", "s.json", "--out", "part.csv"});
  expect_error(again, 2, "BX011", "'part.csv' exists: --resume to continue");
  EXPECT_EQ(slurp(path("part.csv")), rows[0] + rows[1] + rows[2] + rows[5]);  // untouched
  const Result resumed = run({"sweep", "s.json", "--out", "part.csv", "--resume", "--json"});
  EXPECT_EQ(resumed.exit_code, 5) << resumed.err;
  const json j = parse_json(resumed.out);
  EXPECT_EQ(j["resumed"], 3);
  EXPECT_EQ(j["run"], 6);
  EXPECT_EQ(j["format_version"], 1);
  EXPECT_EQ(slurp(path("part.csv")), full);
  // Results of another sweep are refused, and left as they are.
  spit(path("other.csv"), "point,x\n0,1\n");
  const Result other = run({"sweep", "s.json", "--out", "other.csv", "--resume"});
  expect_error(other, 3, "BX005",
               "other.csv:1: its columns are not this sweep's (the first line differs)");
  EXPECT_EQ(slurp(path("other.csv")), "point,x\n0,1\n");
  // A row whose values are not the point's.
  std::string edited = rows[0] + rows[1];
  edited.replace(edited.find("\n0,5,") + 3, 1, "7");
  spit(path("edited.csv"), edited);
  expect_error(run({"sweep", "s.json", "--out", "edited.csv", "--resume"}), 3, "BX005",
               "edited.csv:2: point 0 has g1_units = '7', this sweep's point 0 has '5'");
  // --overwrite starts again.
  const Result over = run({"sweep", "s.json", "--out", "other.csv", "--overwrite"});
  EXPECT_EQ(over.exit_code, 5) << over.err;
  EXPECT_EQ(slurp(path("other.csv")), full);
}

TEST_F(Tool, SweepKilledMidwayLeavesWholeRowsAndResumes) {
  // Enough to be killed in the middle: 58 points of three hours, seconds on one thread.
  spit(path("long.json"), R"({"name": "long",
    "base": {"chassis": "ecoli", "config": {"log_level": "WARNING"}, "duration": "3h",
             "vms": [{"id": "g", "type": "syn3a_recoded"}]},
    "parameters": [{"path": "vms[0].allocation.ribosomes",
                    "range": {"from": 1, "to": 58, "steps": 58, "integer": true}}]})");
  ASSERT_EQ(run({"sweep", "long.json", "--out", "ref.csv", "--jobs", "2"}).exit_code, 0);
  const std::string ref = slurp(path("ref.csv"));
  // The same sweep on one thread, killed (SIGKILL) once its file holds two rows (results
  // are published about once a second).
  const std::string cmd =
      "cd " + quote(dir_.string()) + " && { " + quote(BIOXEN_CLI_EXE) +
      " sweep long.json --out cut.csv --jobs 1 >/dev/null 2>&1 & pid=$!; "
      "while [ \"$(cat cut.csv 2>/dev/null | wc -l)\" -lt 3 ]; do sleep 0.02; done; "
      "kill -9 $pid; wait $pid; true; } 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const std::string cut = slurp(path("cut.csv"));
  ASSERT_FALSE(cut.empty());
  ASSERT_LT(cut.size(), ref.size()) << "the sweep ended before it was killed: make it longer";
  EXPECT_EQ(ref.compare(0, cut.size(), cut), 0) << "not a prefix of whole rows:\n" << cut;
  EXPECT_EQ(cut.back(), '\n');
  std::vector<std::string> leftovers;
  for (const auto& e : fs::directory_iterator(dir_)) {
    if (e.path().filename().string().find("cut.csv.") == 0) leftovers.push_back(e.path());
  }
  EXPECT_TRUE(leftovers.empty()) << leftovers.front();
  const Result resumed = run({"sweep", "long.json", "--out", "cut.csv", "--resume"});
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(slurp(path("cut.csv")), ref);
}

TEST_F(Tool, SweepErrorsBeforeAnythingRuns) {
  spit(path("bad_value.json"),
       small_sweep().replace(small_sweep().find("[5, 20, 200]"), 12, "[5, -3, 200]"));
  expect_error(run({"sweep", "bad_value.json", "--out", "r.csv"}), 3, "BX005",
               "bad_value.json: parameters[0]: vms[0].allocation.ribosomes = -3: ");
  EXPECT_FALSE(fs::exists(path("r.csv")));
  spit(path("syntax.json"), "{\n  \"base\": {},\n  \"parameters\": [,]\n}\n");
  expect_error(run({"sweep", "syntax.json"}), 3, "BX005", "syntax.json:3:");
  spit(path("path.json"), small_sweep().replace(small_sweep().find("vms[0].allocation.ribosomes"),
                                                27, "vms[4].allocation.ribosomes"));
  expect_error(run({"sweep", "path.json"}), 3, "BX005",
               "path.json: parameters[0]: vms[4].allocation.ribosomes = 5: there is no vms[4]: "
               "'vms' has 2 elements (0 to 1)");
  expect_error(run({"sweep", "missing.json"}), 3, "BX012", "missing.json");
  expect_error(run({"sweep", "path.json", "--resume"}), 2, "BX011",
               "--resume needs the results to continue");
  expect_error(run({"sweep", "path.json", "--jobs", "0"}), 2, "BX011", "out of range (1 to 1024)");
}

// --- shell ---------------------------------------------------------------------------------

TEST_F(Tool, PipedShellSession) {
  const std::string session =
      "help\n"
      "# a comment line is ignored\n"
      "chassis yeast\n"
      "chassis syn3a\n"
      "chassis ecoli\n"
      "create vm1 syn3a_recoded ribosomes=20 atp=25\n"
      "2\n"  // menu number of create: guided questions follow
      "vm2\n"
      "5\n"  // minimal_cell_recoded
      "\n"   // ribosomes: auto
      "30\n"
      "3\n"  // priority 3
      "start vm1\n"
      "start\n"
      "vm2\n"
      "run 20\n"
      "pause vm1\n"
      "run 2s\n"
      "resume vm1\n"
      "status\n"
      "monitor\n"
      "snapshot snap.json\n"
      "stop vm2\n"
      "destroy vm2\n"
      "status\n"
      "exit\n"
      "status\n";  // never read
  const Result r = run({"shell"}, session);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  for (const char* part : {"bioxen> chassis yeast",
                           "Chassis yeast",
                           "Chassis syn3a: JCVI-syn3A minimal cell",
                           "Created vm1 (syn3a_recoded): 20 ribosome units, 25 % ATP",
                           "Biological type",
                           "Created vm2 (minimal_cell_recoded)",
                           "30 % ATP",
                           "priority 3",
                           "vm1: running",
                           "vm2: running",
                           "Ran 20 quanta",
                           "vm1: paused",
                           "Ran 20 quanta",
                           "vm1: running",
                           "Resource summary",
                           "Per-VM work",
                           "Performance summary",
                           "create_vm",
                           "Saved a snapshot of 2 VM(s) at virtual time 4.000 s to snap.json",
                           "Destroyed vm2",
                           "Bye."}) {
    EXPECT_CONTAINS(r.out, part);
  }
  const json snap = parse_json(slurp(path("snap.json")));
  EXPECT_TRUE(snap.is_object());
}

TEST_F(Tool, ShellRunsAGuestOfAnotherCodeOnlyWhenAllowed) {
  const std::string session =
      "create vm1 syn3a\n"
      "create vm2 syn3a allow_incompatible_code=maybe\n"
      "create vm3 syn3a allow_incompatible_code=true\n"
      "status\n"
      "exit\n";
  const Result r = run({"shell"}, session);
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;  // the first failure: BX014, a runtime refusal
  EXPECT_CONTAINS(r.err, "BX014");
  EXPECT_CONTAINS(r.err, "343 of its 455 proteins would be truncated");
  EXPECT_CONTAINS(r.err, "allow_incompatible_code: expected true or false, got 'maybe'");
  EXPECT_CONTAINS(r.out, "Created vm3 (syn3a)");
  EXPECT_CONTAINS(r.out, "4 read as 11: 343 truncated, cannot boot");
  EXPECT_FALSE(r.out.find("Created vm1") != std::string::npos) << r.out;
}

TEST_F(Tool, ShellEndsCleanlyAtEndOfInput) {
  for (const char* input : {"", "status\n", "create\nvm9\n", "status"}) {
    const Result r = run({"shell"}, input);
    EXPECT_EQ(r.exit_code, 0) << input << r.err;
    EXPECT_CONTAINS(r.out, "Bye.");
  }
}

TEST_F(Tool, ShellReportsErrorsAndGoesOn) {
  const Result r = run({"shell"},
                       "frobnicate\nstart ghost\ncreate vm1 syn3a_recoded\nresume vm1\n"
                       "create vm1 syn3a_recoded\ncreate vm2 syn3a\nchassis yeast\nstart vm1\n"
                       "status\n");
  EXPECT_EQ(r.exit_code, 3);  // the first failure (unknown command: BX011, input)
  EXPECT_CONTAINS(r.err, "error [BX011]: unknown command 'frobnicate'");
  EXPECT_CONTAINS(r.err, "error [BX006]: ");
  EXPECT_CONTAINS(r.err, "error [BX007]: ");
  EXPECT_CONTAINS(r.err, "error [BX010]: ");
  EXPECT_CONTAINS(r.err,
                  "error [BX014]: cannot create VM 'vm2': genome 'syn3a' uses translation table 4");
  EXPECT_CONTAINS(r.err, "destroy them before changing it");
  EXPECT_CONTAINS(r.out, "vm1: running");  // later commands still ran
  const Result rt = run({"shell"}, "create a syn3a_recoded ribosomes=61\n");
  EXPECT_EQ(rt.exit_code, 4);
  EXPECT_CONTAINS(rt.err, "error [BX002]: ");
  // An allocation key has the one phrasing of unknown keys, with the nearest key suggested.
  const Result key = run({"shell"}, "create a syn3a ribosome=20\ncreate b syn3a colour=2\n");
  EXPECT_EQ(key.exit_code, 3);
  EXPECT_CONTAINS(key.err,
                  "error [BX011]: unknown allocation key 'ribosome' (did you mean "
                  "'ribosomes'?)");
  EXPECT_CONTAINS(key.err,
                  "error [BX011]: unknown allocation key 'colour' (valid keys: ribosomes, "
                  "atp, atp_percentage, rnap, rna_polymerase, memory, memory_kb, priority, "
                  "allow_incompatible_code)");
}

// Numbers that do not fit their field are refused, never truncated to small ones.
TEST_F(Tool, ShellRefusesNumbersBeyondTheirField) {
  const Result r = run({"shell"},
                       "create a syn3a_recoded ribosomes=4294967306\n"
                       "create b syn3a_recoded priority=4294967299\n"
                       "create c syn3a_recoded rnap=99999999999999999999\n"
                       "create d syn3a_recoded memory=0\n"
                       "run 18446744073709551615\n"
                       "run 10000000001\n"
                       "status\n");
  EXPECT_CONTAINS(r.err,
                  "error [BX011]: ribosomes: '4294967306' is out of range (at most "
                  "2147483647)");
  EXPECT_CONTAINS(r.err, "error [BX011]: priority: '4294967299' is out of range");
  EXPECT_CONTAINS(r.err, "error [BX011]: rnap: '99999999999999999999' is out of range");
  EXPECT_CONTAINS(r.err,
                  "error [BX002]: invalid allocation for VM 'd': memory_kb = 0 must be in "
                  "[1, ");
  EXPECT_CONTAINS(r.err, "error [BX011]: quanta: '18446744073709551615' is out of range");
  EXPECT_CONTAINS(r.err,
                  "error [BX011]: running 10000000001 quanta would take the virtual clock "
                  "past its end");
  EXPECT_CONTAINS(r.out, "No VMs");  // nothing was created, nothing ran
}

// A configuration file named on the command line must exist: no defaults in its place.
TEST_F(Tool, ShellConfigFileMustExist) {
  expect_error(run({"shell", "--config", "missing.json"}, "exit\n"), 3, "BX012",
               "cannot read configuration file 'missing.json'");
  spit(path("c.json"), R"({"max_vms": 3})");
  const Result ok = run({"shell", "--config", "c.json"}, "exit\n");
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

// A run whose end would pass the virtual clock's range is refused before it starts.
TEST_F(Tool, RunPastTheClockIsRefusedBeforeItStarts) {
  const std::string scenario = (examples / "two_guests.json").string();
  for (const char* quanta : {"18446744073709551615", "18446744073709551616", "10000000001"}) {
    const Result r = run({"run", scenario, "--quanta", quanta, "--no-progress"});
    EXPECT_NE(r.exit_code, 0) << quanta;
    EXPECT_NE(r.exit_code, -1) << quanta;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  expect_error(run({"run", scenario, "--quanta", "10000000001"}), 3, "BX005",
               "--quanta: 10000000001 quanta of 100 ms would take the virtual clock past its end");
}

// JSON read strictly: a NUL byte after the document and a key given twice are errors.
TEST_F(Tool, ScenarioJsonIsReadStrictly) {
  spit(path("nul.json"), std::string(R"({"quanta": 10, "vms": [{"id": "a", "type": "syn3a"}]})") +
                             std::string(1, '\0') + "garbage");
  expect_error(run({"run", "nul.json"}), 3, "BX005", "nul.json:1:");
  EXPECT_CONTAINS(run({"run", "nul.json"}).err, "a NUL byte");
  spit(path("dup.json"), R"({"quanta": 10, "quanta": 20, "vms": [{"id": "a", "type": "syn3a"}]})");
  expect_error(run({"run", "dup.json"}), 3, "BX005",
               "dup.json: malformed JSON: duplicate key 'quanta'");
  spit(
      path("dup2.json"),
      R"({"quanta": 10, "vms": [{"id": "a", "type": "syn3a", "allocation": {"priority": 1, "priority": 5}}]})");
  expect_error(run({"run", "dup2.json"}), 3, "BX005", "duplicate key 'vms[0].allocation.priority'");
  spit(path("huge.json"), R"({"quanta": 1e400, "vms": [{"id": "a", "type": "syn3a"}]})");
  expect_error(run({"run", "huge.json"}), 3, "BX005", "huge.json:1:");
  EXPECT_CONTAINS(run({"run", "huge.json"}).err, "number overflow");
  spit(path("chassis.json"),
       R"({"quanta": 10, "chassis": {"base": "ecoli", "genome_space_kb": 18446744073709551615},
                "vms": [{"id": "a", "type": "syn3a_recoded"}]})");
  expect_error(run({"run", "chassis.json"}), 3, "BX003", "chassis.genome_space_kb");
}

// --chassis takes every chassis kind; syn3A runs on its own host, which reads table 4.
TEST_F(Tool, ShellStartsOnAnyChassis) {
  const Result r =
      run({"shell", "--chassis", "syn3a"}, "help\ncreate vm1 syn3a\nstart vm1\nrun 5\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "JCVI-syn3A minimal cell chassis");
  EXPECT_CONTAINS(r.out, "Created vm1 (syn3a)");
  EXPECT_CONTAINS(r.out, "vm1: running");
  const Result o = run({"shell", "--chassis", "orthogonal"}, "create vm1 syn3a_recoded\n");
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_CONTAINS(o.out, "Created vm1 (syn3a_recoded)");
  EXPECT_EQ(run({"shell", "--chassis", "plant"}, "").exit_code, 2);
}

TEST_F(Tool, ShellRestoresASnapshot) {
  const Result a = run({"shell"}, "create vm1 syn3a_recoded\nstart vm1\nrun 30\nsnapshot s.json\n");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  const Result b = run({"shell"}, "restore s.json\nstatus\nrestore nope.json\n");
  EXPECT_EQ(b.exit_code, 3);
  EXPECT_CONTAINS(b.out, "Restored 1 VM(s) at virtual time 3.000 s from s.json");
  EXPECT_CONTAINS(b.out, "vm1");
  EXPECT_CONTAINS(b.err, "error [BX012]: cannot read snapshot file 'nope.json'");
}

// --- output files: what the file system gets in the way is BX012 and changes nothing --------

/// The entries of the scratch directory `dir`, sorted.
std::vector<std::string> entries_of(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST_F(Tool, OutputFilesBlockedByTheFileSystemAreBX012AndChangeNothing) {
  const std::string scenario = (examples / "two_guests.json").string();
  // The report's path is a directory.
  fs::create_directories(path("out/report.html/inside"));
  Result r = run({"run", scenario, "--quanta", "400", "--report", "out/report.html"});
  expect_error(r, 4, "BX012", "cannot write 'out/report.html': rename: Is a directory");
  EXPECT_TRUE(fs::is_directory(path("out/report.html/inside")));
  EXPECT_EQ(entries_of(path("out")), std::vector<std::string>{"report.html"});
  // Its directory is a file.
  spit(path("blocker"), "a file");
  r = run({"run", scenario, "--quanta", "400", "--report", "blocker/report.html"});
  expect_error(r, 4, "BX012", "cannot write 'blocker/report.html': create: Not a directory");
  EXPECT_EQ(slurp(path("blocker")), "a file");
  // The demo's report and the shell's snapshot go the same way.
  expect_error(run({"demo", "--quanta", "20", "--report", "out/report.html"}), 4, "BX012",
               "rename: Is a directory");
  r = run({"shell"}, "create vm1 syn3a_recoded\nsnapshot out/report.html\n");
  EXPECT_CONTAINS(r.err, "error [BX012]: cannot write 'out/report.html': rename: Is a directory");
  EXPECT_EQ(entries_of(path("out")), std::vector<std::string>{"report.html"});
}

// --- config --------------------------------------------------------------------------------

TEST_F(Tool, ConfigInitShowValidate) {
  const Result init = run({"config", "init", "--path", "c/config.json"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_CONTAINS(init.out, "c/config.json");
  const auto perms = fs::status(path("c/config.json")).permissions();
  EXPECT_EQ(perms & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
  EXPECT_EQ(parse_json(slurp(path("c/config.json")))["max_vms"], 4);

  expect_error(run({"config", "init", "--path", "c/config.json"}), 3, "BX012", "--force");
  EXPECT_EQ(run({"config", "init", "--path", "c/config.json", "--force"}).exit_code, 0);

  const Result show = run({"config", "show", "--path", "c/config.json"}, "", {"BIOXEN_MAX_VMS=6"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_CONTAINS(show.out, "max_vms");
  EXPECT_CONTAINS(show.out, "BIOXEN_MAX_VMS");
  EXPECT_CONTAINS(show.out, "file");
  const json shown = parse_json(
      run({"config", "show", "--path", "c/config.json", "--json"}, "", {"BIOXEN_MAX_VMS=6"}).out);
  EXPECT_EQ(shown["config"]["max_vms"], 6);
  EXPECT_EQ(shown["sources"]["max_vms"], "BIOXEN_MAX_VMS");
  EXPECT_TRUE(shown["file_found"].get<bool>());

  const Result ok = run({"config", "validate", "--path", "c/config.json"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_CONTAINS(ok.out, "vm_limits_reasonable");
  const json v = parse_json(run({"config", "validate", "--path", "c/config.json", "--json"}).out);
  EXPECT_TRUE(v["valid"].get<bool>());
  EXPECT_EQ(v["checks"].size(), 5U);
}

TEST_F(Tool, ConfigInitFollowsADanglingSymlinkAndRefusesOneIntoAMissingDirectory) {
  fs::create_directories(path("dotfiles"));
  fs::create_directories(path("c"));
  fs::create_symlink("../dotfiles/bioxen.json", path("c/config.json"));
  const Result init = run({"config", "init", "--path", "c/config.json"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_TRUE(fs::is_symlink(path("c/config.json")));
  EXPECT_EQ(fs::read_symlink(path("c/config.json")), "../dotfiles/bioxen.json");
  EXPECT_EQ(parse_json(slurp(path("dotfiles/bioxen.json")))["max_vms"], 4);
  EXPECT_EQ(fs::status(path("dotfiles/bioxen.json")).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  // Now the link names a file: init is refused without --force, and --force keeps the link.
  expect_error(run({"config", "init", "--path", "c/config.json"}), 3, "BX012", "--force");
  EXPECT_EQ(run({"config", "init", "--path", "c/config.json", "--force"}).exit_code, 0);
  EXPECT_TRUE(fs::is_symlink(path("c/config.json")));

  fs::create_symlink("../nowhere/bioxen.json", path("c/other.json"));
  const Result refused = run({"config", "init", "--path", "c/other.json", "--json"});
  EXPECT_EQ(refused.exit_code, 3) << refused.out << refused.err;
  const json e = parse_json(refused.out)["error"];
  EXPECT_EQ(e["code"], "BX012");
  EXPECT_EQ(e["details"]["file"], "c/other.json");
  EXPECT_EQ(e["details"]["step"], "symlink");
  EXPECT_CONTAINS(e["message"].get<std::string>(), "which does not exist");
  EXPECT_EQ(fs::read_symlink(path("c/other.json")), "../nowhere/bioxen.json");
  EXPECT_FALSE(fs::exists(path("nowhere")));
}

TEST_F(Tool, ConfigInitForceOntoADirectoryIsBX012AndLeavesIt) {
  fs::create_directories(path("c/config.json/inside"));
  expect_error(run({"config", "init", "--path", "c/config.json"}), 3, "BX012", "exists already");
  expect_error(run({"config", "init", "--path", "c/config.json", "--force"}), 3, "BX012",
               "cannot write 'c/config.json': rename: Is a directory");
  EXPECT_TRUE(fs::is_directory(path("c/config.json/inside")));
  EXPECT_EQ(entries_of(path("c")), std::vector<std::string>{"config.json"});
}

TEST_F(Tool, ConfigDefaultPathIsUnderHome) {
  const Result init = run({"config", "init"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_TRUE(fs::exists(path("home/.bioxen/config.json")));
  const Result env = run({"config", "show", "--json"}, "", {"BIOXEN_CONFIG=elsewhere.json"});
  EXPECT_EQ(parse_json(env.out)["path"], "elsewhere.json");
  EXPECT_EQ(run({"config", "validate"}).exit_code, 0);
}

TEST_F(Tool, ConfigErrors) {
  spit(path("unknown.json"), "{\"max_vm\": 4}\n");
  expect_error(run({"config", "validate", "--path", "unknown.json"}), 3, "BX005", "max_vm");
  spit(path("syntax.json"), "{\n  \"max_vms\": 4,\n}\n");
  expect_error(run({"config", "show", "--path", "syntax.json"}), 3, "BX005", "syntax.json:3:");
  spit(path("risky.json"), "{\"max_vms\": 12, \"enable_monitoring\": false}\n");
  const Result risky = run({"config", "validate", "--path", "risky.json"});
  expect_error(risky, 3, "BX005", "monitoring_enabled, vm_limits_reasonable");
  EXPECT_CONTAINS(risky.out, "FAIL");
  expect_error(run({"config", "validate", "--path", "none.json"}), 3, "BX012", "none.json");
  expect_error(run({"config", "show"}, "", {"BIOXEN_MAX_VMS=many"}), 3, "BX005", "BIOXEN_MAX_VMS");
  const Result j = run({"config", "validate", "--path", "unknown.json", "--json"});
  EXPECT_EQ(parse_json(j.out)["error"]["code"], "BX005");
}

// --- types and genome info -----------------------------------------------------------------

TEST_F(Tool, TypesListsWhatTheLibraryKnows) {
  const Result r = run({"types"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* part :
       {"syn3a", "minimal_cell", "ecoli", "basic", "xcpng", "yeast", "JCVI-syn3A minimal cell",
        "orthogonal", "E. coli K-12 MG1655 with orthogonal ribosomes", "round_robin", "fair_share",
        "priority"}) {
    EXPECT_CONTAINS(r.out, part);
  }
  const json j = parse_json(run({"types", "--json"}).out);
  EXPECT_EQ(j["biological_types"].size(), 3U);  // the factory's types
  EXPECT_EQ(j["vm_types"].size(), 2U);
  ASSERT_EQ(j["chassis"].size(), 4U);  // ecoli, yeast, syn3a, orthogonal
  EXPECT_EQ(j["chassis"][2]["chassis"], "syn3a");
  EXPECT_EQ(j["chassis"][2]["profile"]["genetic_codes"], json({4}));
  EXPECT_EQ(j["chassis"][3]["chassis"], "orthogonal");
  EXPECT_EQ(j["scheduler_policies"].size(), 3U);
}

TEST_F(Tool, GenomeInfo) {
  const Result builtin = run({"genome", "info", "syn3a"});
  ASSERT_EQ(builtin.exit_code, 0) << builtin.err;
  EXPECT_CONTAINS(builtin.out, "CP016816");
  EXPECT_CONTAINS(builtin.out, "Resident in");
  const auto toy = (examples / "genomes" / "toy_minimal.genome").string();
  const Result file = run({"genome", "info", toy});
  ASSERT_EQ(file.exit_code, 0) << file.err;
  EXPECT_CONTAINS(file.out, "Toy minimal cell");
  const json j = parse_json(run({"genome", "info", toy, "--json", "--memory-kb", "5"}).out);
  EXPECT_EQ(j["genome"]["genes"], 12);
  EXPECT_EQ(j["resident"]["memory_kb"], 5);
  EXPECT_LT(j["resident"]["resident_genes"].get<int>(), 12);

  expect_error(run({"genome", "info", "nothing.tsv"}), 3, "BX012", "nothing.tsv");
  spit(path("bad.genome"), "# name: bad\n1 100 100 1 9 g1 nothing\n");
  expect_error(run({"genome", "info", "bad.genome"}), 3, "BX009", "bad.genome");
  const Result je = run({"genome", "info", "bad.genome", "--json"});
  EXPECT_EQ(parse_json(je.out)["error"]["code"], "BX009");
}

// --- validate ------------------------------------------------------------------------------

TEST_F(Tool, ValidateIsListedAndHasHelp) {
  EXPECT_CONTAINS(run({"--help"}).out, "validate");
  const Result r = run({"validate", "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* part : {"Usage:", "--json", "--report", "--cross-validate", "--phi-c"}) {
    EXPECT_CONTAINS(r.out, part);
  }
}

TEST_F(Tool, ValidatePrintsBothComparisonsAndPasses) {
  const Result r = run({"validate"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  for (const char* part :
       {"Scott et al. 2010", "unneeded-A", "unneeded-B", "unneeded-C", "data lambda/lambda0",
        "model lambda/lambda0", "RMS error of lambda/lambda0: ", "(target <= 0.08): pass",
        "phi_c 0.484", "misses the target", "Bremer & Dennis 2008", "58.08", "-3.2 %",
        "(target: within 5 %): pass", "Validation passed."}) {
    EXPECT_CONTAINS(r.out, part);
  }
  EXPECT_EQ(r.out.find("Leave-one-medium-out"), std::string::npos);
  EXPECT_TRUE(fs::is_empty(path("home"))) << "validate wrote into HOME";
}

TEST_F(Tool, ValidateJsonHasEveryPoint) {
  const Result r = run({"validate", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = parse_json(r.out);
  EXPECT_TRUE(j["passed"].get<bool>());
  EXPECT_TRUE(j["failures"].empty());
  const json& u = j["unneeded_protein"];
  ASSERT_EQ(u["points"].size(), 32U);
  EXPECT_EQ(u["points"][0]["medium"], "unneeded-A");
  EXPECT_EQ(u["points"][31]["medium"], "unneeded-C");
  for (const auto& p : u["points"]) {
    EXPECT_NEAR(p["model_guest_fraction"].get<double>(), p["unneeded_fraction"].get<double>(),
                1e-3);
    EXPECT_NEAR(p["error"].get<double>(),
                p["model_relative_growth"].get<double>() - p["data_relative_growth"].get<double>(),
                1e-12);
  }
  EXPECT_LE(u["rms_error"].get<double>(), 0.08);
  EXPECT_DOUBLE_EQ(u["rms_target"].get<double>(), 0.08);
  EXPECT_DOUBLE_EQ(u["alternative"]["phi_c"].get<double>(), 0.484);
  EXPECT_GT(u["alternative"]["rms_error"].get<double>(), 0.08);
  EXPECT_FALSE(u["alternative"]["passed"].get<bool>());
  ASSERT_EQ(j["bremer_dennis"]["rows"].size(), 5U);
  for (const auto& row : j["bremer_dennis"]["rows"]) {
    EXPECT_LE(std::abs(row["doubling_time_error"].get<double>()), 0.05);
  }
  EXPECT_FALSE(j.contains("cross_validation"));
  EXPECT_FALSE(j.contains("report"));
  // Bit for bit the same on every run.
  EXPECT_EQ(run({"validate", "--json"}).out, r.out);
}

TEST_F(Tool, ValidateCrossValidatesEachMedium) {
  const Result r = run({"validate", "--cross-validate"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "Leave one medium out");
  EXPECT_CONTAINS(r.out, "Leave-one-medium-out RMS: ");
  const json j = parse_json(run({"validate", "--cross-validate", "--json"}).out);
  const json& cv = j["cross_validation"];
  ASSERT_EQ(cv["folds"].size(), 3U);
  EXPECT_EQ(cv["points"], 32);
  std::size_t points = 0;
  for (const auto& f : cv["folds"]) {
    EXPECT_GT(f["phi_c"].get<double>(), 0.3) << f.dump();
    EXPECT_LT(f["phi_c"].get<double>(), 0.45) << f.dump();
    points += f["points"].get<std::size_t>();
  }
  EXPECT_EQ(points, 32U);
  EXPECT_LE(cv["rms_error"].get<double>(), 0.08);
  EXPECT_TRUE(cv["passed"].get<bool>());
}

TEST_F(Tool, ValidateWritesTwoSvgPlots) {
  const Result r = run({"validate", "--report", "plots/new"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_CONTAINS(r.out,
                  "Plots written to plots/new/unneeded_protein.svg and "
                  "plots/new/bremer_dennis.svg");
  for (const char* name : {"unneeded_protein.svg", "bremer_dennis.svg"}) {
    SCOPED_TRACE(name);
    const std::string svg = slurp(path("plots/new") / name);
    ASSERT_FALSE(svg.empty());
    EXPECT_TRUE(svg.rfind("<svg", 0) == 0 || svg.rfind("<?xml", 0) == 0) << svg.substr(0, 80);
    EXPECT_CONTAINS(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"");
    EXPECT_CONTAINS(svg, "</svg>");
    EXPECT_EQ(svg.find("</svg>"), svg.size() - 7);   // "</svg>\n" ends the file
    EXPECT_EQ(svg.find("href"), std::string::npos);  // self-contained
    EXPECT_EQ(svg.find("<script"), std::string::npos);
    EXPECT_EQ(svg.find(" & "), std::string::npos);  // ampersands are escaped
  }
  const std::string u = slurp(path("plots/new/unneeded_protein.svg"));
  for (const char* medium : {"unneeded-A", "unneeded-B", "unneeded-C"}) {
    EXPECT_CONTAINS(u, std::string("data-medium=\"") + medium + "\"");
  }
  EXPECT_CONTAINS(u, "stroke-dasharray");  // the phi_c 0.484 line
  EXPECT_CONTAINS(slurp(path("plots/new/bremer_dennis.svg")), "Ribosomes per cell");

  // The same bytes on every run; --json names the files.
  const Result again = run({"validate", "--json", "--report", "plots/again"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  for (const char* name : {"unneeded_protein.svg", "bremer_dennis.svg"}) {
    EXPECT_EQ(slurp(path("plots/again") / name), slurp(path("plots/new") / name)) << name;
  }
  const json j = parse_json(again.out);
  EXPECT_EQ(j["report"]["directory"], "plots/again");
  EXPECT_EQ(j["report"]["files"].size(), 2U);

  spit(path("a_file"), "x");
  expect_error(run({"validate", "--report", "a_file"}), 4, "BX012", "a_file");
}

TEST_F(Tool, ValidateReportsAMissAndExitsFour) {
  // phi_c 0.484 (the Scott model's sectors) misses the RMS target: never hidden.
  const Result r = run({"validate", "--phi-c", "0.484"});
  expect_error(r, 4, "BX003", "validation missed: Scott 2010 unneeded protein: RMS 0.11");
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r.err;
  EXPECT_CONTAINS(r.out, "(target <= 0.08): MISS");
  EXPECT_EQ(r.out.find("Validation passed"), std::string::npos);
  const Result j = run({"validate", "--phi-c", "0.484", "--json"});
  EXPECT_EQ(j.exit_code, 4);
  const json v = parse_json(j.out);
  EXPECT_FALSE(v["passed"].get<bool>());
  EXPECT_FALSE(v["unneeded_protein"]["passed"].get<bool>());
  EXPECT_DOUBLE_EQ(v["unneeded_protein"]["phi_c"].get<double>(), 0.484);
  ASSERT_EQ(v["failures"].size(), 1U);
  EXPECT_TRUE(v["bremer_dennis"]["passed"].get<bool>());
}

TEST_F(Tool, ValidateUsageErrorsExitTwo) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"validate", "--frobnicate"},
                                                                {"validate", "extra"},
                                                                {"validate", "--report"},
                                                                {"validate", "--phi-c", "0"},
                                                                {"validate", "--phi-c", "abc"}}) {
    const Result r = run(args);
    EXPECT_EQ(r.exit_code, 2) << args.back() << "\n" << r.out << r.err;
    EXPECT_EQ(r.err.rfind("error [BX011]: ", 0), 0U) << r.err;
    EXPECT_CONTAINS(r.err, "bioxen validate --help");
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

// --- progress bar --------------------------------------------------------------------------

TEST_F(Tool, ProgressBarOnlyOnATerminal) {
  // Piped: never.
  const Result piped = run({"demo", "--quanta", "20000"});
  ASSERT_EQ(piped.exit_code, 0);
  EXPECT_EQ(piped.err.find("simulating "), std::string::npos);
  EXPECT_EQ(piped.err.find(" quanta/s  ETA "), std::string::npos);
  // On a pseudo-terminal (util-linux `script`), a long run shows it.
  if (std::system("command -v script >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "util-linux 'script' is not installed: no pseudo-terminal to test with";
  }
  // The bar appears only after 150 ms of wall-clock time, so the run must last longer than
  // that whatever the build (Debug, Release, sanitizers): grow it until it takes 0.5 s.
  for (std::uint64_t quanta = 3'000'000;; quanta *= 10) {
    const std::string cmd =
        "cd " + quote(dir_.string()) +
        " && env -i PATH=/usr/bin:/bin HOME=" + quote((dir_ / "home").string()) + " script -qec " +
        quote(std::string(BIOXEN_CLI_EXE) + " demo --quanta " + std::to_string(quanta)) +
        " /dev/null > tty.txt 2>&1";
    const auto start = std::chrono::steady_clock::now();
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    if (std::chrono::steady_clock::now() - start < std::chrono::milliseconds{500} &&
        quanta < 3'000'000'000) {
      continue;
    }
    const std::string tty = slurp(path("tty.txt"));
    // The bar's cells are left out when the pseudo-terminal is narrow; the text never is.
    EXPECT_CONTAINS(tty, "\033[Ksimulating ");
    EXPECT_CONTAINS(tty, " quanta  ");
    EXPECT_CONTAINS(tty, " quanta/s  ETA ");
    break;
  }
}

// --- run: standard input, --set, CSV, Prometheus -------------------------------------------

const char* small_scenario = R"({"name": "small", "quanta": 30,
  "vms": [{"id": "a", "type": "syn3a_recoded", "allocation": {"ribosomes": 10}},
          {"id": "b", "type": "ecoli"}],
  "events": [{"at": 10, "action": "pause", "vm": "b"}]})";

TEST_F(Tool, RunReadsTheScenarioFromStandardInput) {
  const Result r = run({"run", "-", "--json"}, small_scenario);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = parse_json(r.out);
  EXPECT_EQ(j["scenario"]["source"], "<stdin>");
  EXPECT_EQ(j["quanta"], 30);
  EXPECT_EQ(j["vms"].size(), 2U);
  // The same as the file.
  spit(path("small.json"), small_scenario);
  json f = parse_json(run({"run", "small.json", "--json"}).out);
  json g = j;
  for (auto* x : {&f, &g}) {
    for (auto& vm : (*x)["vms"]) vm.erase("uptime_seconds");  // wall-clock
  }
  EXPECT_EQ(f["vms"], g["vms"]);
  // Errors name <stdin> with line and column.
  expect_error(run({"run", "-"}, "{\"quanta\": 5,\n  \"vms\": [}"), 3, "BX005",
               "<stdin>:2:11: malformed JSON");
  expect_error(run({"run", "-"}, R"({"quanta": 5, "vms": [{"id": "a", "tipe": "syn3a"}]})"), 3,
               "BX005", "<stdin>: unknown key 'vms[0].tipe'");
  expect_error(run({"run", "-"}, ""), 3, "BX005", "<stdin>");
}

TEST_F(Tool, RunSetOverridesFieldsBeforeTheSchemaCheck) {
  spit(path("small.json"), small_scenario);
  const json j = parse_json(
      run({"run", "small.json", "--json", "--set", "quanta=20", "--set",
           "vms[0].allocation.ribosomes=6", "--set", "config.scheduler_policy=fair_share", "--set",
           "chassis.doubling_time_min=60", "--set", "name=\"42\""})
          .out);
  EXPECT_EQ(j["quanta"], 20);
  EXPECT_EQ(j["vms"][0]["ribosome_allocation"], 6);
  EXPECT_EQ(j["system_resources"]["scheduler_policy"], "fair_share");
  EXPECT_EQ(j["scenario"]["chassis_profile"]["doubling_time_min"], 60.0);
  EXPECT_EQ(j["scenario"]["name"], "42");
  // The file is not changed.
  EXPECT_EQ(slurp(path("small.json")), small_scenario);
  // Malformed: usage errors.
  for (const char* bad : {"quanta", "vms[x]=1", "=1", "a..b=1"}) {
    const Result r = run({"run", "small.json", "--set", bad});
    expect_error(r, 2, "BX011", std::string("--set: '") + bad + "'");
    EXPECT_CONTAINS(r.err, "--help");
  }
  // No such path, and values the schema refuses: named by the --set argument.
  expect_error(run({"run", "small.json", "--set", "vms[2].id=c"}), 3, "BX011",
               "--set vms[2].id=c: small.json: there is no vms[2]: 'vms' has 2 elements (0 to 1)");
  expect_error(run({"run", "small.json", "--set", "name.first=x"}), 3, "BX011",
               "--set name.first=x: small.json: 'name' is a string");
  expect_error(run({"run", "small.json", "--set", "vms[0].allocation.ribosomes=lots"}), 3, "BX005",
               "--set vms[0].allocation.ribosomes=lots: small.json: "
               "vms[0].allocation.ribosomes: expected an integer");
  expect_error(run({"run", "small.json", "--set", "config.max_vm=3"}), 3, "BX005",
               "--set config.max_vm=3: small.json: config: unknown key 'max_vm' (did you mean "
               "'max_vms'?)");
  expect_error(run({"run", "small.json", "--set", "chassis.doubling_time_min=2"}), 3, "BX003",
               "--set chassis.doubling_time_min=2: small.json: chassis.doubling_time_min");
  // With --json the error is JSON, naming the argument.
  const Result je = run({"run", "small.json", "--json", "--set", "vms[2].id=c"});
  EXPECT_EQ(parse_json(je.out)["error"]["details"]["set"], "vms[2].id=c");
}

/// The index of each column of a CSV header row.
std::map<std::string, std::size_t> columns_of(const std::string& header) {
  std::map<std::string, std::size_t> out;
  std::stringstream ss(header);
  std::string name;
  for (std::size_t i = 0; std::getline(ss, name, ','); ++i) out[name] = i;
  return out;
}

TEST_F(Tool, RunWritesCsvTimeSeriesAndSummary) {
  spit(path("small.json"), small_scenario);
  const Result r = run({"run", "small.json", "--csv", "series.csv", "--csv-summary", "vms.csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "Time series (CSV) written to series.csv");
  EXPECT_CONTAINS(r.out, "Per-VM summary (CSV) written to vms.csv");
  std::stringstream series(slurp(path("series.csv")));
  std::string line;
  ASSERT_TRUE(std::getline(series, line));
  const auto cols = columns_of(line);
  ASSERT_TRUE(cols.count("vm_id") && cols.count("first_quantum") && cols.count("vm_amino_acids"));
  std::size_t rows = 0;
  std::set<std::string> ids;
  while (std::getline(series, line)) {
    ++rows;
    std::vector<std::string> f;
    std::stringstream ls(line);
    for (std::string x; std::getline(ls, x, ',');) f.push_back(x);
    if (line.back() == ',') f.emplace_back();
    ASSERT_EQ(f.size(), cols.size()) << line;
    ids.insert(f[cols.at("vm_id")]);
  }
  EXPECT_EQ(rows, 60U);  // 30 quanta (one per slot) x 2 VMs
  EXPECT_EQ(ids, (std::set<std::string>{"a", "b"}));
  const std::string summary = slurp(path("vms.csv"));
  EXPECT_EQ(summary.rfind("vm_id,", 0), 0U);
  EXPECT_EQ(std::count(summary.begin(), summary.end(), '\n'), 3);
  // --csv and --json together: the file is named in the JSON.
  const json j = parse_json(run({"run", "small.json", "--json", "--csv", "s2.csv"}).out);
  EXPECT_EQ(j["csv"], "s2.csv");
  EXPECT_TRUE(fs::exists(path("s2.csv")));
  // A file that cannot be written: a runtime failure.
  expect_error(run({"run", "small.json", "--csv", "no/such/dir/s.csv"}), 4, "BX012",
               "no/such/dir/s.csv");
}

TEST_F(Tool, RunWritesPrometheusTextForTheTextfileCollector) {
  spit(path("small.json"), small_scenario);
  fs::create_directories(path("textfile"));
  const Result r = run({"run", "small.json", "--prometheus", "textfile/bioxen.prom"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "Prometheus metrics written to textfile/bioxen.prom");
  const std::string text = slurp(path("textfile/bioxen.prom"));
  std::vector<bioxen::test::PromFamily> families;
  ASSERT_NO_THROW(families = bioxen::test::PromParser::parse(text)) << text;
  std::map<std::string, double> value;
  for (const auto& f : families) {
    for (const auto& s : f.samples) {
      if (s.labels.empty()) value[s.name] = s.value;
    }
  }
  EXPECT_EQ(value["bioxen_scheduler_quanta_total"], 30.0);
  EXPECT_EQ(value["bioxen_vms"], 2.0);
  EXPECT_DOUBLE_EQ(value["bioxen_virtual_time_seconds"], 3.0);
  // Only the file itself is left in the directory (no temporary).
  EXPECT_EQ(std::distance(fs::directory_iterator(path("textfile")), {}), 1);
  // Monitoring off: refused before the run, naming the fix.
  const Result off = run(
      {"run", "small.json", "--set", "config.enable_monitoring=false", "--prometheus", "x.prom"});
  expect_error(off, 3, "BX011", "--prometheus: small.json turns monitoring off");
  EXPECT_FALSE(fs::exists(path("x.prom")));
}

// --- numeric options ------------------------------------------------------------------------

TEST_F(Tool, NumericOptionsOutOfRangeSayTheRange) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {{"run", "a.json", "--quanta", "0"},
            "--quanta: '0' is out of range (1 to 1000000000000)"},
           {{"run", "a.json", "--quanta", "99999999999999999999999"},
            "--quanta: '99999999999999999999999' is out of range (1 to 1000000000000)"},
           {{"run", "a.json", "--quanta", "abc"},
            "--quanta: 'abc' is not a whole number (expected 1 to 1000000000000)"},
           {{"genome", "info", "syn3a", "--memory-kb", "0"},
            "--memory-kb: '0' is out of range (1 to 1000000000000)"},
           {{"validate", "--phi-c", "0"}, "--phi-c: '0' is out of range (0.01 to 1)"},
           {{"validate", "--phi-c", "nan"}, "--phi-c: 'nan' is not a number (expected 0.01 to 1)"},
       }) {
    const Result r = run(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args[0] << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("error [BX011]: " + c.message + "\n", 0), 0U) << r.err;
    EXPECT_LT(r.err.size(), 200U) << r.err;  // no 309-digit bound
  }
}

// --- JSON: format_version, and every key documented --------------------------------------

/// The --json output of every command that has one (and an error's), parsed.
std::vector<std::pair<std::string, json>> every_json(
    const std::function<Result(const std::vector<std::string>&)>& run_,
    const std::string& scenario) {
  std::vector<std::pair<std::string, json>> out;
  const std::vector<std::vector<std::string>> commands = {
      {"run", scenario, "--json", "--csv", "s.csv", "--report", "r.html", "--prometheus", "m.prom",
       "--csv-summary", "v.csv"},
      {"run", (examples / "fair_share.json").string(), "--json", "--quanta", "1000"},
      {"run", (examples / "orthogonal_isolation.json").string(), "--json", "--quanta", "50"},
      {"demo", "--quanta", "50", "--json"},
      {"types", "--json"},
      {"genome", "info", "syn3a", "--json"},
      {"genome", "info", (examples / "genomes" / "toy_minimal.genome").string(), "--json"},
      {"validate", "--json", "--cross-validate", "--report", "plots"},
      {"config", "init", "--path", "c.json", "--json"},
      {"config", "show", "--path", "c.json", "--json"},
      {"config", "validate", "--path", "c.json", "--json"},
      {"sweep", "sweep.json", "--json", "--out", "sw.csv", "--jsonl", "sw.jsonl", "--overwrite"},
      {"run", "missing.json", "--json"},
  };
  for (const auto& args : commands) {
    const Result r = run_(args);
    std::string line;
    for (const auto& a : args) line += a + " ";
    out.emplace_back(line, parse_json(r.out));
  }
  return out;
}

TEST_F(Tool, EveryJsonOutputHasAFormatVersionAndEveryKeyIsDocumented) {
  spit(path("small.json"), small_scenario);
  spit(path("sweep.json"), small_sweep());
  const auto outputs =
      every_json([this](const std::vector<std::string>& a) { return run(a); }, "small.json");
  // Objects whose keys are data (VM ids, operations, error codes, media, gene types, config
  // field names), not fields: their values' keys are checked, not theirs.
  const std::set<std::string> maps = {"vm_operations", "operation_statistics", "error_counts",
                                      "sources",       "rms_per_medium",       "details",
                                      "gene_counts"};
  std::map<std::string, std::string> keys;  // key -> where first seen
  std::function<void(const json&, const std::string&, bool)> walk =
      [&](const json& v, const std::string& at, bool data_keys) {
        if (v.is_object()) {
          for (const auto& [k, x] : v.items()) {
            if (!data_keys) keys.emplace(k, at + "." + k);
            const bool vm_map = k == "vms" && at.size() >= 17 &&
                                at.compare(at.size() - 17, 17, ".resource_summary") == 0;
            walk(x, at + "." + k, maps.count(k) > 0 || vm_map);
          }
        } else if (v.is_array()) {
          for (const auto& x : v) walk(x, at + "[]", false);
        }
      };
  for (const auto& [command, j] : outputs) {
    ASSERT_TRUE(j.is_object()) << command;
    EXPECT_EQ(j.value("format_version", 0), 1) << command;
    walk(j, command, false);
  }
  EXPECT_GT(keys.size(), 250U);  // the walk saw the outputs
  const std::string doc = slurp(fs::path(BIOXEN_SOURCE_DIR) / "docs" / "CLI.md");
  for (const auto& [key, where] : keys) {
    EXPECT_NE(doc.find("`" + key + "`"), std::string::npos)
        << "docs/CLI.md does not document the key `" << key << "` (" << where << ")";
  }
}

}  // namespace
