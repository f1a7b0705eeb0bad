// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Genome loaders: the TSV format of src/genomes/ and the original BioXen `.genome` text format
// (docs/GENOME_FORMATS.md), plus the helpers every loader shares. GFF3 is in genome_gff3.cpp.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <sstream>
#include <unordered_map>
#include <utility>

#include "bioxen/detail/utf8.hpp"
#include "bioxen/error_details.hpp"
#include "bioxen/genome.hpp"
#include "detail/genome_parsing.hpp"
#include "detail/text_io.hpp"

namespace bioxen {
namespace detail {

// ---------------------------------------------------------------------------------------------
// Shared helpers

bool LineReader::next() {
  if (!std::getline(in_, line_)) {
    if (in_.bad()) {
      throw BioXenException(BioXenErrorCode::io_error,
                            fmt::format("{}: read error after line {}", source_, number_),
                            {{"file", source_}, {"line", number_}});
    }
    return false;
  }
  ++number_;
  if (!line_.empty() && line_.back() == '\r') line_.pop_back();
  if (const auto bad = first_invalid_utf8(line_)) {
    const std::string_view before = std::string_view(line_).substr(0, *bad);
    std::string field;
    if (const std::string_view text = trim(line_); !text.empty() && text.front() == '#') {
      // Only spaces can precede the '#', and they are ASCII: the '#' is in `before`.
      const std::size_t hash = before.find('#');
      const std::size_t colon = before.find(':');
      field = colon == std::string_view::npos
                  ? "comment"
                  : std::string(trim(before.substr(hash + 1, colon - hash - 1)));
    } else {
      const auto column = static_cast<std::size_t>(std::count(before.begin(), before.end(), '\t'));
      field = column < columns_.size() ? columns_[column] : fmt::format("column {}", column + 1);
    }
    fail(field, fmt::format("not UTF-8 text: byte 0x{:02x} at column {} (genome files are read "
                            "as UTF-8; convert the file, e.g. with iconv -f latin1 -t utf-8)",
                            static_cast<unsigned char>(line_[*bad]), *bad + 1));
  }
  return true;
}

void LineReader::fail(std::string_view field, std::string_view reason) const {
  parse_fail(source_, number_, field, reason);
}

void parse_fail(std::string_view source, std::size_t line, std::string_view field,
                std::string_view reason) {
  throw BioXenException::genome_parse_error(source, line, field, reason);
}

std::string in_quotes(std::string_view text) {
  constexpr std::size_t kMax = 60;
  std::string out = "'";
  for (std::size_t i = 0; i < text.size() && i < kMax; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
  }
  if (text.size() > kMax) out += "...";
  out += '\'';
  return out;
}

std::string_view trim(std::string_view text) noexcept {
  const auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
  };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t from = 0;
  while (true) {
    const std::size_t at = text.find(separator, from);
    if (at == std::string_view::npos) {
      parts.push_back(text.substr(from));
      return parts;
    }
    parts.push_back(text.substr(from, at - from));
    from = at + 1;
  }
}

std::vector<std::string_view> split_whitespace(std::string_view text) {
  std::vector<std::string_view> parts;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    const std::size_t from = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
    if (i > from) parts.push_back(text.substr(from, i - from));
  }
  return parts;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool is_blank(std::string_view text) noexcept { return trim(text).empty(); }

std::optional<std::uint64_t> parse_unsigned(std::string_view text, std::uint64_t max) noexcept {
  if (text.empty()) return std::nullopt;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;  // no sign, space or junk
  }
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value > max) return std::nullopt;
  return value;
}

std::uint64_t unsigned_field(std::string_view source, std::size_t line, std::string_view field,
                             std::string_view text, std::uint64_t max) {
  if (auto value = parse_unsigned(text, max)) return *value;
  const bool digits = !text.empty() && std::all_of(text.begin(), text.end(),
                                                   [](char c) { return c >= '0' && c <= '9'; });
  if (digits) {
    parse_fail(source, line, field,
               fmt::format("value {} is out of range (at most {})", in_quotes(text), max));
  }
  parse_fail(source, line, field,
             fmt::format("expected a non-negative integer, got {}", in_quotes(text)));
}

std::string stem_of(std::string_view source_name) {
  const std::size_t slash = source_name.find_last_of("/\\");
  std::string_view base =
      slash == std::string_view::npos ? source_name : source_name.substr(slash + 1);
  const std::size_t dot = base.rfind('.');
  if (dot != std::string_view::npos && dot > 0) base = base.substr(0, dot);
  return std::string(base.empty() ? source_name : base);
}

bool valid_locus_tag(std::string_view tag) noexcept {
  if (tag.empty()) return false;
  return std::all_of(tag.begin(), tag.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u != 0x7f;
  });
}

GenomePtr finish_genome(std::string_view source_name, std::string name, std::string organism,
                        std::string accession, std::uint64_t genome_length_bp, std::string source,
                        std::vector<Gene> genes, const std::vector<std::size_t>& lines,
                        std::size_t last_line, GeneticCodeInfo code) {
  if (genes.empty()) parse_fail(source_name, last_line, "genes", "no genes found");
  std::unordered_map<std::string_view, std::size_t> first_line;
  first_line.reserve(genes.size());
  for (std::size_t i = 0; i < genes.size(); ++i) {
    const Gene& g = genes[i];
    if (const auto [it, inserted] = first_line.emplace(g.locus_tag, lines[i]); !inserted) {
      parse_fail(source_name, lines[i], "locus_tag",
                 fmt::format("duplicate locus tag {} (first on line {})", in_quotes(g.locus_tag),
                             it->second));
    }
    if (g.end > genome_length_bp) {
      parse_fail(source_name, lines[i], "end",
                 fmt::format("end {} is beyond the genome length {} bp", g.end, genome_length_bp));
    }
  }
  return std::make_shared<const GenomeTemplate>(std::move(name), std::move(organism),
                                                std::move(accession), genome_length_bp,
                                                std::move(source), std::move(genes), code);
}

std::uint32_t translation_table_field(std::string_view source_name, std::size_t line,
                                      std::string_view field, std::string_view text) {
  const auto table = static_cast<std::uint32_t>(
      unsigned_field(source_name, line, field, text, std::numeric_limits<std::uint32_t>::max()));
  if (!is_supported_translation_table(table)) {
    parse_fail(source_name, line, field,
               fmt::format("translation table {} is not supported; supported: {}", table,
                           fmt::join(supported_translation_tables, ", ")));
  }
  return table;
}

// ---------------------------------------------------------------------------------------------
// TSV: `#` lines (metadata and provenance), a header row, one gene a row.

namespace {

constexpr std::string_view kTsvColumns[] = {"locus_tag", "gene_name", "product",
                                            "type",      "start",     "end",
                                            "strand",    "length_bp", "protein_length_aa"};
constexpr std::string_view kTsvEssential = "essential";
constexpr std::string_view kTsvOtherCode = "other_code_length_aa";

std::string expected_tsv_header() {
  return fmt::format("'{}' (tab-separated, optionally followed by '{}' and/or '{}', in any order)",
                     fmt::join(kTsvColumns, " "), kTsvEssential, kTsvOtherCode);
}

}  // namespace

GenomePtr parse_tsv(std::istream& in, std::string_view source_name, const ParseDefaults& defaults) {
  LineReader r(in, source_name);
  std::string name = defaults.name;
  std::string file_name, organism, accession;
  std::optional<std::uint64_t> genome_length;
  std::vector<std::string> source_lines;
  bool header_seen = false;
  std::size_t columns = std::size(kTsvColumns);
  std::optional<std::size_t> essential_column, other_code_column;
  std::optional<std::uint32_t> table;
  std::vector<Gene> genes;
  std::vector<std::size_t> lines;
  std::uint64_t max_end = 0;

  while (r.next()) {
    const std::string_view line = r.line();
    if (is_blank(line)) continue;
    if (line.front() == '#') {
      if (header_seen) continue;  // a comment among the rows
      const std::string_view text = trim(line.substr(1));
      source_lines.emplace_back(text);
      const std::size_t colon = text.find(':');
      if (colon == std::string_view::npos) continue;
      const std::string_view key = trim(text.substr(0, colon));
      const std::string_view value = trim(text.substr(colon + 1));
      if (key == "genome_length_bp") {
        if (genome_length) r.fail(key, "given twice");
        genome_length = unsigned_field(source_name, r.number(), key, value, max_genome_length_bp);
        if (*genome_length == 0) r.fail(key, "must be at least 1");
      } else if (key == "translation_table") {
        if (table) r.fail(key, "given twice");
        table = translation_table_field(source_name, r.number(), key, value);
      } else if (key == "accession" || key == "organism" || key == "name") {
        if (value.empty()) r.fail(key, "must not be empty");
        std::string& target = key == "accession"  ? accession
                              : key == "organism" ? organism
                                                  : file_name;
        if (!target.empty()) r.fail(key, "given twice");
        // "L43967.2 (GCA_000027325.1; RefSeq NC_000908.2)": the accession is the first word.
        target =
            key == "accession" ? std::string(split_whitespace(value).front()) : std::string(value);
      }
      continue;
    }

    const auto fields = split(line, '\t');
    if (!header_seen) {
      bool ok = fields.size() >= std::size(kTsvColumns) &&
                fields.size() <= std::size(kTsvColumns) + 2 &&
                std::equal(std::begin(kTsvColumns), std::end(kTsvColumns), fields.begin());
      for (std::size_t c = std::size(kTsvColumns); ok && c < fields.size(); ++c) {
        std::optional<std::size_t>* slot = fields[c] == kTsvEssential   ? &essential_column
                                           : fields[c] == kTsvOtherCode ? &other_code_column
                                                                        : nullptr;
        ok = slot != nullptr && !slot->has_value();
        if (ok) *slot = c;
      }
      if (!ok) {
        r.fail("header", fmt::format("expected the header row {}, got {}", expected_tsv_header(),
                                     in_quotes(line)));
      }
      columns = fields.size();
      header_seen = true;
      r.set_columns(std::vector<std::string>(fields.begin(), fields.end()));
      continue;
    }

    const std::size_t expected = columns;
    if (fields.size() != expected) {
      r.fail("columns",
             fmt::format("expected {} tab-separated fields, found {}", expected, fields.size()));
    }
    Gene g;
    if (!valid_locus_tag(fields[0])) {
      r.fail("locus_tag", fmt::format("must be non-empty printable text without spaces, got {}",
                                      in_quotes(fields[0])));
    }
    g.locus_tag = fields[0];
    g.name = fields[1];
    g.product = fields[2];
    const auto type = gene_type_from_string(fields[3]);
    if (!type) {
      r.fail("type", fmt::format("unknown gene type {}; expected CDS, rRNA, tRNA, ncRNA, tmRNA "
                                 "or pseudogene",
                                 in_quotes(fields[3])));
    }
    g.type = *type;
    g.start = unsigned_field(source_name, r.number(), "start", fields[4], max_genome_length_bp);
    if (g.start == 0) r.fail("start", "coordinates are 1-based: start must be at least 1");
    g.end = unsigned_field(source_name, r.number(), "end", fields[5], max_genome_length_bp);
    if (g.end < g.start) r.fail("end", fmt::format("end {} is before start {}", g.end, g.start));
    if (genome_length && g.end > *genome_length) {
      r.fail("end", fmt::format("end {} is beyond the genome length {} bp", g.end, *genome_length));
    }
    if (fields[6] != "+" && fields[6] != "-") {
      r.fail("strand", fmt::format("expected '+' or '-', got {}", in_quotes(fields[6])));
    }
    g.strand = fields[6].front();
    g.length_bp =
        unsigned_field(source_name, r.number(), "length_bp", fields[7], max_genome_length_bp);
    if (g.length_bp != g.end - g.start + 1) {
      r.fail("length_bp", fmt::format("length {} does not match end - start + 1 = {}", g.length_bp,
                                      g.end - g.start + 1));
    }
    if (g.type == GeneType::cds) {
      g.protein_length_aa = static_cast<std::uint32_t>(
          unsigned_field(source_name, r.number(), "protein_length_aa", fields[8],
                         std::numeric_limits<std::uint32_t>::max()));
      if (g.protein_length_aa == 0) {
        r.fail("protein_length_aa", "a CDS needs a protein length of at least 1 aa");
      }
    } else if (!fields[8].empty() && fields[8] != "0") {
      r.fail("protein_length_aa",
             fmt::format("only CDS have a protein length; leave it empty for type {}, got {}",
                         to_string(g.type), in_quotes(fields[8])));
    }
    if (other_code_column) {
      const std::string_view o = fields[*other_code_column];
      if (!o.empty()) {
        if (g.type != GeneType::cds) {
          r.fail(kTsvOtherCode, fmt::format("only CDS have one; leave it empty for type {}, got {}",
                                            to_string(g.type), in_quotes(o)));
        }
        const auto length = unsigned_field(source_name, r.number(), kTsvOtherCode, o,
                                           std::numeric_limits<std::uint32_t>::max());
        if (length == 0) r.fail(kTsvOtherCode, "must be at least 1 aa (or empty)");
        g.other_code_length_aa = static_cast<std::uint32_t>(length);
      }
    }
    if (essential_column) {
      const std::string_view e = fields[*essential_column];
      if (e == "true") {
        g.essential = true;
      } else if (e == "false") {
        g.essential = false;
      } else if (!e.empty()) {
        r.fail("essential", fmt::format("expected true, false or empty, got {}", in_quotes(e)));
      }
    }
    max_end = std::max(max_end, g.end);
    genes.push_back(std::move(g));
    lines.push_back(r.number());
  }
  if (!header_seen) {
    r.fail("header", fmt::format("no header row; expected {}", expected_tsv_header()));
  }
  if (name.empty()) name = file_name.empty() ? stem_of(source_name) : file_name;
  if (organism.empty()) organism = defaults.organism.empty() ? "unknown" : defaults.organism;
  return finish_genome(source_name, std::move(name), std::move(organism), std::move(accession),
                       genome_length.value_or(std::max<std::uint64_t>(max_end, 1)),
                       fmt::format("{}", fmt::join(source_lines, "\n")), std::move(genes), lines,
                       r.number(),
                       {table.value_or(default_translation_table), other_code_column.has_value()});
}

}  // namespace detail

GenomePtr parse_genome_tsv(std::istream& in, std::string_view source_name) {
  return detail::parse_tsv(in, source_name, {});
}

// ---------------------------------------------------------------------------------------------
// The original BioXen `.genome` format:
//   # Organism: ...            (and Strain, Accession, Genome size, Total genes, Essential, Name,
//                               Translation table)
//   start length end strand type gene_id description...

namespace {

using detail::in_quotes;

constexpr std::string_view kGenomeColumns[] = {"start",  "length", "end",
                                               "strand", "type",   "gene_id"};

/// "580,076 bp", "580076", "580076bp".
std::optional<std::uint64_t> parse_genome_size(std::string_view text) {
  text = detail::trim(text);
  if (text.size() >= 2 && detail::iequals(text.substr(text.size() - 2), "bp")) {
    text = detail::trim(text.substr(0, text.size() - 2));
  }
  std::string digits;
  std::size_t group = 0;  // digits since the last comma
  bool comma_seen = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ',') {
      if (group == 0 || (comma_seen && group != 3) || (!comma_seen && group > 3)) {
        return std::nullopt;
      }
      comma_seen = true;
      group = 0;
    } else {
      digits += c;
      ++group;
    }
  }
  if (comma_seen && group != 3) return std::nullopt;
  return detail::parse_unsigned(digits, max_genome_length_bp);
}

GeneType genome_type(const detail::LineReader& r, std::string_view text) {
  // The original codes: 1 protein, 0 RNA (kept as ncRNA), 2 tRNA, 3 rRNA, 4 ncRNA, 5 pseudogene.
  if (text == "0" || text == "4") return GeneType::ncrna;
  if (text == "1") return GeneType::cds;
  if (text == "2") return GeneType::trna;
  if (text == "3") return GeneType::rrna;
  if (text == "5") return GeneType::pseudogene;
  if (const auto named = gene_type_from_string(text)) return *named;
  r.fail("type", fmt::format("unknown gene type {}; expected a code 0-5 (0 RNA, 1 protein, 2 tRNA, "
                             "3 rRNA, 4 ncRNA, 5 pseudogene) or a name (CDS, rRNA, tRNA, ncRNA, "
                             "tmRNA, pseudogene)",
                             in_quotes(text)));
}

char genome_strand(const detail::LineReader& r, std::string_view text) {
  if (text == "1" || text == "+1" || text == "+") return '+';
  if (text == "-1" || text == "-") return '-';
  if (text == "0") r.fail("strand", "unknown strand (0) is not supported; use 1 or -1");
  r.fail("strand", fmt::format("expected 1, -1, '+' or '-', got {}", in_quotes(text)));
}

}  // namespace

GenomePtr parse_bioxen_genome(std::istream& in, std::string_view source_name) {
  detail::LineReader r(in, source_name);
  std::string name, organism, strain, accession;
  std::optional<std::uint64_t> genome_length;
  std::optional<std::pair<std::uint64_t, std::size_t>> total_genes;  // value, line
  std::vector<std::pair<std::string, std::size_t>> essential_ids;    // id, line
  bool essential_given = false;
  std::optional<std::uint32_t> table;
  std::vector<std::string> source_lines;
  std::vector<Gene> genes;
  std::vector<std::size_t> lines;
  std::uint64_t max_end = 0;

  while (r.next()) {
    const std::string_view line = detail::trim(r.line());
    if (line.empty()) continue;
    if (line.front() == '#') {
      const std::string_view text = detail::trim(line.substr(1));
      source_lines.emplace_back(text);
      const std::size_t colon = text.find(':');
      if (colon == std::string_view::npos) continue;
      const std::string_view key = detail::trim(text.substr(0, colon));
      const std::string_view value = detail::trim(text.substr(colon + 1));
      const auto set_once = [&](std::string& target) {
        if (value.empty()) r.fail(key, "must not be empty");
        if (!target.empty()) r.fail(key, "given twice");
        target = value;
      };
      if (detail::iequals(key, "organism")) {
        set_once(organism);
      } else if (detail::iequals(key, "strain")) {
        set_once(strain);
      } else if (detail::iequals(key, "name")) {
        set_once(name);
      } else if (detail::iequals(key, "accession")) {
        if (value.empty()) r.fail(key, "must not be empty");
        if (!accession.empty()) r.fail(key, "given twice");
        accession = detail::split_whitespace(value).front();
      } else if (detail::iequals(key, "genome size")) {
        if (genome_length) r.fail(key, "given twice");
        genome_length = parse_genome_size(value);
        if (!genome_length || *genome_length == 0) {
          r.fail(key, fmt::format("expected a positive number of base pairs such as "
                                  "'580,076 bp', got {}",
                                  in_quotes(value)));
        }
      } else if (detail::iequals(key, "translation table")) {
        if (table) r.fail(key, "given twice");
        table = detail::translation_table_field(source_name, r.number(), key, value);
      } else if (detail::iequals(key, "total genes")) {
        if (total_genes) r.fail(key, "given twice");
        total_genes.emplace(detail::unsigned_field(source_name, r.number(), key, value),
                            r.number());
      } else if (detail::iequals(key, "essential")) {
        essential_given = true;
        for (const auto part : detail::split(value, ',')) {
          for (const auto id : detail::split_whitespace(part)) {
            essential_ids.emplace_back(std::string(id), r.number());
          }
        }
      }
      continue;
    }

    // start length end strand type gene_id [description...]
    std::string_view rest = line;
    std::string_view tokens[std::size(kGenomeColumns)];
    for (std::size_t i = 0; i < std::size(kGenomeColumns); ++i) {
      rest = detail::trim(rest);
      if (rest.empty()) {
        r.fail(kGenomeColumns[i],
               fmt::format("missing; a gene line is 'start length end strand type gene_id "
                           "[description]', found {} field{}",
                           i, i == 1 ? "" : "s"));
      }
      const std::size_t stop = rest.find_first_of(" \t");
      tokens[i] = rest.substr(0, stop);
      rest = stop == std::string_view::npos ? std::string_view{} : rest.substr(stop);
    }
    Gene g;
    std::uint64_t start =
        detail::unsigned_field(source_name, r.number(), "start", tokens[0], max_genome_length_bp);
    const std::uint64_t length =
        detail::unsigned_field(source_name, r.number(), "length", tokens[1], max_genome_length_bp);
    std::uint64_t end =
        detail::unsigned_field(source_name, r.number(), "end", tokens[2], max_genome_length_bp);
    if (start == 0) r.fail("start", "coordinates are 1-based: start must be at least 1");
    if (end == 0) r.fail("end", "coordinates are 1-based: end must be at least 1");
    if (end < start) std::swap(start, end);  // the original allows end < start on '-' genes
    if (length != end - start + 1) {
      r.fail("length", fmt::format("length {} does not match |end - start| + 1 = {}", length,
                                   end - start + 1));
    }
    if (genome_length && end > *genome_length) {
      r.fail("end", fmt::format("end {} is beyond the genome length {} bp", end, *genome_length));
    }
    g.start = start;
    g.end = end;
    g.length_bp = length;
    g.strand = genome_strand(r, tokens[3]);
    g.type = genome_type(r, tokens[4]);
    if (!detail::valid_locus_tag(tokens[5])) {
      r.fail("gene_id",
             fmt::format("must be printable text without spaces, got {}", in_quotes(tokens[5])));
    }
    g.locus_tag = tokens[5];
    g.product = detail::trim(rest);
    if (g.type == GeneType::cds) {
      // The format has no protein length: the CDS includes its stop codon.
      const std::uint64_t aa = length / 3 >= 1 ? length / 3 - 1 : 0;
      if (aa == 0) {
        r.fail("length", fmt::format("a protein-coding gene of {} bp is too short; it needs at "
                                     "least 6 bp (a codon and the stop codon)",
                                     length));
      }
      if (aa > std::numeric_limits<std::uint32_t>::max()) {
        r.fail("length", fmt::format("a protein-coding gene of {} bp is too long", length));
      }
      g.protein_length_aa = static_cast<std::uint32_t>(aa);
    }
    max_end = std::max(max_end, g.end);
    genes.push_back(std::move(g));
    lines.push_back(r.number());
  }

  if (total_genes && total_genes->first != genes.size()) {
    detail::parse_fail(
        source_name, total_genes->second, "Total genes",
        fmt::format("the header says {} genes, the file has {}", total_genes->first, genes.size()));
  }
  if (essential_given) {
    std::unordered_map<std::string_view, std::size_t> index;
    for (std::size_t i = 0; i < genes.size(); ++i) {
      index.emplace(genes[i].locus_tag, i);
      genes[i].essential = false;
    }
    for (const auto& [id, line] : essential_ids) {
      const auto it = index.find(id);
      if (it == index.end()) {
        detail::parse_fail(source_name, line, "Essential",
                           fmt::format("no gene has the id {}", in_quotes(id)));
      }
      genes[it->second].essential = true;
    }
  }
  if (name.empty()) name = detail::stem_of(source_name);
  if (organism.empty()) organism = "unknown";
  if (!strain.empty()) organism += " " + strain;
  return detail::finish_genome(
      source_name, std::move(name), std::move(organism), std::move(accession),
      genome_length.value_or(std::max<std::uint64_t>(max_end, 1)),
      fmt::format("{}", fmt::join(source_lines, "\n")), std::move(genes), lines, r.number(),
      {table.value_or(default_translation_table), false});
}

// ---------------------------------------------------------------------------------------------
// Files

GenomePtr load_genome_file(const std::filesystem::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  GenomePtr (*parser)(std::istream&, std::string_view) = nullptr;
  if (ext == ".genome") {
    parser = &parse_bioxen_genome;
  } else if (ext == ".tsv") {
    parser = &parse_genome_tsv;
  } else if (ext == ".gff" || ext == ".gff3") {
    parser = &parse_gff3;
  } else {
    throw BioXenException(
        BioXenErrorCode::invalid_argument,
        fmt::format("cannot tell the genome format of '{}' from its extension {}; expected "
                    ".genome, .tsv, .gff or .gff3",
                    file.string(), in_quotes(ext)),
        {{"file", file.string()}, {"extension", ext}});
  }
  std::istringstream in(detail::read_text_file(file, "genome file"));
  return parser(in, file.string());
}

}  // namespace bioxen
