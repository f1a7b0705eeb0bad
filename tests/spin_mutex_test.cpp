// The hypervisor's lock: mutual exclusion under contention (ThreadSanitizer checks the
// non-atomic counter), try_lock, and sleepers woken by unlock.
#include "detail/spin_mutex.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace {

using bioxen::detail::SpinThenBlockMutex;

TEST(SpinThenBlockMutex, ExcludesUnderContention) {
  SpinThenBlockMutex m;
  std::uint64_t counter = 0;  // not atomic: only the lock protects it
  constexpr int kThreads = 4;
  constexpr int kIncrements = 20'000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        std::lock_guard lock(m);
        ++counter;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(counter, std::uint64_t{kThreads} * kIncrements);
}

TEST(SpinThenBlockMutex, TryLockFailsWhileHeld) {
  SpinThenBlockMutex m;
  ASSERT_TRUE(m.try_lock());
  bool other = true;
  std::thread([&] { other = m.try_lock(); }).join();
  EXPECT_FALSE(other);
  m.unlock();
  std::thread([&] {
    other = m.try_lock();
    if (other) m.unlock();
  }).join();
  EXPECT_TRUE(other);
}

TEST(SpinThenBlockMutex, ASleeperIsWokenWhenTheHolderUnlocks) {
  SpinThenBlockMutex m;
  m.lock();
  std::atomic<bool> acquired{false};
  std::thread waiter([&] {
    std::lock_guard lock(m);  // spins, then sleeps: the holder keeps the lock for 50 ms
    acquired = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(acquired.load());
  m.unlock();
  waiter.join();
  EXPECT_TRUE(acquired.load());
  EXPECT_TRUE(m.try_lock());  // left free
  m.unlock();
}

}  // namespace
