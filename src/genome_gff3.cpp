// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// GFF3 loader (docs/GENOME_FORMATS.md). A gene of the template is a `gene` or `pseudogene`
// feature together with its CDS/rRNA/tRNA/ncRNA/tmRNA descendants, or such a product feature
// that has no gene ancestor. Every line is checked, including the lines of feature types that
// do not become genes.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "bioxen/detail/utf8.hpp"
#include "bioxen/error_details.hpp"
#include "bioxen/genome.hpp"
#include "detail/genome_parsing.hpp"

namespace bioxen {

namespace {

using detail::in_quotes;

struct Segment {
  std::uint64_t start;
  std::uint64_t end;
};

struct Feature {
  std::size_t line = 0;  // of the first line; a feature with an ID may span several lines
  std::string seqid;
  std::string type;
  char strand = '.';
  std::string id;
  std::vector<std::string> parents;
  std::vector<std::pair<std::string, std::string>> attributes;  // percent-decoded
  std::vector<Segment> segments;

  std::uint64_t start() const {
    std::uint64_t s = segments.front().start;
    for (const auto& seg : segments) s = std::min(s, seg.start);
    return s;
  }
  std::uint64_t end() const {
    std::uint64_t e = 0;
    for (const auto& seg : segments) e = std::max(e, seg.end);
    return e;
  }
  std::uint64_t total_bp() const {
    std::uint64_t n = 0;
    for (const auto& seg : segments) n += seg.end - seg.start + 1;
    return n;
  }
  const std::string* attr(std::string_view key) const {
    for (const auto& [k, v] : attributes) {
      if (k == key) return &v;
    }
    return nullptr;
  }
};

enum class Role { gene, product, other };

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

/// gene, pseudogene and the Sequence Ontology's typed genes (rRNA_gene, tRNA_gene, ...) define
/// genes; the product types below become their type.
Role role_of(std::string_view type) {
  if (type == "gene" || type == "pseudogene" || ends_with(type, "_gene")) return Role::gene;
  if (type == "CDS" || type == "rRNA" || type == "tRNA" || type == "ncRNA" || type == "tmRNA") {
    return Role::product;
  }
  return Role::other;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// GFF3 percent-decoding ("%2C" -> ",").
std::string decode(const detail::LineReader& r, std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    const int hi = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
    const int lo = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      r.fail("attributes", fmt::format("bad percent escape {} in {}", in_quotes(text.substr(i, 3)),
                                       in_quotes(text)));
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  if (const auto bad = detail::first_invalid_utf8(out)) {
    r.fail("attributes",
           fmt::format("percent escapes in {} decode to text that is not UTF-8 (byte 0x{:02x})",
                       in_quotes(text), static_cast<unsigned char>(out[*bad])));
  }
  return out;
}

bool is_number(std::string_view text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc{} && end == text.data() + text.size() && !text.empty();
}

struct SequenceRegion {
  std::uint64_t start;
  std::uint64_t end;
  std::size_t line;
};

class Gff3Parser {
 public:
  Gff3Parser(std::istream& in, std::string_view source_name)
      : r_(in, source_name), source_(source_name) {
    r_.set_columns(
        {"seqid", "source", "type", "start", "end", "score", "strand", "phase", "attributes"});
  }

  GenomePtr parse() {
    read();
    return build();
  }

 private:
  void read() {
    while (r_.next()) {
      const std::string_view line = r_.line();
      if (detail::is_blank(line)) continue;
      if (line.rfind("##", 0) == 0) {
        if (!directive(line)) break;  // ##FASTA: sequences follow, no more features
        continue;
      }
      if (line.front() == '#') {
        comments_.emplace_back(detail::trim(line.substr(1)));  // provenance, licence
        continue;
      }
      feature_line(line);
    }
    last_line_ = r_.number();
  }

  /// False at ##FASTA.
  bool directive(std::string_view line) {
    const auto words = detail::split_whitespace(line.substr(2));
    if (words.empty()) return true;
    const std::string_view name = words.front();
    if (name == "FASTA") return false;
    if (name == "gff-version") {
      if (words.size() < 2 || words[1].empty() || words[1].front() != '3' ||
          (words[1].size() > 1 && words[1][1] != '.')) {
        r_.fail("gff-version",
                fmt::format("only GFF version 3 is supported, got {}", in_quotes(line)));
      }
    } else if (name == "sequence-region") {
      if (words.size() != 4) {
        r_.fail("sequence-region", fmt::format("expected '##sequence-region seqid start end', "
                                               "got {}",
                                               in_quotes(line)));
      }
      const std::uint64_t start = detail::unsigned_field(source_, r_.number(), "sequence-region",
                                                         words[2], max_genome_length_bp);
      const std::uint64_t end = detail::unsigned_field(source_, r_.number(), "sequence-region",
                                                       words[3], max_genome_length_bp);
      if (start == 0 || end < start) {
        r_.fail("sequence-region",
                fmt::format("expected 1 <= start <= end, got {} {}", start, end));
      }
      const std::string seqid(words[1]);
      const auto [it, inserted] = regions_.emplace(seqid, SequenceRegion{start, end, r_.number()});
      if (!inserted && (it->second.start != start || it->second.end != end)) {
        r_.fail("sequence-region",
                fmt::format("{} is declared again with other bounds (first on line {})",
                            in_quotes(seqid), it->second.line));
      }
    }
    return true;  // other directives (##species, ###, ...) carry nothing the model uses
  }

  void feature_line(std::string_view line) {
    const auto col = detail::split(line, '\t');
    if (col.size() != 9) {
      r_.fail("columns", fmt::format("expected 9 tab-separated columns, found {}", col.size()));
    }
    if (col[0].empty() || col[0] == ".") r_.fail("seqid", "must not be empty");
    if (col[2].empty() || col[2] == ".") r_.fail("type", "must not be empty");
    const std::uint64_t start =
        detail::unsigned_field(source_, r_.number(), "start", col[3], max_genome_length_bp);
    const std::uint64_t end =
        detail::unsigned_field(source_, r_.number(), "end", col[4], max_genome_length_bp);
    if (start == 0) r_.fail("start", "coordinates are 1-based: start must be at least 1");
    if (end < start) r_.fail("end", fmt::format("end {} is before start {}", end, start));
    if (col[5] != "." && !is_number(col[5])) {
      r_.fail("score", fmt::format("expected a number or '.', got {}", in_quotes(col[5])));
    }
    if (col[6].size() != 1 || std::string_view("+-.?").find(col[6].front()) == std::string::npos) {
      r_.fail("strand", fmt::format("expected '+', '-', '.' or '?', got {}", in_quotes(col[6])));
    }
    if (col[7] != "." && col[7] != "0" && col[7] != "1" && col[7] != "2") {
      r_.fail("phase", fmt::format("expected 0, 1, 2 or '.', got {}", in_quotes(col[7])));
    }

    Feature f;
    f.line = r_.number();
    f.seqid = col[0];
    f.type = col[2];
    f.strand = col[6].front();
    f.segments.push_back({start, end});
    if (col[8] != ".") parse_attributes(col[8], f);
    max_end_[f.seqid] = std::max(max_end_[f.seqid], end);

    if (!f.id.empty()) {
      // Several lines with one ID are one feature in pieces (a joined or frameshifted CDS).
      const auto it = by_id_.find(f.id);
      if (it != by_id_.end()) {
        Feature& first = features_[it->second];
        if (first.type != f.type || first.seqid != f.seqid) {
          r_.fail("ID", fmt::format("ID {} is already used by a {} feature on {} (line {})",
                                    in_quotes(f.id), first.type, first.seqid, first.line));
        }
        first.segments.push_back({start, end});
        return;
      }
      by_id_.emplace(f.id, features_.size());
    }
    features_.push_back(std::move(f));
  }

  void parse_attributes(std::string_view text, Feature& f) {
    for (const std::string_view raw_pair : detail::split(text, ';')) {
      const std::string_view pair = detail::trim(raw_pair);
      if (pair.empty()) continue;  // a trailing ';'
      const std::size_t eq = pair.find('=');
      if (eq == std::string_view::npos || eq == 0) {
        r_.fail("attributes", fmt::format("expected key=value, got {}", in_quotes(pair)));
      }
      std::string key = decode(r_, pair.substr(0, eq));
      // GFF3 names are case-sensitive, but Ensembl Bacteria exports write PARENT: a name that
      // differs from ID or Parent only in case is read as ID or Parent.
      if (key != "ID" && detail::iequals(key, "ID")) key = "ID";
      if (key != "Parent" && detail::iequals(key, "Parent")) key = "Parent";
      const std::string_view raw_value = pair.substr(eq + 1);
      if (f.attr(key) != nullptr) {
        r_.fail("attributes", fmt::format("attribute {} is given twice", in_quotes(key)));
      }
      if (key == "ID") {
        f.id = decode(r_, raw_value);
        if (f.id.empty()) r_.fail("ID", "must not be empty");
      } else if (key == "Parent") {
        for (const std::string_view p : detail::split(raw_value, ',')) {
          f.parents.push_back(decode(r_, p));
          if (f.parents.back().empty()) r_.fail("Parent", "must not be empty");
        }
      }
      f.attributes.emplace_back(std::move(key), decode(r_, raw_value));
    }
  }

  /// The nearest gene/pseudogene ancestor of feature `i`, or npos.
  std::size_t gene_ancestor(std::size_t i) const {
    std::size_t current = i;
    for (std::size_t steps = 0; steps <= features_.size(); ++steps) {
      const Feature& f = features_[current];
      if (f.parents.empty()) return npos;
      const std::size_t parent = by_id_.at(f.parents.front());  // checked in build()
      if (role_of(features_[parent].type) == Role::gene) return parent;
      current = parent;
    }
    detail::parse_fail(
        source_, features_[i].line, "Parent",
        fmt::format("the Parent chain of {} forms a cycle", in_quotes(features_[i].id)));
  }

  std::optional<bool> essential_of(const Feature& f) const {
    const std::string* e = f.attr("essential");
    if (e == nullptr) return std::nullopt;
    if (*e == "true") return true;
    if (*e == "false") return false;
    detail::parse_fail(source_, f.line, "essential",
                       fmt::format("expected true or false, got {}", in_quotes(*e)));
  }

  GenomePtr build() {
    for (const Feature& f : features_) {
      for (const std::string& p : f.parents) {
        if (by_id_.find(p) == by_id_.end()) {
          detail::parse_fail(source_, f.line, "Parent",
                             fmt::format("no feature has the ID {}", in_quotes(p)));
        }
      }
    }
    // Products grouped under their gene; products without a gene stand alone.
    std::vector<std::vector<std::size_t>> children(features_.size());
    std::vector<bool> orphan(features_.size(), false);
    for (std::size_t i = 0; i < features_.size(); ++i) {
      if (role_of(features_[i].type) != Role::product) continue;
      const std::size_t gene = gene_ancestor(i);
      if (gene == npos) {
        orphan[i] = true;
      } else {
        children[gene].push_back(i);
      }
    }

    std::vector<Gene> genes;
    std::vector<std::size_t> lines;
    std::string seqid;
    std::size_t seqid_line = 0;
    for (std::size_t i = 0; i < features_.size(); ++i) {
      const Feature& d = features_[i];
      if (role_of(d.type) != Role::gene && !orphan[i]) continue;
      if (seqid.empty()) {
        seqid = d.seqid;
        seqid_line = d.line;
      } else if (d.seqid != seqid) {
        detail::parse_fail(source_, d.line, "seqid",
                           fmt::format("genes on more than one sequence ({} from line {}, and {}) "
                                       "are not supported; split the file per sequence",
                                       in_quotes(seqid), seqid_line, in_quotes(d.seqid)));
      }
      genes.push_back(make_gene(d, children[i]));
      lines.push_back(d.line);
    }
    if (genes.empty()) {
      detail::parse_fail(source_, last_line_, "genes",
                         "no gene, pseudogene, CDS, rRNA, tRNA, ncRNA or tmRNA feature found");
    }

    std::uint64_t genome_length = max_end_[seqid];
    if (const auto it = regions_.find(seqid); it != regions_.end()) {
      genome_length = it->second.end;
      for (const Feature& f : features_) {
        if (f.seqid == seqid && f.end() > genome_length) {
          detail::parse_fail(
              source_, f.line, "end",
              fmt::format("end {} is beyond the end {} of sequence {} (line {})", f.end(),
                          genome_length, in_quotes(seqid), it->second.line));
        }
      }
    }
    std::string organism = "unknown";
    for (const Feature& f : features_) {
      if (f.seqid != seqid || (f.type != "region" && f.type != "source")) continue;
      if (const std::string* o = f.attr("organism")) {
        organism = *o;
        if (const std::string* strain = f.attr("strain")) organism += " " + *strain;
        break;
      }
    }
    // NCBI's GFF3 gives the code of each CDS (transl_table=4); one genome has one code.
    std::optional<std::pair<std::uint32_t, std::size_t>> table;  // value, line
    for (const Feature& f : features_) {
      const std::string* t = f.seqid == seqid ? f.attr("transl_table") : nullptr;
      if (t == nullptr) continue;
      const std::uint32_t value =
          detail::translation_table_field(source_, f.line, "transl_table", *t);
      if (table && table->first != value) {
        detail::parse_fail(source_, f.line, "transl_table",
                           fmt::format("table {} differs from table {} on line {}; a genome has "
                                       "one genetic code",
                                       value, table->first, table->second));
      }
      if (!table) table.emplace(value, f.line);
    }
    return detail::finish_genome(
        source_, detail::stem_of(source_), std::move(organism), seqid, genome_length,
        comments_.empty() ? fmt::format("GFF3 {}, sequence {}", detail::stem_of(source_), seqid)
                          : fmt::format("{}", fmt::join(comments_, "\n")),
        std::move(genes), lines, last_line_,
        {table ? table->first : default_translation_table, false});
  }

  Gene make_gene(const Feature& d, const std::vector<std::size_t>& kids) const {
    Gene g;
    const bool defined_by_gene = role_of(d.type) == Role::gene;
    const auto first_attr = [&](std::string_view key) -> const std::string* {
      if (const std::string* v = d.attr(key)) return v;
      for (const std::size_t k : kids) {
        if (const std::string* v = features_[k].attr(key)) return v;
      }
      return nullptr;
    };
    const auto is_pseudo = [&](const Feature& f) {
      const std::string* p = f.attr("pseudo");
      return p != nullptr && *p == "true";
    };

    // Type.
    std::uint64_t cds_bp = 0;
    bool has_cds = false;
    for (const std::size_t k : kids) {
      if (features_[k].type == "CDS") {
        has_cds = true;
        cds_bp += features_[k].total_bp();
      }
    }
    if (!defined_by_gene && d.type == "CDS") {
      has_cds = true;
      cds_bp = d.total_bp();
    }
    bool pseudo = d.type == "pseudogene" || is_pseudo(d);
    for (const std::size_t k : kids) pseudo = pseudo || is_pseudo(features_[k]);
    if (pseudo) {
      g.type = GeneType::pseudogene;
    } else if (has_cds) {
      g.type = GeneType::cds;
    } else if (!defined_by_gene) {
      g.type = *gene_type_from_string(d.type);
    } else if (!kids.empty()) {
      g.type = *gene_type_from_string(features_[kids.front()].type);
    } else {
      // A gene line without product lines: its biotype says what it is.
      const std::string* biotype = d.attr("gene_biotype");
      if (biotype == nullptr) biotype = d.attr("biotype");
      const std::string b = biotype ? *biotype : std::string();
      if (b == "protein_coding") {
        g.type = GeneType::cds;
        cds_bp = d.total_bp();
      } else if (b == "rRNA" || b == "tRNA" || b == "tmRNA" || b == "ncRNA") {
        g.type = *gene_type_from_string(b);
      } else if (b == "pseudogene" || b == "transcribed_pseudogene") {
        g.type = GeneType::pseudogene;
      } else if (b.size() > 3 && b.compare(b.size() - 3, 3, "RNA") == 0) {
        g.type = GeneType::ncrna;  // misc_RNA, antisense_RNA, RNase_P_RNA, SRP_RNA, ...
      } else {
        detail::parse_fail(
            source_, d.line, "type",
            fmt::format("gene {} has no CDS, rRNA, tRNA, ncRNA or tmRNA feature and no usable "
                        "gene_biotype (got {})",
                        in_quotes(d.id), biotype ? in_quotes(b) : std::string("none")));
      }
    }
    if (g.type == GeneType::cds) {
      // The CDS includes its stop codon (GFF3 convention): protein = codons - 1.
      const std::uint64_t aa = cds_bp / 3 >= 1 ? cds_bp / 3 - 1 : 0;
      if (aa == 0) {
        detail::parse_fail(source_, d.line, "CDS",
                           fmt::format("a CDS of {} bp is too short for a protein (it needs at "
                                       "least 6 bp: a codon and the stop codon)",
                                       cds_bp));
      }
      if (aa > std::numeric_limits<std::uint32_t>::max()) {
        detail::parse_fail(source_, d.line, "CDS",
                           fmt::format("a CDS of {} bp is too long", cds_bp));
      }
      g.protein_length_aa = static_cast<std::uint32_t>(aa);
    }

    // Identity.
    if (const std::string* tag = first_attr("locus_tag")) {
      g.locus_tag = *tag;
    } else if (!d.id.empty()) {
      std::string_view id = d.id;
      for (const std::string_view prefix : {"gene:", "gene-"}) {
        if (id.rfind(prefix, 0) == 0 && id.size() > prefix.size()) id.remove_prefix(prefix.size());
      }
      g.locus_tag = id;
    } else {
      detail::parse_fail(source_, d.line, "locus_tag",
                         "the feature has neither a locus_tag nor an ID attribute");
    }
    if (!detail::valid_locus_tag(g.locus_tag)) {
      detail::parse_fail(
          source_, d.line, "locus_tag",
          fmt::format("must be printable text without spaces, got {}", in_quotes(g.locus_tag)));
    }
    if (const std::string* name = first_attr("gene")) {
      g.name = *name;
    } else if (const std::string* n = defined_by_gene ? d.attr("Name") : nullptr) {
      g.name = *n;
    } else if (const std::string* e = defined_by_gene ? d.attr("external_name") : nullptr) {
      g.name = *e;  // Ensembl
    }
    const std::string* product = nullptr;
    for (const std::size_t k : kids) {
      if ((product = features_[k].attr("product")) != nullptr) break;
    }
    if (product == nullptr) product = d.attr("product");
    if (product == nullptr) product = d.attr("description");
    if (product != nullptr) g.product = *product;

    // Place.
    g.start = d.start();
    g.end = d.end();
    g.length_bp = g.end - g.start + 1;
    if (d.strand != '+' && d.strand != '-') {
      detail::parse_fail(source_, d.line, "strand",
                         fmt::format("a gene needs strand '+' or '-', got '{}'", d.strand));
    }
    g.strand = d.strand;
    g.essential = essential_of(d);
    if (!g.essential) {
      for (const std::size_t k : kids) {
        if ((g.essential = essential_of(features_[k]))) break;
      }
    }
    return g;
  }

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  detail::LineReader r_;
  std::string source_;
  std::vector<Feature> features_;
  std::unordered_map<std::string, std::size_t> by_id_;
  std::map<std::string, SequenceRegion> regions_;
  std::map<std::string, std::uint64_t> max_end_;
  std::vector<std::string> comments_;
  std::size_t last_line_ = 0;
};

}  // namespace

GenomePtr parse_gff3(std::istream& in, std::string_view source_name) {
  return Gff3Parser(in, source_name).parse();
}

}  // namespace bioxen
