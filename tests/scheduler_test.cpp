// The scheduler (docs/MODEL.md section 5): the run queue, the policy interface, and the properties
// of round_robin, fair_share and priority on a chassis with round numbers (one ribosome unit makes
// 100 aa/s and needs 400 ATP/s).
#include "bioxen/scheduler.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "bioxen/hypervisor.hpp"
#include "engine_test_support.hpp"

namespace {

using bioxen::BioXenHypervisor;
using bioxen::ProductionConfig;
using bioxen::ResourceAllocation;
using bioxen::RunEntry;
using bioxen::RunQueue;
using bioxen::SchedulerPolicy;

using bioxen_test::alloc;

/// The policies' arithmetic is checked on the capacity model, whose output is the grant;
/// physiology_test.cpp checks what they do under the physiological model.
ProductionConfig config(SchedulerPolicy policy, double switch_ms = 0) {
  ProductionConfig cfg;
  cfg.work_model = bioxen::WorkModel::capacity;
  cfg.scheduler_policy = policy;
  cfg.context_switch_ms = switch_ms;
  cfg.max_vms = 16;
  return cfg;
}

/// Records the grants of every quantum.
struct GrantLog final : bioxen::HypervisorObserver {
  std::vector<bioxen::QuantumEvent> quanta;
  void on_quantum(const bioxen::QuantumEvent& e) override { quanta.push_back(e); }
  bioxen::ObserverOptions options() const override {
    bioxen::ObserverOptions o;
    o.quantum_grants = true;
    return o;
  }
  std::map<std::string, double> units(std::size_t q) const {
    std::map<std::string, double> m;
    for (const auto& g : quanta.at(q).grants) m[g.vm_id] = g.ribosome_units;
    return m;
  }
  std::string active_sequence() const {
    std::string s;
    for (const auto& q : quanta) {
      for (const auto& g : q.grants) s += g.vm_id;
      s += ' ';
    }
    return s;
  }
};

// --- The run queue
// -------------------------------------------------------------------------------------

std::vector<std::uint32_t> order(const RunQueue& q) {
  std::vector<std::uint32_t> v;
  q.for_each([&](std::uint32_t s, const RunEntry&) { v.push_back(s); });
  return v;
}

TEST(RunQueue, IsACircularListWithACursor) {
  RunQueue q;
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.cursor(), RunQueue::npos);
  q.push_back(5, RunEntry{1, 10, 1});
  q.push_back(2, RunEntry{2, 20, 2});
  q.push_back(9, RunEntry{3, 30, 3});
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(order(q), (std::vector<std::uint32_t>{5, 2, 9}));
  EXPECT_TRUE(q.contains(2));
  EXPECT_FALSE(q.contains(3));
  EXPECT_FALSE(q.contains(1000));
  EXPECT_EQ(q.entry(9).reserved_units, 30);
  EXPECT_EQ(q.rotate(), 5u);
  EXPECT_EQ(q.rotate(), 2u);
  EXPECT_EQ(q.cursor(), 9u);
  q.push_back(7, RunEntry{4, 1, 1});  // joins at the end of the rotation: before the cursor
  EXPECT_EQ(order(q), (std::vector<std::uint32_t>{9, 5, 2, 7}));
  const auto v = q.version();
  q.rotate();
  EXPECT_EQ(q.version(), v);  // rotation is not a change of the set
  q.erase(5);
  EXPECT_NE(q.version(), v);
  EXPECT_EQ(order(q), (std::vector<std::uint32_t>{2, 7, 9}));
  q.erase(2);  // the cursor moves on
  EXPECT_EQ(q.cursor(), 7u);
  q.update(7, RunEntry{4, 99, 5});
  EXPECT_EQ(q.entry(7).reserved_units, 99);
  q.erase(7);
  q.erase(9);
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.cursor(), RunQueue::npos);
  q.push_back(0, RunEntry{5, 1, 1});
  EXPECT_EQ(q.rotate(), 0u);
  EXPECT_EQ(q.rotate(), 0u);
}

// --- The policy interface
// ------------------------------------------------------------------------------

TEST(Policies, AreMadeByNameAndDecideFromTheQueue) {
  bioxen::PolicyContext ctx;
  ctx.available_ribosomes = 68;
  ctx.max_ribosome_allocation = 60;
  ctx.quantum_us = 100000;
  ctx.context_switch_us = 5000;
  for (auto p : bioxen::all_scheduler_policies) {
    auto policy = bioxen::make_scheduling_policy(p, ctx);
    EXPECT_EQ(policy->name(), bioxen::to_string(p));
    RunQueue empty;
    EXPECT_TRUE(policy->plan(empty).grants.empty());
  }
  RunQueue q;
  q.push_back(0, RunEntry{1, 10, 1});
  q.push_back(1, RunEntry{2, 20, 3});
  auto rr = bioxen::make_scheduling_policy(SchedulerPolicy::round_robin, ctx);
  auto p1 = rr->plan(q);
  ASSERT_EQ(p1.grants.size(), 1u);
  EXPECT_EQ(p1.grants[0].slot, 0u);
  EXPECT_EQ(p1.grants[0].units, 10.0);
  EXPECT_FALSE(p1.context_switch);
  auto p2 = rr->plan(q);
  EXPECT_EQ(p2.grants[0].slot, 1u);
  EXPECT_TRUE(p2.context_switch);
  EXPECT_EQ(p2.switch_us, 5000);
  EXPECT_EQ(rr->save_state(), nlohmann::json({{"last_active_uid", 2}}));
  auto fs = bioxen::make_scheduling_policy(SchedulerPolicy::fair_share, ctx);
  const auto f = fs->plan(q);
  ASSERT_EQ(f.grants.size(), 2u);
  EXPECT_DOUBLE_EQ(f.grants[0].units + f.grants[1].units, 68.0);
  auto pr = bioxen::make_scheduling_policy(SchedulerPolicy::priority, ctx);
  const auto p = pr->plan(q);
  ASSERT_EQ(p.grants.size(), 2u);
  EXPECT_EQ(p.grants[0].slot, 1u);  // priority 3 first
  EXPECT_EQ(p.grants[0].units, 60.0);
  EXPECT_EQ(p.grants[1].units, 8.0);
}

TEST(Policies, ANewPolicyIsOneClass) {
  // The documented extension point: a policy only has to decide the grants.
  class Lottery final : public bioxen::SchedulingPolicy {
   public:
    std::string_view name() const noexcept override { return "first_only"; }
    bioxen::QuantumPlan plan(RunQueue& q) override {
      if (q.empty()) return {};
      grant_ = bioxen::Grant{q.cursor(), 1.0};
      bioxen::QuantumPlan p;
      p.grants = std::span<const bioxen::Grant>(&grant_, 1);
      return p;
    }

   private:
    bioxen::Grant grant_;
  } policy;
  RunQueue q;
  q.push_back(3, RunEntry{1, 10, 1});
  EXPECT_EQ(policy.plan(q).grants[0].slot, 3u);
  EXPECT_TRUE(policy.save_state().empty());
}

// --- round_robin
// ------------------------------------------------------------------------------------------

TEST(RoundRobin, SharesTimeEquallyAndRotatesInStartOrder) {
  BioXenHypervisor hv{config(SchedulerPolicy::round_robin), bioxen_test::round_chassis()};
  auto log = std::make_shared<GrantLog>();
  hv.add_observer(log);
  for (const char* id : {"a", "b", "c", "d"}) {
    hv.create_vm(id, bioxen_test::tiny_genome(), alloc(10, 20));
    hv.start_vm(id);
  }
  hv.run_quanta(40);
  EXPECT_EQ(log->active_sequence().substr(0, 16), "a b c d a b c d ");
  for (const char* id : {"a", "b", "c", "d"}) {
    const auto st = hv.get_vm_status(id);
    EXPECT_DOUBLE_EQ(st.running_seconds, 4.0) << id;
    EXPECT_DOUBLE_EQ(st.active_seconds, 1.0) << id;
    EXPECT_DOUBLE_EQ(st.waiting_seconds, 3.0) << id;
    EXPECT_EQ(st.amino_acids, 1000u) << id;  // 10 units x 100 aa/s x 1 s
    EXPECT_DOUBLE_EQ(st.ribosome_seconds, 10.0) << id;
  }
}

TEST(RoundRobin, ANewOrResumedVmJoinsAtTheEndOfTheRotation) {
  BioXenHypervisor hv{config(SchedulerPolicy::round_robin), bioxen_test::round_chassis()};
  auto log = std::make_shared<GrantLog>();
  hv.add_observer(log);
  for (const char* id : {"a", "b", "c", "d"}) {
    hv.create_vm(id, bioxen_test::tiny_genome(), alloc(10, 20));
  }
  hv.start_vm("a");
  hv.start_vm("b");
  hv.start_vm("c");
  hv.run_quanta(2);  // a b, cursor at c
  hv.start_vm("d");
  hv.run_quanta(4);   // c a b d: d joined just before the cursor (c)
  hv.pause_vm("c");   // the cursor moves on to a
  hv.run_quanta(3);   // a b d
  hv.resume_vm("c");  // joins before the cursor (a): after d
  hv.run_quanta(4);   // a b d c
  EXPECT_EQ(log->active_sequence(), "a b c a b d a b d a b d c ");
}

TEST(RoundRobin, OutputScalesWithAllocatedRibosomes) {
  BioXenHypervisor hv{config(SchedulerPolicy::round_robin), bioxen_test::round_chassis()};
  hv.create_vm("one", bioxen_test::tiny_genome(), alloc(5, 20));
  hv.create_vm("two", bioxen_test::tiny_genome(), alloc(10, 20));
  hv.create_vm("four", bioxen_test::tiny_genome(), alloc(20, 20));
  for (const char* id : {"one", "two", "four"}) hv.start_vm(id);
  hv.run_quanta(300);
  const auto one = hv.get_vm_status("one").amino_acids;
  EXPECT_EQ(one, 5000u);
  EXPECT_EQ(hv.get_vm_status("two").amino_acids, 2 * one);
  EXPECT_EQ(hv.get_vm_status("four").amino_acids, 4 * one);
}

TEST(RoundRobin, AContextSwitchCostsItsTimeAndIsCounted) {
  BioXenHypervisor hv{config(SchedulerPolicy::round_robin, 5), bioxen_test::round_chassis()};
  for (const char* id : {"a", "b", "c", "d"}) {
    hv.create_vm(id, bioxen_test::tiny_genome(), alloc(10, 20));
    hv.start_vm(id);
  }
  hv.run_quanta(40);
  // The first quantum loads a onto an idle hypervisor (free); the other 39 switch.
  const auto a = hv.get_vm_status("a");
  EXPECT_EQ(a.context_switches, 9u);
  EXPECT_EQ(a.amino_acids, 100u + 9 * 95u);  // 95 ms of work in a switching quantum
  EXPECT_DOUBLE_EQ(a.active_seconds, 1.0);   // the quantum is its own, switch included
  EXPECT_DOUBLE_EQ(a.ribosome_seconds, 10 * (0.1 + 9 * 0.095));
  for (const char* id : {"b", "c", "d"}) {
    const auto st = hv.get_vm_status(id);
    EXPECT_EQ(st.context_switches, 10u) << id;
    EXPECT_EQ(st.amino_acids, 950u) << id;
  }
}

TEST(RoundRobin, ALoneVmNeverSwitches) {
  BioXenHypervisor hv{config(SchedulerPolicy::round_robin, 50), bioxen_test::round_chassis()};
  hv.create_vm("a", bioxen_test::tiny_genome(), alloc(10, 20));
  hv.start_vm("a");
  hv.run_quanta(10);
  hv.pause_vm("a");
  hv.run_quanta(3);
  hv.resume_vm("a");
  hv.run_quanta(10);
  const auto st = hv.get_vm_status("a");
  EXPECT_EQ(st.context_switches, 0u);
  EXPECT_EQ(st.amino_acids, 2000u);
}

TEST(RoundRobin, PausedVmsMakeNoProgressAndTheOthersShareTheTime) {
  BioXenHypervisor hv{config(SchedulerPolicy::round_robin), bioxen_test::round_chassis()};
  for (const char* id : {"a", "b", "c"}) {
    hv.create_vm(id, bioxen_test::tiny_genome(), alloc(10, 20));
    hv.start_vm(id);
  }
  hv.pause_vm("b");
  hv.run_quanta(20);
  EXPECT_EQ(hv.get_vm_status("b").amino_acids, 0u);
  EXPECT_EQ(hv.get_vm_status("a").amino_acids, 1000u);
  EXPECT_EQ(hv.get_vm_status("c").amino_acids, 1000u);
}

// --- fair_share
// ---------------------------------------------------------------------------------------------

TEST(FairShare, IsWorkConservingAndNeverExceedsCapacity) {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 50; ++trial) {
    BioXenHypervisor hv{config(SchedulerPolicy::fair_share), bioxen_test::round_chassis()};
    auto log = std::make_shared<GrantLog>();
    hv.add_observer(log);
    const int n = 1 + static_cast<int>(rng() % 6);
    for (int i = 0; i < n; ++i) {
      std::error_code ec;
      hv.create_vm(fmt::format("v{}", i), bioxen_test::tiny_genome(),
                   alloc(static_cast<int>(rng() % 15), 10, 1 + static_cast<int>(rng() % 5)), ec);
      if (!ec && rng() % 4 != 0) hv.start_vm(fmt::format("v{}", i));
    }
    hv.run_quanta(5);
    const auto running = hv.get_system_resources().active_vms;
    for (const auto& q : log->quanta) {
      EXPECT_LE(q.ribosome_units, 68.0 + 1e-9);
      if (running > 0) {
        EXPECT_NEAR(q.ribosome_units, 68.0, 1e-9);
      }
      EXPECT_EQ(q.active_vms, static_cast<std::size_t>(running));
      double aa = 0;
      for (const auto& g : q.grants) aa += g.amino_acids;
      EXPECT_NEAR(q.amino_acids, running > 0 ? 680.0 : 0.0, 1e-6);  // ATP never binds here
      EXPECT_NEAR(aa, q.amino_acids, 1e-9);
    }
  }
}

TEST(FairShare, SharesIdleCapacityByPriorityWeight) {
  BioXenHypervisor hv{config(SchedulerPolicy::fair_share), bioxen_test::round_chassis()};
  auto log = std::make_shared<GrantLog>();
  hv.add_observer(log);
  hv.create_vm("a", bioxen_test::tiny_genome(), alloc(0, 20, 1));
  hv.create_vm("b", bioxen_test::tiny_genome(), alloc(0, 20, 3));
  hv.create_vm("idle", bioxen_test::tiny_genome(), alloc(20, 20, 5));  // never started
  hv.start_vm("a");
  hv.start_vm("b");
  hv.run_scheduler();
  auto u = log->units(0);
  EXPECT_DOUBLE_EQ(u["a"], 17.0);  // 68 x 1/4: the unstarted VM's reservation is idle too
  EXPECT_DOUBLE_EQ(u["b"], 51.0);
  EXPECT_DOUBLE_EQ(hv.get_vm_status("a").waiting_seconds, 0.0);
  // Reservations are guaranteed; the rest follows the weights.
  hv.start_vm("idle");
  hv.run_scheduler();
  u = log->units(1);
  EXPECT_DOUBLE_EQ(u["idle"], 20.0 + 48.0 * 5 / 9);
  EXPECT_DOUBLE_EQ(u["a"], 48.0 / 9);
  EXPECT_DOUBLE_EQ(u["b"], 48.0 * 3 / 9);
  // A paused VM's reservation goes back to the others.
  hv.pause_vm("idle");
  hv.run_scheduler();
  EXPECT_DOUBLE_EQ(log->units(2)["a"], 17.0);
  const auto idle = hv.get_vm_status("idle").amino_acids;
  hv.run_quanta(5);
  EXPECT_EQ(hv.get_vm_status("idle").amino_acids, idle);
}

TEST(FairShare, ACapLimitsTheShareButKeepsTheReservation) {
  auto cfg = config(SchedulerPolicy::fair_share);
  cfg.fair_share_cap_ribosomes = 20;
  BioXenHypervisor hv{cfg, bioxen_test::round_chassis()};
  auto log = std::make_shared<GrantLog>();
  hv.add_observer(log);
  hv.create_vm("a", bioxen_test::tiny_genome(), alloc(5, 20, 1));
  hv.create_vm("b", bioxen_test::tiny_genome(), alloc(25, 20, 1));
  hv.create_vm("c", bioxen_test::tiny_genome(), alloc(0, 20, 2));
  for (const char* id : {"a", "b", "c"}) hv.start_vm(id);
  hv.run_scheduler();
  auto u = log->units(0);
  EXPECT_DOUBLE_EQ(u["a"], 20.0);
  EXPECT_DOUBLE_EQ(u["b"], 25.0);  // above the cap by its own reservation
  EXPECT_DOUBLE_EQ(u["c"], 20.0);
  EXPECT_DOUBLE_EQ(log->quanta[0].ribosome_units, 65.0);  // 3 units nobody may take
  // Uncapped VMs take what the capped ones leave.
  hv.stop_vm("b");
  hv.create_vm("d", bioxen_test::tiny_genome(), alloc(0, 20, 1));
  hv.start_vm("d");
  hv.run_scheduler();
  u = log->units(1);
  // idle 63: a (5 + x <= 20), c (x <= 20), d (x <= 20): everyone reaches the cap.
  EXPECT_DOUBLE_EQ(u["a"], 20.0);
  EXPECT_DOUBLE_EQ(u["c"], 20.0);
  EXPECT_DOUBLE_EQ(u["d"], 20.0);
}

TEST(FairShare, OutputScalesWithAllocatedRibosomesWhenNothingIsIdle) {
  BioXenHypervisor hv{config(SchedulerPolicy::fair_share), bioxen_test::round_chassis()};
  hv.create_vm("x", bioxen_test::tiny_genome(), alloc(17, 20, 5));
  hv.create_vm("y", bioxen_test::tiny_genome(), alloc(51, 20, 5));
  hv.start_vm("x");
  hv.start_vm("y");
  hv.run_quanta(10);
  EXPECT_EQ(hv.get_vm_status("x").amino_acids, 1700u);
  EXPECT_EQ(hv.get_vm_status("y").amino_acids, 5100u);
}

// --- priority
// ------------------------------------------------------------------------------------------------

TEST(Priority, IsStrictAndLowerPrioritiesGetWhatIsLeft) {
  BioXenHypervisor hv{config(SchedulerPolicy::priority), bioxen_test::round_chassis()};
  auto log = std::make_shared<GrantLog>();
  hv.add_observer(log);
  hv.create_vm("low", bioxen_test::tiny_genome(), alloc(5, 20, 1));
  hv.create_vm("mid", bioxen_test::tiny_genome(), alloc(5, 20, 3));
  hv.create_vm("high", bioxen_test::tiny_genome(), alloc(5, 20, 5));
  for (const char* id : {"low", "mid", "high"}) hv.start_vm(id);
  hv.run_quanta(10);
  auto u = log->units(0);
  EXPECT_EQ(u["high"], 60.0);  // max_ribosome_allocation
  EXPECT_EQ(u["mid"], 8.0);
  EXPECT_EQ(u.count("low"), 0u);
  const auto low = hv.get_vm_status("low");
  EXPECT_EQ(low.amino_acids, 0u);
  EXPECT_DOUBLE_EQ(low.waiting_seconds, 1.0);
  EXPECT_EQ(hv.get_vm_status("high").amino_acids, 6000u);
  hv.pause_vm("high");
  hv.run_scheduler();
  u = log->units(10);
  EXPECT_EQ(u["mid"], 60.0);
  EXPECT_EQ(u["low"], 8.0);
}

TEST(Priority, CreationOrderBreaksTies) {
  BioXenHypervisor hv{config(SchedulerPolicy::priority), bioxen_test::round_chassis()};
  auto log = std::make_shared<GrantLog>();
  hv.add_observer(log);
  hv.create_vm("first", bioxen_test::tiny_genome(), alloc(1, 20, 2));
  hv.create_vm("second", bioxen_test::tiny_genome(), alloc(1, 20, 2));
  hv.start_vm("second");
  hv.start_vm("first");
  hv.run_scheduler();
  EXPECT_EQ(log->units(0)["first"], 60.0);
  EXPECT_EQ(log->units(0)["second"], 8.0);
  hv.pause_vm("first");
  hv.resume_vm("first");  // re-entering the queue does not lose its place
  hv.run_scheduler();
  EXPECT_EQ(log->units(1)["first"], 60.0);
}

// --- Capacity
// -------------------------------------------------------------------------------------------------

/// The model reaches the ribosome-limited capacity when demand saturates (translation always
/// has work) and switches are free: amino acids made / (ribosome units granted x
/// aa per unit-second x time). For fair_share the units granted are all available units.
TEST(Capacity, FairShareAndRoundRobinReachTheRibosomeLimitedCapacity) {
  for (auto policy : {SchedulerPolicy::fair_share, SchedulerPolicy::round_robin}) {
    auto cfg = config(policy);
    cfg.max_vms = 4;  // the default shares: ATP does not bind
    BioXenHypervisor hv{cfg, bioxen::ChassisType::ecoli};
    auto log = std::make_shared<GrantLog>();
    hv.add_observer(log);
    for (const char* id : {"a", "b", "c", "d"}) {
      hv.create_vm(id, "syn3a_recoded");
      hv.start_vm(id);
    }
    hv.run_quanta(200);
    const double per_unit_s = hv.get_chassis_info().at("amino_acids_per_unit_second");
    double granted_unit_seconds = 0, made = 0;
    for (const auto& q : log->quanta) {
      granted_unit_seconds += q.ribosome_units * 0.1;
      made += q.amino_acids;
    }
    EXPECT_GE(made / (granted_unit_seconds * per_unit_s), 0.99) << bioxen::to_string(policy);
    if (policy == SchedulerPolicy::fair_share) {
      EXPECT_GE(made / (68 * per_unit_s * 20.0), 0.99);  // all 68 available units, 20 s
    }
    std::uint64_t total = 0;
    for (const auto& st : hv.list_vms()) total += st.amino_acids;
    EXPECT_NEAR(static_cast<double>(total), made, 4.0);
  }
}

}  // namespace
