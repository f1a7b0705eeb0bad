// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "bioxen/export.hpp"
#include "detail/huge_page_allocator.hpp"

namespace bioxen::detail {

/// Maps VM ids to record slots. Open addressing with linear probing in one flat array of
/// 8-byte entries (32 bits of the id's hash and the slot), at most half full; erasing shifts
/// the following entries back, so there are no tombstones. The ids stay in the records: a
/// lookup takes `key_of(slot)` to compare, so it touches one table entry and one record (a
/// node-based map touches a bucket, one or two nodes, and then the record).
class BIOXEN_API VmIndex {
 public:
  static constexpr std::uint32_t none = 0xffffffffu;

  /// The 32 bits of the id's hash that the index keeps (records store it for erase()).
  static std::uint32_t hash(std::string_view id) noexcept {
    const std::uint64_t h = std::hash<std::string_view>{}(id);
    return static_cast<std::uint32_t>(h ^ (h >> 32));
  }

  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

  /// The slot of `id` (whose hash is `h`), or `none`. `key_of(slot)` gives a slot's id.
  template <class KeyOf>
  std::uint32_t find(std::string_view id, std::uint32_t h, const KeyOf& key_of) const noexcept {
    if (size_ == 0) return none;
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Entry& e = table_[i];
      if (e.slot == none) return none;
      if (e.hash == h && key_of(e.slot) == id) return e.slot;
    }
  }
  template <class KeyOf>
  std::uint32_t find(std::string_view id, const KeyOf& key_of) const noexcept {
    return find(id, hash(id), key_of);
  }

  /// Makes room for one more entry, so that the next insert() cannot fail. May throw
  /// std::bad_alloc, changing nothing.
  void reserve_one() {
    if ((size_ + 1) * 2 > table_.size()) rehash(std::max<std::size_t>(16, table_.size() * 2));
  }

  /// Adds an entry for a slot whose id (hash `h`) is not in the index. reserve_one() first.
  void insert(std::uint32_t h, std::uint32_t slot) noexcept {
    std::size_t i = h & mask_;
    while (table_[i].slot != none) i = (i + 1) & mask_;
    table_[i] = Entry{h, slot};
    ++size_;
  }

  /// Removes the entry of `slot`, whose id hashes to `h` (it must be in the index).
  void erase(std::uint32_t h, std::uint32_t slot) noexcept {
    std::size_t i = h & mask_;
    while (table_[i].slot != slot) i = (i + 1) & mask_;
    // Backward shift: move up every later entry of the run that may live at the hole.
    for (std::size_t j = (i + 1) & mask_; table_[j].slot != none; j = (j + 1) & mask_) {
      const std::size_t home = table_[j].hash & mask_;
      if (((j - home) & mask_) >= ((j - i) & mask_)) {
        table_[i] = table_[j];
        i = j;
      }
    }
    table_[i] = Entry{};
    --size_;
  }

  /// Bytes of the table (for memory accounting).
  std::size_t capacity_bytes() const noexcept { return table_.capacity() * sizeof(Entry); }

 private:
  struct Entry {
    std::uint32_t hash = 0;
    std::uint32_t slot = none;
  };

  void rehash(std::size_t entries) {
    std::vector<Entry, HugePageAllocator<Entry>> next(entries);
    const std::size_t mask = entries - 1;
    for (const Entry& e : table_) {
      if (e.slot == none) continue;
      std::size_t i = e.hash & mask;
      while (next[i].slot != none) i = (i + 1) & mask;
      next[i] = e;
    }
    table_.swap(next);
    mask_ = mask;
  }

  std::vector<Entry, HugePageAllocator<Entry>> table_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace bioxen::detail
