// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// One VM's record in the engine, the guest image it shares with the VMs that run the same
// genome, and the rule for VM ids.
#pragma once

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "bioxen/allocator.hpp"
#include "bioxen/detail/json_read.hpp"
#include "bioxen/error_details.hpp"
#include "bioxen/genome.hpp"
#include "bioxen/types.hpp"
#include "detail/physiology.hpp"
#include "detail/vm_index.hpp"

namespace bioxen::detail {

/// A (biological type, genome, memory) triple and its resident set, shared by every VM that
/// runs it: a VM costs one pointer, not a gene table.
struct GuestImage {
  std::string biological_type;
  GenomePtr genome;
  ResidentSetPtr resident;
  std::int64_t memory_kb = 0;
  std::uint64_t users = 0;
  bool builtin = false;
  // The physiological model's constants of this image (docs/MODEL.md).
  double mean_aa = 0.0;                 ///< mean resident CDS length, aa
  double longest_aa = 0.0;              ///< longest resident CDS, aa
  double history_spacing = 0.0;         ///< ChainHistory sample spacing, aa
  double transcripts_per_rnap_s = 0.0;  ///< transcription rate / mean transcript length, 1/s
};

struct ImageKey {
  const GenomeTemplate* genome;
  std::int64_t memory_kb;
  std::string biological_type;
  friend bool operator==(const ImageKey&, const ImageKey&) = default;
};

struct ImageKeyHash {
  std::size_t operator()(const ImageKey& k) const noexcept {
    std::size_t h = std::hash<const void*>{}(k.genome);
    h ^= std::hash<std::int64_t>{}(k.memory_kb) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h ^= std::hash<std::string>{}(k.biological_type) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h;
  }
};

inline constexpr std::uint32_t npos = VmIndex::none;
inline constexpr std::uint8_t kBooted = 1;     // boot completed
inline constexpr std::uint8_t kThrottled = 2;  // the last active quantum was ATP-limited
inline constexpr std::uint8_t kInUse = 4;      // the slot holds a VM
inline constexpr std::uint8_t kRepressed = 8;  // paused or stopped by sRNA repression

/// One VM. Small on purpose (about 180 bytes): the genome lives in the shared image, proteins
/// are derived from the amino acids made. The id is first, where a lookup compares it.
struct VmRecord {
  // First cache line: what a lookup compares and get_vm_state() reads.
  std::string id;             // the key the index compares (ids up to 15 characters inline)
  std::uint32_t id_hash = 0;  // VmIndex::hash(id), to erase without rehashing
  VMState state = VMState::created;
  std::uint8_t flags = 0;
  std::uint32_t prev = npos;  // creation-order list; `next` also links free slots
  std::uint32_t next = npos;
  GuestImage* image = nullptr;
  std::uint64_t uid = 0;  // creation number, from 1
  Reservation res;
  std::int64_t running_since_us = 0;  // virtual clock when it last entered running
  std::int64_t running_us = 0;        // time in running before that
  std::int64_t active_us = 0;         // quanta in which it held ribosomes
  double aa = 0.0;                    // amino acids made
  double atp = 0.0;                   // ATP consumed
  double ribosome_seconds = 0.0;
  double boot_time_s = 0.0;
  std::uint64_t context_switches = 0;
  std::uint64_t throttle_events = 0;
  std::uint64_t pass = 0;  // the physiological quantum that last advanced it
  std::chrono::steady_clock::time_point started_wall{};
  PipelineState pipe;  // the physiological model's state (unused under WorkModel::capacity)
};

/// Checks a VM id: non-empty, printable ASCII, at most 64 characters.
inline void validate_vm_id(std::string_view id) {
  const auto fail = [&](std::string_view rule, std::string message) {
    throw BioXenException(BioXenErrorCode::vm_creation_failed, std::move(message),
                          {{"vm_id", printable(id.substr(0, 200))}, {"rule", rule}});
  };
  if (id.empty()) fail("non_empty", "invalid VM id '': it must not be empty");
  if (id.size() > 64) {
    fail("max_length",
         fmt::format("invalid VM id '{}...': it is {} characters long, the limit is 64",
                     printable(id.substr(0, 64)), id.size()));
  }
  for (std::size_t i = 0; i < id.size(); ++i) {
    const auto c = static_cast<unsigned char>(id[i]);
    if (c < 0x20 || c > 0x7e) {
      fail("printable_ascii", fmt::format("invalid VM id '{}': character {} is not printable ASCII",
                                          printable(id), i + 1));
    }
  }
}

}  // namespace bioxen::detail
