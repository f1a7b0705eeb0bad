// Helpers of the hypervisor engine's tests: error assertions that check the code and the
// message, a tiny genome with hand-checkable numbers, and the allocator invariants.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bioxen/error_details.hpp"
#include "bioxen/genome.hpp"
#include "bioxen/hypervisor.hpp"
#include "bioxen/types.hpp"

namespace bioxen_test {

/// Succeeds when `fn` throws a BioXenException with `code` and exactly `message`.
template <class Fn>
::testing::AssertionResult throws_bx(Fn&& fn, bioxen::BioXenErrorCode code,
                                     std::string_view message) {
  try {
    fn();
  } catch (const bioxen::BioXenException& e) {
    if (e.code() != code) {
      return ::testing::AssertionFailure()
             << "threw " << bioxen::error_code_string(e.code()) << " (" << e.message()
             << "), expected " << bioxen::error_code_string(code);
    }
    if (e.message() != message) {
      return ::testing::AssertionFailure()
             << "message \"" << e.message() << "\", expected \"" << message << "\"";
    }
    const std::string what = "[" + bioxen::error_code_string(code) + "] " + std::string(message);
    if (what != e.what()) return ::testing::AssertionFailure() << "what() is " << e.what();
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "did not throw";
}

/// Succeeds when `fn` throws a BioXenException with `code` whose message contains `part`.
template <class Fn>
::testing::AssertionResult throws_bx_containing(Fn&& fn, bioxen::BioXenErrorCode code,
                                                std::string_view part) {
  try {
    fn();
  } catch (const bioxen::BioXenException& e) {
    if (e.code() != code) {
      return ::testing::AssertionFailure()
             << "threw " << bioxen::error_code_string(e.code()) << " (" << e.message()
             << "), expected " << bioxen::error_code_string(code);
    }
    if (e.message().find(part) == std::string::npos) {
      return ::testing::AssertionFailure()
             << "message \"" << e.message() << "\" lacks \"" << part << "\"";
    }
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "did not throw";
}

/// A reservation of `ribosomes` units, `atp` % of the ATP supply and `priority`; the other
/// fields automatic.
inline bioxen::ResourceAllocation alloc(int ribosomes, double atp, int priority = 1) {
  bioxen::ResourceAllocation r;
  r.ribosomes = ribosomes;
  r.atp_percentage = atp;
  r.priority = priority;
  return r;
}

/// The details of the BioXenException `fn` throws (null json when it does not throw one).
template <class Fn>
nlohmann::json error_details(Fn&& fn) {
  try {
    fn();
  } catch (const bioxen::BioXenException& e) {
    return e.details();
  }
  return nullptr;
}

inline bioxen::Gene make_gene(std::string tag, bioxen::GeneType type, std::uint64_t start,
                              std::uint64_t end, std::uint32_t aa, std::optional<bool> essential) {
  bioxen::Gene g;
  g.locus_tag = std::move(tag);
  g.name = g.locus_tag + "_name";
  g.product = "test product";
  g.type = type;
  g.start = start;
  g.end = end;
  g.length_bp = end - start + 1;
  g.protein_length_aa = aa;
  g.essential = essential;
  return g;
}

/// A 2,000 bp genome (2 kb): essential CDS of 100 and 200 aa (the boot proteins: 300 aa),
/// a non-essential CDS of 300 aa and a tRNA. One translation cycle is 600 aa.
inline bioxen::GenomePtr tiny_genome(std::string name = "tiny") {
  using bioxen::GeneType;
  std::vector<bioxen::Gene> genes = {
      make_gene("T1", GeneType::cds, 1, 300, 100, true),
      make_gene("T2", GeneType::cds, 301, 900, 200, true),
      make_gene("T3", GeneType::cds, 901, 1800, 300, false),
      make_gene("T4", GeneType::trna, 1801, 1876, 0, false),
  };
  return std::make_shared<const bioxen::GenomeTemplate>(name, "Testus minimus", "TEST0001", 2000,
                                                        "# test genome", std::move(genes));
}

/// A chassis with round numbers: 800 physical ribosomes (10 per unit of 80), 10 aa/s,
/// 4 ATP per aa, 1e6 ATP/s at 100 %: one unit makes 100 aa/s and needs 400 ATP/s.
inline bioxen::ChassisProfile round_chassis() {
  bioxen::ChassisProfile p = bioxen::chassis_profile(bioxen::ChassisType::ecoli);
  p.name = "round numbers";
  p.physical_ribosomes = 800;
  p.elongation_rate_aa_per_s = 10;
  p.atp_per_aa = 4;
  p.atp_supply_per_s = 1e6;
  p.atp_percentage = 100;
  return p;
}

/// Keeps every quantum event it sees (the observer protocol's one-by-one reports).
struct QuantumRecorder final : bioxen::HypervisorObserver {
  void on_quantum(const bioxen::QuantumEvent& e) override { events.push_back(e); }
  std::vector<bioxen::QuantumEvent> events;
};

/// The allocator's invariants, checked against the VMs' statuses.
inline ::testing::AssertionResult resources_consistent(const bioxen::BioXenHypervisor& hv) {
  const auto r = hv.get_system_resources();
  const auto vms = hv.list_vms();
  std::int64_t ribosomes = 0, memory = 0, rnap = 0, running = 0, paused = 0;
  double atp = 0;
  for (const auto& s : vms) {
    ribosomes += s.ribosome_allocation;
    memory += s.memory_kb;
    rnap += s.rna_polymerase;
    atp += s.atp_percentage;
    running += s.state == bioxen::VMState::running;
    paused += s.state == bioxen::VMState::paused;
  }
  if (r.allocated_ribosomes + r.free_ribosomes != r.available_ribosomes) {
    return ::testing::AssertionFailure() << "allocated + free != available";
  }
  if (r.allocated_ribosomes != ribosomes) {
    return ::testing::AssertionFailure()
           << "allocated_ribosomes " << r.allocated_ribosomes << " != sum " << ribosomes;
  }
  if (r.allocated_memory_kb != memory ||
      r.allocated_memory_kb + r.free_memory_kb != r.genome_space_kb) {
    return ::testing::AssertionFailure() << "memory counters disagree";
  }
  if (r.allocated_rna_polymerase != rnap) return ::testing::AssertionFailure() << "rnap";
  if (std::abs(r.total_atp_allocated - atp) > 1e-6 ||
      std::abs(r.total_atp_allocated + r.free_atp_percentage - r.max_atp_percentage) > 1e-9) {
    return ::testing::AssertionFailure() << "ATP counters disagree";
  }
  if (r.total_vms != static_cast<std::int64_t>(vms.size()) || r.active_vms != running ||
      r.paused_vms != paused) {
    return ::testing::AssertionFailure() << "VM counts disagree";
  }
  if (r.free_ribosomes < 0 || r.total_atp_allocated > r.max_atp_percentage + 1e-9 ||
      r.total_vms > r.max_vms) {
    return ::testing::AssertionFailure() << "a limit is exceeded";
  }
  return ::testing::AssertionSuccess();
}

/// A status without its wall-clock field, for bit-for-bit comparisons.
inline bioxen::VmStatus virtual_only(bioxen::VmStatus s) {
  s.uptime_seconds = 0;
  return s;
}

}  // namespace bioxen_test
