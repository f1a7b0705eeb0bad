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
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bioxen/detail/enum_table.hpp"
#include "bioxen/export.hpp"
#include "bioxen/genetic_code.hpp"

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
BIOXEN_API std::string_view to_string(GeneType type) noexcept;
/// The inverse of to_string(GeneType) (exact spelling); std::nullopt for anything else.
BIOXEN_API std::optional<GeneType> gene_type_from_string(std::string_view name) noexcept;
/// Every gene type, in enum order.
inline constexpr std::array<GeneType, detail::gene_type_names.size()> all_gene_types =
    detail::enum_values(detail::gene_type_names);

/// The longest genome BioXen accepts, base pairs: 10^12 bp, a bound on every coordinate
/// and length in a genome, so that sizes in kb and genome-space sums cannot overflow.
inline constexpr std::uint64_t max_genome_length_bp = 1'000'000'000'000;

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
  /// The protein's length when a host reads UGA differently from the genome's own code (its
  /// translation_table): for a table-4 genome, the amino acids before the first in-frame UGA
  /// (a truncated chain); for a table-1/11 genome whose stop codon is UGA, the length read
  /// through it to the next in-frame UAA/UAG (an extended chain). Empty when the other reading
  /// makes the same protein, and for genes that are not CDS. Derived from the sequences
  /// (tools/genomes/README.md).
  std::optional<std::uint32_t> other_code_length_aa;

  friend bool operator==(const Gene&, const Gene&) = default;
};

/// The genetic code a genome is written in (docs/MODEL.md section 3.1).
struct GeneticCodeInfo {
  std::uint32_t translation_table = default_translation_table;  ///< NCBI table: 1, 4 or 11
  /// True when other_code_length_aa was derived for every CDS (an empty value then means "the
  /// same protein"); false when the source does not say, so another code's proteins are unknown.
  bool other_code_lengths = false;

  friend bool operator==(const GeneticCodeInfo&, const GeneticCodeInfo&) = default;
};

/// An immutable genome: shared between all VMs that run it.
class BIOXEN_API GenomeTemplate {
 public:
  /// Validates (non-empty genes, coordinates inside the genome, CDS with protein length > 0, a
  /// supported translation table, other_code_length_aa only on CDS and only when `code` says
  /// they were derived, shorter than the protein for table 4 and longer for tables 1 and 11);
  /// throws BioXenException(genome_parse_error) naming the source and the gene.
  GenomeTemplate(std::string name, std::string organism, std::string accession,
                 std::uint64_t genome_length_bp, std::string source, std::vector<Gene> genes,
                 GeneticCodeInfo code = {});

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

  /// The NCBI translation table its genes are written in.
  std::uint32_t translation_table() const noexcept { return code_.translation_table; }
  const GeneticCodeInfo& genetic_code() const noexcept { return code_; }
  /// CDS whose protein another reading of UGA changes (other_code_length_aa set).
  std::size_t other_code_proteins() const noexcept { return other_code_proteins_; }
  /// Sum of protein lengths under the other reading of UGA, one copy of each protein, aa.
  std::uint64_t other_code_protein_aa() const noexcept { return other_code_aa_; }
  /// The length of CDS `g`'s protein when read by `host_table`, aa.
  std::uint32_t protein_length_read_by(const Gene& g, std::uint32_t host_table) const noexcept {
    if (same_protein_reading(code_.translation_table, host_table)) return g.protein_length_aa;
    return g.other_code_length_aa.value_or(g.protein_length_aa);
  }

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
  GeneticCodeInfo code_;
  std::size_t other_code_proteins_ = 0;
  std::uint64_t other_code_aa_ = 0;
};

using GenomePtr = std::shared_ptr<const GenomeTemplate>;

/// What happens to a genome's proteins on a host whose ribosomes read `host_codes`
/// (docs/MODEL.md section 3.1).
struct GeneticCodeCheck {
  std::uint32_t guest_table = 0;  ///< the genome's table
  std::uint32_t host_table = 0;   ///< the host table it is read by (host_reading_table())
  bool compatible = true;         ///< the host makes the genome's own proteins
  /// False when the host reads it by another code and the genome does not give
  /// other_code_length_aa, so the proteins it would make are unknown.
  bool lengths_known = true;
  std::size_t truncated_proteins = 0;  ///< CDS ended early (a UGA read as stop)
  std::size_t extended_proteins = 0;   ///< CDS read through their UGA stop
  std::uint64_t native_aa = 0;         ///< one copy of every protein by the genome's code
  std::uint64_t host_aa = 0;           ///< the same, as the host reads them

  std::size_t affected_proteins() const noexcept { return truncated_proteins + extended_proteins; }
  friend bool operator==(const GeneticCodeCheck&, const GeneticCodeCheck&) = default;
};

/// Checks a genome against the tables a host reads; O(1) (the genome counts at construction).
BIOXEN_API GeneticCodeCheck check_genetic_code(const GenomeTemplate& genome,
                                               std::span<const std::uint32_t> host_codes) noexcept;

/// The genome rewritten so that every code makes its own proteins (docs/MODEL.md section 3.1):
/// every in-frame UGA of a table-4 genome becomes UGG (Trp in every code), every UGA stop of a
/// table-1/11 genome becomes UAA. Named `<name>_recoded`, written for `table`; the proteins are
/// unchanged. What a synthetic biologist does to express mycoplasma genes in E. coli. Throws
/// invalid_argument for a null genome or an unsupported table.
BIOXEN_API GenomePtr recoded_genome(const GenomePtr& genome, std::uint32_t table);
/// "_recoded": the suffix of recoded_genome()'s names.
BIOXEN_API std::string_view recoded_suffix() noexcept;

/// "syn3a", "minimal_cell", "ecoli" (as published: tables 4, 4, 11), then their recoded variants
/// "syn3a_recoded", "minimal_cell_recoded" (table 11) and "ecoli_recoded" (table 4).
BIOXEN_API std::vector<std::string> builtin_genome_names();
/// A built-in template (parsed once, then shared); throws BioXenException(invalid_argument)
/// listing the supported names.
BIOXEN_API GenomePtr builtin_genome(std::string_view name);

/// Loads a genome file by extension: `.genome` (original BioXen text format), `.tsv` (the
/// format of src/genomes/), `.gff`/`.gff3`. Errors: io_error (unreadable), genome_parse_error
/// naming file, line and field; an unknown extension is invalid_argument. The formats and
/// every error are described in docs/GENOME_FORMATS.md.
///
/// @code
/// bioxen::GenomePtr g = bioxen::load_genome_file("cells/my_cell.gff3");
/// @endcode
BIOXEN_API GenomePtr load_genome_file(const std::filesystem::path& file);
/// The readers behind load_genome_file(); `source_name` is the file name used in errors and,
/// without its extension, the template's name unless the text names one.
BIOXEN_API GenomePtr parse_genome_tsv(std::istream& in, std::string_view source_name);
BIOXEN_API GenomePtr parse_bioxen_genome(std::istream& in, std::string_view source_name);
BIOXEN_API GenomePtr parse_gff3(std::istream& in, std::string_view source_name);

/// The genes of a genome that are resident in a memory reservation (docs/MODEL.md section 3):
/// essential genes first, then the others in genome order, each admitted while it still fits (first
/// fit, capacity memory_kb * 1000 bp). Translation walks the resident CDS in this order; prefix
/// sums make protein counts O(log n) from the amino acids made.
struct BIOXEN_API ResidentSet {
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
  /// The table the host reads these genes by (the genome's own unless given), and what another
  /// code does to the resident proteins: their lengths above are the ones the host makes.
  std::uint32_t reading_table = 0;
  std::size_t truncated_proteins = 0;
  std::size_t extended_proteins = 0;
  std::size_t affected_boot_proteins = 0;  ///< boot proteins among them
  /// A boot protein is made wrongly by the host's code, so boot can never complete.
  bool boot_blocked() const noexcept { return affected_boot_proteins > 0; }

  std::uint64_t cycle_aa() const noexcept { return aa_prefix.empty() ? 0 : aa_prefix.back(); }
  /// Completed copies of the protein at `cds` position `i` after `total_aa` amino acids.
  std::uint64_t copies_of(std::size_t i, std::uint64_t total_aa) const noexcept;
  /// Completed proteins in total after `total_aa` amino acids.
  std::uint64_t proteins_completed(std::uint64_t total_aa) const noexcept;
};
using ResidentSetPtr = std::shared_ptr<const ResidentSet>;

/// Computes (or returns the cached) resident set of `genome` under `memory_kb`, its proteins as
/// a host reading `reading_table` makes them (0: the genome's own table). Equal (genome
/// pointer, memory_kb, reading) triples share one object while any holder keeps it alive;
/// thread-safe. Throws BioXenException(invalid_argument) when `genome` is null, the table is
/// not supported, or another code reads it and the genome gives no other_code_length_aa.
BIOXEN_API ResidentSetPtr resident_set(const GenomePtr& genome, std::uint64_t memory_kb,
                                       std::uint32_t reading_table = 0);

BIOXEN_API void to_json(nlohmann::json& j, const Gene& g);
BIOXEN_API void to_json(nlohmann::json& j, const GenomeTemplate& g);  ///< summary, not every gene
BIOXEN_API void to_json(nlohmann::json& j, const ResidentSet& r);     ///< summary, not every gene

}  // namespace bioxen
