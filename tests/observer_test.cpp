// Observers of a BioXenHypervisor (the one protocol: options(), on_operation(), on_quantum())
// and the counters it keeps for anyone to read.
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

// --- Observers
// ------------------------------------------------------------------------------------

struct Recorder final : bioxen::HypervisorObserver {
  std::vector<bioxen::OperationEvent> ops;
  std::vector<bioxen::QuantumEvent> quanta;
  bool grants = false;
  bioxen::ObserverOptions options() const override {
    bioxen::ObserverOptions o;
    o.quantum_grants = grants;
    return o;
  }
  void on_operation(const bioxen::OperationEvent& e) override { ops.push_back(e); }
  void on_quantum(const bioxen::QuantumEvent& e) override { quanta.push_back(e); }
};

TEST(Observers, SeeEveryOperationWithItsOutcome) {
  BioXenHypervisor hv;
  auto rec = std::make_shared<Recorder>();
  hv.add_observer(rec);
  hv.add_observer(rec);  // no-op
  EXPECT_EQ(hv.observer_count(), 1u);
  hv.create_vm("v", "syn3a_recoded");
  hv.start_vm("v");
  EXPECT_THROW(hv.start_vm("v"), bioxen::BioXenException);
  std::error_code ec;
  hv.pause_vm("nope", ec);
  hv.pause_vm("v");
  hv.resume_vm("v");
  hv.reallocate_vm("v", ResourceAllocation{});
  hv.stop_vm("v");
  hv.fail_vm("v", "r");
  hv.destroy_vm("v");
  hv.restore(hv.snapshot());
  ASSERT_EQ(rec->ops.size(), 11u);
  const std::vector<std::string> names = {"create_vm", "start_vm",   "start_vm",      "pause_vm",
                                          "pause_vm",  "resume_vm",  "reallocate_vm", "stop_vm",
                                          "fail_vm",   "destroy_vm", "restore"};
  for (std::size_t i = 0; i < names.size(); ++i) EXPECT_EQ(rec->ops[i].operation, names[i]);
  EXPECT_TRUE(rec->ops[0].success);
  EXPECT_EQ(rec->ops[0].vm_id, "v");
  EXPECT_GE(rec->ops[0].latency.count(), 0);
  EXPECT_FALSE(rec->ops[2].success);
  EXPECT_EQ(rec->ops[2].error, BioXenErrorCode::invalid_state_transition);
  EXPECT_EQ(rec->ops[2].message, "cannot start VM 'v' in state running");
  EXPECT_FALSE(rec->ops[3].success);
  EXPECT_EQ(rec->ops[3].error, BioXenErrorCode::vm_not_found);
  EXPECT_EQ(rec->ops[3].vm_id, "nope");
  EXPECT_TRUE(rec->ops[10].success);
  EXPECT_EQ(rec->ops[10].vm_id, "");
  hv.remove_observer(rec);
  EXPECT_EQ(hv.observer_count(), 0u);
  hv.create_vm("w", "syn3a_recoded");
  EXPECT_EQ(rec->ops.size(), 11u);
  EXPECT_TRUE(throws_bx([&] { hv.add_observer(nullptr); }, BioXenErrorCode::invalid_argument,
                        "add_observer: null observer"));
}

TEST(Observers, SeeEveryQuantumAndTheGrantsWhenTheyAsk) {
  ProductionConfig cfg;
  cfg.scheduler_policy = bioxen::SchedulerPolicy::fair_share;
  cfg.work_model = bioxen::WorkModel::capacity;  // round numbers
  BioXenHypervisor hv{cfg, bioxen_test::round_chassis()};
  hv.create_vm("a", bioxen_test::tiny_genome(), alloc(10, 20));
  hv.create_vm("b", bioxen_test::tiny_genome(), alloc(20, 20));
  hv.start_vm("a");
  hv.start_vm("b");
  auto rec = std::make_shared<Recorder>();
  hv.add_observer(rec);
  hv.run_quanta(3);
  ASSERT_EQ(rec->quanta.size(), 3u);
  EXPECT_EQ(rec->quanta[1].quantum, 1u);
  EXPECT_EQ(rec->quanta[1].start_us, 100000);
  EXPECT_EQ(rec->quanta[1].end_us, 200000);
  EXPECT_EQ(rec->quanta[1].running_vms, 2u);
  EXPECT_EQ(rec->quanta[1].active_vms, 2u);
  EXPECT_DOUBLE_EQ(rec->quanta[1].ribosome_units, 68.0);
  EXPECT_NEAR(rec->quanta[1].amino_acids, 680.0, 1e-9);
  EXPECT_TRUE(rec->quanta[1].grants.empty());
  // Options are read when an observer is attached.
  rec->grants = true;
  hv.remove_observer(rec);
  hv.add_observer(rec);
  hv.run_for(100ms);
  ASSERT_EQ(rec->quanta.back().grants.size(), 2u);
  EXPECT_EQ(rec->quanta.back().grants[0].vm_id, "a");
  EXPECT_DOUBLE_EQ(rec->quanta.back().grants[0].ribosome_units, 10 + 38.0 / 2);
}

/// Records what an observer with an operation sample period receives.
struct SampledRecorder final : bioxen::HypervisorObserver {
  explicit SampledRecorder(std::uint32_t p, bool q = true) : period(p), take_quanta(q) {}
  std::uint32_t period;
  bool take_quanta;
  std::vector<bioxen::OperationEvent> ops;
  std::vector<std::uint64_t> quanta;  // indexes of the quanta reported
  bioxen::ObserverOptions options() const override {
    bioxen::ObserverOptions o;
    o.operation_sample_period = period;
    o.quanta = take_quanta;
    return o;
  }
  void on_operation(const bioxen::OperationEvent& e) override { ops.push_back(e); }
  void on_quantum(const bioxen::QuantumEvent& e) override { quanta.push_back(e.quantum); }
  std::uint64_t one_by_one(std::string_view op, bool success) const {
    return static_cast<std::uint64_t>(std::count_if(ops.begin(), ops.end(), [&](const auto& e) {
      return e.operation == op && e.success == success;
    }));
  }
};

TEST(Observers, WithASamplePeriodSeeOneInNWhileTheCountersHaveEveryOperation) {
  BioXenHypervisor hv;
  hv.create_vm("v", "syn3a_recoded");
  hv.start_vm("v");
  auto rec = hv.make_observer<SampledRecorder>(4, false);
  for (int i = 0; i < 10; ++i) {
    hv.pause_vm("v");
    hv.resume_vm("v");
  }
  std::error_code ec;
  for (int i = 0; i < 3; ++i) hv.resume_vm("v", ec);  // failures: always reported
  // Successes number 0, 4 and 8 of each kind were timed and reported; failures too, untimed
  // unless they fell on a sample (the resume counter stands at 10, not a multiple of 4).
  EXPECT_EQ(rec->one_by_one("pause_vm", true), 3u);
  EXPECT_EQ(rec->one_by_one("resume_vm", true), 3u);
  EXPECT_EQ(rec->one_by_one("resume_vm", false), 3u);
  for (const auto& e : rec->ops) {
    EXPECT_EQ(e.timed, e.success) << e.operation;
    EXPECT_EQ(e.operation, bioxen::to_string(e.kind));
    if (!e.success) {
      EXPECT_EQ(e.latency.count(), 0);
      EXPECT_EQ(e.error, BioXenErrorCode::invalid_state_transition);
    }
  }
  // The counters hold every operation since construction, observed or not.
  const bioxen::HypervisorCounters c = hv.counters();
  EXPECT_EQ(c.operation(bioxen::HypervisorOperation::create_vm).succeeded, 1u);
  EXPECT_EQ(c.operation(bioxen::HypervisorOperation::start_vm).succeeded, 1u);
  EXPECT_EQ(c.operation(bioxen::HypervisorOperation::pause_vm).succeeded, 10u);
  EXPECT_EQ(c.operation(bioxen::HypervisorOperation::resume_vm).succeeded, 10u);
  EXPECT_EQ(c.operation(bioxen::HypervisorOperation::resume_vm).failed, 3u);
  EXPECT_EQ(c.operation(bioxen::HypervisorOperation::stop_vm), bioxen::OperationCounter{});

  // An observer that takes no quanta gets none; the counters sum them all.
  hv.run_quanta(10);
  EXPECT_TRUE(rec->quanta.empty());
  const bioxen::QuantumTotals t = hv.counters().quanta;
  EXPECT_EQ(t.quanta, 10u);
  EXPECT_NEAR(t.amino_acids, static_cast<double>(hv.get_vm_status("v").amino_acids), 1.0);
}

TEST(Observers, TheSmallestPeriodWinsAndCountersDoNotDependOnObservers) {
  BioXenHypervisor hv;
  hv.create_vm("v", "syn3a_recoded");
  auto sampled = hv.make_observer<SampledRecorder>(8);
  for (int i = 0; i < 5; ++i) hv.reallocate_vm("v", ResourceAllocation{});  // 1 reported
  EXPECT_EQ(sampled->one_by_one("reallocate_vm", true), 1u);
  auto every = hv.make_observer<SampledRecorder>(1);
  for (int i = 0; i < 5; ++i) hv.reallocate_vm("v", ResourceAllocation{});
  EXPECT_EQ(sampled->one_by_one("reallocate_vm", true), 6u);  // period 1 now: all reported
  EXPECT_EQ(every->one_by_one("reallocate_vm", true), 5u);
  hv.remove_observer(every);  // back to period 8
  for (int i = 0; i < 6; ++i) hv.reallocate_vm("v", ResourceAllocation{});
  hv.remove_observer(sampled);
  for (int i = 0; i < 3; ++i) hv.reallocate_vm("v", ResourceAllocation{});  // unobserved
  EXPECT_EQ(every->ops.size(), 5u);
  EXPECT_EQ(hv.counters().operation(bioxen::HypervisorOperation::reallocate_vm).succeeded, 19u);
  hv.restore(hv.snapshot());  // restore does not reset the counters
  EXPECT_EQ(hv.counters().operation(bioxen::HypervisorOperation::reallocate_vm).succeeded, 19u);
  EXPECT_EQ(hv.counters().operation(bioxen::HypervisorOperation::restore).succeeded, 1u);
}

TEST(Observers, RejectASamplePeriodThatIsNotAPowerOfTwo) {
  BioXenHypervisor hv;
  for (std::uint32_t p : {0u, 3u, 12u, (1u << 20) + 1, 1u << 21}) {
    auto rec = std::make_shared<SampledRecorder>(p);
    EXPECT_TRUE(throws_bx_containing([&] { hv.add_observer(rec); },
                                     BioXenErrorCode::invalid_argument, "is not a power of two"))
        << p;
    std::error_code ec;
    hv.add_observer(rec, ec);
    EXPECT_EQ(ec, BioXenErrorCode::invalid_argument);
    EXPECT_EQ(hv.observer_count(), 0u);
  }
  hv.add_observer(std::make_shared<SampledRecorder>(1u << 20));
  EXPECT_EQ(hv.observer_count(), 1u);
}

TEST(Observers, MayCallTheHypervisorFromTheirCallbacks) {
  BioXenHypervisor hv;
  struct Reentrant final : bioxen::HypervisorObserver {
    BioXenHypervisor* hv = nullptr;
    std::int64_t seen = -1;
    void on_operation(const bioxen::OperationEvent&) override {
      seen = hv->get_system_resources().total_vms;
    }
  };
  auto obs = std::make_shared<Reentrant>();
  obs->hv = &hv;
  hv.add_observer(obs);
  hv.create_vm("v", "syn3a_recoded");
  EXPECT_EQ(obs->seen, 1);
}

}  // namespace
