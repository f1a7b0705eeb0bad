// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// PerformanceMetrics, the statistics helpers, the summary's JSON and the Prometheus export,
// without a hypervisor (monitor_test.cpp covers ProductionMonitor on a real one).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <bioxen/metrics.hpp>
#include <chrono>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>
#include <thread>
#include <vector>

#include "detail/metrics_text.hpp"
#include "detail/ring_buffer.hpp"
#include "prometheus_parser.hpp"

namespace {

using bioxen::BioXenErrorCode;
using bioxen::BioXenException;
using bioxen::LatencyStats;
using bioxen::PerformanceMetrics;
using bioxen::PerformanceSummary;
using bioxen::detail::RingBuffer;
using namespace std::chrono_literals;

template <class Fn>
void expect_bioxen_error(Fn&& fn, BioXenErrorCode code, std::string_view text) {
  try {
    fn();
    ADD_FAILURE() << "no exception";
  } catch (const BioXenException& e) {
    EXPECT_EQ(e.code(), code);
    EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
  }
}

std::vector<double> iota_vector(int first, int last) {
  std::vector<double> v;
  for (int i = first; i <= last; ++i) v.push_back(i);
  return v;
}

// ---------------------------------------------------------------------------------------
// RingBuffer

TEST(RingBuffer, KeepsTheNewestElementsOldestFirst) {
  RingBuffer<int> rb{3};
  EXPECT_TRUE(rb.empty());
  for (int i = 1; i <= 7; ++i) rb.push(i);
  EXPECT_EQ(rb.size(), 3U);
  EXPECT_TRUE(rb.full());
  EXPECT_EQ(rb.total_pushed(), 7U);
  EXPECT_EQ(rb.to_vector(), (std::vector<int>{5, 6, 7}));
  EXPECT_EQ(rb[0], 5);
  EXPECT_EQ(rb.back(), 7);
  rb.clear();
  EXPECT_TRUE(rb.empty());
  EXPECT_EQ(rb.total_pushed(), 0U);
  EXPECT_EQ(rb.capacity(), 3U);
}

TEST(RingBuffer, CapacityZeroKeepsNothing) {
  RingBuffer<int> rb{0};
  rb.push(1);
  EXPECT_EQ(rb.size(), 0U);
  EXPECT_EQ(rb.total_pushed(), 1U);
}

TEST(RingBuffer, PartiallyFilledIsInOrder) {
  RingBuffer<int> rb{5};
  rb.push(1);
  rb.push(2);
  EXPECT_EQ(rb.to_vector(), (std::vector<int>{1, 2}));
  EXPECT_EQ(rb.back(), 2);
}

// ---------------------------------------------------------------------------------------
// Percentiles and fairness

TEST(NearestRankPercentile, OneToHundred) {
  const auto v = iota_vector(1, 100);
  EXPECT_EQ(bioxen::nearest_rank_percentile(v, 50), 50.0);
  EXPECT_EQ(bioxen::nearest_rank_percentile(v, 95), 95.0);
  EXPECT_EQ(bioxen::nearest_rank_percentile(v, 99), 99.0);
  EXPECT_EQ(bioxen::nearest_rank_percentile(v, 100), 100.0);
  EXPECT_EQ(bioxen::nearest_rank_percentile(v, 0), 1.0);
  EXPECT_EQ(bioxen::nearest_rank_percentile(v, 0.5), 1.0);  // rank ceil(0.5) = 1
  EXPECT_EQ(bioxen::nearest_rank_percentile(v, 1.01), 2.0);
}

TEST(NearestRankPercentile, SmallSamplesRoundTheRankUp) {
  const auto ten = iota_vector(1, 10);
  EXPECT_EQ(bioxen::nearest_rank_percentile(ten, 50), 5.0);   // rank 5
  EXPECT_EQ(bioxen::nearest_rank_percentile(ten, 95), 10.0);  // rank ceil(9.5) = 10
  EXPECT_EQ(bioxen::nearest_rank_percentile(ten, 99), 10.0);  // rank ceil(9.9) = 10
  const auto twenty = iota_vector(1, 20);
  EXPECT_EQ(bioxen::nearest_rank_percentile(twenty, 50), 10.0);  // rank 10
  EXPECT_EQ(bioxen::nearest_rank_percentile(twenty, 95), 19.0);  // rank 19 exactly
  EXPECT_EQ(bioxen::nearest_rank_percentile(twenty, 99), 20.0);  // rank ceil(19.8) = 20
  const std::vector<double> one{42.0};
  EXPECT_EQ(bioxen::nearest_rank_percentile(one, 1), 42.0);
  EXPECT_EQ(bioxen::nearest_rank_percentile(one, 99), 42.0);
  const std::vector<double> three{1.0, 2.0, 3.0};
  EXPECT_EQ(bioxen::nearest_rank_percentile(three, 50), 2.0);  // rank ceil(1.5) = 2
}

TEST(NearestRankPercentile, EmptyIsNanAndBadPercentThrows) {
  EXPECT_TRUE(std::isnan(bioxen::nearest_rank_percentile({}, 50)));
  const auto v = iota_vector(1, 3);
  expect_bioxen_error([&] { bioxen::nearest_rank_percentile(v, 101); },
                      BioXenErrorCode::invalid_argument, "outside [0, 100]");
  expect_bioxen_error([&] { bioxen::nearest_rank_percentile(v, -1); },
                      BioXenErrorCode::invalid_argument, "percentile -1");
  expect_bioxen_error([&] { bioxen::nearest_rank_percentile(v, std::nan("")); },
                      BioXenErrorCode::invalid_argument, "outside");
}

TEST(JainFairnessIndex, KnownValues) {
  EXPECT_DOUBLE_EQ(bioxen::jain_fairness_index(std::vector<double>{1, 1, 1, 1}), 1.0);
  EXPECT_DOUBLE_EQ(bioxen::jain_fairness_index(std::vector<double>{1, 0, 0, 0}), 0.25);
  // (1+2+3)^2 / (3 * (1+4+9)) = 36/42
  EXPECT_DOUBLE_EQ(bioxen::jain_fairness_index(std::vector<double>{1, 2, 3}), 36.0 / 42.0);
  EXPECT_DOUBLE_EQ(bioxen::jain_fairness_index(std::vector<double>{}), 1.0);
  EXPECT_DOUBLE_EQ(bioxen::jain_fairness_index(std::vector<double>{0, 0}), 1.0);
  EXPECT_DOUBLE_EQ(bioxen::jain_fairness_index(std::vector<double>{5}), 1.0);
}

TEST(LatencyStats, FromAShuffledWindow) {
  auto v = iota_vector(1, 100);
  std::mt19937 rng{7};
  std::shuffle(v.begin(), v.end(), rng);
  const LatencyStats s = LatencyStats::from_window(v);
  EXPECT_EQ(s.count, 100U);
  EXPECT_DOUBLE_EQ(s.avg_latency, 50.5);
  EXPECT_EQ(s.min_latency, 1.0);
  EXPECT_EQ(s.max_latency, 100.0);
  EXPECT_EQ(s.p50, 50.0);
  EXPECT_EQ(s.p95, 95.0);
  EXPECT_EQ(s.p99, 99.0);
  EXPECT_EQ(LatencyStats::from_window({}), LatencyStats{});
}

// ---------------------------------------------------------------------------------------
// PerformanceMetrics

TEST(PerformanceMetrics, CountsSuccessAndFailurePerOperation) {
  PerformanceMetrics m;
  m.record_operation("start_vm", 0.002, true);
  m.record_operation("start_vm", 0.004, true);
  m.record_operation("start_vm", 0.001, false, BioXenErrorCode::vm_not_found);
  m.record_operation("create_vm", 0.010, true);
  EXPECT_EQ(m.success_count("start_vm"), 2U);
  EXPECT_EQ(m.failure_count("start_vm"), 1U);
  EXPECT_EQ(m.success_count("create_vm"), 1U);
  EXPECT_EQ(m.failure_count("create_vm"), 0U);
  EXPECT_EQ(m.success_count("nothing"), 0U);
  EXPECT_EQ(m.total_operations(), 4U);
  EXPECT_DOUBLE_EQ(m.error_rate(), 0.25);
  EXPECT_EQ(m.error_count(BioXenErrorCode::vm_not_found), 1U);
  EXPECT_EQ(m.error_count(BioXenErrorCode::hypervisor_overload), 0U);

  const PerformanceSummary s = m.summary();
  EXPECT_EQ(s.vm_operations,
            (std::map<std::string, std::uint64_t>{
                {"create_vm_success", 1}, {"start_vm_failure", 1}, {"start_vm_success", 2}}));
  EXPECT_EQ(s.total_operations, 4U);
  EXPECT_EQ(s.failed_operations, 1U);
  EXPECT_EQ(s.error_counts, (std::map<std::string, std::uint64_t>{{"BX006", 1}}));
  const LatencyStats& st = s.operation_statistics.at("start_vm");
  EXPECT_EQ(st.count, 3U);
  EXPECT_EQ(st.min_latency, 0.001);
  EXPECT_EQ(st.max_latency, 0.004);
  EXPECT_EQ(st.p50, 0.002);
  EXPECT_DOUBLE_EQ(st.avg_latency, 0.007 / 3);
  EXPECT_DOUBLE_EQ(st.total_latency, 0.007);
}

TEST(PerformanceMetrics, ErrorKeysForOtherCategoriesAndMissingCodes) {
  PerformanceMetrics m;
  m.record_operation("op", 0.0, false);
  m.record_operation("op", 0.0, false, std::make_error_code(std::errc::io_error));
  m.record_operation("op", 0.0, false, BioXenErrorCode::hypervisor_overload);
  m.record_operation("op", 0.0, false, BioXenErrorCode::hypervisor_overload);
  const auto counts = m.summary().error_counts;
  EXPECT_EQ(counts.at("unknown"), 1U);
  EXPECT_EQ(counts.at(fmt::format("generic:{}", static_cast<int>(std::errc::io_error))), 1U);
  EXPECT_EQ(counts.at("BX004"), 2U);
  EXPECT_EQ(m.error_count(BioXenErrorCode::hypervisor_overload), 2U);
  EXPECT_DOUBLE_EQ(m.error_rate(), 1.0);
}

TEST(PerformanceMetrics, WindowKeepsTheLastNAndTotalsCoverAll) {
  PerformanceMetrics m{100};
  for (int i = 1; i <= 150; ++i) m.record_operation("pause_vm", static_cast<double>(i), true);
  EXPECT_EQ(m.latency_window("pause_vm"), iota_vector(51, 150));
  const LatencyStats s = *m.latency_stats("pause_vm");
  EXPECT_EQ(s.count, 100U);
  EXPECT_EQ(s.min_latency, 51.0);
  EXPECT_EQ(s.max_latency, 150.0);
  EXPECT_DOUBLE_EQ(s.avg_latency, 100.5);
  EXPECT_EQ(s.p50, 100.0);  // rank 50 of 51..150
  EXPECT_EQ(s.p95, 145.0);  // rank 95
  EXPECT_EQ(s.p99, 149.0);  // rank 99
  EXPECT_EQ(s.total_count, 150U);
  EXPECT_DOUBLE_EQ(s.total_latency, 150.0 * 151.0 / 2.0);
  EXPECT_EQ(m.success_count("pause_vm"), 150U);
  EXPECT_FALSE(m.latency_stats("resume_vm").has_value());
}

TEST(PerformanceMetrics, ConfigurableWindow) {
  PerformanceMetrics m{5};
  EXPECT_EQ(m.latency_window(), 5U);
  for (int i = 1; i <= 12; ++i) m.record_operation("x", static_cast<double>(i), true);
  EXPECT_EQ(m.latency_window("x"), iota_vector(8, 12));
  EXPECT_EQ(m.latency_stats("x")->p50, 10.0);  // rank ceil(2.5) = 3 of 8..12
  expect_bioxen_error([] { PerformanceMetrics bad{0}; }, BioXenErrorCode::invalid_argument,
                      "latency window 0");
  expect_bioxen_error([] { PerformanceMetrics bad{(1U << 20) + 1}; },
                      BioXenErrorCode::invalid_argument, "outside [1, 1048576]");
}

TEST(PerformanceMetrics, ChronoLatencies) {
  PerformanceMetrics m;
  m.record_operation("run_scheduler", 1500us, true);
  m.record_operation("run_scheduler", 2ms, true);
  EXPECT_DOUBLE_EQ(m.latency_stats("run_scheduler")->min_latency, 0.0015);
  EXPECT_DOUBLE_EQ(m.latency_stats("run_scheduler")->max_latency, 0.002);
}

TEST(PerformanceMetrics, BadInputsAreRejectedAndChangeNothing) {
  PerformanceMetrics m;
  expect_bioxen_error([&] { m.record_operation("", 0.1, true); }, BioXenErrorCode::invalid_argument,
                      "operation name is empty");
  expect_bioxen_error([&] { m.record_operation("start_vm", -0.1, true); },
                      BioXenErrorCode::invalid_argument, "latency -0.1 s of operation 'start_vm'");
  expect_bioxen_error([&] { m.record_operation("start_vm", std::nan(""), true); },
                      BioXenErrorCode::invalid_argument, "'start_vm'");
  EXPECT_EQ(m.total_operations(), 0U);
}

TEST(PerformanceMetrics, CountedOperationsAddToCountsButNotToLatencies) {
  PerformanceMetrics m;
  m.record_operation("start_vm", 0.002, true);
  m.count_operations("start_vm", 9, true);
  m.count_operations("start_vm", 2, false, BioXenErrorCode::vm_not_found);
  m.count_operations("start_vm", 0, false, BioXenErrorCode::io_error);  // nothing
  const std::array<bioxen::OperationCount, 2> batch{bioxen::OperationCount{"pause_vm", 5},
                                                    bioxen::OperationCount{"start_vm", 10}};
  m.count_operations(batch);
  EXPECT_EQ(m.success_count("start_vm"), 20U);
  EXPECT_EQ(m.failure_count("start_vm"), 2U);
  EXPECT_EQ(m.success_count("pause_vm"), 5U);
  EXPECT_EQ(m.error_count(BioXenErrorCode::vm_not_found), 2U);
  EXPECT_EQ(m.error_count(BioXenErrorCode::io_error), 0U);
  EXPECT_EQ(m.latency_stats("start_vm")->total_count, 1U);
  EXPECT_EQ(m.latency_stats("start_vm")->count, 1U);
  EXPECT_EQ(m.latency_stats("pause_vm")->total_count, 0U);  // known, never timed
  EXPECT_EQ(m.total_operations(), 27U);
  EXPECT_DOUBLE_EQ(m.error_rate(), 2.0 / 27.0);
}

TEST(PerformanceMetrics, CountingBadNamesIsRejectedAndChangesNothing) {
  PerformanceMetrics m;
  m.count_operations("start_vm", 1, true);
  expect_bioxen_error([&] { m.count_operations("", 3, true); }, BioXenErrorCode::invalid_argument,
                      "operation name is empty");
  const std::array<bioxen::OperationCount, 2> batch{bioxen::OperationCount{"start_vm", 5},
                                                    bioxen::OperationCount{"", 1}};
  expect_bioxen_error([&] { m.count_operations(batch); }, BioXenErrorCode::invalid_argument,
                      "operation name is empty");
  EXPECT_EQ(m.total_operations(), 1U);  // the valid entry of the bad batch was not counted
}

TEST(PerformanceMetrics, QuantumSumsAddToTheTotals) {
  PerformanceMetrics m;
  m.record_quantum(true, 1, 100.0, 10.0);
  bioxen::QuantumTotals t;
  t.quanta = 63;
  t.context_switches = 7;
  t.throttle_events = 2;
  t.amino_acids = 6300.0;
  t.ribosome_unit_quanta = 630.0;
  m.record_quanta(t);
  const bioxen::QuantumTotals q = m.quantum_totals();
  EXPECT_EQ(q.quanta, 64U);
  EXPECT_EQ(q.context_switches, 8U);
  EXPECT_EQ(q.throttle_events, 3U);
  EXPECT_DOUBLE_EQ(q.amino_acids, 6400.0);
  EXPECT_DOUBLE_EQ(q.ribosome_unit_quanta, 640.0);
}

TEST(PerformanceMetrics, MemoryStaysBoundedAfterAMillionOperations) {
  PerformanceMetrics m;
  const char* ops[] = {"create_vm", "start_vm", "pause_vm", "resume_vm", "stop_vm", "destroy_vm"};
  constexpr int n = 1'000'000;
  for (int i = 0; i < n; ++i) {
    m.record_operation(ops[i % 6], 1e-6 * (i % 1000), i % 10 != 0,
                       BioXenErrorCode::invalid_state_transition);
  }
  EXPECT_EQ(m.total_operations(), static_cast<std::uint64_t>(n));
  std::uint64_t total = 0;
  for (const char* op : ops) {
    EXPECT_EQ(m.latency_window(op).size(), PerformanceMetrics::default_latency_window);
    total += m.latency_stats(op)->total_count;
  }
  EXPECT_EQ(total, static_cast<std::uint64_t>(n));
  EXPECT_EQ(m.error_count(BioXenErrorCode::invalid_state_transition), n / 10U);
  EXPECT_DOUBLE_EQ(m.error_rate(), 0.1);
}

TEST(PerformanceMetrics, ConcurrentRecordingCountsEverything) {
  PerformanceMetrics m{50};
  constexpr int threads = 4;
  constexpr int per_thread = 20'000;
  {
    std::vector<std::jthread> pool;
    pool.reserve(threads);
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&m, t] {
        for (int i = 0; i < per_thread; ++i) {
          m.record_operation(t % 2 == 0 ? "start_vm" : "stop_vm", 1e-6, i % 4 != 0,
                             BioXenErrorCode::vm_not_found);
          if (i % 1000 == 0) (void)m.summary();
        }
      });
    }
  }
  EXPECT_EQ(m.total_operations(), static_cast<std::uint64_t>(threads) * per_thread);
  EXPECT_EQ(m.failure_count("start_vm") + m.failure_count("stop_vm"),
            static_cast<std::uint64_t>(threads) * per_thread / 4);
  EXPECT_EQ(m.latency_window("start_vm").size(), 50U);
}

TEST(PerformanceMetrics, QuantumTotals) {
  PerformanceMetrics m;
  m.record_quantum(true, 2, 100.0, 68.0);
  m.record_quantum(false, 0, 50.5, 34.0);
  EXPECT_EQ(m.quantum_totals(), (bioxen::QuantumTotals{2, 1, 2, 150.5, 102.0}));
  EXPECT_EQ(m.summary().quanta.quanta, 2U);
  EXPECT_EQ(nlohmann::json(m.summary())["quanta"]["amino_acids"], 150.5);
}

TEST(PerformanceMetrics, UptimeAndReset) {
  PerformanceMetrics m;
  m.record_operation("x", 0.1, false, BioXenErrorCode::io_error);
  m.update_resource_utilization({0.5, 0.25, 0.75, 3, 4});
  EXPECT_EQ(m.resource_utilization().active_vms, 3U);
  std::this_thread::sleep_for(5ms);
  EXPECT_GE(m.uptime_seconds(), 0.005);
  const PerformanceSummary s = m.summary();
  EXPECT_DOUBLE_EQ(s.uptime_hours, s.uptime_seconds / 3600.0);
  m.record_quantum(true, 1, 1.0, 1.0);
  m.reset();
  EXPECT_EQ(m.total_operations(), 0U);
  EXPECT_EQ(m.quantum_totals(), bioxen::QuantumTotals{});
  EXPECT_EQ(m.error_count(BioXenErrorCode::io_error), 0U);
  EXPECT_EQ(m.resource_utilization(), bioxen::ResourceUtilization{});
  EXPECT_LT(m.uptime_seconds(), s.uptime_seconds);
}

// ---------------------------------------------------------------------------------------
// JSON and fmt

PerformanceSummary sample_summary() {
  PerformanceMetrics m;
  for (int i = 1; i <= 10; ++i) m.record_operation("start_vm", i * 1e-3, i != 10);
  m.record_operation("create_vm", 0.5, false, BioXenErrorCode::hypervisor_overload);
  m.update_resource_utilization({0.25, 0.5, 0.75, 3, 4});
  PerformanceSummary s = m.summary();
  s.samples_taken = 7;
  s.quanta = {100, 40, 3, 12345.0, 6800.0};
  s.scheduling.virtual_time_seconds = 12.5;
  s.scheduling.vms = 2;
  s.scheduling.running_vms = 1;
  s.scheduling.fairness_index = 0.9;
  s.scheduling.ribosome_seconds = 30;
  s.scheduling.context_switches = 5;
  s.scheduling.throttle_events = 1;
  s.scheduling.vm_shares = {{"vm1", "running", 10, 2.5, 20, 2.0 / 3.0, 3, 1},
                            {"vm\"2\\\n", "paused", 5, 7.5, 10, 1.0 / 3.0, 2, 0}};
  return s;
}

TEST(PerformanceSummaryJson, HasTheOriginalShape) {
  const PerformanceSummary s = sample_summary();
  const nlohmann::json j = s;
  for (const char* key : {"vm_operations", "operation_statistics", "resource_utilization",
                          "uptime_hours", "error_rate", "scheduling", "error_counts"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["vm_operations"]["start_vm_success"], 9);
  EXPECT_EQ(j["vm_operations"]["start_vm_failure"], 1);
  EXPECT_EQ(j["vm_operations"]["create_vm_failure"], 1);
  const auto& st = j["operation_statistics"]["start_vm"];
  for (const char* key :
       {"count", "avg_latency", "max_latency", "min_latency", "p50", "p95", "p99"}) {
    EXPECT_TRUE(st.contains(key)) << key;
  }
  EXPECT_EQ(st["count"], 10);
  EXPECT_DOUBLE_EQ(st["p50"].get<double>(), 0.005);
  EXPECT_DOUBLE_EQ(st["p95"].get<double>(), 0.010);
  EXPECT_DOUBLE_EQ(j["error_rate"].get<double>(), 2.0 / 11.0);
  const auto& ru = j["resource_utilization"];
  EXPECT_DOUBLE_EQ(ru["ribosome_utilization"].get<double>(), 0.25);
  EXPECT_DOUBLE_EQ(ru["atp_utilization"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(ru["active_vm_ratio"].get<double>(), 0.75);
  EXPECT_TRUE(ru.contains("uptime"));
  EXPECT_EQ(j["error_counts"]["BX004"], 1);
  EXPECT_DOUBLE_EQ(j["scheduling"]["fairness_index"].get<double>(), 0.9);
  EXPECT_EQ(j["scheduling"]["vm_shares"][0]["vm_id"], "vm1");
}

TEST(PerformanceSummaryJson, RoundTrips) {
  const PerformanceSummary s = sample_summary();
  const nlohmann::json j = s;
  const auto back = j.get<PerformanceSummary>();
  EXPECT_EQ(back, s);
  const bioxen::MonitorSample ms{1700000000000,
                                 1.5,
                                 {0.1, 0.2, 0.3, 1, 4},
                                 2.0,
                                 0.1,
                                 3,
                                 1,
                                 0.5,
                                 4,
                                 5,
                                 {{"vm1", "running", 1, 0, 2, 1.0, 0, 0}},
                                 2};
  EXPECT_EQ(nlohmann::json(ms).get<bioxen::MonitorSample>(), ms);
}

TEST(PerformanceSummaryJson, ReadsTheOriginalOnlyShape) {
  const auto j = nlohmann::json::parse(R"({
    "vm_operations": {"start_vm_success": 3, "start_vm_failure": 1},
    "operation_statistics": {"start_vm": {"count": 4, "avg_latency": 0.5, "max_latency": 1.0,
                                          "min_latency": 0.1, "p50": 0.4, "p95": 1.0,
                                          "p99": 1.0}},
    "resource_utilization": {"ribosome_utilization": 0.5, "active_vm_ratio": 0.25,
                             "atp_utilization": 0.3, "uptime": 36.0},
    "uptime_hours": 0.01, "error_rate": 0.25})");
  const auto s = j.get<PerformanceSummary>();
  EXPECT_EQ(s.total_operations, 4U);
  EXPECT_EQ(s.failed_operations, 1U);
  EXPECT_DOUBLE_EQ(s.uptime_seconds, 36.0);
  EXPECT_EQ(s.operation_statistics.at("start_vm").total_count, 4U);
}

TEST(Formatters, ReadableOneLiners) {
  const PerformanceSummary s = sample_summary();
  const std::string stats = fmt::format("{}", s.operation_statistics.at("start_vm"));
  EXPECT_EQ(stats, "count=10 avg=5.5ms min=1ms p50=5ms p95=10ms p99=10ms max=10ms total=10");
  EXPECT_EQ(fmt::format("{}", s.resource_utilization), "ribosomes=25.0% atp=50.0% active_vms=3/4");
  EXPECT_EQ(fmt::format("{}", s.scheduling.vm_shares[0]),
            "vm1 running share=66.7% ribosome_s=20 switches=3 throttles=1");
  EXPECT_EQ(fmt::format("{}", s.scheduling),
            "t=12.5s vms=2 running=1 fairness=0.900 switches=5 throttles=1");
  const std::string all = fmt::format("{}", s);
  EXPECT_NE(all.find("error BX004: 1"), std::string::npos) << all;
  EXPECT_NE(all.find("start_vm"), std::string::npos) << all;
  EXPECT_EQ(bioxen::detail::format_seconds(12.3e-6), "12.3us");
  EXPECT_EQ(bioxen::detail::format_seconds(2.0), "2s");
  EXPECT_EQ(bioxen::detail::format_seconds(2.9e-7), "290ns");
}

// ---------------------------------------------------------------------------------------
// Prometheus

TEST(Prometheus, EscapesLabelValuesAndHelp) {
  EXPECT_EQ(bioxen::detail::prometheus_escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(bioxen::detail::prometheus_escape_help("x\\y\nz\"q"), "x\\\\y\\nz\"q");
  EXPECT_EQ(bioxen::detail::prometheus_value(std::nan("")), "NaN");
  EXPECT_EQ(bioxen::detail::prometheus_value(INFINITY), "+Inf");
  EXPECT_EQ(bioxen::detail::prometheus_value(-INFINITY), "-Inf");
  EXPECT_EQ(bioxen::detail::prometheus_value(0.25), "0.25");
  EXPECT_EQ(bioxen::detail::prometheus_value(std::uint64_t{18446744073709551615ULL}),
            "18446744073709551615");
}

TEST(Prometheus, StrictParserRejectsBadExpositions) {
  using bioxen::test::PromParser;
  const char* bad[] = {
      "x 1\n",                                                           // no HELP/TYPE
      "# HELP x h\n# TYPE x gauge\nx 1",                                 // no final newline
      "# HELP x h\n# TYPE x gauge\nx{a=\"1\"} 1\nx{a=\"1\"} 2\n",        // duplicate series
      "# HELP x h\n# TYPE x gauge\nx one\n",                             // not a number
      "# HELP 1x h\n# TYPE 1x gauge\n1x 1\n",                            // bad name
      "# HELP x h\n# TYPE x gauge\nx{a=\"\\t\"} 1\n",                    // bad escape
      "# HELP x h\n# TYPE x gauge\n\nx 1\n",                             // blank line
      "# HELP x h\n# TYPE x summary\nx{quantile=\"0.5\"} 1\nx_sum 1\n",  // no _count
      "# HELP x h\n# TYPE x gauge\ny 1\n",                               // foreign sample
      "# HELP x h\n# TYPE x wrong\nx 1\n",                               // unknown type
      "# TYPE x gauge\nx 1\n",                                           // no HELP
  };
  for (const char* text : bad) {
    EXPECT_THROW(PromParser::parse(text), std::runtime_error) << text;
  }
  EXPECT_NO_THROW(PromParser::parse(
      "# HELP x h\n# TYPE x summary\nx{quantile=\"0.5\"} 1\nx_sum 1\nx_count 2\n"));
}

TEST(Prometheus, ExpositionParsesBackToTheSummary) {
  const PerformanceSummary s = sample_summary();
  const std::string text = bioxen::to_prometheus(s);
  std::vector<bioxen::test::PromFamily> fams;
  ASSERT_NO_THROW(fams = bioxen::test::PromParser::parse(text)) << text;
  using bioxen::test::prom_value;
  for (const auto& f : fams) {
    EXPECT_TRUE(f.name.starts_with("bioxen_")) << f.name;
    EXPECT_FALSE(f.help.empty()) << f.name;
  }
  // Counters.
  const auto* ops = bioxen::test::prom_family(fams, "bioxen_vm_operations_total");
  ASSERT_NE(ops, nullptr);
  EXPECT_EQ(ops->type, "counter");
  EXPECT_EQ(prom_value(fams, "bioxen_vm_operations_total",
                       {{"operation", "start_vm"}, {"result", "success"}}),
            9.0);
  EXPECT_EQ(prom_value(fams, "bioxen_vm_operations_total",
                       {{"operation", "start_vm"}, {"result", "failure"}}),
            1.0);
  EXPECT_EQ(prom_value(fams, "bioxen_vm_operations_total",
                       {{"operation", "create_vm"}, {"result", "success"}}),
            0.0);
  EXPECT_EQ(
      prom_value(fams, "bioxen_errors_total", {{"code", "BX004"}, {"name", "hypervisor_overload"}}),
      1.0);
  // The latency summary.
  const auto* lat = bioxen::test::prom_family(fams, "bioxen_operation_latency_seconds");
  ASSERT_NE(lat, nullptr);
  EXPECT_EQ(lat->type, "summary");
  const auto& st = s.operation_statistics.at("start_vm");
  EXPECT_EQ(prom_value(fams, "bioxen_operation_latency_seconds",
                       {{"operation", "start_vm"}, {"quantile", "0.5"}}),
            st.p50);
  EXPECT_EQ(prom_value(fams, "bioxen_operation_latency_seconds",
                       {{"operation", "start_vm"}, {"quantile", "0.95"}}),
            st.p95);
  EXPECT_EQ(prom_value(fams, "bioxen_operation_latency_seconds",
                       {{"operation", "start_vm"}, {"quantile", "0.99"}}),
            st.p99);
  EXPECT_EQ(prom_value(fams, "bioxen_operation_latency_seconds_sum", {{"operation", "start_vm"}}),
            st.total_latency);
  EXPECT_EQ(prom_value(fams, "bioxen_operation_latency_seconds_count", {{"operation", "start_vm"}}),
            10.0);
  EXPECT_EQ(prom_value(fams, "bioxen_operation_latency_max_seconds", {{"operation", "create_vm"}}),
            0.5);
  // Gauges.
  EXPECT_EQ(prom_value(fams, "bioxen_operation_error_ratio"), s.error_rate);
  EXPECT_EQ(prom_value(fams, "bioxen_ribosome_utilization_ratio"), 0.25);
  EXPECT_EQ(prom_value(fams, "bioxen_atp_utilization_ratio"), 0.5);
  EXPECT_EQ(prom_value(fams, "bioxen_active_vm_ratio"), 0.75);
  EXPECT_EQ(prom_value(fams, "bioxen_active_vms"), 3.0);
  EXPECT_EQ(prom_value(fams, "bioxen_virtual_time_seconds"), 12.5);
  EXPECT_EQ(prom_value(fams, "bioxen_scheduler_fairness_index"), 0.9);
  EXPECT_EQ(prom_value(fams, "bioxen_context_switches"), 5.0);
  EXPECT_EQ(prom_value(fams, "bioxen_throttle_events"), 1.0);
  EXPECT_EQ(prom_value(fams, "bioxen_monitor_samples_total"), 7.0);
  EXPECT_EQ(prom_value(fams, "bioxen_scheduler_quanta_total"), 100.0);
  EXPECT_EQ(prom_value(fams, "bioxen_scheduler_context_switches_total"), 40.0);
  EXPECT_EQ(prom_value(fams, "bioxen_scheduler_throttle_events_total"), 3.0);
  EXPECT_EQ(prom_value(fams, "bioxen_amino_acids_total"), 12345.0);
  EXPECT_EQ(prom_value(fams, "bioxen_uptime_seconds"), s.uptime_seconds);
  // A label value with a quote, a backslash and a line feed survives the round trip.
  EXPECT_EQ(prom_value(fams, "bioxen_vm_service_share_ratio", {{"vm_id", "vm\"2\\\n"}}), 1.0 / 3.0);
  EXPECT_EQ(prom_value(fams, "bioxen_vm_ribosome_seconds", {{"vm_id", "vm1"}}), 20.0);
  EXPECT_EQ(bioxen::test::prom_family(fams, "bioxen_vm_operations_total")->help,
            "Hypervisor operations by name and result.");
}

TEST(Prometheus, EmptySummaryIsStillValid) {
  const std::string text = bioxen::to_prometheus(PerformanceSummary{});
  std::vector<bioxen::test::PromFamily> fams;
  ASSERT_NO_THROW(fams = bioxen::test::PromParser::parse(text)) << text;
  EXPECT_EQ(bioxen::test::prom_family(fams, "bioxen_vm_operations_total"), nullptr);
  EXPECT_EQ(bioxen::test::prom_value(fams, "bioxen_scheduler_fairness_index"), 1.0);
}

TEST(Prometheus, OperationNamesWithSpecialCharactersAreEscaped) {
  PerformanceMetrics m;
  m.record_operation("odd \"op\"\\\nname", 0.25, true);
  const std::string text = bioxen::to_prometheus(m.summary());
  const auto fams = bioxen::test::PromParser::parse(text);
  EXPECT_EQ(bioxen::test::prom_value(fams, "bioxen_vm_operations_total",
                                     {{"operation", "odd \"op\"\\\nname"}, {"result", "success"}}),
            1.0);
}

// ---------------------------------------------------------------------------------------
// The host cell in the summary

/// A host as get_host_status() reports one: growing, or stalled (no doubling time).
bioxen::HostStatus host(bool stalled) {
  bioxen::HostStatus h;
  h.work_model = "physiological";
  h.modelled = true;
  h.state = stalled ? "stalled" : "growing";
  h.growth_rate_per_h = stalled ? 0.0 : 0.569;
  h.reference_growth_rate_per_h = 1.045;
  h.doubling_time_min =
      stalled ? std::numeric_limits<double>::infinity() : 60.0 * std::log(2.0) / 0.569;
  h.guest_translation_fraction = stalled ? 0.85 : 0.172;
  h.sequestered_ribosome_fraction = 0.01;
  h.ribosomal_fraction = 0.2;
  h.host_translation_aa_per_s = 300e3;
  h.guest_translation_aa_per_s = 62e3;
  h.rnap_limitation = 1.0;
  h.active_ribosomes = 20660;
  h.guest_bound_ribosomes = 3553;
  h.stalled_quanta = stalled ? 42 : 0;
  h.cumulative_doublings = 0.36;
  return h;
}

TEST(PerformanceMetrics, HostStateChangesAddToTheQuantumTotals) {
  PerformanceMetrics m;
  m.record_quantum(false, 0, 10.0, 1.0, true);
  m.record_quantum(false, 0, 10.0, 1.0);  // no change (the default)
  bioxen::QuantumTotals t;
  t.quanta = 10;
  t.host_state_changes = 2;
  m.record_quanta(t);
  EXPECT_EQ(m.quantum_totals().host_state_changes, 3U);
  EXPECT_EQ(nlohmann::json(m.summary())["quanta"]["host_state_changes"], 3);
  m.reset();
  EXPECT_EQ(m.quantum_totals().host_state_changes, 0U);
}

TEST(PerformanceSummaryJson, HostIsNullWithoutAHypervisorAndRoundTrips) {
  PerformanceSummary s = sample_summary();
  EXPECT_FALSE(s.host.has_value());  // a PerformanceMetrics knows no host
  EXPECT_TRUE(nlohmann::json(s)["host"].is_null());
  EXPECT_FALSE(nlohmann::json(s).get<PerformanceSummary>().host.has_value());

  s.host = host(false);
  nlohmann::json j = s;
  EXPECT_EQ(j["host"]["state"], "growing");
  EXPECT_DOUBLE_EQ(j["host"]["growth_rate_per_h"].get<double>(), 0.569);
  EXPECT_DOUBLE_EQ(j["host"]["guest_translation_fraction"].get<double>(), 0.172);
  EXPECT_EQ(j.get<PerformanceSummary>(), s);

  // A stalled host has no doubling time: null in JSON, infinity when read back.
  s.host = host(true);
  j = s;
  EXPECT_TRUE(j["host"]["doubling_time_min"].is_null());
  const auto back = j.get<PerformanceSummary>();
  ASSERT_TRUE(back.host.has_value());
  EXPECT_TRUE(std::isinf(back.host->doubling_time_min));
  EXPECT_EQ(back, s);

  // Summaries written before the host existed read back without one.
  j.erase("host");
  EXPECT_FALSE(j.get<PerformanceSummary>().host.has_value());
}

TEST(PerformanceSummaryJson, MonitorSampleCarriesTheHost) {
  bioxen::MonitorSample ms;
  ms.virtual_time_seconds = 60.0;
  EXPECT_TRUE(nlohmann::json(ms)["host"].is_null());
  ms.host = host(true);
  const nlohmann::json j = ms;
  EXPECT_EQ(j["host"]["state"], "stalled");
  EXPECT_EQ(j.get<bioxen::MonitorSample>(), ms);
}

TEST(Formatters, SummaryWithAHostEndsWithTheHostLine) {
  PerformanceSummary s = sample_summary();
  EXPECT_EQ(fmt::format("{}", s).find("host:"), std::string::npos);
  s.host = host(false);
  const std::string text = fmt::format("{}", s);
  EXPECT_NE(text.find("\nhost: growing at 0.569/h (doubling 73.1 min), guests 17.2% of "
                      "translation"),
            std::string::npos)
      << text;
}

TEST(Prometheus, HostGaugesFollowTheHostStatus) {
  using bioxen::test::prom_family;
  using bioxen::test::prom_value;
  PerformanceSummary s = sample_summary();
  // Without a host: no host gauges, but the quantum counter of state changes is there.
  auto fams = bioxen::test::PromParser::parse(bioxen::to_prometheus(s));
  EXPECT_EQ(prom_family(fams, "bioxen_host_growth_rate_per_hour"), nullptr);
  EXPECT_EQ(prom_family(fams, "bioxen_host_stalled"), nullptr);
  EXPECT_EQ(prom_value(fams, "bioxen_host_state_changes_total"), 0.0);

  s.host = host(false);
  s.quanta.host_state_changes = 4;
  const std::string text = bioxen::to_prometheus(s);
  ASSERT_NO_THROW(fams = bioxen::test::PromParser::parse(text)) << text;
  for (const char* name :
       {"bioxen_host_modelled", "bioxen_host_growth_rate_per_hour",
        "bioxen_host_reference_growth_rate_per_hour", "bioxen_host_doubling_time_minutes",
        "bioxen_host_stalled", "bioxen_host_guest_translation_fraction",
        "bioxen_host_sequestered_ribosome_fraction", "bioxen_host_guest_bound_ribosomes",
        "bioxen_host_rnap_limitation_ratio"}) {
    const auto* f = prom_family(fams, name);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_EQ(f->type, "gauge") << name;
    EXPECT_FALSE(f->help.empty()) << name;
  }
  EXPECT_EQ(prom_family(fams, "bioxen_host_stalled_quanta_total")->type, "counter");
  EXPECT_EQ(prom_family(fams, "bioxen_host_state_changes_total")->type, "counter");
  EXPECT_EQ(prom_value(fams, "bioxen_host_modelled"), 1.0);
  EXPECT_EQ(prom_value(fams, "bioxen_host_growth_rate_per_hour"), 0.569);
  EXPECT_EQ(prom_value(fams, "bioxen_host_reference_growth_rate_per_hour"), 1.045);
  EXPECT_EQ(prom_value(fams, "bioxen_host_doubling_time_minutes"), s.host->doubling_time_min);
  EXPECT_EQ(prom_value(fams, "bioxen_host_stalled"), 0.0);
  EXPECT_EQ(prom_value(fams, "bioxen_host_guest_translation_fraction"), 0.172);
  EXPECT_EQ(prom_value(fams, "bioxen_host_guest_bound_ribosomes"), 3553.0);
  EXPECT_EQ(prom_value(fams, "bioxen_host_state_changes_total"), 4.0);

  // Stalled: the doubling time is +Inf, spelled as the format wants.
  s.host = host(true);
  const std::string stalled = bioxen::to_prometheus(s);
  EXPECT_NE(stalled.find("\nbioxen_host_doubling_time_minutes +Inf\n"), std::string::npos)
      << stalled;
  ASSERT_NO_THROW(fams = bioxen::test::PromParser::parse(stalled)) << stalled;
  EXPECT_TRUE(std::isinf(prom_value(fams, "bioxen_host_doubling_time_minutes")));
  EXPECT_EQ(prom_value(fams, "bioxen_host_stalled"), 1.0);
  EXPECT_EQ(prom_value(fams, "bioxen_host_growth_rate_per_hour"), 0.0);
  EXPECT_EQ(prom_value(fams, "bioxen_host_stalled_quanta_total"), 42.0);

  // Not modelled (capacity work model): the reference rate, flagged.
  bioxen::HostStatus capacity;
  capacity.work_model = "capacity";
  capacity.growth_rate_per_h = capacity.reference_growth_rate_per_h = 1.045;
  capacity.doubling_time_min = 60.0 * std::log(2.0) / 1.045;
  s.host = capacity;
  fams = bioxen::test::PromParser::parse(bioxen::to_prometheus(s));
  EXPECT_EQ(prom_value(fams, "bioxen_host_modelled"), 0.0);
  EXPECT_EQ(prom_value(fams, "bioxen_host_growth_rate_per_hour"), 1.045);
}

}  // namespace
