// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// The genetic codes (NCBI translation tables) that guests are written in and hosts read
// (docs/MODEL.md section 3.1).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace bioxen {

/// The NCBI translation tables BioXen models: 1 (standard), 4 (Mycoplasma/Spiroplasma) and 11
/// (bacterial). For the proteins they make they differ in one codon: UGA is a stop in 1 and 11
/// and tryptophan in 4 (tables 1 and 11 differ only in alternative start codons, which the
/// model does not distinguish).
inline constexpr std::array<std::uint32_t, 3> supported_translation_tables{1, 4, 11};

/// The table user genome files are assumed to use when they declare none.
inline constexpr std::uint32_t default_translation_table = 11;

/// True for 1, 4 and 11.
constexpr bool is_supported_translation_table(std::uint32_t table) noexcept {
  return std::find(supported_translation_tables.begin(), supported_translation_tables.end(),
                   table) != supported_translation_tables.end();
}

/// NCBI's name of a supported table ("Bacterial, Archaeal and Plant Plastid" for 11); "unknown"
/// for any other value.
constexpr std::string_view translation_table_name(std::uint32_t table) noexcept {
  switch (table) {
    case 1:
      return "Standard";
    case 4:
      return "Mold, Protozoan, Coelenterate Mitochondrial and Mycoplasma/Spiroplasma";
    case 11:
      return "Bacterial, Archaeal and Plant Plastid";
    default:
      return "unknown";
  }
}

/// True when the table reads UGA as a stop codon (1 and 11); false when it reads it as
/// tryptophan (4).
constexpr bool reads_uga_as_stop(std::uint32_t table) noexcept { return table != 4; }

/// True when ribosomes reading table `host` make the same proteins from a gene written in table
/// `guest`.
constexpr bool same_protein_reading(std::uint32_t guest, std::uint32_t host) noexcept {
  return reads_uga_as_stop(guest) == reads_uga_as_stop(host);
}

/// The table of `host_codes` by which a host reads a guest written in `guest`: `guest` itself
/// when the host reads it, else the first host table that makes the same proteins, else the
/// host's first table (the guest's genes are then read by another code); 0 when `host_codes` is
/// empty.
constexpr std::uint32_t host_reading_table(std::uint32_t guest,
                                           std::span<const std::uint32_t> host_codes) noexcept {
  if (host_codes.empty()) return 0;
  for (const std::uint32_t t : host_codes) {
    if (t == guest) return t;
  }
  for (const std::uint32_t t : host_codes) {
    if (same_protein_reading(guest, t)) return t;
  }
  return host_codes.front();
}

}  // namespace bioxen
