// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Fuzz target: parse_gff3(), GFF3. See genome_fuzzer.hpp for the properties.
#include <cstddef>
#include <cstdint>

#include "genome_fuzzer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return bioxen::fuzz::fuzz_genome(&bioxen::parse_gff3, "fuzz.gff3", data, size);
}
