// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <memory>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace bioxen::detail {

/// An allocator for the engine's big flat arrays (VM records, the VM index). Blocks of 2 MiB
/// or more are aligned to 2 MiB and, on Linux, advised for transparent huge pages
/// (MADV_HUGEPAGE: a hint the kernel may ignore; it changes no result). With a million VMs the
/// records span ~180 MB: on 4 KiB pages nearly every lookup of a VM not used recently also
/// misses the TLB; on 2 MiB pages the whole array needs about a hundred TLB entries.
/// Smaller blocks come from std::allocator.
template <class T>
class HugePageAllocator {
 public:
  using value_type = T;
  static constexpr std::size_t huge_page = std::size_t{2} << 20;

  HugePageAllocator() noexcept = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>& /*other*/) noexcept {
  }  // NOLINT(google-explicit-constructor)

  T* allocate(std::size_t n) {
    if (n > max_size()) throw std::bad_array_new_length();
    const std::size_t bytes = n * sizeof(T);
    if (bytes < huge_page) return std::allocator<T>{}.allocate(n);
    void* p = ::operator new (rounded(bytes), std::align_val_t{huge_page});
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    (void)::madvise(p, rounded(bytes), MADV_HUGEPAGE);  // a hint: failure changes nothing
#endif
    return static_cast<T*>(p);
  }

  void deallocate(T* p, std::size_t n) noexcept {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < huge_page) {
      std::allocator<T>{}.deallocate(p, n);
    } else {
      ::operator delete (p, std::align_val_t{huge_page});  // sized delete is optional in clang
    }
  }

  static constexpr std::size_t max_size() noexcept {
    return (static_cast<std::size_t>(-1) - huge_page) / sizeof(T);
  }

  template <class U>
  friend bool operator==(const HugePageAllocator& /*a*/,
                         const HugePageAllocator<U>& /*b*/) noexcept {
    return true;
  }

 private:
  static constexpr std::size_t rounded(std::size_t bytes) noexcept {
    return (bytes + huge_page - 1) / huge_page * huge_page;
  }
};

}  // namespace bioxen::detail
