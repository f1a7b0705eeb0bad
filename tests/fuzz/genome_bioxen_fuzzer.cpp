// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Fuzz target: parse_bioxen_genome(), the original BioXen .genome text format. See
// genome_fuzzer.hpp for the properties.
#include <cstddef>
#include <cstdint>

#include "genome_fuzzer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return bioxen::fuzz::fuzz_genome(&bioxen::parse_bioxen_genome, "fuzz.genome", data, size);
}
