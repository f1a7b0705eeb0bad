// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
// Genomes: the built-in ones, the file loaders (GenBank-derived TSV, .genome, GFF3), genes,
// genetic-code checks and resident sets. A Genome is immutable and shared with the C++ side.
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bioxen/genome.hpp"
#include "common.hpp"

namespace bioxen::python {

namespace {

using MutableGenomePtr = std::shared_ptr<GenomeTemplate>;

// pybind11 holds shared_ptr<T>; the library hands out shared_ptr<const T>. No bound method
// changes a genome, so the const is kept in substance.
MutableGenomePtr held(const GenomePtr& g) { return std::const_pointer_cast<GenomeTemplate>(g); }

template <class Parse>
MutableGenomePtr parse_text(Parse parse, const std::string& text, const std::string& source) {
  std::istringstream in(text);
  return held(parse(in, source));
}

}  // namespace

void bind_genome(py::module_& m) {
  bind_named_enum<GeneType>(m, "GeneType", "What a gene encodes", detail::gene_type_names);

  py::class_<Gene> gene(m, "Gene", "One annotated gene");
  gene.def_readonly("locus_tag", &Gene::locus_tag)
      .def_readonly("name", &Gene::name)
      .def_readonly("product", &Gene::product)
      .def_readonly("type", &Gene::type)
      .def_readonly("start", &Gene::start)
      .def_readonly("end", &Gene::end)
      .def_property_readonly("strand", [](const Gene& g) { return std::string(1, g.strand); })
      .def_readonly("length_bp", &Gene::length_bp)
      .def_readonly("protein_length_aa", &Gene::protein_length_aa)
      .def_readonly("essential", &Gene::essential, "True/False where the source says, else None")
      .def_readonly("other_code_length_aa", &Gene::other_code_length_aa);
  add_value_methods(gene, "Gene");
  // No from_json for a Gene: pickle its fields (a Gene is a value, copied out of its Genome).
  gene.def(py::pickle(
      [](const Gene& g) {
        return py::make_tuple(g.locus_tag, g.name, g.product, g.type, g.start, g.end,
                              std::string(1, g.strand), g.length_bp, g.protein_length_aa,
                              g.essential, g.other_code_length_aa);
      },
      [](const py::tuple& t) {
        if (t.size() != 11) throw py::value_error("Gene: a pickle of 11 fields expected");
        Gene g;
        g.locus_tag = t[0].cast<std::string>();
        g.name = t[1].cast<std::string>();
        g.product = t[2].cast<std::string>();
        g.type = t[3].cast<GeneType>();
        g.start = t[4].cast<std::uint64_t>();
        g.end = t[5].cast<std::uint64_t>();
        const auto strand = t[6].cast<std::string>();
        g.strand = strand.empty() ? '+' : strand.front();
        g.length_bp = t[7].cast<std::uint64_t>();
        g.protein_length_aa = t[8].cast<std::uint32_t>();
        g.essential = t[9].cast<std::optional<bool>>();
        g.other_code_length_aa = t[10].cast<decltype(g.other_code_length_aa)>();
        return g;
      }));

  py::class_<GeneticCodeCheck>(m, "GeneticCodeCheck",
                               "What a host's genetic code does to a genome's proteins")
      .def_readonly("guest_table", &GeneticCodeCheck::guest_table)
      .def_readonly("host_table", &GeneticCodeCheck::host_table)
      .def_readonly("compatible", &GeneticCodeCheck::compatible)
      .def_readonly("lengths_known", &GeneticCodeCheck::lengths_known)
      .def_readonly("truncated_proteins", &GeneticCodeCheck::truncated_proteins)
      .def_readonly("extended_proteins", &GeneticCodeCheck::extended_proteins)
      .def_readonly("native_aa", &GeneticCodeCheck::native_aa)
      .def_readonly("host_aa", &GeneticCodeCheck::host_aa)
      .def("affected_proteins", &GeneticCodeCheck::affected_proteins)
      .def("to_dict",
           [](const GeneticCodeCheck& c) {
             return nlohmann::json{{"guest_table", c.guest_table},
                                   {"host_table", c.host_table},
                                   {"compatible", c.compatible},
                                   {"lengths_known", c.lengths_known},
                                   {"truncated_proteins", c.truncated_proteins},
                                   {"extended_proteins", c.extended_proteins},
                                   {"native_aa", c.native_aa},
                                   {"host_aa", c.host_aa}};
           })
      .def("__repr__",
           [](const GeneticCodeCheck& c) {
             return repr_of("GeneticCodeCheck",
                            py::cast(c).attr("to_dict")().cast<nlohmann::json>());
           })
      .def(
          "__eq__", [](const GeneticCodeCheck& a, const GeneticCodeCheck& b) { return a == b; },
          py::is_operator());

  py::class_<GenomeTemplate, MutableGenomePtr> genome(
      m, "Genome", "An annotated genome (immutable): genes, sizes, genetic code");
  genome.def_property_readonly("name", &GenomeTemplate::name)
      .def_property_readonly("organism", &GenomeTemplate::organism)
      .def_property_readonly("accession", &GenomeTemplate::accession)
      .def_property_readonly("genome_length_bp", &GenomeTemplate::genome_length_bp)
      .def_property_readonly("source", &GenomeTemplate::source)
      .def_property_readonly("genes", &GenomeTemplate::genes, "Every gene (a list of copies)")
      .def_property_readonly("size_kb", &GenomeTemplate::size_kb)
      .def_property_readonly("cds_count", &GenomeTemplate::cds_count)
      .def_property_readonly("total_protein_aa", &GenomeTemplate::total_protein_aa)
      .def_property_readonly("has_essential_annotation", &GenomeTemplate::has_essential_annotation)
      .def_property_readonly("essential_count", &GenomeTemplate::essential_count)
      .def_property_readonly("translation_table", &GenomeTemplate::translation_table)
      .def_property_readonly("other_code_proteins", &GenomeTemplate::other_code_proteins)
      .def_property_readonly("other_code_protein_aa", &GenomeTemplate::other_code_protein_aa)
      .def("count", &GenomeTemplate::count, py::arg("type"), "Genes of one GeneType")
      .def(
          "to_dict", [](const GenomeTemplate& g) { return nlohmann::json(g); },
          "The summary (not every gene), as in `bioxen genomes --json`")
      .def("__len__", [](const GenomeTemplate& g) { return g.genes().size(); })
      .def("__repr__", [](const GenomeTemplate& g) {
        return "Genome(" + py::repr(py::str(g.name())).cast<std::string>() + ", " +
               std::to_string(g.genes().size()) + " genes, " +
               std::to_string(g.genome_length_bp()) + " bp, table " +
               std::to_string(g.translation_table()) + ")";
      });

  m.def("builtin_genome_names", &builtin_genome_names);
  m.def(
      "builtin_genome", [](const std::string& name) { return held(builtin_genome(name)); },
      py::arg("name"), "syn3a, ecoli, mgenitalium, ... (builtin_genome_names())");
  m.def(
      "load_genome_file", [](const std::filesystem::path& f) { return held(load_genome_file(f)); },
      py::arg("file"), "A .tsv, .genome or .gff3 file; errors are GenomeParseError (BX009)");
  m.def(
      "parse_genome_tsv",
      [](const std::string& text, const std::string& source) {
        return parse_text(parse_genome_tsv, text, source);
      },
      py::arg("text"), py::arg("source_name") = "<string>");
  m.def(
      "parse_bioxen_genome",
      [](const std::string& text, const std::string& source) {
        return parse_text(parse_bioxen_genome, text, source);
      },
      py::arg("text"), py::arg("source_name") = "<string>");
  m.def(
      "parse_gff3",
      [](const std::string& text, const std::string& source) {
        return parse_text(parse_gff3, text, source);
      },
      py::arg("text"), py::arg("source_name") = "<string>");
  m.def(
      "check_genetic_code",
      [](const MutableGenomePtr& g, const std::vector<std::uint32_t>& host_codes) {
        return check_genetic_code(*g, host_codes);
      },
      py::arg("genome"), py::arg("host_codes"));
  m.def(
      "recoded_genome",
      [](const MutableGenomePtr& g, std::uint32_t table) { return held(recoded_genome(g, table)); },
      py::arg("genome"), py::arg("table"));
  m.def(
      "resident_set",
      [](const MutableGenomePtr& g, std::uint64_t memory_kb, std::uint32_t table) {
        return nlohmann::json(*resident_set(g, memory_kb, table));
      },
      py::arg("genome"), py::arg("memory_kb"), py::arg("reading_table") = 0,
      "Summary of the genes resident in a memory reservation (dict)");
}

}  // namespace bioxen::python
