// Parameter sweeps (include/bioxen/sweep.hpp): the sweep file's schema and its errors, ranges,
// grid and zip order against a plainly written reference (randomised), and run_sweep() on
// threads: every point once, the same results whatever the number of threads, skips, shards,
// stop, and failures as results or as exceptions.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bioxen/sweep.hpp"

namespace {

using bioxen::BioXenErrorCode;
using bioxen::BioXenException;
using bioxen::Sweep;
using bioxen::SweepCombination;
using bioxen::SweepMetric;
using bioxen::SweepPoint;
using bioxen::SweepPointResult;
using bioxen::SweepRunOptions;
using nlohmann::json;

json base_scenario() {
  return json::parse(R"({"chassis": "ecoli", "quanta": 10,
    "vms": [{"id": "a", "type": "syn3a_recoded", "allocation": {"ribosomes": 4}},
            {"id": "b", "type": "ecoli"}]})");
}

Sweep parse(const json& j) { return bioxen::parse_sweep(j, "s.json", "."); }

/// The message of the BioXenException `f` throws ("" when it throws none), and its code.
template <class F>
std::pair<std::string, std::optional<BioXenErrorCode>> error_of(F&& f) {
  try {
    f();
  } catch (const BioXenException& e) {
    return {e.message(), e.code()};
  }
  return {"", std::nullopt};
}

TEST(Sweep, GridOrderHasTheLastParameterFastest) {
  const Sweep s = parse({{"base", base_scenario()},
                         {"parameters",
                          {{{"path", "vms[0].allocation.ribosomes"}, {"values", {4, 8}}},
                           {{"path", "config.scheduler_policy"},
                            {"values", {"round_robin", "fair_share", "priority"}}}}}});
  ASSERT_EQ(s.point_count(), 6U);
  EXPECT_EQ(s.combination, SweepCombination::grid);
  EXPECT_EQ(s.parameters[0].name, "vms[0].allocation.ribosomes");
  const SweepPoint p = bioxen::sweep_point(s, 4);  // ribosomes 8, fair_share
  EXPECT_EQ(p.index, 4U);
  EXPECT_EQ(p.values, (std::vector<json>{8, "fair_share"}));
  EXPECT_EQ(p.scenario["vms"][0]["allocation"]["ribosomes"], 8);
  EXPECT_EQ(p.scenario["config"]["scheduler_policy"], "fair_share");
  EXPECT_EQ(p.scenario["vms"][1], base_scenario()["vms"][1]);  // the rest as in the base
  EXPECT_EQ(s.base, base_scenario());                          // the base itself unchanged
  EXPECT_EQ(error_of([&] { (void)bioxen::sweep_point(s, 6); }).first,
            "s.json: there is no point 6: the sweep has 6 (0 to 5)");
}

TEST(Sweep, ZipTakesTheValuesTogether) {
  const Sweep s = parse({{"base", base_scenario()},
                         {"combine", "zip"},
                         {"parameters",
                          {{{"path", "vms[0].allocation.ribosomes"}, {"values", {4, 8, 12}}},
                           {{"path", "vms[1].allocation.ribosomes"}, {"values", {12, 8, 4}}}}}});
  ASSERT_EQ(s.point_count(), 3U);
  EXPECT_EQ(bioxen::sweep_point(s, 1).values, (std::vector<json>{8, 8}));
  EXPECT_EQ(bioxen::sweep_point(s, 2).values, (std::vector<json>{12, 4}));
}

TEST(Sweep, RangesLinearLogAndInteger) {
  const Sweep s = parse(
      {{"base", base_scenario()},
       {"parameters",
        {{{"path", "chassis.doubling_time_min"},
          {"name", "doubling"},
          {"range", {{"from", 20}, {"to", 80}, {"steps", 4}}}},
         {{"path", "quanta"},
          {"range",
           {{"from", 10}, {"to", 1000}, {"steps", 3}, {"scale", "log"}, {"integer", true}}}}}}});
  EXPECT_EQ(s.parameters[0].name, "doubling");
  EXPECT_EQ(s.parameters[0].values, (std::vector<json>{20.0, 40.0, 60.0, 80.0}));
  ASSERT_EQ(s.parameters[1].values.size(), 3U);
  EXPECT_EQ(s.parameters[1].values, (std::vector<json>{10, 100, 1000}));
  EXPECT_TRUE(s.parameters[1].values[1].is_number_integer());
  // A log range from 1 to 2 in 5 steps: 2^(i/4), ends exact.
  const Sweep l =
      parse({{"base", base_scenario()},
             {"parameters",
              {{{"path", "quanta"},
                {"range", {{"from", 1}, {"to", 2}, {"steps", 5}, {"scale", "log"}}}}}}});
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_NEAR(l.parameters[0].values[i].get<double>(), std::pow(2.0, static_cast<double>(i) / 4),
                1e-12);
  }
  EXPECT_EQ(l.parameters[0].values.back().get<double>(), 2.0);
}

TEST(Sweep, ErrorsNameTheFileTheFieldAndTheValue) {
  const json b = base_scenario();
  struct Case {
    json sweep;
    std::string message;
  };
  const json p_ok = {{{"path", "quanta"}, {"values", {1, 2}}}};
  const std::vector<Case> cases = {
      {json::array(), "s.json: a sweep is a JSON object, got an array"},
      {{{"parameters", p_ok}}, "s.json: base: a sweep needs a base scenario (an object or a file)"},
      {{{"base", 3}, {"parameters", p_ok}},
       "s.json: base: expected a scenario (an object) or its file name, got an integer"},
      {{{"base", b}}, "s.json: parameters: a sweep needs parameters to vary"},
      {{{"base", b}, {"parameters", json::array()}}, "s.json: parameters: the list is empty"},
      {{{"base", b}, {"parameters", p_ok}, {"combine", "mesh"}},
       "s.json: combine: 'mesh' is not a combination (expected grid or zip)"},
      {{{"base", b}, {"parameters", p_ok}, {"replicates", 3}},
       "s.json: replicates: 3: only 1 is possible: a run has no random seed (the same scenario "
       "gives the same numbers every time), so replicates would repeat them"},
      {{{"base", b}, {"parameters", {{{"values", {1}}}}}},
       "s.json: parameters[0]: a parameter needs a \"path\" into the scenario"},
      {{{"base", b}, {"parameters", {{{"path", "vms[x]"}, {"values", {1}}}}}},
       "s.json: parameters[0].path: 'vms[x]': expected an index (digits) after '[' at position 5"},
      {{{"base", b}, {"parameters", {{{"path", "quanta"}}}}},
       "s.json: parameters[0]: give either \"values\" (a list) or \"range\" (from, to, steps)"},
      {{{"base", b}, {"parameters", {{{"path", "quanta"}, {"values", {1, 2, 1}}}}}},
       "s.json: parameters[0].values[2]: 1 is values[0] already"},
      {{{"base", b}, {"parameters", {{{"path", "quanta"}, {"values", 5}}}}},
       "s.json: parameters[0].values: expected a list of values, got an integer"},
      {{{"base", b},
        {"parameters", {{{"path", "quanta"}, {"range", {{"from", 1}, {"to", 9}, {"steps", 1}}}}}}},
       "s.json: parameters[0].range.steps: 1 is out of range (2 to 100000)"},
      {{{"base", b},
        {"parameters",
         {{{"path", "quanta"},
           {"range", {{"from", 0}, {"to", 9}, {"steps", 3}, {"scale", "log"}}}}}}},
       "s.json: parameters[0].range: a log range needs positive ends, got 0 to 9"},
      {{{"base", b},
        {"parameters",
         {{{"path", "quanta"},
           {"range", {{"from", 1}, {"to", 2}, {"steps", 3}, {"integer", true}}}}}}},
       "s.json: parameters[0].range: rounded to integers, values 1 and 2 are both 2: take fewer "
       "steps or a wider range"},
      {{{"base", b},
        {"parameters", {{{"path", "quanta"}, {"range", {{"from", 1}, {"steps", 3}}}}}}},
       "s.json: parameters[0].range: a range needs \"to\""},
      {{{"base", b},
        {"parameters", {p_ok[0], {{"path", "quanta"}, {"name", "q"}, {"values", {3}}}}}},
       "s.json: parameters[1].path: quanta varies in parameters[0] already"},
      {{{"base", b},
        {"combine", "zip"},
        {"parameters", {p_ok[0], {{"path", "config.max_vms"}, {"values", {3}}}}}},
       "s.json: parameters[1]: zip needs the same number of values in every parameter: "
       "parameters[0] has 2, parameters[1] has 1"},
  };
  for (const auto& c : cases) {
    const auto [message, code] = error_of([&] { (void)parse(c.sweep); });
    EXPECT_EQ(message, c.message) << c.sweep.dump();
    if (!message.empty()) {
      EXPECT_EQ(code, BioXenErrorCode::invalid_configuration);
    }
  }
  // An unknown key, with the nearest known one.
  EXPECT_EQ(error_of([&] {
              (void)parse({{"base", b}, {"parameter", p_ok}, {"parameters", p_ok}});
            }).first,
            "s.json: unknown key 'parameter' (did you mean 'parameters'?)");
  // More points than a sweep may have.
  json big = {{"base", b}, {"parameters", json::array()}};
  for (const char* path : {"a", "b", "c", "d", "e"}) {
    big["parameters"].push_back(
        {{"path", path}, {"range", {{"from", 1}, {"to", 100}, {"steps", 100}}}});
  }
  EXPECT_EQ(error_of([&] { (void)parse(big); }).first,
            "s.json: parameters: the grid has more than 10000000 points");
}

TEST(Sweep, AValueWhosePathDoesNotApplyIsNamed) {
  const Sweep s = parse(
      {{"base", base_scenario()}, {"parameters", {{{"path", "vms[5].id"}, {"values", {"x"}}}}}});
  const auto [message, code] = error_of([&] { (void)bioxen::sweep_point(s, 0); });
  EXPECT_EQ(message,
            "s.json: parameters[0]: vms[5].id = \"x\": there is no vms[5]: 'vms' has 2 elements "
            "(0 to 1)");
  EXPECT_EQ(code, BioXenErrorCode::invalid_configuration);
}

TEST(Sweep, CheckSweepValuesNamesTheValueTheReaderRefuses) {
  const Sweep s = parse(
      {{"base", base_scenario()}, {"parameters", {{{"path", "quanta"}, {"values", {5, -1, 7}}}}}});
  std::vector<json> seen;
  const auto [message, code] = error_of([&] {
    bioxen::check_sweep_values(s, [&](const json& scenario) {
      seen.push_back(scenario["quanta"]);
      if (scenario["quanta"].get<int>() < 0) {
        throw BioXenException(BioXenErrorCode::invalid_argument, "quanta: must be positive");
      }
    });
  });
  EXPECT_EQ(message, "s.json: parameters[0]: quanta = -1: quanta: must be positive");
  EXPECT_EQ(code, BioXenErrorCode::invalid_argument);  // the reader's code
  EXPECT_EQ(seen, (std::vector<json>{5, -1}));         // stopped at the refusal
}

TEST(Sweep, ReadsAFileAndABaseFileBesideIt) {
  const auto dir = std::filesystem::temp_directory_path() /
                   fmt::format("bioxen_sweep_test_{}",
                               ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "sub");
  std::ofstream(dir / "sub" / "base.json") << base_scenario().dump();
  std::ofstream(dir / "sweep.json")
      << R"({"name": "n", "base": "sub/base.json", "parameters": [{"path": "quanta", "values": [1]}]})";
  const Sweep s = bioxen::read_sweep_file(dir / "sweep.json");
  EXPECT_EQ(s.name, "n");
  EXPECT_EQ(s.base, base_scenario());
  EXPECT_EQ(s.base_dir, dir / "sub");  // genome paths of the base resolve beside it
  std::ofstream(dir / "bad.json") << "{\n  \"base\": {},\n  \"parameters\": [1,]\n}";
  const auto [message, code] = error_of([&] { (void)bioxen::read_sweep_file(dir / "bad.json"); });
  EXPECT_NE(message.find((dir / "bad.json").string() + ":3:"), std::string::npos) << message;
  EXPECT_NE(message.find("malformed JSON"), std::string::npos) << message;
  EXPECT_EQ(code, BioXenErrorCode::invalid_configuration);
  std::filesystem::remove_all(dir);
}

/// Random sweeps against a reference expansion written as nested loops.
TEST(Sweep, RandomSweepsExpandLikeNestedLoops) {
  std::mt19937_64 rng(20261202);
  for (int round = 0; round < 200; ++round) {
    SCOPED_TRACE(fmt::format("seed_20261202 round {}", round));
    const bool zip = rng() % 3 == 0;
    const std::size_t params = 1 + rng() % 4;
    const std::size_t zip_n = 1 + rng() % 5;
    json sweep = {{"base", {{"x", json::object()}}}, {"parameters", json::array()}};
    if (zip) sweep["combine"] = "zip";
    std::vector<std::vector<json>> values(params);
    for (std::size_t p = 0; p < params; ++p) {
      const std::size_t n = zip ? zip_n : 1 + rng() % 5;
      for (std::size_t k = 0; k < n; ++k) values[p].emplace_back(static_cast<int>(p * 100 + k));
      sweep["parameters"].push_back({{"path", fmt::format("x.p{}", p)}, {"values", values[p]}});
    }
    const Sweep s = parse(sweep);
    std::vector<std::vector<json>> expected;
    if (zip) {
      for (std::size_t k = 0; k < zip_n; ++k) {
        std::vector<json> v;
        for (std::size_t p = 0; p < params; ++p) v.push_back(values[p][k]);
        expected.push_back(v);
      }
    } else {
      std::vector<std::size_t> at(params, 0);
      bool done = false;
      while (!done) {
        std::vector<json> v;
        for (std::size_t p = 0; p < params; ++p) v.push_back(values[p][at[p]]);
        expected.push_back(v);
        // The odometer: the last wheel turns fastest; done when the first wraps.
        std::size_t p = params;
        for (;;) {
          if (p == 0) {
            done = true;
            break;
          }
          --p;
          if (++at[p] < values[p].size()) break;
          at[p] = 0;
        }
      }
    }
    ASSERT_EQ(s.point_count(), expected.size());
    for (std::uint64_t i = 0; i < s.point_count(); ++i) {
      const SweepPoint pt = bioxen::sweep_point(s, i);
      ASSERT_EQ(pt.values, expected[i]) << i;
      for (std::size_t p = 0; p < params; ++p) {
        ASSERT_EQ(pt.scenario["x"][fmt::format("p{}", p)], expected[i][p]);
      }
    }
  }
}

Sweep grid(std::size_t n) {
  json values = json::array();
  for (std::size_t i = 0; i < n; ++i) values.push_back(static_cast<int>(i));
  return parse({{"base", {{"v", 0}}}, {"parameters", {{{"path", "v"}, {"values", values}}}}});
}

/// A point function whose metric depends on the point only.
std::vector<SweepMetric> square(const SweepPoint& p) {
  const int v = p.scenario["v"].get<int>();
  if (v % 7 == 3) {
    throw BioXenException(BioXenErrorCode::resource_allocation_error,
                          fmt::format("point {} refused", v));
  }
  return {{"square", v * v}};
}

std::map<std::uint64_t, std::string> run(const Sweep& s, unsigned jobs,
                                         SweepRunOptions options = {}) {
  options.jobs = jobs;
  std::map<std::uint64_t, std::string> out;
  const auto summary = bioxen::run_sweep(
      s, square,
      [&](SweepPointResult&& r) {
        EXPECT_EQ(out.count(r.index), 0U) << "point " << r.index << " twice";
        out[r.index] = r.ok() ? r.metrics.at(0).value.dump()
                              : fmt::format("{} {}", static_cast<int>(*r.error), r.error_message);
      },
      options);
  EXPECT_EQ(summary.run, out.size());
  return out;
}

TEST(SweepRun, EveryPointOnceWithTheSameResultsOnAnyNumberOfThreads) {
  const Sweep s = grid(97);
  const auto one = run(s, 1);
  ASSERT_EQ(one.size(), 97U);
  EXPECT_EQ(one.at(5), "25");
  EXPECT_EQ(one.at(3), fmt::format("{} point 3 refused",
                                   static_cast<int>(BioXenErrorCode::resource_allocation_error)));
  for (unsigned jobs : {2U, 3U, 8U}) EXPECT_EQ(run(s, jobs), one) << jobs << " threads";
}

TEST(SweepRun, SkipsShardsAndSummary) {
  const Sweep s = grid(20);
  SweepRunOptions o;
  o.skip = [](std::uint64_t i) { return i < 5; };
  o.shard = 1;
  o.shards = 3;
  EXPECT_EQ(bioxen::sweep_points_to_run(s, o), (std::vector<std::uint64_t>{7, 10, 13, 16, 19}));
  o.jobs = 2;
  std::set<std::uint64_t> seen;
  const auto summary = bioxen::run_sweep(
      s, square, [&](SweepPointResult&& r) { seen.insert(r.index); }, o);
  EXPECT_EQ(seen, (std::set<std::uint64_t>{7, 10, 13, 16, 19}));
  EXPECT_EQ(summary.points, 5U);
  EXPECT_EQ(summary.skipped, 2U);  // 1 and 4
  EXPECT_EQ(summary.run, 5U);
  EXPECT_EQ(summary.failed, 1U);  // 10 % 7 == 3
  EXPECT_FALSE(summary.stopped);
  o.shard = 3;
  EXPECT_EQ(error_of([&] { (void)bioxen::sweep_points_to_run(s, o); }).first,
            "shard 3 of 3: expected shards >= 1 and shard < shards");
}

TEST(SweepRun, StopLetsTheRunningPointsFinish) {
  const Sweep s = grid(50);
  std::atomic<bool> stop{false};
  SweepRunOptions o;
  o.jobs = 2;
  o.stop = &stop;
  std::uint64_t n = 0;
  const auto summary = bioxen::run_sweep(
      s, square,
      [&](SweepPointResult&&) {
        if (++n == 10) stop = true;
      },
      o);
  EXPECT_TRUE(summary.stopped);
  EXPECT_GE(summary.run, 10U);
  EXPECT_LE(summary.run, 11U);  // at most the one other thread's point after the stop
  EXPECT_EQ(summary.run, n);
}

TEST(SweepRun, ASupplyOfPointsGivesThemOutOneCallAtATime) {
  const Sweep s = grid(60);
  // Points handed out from a list, as a process that asks another one for work would.
  std::vector<std::uint64_t> supply = {59, 3, 17, 0, 42, 8, 9, 30};
  std::size_t given = 0;
  std::atomic<int> inside{0};
  SweepRunOptions o;
  o.skip = [](std::uint64_t) { return true; };  // not used with a supply
  o.shards = 7;
  o.next_point = [&]() -> std::optional<std::uint64_t> {
    EXPECT_EQ(++inside, 1) << "next_point called by two threads at once";
    std::this_thread::sleep_for(std::chrono::microseconds{200});
    --inside;
    if (given == supply.size()) return std::nullopt;
    return supply[given++];
  };
  const auto out = run(s, 3, o);
  std::map<std::uint64_t, std::string> expected;
  const auto all = run(s, 1);
  for (const auto i : supply) expected[i] = all.at(i);
  EXPECT_EQ(out, expected);
  EXPECT_EQ(given, supply.size());

  // The summary counts what the supply gave; a stop ends it early.
  o.jobs = 2;
  given = 0;
  std::atomic<bool> stop{false};
  o.stop = &stop;
  std::uint64_t n = 0;
  const auto summary = bioxen::run_sweep(
      s, square,
      [&](SweepPointResult&&) {
        if (++n == 3) stop = true;
      },
      o);
  EXPECT_TRUE(summary.stopped);
  EXPECT_EQ(summary.run, n);
  EXPECT_EQ(summary.points, summary.run);
  EXPECT_LE(summary.run, 4U);
  stop = false;
  given = 0;
  const auto whole = bioxen::run_sweep(
      s, square, [](SweepPointResult&&) {}, o);
  EXPECT_FALSE(whole.stopped);
  EXPECT_EQ(whole.points, supply.size());
  EXPECT_EQ(whole.run, supply.size());
  EXPECT_EQ(whole.failed, 3U);  // 59, 3 and 17: v % 7 == 3
  EXPECT_EQ(whole.skipped, 0U);
}

TEST(SweepRun, ASuppliedIndexOutsideTheSweepEndsIt) {
  const Sweep s = grid(10);
  SweepRunOptions o;
  o.jobs = 1;  // point 4 runs to its result before the bad index is asked for
  int calls = 0;
  o.next_point = [&]() -> std::optional<std::uint64_t> { return ++calls == 1 ? 4 : 10; };
  int results = 0;
  const auto [message, code] = error_of([&] {
    (void)bioxen::run_sweep(
        s, square, [&](SweepPointResult&&) { ++results; }, o);
  });
  EXPECT_EQ(code, BioXenErrorCode::invalid_argument);
  EXPECT_EQ(message, "next_point gave point 10; the sweep has 10 points");
  EXPECT_EQ(results, 1);  // point 4, before the bad index
  EXPECT_EQ(calls, 2);
}

SweepRunOptions jobs(unsigned n) {
  SweepRunOptions o;
  o.jobs = n;
  return o;
}

TEST(SweepRun, ACallbackOrNonBioXenFailureEndsTheSweepAndIsRethrown) {
  const Sweep s = grid(40);
  std::uint64_t calls = 0;
  EXPECT_THROW(bioxen::run_sweep(
                   s, square,
                   [&](SweepPointResult&&) {
                     if (++calls == 4)
                       throw BioXenException(BioXenErrorCode::io_error, "disk full");
                   },
                   jobs(3)),
               BioXenException);
  EXPECT_EQ(calls, 4U);  // no call after the one that threw
  std::atomic<int> ran{0};
  EXPECT_THROW(bioxen::run_sweep(
                   s,
                   [&](const SweepPoint& p) -> std::vector<SweepMetric> {
                     ++ran;
                     if (p.index == 2) throw std::logic_error("a bug");
                     return {};
                   },
                   [](SweepPointResult&&) {}, jobs(1)),
               std::logic_error);
  EXPECT_EQ(ran.load(), 3);
}

}  // namespace
