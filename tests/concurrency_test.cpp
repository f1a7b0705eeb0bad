// Many threads on one hypervisor: lifecycle workers, a scheduler, a sampling monitor, snapshot
// and restore, observers coming and going. Must be clean under ThreadSanitizer; the allocator's
// invariants hold at every sample and at the end.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <random>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "bioxen/hypervisor.hpp"
#include "engine_test_support.hpp"

namespace {

using bioxen::BioXenErrorCode;
using bioxen::BioXenHypervisor;
using bioxen::ProductionConfig;
using bioxen::ResourceAllocation;

struct Counting final : bioxen::HypervisorObserver {
  explicit Counting(BioXenHypervisor& h) : hv(h) {}
  BioXenHypervisor& hv;
  std::atomic<std::uint64_t> operations{0}, failures{0}, quanta{0};
  void on_operation(const bioxen::OperationEvent& e) override {
    ++operations;
    if (!e.success) ++failures;
    (void)hv.get_system_resources();  // observers may call back
  }
  void on_quantum(const bioxen::QuantumEvent& e) override {
    ++quanta;
    EXPECT_LE(e.ribosome_units, 68.0 + 1e-9);
  }
  bioxen::ObserverOptions options() const override {
    bioxen::ObserverOptions o;
    o.quantum_grants = true;
    return o;
  }
};

/// Sees one success in 8 of each kind and every failure (operation sample period 8), no
/// quanta; the hypervisor's counters must hold every operation and quantum, exactly.
struct Tally final : bioxen::HypervisorObserver {
  std::atomic<std::uint64_t> successes{0}, failures{0};
  bioxen::ObserverOptions options() const override {
    bioxen::ObserverOptions o;
    o.operation_sample_period = 8;
    o.quanta = false;
    return o;
  }
  void on_operation(const bioxen::OperationEvent& e) override {
    ++(e.success ? successes : failures);
  }
};

class Concurrency : public ::testing::TestWithParam<bioxen::SchedulerPolicy> {};

TEST_P(Concurrency, ManyThreadsKeepTheInvariants) {
  ProductionConfig cfg;
  cfg.scheduler_policy = GetParam();
  cfg.max_vms = 24;
  cfg.max_ribosome_allocation = 10;
  BioXenHypervisor hv{cfg, bioxen::ChassisType::ecoli};
  const auto custom = bioxen_test::tiny_genome("custom");

  constexpr int kWorkers = 4;
  constexpr int kOpsPerWorker = 2500;
  std::atomic<int> workers_left{kWorkers};
  std::atomic<std::uint64_t> worker_ok{0}, worker_refused{0};
  std::atomic<int> violations{0};
  std::atomic<std::uint64_t> observed_ok{0}, observed_refused{0}, quanta_run{0};
  auto tally = std::make_shared<Tally>();
  hv.add_observer(tally);

  std::vector<std::thread> threads;
  for (int w = 0; w < kWorkers; ++w) {
    threads.emplace_back([&, w] {
      std::mt19937_64 rng(static_cast<std::uint64_t>(w) + 100);
      for (int i = 0; i < kOpsPerWorker; ++i) {
        const std::string id = fmt::format("w{}-{}", w, rng() % 8);
        std::error_code ec;
        const auto op = rng() % 9;
        switch (op) {
          case 0: {
            ResourceAllocation r;
            r.ribosomes = static_cast<int>(rng() % 8);
            r.atp_percentage = static_cast<double>(rng() % 8);
            r.priority = 1 + static_cast<int>(rng() % 5);
            if (rng() % 2) {
              hv.create_vm(id, rng() % 3 ? "syn3a_recoded" : "minimal_cell_recoded", r, ec);
            } else {
              hv.create_vm(id, custom, r, ec);
            }
            break;
          }
          case 1:
          case 2:
            hv.start_vm(id, ec);
            break;
          case 3:
            hv.pause_vm(id, ec);
            break;
          case 4:
            hv.resume_vm(id, ec);
            break;
          case 5:
            hv.stop_vm(id, ec);
            break;
          case 6: {
            ResourceAllocation r;
            r.ribosomes = static_cast<int>(rng() % 10);
            hv.reallocate_vm(id, r, ec);
            break;
          }
          case 7:
            hv.destroy_vm(id, ec);
            break;
          default:
            (void)hv.get_vm_status(id, ec);
            break;
        }
        (ec ? worker_refused : worker_ok) += 1;
        if (op != 8) (ec ? observed_refused : observed_ok) += 1;
      }
      --workers_left;
    });
  }
  threads.emplace_back([&] {  // the scheduler
    while (workers_left.load() > 0) {
      hv.run_scheduler();
      hv.run_quanta(7);
      quanta_run += 8;
    }
  });
  threads.emplace_back([&] {  // a monitor sampling the public API
    // Each check uses one call's values: between calls other threads move on (and a restore
    // may roll the clock back to an older snapshot).
    while (workers_left.load() > 0) {
      const auto sr = hv.get_system_resources();
      if (sr.allocated_ribosomes + sr.free_ribosomes != sr.available_ribosomes ||
          sr.free_ribosomes < 0 || sr.total_vms > sr.max_vms || sr.active_vms > sr.total_vms ||
          sr.total_atp_allocated > sr.max_atp_percentage + 1e-9 ||
          sr.virtual_time_us != static_cast<std::int64_t>(sr.quanta) * 100000) {
        ++violations;
      }
      for (const auto& st : hv.list_vms()) {
        if (st.waiting_seconds < -1e-9 ||
            std::abs(st.active_seconds + st.waiting_seconds - st.running_seconds) > 1e-9) {
          ++violations;
        }
      }
    }
  });
  threads.emplace_back([&] {  // observers come and go
    auto obs = std::make_shared<Counting>(hv);
    while (workers_left.load() > 0) {
      hv.add_observer(obs);
      std::this_thread::yield();
      hv.remove_observer(obs);
    }
  });
  threads.emplace_back([&] {  // snapshots, and restoring what was just taken
    int n = 0;
    while (workers_left.load() > 0) {
      const auto snap = hv.snapshot();
      if (++n % 4 == 0) hv.restore(snap);
      std::this_thread::yield();
    }
  });
  for (auto& t : threads) t.join();

  EXPECT_EQ(violations.load(), 0);
  EXPECT_EQ(worker_ok + worker_refused, static_cast<std::uint64_t>(kWorkers * kOpsPerWorker));
  constexpr auto kRestore = bioxen::HypervisorOperation::restore;
  const std::uint64_t restores_before = hv.counters().operation(kRestore).succeeded;
  hv.restore(hv.snapshot());  // one restore for certain (the snapshot thread may run none)
  const bioxen::HypervisorCounters c = hv.counters();
  EXPECT_EQ(c.operation(kRestore).succeeded, restores_before + 1);
  std::uint64_t ok = 0;
  std::uint64_t failed = 0;
  for (const auto& counter : c.operations) {
    ok += counter.succeeded;
    failed += counter.failed;
  }
  EXPECT_EQ(ok, observed_ok.load() + c.operation(kRestore).succeeded);
  EXPECT_EQ(failed, observed_refused.load());
  EXPECT_EQ(tally->failures.load(), observed_refused.load());  // every failure is reported
  EXPECT_GT(tally->successes.load(), 0u);
  EXPECT_LE(tally->successes.load(), ok);
  EXPECT_EQ(c.quanta.quanta, quanta_run.load());
  EXPECT_GT(worker_ok.load(), 0u);
  EXPECT_TRUE(bioxen_test::resources_consistent(hv));
  for (const auto& id : hv.list_vm_ids()) hv.destroy_vm(id);
  const auto sr = hv.get_system_resources();
  EXPECT_EQ(sr.allocated_ribosomes, 0);
  EXPECT_EQ(sr.total_atp_allocated, 0.0);
  EXPECT_EQ(sr.allocated_memory_kb, 0);
  EXPECT_EQ(sr.total_vms, 0);
}

INSTANTIATE_TEST_SUITE_P(AllPolicies, Concurrency,
                         ::testing::ValuesIn(bioxen::all_scheduler_policies),
                         [](const auto& p) { return std::string(bioxen::to_string(p.param)); });

TEST(Concurrency, IndependentHypervisorsInParallelAreDeterministic) {
  // Hypervisors share only immutable genomes and the resident-set cache.
  constexpr int kThreads = 4;
  std::vector<std::string> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&results, t] {
      ProductionConfig cfg;
      cfg.scheduler_policy = bioxen::SchedulerPolicy::fair_share;
      BioXenHypervisor hv{cfg, bioxen::ChassisType::ecoli};
      for (int round = 0; round < 20; ++round) {
        for (const char* id : {"a", "b", "c"}) {
          hv.create_vm(id, round % 2 ? "syn3a_recoded" : "ecoli");
          hv.start_vm(id);
        }
        hv.run_quanta(25);
        for (const char* id : {"a", "b", "c"}) hv.destroy_vm(id);
      }
      results[static_cast<std::size_t>(t)] = hv.snapshot().dump();
    });
  }
  for (auto& t : threads) t.join();
  for (int t = 1; t < kThreads; ++t) EXPECT_EQ(results[static_cast<std::size_t>(t)], results[0]);
}

TEST(Concurrency, ReadersNeverSeeAHalfDoneOperation) {
  BioXenHypervisor hv;
  std::atomic<bool> stop{false};
  std::atomic<int> torn{0};
  std::thread reader([&] {
    while (!stop.load()) {
      const auto sr = hv.get_system_resources();
      // Every VM of this test holds 14 units: any other total is a torn read.
      if (sr.allocated_ribosomes != 14 * sr.total_vms) ++torn;
    }
  });
  for (int i = 0; i < 3000; ++i) {
    hv.create_vm("x", "syn3a_recoded");
    hv.start_vm("x");
    hv.destroy_vm("x");
  }
  stop = true;
  reader.join();
  EXPECT_EQ(torn.load(), 0);
}

}  // namespace
