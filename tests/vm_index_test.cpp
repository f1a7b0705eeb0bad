// The flat VM index against a reference map: random inserts, erases and lookups, with real
// hashes and with forced collisions that make long runs wrap around the end of the table.
#include "detail/vm_index.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

using bioxen::detail::VmIndex;

/// Records as the engine keeps them: the id and its stored hash, by slot.
struct Records {
  std::vector<std::string> ids;
  std::vector<std::uint32_t> hashes;
  std::vector<std::uint32_t> free;
  std::string_view operator()(std::uint32_t slot) const { return ids[slot]; }
};

/// Runs `ops` random operations over `keys` possible ids; `hash_of` gives each id's hash
/// (the real one, or a degenerate one). Checks every lookup against a std::map.
template <class HashOf>
void random_ops(int ops, int keys, std::uint64_t seed, const HashOf& hash_of) {
  VmIndex index;
  Records rec;
  std::map<std::string, std::uint32_t> model;
  std::mt19937_64 rng(seed);
  for (int step = 0; step < ops; ++step) {
    const std::string id = "vm" + std::to_string(rng() % static_cast<std::uint64_t>(keys));
    const std::uint32_t h = hash_of(id);
    const std::uint32_t found = index.find(id, h, rec);
    const auto it = model.find(id);
    ASSERT_EQ(found, it == model.end() ? VmIndex::none : it->second) << "step " << step;
    if (rng() % 2 == 0 && it == model.end()) {  // insert
      std::uint32_t slot;
      if (!rec.free.empty()) {
        slot = rec.free.back();
        rec.free.pop_back();
      } else {
        slot = static_cast<std::uint32_t>(rec.ids.size());
        rec.ids.emplace_back();
        rec.hashes.emplace_back();
      }
      index.reserve_one();
      rec.ids[slot] = id;
      rec.hashes[slot] = h;
      index.insert(h, slot);
      model.emplace(id, slot);
    } else if (it != model.end()) {  // erase
      index.erase(rec.hashes[it->second], it->second);
      rec.ids[it->second] = "(free)";
      rec.free.push_back(it->second);
      model.erase(it);
    }
    ASSERT_EQ(index.size(), model.size());
  }
  // Everything left is found, and nothing else.
  for (const auto& [id, slot] : model) EXPECT_EQ(index.find(id, hash_of(id), rec), slot) << id;
  EXPECT_EQ(index.find("absent", hash_of("absent"), rec), VmIndex::none);
}

TEST(VmIndex, EmptyFindsNothing) {
  VmIndex index;
  Records rec;
  EXPECT_TRUE(index.empty());
  EXPECT_EQ(index.find("vm1", rec), VmIndex::none);
}

TEST(VmIndex, RandomOperationsMatchAMapWithRealHashes) {
  random_ops(100'000, 3'000, 1, [](std::string_view id) { return VmIndex::hash(id); });
}

TEST(VmIndex, RandomOperationsMatchAMapWhenAllHashesCollide) {
  // One hash for every id: a single run; lookups must compare the ids.
  random_ops(20'000, 200, 2, [](std::string_view) { return 0xfffffffeu; });
}

TEST(VmIndex, RandomOperationsMatchAMapWithFewHashValues) {
  // Eight hash values near the end of any table size: runs wrap around index 0, and erasing
  // must shift entries back across the wrap.
  random_ops(100'000, 500, 3,
             [](std::string_view id) { return 0xfffffff8u + (VmIndex::hash(id) & 7u); });
}

TEST(VmIndex, GrowsAndKeepsItsEntries) {
  VmIndex index;
  Records rec;
  for (std::uint32_t i = 0; i < 10'000; ++i) {
    rec.ids.push_back("id" + std::to_string(i));
    index.reserve_one();
    index.insert(VmIndex::hash(rec.ids.back()), i);
  }
  EXPECT_EQ(index.size(), 10'000U);
  EXPECT_GE(index.capacity_bytes(), 2U * 10'000U * 8U);  // at most half full
  for (std::uint32_t i = 0; i < 10'000; ++i) ASSERT_EQ(index.find(rec.ids[i], rec), i);
}

}  // namespace
