// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Genome templates, the built-in tables, the resident set and its cache. The loaders are in
// genome_io.cpp (TSV, .genome) and genome_gff3.cpp.
#include "bioxen/genome.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "bioxen/detail/utf8.hpp"
#include "bioxen/error_details.hpp"
#include "detail/genome_parsing.hpp"

namespace bioxen {

namespace detail {
// Generated at build time from src/genomes/*.tsv (src/genomes/genomes.cmake).
extern const unsigned char genome_table_syn3a[];
extern const std::size_t genome_table_syn3a_size;
extern const unsigned char genome_table_minimal_cell[];
extern const std::size_t genome_table_minimal_cell_size;
extern const unsigned char genome_table_ecoli[];
extern const std::size_t genome_table_ecoli_size;
}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Gene types

std::string_view to_string(GeneType type) noexcept {
  switch (type) {
    case GeneType::cds:
      return "CDS";
    case GeneType::rrna:
      return "rRNA";
    case GeneType::trna:
      return "tRNA";
    case GeneType::ncrna:
      return "ncRNA";
    case GeneType::tmrna:
      return "tmRNA";
    case GeneType::pseudogene:
      return "pseudogene";
  }
  return "unknown";
}

std::optional<GeneType> gene_type_from_string(std::string_view name) noexcept {
  for (const GeneType type : all_gene_types) {
    if (to_string(type) == name) return type;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// GenomeTemplate

namespace {

[[noreturn]] void template_fail(std::string_view genome, std::size_t index, const Gene& gene,
                                std::string_view field, std::string_view reason) {
  throw BioXenException(BioXenErrorCode::genome_parse_error,
                        fmt::format("genome '{}': gene {} ('{}'): field '{}': {}", genome,
                                    index + 1, gene.locus_tag, field, reason),
                        {{"genome", genome},
                         {"gene_index", index},
                         {"locus_tag", gene.locus_tag},
                         {"field", field},
                         {"reason", reason}});
}

}  // namespace

GenomeTemplate::GenomeTemplate(std::string name, std::string organism, std::string accession,
                               std::uint64_t genome_length_bp, std::string source,
                               std::vector<Gene> genes, GeneticCodeInfo code)
    : name_(std::move(name)),
      organism_(std::move(organism)),
      accession_(std::move(accession)),
      genome_length_bp_(genome_length_bp),
      source_(std::move(source)),
      genes_(std::move(genes)),
      code_(code) {
  if (!is_supported_translation_table(code_.translation_table)) {
    throw BioXenException(
        BioXenErrorCode::genome_parse_error,
        fmt::format("genome '{}': field 'translation_table': table {} is not supported; "
                    "supported: {}",
                    name_, code_.translation_table, fmt::join(supported_translation_tables, ", ")),
        {{"genome", name_},
         {"field", "translation_table"},
         {"value", code_.translation_table},
         {"valid", supported_translation_tables}});
  }
  const auto check_text = [&](std::string_view field, std::string_view text) {
    if (const auto bad = detail::first_invalid_utf8(text)) {
      throw BioXenException(
          BioXenErrorCode::genome_parse_error,
          fmt::format("genome '{}': field '{}': not UTF-8 text (byte 0x{:02x} at position {})",
                      name_, field, static_cast<unsigned char>(text[*bad]), *bad + 1),
          {{"genome", name_}, {"field", field}});
    }
  };
  check_text("name", name_);
  check_text("organism", organism_);
  check_text("accession", accession_);
  check_text("source", source_);
  if (genome_length_bp_ == 0 || genome_length_bp_ > max_genome_length_bp) {
    throw BioXenException(
        BioXenErrorCode::genome_parse_error,
        fmt::format("genome '{}': field 'genome_length_bp': {} is out of range [1, {}]", name_,
                    genome_length_bp_, max_genome_length_bp),
        {{"genome", name_}, {"field", "genome_length_bp"}, {"value", genome_length_bp_}});
  }
  if (genes_.empty()) {
    throw BioXenException(
        BioXenErrorCode::genome_parse_error,
        fmt::format("genome '{}': field 'genes': a genome needs at least one gene", name_),
        {{"genome", name_}, {"field", "genes"}});
  }
  if (genes_.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw BioXenException(
        BioXenErrorCode::genome_parse_error,
        fmt::format("genome '{}': field 'genes': too many genes ({})", name_, genes_.size()),
        {{"genome", name_}, {"field", "genes"}});
  }
  std::unordered_map<std::string_view, std::size_t> seen;
  seen.reserve(genes_.size());
  for (std::size_t i = 0; i < genes_.size(); ++i) {
    const Gene& g = genes_[i];
    if (!detail::valid_locus_tag(g.locus_tag) || !detail::is_utf8(g.locus_tag)) {
      template_fail(name_, i, g, "locus_tag",
                    "must be non-empty printable UTF-8 text without spaces");
    }
    for (const auto& [field, text] :
         {std::pair<std::string_view, std::string_view>{"name", g.name}, {"product", g.product}}) {
      if (const auto bad = detail::first_invalid_utf8(text)) {
        template_fail(name_, i, g, field,
                      fmt::format("not UTF-8 text (byte 0x{:02x} at position {})",
                                  static_cast<unsigned char>(text[*bad]), *bad + 1));
      }
    }
    if (const auto [it, inserted] = seen.emplace(g.locus_tag, i); !inserted) {
      template_fail(name_, i, g, "locus_tag",
                    fmt::format("duplicate locus tag (also gene {})", it->second + 1));
    }
    if (g.start < 1) template_fail(name_, i, g, "start", "coordinates are 1-based");
    if (g.end < g.start) {
      template_fail(name_, i, g, "end", fmt::format("end {} is before start {}", g.end, g.start));
    }
    if (g.end > genome_length_bp_) {
      template_fail(name_, i, g, "end",
                    fmt::format("end {} is beyond the genome length {}", g.end, genome_length_bp_));
    }
    if (g.length_bp != g.end - g.start + 1) {
      template_fail(name_, i, g, "length_bp",
                    fmt::format("length {} does not match end - start + 1 = {}", g.length_bp,
                                g.end - g.start + 1));
    }
    if (g.strand != '+' && g.strand != '-') {
      template_fail(name_, i, g, "strand", "must be '+' or '-'");
    }
    const auto type_index = static_cast<std::size_t>(g.type);
    if (type_index >= std::size(all_gene_types)) {
      template_fail(name_, i, g, "type", "not a known gene type");
    }
    if (g.type == GeneType::cds) {
      if (g.protein_length_aa == 0) {
        template_fail(name_, i, g, "protein_length_aa", "a CDS needs a protein length > 0");
      }
      ++cds_count_;
      total_protein_aa_ += g.protein_length_aa;
      if (const auto other = g.other_code_length_aa) {
        if (!code_.other_code_lengths) {
          template_fail(name_, i, g, "other_code_length_aa",
                        "set, but the genome does not say its other-code lengths were derived");
        }
        const bool truncates = !reads_uga_as_stop(code_.translation_table);
        if (*other == 0 ||
            (truncates ? *other >= g.protein_length_aa : *other <= g.protein_length_aa)) {
          template_fail(name_, i, g, "other_code_length_aa",
                        fmt::format("{} aa must be {} than the protein's {} aa under table {}",
                                    *other, truncates ? "shorter (and > 0)" : "longer",
                                    g.protein_length_aa, code_.translation_table));
        }
        ++other_code_proteins_;
        other_code_aa_ += *other;
      } else {
        other_code_aa_ += g.protein_length_aa;
      }
    } else if (g.protein_length_aa != 0) {
      template_fail(name_, i, g, "protein_length_aa",
                    fmt::format("only CDS have a protein length (type {})", to_string(g.type)));
    } else if (g.other_code_length_aa) {
      template_fail(name_, i, g, "other_code_length_aa",
                    fmt::format("only CDS have one (type {})", to_string(g.type)));
    }
    ++type_counts_[type_index];
    if (g.essential.has_value()) {
      has_essential_ = true;
      if (*g.essential) ++essential_count_;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Built-in templates

namespace {

struct Builtin {
  std::string_view name;
  const unsigned char* data;
  const std::size_t* size;
  std::string_view organism;  // the tables name their source, not the organism
};

// Names and files: src/genomes/genomes.cmake. Organism names: the tables' source lines.
const Builtin kBuiltins[] = {
    {"syn3a", detail::genome_table_syn3a, &detail::genome_table_syn3a_size, "JCVI-syn3A"},
    {"minimal_cell", detail::genome_table_minimal_cell, &detail::genome_table_minimal_cell_size,
     "Mycoplasma genitalium G37"},
    {"ecoli", detail::genome_table_ecoli, &detail::genome_table_ecoli_size,
     "Escherichia coli K-12 MG1655"},
};
constexpr std::size_t kBuiltinCount = std::size(kBuiltins);

GenomePtr parse_builtin(const Builtin& b) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(b.data), *b.size));
  return detail::parse_tsv(in, fmt::format("builtin:{}", b.name),
                           {std::string(b.name), std::string(b.organism)});
}

/// The table a built-in's recoded variant is written for: the other reading of UGA.
std::uint32_t recoding_target(const GenomeTemplate& g) noexcept {
  return reads_uga_as_stop(g.translation_table()) ? 4 : 11;
}

}  // namespace

std::string_view recoded_suffix() noexcept { return "_recoded"; }

GenomePtr recoded_genome(const GenomePtr& genome, std::uint32_t table) {
  if (!genome) {
    throw BioXenException(BioXenErrorCode::invalid_argument,
                          "recoded_genome: the genome must not be null");
  }
  if (!is_supported_translation_table(table)) {
    throw BioXenException(
        BioXenErrorCode::invalid_argument,
        fmt::format("recoded_genome: translation table {} is not supported; supported: {}", table,
                    fmt::join(supported_translation_tables, ", ")),
        {{"value", table}, {"valid", supported_translation_tables}});
  }
  std::vector<Gene> genes = genome->genes();
  for (Gene& g : genes) g.other_code_length_aa.reset();
  const std::size_t changed = genome->other_code_proteins();
  std::string source = fmt::format(
      "{}\nrecoded for translation table {} ({}): every in-frame UGA of a table-4 genome "
      "becomes UGG (Trp), every UGA stop of a table-1/11 genome becomes UAA, so every code "
      "makes the same proteins{}",
      genome->source(), table, translation_table_name(table),
      genome->genetic_code().other_code_lengths
          ? fmt::format("; {} of {} CDS changed", changed, genome->cds_count())
          : std::string());
  return std::make_shared<const GenomeTemplate>(
      fmt::format("{}{}", genome->name(), recoded_suffix()),
      fmt::format("{} (recoded for table {})", genome->organism(), table), genome->accession(),
      genome->genome_length_bp(), std::move(source), std::move(genes),
      GeneticCodeInfo{table, true});
}

std::vector<std::string> builtin_genome_names() {
  std::vector<std::string> names;
  for (const auto& b : kBuiltins) names.emplace_back(b.name);
  for (const auto& b : kBuiltins) names.push_back(fmt::format("{}{}", b.name, recoded_suffix()));
  return names;
}

GenomePtr builtin_genome(std::string_view name) {
  // Parsed on first use, once per table, then shared (call_once is thread-safe and retries
  // after an exception); a recoded variant is derived from its table once too.
  static std::once_flag flags[kBuiltinCount];
  static GenomePtr genomes[kBuiltinCount];
  static std::once_flag recoded_flags[kBuiltinCount];
  static GenomePtr recoded[kBuiltinCount];
  const std::string_view suffix = recoded_suffix();
  const bool wants_recoded =
      name.size() > suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
  const std::string_view base = wants_recoded ? name.substr(0, name.size() - suffix.size()) : name;
  for (std::size_t i = 0; i < kBuiltinCount; ++i) {
    if (kBuiltins[i].name != base) continue;
    std::call_once(flags[i], [i] { genomes[i] = parse_builtin(kBuiltins[i]); });
    if (!wants_recoded) return genomes[i];
    std::call_once(recoded_flags[i],
                   [i] { recoded[i] = recoded_genome(genomes[i], recoding_target(*genomes[i])); });
    return recoded[i];
  }
  const auto names = builtin_genome_names();
  throw BioXenException(BioXenErrorCode::invalid_argument,
                        fmt::format("unknown built-in genome {}; valid names: {}",
                                    detail::in_quotes(name), fmt::join(names, ", ")),
                        {{"name", name}, {"valid", names}});
}

// ---------------------------------------------------------------------------------------------
// Resident set

std::uint64_t ResidentSet::copies_of(std::size_t i, std::uint64_t total_aa) const noexcept {
  const std::uint64_t cycle = cycle_aa();
  if (cycle == 0 || i >= cds.size()) return 0;
  const std::uint64_t full = total_aa / cycle;
  const std::uint64_t rest = total_aa % cycle;
  return full + (aa_prefix[i + 1] <= rest ? 1 : 0);
}

std::uint64_t ResidentSet::proteins_completed(std::uint64_t total_aa) const noexcept {
  const std::uint64_t cycle = cycle_aa();
  if (cycle == 0) return 0;
  const std::uint64_t full = total_aa / cycle;
  const std::uint64_t rest = total_aa % cycle;
  // aa_prefix[k] for k >= 1 is the amino acid count at which protein k-1 completes.
  const auto done = std::upper_bound(aa_prefix.begin() + 1, aa_prefix.end(), rest);
  return full * cds.size() + static_cast<std::uint64_t>(done - (aa_prefix.begin() + 1));
}

namespace {

std::shared_ptr<ResidentSet> compute_resident_set(const GenomePtr& genome, std::uint64_t memory_kb,
                                                  std::uint32_t reading_table) {
  auto rs = std::make_shared<ResidentSet>();
  rs->genome = genome;
  rs->memory_kb = memory_kb;
  rs->reading_table = reading_table;
  const std::uint64_t capacity_bp = memory_kb > std::numeric_limits<std::uint64_t>::max() / 1000
                                        ? std::numeric_limits<std::uint64_t>::max()
                                        : memory_kb * 1000;
  const auto& genes = genome->genes();
  const bool by_essential = genome->has_essential_annotation();

  // Essential genes first, then the others, each pass in genome order; first fit.
  auto admit = [&](bool essential_pass) {
    for (std::size_t i = 0; i < genes.size(); ++i) {
      const Gene& g = genes[i];
      const bool essential = g.essential.value_or(false);
      if (by_essential && essential != essential_pass) continue;
      if (!by_essential && essential_pass) continue;
      if (g.length_bp > capacity_bp - rs->resident_bp) continue;
      rs->resident_bp += g.length_bp;
      rs->genes.push_back(static_cast<std::uint32_t>(i));
    }
  };
  admit(true);
  admit(false);

  // Translation order = resident order restricted to CDS: the boot proteins (resident
  // essential CDS, or all resident CDS without essential annotation) come first.
  rs->aa_prefix.push_back(0);
  for (const std::uint32_t i : rs->genes) {
    const Gene& g = genes[i];
    if (g.type != GeneType::cds) continue;
    rs->cds.push_back(i);
    const std::uint32_t length = genome->protein_length_read_by(g, reading_table);
    rs->aa_prefix.push_back(rs->aa_prefix.back() + length);
    const bool boot = !by_essential || g.essential.value_or(false);
    if (boot) ++rs->boot_proteins;
    if (length != g.protein_length_aa) {
      ++(length < g.protein_length_aa ? rs->truncated_proteins : rs->extended_proteins);
      if (boot) ++rs->affected_boot_proteins;
    }
  }
  rs->boot_aa = rs->aa_prefix[rs->boot_proteins];
  return rs;
}

/// Equal (genome, memory) pairs share one resident set while someone holds it. Entries whose
/// set has expired are swept when the map has doubled since the last sweep (amortised O(1)).
class ResidentSetCache {
 public:
  ResidentSetPtr get(const GenomePtr& genome, std::uint64_t memory_kb,
                     std::uint32_t reading_table) {
    const Key key{genome.get(), memory_kb, reading_table};
    {
      std::lock_guard lock(mutex_);
      if (auto hit = lookup(key)) return hit;
    }
    // Computed outside the lock: a concurrent miss may compute twice, one result wins.
    ResidentSetPtr fresh = compute_resident_set(genome, memory_kb, reading_table);
    std::lock_guard lock(mutex_);
    if (auto hit = lookup(key)) return hit;
    map_[key] = fresh;
    if (map_.size() >= 2 * live_after_sweep_ + 64) sweep();
    return fresh;
  }

 private:
  using Key = std::tuple<const GenomeTemplate*, std::uint64_t, std::uint32_t>;

  ResidentSetPtr lookup(const Key& key) const {
    const auto it = map_.find(key);
    if (it == map_.end()) return nullptr;
    // A live set keeps its genome alive, so its address cannot have been reused.
    return it->second.lock();
  }

  void sweep() {
    for (auto it = map_.begin(); it != map_.end();) {
      it = it->second.expired() ? map_.erase(it) : std::next(it);
    }
    live_after_sweep_ = map_.size();
  }

  std::mutex mutex_;
  std::map<Key, std::weak_ptr<const ResidentSet>> map_;
  std::size_t live_after_sweep_ = 0;
};

}  // namespace

ResidentSetPtr resident_set(const GenomePtr& genome, std::uint64_t memory_kb,
                            std::uint32_t reading_table) {
  if (!genome) {
    throw BioXenException(BioXenErrorCode::invalid_argument,
                          "resident_set: the genome must not be null");
  }
  if (reading_table == 0) reading_table = genome->translation_table();
  if (!is_supported_translation_table(reading_table)) {
    throw BioXenException(
        BioXenErrorCode::invalid_argument,
        fmt::format("resident_set: translation table {} is not supported; supported: {}",
                    reading_table, fmt::join(supported_translation_tables, ", ")),
        {{"value", reading_table}, {"valid", supported_translation_tables}});
  }
  if (!same_protein_reading(genome->translation_table(), reading_table) &&
      !genome->genetic_code().other_code_lengths) {
    throw BioXenException(
        BioXenErrorCode::invalid_argument,
        fmt::format("resident_set: genome '{}' (table {}) gives no other_code_length_aa, so its "
                    "proteins under table {} are unknown",
                    genome->name(), genome->translation_table(), reading_table),
        {{"genome", genome->name()},
         {"guest_table", genome->translation_table()},
         {"host_table", reading_table}});
  }
  // One reading per UGA meaning: tables 1 and 11 make the same proteins.
  if (same_protein_reading(genome->translation_table(), reading_table)) {
    reading_table = genome->translation_table();
  }
  static ResidentSetCache cache;
  return cache.get(genome, memory_kb, reading_table);
}

GeneticCodeCheck check_genetic_code(const GenomeTemplate& genome,
                                    std::span<const std::uint32_t> host_codes) noexcept {
  GeneticCodeCheck c;
  c.guest_table = genome.translation_table();
  c.host_table = host_reading_table(c.guest_table, host_codes);
  c.native_aa = genome.total_protein_aa();
  c.host_aa = c.native_aa;
  if (c.host_table == 0 || same_protein_reading(c.guest_table, c.host_table)) return c;
  c.lengths_known = genome.genetic_code().other_code_lengths;
  if (!c.lengths_known) {
    c.compatible = false;
    return c;
  }
  (reads_uga_as_stop(c.guest_table) ? c.extended_proteins : c.truncated_proteins) =
      genome.other_code_proteins();
  c.host_aa = genome.other_code_protein_aa();
  // The other reading of UGA changes no protein (a recoded genome has no UGA to read
  // otherwise): the host makes the genome's own proteins.
  c.compatible = c.affected_proteins() == 0;
  return c;
}

// ---------------------------------------------------------------------------------------------
// JSON

void to_json(nlohmann::json& j, const Gene& g) {
  j = nlohmann::json{{"locus_tag", g.locus_tag},
                     {"name", g.name},
                     {"product", g.product},
                     {"type", to_string(g.type)},
                     {"start", g.start},
                     {"end", g.end},
                     {"strand", std::string(1, g.strand)},
                     {"length_bp", g.length_bp},
                     {"protein_length_aa", g.protein_length_aa},
                     {"essential", nullptr},
                     {"other_code_length_aa", nullptr}};
  if (g.essential) j["essential"] = *g.essential;
  if (g.other_code_length_aa) j["other_code_length_aa"] = *g.other_code_length_aa;
}

void to_json(nlohmann::json& j, const GenomeTemplate& g) {
  nlohmann::json counts = nlohmann::json::object();
  for (const GeneType type : all_gene_types) counts[std::string(to_string(type))] = g.count(type);
  j = nlohmann::json{{"name", g.name()},
                     {"organism", g.organism()},
                     {"accession", g.accession()},
                     {"genome_length_bp", g.genome_length_bp()},
                     {"size_kb", g.size_kb()},
                     {"genes", g.genes().size()},
                     {"gene_counts", std::move(counts)},
                     {"cds_count", g.cds_count()},
                     {"total_protein_aa", g.total_protein_aa()},
                     {"has_essential_annotation", g.has_essential_annotation()},
                     {"essential_genes", g.essential_count()},
                     {"translation_table", g.translation_table()},
                     {"translation_table_name", translation_table_name(g.translation_table())},
                     {"other_code_lengths", g.genetic_code().other_code_lengths},
                     {"other_code_proteins", g.other_code_proteins()},
                     {"other_code_protein_aa", g.other_code_protein_aa()},
                     {"source", g.source()}};
}

void to_json(nlohmann::json& j, const ResidentSet& r) {
  j = nlohmann::json{{"genome", r.genome ? r.genome->name() : std::string()},
                     {"memory_kb", r.memory_kb},
                     {"resident_genes", r.genes.size()},
                     {"total_genes", r.genome ? r.genome->genes().size() : 0},
                     {"resident_cds", r.cds.size()},
                     {"resident_bp", r.resident_bp},
                     {"cycle_aa", r.cycle_aa()},
                     {"boot_proteins", r.boot_proteins},
                     {"boot_aa", r.boot_aa},
                     {"reading_table", r.reading_table},
                     {"truncated_proteins", r.truncated_proteins},
                     {"extended_proteins", r.extended_proteins},
                     {"affected_boot_proteins", r.affected_boot_proteins}};
}

}  // namespace bioxen
