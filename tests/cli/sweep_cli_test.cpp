// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// `bioxen sweep`'s parts in-process (src/cli/sweep_output.hpp): the results files under I/O
// faults (a full disk never leaves a partial or changed file, and the sweep can be resumed),
// the CSV record reader, and scenario points run on several threads at once (label
// concurrency: the ThreadSanitizer build runs it) giving the same rows as on one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "detail/text_io.hpp"
#include "sweep_output.hpp"
#include "sweep_report.hpp"

namespace bioxen::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

/// Two guests, a minute, their ribosome units and the policy varied; point 2 (40 + 40 units)
/// is refused at admission.
Sweep small_sweep() {
  return parse_sweep(json::parse(R"({"name": "small",
    "base": {"chassis": "ecoli", "config": {"log_level": "WARNING"}, "duration": "1m",
             "vms": [{"id": "g1", "type": "syn3a_recoded", "allocation": {"ribosomes": 10}},
                     {"id": "g2", "type": "ecoli", "allocation": {"ribosomes": 40}}]},
    "parameters": [
      {"path": "vms[0].allocation.ribosomes", "name": "g1_units", "values": [5, 20, 40]},
      {"path": "config.scheduler_policy", "name": "policy", "values": ["round_robin", "priority"]}]})"),
                     "small.json", ".");
}

/// The rows of every point, by index, run with `jobs` threads.
std::map<std::uint64_t, std::string> rows(const Sweep& s, const SweepColumns& c, unsigned jobs) {
  std::map<std::uint64_t, std::string> out;
  SweepRunOptions o;
  o.jobs = jobs;
  (void)run_sweep(
      s, [&](const SweepPoint& p) { return scenario_point_metrics(s, p); },
      [&](SweepPointResult&& r) { out[r.index] = sweep_csv_row(s, c, r) + sweep_jsonl_row(s, r); },
      o);
  return out;
}

TEST(SweepCli, ScenarioPointsOnThreadsGiveTheRowsOfOneThread) {
  const Sweep s = small_sweep();
  const SweepColumns c = sweep_columns(s);
  EXPECT_EQ(c.vm_ids, (std::vector<std::string>{"g1", "g2"}));
  const auto one = rows(s, c, 1);
  ASSERT_EQ(one.size(), 6U);
  EXPECT_NE(one.at(0).find(",ok,"), std::string::npos) << one.at(0);
  EXPECT_NE(one.at(4).find(",failed,BX002,"), std::string::npos) << one.at(4);
  EXPECT_EQ(rows(s, c, 3), one);
}

TEST(SweepCli, ResultsFilesSurviveEveryFaultAndResume) {
  const fs::path dir =
      fs::temp_directory_path() / ("bioxen_sweep_cli_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const Sweep s = small_sweep();
  const SweepColumns c = sweep_columns(s);
  const auto all = rows(s, c, 2);
  const auto csv_row = [&](std::uint64_t i) {
    const std::string& r = all.at(i);
    return r.substr(0, r.find('\n') + 1);
  };
  const auto jsonl_row = [&](std::uint64_t i) {
    const std::string& r = all.at(i);
    return r.substr(r.find('\n') + 1);
  };
  const fs::path csv = dir / "r.csv";
  const fs::path jsonl = dir / "r.jsonl";
  SweepResults results{csv, jsonl, sweep_csv_header(c), s};
  results.add(0, csv_row(0), jsonl_row(0));
  results.add(3, csv_row(3), jsonl_row(3));
  ASSERT_TRUE(results.publish());
  const std::string csv_before = slurp(csv);
  const std::string jsonl_before = slurp(jsonl);
  EXPECT_EQ(csv_before, sweep_csv_header(c) + csv_row(0) + csv_row(3));
  results.add(1, csv_row(1), jsonl_row(1));
  for (const char* step : {"create", "write", "fsync", "rename"}) {
    for (int err : {ENOSPC, EIO}) {
      SCOPED_TRACE(std::string(step) + " " + std::strerror(err));
      const detail::ScopedIoFaultForTesting fault(
          [&](std::string_view st) { return st == step ? err : 0; });
      try {
        (void)results.publish();
        ADD_FAILURE() << "published";
      } catch (const BioXenException& e) {
        EXPECT_EQ(e.code(), BioXenErrorCode::io_error);
        EXPECT_EQ(e.message(),
                  "cannot write '" + csv.string() + "': " + step + ": " + std::strerror(err));
      }
      EXPECT_EQ(slurp(csv), csv_before);  // whole rows, as last published
      EXPECT_EQ(slurp(jsonl), jsonl_before);
      EXPECT_EQ(std::distance(fs::directory_iterator(dir), {}), 2);  // no temporary file left
    }
  }
  // What a resumed sweep reads back: the points published.
  SweepResults again{csv, jsonl, sweep_csv_header(c), s};
  EXPECT_EQ(again.load(), 2U);
  EXPECT_TRUE(again.has(0));
  EXPECT_TRUE(again.has(3));
  EXPECT_FALSE(again.has(1));
  // A point only one of the two files holds is run again.
  {
    std::ofstream(jsonl, std::ios::binary | std::ios::trunc) << jsonl_row(3);
    SweepResults one_file{csv, jsonl, sweep_csv_header(c), s};
    EXPECT_EQ(one_file.load(), 1U);
    EXPECT_TRUE(one_file.has(3));
  }
  // A repeated point, a point the sweep has not, a cut line.
  for (const auto& [text, why] : std::vector<std::pair<std::string, std::string>>{
           {sweep_csv_header(c) + csv_row(0) + csv_row(0), ":3: point 0 again"},
           {sweep_csv_header(c) + "9" + csv_row(0).substr(1), ":2: point 9 is not in this sweep"},
           {sweep_csv_header(c) + csv_row(0).substr(0, 20), ":2: not a complete CSV row"}}) {
    std::ofstream(csv, std::ios::binary | std::ios::trunc) << text;
    SweepResults bad{csv, {}, sweep_csv_header(c), s};
    try {
      (void)bad.load();
      ADD_FAILURE() << "loaded " << text;
    } catch (const BioXenException& e) {
      EXPECT_EQ(e.code(), BioXenErrorCode::invalid_configuration);
      EXPECT_NE(e.message().find(csv.string() + why), std::string::npos) << e.message();
    }
    EXPECT_EQ(bad.size(), 0U);
  }
  fs::remove_all(dir);
}

TEST(SweepCli, CsvRecordsWithQuotesCommasAndLineBreaks) {
  const std::string text = "a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\",\n1,2\n";
  std::size_t pos = 0;
  const auto r = split_csv_record(text, pos);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, (std::vector<std::string>{"a", "b,c", "say \"hi\"", "two\nlines", ""}));
  const auto r2 = split_csv_record(text, pos);
  ASSERT_TRUE(r2);
  EXPECT_EQ(*r2, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(pos, text.size());
  // CRLF ends a record too, after a quoted field as after a plain one (the fuzz target
  // column_table found the quoted case refused).
  const std::string crlf = "\"x\",\"y\"\r\n1,\"two\r\nlines\"\r\n";
  pos = 0;
  EXPECT_EQ(split_csv_record(crlf, pos), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(split_csv_record(crlf, pos), (std::vector<std::string>{"1", "two\r\nlines"}));
  EXPECT_EQ(pos, crlf.size());
  for (const std::string bad :
       {"a\"b,c\n", "\"open\n", "\"x\"y,1\n", "\"x\"\r,1\n", "no line feed"}) {
    std::size_t p = 0;
    EXPECT_FALSE(split_csv_record(bad, p)) << bad;
  }
}

// The sweep report's tables: CSV as the sweep writes it, TSV with provenance comments.
TEST(ColumnTable, ReadsCsvWithQuotedFieldsAndTsvWithComments) {
  const ColumnTable csv =
      parse_column_table("a,b\r\n1,\"x, \"\"y\"\"\"\n\n2,\"two\nlines\"", "r.csv");
  ASSERT_EQ(csv.header, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(csv.rows.size(), 2U);
  EXPECT_EQ(csv.rows[0][1], "x, \"y\"");
  EXPECT_EQ(csv.rows[1][1], "two\nlines");
  const ColumnTable tsv = parse_column_table("# source\n# more\nx\ty\n1\t2\n3\t\n", "d.tsv");
  ASSERT_EQ(tsv.header, (std::vector<std::string>{"x", "y"}));
  ASSERT_EQ(tsv.rows.size(), 2U);
  EXPECT_EQ(tsv.rows[1][1], "");
  EXPECT_EQ(tsv.column("y"), 1U);
  EXPECT_FALSE(tsv.column("z").has_value());
}

TEST(ColumnTable, ErrorsNameTheFileAndLine) {
  const auto line_of = [](const std::string& text) -> std::string {
    try {
      (void)parse_column_table(text, "d.tsv");
    } catch (const BioXenException& e) {
      EXPECT_EQ(e.code(), BioXenErrorCode::invalid_configuration);
      return e.what();
    }
    return "no error";
  };
  EXPECT_NE(line_of("# c\nx\ty\n1\t2\n1\n").find("d.tsv:4: 1 fields, but the header names 2"),
            std::string::npos);
  EXPECT_NE(line_of("x,y\n1,\"2\n").find("d.tsv:2: a malformed CSV record"), std::string::npos);
  EXPECT_NE(line_of("# only comments\n").find("no header line"), std::string::npos);
  EXPECT_NE(line_of("").find("d.tsv:1: no header line"), std::string::npos);
}

SweepReportData report_of(const std::string& csv) {
  SweepReportData d;
  d.title = "t";
  d.results = parse_column_table(csv, "r.csv");
  d.chart = {"x", "line", {"y"}};
  return d;
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(SweepReport, OneLinePerValueSortedByXWithoutFailedPoints) {
  SweepReportData d = report_of(
      "point,x,line,status,y\n0,2,a,ok,4\n1,1,a,ok,1\n2,3,a,failed,\n3,1,b,ok,2\n4,2,b,ok,3\n");
  d.reference = parse_column_table("x\tline\ty\n1.5\ta\t2\n1\tb.0\t9\n2\tb\t2.5\n", "ref.tsv");
  const std::string html = render_sweep_report(d);
  EXPECT_NE(html.find("data-metric=\"y\" data-series=\"2\" data-points=\"4\""), std::string::npos);
  EXPECT_NE(html.find("<path class=\"line\" data-line=\"a\" data-points=\"2\""), std::string::npos);
  EXPECT_NE(html.find("<path class=\"line\" data-line=\"b\" data-points=\"2\""), std::string::npos);
  EXPECT_EQ(occurrences(html, "<circle class=\"pt\""), 4U);
  // Reference rows go to the line of their value; "b.0" is no line (not a number).
  EXPECT_EQ(occurrences(html, "<circle class=\"ref\" data-line=\"a\""), 1U);
  EXPECT_EQ(occurrences(html, "<circle class=\"ref\" data-line=\"b\""), 1U);
  EXPECT_NE(html.find("4 of 5 points (the others failed"), std::string::npos);
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
}

TEST(SweepReport, NumbersMatchAsNumbersAndNamesMakeACategoricalAxis) {
  SweepReportData d = report_of("point,x,line,status,y\n0,fifo,24,ok,1\n1,lifo,24,ok,2\n");
  d.reference = parse_column_table("x,line,y\nlifo,24.0,3\n", "ref.csv");
  const std::string html = render_sweep_report(d);
  EXPECT_EQ(occurrences(html, "<circle class=\"ref\" data-line=\"24\""), 1U);
  EXPECT_NE(html.find(">fifo</text>"), std::string::npos);
  EXPECT_NE(html.find(">lifo</text>"), std::string::npos);
}

TEST(SweepReport, AColumnTheResultsLackIsAnError) {
  SweepReportData d = report_of("point,x,status,y\n0,1,ok,1\n");
  d.chart.metrics = {"y", "nope"};
  EXPECT_EQ(missing_chart_columns(d.chart, d.results.header),
            (std::vector<std::string>{"lines 'line'", "metric 'nope'"}));
  try {
    (void)render_sweep_report(d);
    FAIL() << "no error";
  } catch (const BioXenException& e) {
    EXPECT_EQ(e.code(), BioXenErrorCode::invalid_argument);
    EXPECT_NE(std::string(e.what()).find("metric 'nope'"), std::string::npos);
  }
}

// The growth-law example beside the data it is meant to reproduce: the Scott et al. 2010
// unneeded-protein points (in the example's columns), each against the model's line of its
// growth condition at its phi_Q (linear between the sweep's points, extended past the last).
// The bound is the one docs/VALIDATION.md holds the model to (RMS of lambda / lambda0 <= 0.08;
// the slow-down is 1 - lambda / lambda0, so the errors are the same).
TEST(SweepCli, TheGrowthLawExampleReproducesScott2010WithinTheValidationRms) {
  const std::string dir = std::string(BIOXEN_SOURCE_DIR) + "/examples/sweeps/";
  const Sweep s = read_sweep_file(dir + "growth_law.json");
  std::map<double, std::vector<std::pair<double, double>>> lines;  // doubling -> (phi_Q, slow-down)
  SweepRunOptions o;
  o.jobs = 2;
  (void)run_sweep(
      s, [&](const SweepPoint& p) { return scenario_point_metrics(s, p); },
      [&](SweepPointResult&& r) {
        ASSERT_TRUE(r.ok()) << r.error_message;
        double phi = -1;
        double slowdown = -1;
        for (const auto& m : r.metrics) {
          if (m.name == "guest_translation_fraction") phi = m.value.get<double>();
          if (m.name == "host_slowdown") slowdown = m.value.get<double>();
        }
        lines[r.values.at(0).get<double>()].emplace_back(phi, slowdown);
      },
      o);
  ASSERT_EQ(lines.size(), 3U);
  const ColumnTable data = parse_column_table(
      bioxen::detail::read_text_file(dir + "scott2010_unneeded_protein.tsv", "data"), "data");
  const std::size_t dc = *data.column("host_doubling_alone_min");
  const std::size_t xc = *data.column("guest_translation_fraction");
  const std::size_t yc = *data.column("host_slowdown");
  double sum = 0;
  std::size_t n = 0;
  for (const auto& row : data.rows) {
    auto& line = lines.at(std::stod(row[dc]));
    std::sort(line.begin(), line.end());
    ASSERT_EQ(line.size(), 7U);
    const double x = std::stod(row[xc]);
    std::size_t k = 1;
    while (k + 1 < line.size() && line[k].first < x) ++k;
    const auto [x0, y0] = line[k - 1];
    const auto [x1, y1] = line[k];
    const double model = y0 + (y1 - y0) * (x - x0) / (x1 - x0);
    sum += (model - std::stod(row[yc])) * (model - std::stod(row[yc]));
    ++n;
  }
  ASSERT_EQ(n, 32U);
  const double rms = std::sqrt(sum / static_cast<double>(n));
  RecordProperty("rms", std::to_string(rms));
  EXPECT_LE(rms, 0.08) << "RMS of the slow-down against Scott et al. 2010: " << rms;
  std::printf("growth-law sweep vs Scott et al. 2010: %zu points, RMS %.4f\n", n, rms);
}

}  // namespace
}  // namespace bioxen::cli
