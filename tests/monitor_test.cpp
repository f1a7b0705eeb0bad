// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// ProductionMonitor on a real hypervisor: operation counts and errors from real failures,
// sampling and the scheduling picture, prompt stop, idempotence, destruction while running,
// concurrency (run under ThreadSanitizer in CI) and the Prometheus export parsed back.
#include <gtest/gtest.h>

#include <atomic>
#include <bioxen/bioxen.hpp>
#include <chrono>
#include <cmath>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "prometheus_parser.hpp"

namespace {

using bioxen::BioXenErrorCode;
using bioxen::BioXenException;
using bioxen::BioXenHypervisor;
using bioxen::MonitorOptions;
using bioxen::MonitorSample;
using bioxen::PerformanceSummary;
using bioxen::ProductionMonitor;
using bioxen::ResourceAllocation;
using bioxen::VMState;
using bioxen::VmStatus;
using namespace std::chrono_literals;

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr bool sanitized = true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
constexpr bool sanitized = true;
#else
constexpr bool sanitized = false;
#endif
#else
constexpr bool sanitized = false;
#endif

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

ResourceAllocation alloc(int ribosomes, double atp) {
  ResourceAllocation r;
  r.ribosomes = ribosomes;
  r.atp_percentage = atp;
  return r;
}

/// Service shares are checked against the capacity model's exact grants.
bioxen::ProductionConfig config(bioxen::SchedulerPolicy policy, int max_vms = 4) {
  bioxen::ProductionConfig cfg;
  cfg.work_model = bioxen::WorkModel::capacity;
  cfg.scheduler_policy = policy;
  cfg.context_switch_ms = 0;
  cfg.max_vms = max_vms;
  return cfg;
}

// ---------------------------------------------------------------------------------------
// Attaching and counting

TEST(ProductionMonitor, AttachesAndDetachesAnObserver) {
  BioXenHypervisor hv;
  EXPECT_EQ(hv.observer_count(), 0U);
  {
    ProductionMonitor mon{hv};
    EXPECT_EQ(hv.observer_count(), 1U);
    EXPECT_EQ(&mon.hypervisor(), &hv);
    EXPECT_EQ(mon.options(), MonitorOptions{});
    ProductionMonitor second{hv};
    EXPECT_EQ(hv.observer_count(), 2U);
  }
  EXPECT_EQ(hv.observer_count(), 0U);
}

TEST(ProductionMonitor, CountsEveryLifecycleOperation) {
  BioXenHypervisor hv;
  ProductionMonitor mon{hv};
  hv.create_vm("vm1", "syn3a_recoded", alloc(20, 25));
  hv.start_vm("vm1");
  hv.pause_vm("vm1");
  hv.resume_vm("vm1");
  hv.stop_vm("vm1");
  hv.destroy_vm("vm1");
  const PerformanceSummary s = mon.get_performance_summary();
  for (const char* op :
       {"create_vm", "start_vm", "pause_vm", "resume_vm", "stop_vm", "destroy_vm"}) {
    EXPECT_EQ(s.vm_operations.at(std::string(op) + "_success"), 1U) << op;
    const auto& st = s.operation_statistics.at(op);
    EXPECT_EQ(st.count, 1U);
    EXPECT_GT(st.max_latency, 0.0) << op;
    EXPECT_LT(st.max_latency, 1.0) << op;
    EXPECT_EQ(st.p50, st.max_latency);
  }
  EXPECT_EQ(s.total_operations, 6U);
  EXPECT_EQ(s.failed_operations, 0U);
  EXPECT_EQ(s.error_rate, 0.0);
  // Queries are not operations.
  (void)hv.list_vms();
  (void)hv.get_system_resources();
  EXPECT_EQ(mon.metrics().total_operations(), 6U);
}

TEST(ProductionMonitor, ErrorRateAndCountsAfterRealFailures) {
  BioXenHypervisor hv;  // max_vms 4
  ProductionMonitor mon{hv};
  EXPECT_THROW(hv.start_vm("missing"), BioXenException);  // BX006
  std::error_code ec;
  hv.pause_vm("missing", ec);  // non-throwing overload: still observed
  EXPECT_EQ(ec, BioXenErrorCode::vm_not_found);
  for (int i = 0; i < 4; ++i) hv.create_vm("vm" + std::to_string(i), "syn3a_recoded");
  EXPECT_THROW(hv.create_vm("vm4", "syn3a_recoded"), BioXenException);  // BX004
  EXPECT_THROW(hv.pause_vm("vm0"), BioXenException);  // BX007: created, not running
  EXPECT_THROW(hv.create_vm("vm0", "syn3a_recoded"), BioXenException);  // BX010

  const auto& m = mon.metrics();
  EXPECT_EQ(m.error_count(BioXenErrorCode::vm_not_found), 2U);
  EXPECT_EQ(m.error_count(BioXenErrorCode::hypervisor_overload), 1U);
  EXPECT_EQ(m.error_count(BioXenErrorCode::invalid_state_transition), 1U);
  EXPECT_EQ(m.error_count(BioXenErrorCode::vm_already_exists), 1U);
  EXPECT_EQ(m.failure_count("start_vm"), 1U);
  EXPECT_EQ(m.failure_count("pause_vm"), 2U);
  EXPECT_EQ(m.failure_count("create_vm"), 2U);
  EXPECT_EQ(m.success_count("create_vm"), 4U);

  const PerformanceSummary s = mon.get_performance_summary();
  EXPECT_EQ(s.total_operations, 9U);
  EXPECT_EQ(s.failed_operations, 5U);
  EXPECT_DOUBLE_EQ(s.error_rate, 5.0 / 9.0);
  EXPECT_EQ(s.error_counts, (std::map<std::string, std::uint64_t>{
                                {"BX004", 1}, {"BX006", 2}, {"BX007", 1}, {"BX010", 1}}));
  const nlohmann::json j = s;
  EXPECT_EQ(j["vm_operations"]["start_vm_failure"], 1);
  EXPECT_EQ(j["vm_operations"]["create_vm_success"], 4);
  EXPECT_DOUBLE_EQ(j["error_rate"].get<double>(), 5.0 / 9.0);
}

TEST(ProductionMonitor, SummaryHasTheOriginalShapeAndFreshUtilisation) {
  BioXenHypervisor hv;  // 80 ribosome units, max_vms 4
  ProductionMonitor mon{hv};
  hv.create_vm("vm1", "syn3a_recoded", alloc(20, 25));
  hv.create_vm("vm2", "syn3a_recoded", alloc(20, 25));
  hv.start_vm("vm1");
  const nlohmann::json j = mon.get_performance_summary();  // the original library's spelling
  for (const char* key : {"vm_operations", "operation_statistics", "resource_utilization",
                          "uptime_hours", "error_rate", "scheduling"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  const auto& ru = j["resource_utilization"];
  EXPECT_DOUBLE_EQ(ru["ribosome_utilization"].get<double>(), 40.0 / 80.0);
  EXPECT_DOUBLE_EQ(ru["atp_utilization"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(ru["active_vm_ratio"].get<double>(), 1.0 / 4.0);
  EXPECT_EQ(ru["active_vms"], 1);
  EXPECT_EQ(ru["max_vms"], 4);
  EXPECT_GE(ru["uptime"].get<double>(), 0.0);
  EXPECT_GE(j["uptime_hours"].get<double>(), 0.0);
  EXPECT_EQ(j["scheduling"]["vms"], 2);
  EXPECT_EQ(j["scheduling"]["running_vms"], 1);
  // Before any sample the summary still reads the hypervisor; no sample is stored by it.
  EXPECT_EQ(mon.samples_taken(), 0U);
  EXPECT_FALSE(mon.latest_sample().has_value());
}

// ---------------------------------------------------------------------------------------
// Scheduling picture

VmStatus vm(std::string id, VMState state, double running, double ribosome_seconds,
            std::uint64_t switches = 0, std::uint64_t throttles = 0) {
  VmStatus v;
  v.vm_id = std::move(id);
  v.state = state;
  v.running_seconds = running;
  v.ribosome_seconds = ribosome_seconds;
  v.context_switches = switches;
  v.throttle_events = throttles;
  return v;
}

TEST(SchedulingSnapshot, KnownInputs) {
  bioxen::SystemResources r;
  r.virtual_time_us = 2'500'000;
  const std::vector<VmStatus> vms{vm("a", VMState::running, 2.0, 10.0, 3, 1),
                                  vm("b", VMState::paused, 2.0, 30.0, 2, 0),
                                  vm("c", VMState::created, 0.0, 0.0)};
  const auto s = bioxen::scheduling_snapshot(r, vms);
  EXPECT_EQ(s.virtual_time_seconds, 2.5);
  EXPECT_EQ(s.vms, 3U);
  EXPECT_EQ(s.running_vms, 1U);
  EXPECT_EQ(s.context_switches, 5U);
  EXPECT_EQ(s.throttle_events, 1U);
  EXPECT_EQ(s.ribosome_seconds, 40.0);
  // Jain over a and b only (c never ran): (10+30)^2 / (2 (100+900)) = 0.8.
  EXPECT_DOUBLE_EQ(s.fairness_index, 0.8);
  ASSERT_EQ(s.vm_shares.size(), 3U);
  EXPECT_EQ(s.vm_shares[0].vm_id, "b");  // largest service first
  EXPECT_EQ(s.vm_shares[0].state, "paused");
  EXPECT_DOUBLE_EQ(s.vm_shares[0].service_share, 0.75);
  EXPECT_DOUBLE_EQ(s.vm_shares[1].service_share, 0.25);
  EXPECT_EQ(s.vm_shares[2].service_share, 0.0);
  EXPECT_EQ(s.omitted_vms, 0U);

  const auto capped = bioxen::scheduling_snapshot(r, vms, 1);
  ASSERT_EQ(capped.vm_shares.size(), 1U);
  EXPECT_EQ(capped.vm_shares[0].vm_id, "b");
  EXPECT_EQ(capped.omitted_vms, 2U);
  EXPECT_EQ(capped.context_switches, 5U);  // sums include the omitted VMs

  const auto empty = bioxen::scheduling_snapshot(r, std::vector<VmStatus>{});
  EXPECT_EQ(empty.fairness_index, 1.0);
  EXPECT_TRUE(empty.vm_shares.empty());
}

TEST(ProductionMonitor, SampleNowMeasuresTheIntervalSinceTheLastSample) {
  BioXenHypervisor hv{config(bioxen::SchedulerPolicy::fair_share), bioxen::ChassisType::ecoli};
  ProductionMonitor mon{hv};
  hv.create_vm("vm1", "syn3a_recoded", alloc(20, 25));
  hv.create_vm("vm2", "syn3a_recoded", alloc(20, 25));
  hv.start_vm("vm1");
  hv.start_vm("vm2");
  hv.run_quanta(10);  // 1 s of virtual time

  const MonitorSample first = mon.sample_now();
  EXPECT_DOUBLE_EQ(first.virtual_time_seconds, 1.0);
  EXPECT_DOUBLE_EQ(first.interval_seconds, 1.0);
  EXPECT_EQ(first.vms, 2U);
  EXPECT_EQ(first.running_vms, 2U);
  EXPECT_DOUBLE_EQ(first.resource_utilization.ribosome_utilization, 0.5);
  EXPECT_DOUBLE_EQ(first.resource_utilization.active_vm_ratio, 0.5);
  // Equal reservations, equal priority under fair share: equal service.
  EXPECT_DOUBLE_EQ(first.fairness_index, 1.0);
  ASSERT_EQ(first.vm_shares.size(), 2U);
  EXPECT_DOUBLE_EQ(first.vm_shares[0].service_share, 0.5);
  EXPECT_DOUBLE_EQ(first.vm_shares[1].service_share, 0.5);
  EXPECT_GT(first.vm_shares[0].ribosome_seconds, 0.0);

  // vm2 paused for the next interval: vm1 gets all of that interval's service.
  hv.pause_vm("vm2");
  hv.run_quanta(5);
  const MonitorSample second = mon.sample_now();
  EXPECT_DOUBLE_EQ(second.virtual_time_seconds, 1.5);
  EXPECT_DOUBLE_EQ(second.interval_seconds, 0.5);
  EXPECT_EQ(second.running_vms, 1U);
  EXPECT_DOUBLE_EQ(second.fairness_index, 1.0);  // one competitor
  ASSERT_EQ(second.vm_shares.size(), 2U);
  EXPECT_EQ(second.vm_shares[0].vm_id, "vm1");
  EXPECT_DOUBLE_EQ(second.vm_shares[0].service_share, 1.0);
  EXPECT_DOUBLE_EQ(second.vm_shares[1].service_share, 0.0);

  // The summary's cumulative view: vm1 got more in total than vm2.
  const auto sched = mon.get_performance_summary().scheduling;
  const VmStatus a = hv.get_vm_status("vm1");
  const VmStatus b = hv.get_vm_status("vm2");
  const std::vector<double> x{a.ribosome_seconds, b.ribosome_seconds};
  EXPECT_DOUBLE_EQ(sched.fairness_index, bioxen::jain_fairness_index(x));
  EXPECT_LT(sched.fairness_index, 1.0);
  EXPECT_DOUBLE_EQ(sched.ribosome_seconds, a.ribosome_seconds + b.ribosome_seconds);
  EXPECT_DOUBLE_EQ(sched.virtual_time_seconds, 1.5);

  EXPECT_EQ(mon.history().size(), 2U);
  EXPECT_EQ(mon.latest_sample(), second);
  EXPECT_EQ(mon.metrics().resource_utilization(), second.resource_utilization);
}

TEST(ProductionMonitor, UnequalServiceLowersTheFairnessIndex) {
  BioXenHypervisor hv{config(bioxen::SchedulerPolicy::round_robin), bioxen::ChassisType::ecoli};
  ProductionMonitor mon{hv};
  hv.create_vm("small", "syn3a_recoded", alloc(10, 20));
  hv.create_vm("large", "syn3a_recoded", alloc(40, 20));
  hv.start_vm("small");
  hv.start_vm("large");
  hv.run_quanta(20);
  const MonitorSample s = mon.sample_now();
  const VmStatus a = hv.get_vm_status("small");
  const VmStatus b = hv.get_vm_status("large");
  EXPECT_GT(b.ribosome_seconds, a.ribosome_seconds);
  const std::vector<double> x{a.ribosome_seconds, b.ribosome_seconds};
  EXPECT_DOUBLE_EQ(s.fairness_index, bioxen::jain_fairness_index(x));
  EXPECT_LT(s.fairness_index, 1.0);
  EXPECT_EQ(s.vm_shares[0].vm_id, "large");
  EXPECT_DOUBLE_EQ(s.vm_shares[0].service_share,
                   b.ribosome_seconds / (a.ribosome_seconds + b.ribosome_seconds));
  // The quantum totals saw all 20 quanta.
  const auto q = mon.get_performance_summary().quanta;
  EXPECT_EQ(q.quanta, 20U);
  EXPECT_EQ(q.throttle_events, a.throttle_events + b.throttle_events);
  // The events carry fractional amino acids; a VM's status counts whole ones.
  EXPECT_NEAR(q.amino_acids, static_cast<double>(a.amino_acids + b.amino_acids), 2.0);
}

TEST(ProductionMonitor, RestoreStartsANewIntervalHistory) {
  BioXenHypervisor hv{config(bioxen::SchedulerPolicy::fair_share), bioxen::ChassisType::ecoli};
  ProductionMonitor mon{hv};
  hv.create_vm("vm1", "syn3a_recoded", alloc(20, 25));
  hv.start_vm("vm1");
  const nlohmann::json snap = hv.snapshot();  // t = 0
  hv.run_quanta(10);
  (void)mon.sample_now();
  hv.restore(snap);
  hv.run_quanta(3);
  const MonitorSample s = mon.sample_now();
  EXPECT_DOUBLE_EQ(s.virtual_time_seconds, 0.3);
  EXPECT_DOUBLE_EQ(s.interval_seconds, 0.3);
  ASSERT_EQ(s.vm_shares.size(), 1U);
  EXPECT_DOUBLE_EQ(s.vm_shares[0].service_share, 1.0);
  EXPECT_EQ(mon.metrics().success_count("restore"), 1U);
}

TEST(ProductionMonitor, DestroyedAndRecreatedVmsStartAfresh) {
  BioXenHypervisor hv{config(bioxen::SchedulerPolicy::fair_share), bioxen::ChassisType::ecoli};
  ProductionMonitor mon{hv};
  hv.create_vm("a", "syn3a_recoded", alloc(20, 25));
  hv.create_vm("b", "syn3a_recoded", alloc(20, 25));
  hv.start_vm("a");
  hv.start_vm("b");
  hv.run_quanta(10);
  EXPECT_EQ(mon.sample_now().vm_shares.size(), 2U);
  hv.destroy_vm("b");
  hv.run_quanta(5);
  const MonitorSample one = mon.sample_now();
  ASSERT_EQ(one.vm_shares.size(), 1U);
  EXPECT_DOUBLE_EQ(one.vm_shares[0].service_share, 1.0);
  // "b" again, with less work so far than the old "b" had: its whole service is new.
  hv.create_vm("b", "syn3a_recoded", alloc(20, 25));
  hv.start_vm("b");
  hv.run_quanta(2);
  const MonitorSample two = mon.sample_now();
  ASSERT_EQ(two.vm_shares.size(), 2U);
  EXPECT_DOUBLE_EQ(two.interval_seconds, 0.2);
  // Both got the same in the interval (a's is a difference of sums: not exact).
  EXPECT_NEAR(two.fairness_index, 1.0, 1e-12);
  EXPECT_NEAR(two.vm_shares[0].service_share, 0.5, 1e-12);
  EXPECT_NEAR(two.vm_shares[1].service_share, 0.5, 1e-12);
}

TEST(ProductionMonitor, HistoryAndSharesAreBounded) {
  MonitorOptions opt;
  opt.history_capacity = 8;
  opt.max_vm_shares = 2;
  BioXenHypervisor hv{config(bioxen::SchedulerPolicy::fair_share, 5), bioxen::ChassisType::ecoli};
  ProductionMonitor mon{hv, opt};
  for (int i = 0; i < 5; ++i) {
    hv.create_vm("vm" + std::to_string(i), "syn3a_recoded", alloc(5 + i, 10));
    hv.start_vm("vm" + std::to_string(i));
  }
  for (int i = 0; i < 20; ++i) {
    hv.run_scheduler();
    const MonitorSample s = mon.sample_now();
    EXPECT_EQ(s.vm_shares.size(), 2U);
    EXPECT_EQ(s.omitted_vms, 3U);
  }
  const auto h = mon.history();
  EXPECT_EQ(h.size(), 8U);
  EXPECT_EQ(mon.samples_taken(), 20U);
  EXPECT_DOUBLE_EQ(h.front().virtual_time_seconds, 1.3);  // samples 13..20 kept
  EXPECT_DOUBLE_EQ(h.back().virtual_time_seconds, 2.0);
  const auto sched = mon.get_performance_summary().scheduling;
  EXPECT_EQ(sched.vm_shares.size(), 2U);
  EXPECT_EQ(sched.omitted_vms, 3U);
  EXPECT_EQ(sched.vm_shares[0].vm_id, "vm4");  // the largest reservation
}

TEST(ProductionMonitor, WithoutVmSamplingReadsOnlyTheTotals) {
  MonitorOptions opt;
  opt.sample_vms = false;
  BioXenHypervisor hv{config(bioxen::SchedulerPolicy::fair_share), bioxen::ChassisType::ecoli};
  ProductionMonitor mon{hv, opt};
  hv.create_vm("vm1", "syn3a_recoded", alloc(20, 25));
  hv.create_vm("vm2", "syn3a_recoded", alloc(20, 25));
  hv.start_vm("vm1");
  hv.run_quanta(4);
  const MonitorSample s = mon.sample_now();
  EXPECT_EQ(s.vms, 2U);
  EXPECT_EQ(s.running_vms, 1U);
  EXPECT_EQ(s.omitted_vms, 2U);
  EXPECT_TRUE(s.vm_shares.empty());
  EXPECT_EQ(s.fairness_index, 1.0);
  EXPECT_DOUBLE_EQ(s.virtual_time_seconds, 0.4);
  EXPECT_DOUBLE_EQ(s.resource_utilization.ribosome_utilization, 0.5);
  const PerformanceSummary sum = mon.get_performance_summary();
  EXPECT_EQ(sum.scheduling.vms, 2U);
  EXPECT_EQ(sum.scheduling.running_vms, 1U);
  EXPECT_EQ(sum.scheduling.omitted_vms, 2U);
  EXPECT_TRUE(sum.scheduling.vm_shares.empty());
  EXPECT_EQ(sum.quanta.quanta, 4U);
  EXPECT_NO_THROW(bioxen::test::PromParser::parse(bioxen::to_prometheus(sum)));
}

TEST(ProductionMonitor, BadOptionsAndIntervalsAreRejected) {
  BioXenHypervisor hv;
  MonitorOptions bad;
  bad.history_capacity = 0;
  expect_bioxen_error([&] { ProductionMonitor m(hv, bad); }, BioXenErrorCode::invalid_argument,
                      "history capacity");
  bad = {};
  bad.latency_window = 0;
  expect_bioxen_error([&] { ProductionMonitor m(hv, bad); }, BioXenErrorCode::invalid_argument,
                      "latency window 0");
  EXPECT_EQ(hv.observer_count(), 0U);  // a failed constructor attached nothing

  ProductionMonitor mon{hv};
  expect_bioxen_error([&] { mon.start_monitoring(0ms); }, BioXenErrorCode::invalid_argument,
                      "monitoring interval 0 s");
  expect_bioxen_error([&] { mon.start_monitoring(-1s); }, BioXenErrorCode::invalid_argument,
                      "outside (0, 8784 h]");
  expect_bioxen_error([&] { mon.start_monitoring(std::chrono::duration<double>(std::nan(""))); },
                      BioXenErrorCode::invalid_argument, "monitoring interval");
  expect_bioxen_error([&] { mon.start_monitoring(std::chrono::hours(24 * 367)); },
                      BioXenErrorCode::invalid_argument, "monitoring interval");
  EXPECT_FALSE(mon.is_monitoring());
}

// ---------------------------------------------------------------------------------------
// The sampling thread

/// Waits (up to 10 s) until `pred` holds.
template <class Pred>
bool eventually(Pred pred) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

TEST(ProductionMonitor, StopReturnsPromptlyWithALongInterval) {
  BioXenHypervisor hv;
  hv.create_vm("vm1", "syn3a_recoded");
  ProductionMonitor mon{hv};
  ASSERT_TRUE(mon.start_monitoring(1h));
  EXPECT_EQ(mon.interval(), 1h);
  // The first sample is taken at once; then the thread waits an hour.
  ASSERT_TRUE(eventually([&] { return mon.samples_taken() >= 1; }));
  std::this_thread::sleep_for(20ms);  // let it settle into its wait
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(mon.stop_monitoring());
  const auto took = std::chrono::steady_clock::now() - t0;
  const double ms = std::chrono::duration<double, std::milli>(took).count();
  std::cout << "[ measured ] stop_monitoring() with a 1 h interval took " << ms << " ms\n";
  RecordProperty("stop_ms", std::to_string(ms));
  // The requirement is 10 ms; the bound is generous so that sanitizer builds on a busy
  // machine do not flake. docs/PERFORMANCE.md records the measured figure.
  EXPECT_LT(ms, 500.0);
  EXPECT_FALSE(mon.is_monitoring());
  EXPECT_EQ(mon.samples_taken(), 1U);
}

TEST(ProductionMonitor, StartAndStopAreIdempotent) {
  BioXenHypervisor hv;
  ProductionMonitor mon{hv};
  EXPECT_FALSE(mon.stop_monitoring());  // not running
  EXPECT_TRUE(mon.start_monitoring(5ms));
  EXPECT_FALSE(mon.start_monitoring(1h));  // already running: unchanged
  EXPECT_EQ(mon.interval(), 5ms);
  EXPECT_TRUE(mon.is_monitoring());
  ASSERT_TRUE(eventually([&] { return mon.samples_taken() >= 3; }));
  EXPECT_TRUE(mon.stop_monitoring());
  EXPECT_FALSE(mon.stop_monitoring());
  EXPECT_FALSE(mon.is_monitoring());
  const auto taken = mon.samples_taken();
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(mon.samples_taken(), taken);  // really stopped
  // Restart with another interval (a double duration, as the original library's float seconds).
  EXPECT_TRUE(mon.start_monitoring(std::chrono::duration<double>(0.002)));
  EXPECT_EQ(mon.interval(), 2ms);
  ASSERT_TRUE(eventually([&] { return mon.samples_taken() >= taken + 2; }));
  EXPECT_TRUE(mon.stop_monitoring());
}

TEST(ProductionMonitor, DestroyWhileRunningIsSafe) {
  BioXenHypervisor hv;
  hv.create_vm("vm1", "syn3a_recoded");
  hv.start_vm("vm1");
  for (int round = 0; round < 20; ++round) {
    auto mon = std::make_unique<ProductionMonitor>(hv);
    mon->start_monitoring(round % 2 == 0 ? 1ms : 1h);
    hv.pause_vm("vm1");
    hv.resume_vm("vm1");
    hv.run_scheduler();
    mon.reset();  // destroyed while its thread runs
    EXPECT_EQ(hv.observer_count(), 0U);
  }
  hv.pause_vm("vm1");  // the hypervisor carries on without observers
  EXPECT_EQ(hv.get_vm_state("vm1"), VMState::paused);
}

TEST(ProductionMonitor, BackgroundSamplesFollowTheInterval) {
  BioXenHypervisor hv;
  hv.create_vm("vm1", "syn3a_recoded");
  hv.start_vm("vm1");
  ProductionMonitor mon{hv};
  mon.start_monitoring(2ms);
  ASSERT_TRUE(eventually([&] { return mon.samples_taken() >= 5; }));
  mon.stop_monitoring();
  const auto h = mon.history();
  ASSERT_GE(h.size(), 5U);
  for (std::size_t i = 1; i < h.size(); ++i) {
    EXPECT_GE(h[i].uptime_seconds, h[i - 1].uptime_seconds);
    EXPECT_GE(h[i].timestamp_ms, h[i - 1].timestamp_ms);
  }
  EXPECT_EQ(h.back().running_vms, 1U);
  EXPECT_EQ(mon.sample_errors(), 0U);
}

TEST(ProductionMonitorConcurrency, OperationsFromSeveralThreadsWhileSamplingEveryMillisecond) {
  constexpr int workers = 4;
  constexpr int cycles = sanitized ? 400 : 1000;
  BioXenHypervisor hv{config(bioxen::SchedulerPolicy::fair_share, workers + 1),
                      bioxen::ChassisType::ecoli};
  hv.create_vm("background", "syn3a_recoded");
  hv.start_vm("background");
  MonitorOptions opt;
  opt.history_capacity = 64;
  ProductionMonitor mon{hv, opt};
  ASSERT_TRUE(mon.start_monitoring(1ms));

  std::atomic<bool> done{false};
  std::atomic<int> scrapes{0};
  std::jthread scraper([&] {
    while (!done.load()) {
      const std::string text = mon.to_prometheus();
      (void)bioxen::test::PromParser::parse(text);
      (void)mon.history();
      scrapes.fetch_add(1);
      std::this_thread::sleep_for(1ms);
    }
  });
  std::jthread ticker([&] {
    while (!done.load()) hv.run_scheduler();
  });
  {
    std::vector<std::jthread> pool;
    pool.reserve(workers);
    for (int w = 0; w < workers; ++w) {
      pool.emplace_back([&hv, w] {
        const std::string id = "worker" + std::to_string(w);
        for (int i = 0; i < cycles; ++i) {
          hv.create_vm(id, "syn3a_recoded");
          hv.start_vm(id);
          hv.pause_vm(id);
          hv.resume_vm(id);
          std::error_code ec;
          hv.resume_vm(id, ec);  // running: invalid_state_transition
          hv.stop_vm(id);
          hv.destroy_vm(id);
        }
      });
    }
  }
  ASSERT_TRUE(eventually([&] { return scrapes.load() >= 3; }));
  done = true;
  scraper.join();
  ticker.join();
  EXPECT_TRUE(mon.stop_monitoring());

  const auto& m = mon.metrics();
  const auto n = static_cast<std::uint64_t>(workers) * static_cast<std::uint64_t>(cycles);
  for (const char* op : {"create_vm", "start_vm", "pause_vm", "stop_vm", "destroy_vm"}) {
    EXPECT_EQ(m.success_count(op), n) << op;
    EXPECT_EQ(m.failure_count(op), 0U) << op;
  }
  EXPECT_EQ(m.success_count("resume_vm"), n);
  EXPECT_EQ(m.failure_count("resume_vm"), n);
  EXPECT_EQ(m.error_count(BioXenErrorCode::invalid_state_transition), n);
  const PerformanceSummary s = mon.get_performance_summary();
  EXPECT_EQ(s.total_operations, 7 * n);  // 6 successes and 1 failure per cycle
  EXPECT_DOUBLE_EQ(s.error_rate, 1.0 / 7.0);
  // One create in latency_sample_period is timed (concurrent callers may shift the sample).
  const auto timed = s.operation_statistics.at("create_vm").total_count;
  EXPECT_GE(timed, 1U);
  EXPECT_LE(timed, n);
  EXPECT_EQ(s.operation_statistics.at("create_vm").count,
            std::min<std::uint64_t>(timed, opt.latency_window));
  EXPECT_GT(s.quanta.quanta, 0U);
  EXPECT_GE(mon.samples_taken(), 1U);
  EXPECT_LE(mon.history().size(), 64U);
  EXPECT_EQ(mon.sample_errors(), 0U);
  EXPECT_EQ(hv.vm_count(), 1U);
}

TEST(ProductionMonitor, LatencySamplePeriodTimesOneInNAndKeepsCountsExact) {
  for (std::uint32_t period : {1u, 8u}) {
    BioXenHypervisor hv;
    hv.create_vm("vm1", "syn3a_recoded");
    hv.start_vm("vm1");
    MonitorOptions opt;
    opt.latency_sample_period = period;
    ProductionMonitor mon{hv, opt};
    for (int i = 0; i < 100; ++i) {
      hv.pause_vm("vm1");
      hv.resume_vm("vm1");
    }
    std::error_code ec;
    hv.pause_vm("missing", ec);
    hv.run_quanta(21);
    // Reads through the monitor bring the counts up to date with the hypervisor's counters.
    const bioxen::PerformanceMetrics& m = mon.metrics();
    EXPECT_EQ(m.success_count("pause_vm"), 100U) << period;
    EXPECT_EQ(m.failure_count("pause_vm"), 1U) << period;
    EXPECT_EQ(m.error_count(BioXenErrorCode::vm_not_found), 1U) << period;
    // Successes 0, N, 2N, ... are timed; the failure fell on pause number 100.
    const std::uint64_t timed = (100 + period - 1) / period + (100 % period == 0 ? 1 : 0);
    EXPECT_EQ(m.latency_stats("pause_vm")->total_count, timed) << period;
    // Sampling follows the rule, reads do not change it: pause number 100 is timed when 100
    // is a multiple of the period.
    hv.pause_vm("vm1");
    EXPECT_EQ(mon.metrics().latency_stats("pause_vm")->total_count,
              timed + (100 % period == 0 ? 1 : 0))
        << period;
    hv.resume_vm("vm1");
    EXPECT_EQ(mon.metrics().success_count("resume_vm"), 101U) << period;
    EXPECT_EQ(mon.get_performance_summary().quanta.quanta, 21U) << period;
    EXPECT_EQ(mon.get_performance_summary().total_operations, 203U) << period;
  }
}

TEST(ProductionMonitor, RejectsALatencySamplePeriodThatIsNotAPowerOfTwo) {
  BioXenHypervisor hv;
  for (std::uint32_t period : {0u, 6u, (1u << 20) + 1}) {
    MonitorOptions opt;
    opt.latency_sample_period = period;
    expect_bioxen_error([&] { ProductionMonitor mon(hv, opt); }, BioXenErrorCode::invalid_argument,
                        "latency sample period");
    EXPECT_EQ(hv.observer_count(), 0U) << period;
  }
}

TEST(ProductionMonitor, MemoryStaysBoundedAfterAMillionOperations) {
  BioXenHypervisor hv;
  hv.create_vm("vm1", "syn3a_recoded");
  hv.start_vm("vm1");
  MonitorOptions opt;
  opt.history_capacity = 16;
  ProductionMonitor mon{hv, opt};
  // Sanitizer builds run a tenth of the operations (the bound is the same).
  const int pairs = sanitized ? 50'000 : 500'000;
  for (int i = 0; i < pairs; ++i) {
    hv.pause_vm("vm1");
    hv.resume_vm("vm1");
    if (i % 10'000 == 0) (void)mon.sample_now();
  }
  const auto& m = mon.metrics();
  EXPECT_EQ(m.total_operations(), 2U * static_cast<std::uint64_t>(pairs) + 0U);
  EXPECT_EQ(m.latency_window("pause_vm").size(), opt.latency_window);
  EXPECT_EQ(m.latency_window("resume_vm").size(), opt.latency_window);
  // Timed: pauses number 0, P, 2P, ... since the monitor attached; one thread, so the rule
  // gives the exact number.
  const std::uint64_t period = opt.latency_sample_period;
  const std::uint64_t timed = (static_cast<std::uint64_t>(pairs) + period - 1) / period;
  EXPECT_EQ(m.latency_stats("pause_vm")->total_count, timed);
  EXPECT_LT(timed, static_cast<std::uint64_t>(pairs) / 100);
  EXPECT_LE(mon.history().size(), 16U);
  EXPECT_EQ(mon.samples_taken(), static_cast<std::uint64_t>((pairs + 9'999) / 10'000));
}

// ---------------------------------------------------------------------------------------
// Prometheus from a live monitor

TEST(ProductionMonitor, PrometheusExpositionParsesBackToTheSummary) {
  BioXenHypervisor hv{config(bioxen::SchedulerPolicy::round_robin), bioxen::ChassisType::ecoli};
  ProductionMonitor mon{hv};
  hv.create_vm("vm1", "syn3a_recoded", alloc(20, 25));
  hv.create_vm("vm2", "minimal_cell_recoded", alloc(10, 25));
  hv.start_vm("vm1");
  hv.start_vm("vm2");
  EXPECT_THROW(hv.start_vm("vm3"), BioXenException);
  hv.run_quanta(30);
  (void)mon.sample_now();

  const PerformanceSummary s = mon.get_performance_summary();
  const std::string text = bioxen::to_prometheus(s);
  std::vector<bioxen::test::PromFamily> fams;
  ASSERT_NO_THROW(fams = bioxen::test::PromParser::parse(text)) << text;
  using bioxen::test::prom_value;
  for (const auto& f : fams) EXPECT_TRUE(f.name.starts_with("bioxen_")) << f.name;

  EXPECT_EQ(prom_value(fams, "bioxen_vm_operations_total",
                       {{"operation", "start_vm"}, {"result", "success"}}),
            2.0);
  EXPECT_EQ(prom_value(fams, "bioxen_vm_operations_total",
                       {{"operation", "start_vm"}, {"result", "failure"}}),
            1.0);
  EXPECT_EQ(prom_value(fams, "bioxen_errors_total", {{"code", "BX006"}, {"name", "vm_not_found"}}),
            1.0);
  const auto& st = s.operation_statistics.at("create_vm");
  EXPECT_EQ(prom_value(fams, "bioxen_operation_latency_seconds",
                       {{"operation", "create_vm"}, {"quantile", "0.99"}}),
            st.p99);
  // The first create was timed, the second only counted (latency_sample_period 256).
  EXPECT_EQ(
      prom_value(fams, "bioxen_operation_latency_seconds_count", {{"operation", "create_vm"}}),
      1.0);
  EXPECT_EQ(prom_value(fams, "bioxen_vm_operations_total",
                       {{"operation", "create_vm"}, {"result", "success"}}),
            2.0);
  EXPECT_EQ(prom_value(fams, "bioxen_operation_latency_seconds_sum", {{"operation", "create_vm"}}),
            st.total_latency);
  EXPECT_EQ(prom_value(fams, "bioxen_ribosome_utilization_ratio"),
            s.resource_utilization.ribosome_utilization);
  EXPECT_EQ(prom_value(fams, "bioxen_active_vms"), 2.0);
  EXPECT_EQ(prom_value(fams, "bioxen_virtual_time_seconds"), 3.0);
  EXPECT_EQ(prom_value(fams, "bioxen_scheduler_fairness_index"), s.scheduling.fairness_index);
  EXPECT_EQ(prom_value(fams, "bioxen_scheduler_quanta_total"), 30.0);
  EXPECT_EQ(prom_value(fams, "bioxen_monitor_samples_total"), 1.0);
  EXPECT_EQ(prom_value(fams, "bioxen_vm_service_share_ratio", {{"vm_id", "vm1"}}),
            s.scheduling.vm_shares[0].vm_id == "vm1" ? s.scheduling.vm_shares[0].service_share
                                                     : s.scheduling.vm_shares[1].service_share);
  // The member function gives a valid exposition too.
  EXPECT_NO_THROW(bioxen::test::PromParser::parse(mon.to_prometheus()));
}

TEST(ProductionMonitor, OwnOperationsCanBeRecorded) {
  BioXenHypervisor hv;
  ProductionMonitor mon{hv};
  mon.metrics().record_operation("load_scenario", 12ms, true);
  EXPECT_EQ(mon.get_performance_summary().vm_operations.at("load_scenario_success"), 1U);
}

// ---------------------------------------------------------------------------------------
// The host cell (the physiological work model)

TEST(ProductionMonitor, SamplesAndTheSummaryCarryTheHostStatus) {
  BioXenHypervisor hv;  // the default: physiological work model, E. coli at 40 min
  ProductionMonitor mon{hv};
  const MonitorSample alone = mon.sample_now();
  ASSERT_TRUE(alone.host.has_value());
  EXPECT_TRUE(alone.host->modelled);
  EXPECT_EQ(alone.host->state, "growing");
  EXPECT_EQ(alone.host->growth_rate_per_h, alone.host->reference_growth_rate_per_h);

  hv.create_vm("g", "syn3a_recoded");
  hv.start_vm("g");
  hv.run_quanta(3000);  // five minutes: the guest's chains hold ribosomes by then
  const bioxen::HostStatus h = hv.get_host_status();
  const MonitorSample sample = mon.sample_now();
  ASSERT_TRUE(sample.host.has_value());
  EXPECT_EQ(*sample.host, h);
  EXPECT_EQ(mon.latest_sample()->host, h);
  EXPECT_EQ(nlohmann::json(sample).get<MonitorSample>(), sample);
  EXPECT_EQ(h.state, "growing");
  EXPECT_LT(h.growth_rate_per_h, h.reference_growth_rate_per_h);
  EXPECT_GT(h.guest_translation_fraction, 0.0);

  const PerformanceSummary sum = mon.get_performance_summary();
  ASSERT_TRUE(sum.host.has_value());
  EXPECT_EQ(*sum.host, h);
  const nlohmann::json j = sum;
  EXPECT_EQ(j["host"]["state"], "growing");
  EXPECT_EQ(j["host"]["work_model"], "physiological");
  EXPECT_EQ(j["host"]["growth_rate_per_h"].get<double>(), h.growth_rate_per_h);
  EXPECT_EQ(j["host"]["doubling_time_min"].get<double>(), h.doubling_time_min);

  const auto fams = bioxen::test::PromParser::parse(mon.to_prometheus());
  using bioxen::test::prom_value;
  EXPECT_EQ(prom_value(fams, "bioxen_host_modelled"), 1.0);
  EXPECT_EQ(prom_value(fams, "bioxen_host_growth_rate_per_hour"), h.growth_rate_per_h);
  EXPECT_EQ(prom_value(fams, "bioxen_host_reference_growth_rate_per_hour"),
            h.reference_growth_rate_per_h);
  EXPECT_EQ(prom_value(fams, "bioxen_host_doubling_time_minutes"), h.doubling_time_min);
  EXPECT_EQ(prom_value(fams, "bioxen_host_stalled"), 0.0);
  EXPECT_EQ(prom_value(fams, "bioxen_host_guest_translation_fraction"),
            h.guest_translation_fraction);
  EXPECT_EQ(prom_value(fams, "bioxen_host_guest_bound_ribosomes"), h.guest_bound_ribosomes);
  EXPECT_EQ(prom_value(fams, "bioxen_host_state_changes_total"), 0.0);
}

TEST(ProductionMonitor, ExportsAStalledHostAndCountsItsStateChanges) {
  BioXenHypervisor hv;
  ProductionMonitor mon{hv};
  // The whole machine for one guest (docs/MODEL.md, section 6.3): the host stalls.
  ResourceAllocation greedy = alloc(60, 90);
  greedy.rna_polymerase = 3000;
  greedy.priority = 5;
  hv.create_vm("greedy", "syn3a_recoded", greedy);
  hv.start_vm("greedy");
  hv.run_quanta(3000);  // batched: the state changes arrive as quantum totals
  const bioxen::HostStatus stalled = hv.get_host_status();
  ASSERT_EQ(stalled.state, "stalled");

  PerformanceSummary sum = mon.get_performance_summary();
  ASSERT_TRUE(sum.host.has_value());
  EXPECT_EQ(sum.host->state, "stalled");
  EXPECT_EQ(sum.quanta.host_state_changes, 1U);  // growing -> stalled
  EXPECT_TRUE(nlohmann::json(sum)["host"]["doubling_time_min"].is_null());
  std::string text = mon.to_prometheus();
  EXPECT_NE(text.find("\nbioxen_host_doubling_time_minutes +Inf\n"), std::string::npos) << text;
  auto fams = bioxen::test::PromParser::parse(text);
  using bioxen::test::prom_value;
  EXPECT_EQ(prom_value(fams, "bioxen_host_stalled"), 1.0);
  EXPECT_EQ(prom_value(fams, "bioxen_host_growth_rate_per_hour"), 0.0);
  EXPECT_EQ(prom_value(fams, "bioxen_host_stalled_quanta_total"),
            static_cast<double>(stalled.stalled_quanta));
  EXPECT_GT(stalled.stalled_quanta, 0U);

  // Pausing the guest lets the host grow again; quantum by quantum this time (the changes
  // arrive with the quantum events and the totals in between).
  hv.pause_vm("greedy");
  for (int i = 0; i < 600; ++i) hv.run_scheduler();
  ASSERT_EQ(hv.get_host_status().state, "growing");
  sum = mon.get_performance_summary();
  EXPECT_EQ(sum.host->state, "growing");
  EXPECT_EQ(sum.quanta.host_state_changes, 2U);  // and back
  fams = bioxen::test::PromParser::parse(mon.to_prometheus());
  EXPECT_EQ(prom_value(fams, "bioxen_host_stalled"), 0.0);
  EXPECT_EQ(prom_value(fams, "bioxen_host_state_changes_total"), 2.0);
  EXPECT_TRUE(std::isfinite(prom_value(fams, "bioxen_host_doubling_time_minutes")));
}

TEST(ProductionMonitor, UnderTheCapacityModelTheHostIsNotModelled) {
  BioXenHypervisor hv{config(bioxen::SchedulerPolicy::round_robin), bioxen::ChassisType::ecoli};
  ProductionMonitor mon{hv};
  hv.create_vm("vm1", "syn3a_recoded", alloc(20, 25));
  hv.start_vm("vm1");
  hv.run_quanta(100);
  const MonitorSample sample = mon.sample_now();
  ASSERT_TRUE(sample.host.has_value());
  EXPECT_FALSE(sample.host->modelled);
  EXPECT_EQ(sample.host->growth_rate_per_h, sample.host->reference_growth_rate_per_h);
  const auto fams = bioxen::test::PromParser::parse(mon.to_prometheus());
  EXPECT_EQ(bioxen::test::prom_value(fams, "bioxen_host_modelled"), 0.0);
  EXPECT_EQ(bioxen::test::prom_value(fams, "bioxen_host_stalled"), 0.0);
}

}  // namespace
