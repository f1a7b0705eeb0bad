// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bioxen/detail/enum_table.hpp"

namespace bioxen {

enum class GeneType { cds, rrna, trna, ncrna, tmrna, pseudogene };

namespace detail {
/// The names of GeneType (the TSV spelling): the only list of the gene types.
inline constexpr std::array<EnumName<GeneType>, 6> gene_type_names{
    {{GeneType::cds, "CDS"},
     {GeneType::rrna, "rRNA"},
     {GeneType::trna, "tRNA"},
     {GeneType::ncrna, "ncRNA"},
     {GeneType::tmrna, "tmRNA"},
     {GeneType::pseudogene, "pseudogene"}}};
static_assert(enum_table_is_dense(gene_type_names));
}  // namespace detail

/// "CDS", "rRNA", "tRNA", "ncRNA", "tmRNA", "pseudogene" (the TSV spelling).
std::string_view to_string(GeneType type) noexcept;
/// The inverse of to_string(GeneType) (exact spelling); std::nullopt for anything else.
std::optional<GeneType> gene_type_from_string(std::string_view name) noexcept;
/// Every gene type, in enum order.
inline constexpr std::array<GeneType, detail::gene_type_names.size()> all_gene_types =
    detail::enum_values(detail::gene_type_names);

/// One gene of a genome. Coordinates are 1-based inclusive.
struct Gene {
  std::string locus_tag;
  std::string name;
  std::string product;
  GeneType type = GeneType::cds;
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  char strand = '+';  ///< '+' or '-'
  std::uint64_t length_bp = 0;
  std::uint32_t protein_length_aa = 0;  ///< 0 unless type == cds
  std::optional<bool> essential;        ///< where the source says

  friend bool operator==(const Gene&, const Gene&) = default;
};

/// An immutable genome: shared between all VMs that run it.
class GenomeTemplate {
 public:
  /// Validates (non-empty genes, coordinates inside the genome, CDS with protein length > 0);
  /// throws BioXenException(genome_parse_error) naming the source and the gene.
  GenomeTemplate(std::string name, std::string organism, std::string accession,
                 std::uint64_t genome_length_bp, std::string source, std::vector<Gene> genes);

  const std::string& name() const noexcept { return name_; }
  const std::string& organism() const noexcept { return organism_; }
  const std::string& accession() const noexcept { return accession_; }
  std::uint64_t genome_length_bp() const noexcept { return genome_length_bp_; }
  /// Provenance and licence lines of the source, joined by '\n'.
  const std::string& source() const noexcept { return source_; }
  const std::vector<Gene>& genes() const noexcept { return genes_; }

  /// ceil(genome_length_bp / 1000).
  std::uint64_t size_kb() const noexcept { return (genome_length_bp_ + 999) / 1000; }
  std::size_t cds_count() const noexcept { return cds_count_; }
  /// Sum of protein lengths of all CDS (one copy of each protein), amino acids.
  std::uint64_t total_protein_aa() const noexcept { return total_protein_aa_; }
  /// True when at least one gene carries an essential flag.
  bool has_essential_annotation() const noexcept { return has_essential_; }
  /// Number of genes of one type.
  std::size_t count(GeneType type) const noexcept {
    return type_counts_[static_cast<std::size_t>(type)];
  }
  /// Number of genes flagged essential (0 without essential annotation).
  std::size_t essential_count() const noexcept { return essential_count_; }

 private:
  std::string name_, organism_, accession_;
  std::uint64_t genome_length_bp_;
  std::string source_;
  std::vector<Gene> genes_;
  std::size_t cds_count_ = 0;
  std::uint64_t total_protein_aa_ = 0;
  bool has_essential_ = false;
  std::size_t type_counts_[std::size(all_gene_types)] = {};
  std::size_t essential_count_ = 0;
};

using GenomePtr = std::shared_ptr<const GenomeTemplate>;

/// "syn3a", "minimal_cell", "ecoli".
std::vector<std::string> builtin_genome_names();
/// A built-in template (parsed once, then shared); throws BioXenException(invalid_argument)
/// listing the supported names.
GenomePtr builtin_genome(std::string_view name);

/// Loads a genome file by extension: `.genome` (original BioXen text format), `.tsv` (the
/// format of src/genomes/), `.gff`/`.gff3`. Errors: io_error (unreadable), genome_parse_error
/// naming file, line and field; an unknown extension is invalid_argument. The formats and
/// every error are described in docs/GENOME_FORMATS.md.
///
/// @code
/// bioxen::GenomePtr g = bioxen::load_genome_file("cells/my_cell.gff3");
/// @endcode
GenomePtr load_genome_file(const std::filesystem::path& file);
/// The readers behind load_genome_file(); `source_name` is the file name used in errors and,
/// without its extension, the template's name unless the text names one.
GenomePtr parse_genome_tsv(std::istream& in, std::string_view source_name);
GenomePtr parse_bioxen_genome(std::istream& in, std::string_view source_name);
GenomePtr parse_gff3(std::istream& in, std::string_view source_name);

/// The genes of a genome that are resident in a memory reservation (docs/MODEL.md section 3):
/// essential genes first, then the others in genome order, each admitted while it still fits (first
/// fit, capacity memory_kb * 1000 bp). Translation walks the resident CDS in this order; prefix
/// sums make protein counts O(log n) from the amino acids made.
struct ResidentSet {
  GenomePtr genome;
  std::uint64_t memory_kb = 0;
  std::vector<std::uint32_t> genes;      ///< indices into genome->genes(), resident order
  std::vector<std::uint32_t> cds;        ///< resident CDS indices, translation order
  std::vector<std::uint64_t> aa_prefix;  ///< aa_prefix[i] = sum of aa of cds[0..i), size+1
  std::uint64_t resident_bp = 0;
  /// Amino acids of one copy of each boot protein (resident essential CDS, or all resident
  /// CDS when the genome marks none essential); boot protein CDS come first in `cds`.
  std::uint64_t boot_aa = 0;
  std::size_t boot_proteins = 0;

  std::uint64_t cycle_aa() const noexcept { return aa_prefix.empty() ? 0 : aa_prefix.back(); }
  /// Completed copies of the protein at `cds` position `i` after `total_aa` amino acids.
  std::uint64_t copies_of(std::size_t i, std::uint64_t total_aa) const noexcept;
  /// Completed proteins in total after `total_aa` amino acids.
  std::uint64_t proteins_completed(std::uint64_t total_aa) const noexcept;
};
using ResidentSetPtr = std::shared_ptr<const ResidentSet>;

/// Computes (or returns the cached) resident set of `genome` under `memory_kb`. Equal
/// (genome pointer, memory_kb) pairs share one object while any holder keeps it alive;
/// thread-safe. Throws BioXenException(invalid_argument) when `genome` is null.
ResidentSetPtr resident_set(const GenomePtr& genome, std::uint64_t memory_kb);

void to_json(nlohmann::json& j, const Gene& g);
void to_json(nlohmann::json& j, const GenomeTemplate& g);  ///< summary, not every gene
void to_json(nlohmann::json& j, const ResidentSet& r);     ///< summary, not every gene

}  // namespace bioxen
