// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif
#if defined(__has_include)
#if __has_include(<sys/single_threaded.h>)
#include <sys/single_threaded.h>

#include "bioxen/export.hpp"
#define BIOXEN_HAS_SINGLE_THREADED 1
#endif
#endif

namespace bioxen::detail {

/// A mutex that spins briefly before it sleeps (a Lockable for std::lock_guard). The
/// hypervisor's critical sections are short, and a thread that sleeps on a lock another
/// thread holds for a moment (a monitor's sample) is often woken on the other CPU, where its
/// caches are cold: with 4,096 running VMs that cost a third of the quantum time when a
/// monitor sampled every millisecond. Spinning first keeps the thread where it runs. States:
/// 0 free, 1 locked, 2 locked with possible sleepers (Drepper, "Futexes Are Tricky", mutex 2,
/// on C++20 atomic wait/notify). Like glibc's own mutex, it uses plain stores while the process
/// has a single thread (`__libc_single_threaded`, glibc 2.32+): a single-threaded simulation
/// pays no locked instruction.
class BIOXEN_API SpinThenBlockMutex {
 public:
  SpinThenBlockMutex() noexcept = default;
  SpinThenBlockMutex(const SpinThenBlockMutex&) = delete;
  SpinThenBlockMutex& operator=(const SpinThenBlockMutex&) = delete;

  void lock() noexcept {
    if (single_threaded()) {  // no other thread can hold or wait for the lock
      state_.store(1, std::memory_order_relaxed);
      return;
    }
    int expected = 0;
    if (state_.compare_exchange_strong(expected, 1, std::memory_order_acquire)) return;
    for (;;) {
      // Spin (again after every wake-up: the holder may take the lock back at once).
      for (int i = 0; i < kSpins; ++i) {
        pause();
        int seen = state_.load(std::memory_order_relaxed);
        if (seen != 0) continue;
        if (state_.compare_exchange_weak(seen, 2, std::memory_order_acquire)) return;
      }
      // Sleep until woken, marking the lock as having sleepers so that unlock() wakes one.
      if (state_.exchange(2, std::memory_order_acquire) == 0) return;
      state_.wait(2, std::memory_order_relaxed);
    }
  }

  bool try_lock() noexcept {
    int expected = 0;
    return state_.compare_exchange_strong(expected, 1, std::memory_order_acquire);
  }

  void unlock() noexcept {
    if (single_threaded()) {  // a thread started since lock() sees this store (it synchronises)
      state_.store(0, std::memory_order_relaxed);
      return;
    }
    if (state_.exchange(0, std::memory_order_release) == 2) state_.notify_one();
  }

 private:
  /// About 2-4 µs of spinning on current x86 (a pause is 10-140 cycles): longer than a
  /// sample's critical section, far shorter than a time slice.
  static constexpr int kSpins = 256;

  static bool single_threaded() noexcept {
#if defined(BIOXEN_HAS_SINGLE_THREADED)
    return __libc_single_threaded != 0;
#else
    return false;
#endif
  }

  static void pause() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#endif
  }

  std::atomic<int> state_{0};
};

}  // namespace bioxen::detail
