// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Helpers shared by the genome loaders (src/genome*.cpp). Private to the project (src/detail
// is not installed).
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bioxen/export.hpp"
#include "bioxen/genome.hpp"

namespace bioxen::detail {

/// Reads a text stream line by line, counting lines from 1 and dropping a trailing '\r' (files
/// written on Windows). Throws io_error when the stream fails other than by reaching its end.
class BIOXEN_API LineReader {
 public:
  LineReader(std::istream& in, std::string_view source) : in_(in), source_(source) {}

  /// Advances to the next line; false at the end of the input. A line that is not UTF-8 text
  /// is a genome_parse_error naming the field the first foreign byte is in: the key of a
  /// "# key: value" line, else the tab-separated column (named after set_columns()).
  bool next();
  /// Names the tab-separated columns, for the errors of next().
  void set_columns(std::vector<std::string> names) { columns_ = std::move(names); }
  std::string_view line() const noexcept { return line_; }
  std::size_t number() const noexcept { return number_; }
  std::string_view source() const noexcept { return source_; }

  /// Throws BioXenException::genome_parse_error for the current line.
  [[noreturn]] void fail(std::string_view field, std::string_view reason) const;

 private:
  std::istream& in_;
  std::string source_;
  std::string line_;
  std::size_t number_ = 0;
  std::vector<std::string> columns_;
};

/// Throws BioXenException::genome_parse_error(source, line, field, reason).
[[noreturn]] void parse_fail(std::string_view source, std::size_t line, std::string_view field,
                             std::string_view reason);

/// `text` in single quotes for error messages, shortened to 60 characters, control characters
/// shown as '?'.
BIOXEN_API std::string in_quotes(std::string_view text);

BIOXEN_API std::string_view trim(std::string_view text) noexcept;
BIOXEN_API std::vector<std::string_view> split(std::string_view text, char separator);
/// Splits on runs of spaces and tabs; no empty tokens.
BIOXEN_API std::vector<std::string_view> split_whitespace(std::string_view text);
BIOXEN_API bool iequals(std::string_view a, std::string_view b) noexcept;
BIOXEN_API bool is_blank(std::string_view text) noexcept;

/// A decimal unsigned integer: digits only (no sign, no space, no junk), at most `max`.
BIOXEN_API std::optional<std::uint64_t> parse_unsigned(
    std::string_view text, std::uint64_t max = std::numeric_limits<std::uint64_t>::max()) noexcept;

/// parse_unsigned() or a genome_parse_error naming the field: "expected a non-negative
/// integer, got 'x'" or "value 'x' is out of range (at most N)".
BIOXEN_API std::uint64_t unsigned_field(
    std::string_view source, std::size_t line, std::string_view field, std::string_view text,
    std::uint64_t max = std::numeric_limits<std::uint64_t>::max());

/// "x/y/name.tsv" -> "name".
BIOXEN_API std::string stem_of(std::string_view source_name);

/// True when a locus tag is usable as an identifier: non-empty, printable, no whitespace.
BIOXEN_API bool valid_locus_tag(std::string_view tag) noexcept;

/// What a built-in table supplies that its file does not say.
struct ParseDefaults {
  std::string name;      ///< the template's name ("" = the stem of the source name)
  std::string organism;  ///< used when the file names no organism
};

BIOXEN_API GenomePtr parse_tsv(std::istream& in, std::string_view source_name,
                               const ParseDefaults& defaults);

/// Checks genes found at `lines` against the genome length and each other (coordinates, unique
/// locus tags), reporting the offending line; then builds the template. `last_line` is the
/// line number reported when there are no genes.
BIOXEN_API GenomePtr finish_genome(std::string_view source_name, std::string name,
                                   std::string organism, std::string accession,
                                   std::uint64_t genome_length_bp, std::string source,
                                   std::vector<Gene> genes, const std::vector<std::size_t>& lines,
                                   std::size_t last_line, GeneticCodeInfo code = {});

/// A translation table given on `line` of a genome file: 1, 4 or 11, else genome_parse_error
/// naming the supported ones.
BIOXEN_API std::uint32_t translation_table_field(std::string_view source_name, std::size_t line,
                                                 std::string_view field, std::string_view text);

}  // namespace bioxen::detail
