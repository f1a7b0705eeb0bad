// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// A genome template as complete JSON (every gene), for snapshots of VMs that run a genome
// which is not built in.
#pragma once

#include <fmt/format.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "bioxen/detail/json_read.hpp"
#include "bioxen/error_details.hpp"
#include "bioxen/genome.hpp"

namespace bioxen::detail {

inline nlohmann::json genome_to_json(const GenomeTemplate& g) {
  nlohmann::json genes = nlohmann::json::array();
  for (const Gene& gene : g.genes()) {
    genes.push_back(nlohmann::json{
        {"locus_tag", gene.locus_tag},
        {"name", gene.name},
        {"product", gene.product},
        {"type", to_string(gene.type)},
        {"start", gene.start},
        {"end", gene.end},
        {"strand", std::string(1, gene.strand)},
        {"length_bp", gene.length_bp},
        {"protein_length_aa", gene.protein_length_aa},
        {"essential", gene.essential ? nlohmann::json(*gene.essential) : nlohmann::json()},
        {"other_code_length_aa", gene.other_code_length_aa
                                     ? nlohmann::json(*gene.other_code_length_aa)
                                     : nlohmann::json()}});
  }
  return nlohmann::json{{"name", g.name()},
                        {"organism", g.organism()},
                        {"accession", g.accession()},
                        {"genome_length_bp", g.genome_length_bp()},
                        {"source", g.source()},
                        {"translation_table", g.translation_table()},
                        {"other_code_lengths", g.genetic_code().other_code_lengths},
                        {"genes", std::move(genes)}};
}

/// The inverse of genome_to_json(); errors are `ctx.code` naming `where` and the key. The
/// genetic-code keys are optional (snapshots of version 2 and older have none: table 11).
inline GenomePtr genome_from_json(const nlohmann::json& j, const std::string& where,
                                  const JsonContext& ctx) {
  require_object(j, where,
                 {"name", "organism", "accession", "genome_length_bp", "source",
                  "translation_table", "other_code_lengths", "genes"},
                 ctx);
  const auto key = [&](std::string_view k) { return fmt::format("{}.{}", where, k); };
  std::string name = read_string(require(j, "name", ctx), key("name"), ctx);
  std::string organism = read_string(require(j, "organism", ctx), key("organism"), ctx);
  std::string accession = read_string(require(j, "accession", ctx), key("accession"), ctx);
  const auto length = read_integer<std::uint64_t>(require(j, "genome_length_bp", ctx),
                                                  key("genome_length_bp"), ctx);
  std::string source = read_string(require(j, "source", ctx), key("source"), ctx);
  GeneticCodeInfo code;
  if (const auto t = j.find("translation_table"); t != j.end()) {
    code.translation_table = read_integer<std::uint32_t>(*t, key("translation_table"), ctx);
  }
  if (const auto o = j.find("other_code_lengths"); o != j.end()) {
    code.other_code_lengths = read_bool(*o, key("other_code_lengths"), ctx);
  }
  const auto& jgenes = require(j, "genes", ctx);
  if (!jgenes.is_array()) json_fail(ctx, key("genes"), "expected an array");
  std::vector<Gene> genes;
  genes.reserve(jgenes.size());
  for (std::size_t i = 0; i < jgenes.size(); ++i) {
    const std::string gk = fmt::format("{}.genes[{}]", where, i);
    const auto& jg = jgenes[i];
    require_object(jg, gk,
                   {"locus_tag", "name", "product", "type", "start", "end", "strand", "length_bp",
                    "protein_length_aa", "essential", "other_code_length_aa"},
                   ctx);
    const auto gkey = [&](std::string_view k) { return fmt::format("{}.{}", gk, k); };
    Gene g;
    g.locus_tag = read_string(require(jg, "locus_tag", ctx), gkey("locus_tag"), ctx);
    g.name = read_string(require(jg, "name", ctx), gkey("name"), ctx);
    g.product = read_string(require(jg, "product", ctx), gkey("product"), ctx);
    const std::string type = read_string(require(jg, "type", ctx), gkey("type"), ctx);
    const auto parsed = gene_type_from_string(type);
    if (!parsed)
      json_fail(ctx, gkey("type"), fmt::format("unknown gene type '{}'", printable(type)));
    g.type = *parsed;
    g.start = read_integer<std::uint64_t>(require(jg, "start", ctx), gkey("start"), ctx);
    g.end = read_integer<std::uint64_t>(require(jg, "end", ctx), gkey("end"), ctx);
    const std::string strand = read_string(require(jg, "strand", ctx), gkey("strand"), ctx);
    if (strand != "+" && strand != "-") json_fail(ctx, gkey("strand"), "expected \"+\" or \"-\"");
    g.strand = strand[0];
    g.length_bp =
        read_integer<std::uint64_t>(require(jg, "length_bp", ctx), gkey("length_bp"), ctx);
    g.protein_length_aa = read_integer<std::uint32_t>(require(jg, "protein_length_aa", ctx),
                                                      gkey("protein_length_aa"), ctx);
    const auto& ess = require(jg, "essential", ctx);
    if (!ess.is_null()) g.essential = read_bool(ess, gkey("essential"), ctx);
    if (const auto o = jg.find("other_code_length_aa"); o != jg.end() && !o->is_null()) {
      g.other_code_length_aa = read_integer<std::uint32_t>(*o, gkey("other_code_length_aa"), ctx);
    }
    genes.push_back(std::move(g));
  }
  // The template's own checks (a supported table, consistent lengths) become ctx's error.
  try {
    return std::make_shared<const GenomeTemplate>(std::move(name), std::move(organism),
                                                  std::move(accession), length, std::move(source),
                                                  std::move(genes), code);
  } catch (const BioXenException& e) {
    json_fail(ctx, where, e.message());
  }
}

}  // namespace bioxen::detail
