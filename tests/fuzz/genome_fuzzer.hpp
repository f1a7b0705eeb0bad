// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// The genome targets' common body: parse the bytes with one reader; an accepted genome must
// run in a VM (at most 256 kb resident) for a few quanta on a chassis that reads its genetic
// code and round-trip through a snapshot (the custom genome is embedded in it).
#pragma once

#include <algorithm>
#include <bioxen/chassis.hpp>
#include <bioxen/genome.hpp>
#include <bioxen/hypervisor.hpp>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"

namespace bioxen::fuzz {

using GenomeReader = GenomePtr (*)(std::istream&, std::string_view);

inline int fuzz_genome(GenomeReader reader, std::string_view source_name, const std::uint8_t* data,
                       std::size_t size) {
  std::istringstream in{std::string(as_text(data, size))};
  GenomePtr genome;
  try {
    genome = reader(in, source_name);
  } catch (const BioXenException&) {
    return 0;
  }
  check(genome != nullptr, "a reader returned a null genome");
  const GenomeTemplate& g = *genome;
  check(!g.genes().empty(), "an accepted genome has no genes");

  // Its summary serialises (the CLI's `info --json`).
  step("genome summary to_json and dump()", [&] { (void)nlohmann::json(g).dump(); });

  // A chassis whose ribosomes read the genome's code: every supported table has one.
  ChassisType chassis = ChassisType::ecoli;
  bool found = false;
  for (const ChassisType t : all_chassis_types) {
    if (check_genetic_code(g, chassis_profile(t).genetic_codes).compatible) {
      chassis = t;
      found = true;
      break;
    }
  }
  check(found, "no chassis reads the genome's genetic code", std::to_string(g.translation_table()));

  // A reservation that fits every chassis' genome space (the smallest, syn3A's, is 544 kb);
  // a larger genome keeps only some genes resident.
  ResourceAllocation allocation;
  allocation.memory_kb = static_cast<std::int64_t>(std::min<std::uint64_t>(g.size_kb(), 256));
  BioXenHypervisor hv{ProductionConfig{}, chassis};
  step("create_vm() and start_vm()", [&] {
    hv.create_vm("fuzz", genome, allocation);
    hv.start_vm("fuzz");
  });
  check_runs_and_round_trips(hv);
  return 0;
}

}  // namespace bioxen::fuzz
