// Genome templates, the built-in tables, the loaders and their errors, and the resident set.
#include "bioxen/genome.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bioxen/error_details.hpp"

namespace {

namespace fs = std::filesystem;
using bioxen::BioXenErrorCode;
using bioxen::BioXenException;
using bioxen::Gene;
using bioxen::GeneType;
using bioxen::GenomePtr;
using bioxen::GenomeTemplate;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const fs::path kData = fs::path(BIOXEN_TEST_DATA_DIR) / "genomes";
const fs::path kSource = BIOXEN_SOURCE_DIR;

using Parser = GenomePtr (*)(std::istream&, std::string_view);

GenomePtr parse_text(Parser parser, const std::string& text, std::string_view name) {
  std::istringstream in(text);
  return parser(in, name);
}

/// Runs `fn`, expects a BioXenException with `code`; returns it.
template <class Fn>
BioXenException expect_error(BioXenErrorCode code, Fn&& fn) {
  try {
    fn();
  } catch (const BioXenException& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    return e;
  }
  ADD_FAILURE() << "no BioXenException thrown";
  return BioXenException(BioXenErrorCode::invalid_argument, "none");
}

/// A genome_parse_error at `file`:`line` naming `field`, whose reason contains `reason`.
void expect_parse_error(Parser parser, const std::string& text, std::string_view file,
                        std::size_t line, std::string_view field, std::string_view reason) {
  SCOPED_TRACE(text);
  const auto e =
      expect_error(BioXenErrorCode::genome_parse_error, [&] { parse_text(parser, text, file); });
  const std::string prefix =
      std::string(file) + ":" + std::to_string(line) + ": field '" + std::string(field) + "': ";
  EXPECT_THAT(e.message(), StartsWith(prefix));
  EXPECT_THAT(e.message(), HasSubstr(std::string(reason)));
  EXPECT_THAT(e.what(), StartsWith("[BX009] "));
  EXPECT_EQ(e.details().value("file", ""), file);
  EXPECT_EQ(e.details().value("line", std::size_t{0}), line);
  EXPECT_EQ(e.details().value("field", ""), field);
}

/// A unique file under the temp directory, removed at scope exit.
class TempFile {
 public:
  TempFile(const std::string& name, const std::string& content) {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() /
           ("bioxen_genome_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) +
            "_" + std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id())));
    path_ = dir_ / name;
    fs::create_directories(path_.parent_path());
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempFile() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  const fs::path& path() const { return path_; }
  const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_, path_;
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Gene make_gene(std::string tag, GeneType type, std::uint64_t start, std::uint64_t length,
               std::uint32_t aa = 0, std::optional<bool> essential = std::nullopt) {
  Gene g;
  g.locus_tag = std::move(tag);
  g.type = type;
  g.start = start;
  g.end = start + length - 1;
  g.length_bp = length;
  g.protein_length_aa = aa;
  g.essential = essential;
  return g;
}

// ---------------------------------------------------------------------------------------------
// Gene types

TEST(GeneTypeNames, RoundTrip) {
  for (const GeneType t : bioxen::all_gene_types) {
    EXPECT_EQ(bioxen::gene_type_from_string(bioxen::to_string(t)), t);
  }
  EXPECT_EQ(bioxen::to_string(GeneType::cds), "CDS");
  EXPECT_EQ(bioxen::to_string(GeneType::pseudogene), "pseudogene");
  EXPECT_FALSE(bioxen::gene_type_from_string("cds").has_value());
  EXPECT_FALSE(bioxen::gene_type_from_string("").has_value());
}

// ---------------------------------------------------------------------------------------------
// Built-in tables (numbers from docs/MODEL.md and docs/GENOME_FORMATS.md)

struct BuiltinExpectation {
  const char* name;
  const char* accession;
  const char* organism;
  std::uint64_t genome_length_bp;
  std::size_t genes, cds, rrna, trna, ncrna, tmrna, pseudo;
  std::uint64_t protein_aa;
};

class BuiltinGenome : public ::testing::TestWithParam<BuiltinExpectation> {};

TEST_P(BuiltinGenome, MatchesTheParameterTable) {
  const auto& x = GetParam();
  const GenomePtr g = bioxen::builtin_genome(x.name);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->name(), x.name);
  EXPECT_EQ(g->accession(), x.accession);
  EXPECT_EQ(g->organism(), x.organism);
  EXPECT_EQ(g->genome_length_bp(), x.genome_length_bp);
  EXPECT_EQ(g->size_kb(), (x.genome_length_bp + 999) / 1000);
  EXPECT_EQ(g->genes().size(), x.genes);
  EXPECT_EQ(g->cds_count(), x.cds);
  EXPECT_EQ(g->count(GeneType::cds), x.cds);
  EXPECT_EQ(g->count(GeneType::rrna), x.rrna);
  EXPECT_EQ(g->count(GeneType::trna), x.trna);
  EXPECT_EQ(g->count(GeneType::ncrna), x.ncrna);
  EXPECT_EQ(g->count(GeneType::tmrna), x.tmrna);
  EXPECT_EQ(g->count(GeneType::pseudogene), x.pseudo);
  EXPECT_EQ(g->total_protein_aa(), x.protein_aa);
  EXPECT_FALSE(g->has_essential_annotation());  // the tables carry no essential column
  // Provenance and licence lines travel with the data.
  EXPECT_THAT(g->source(), HasSubstr("source: "));
  EXPECT_THAT(g->source(), HasSubstr("license"));
  // Parsed once, then shared.
  EXPECT_EQ(bioxen::builtin_genome(x.name).get(), g.get());
}

TEST_P(BuiltinGenome, EmbeddedTableIsTheSourceTsv) {
  const auto& x = GetParam();
  const std::map<std::string, std::string> files = {{"syn3a", "syn3a.tsv"},
                                                    {"minimal_cell", "mgenitalium_g37.tsv"},
                                                    {"ecoli", "ecoli_k12_mg1655.tsv"}};
  const GenomePtr from_file = bioxen::load_genome_file(kSource / "src/genomes" / files.at(x.name));
  const GenomePtr built_in = bioxen::builtin_genome(x.name);
  EXPECT_EQ(from_file->genes(), built_in->genes());
  EXPECT_EQ(from_file->source(), built_in->source());
  EXPECT_EQ(from_file->genome_length_bp(), built_in->genome_length_bp());
}

INSTANTIATE_TEST_SUITE_P(
    ParameterTable, BuiltinGenome,
    ::testing::Values(BuiltinExpectation{"syn3a", "CP016816.2", "JCVI-syn3A", 543379, 496, 455, 6,
                                         29, 2, 1, 3, 158828},
                      BuiltinExpectation{"minimal_cell", "L43967.2", "Mycoplasma genitalium G37",
                                         580076, 515, 476, 3, 36, 0, 0, 0, 175532},
                      BuiltinExpectation{"ecoli", "NC_000913.3", "Escherichia coli K-12 MG1655",
                                         4641652, 4566, 4240, 22, 86, 71, 0, 147, 1324184}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(BuiltinGenomes, Names) {
  // The three published genomes, then their recoded variants (genetic codes).
  EXPECT_EQ(bioxen::builtin_genome_names(),
            (std::vector<std::string>{"syn3a", "minimal_cell", "ecoli", "syn3a_recoded",
                                      "minimal_cell_recoded", "ecoli_recoded"}));
}

TEST(BuiltinGenomes, UnknownNameListsTheValidOnes) {
  const auto e =
      expect_error(BioXenErrorCode::invalid_argument, [] { bioxen::builtin_genome("syn3"); });
  EXPECT_EQ(e.message(),
            "unknown built-in genome 'syn3'; valid names: syn3a, minimal_cell, ecoli, "
            "syn3a_recoded, minimal_cell_recoded, ecoli_recoded");
  EXPECT_EQ(e.details().at("name"), "syn3");
  EXPECT_EQ(e.details().at("valid").size(), 6u);
}

TEST(BuiltinGenomes, FirstUseFromManyThreadsSharesOneTemplate) {
  std::vector<const GenomeTemplate*> seen(8);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&seen, i] { seen[i] = bioxen::builtin_genome("minimal_cell").get(); });
  }
  for (auto& t : threads) t.join();
  for (const auto* p : seen) EXPECT_EQ(p, seen.front());
}

TEST(BuiltinGenomes, JsonSummary) {
  const nlohmann::json j = *bioxen::builtin_genome("syn3a");
  EXPECT_EQ(j.at("name"), "syn3a");
  EXPECT_EQ(j.at("genes"), 496);
  EXPECT_EQ(j.at("cds_count"), 455);
  EXPECT_EQ(j.at("total_protein_aa"), 158828);
  EXPECT_EQ(j.at("size_kb"), 544);
  EXPECT_EQ(j.at("gene_counts").at("tRNA"), 29);
  EXPECT_EQ(j.at("has_essential_annotation"), false);
  const nlohmann::json gene = bioxen::builtin_genome("syn3a")->genes().front();
  EXPECT_EQ(gene.at("locus_tag"), "JCVISYN3A_0001");
  EXPECT_EQ(gene.at("name"), "dnaA");
  EXPECT_EQ(gene.at("type"), "CDS");
  EXPECT_EQ(gene.at("strand"), "+");
  EXPECT_EQ(gene.at("protein_length_aa"), 450);
  EXPECT_TRUE(gene.at("essential").is_null());
}

// ---------------------------------------------------------------------------------------------
// Genetic codes: the tables, the built-ins against each host's code, recoded genomes

static_assert(bioxen::is_supported_translation_table(1));
static_assert(bioxen::is_supported_translation_table(4));
static_assert(bioxen::is_supported_translation_table(11));
static_assert(!bioxen::is_supported_translation_table(2));
static_assert(bioxen::default_translation_table == 11);
static_assert(bioxen::reads_uga_as_stop(11) && bioxen::reads_uga_as_stop(1));
static_assert(!bioxen::reads_uga_as_stop(4));
static_assert(bioxen::same_protein_reading(1, 11) && !bioxen::same_protein_reading(4, 11));
static_assert(bioxen::translation_table_name(11) == "Bacterial, Archaeal and Plant Plastid");
static_assert(bioxen::translation_table_name(3) == "unknown");

TEST(GeneticCodes, HostReadingTable) {
  const std::vector<std::uint32_t> ecoli{11}, both{1, 4}, none;
  EXPECT_EQ(bioxen::host_reading_table(11, ecoli), 11u);
  EXPECT_EQ(bioxen::host_reading_table(1, ecoli), 11u);  // the same proteins
  EXPECT_EQ(bioxen::host_reading_table(4, ecoli), 11u);  // another code: the host's first
  EXPECT_EQ(bioxen::host_reading_table(4, both), 4u);
  EXPECT_EQ(bioxen::host_reading_table(11, both), 1u);
  EXPECT_EQ(bioxen::host_reading_table(4, none), 0u);
}

struct CodeCase {
  const char* genome;
  std::vector<std::uint32_t> host;
  std::uint32_t guest_table, host_table;
  bool compatible;
  std::size_t truncated, extended;
};

TEST(GeneticCodes, BuiltinsAgainstTheHostsCodes) {
  const std::vector<CodeCase> cases = {
      // Mycoplasma genomes (UGA = Trp) on E. coli: proteins end at their in-frame UGAs.
      {"syn3a", {11}, 4, 11, false, 343, 0},
      {"minimal_cell", {11}, 4, 11, false, 341, 0},
      {"syn3a", {4}, 4, 4, true, 0, 0},
      // E. coli (UGA = stop) on a table-4 host: proteins ending in UGA read on.
      {"ecoli", {4}, 11, 4, false, 0, 1218},
      {"ecoli", {11}, 11, 11, true, 0, 0},
      {"ecoli", {1}, 11, 1, true, 0, 0},
      // Recoded genomes have no UGA left to read otherwise: every code makes their proteins.
      {"syn3a_recoded", {11}, 11, 11, true, 0, 0},
      {"syn3a_recoded", {4}, 11, 4, true, 0, 0},
      {"minimal_cell_recoded", {11}, 11, 11, true, 0, 0},
      {"ecoli_recoded", {4}, 4, 4, true, 0, 0},
      {"ecoli_recoded", {11}, 4, 11, true, 0, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(fmt::format("{} on {}", c.genome, fmt::join(c.host, ",")));
    const GenomePtr g = bioxen::builtin_genome(c.genome);
    const bioxen::GeneticCodeCheck r = bioxen::check_genetic_code(*g, c.host);
    EXPECT_EQ(g->translation_table(), c.guest_table);
    EXPECT_EQ(r.guest_table, c.guest_table);
    EXPECT_EQ(r.host_table, c.host_table);
    EXPECT_EQ(r.compatible, c.compatible);
    EXPECT_TRUE(r.lengths_known);
    EXPECT_EQ(r.truncated_proteins, c.truncated);
    EXPECT_EQ(r.extended_proteins, c.extended);
    EXPECT_EQ(r.affected_proteins(), c.truncated + c.extended);
    EXPECT_EQ(r.native_aa, g->total_protein_aa());
    if (c.truncated > 0) {
      EXPECT_LT(r.host_aa, r.native_aa);
    }
    if (c.extended > 0) {
      EXPECT_GT(r.host_aa, r.native_aa);
    }
    if (c.compatible) {
      EXPECT_EQ(r.host_aa, r.native_aa);
    }
  }
  EXPECT_EQ(bioxen::builtin_genome("syn3a")->other_code_proteins(), 343u);
}

TEST(GeneticCodes, RecodedGenomesMakeTheSameProteins) {
  EXPECT_EQ(bioxen::recoded_suffix(), "_recoded");
  for (const char* name : {"syn3a", "minimal_cell", "ecoli"}) {
    SCOPED_TRACE(name);
    const GenomePtr g = bioxen::builtin_genome(name);
    const GenomePtr r = bioxen::builtin_genome(std::string(name) + "_recoded");
    EXPECT_EQ(r, bioxen::builtin_genome(std::string(name) + "_recoded"));  // shared
    EXPECT_EQ(r->name(), std::string(name) + "_recoded");
    EXPECT_EQ(r->translation_table(), g->translation_table() == 4 ? 11u : 4u);
    EXPECT_THAT(r->organism(),
                HasSubstr(fmt::format("(recoded for table {})", r->translation_table())));
    EXPECT_EQ(r->accession(), g->accession());
    EXPECT_EQ(r->total_protein_aa(), g->total_protein_aa());
    EXPECT_EQ(r->other_code_proteins(), 0u);
    ASSERT_EQ(r->genes().size(), g->genes().size());
    for (std::size_t i = 0; i < g->genes().size(); ++i) {
      ASSERT_EQ(r->genes()[i].protein_length_aa, g->genes()[i].protein_length_aa);
      ASSERT_EQ(r->genes()[i].other_code_length_aa, std::nullopt);
    }
    EXPECT_THAT(r->source(), HasSubstr("recoded for translation table"));
  }
  const GenomePtr syn3a = bioxen::builtin_genome("syn3a");
  const GenomePtr for_yeast = bioxen::recoded_genome(syn3a, 1);
  EXPECT_EQ(for_yeast->translation_table(), 1u);
  EXPECT_TRUE(bioxen::check_genetic_code(*for_yeast, std::vector<std::uint32_t>{1}).compatible);
  expect_error(BioXenErrorCode::invalid_argument, [] { bioxen::recoded_genome(nullptr, 11); });
  const auto e =
      expect_error(BioXenErrorCode::invalid_argument, [&] { bioxen::recoded_genome(syn3a, 2); });
  EXPECT_EQ(e.message(),
            "recoded_genome: translation table 2 is not supported; supported: 1, 4, 11");
}

TEST(GeneticCodes, TsvTableAndOtherCodeLengths) {
  const std::string rows =
      "M1\ta\tp\tCDS\t1\t300\t+\t300\t99\t{}\ttrue\n"
      "M2\tb\tp\tCDS\t301\t600\t+\t300\t99\t\tfalse\n"
      "M3\tt\ttRNA-Trp\ttRNA\t601\t676\t+\t76\t\t\t\n";
  const std::string head =
      "# name: mito\n# translation_table: 4\n"
      "locus_tag\tgene_name\tproduct\ttype\tstart\tend\tstrand\tlength_bp\t"
      "protein_length_aa\tother_code_length_aa\tessential\n";
  const GenomePtr g =
      parse_text(&bioxen::parse_genome_tsv, head + fmt::format(fmt::runtime(rows), 40), "mito.tsv");
  EXPECT_EQ(g->translation_table(), 4u);
  EXPECT_TRUE(g->genetic_code().other_code_lengths);
  EXPECT_EQ(g->genes()[0].other_code_length_aa, 40u);
  EXPECT_EQ(g->genes()[1].other_code_length_aa, std::nullopt);  // UGA-free: the same protein
  EXPECT_EQ(g->genes()[0].essential, true);
  EXPECT_EQ(g->other_code_proteins(), 1u);
  EXPECT_EQ(g->other_code_protein_aa(), 40u + 99u);
  const auto c = bioxen::check_genetic_code(*g, std::vector<std::uint32_t>{11});
  EXPECT_FALSE(c.compatible);
  EXPECT_EQ(c.truncated_proteins, 1u);
  EXPECT_EQ(c.host_aa, 139u);
  EXPECT_EQ(g->protein_length_read_by(g->genes()[0], 11), 40u);
  EXPECT_EQ(g->protein_length_read_by(g->genes()[0], 4), 99u);

  // The optional columns may come in either order.
  const std::string swapped =
      "# translation_table: 4\n"
      "locus_tag\tgene_name\tproduct\ttype\tstart\tend\tstrand\tlength_bp\t"
      "protein_length_aa\tessential\tother_code_length_aa\n"
      "M1\ta\tp\tCDS\t1\t300\t+\t300\t99\ttrue\t40\n";
  EXPECT_EQ(
      parse_text(&bioxen::parse_genome_tsv, swapped, "s.tsv")->genes()[0].other_code_length_aa,
      40u);

  // Table 4 shortens a protein at a UGA; a length that is not shorter is an error.
  expect_error(BioXenErrorCode::genome_parse_error, [&] {
    parse_text(&bioxen::parse_genome_tsv, head + fmt::format(fmt::runtime(rows), 99), "mito.tsv");
  });
  // Without the column the proteins another code makes are unknown.
  const GenomePtr bare = parse_text(&bioxen::parse_genome_tsv,
                                    "# translation_table: 4\n"
                                    "locus_tag\tgene_name\tproduct\ttype\tstart\tend\tstrand\t"
                                    "length_bp\tprotein_length_aa\n"
                                    "M1\ta\tp\tCDS\t1\t300\t+\t300\t99\n",
                                    "bare.tsv");
  EXPECT_FALSE(bare->genetic_code().other_code_lengths);
  const auto unknown = bioxen::check_genetic_code(*bare, std::vector<std::uint32_t>{11});
  EXPECT_FALSE(unknown.compatible);
  EXPECT_FALSE(unknown.lengths_known);
  // Files that declare no table are table 11.
  EXPECT_EQ(bioxen::load_genome_file(kData / "tiny.tsv")->translation_table(), 11u);
  const auto e = expect_error(BioXenErrorCode::genome_parse_error, [] {
    parse_text(&bioxen::parse_genome_tsv, "# translation_table: 2\n", "t.tsv");
  });
  EXPECT_THAT(e.message(), HasSubstr("translation table 2 is not supported; supported: 1, 4, 11"));
}

TEST(GeneticCodes, GenomeFormatAndGff3DeclareTheTable) {
  const GenomePtr g = parse_text(&bioxen::parse_bioxen_genome,
                                 "# Organism: Testus\n# Translation table: 4\n"
                                 "1 300 300 + 1 T1 protein\n",
                                 "t.genome");
  EXPECT_EQ(g->translation_table(), 4u);
  EXPECT_FALSE(g->genetic_code().other_code_lengths);
  EXPECT_EQ(bioxen::load_genome_file(kData / "tiny.genome")->translation_table(), 11u);

  const std::string head = "##gff-version 3\n##sequence-region s1 1 1000\n";
  const auto cds = [](int n, const char* table) {
    const int start = 1 + (n - 1) * 300;
    return fmt::format(
        "s1\tt\tgene\t{0}\t{1}\t.\t+\t.\tID=g{2};locus_tag=g{2}\n"
        "s1\tt\tCDS\t{0}\t{1}\t.\t+\t0\tID=c{2};Parent=g{2};transl_table={3}\n",
        start, start + 299, n, table);
  };
  EXPECT_EQ(parse_text(&bioxen::parse_gff3, head + cds(1, "4") + cds(2, "4"), "a.gff3")
                ->translation_table(),
            4u);
  auto e = expect_error(BioXenErrorCode::genome_parse_error, [&] {
    parse_text(&bioxen::parse_gff3, head + cds(1, "4") + cds(2, "11"), "b.gff3");
  });
  EXPECT_THAT(e.message(), HasSubstr("table 11 differs from table 4 on line 4"));
  e = expect_error(BioXenErrorCode::genome_parse_error,
                   [&] { parse_text(&bioxen::parse_gff3, head + cds(1, "2"), "c.gff3"); });
  EXPECT_THAT(e.message(), HasSubstr("translation table 2 is not supported"));
}

// ---------------------------------------------------------------------------------------------
// GenomeTemplate validation (programmatic construction)

TEST(GenomeTemplateCtor, ComputesTotals) {
  const GenomeTemplate g(
      "t", "o", "A1", 1000, "src",
      {make_gene("a", GeneType::cds, 1, 300, 99, true), make_gene("b", GeneType::trna, 400, 76),
       make_gene("c", GeneType::cds, 500, 90, 29, false)});
  EXPECT_EQ(g.cds_count(), 2u);
  EXPECT_EQ(g.total_protein_aa(), 128u);
  EXPECT_TRUE(g.has_essential_annotation());
  EXPECT_EQ(g.essential_count(), 1u);
  EXPECT_EQ(g.size_kb(), 1u);
}

TEST(GenomeTemplateCtor, RejectsInconsistentGenes) {
  struct Case {
    std::function<void(Gene&)> change;
    const char* field;
    const char* reason;
  };
  const std::vector<Case> cases = {
      {[](Gene& g) { g.locus_tag = ""; }, "locus_tag", "non-empty"},
      {[](Gene& g) { g.locus_tag = "a b"; }, "locus_tag", "without spaces"},
      {[](Gene& g) { g.start = 0; }, "start", "1-based"},
      {[](Gene& g) { g.end = 0; }, "end", "before start"},
      {[](Gene& g) { g.end = 2000; }, "end", "beyond the genome length 1000"},
      {[](Gene& g) { g.length_bp = 5; }, "length_bp", "does not match end - start + 1 = 300"},
      {[](Gene& g) { g.strand = '.'; }, "strand", "'+' or '-'"},
      {[](Gene& g) { g.protein_length_aa = 0; }, "protein_length_aa", "> 0"},
      {[](Gene& g) { g.type = GeneType::rrna; }, "protein_length_aa", "only CDS"},
  };
  for (const auto& c : cases) {
    Gene g = make_gene("a", GeneType::cds, 1, 300, 99);
    c.change(g);
    const auto e = expect_error(BioXenErrorCode::genome_parse_error,
                                [&] { GenomeTemplate("t", "o", "", 1000, "", {g}); });
    EXPECT_EQ(e.details().at("field"), c.field) << e.what();
    EXPECT_THAT(e.message(), HasSubstr(c.reason));
    EXPECT_THAT(e.message(), StartsWith("genome 't': gene 1 ("));
  }
  const auto dup = expect_error(BioXenErrorCode::genome_parse_error, [] {
    GenomeTemplate("t", "o", "", 1000, "",
                   {make_gene("a", GeneType::trna, 1, 10), make_gene("a", GeneType::trna, 20, 10)});
  });
  EXPECT_EQ(dup.message(),
            "genome 't': gene 2 ('a'): field 'locus_tag': duplicate locus tag "
            "(also gene 1)");
  const auto empty = expect_error(BioXenErrorCode::genome_parse_error,
                                  [] { GenomeTemplate("t", "o", "", 1000, "", {}); });
  EXPECT_EQ(empty.details().at("field"), "genes");
  const auto zero = expect_error(BioXenErrorCode::genome_parse_error, [] {
    GenomeTemplate("t", "o", "", 0, "", {make_gene("a", GeneType::trna, 1, 10)});
  });
  EXPECT_EQ(zero.details().at("field"), "genome_length_bp");
}

// ---------------------------------------------------------------------------------------------
// TSV

TEST(TsvLoader, ReadsEveryColumn) {
  const GenomePtr g = bioxen::load_genome_file(kData / "tiny.tsv");
  EXPECT_EQ(g->name(), "tiny");
  EXPECT_EQ(g->organism(), "Testus minimus (synthetic test genome)");
  EXPECT_EQ(g->accession(), "TEST0001.1");
  EXPECT_EQ(g->genome_length_bp(), 20000u);
  ASSERT_EQ(g->genes().size(), 8u);
  EXPECT_EQ(g->cds_count(), 3u);
  EXPECT_EQ(g->total_protein_aa(), 450u + 199u + 1339u);
  EXPECT_TRUE(g->has_essential_annotation());
  EXPECT_EQ(g->essential_count(), 3u);
  const Gene& first = g->genes()[0];
  EXPECT_EQ(first.locus_tag, "TST_0001");
  EXPECT_EQ(first.name, "dnaA");
  EXPECT_EQ(first.product, "replication initiator");
  EXPECT_EQ(first.type, GeneType::cds);
  EXPECT_EQ(first.start, 1u);
  EXPECT_EQ(first.end, 1353u);
  EXPECT_EQ(first.strand, '+');
  EXPECT_EQ(first.length_bp, 1353u);
  EXPECT_EQ(first.protein_length_aa, 450u);
  EXPECT_EQ(first.essential, true);
  EXPECT_EQ(g->genes()[1].name, "");
  EXPECT_EQ(g->genes()[1].strand, '-');
  EXPECT_EQ(g->genes()[1].essential, false);
  EXPECT_EQ(g->genes()[3].essential, std::nullopt);
  EXPECT_EQ(g->genes()[4].type, GeneType::tmrna);
  EXPECT_EQ(g->genes()[4].protein_length_aa, 0u);
  EXPECT_EQ(g->genes()[6].type, GeneType::pseudogene);
  EXPECT_THAT(g->source(), HasSubstr("license: MIT"));
}

TEST(TsvLoader, AcceptsWindowsLineEndings) {
  std::string text = read_file(kData / "tiny.tsv");
  std::string crlf;
  for (const char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  const GenomePtr g = parse_text(&bioxen::parse_genome_tsv, crlf, "tiny_crlf.tsv");
  EXPECT_EQ(g->genes(), bioxen::load_genome_file(kData / "tiny.tsv")->genes());
}

TEST(TsvLoader, DefaultsWithoutMetadata) {
  const GenomePtr g = parse_text(&bioxen::parse_genome_tsv,
                                 "locus_tag\tgene_name\tproduct\ttype\tstart\tend\tstrand\t"
                                 "length_bp\tprotein_length_aa\n"
                                 "x1\t\t\ttRNA\t5\t80\t+\t76\t\n",
                                 "dir/plain.tsv");
  EXPECT_EQ(g->name(), "plain");
  EXPECT_EQ(g->organism(), "unknown");
  EXPECT_EQ(g->accession(), "");
  EXPECT_EQ(g->genome_length_bp(), 80u);  // no genome_length_bp line: the last gene end
  EXPECT_FALSE(g->has_essential_annotation());
}

const std::string kTsvHeader =
    "# genome_length_bp: 10000\n"
    "locus_tag\tgene_name\tproduct\ttype\tstart\tend\tstrand\tlength_bp\tprotein_length_aa\n";
const std::string kTsvGood = "g1\tabc\tsome protein\tCDS\t1\t300\t+\t300\t99\n";

/// Header (lines 1-2), a good row (line 3), then `row` on line 4.
void expect_tsv_row_error(const std::string& row, std::string_view field, std::string_view reason) {
  expect_parse_error(&bioxen::parse_genome_tsv, kTsvHeader + kTsvGood + row + "\n", "bad.tsv", 4,
                     field, reason);
}

TEST(TsvLoader, RowErrorsNameFileLineAndField) {
  expect_tsv_row_error("g2\tx\ty\tCDS\t1\t300\t+\t300", "columns",
                       "expected 9 tab-separated fields, found 8");
  expect_tsv_row_error("g2\tx\ty\tCDS\t1\t300\t+\t300\t99\ttrue", "columns",
                       "expected 9 tab-separated fields, found 10");
  expect_tsv_row_error("\tx\ty\tCDS\t1\t300\t+\t300\t99", "locus_tag", "non-empty");
  expect_tsv_row_error("g 2\tx\ty\tCDS\t1\t300\t+\t300\t99", "locus_tag", "without spaces");
  expect_tsv_row_error("g2\tx\ty\tmRNA\t1\t300\t+\t300\t99", "type",
                       "unknown gene type 'mRNA'; expected CDS, rRNA, tRNA, ncRNA, tmRNA or "
                       "pseudogene");
  expect_tsv_row_error("g2\tx\ty\tcds\t1\t300\t+\t300\t99", "type", "'cds'");
  expect_tsv_row_error("g2\tx\ty\tCDS\tone\t300\t+\t300\t99", "start",
                       "expected a non-negative integer, got 'one'");
  expect_tsv_row_error("g2\tx\ty\tCDS\t-5\t300\t+\t300\t99", "start", "got '-5'");
  expect_tsv_row_error("g2\tx\ty\tCDS\t+5\t300\t+\t300\t99", "start", "got '+5'");
  expect_tsv_row_error("g2\tx\ty\tCDS\t12x\t300\t+\t300\t99", "start", "got '12x'");
  expect_tsv_row_error("g2\tx\ty\tCDS\t 1\t300\t+\t300\t99", "start", "got ' 1'");
  expect_tsv_row_error("g2\tx\ty\tCDS\t1.0\t300\t+\t300\t99", "start", "got '1.0'");
  expect_tsv_row_error("g2\tx\ty\tCDS\t\t300\t+\t300\t99", "start", "got ''");
  expect_tsv_row_error("g2\tx\ty\tCDS\t99999999999999999999\t300\t+\t300\t99", "start",
                       "value '99999999999999999999' is out of range (at most "
                       "1000000000000)");
  expect_tsv_row_error("g2\tx\ty\tCDS\t0\t300\t+\t301\t99", "start", "1-based");
  expect_tsv_row_error("g2\tx\ty\tCDS\t300\t1\t+\t300\t99", "end", "end 1 is before start 300");
  expect_tsv_row_error("g2\tx\ty\tCDS\t9901\t10200\t+\t300\t99", "end",
                       "end 10200 is beyond the genome length 10000 bp");
  expect_tsv_row_error("g2\tx\ty\tCDS\t1\t300\t.\t300\t99", "strand",
                       "expected '+' or '-', got '.'");
  expect_tsv_row_error("g2\tx\ty\tCDS\t1\t300\t+\t299\t99", "length_bp",
                       "length 299 does not match end - start + 1 = 300");
  expect_tsv_row_error("g2\tx\ty\tCDS\t1\t300\t+\t300\t", "protein_length_aa",
                       "expected a non-negative integer, got ''");
  expect_tsv_row_error("g2\tx\ty\tCDS\t1\t300\t+\t300\t0", "protein_length_aa", "at least 1 aa");
  expect_tsv_row_error("g2\tx\ty\tCDS\t1\t300\t+\t300\t4294967296", "protein_length_aa",
                       "out of range (at most 4294967295)");
  expect_tsv_row_error("g2\tx\ty\ttRNA\t1\t300\t+\t300\t99", "protein_length_aa",
                       "only CDS have a protein length; leave it empty for type tRNA, got '99'");
  expect_tsv_row_error("g1\tx\ty\ttRNA\t1\t300\t+\t300\t", "locus_tag",
                       "duplicate locus tag 'g1' (first on line 3)");
}

TEST(TsvLoader, EssentialColumn) {
  const std::string header =
      "locus_tag\tgene_name\tproduct\ttype\tstart\tend\tstrand\tlength_bp\tprotein_length_aa\t"
      "essential\n";
  const GenomePtr g = parse_text(
      &bioxen::parse_genome_tsv,
      header + "a\t\t\ttRNA\t1\t76\t+\t76\t\ttrue\n" + "b\t\t\ttRNA\t100\t175\t+\t76\t\t\n",
      "e.tsv");
  EXPECT_EQ(g->genes()[0].essential, true);
  EXPECT_EQ(g->genes()[1].essential, std::nullopt);
  expect_parse_error(&bioxen::parse_genome_tsv, header + "a\t\t\ttRNA\t1\t76\t+\t76\t\tyes\n",
                     "e.tsv", 2, "essential", "expected true, false or empty, got 'yes'");
}

TEST(TsvLoader, HeaderAndMetadataErrors) {
  const std::string columns =
      "locus_tag\tgene_name\tproduct\ttype\tstart\tend\tstrand\tlength_bp\tprotein_length_aa\n";
  expect_parse_error(&bioxen::parse_genome_tsv, "# only a comment\n\n", "h.tsv", 2, "header",
                     "no header row; expected 'locus_tag gene_name product type start end "
                     "strand length_bp protein_length_aa'");
  expect_parse_error(&bioxen::parse_genome_tsv, "# x\nlocus_tag\tname\tproduct\n", "h.tsv", 2,
                     "header", "expected the header row");
  expect_parse_error(&bioxen::parse_genome_tsv,
                     "locus_tag\tgene_name\tproduct\ttype\tstart\tend\tstrand\tlength_bp\t"
                     "protein_length_aa\tnotes\n",
                     "h.tsv", 1, "header", "got 'locus_tag");
  expect_parse_error(&bioxen::parse_genome_tsv, "# genome_length_bp: 12kb\n" + columns, "h.tsv", 1,
                     "genome_length_bp", "expected a non-negative integer, got '12kb'");
  expect_parse_error(&bioxen::parse_genome_tsv, "# genome_length_bp: 0\n" + columns, "h.tsv", 1,
                     "genome_length_bp", "must be at least 1");
  expect_parse_error(&bioxen::parse_genome_tsv,
                     "# genome_length_bp: 10\n# genome_length_bp: 10\n" + columns, "h.tsv", 2,
                     "genome_length_bp", "given twice");
  expect_parse_error(&bioxen::parse_genome_tsv, "# accession:\n" + columns, "h.tsv", 1, "accession",
                     "must not be empty");
  expect_parse_error(&bioxen::parse_genome_tsv, "# c\n" + columns + "\n", "h.tsv", 3, "genes",
                     "no genes found");
  expect_parse_error(&bioxen::parse_genome_tsv, "", "empty.tsv", 0, "header", "no header row");
}

// ---------------------------------------------------------------------------------------------
// The original BioXen .genome format

TEST(BioXenGenomeLoader, ReadsTheFixture) {
  const GenomePtr g = bioxen::load_genome_file(kData / "tiny.genome");
  EXPECT_EQ(g->name(), "tiny");
  EXPECT_EQ(g->organism(), "Testus minimus T1");
  EXPECT_EQ(g->accession(), "TEST0001.1");
  EXPECT_EQ(g->genome_length_bp(), 20000u);
  ASSERT_EQ(g->genes().size(), 5u);
  const auto& genes = g->genes();
  EXPECT_EQ(genes[0].locus_tag, "TST_0001");
  EXPECT_EQ(genes[0].product, "replication initiator");
  EXPECT_EQ(genes[0].protein_length_aa, 450u);  // 1353 bp / 3 - 1 (stop codon)
  EXPECT_EQ(genes[0].essential, true);
  // Reverse-strand genes may be written end first; the coordinates come out ordered.
  EXPECT_EQ(genes[1].start, 1500u);
  EXPECT_EQ(genes[1].end, 2099u);
  EXPECT_EQ(genes[1].strand, '-');
  EXPECT_EQ(genes[1].product, "hypothetical   protein");
  EXPECT_EQ(genes[1].essential, false);
  EXPECT_EQ(genes[2].type, GeneType::rrna);
  EXPECT_EQ(genes[2].product, "");
  EXPECT_EQ(genes[3].type, GeneType::trna);
  EXPECT_EQ(genes[3].strand, '+');
  EXPECT_EQ(genes[4].protein_length_aa, 1339u);
  EXPECT_EQ(g->essential_count(), 3u);
}

TEST(BioXenGenomeLoader, ReadsTheExample) {
  const GenomePtr g = bioxen::load_genome_file(kSource / "examples/genomes/syn3a_first20.genome");
  EXPECT_EQ(g->genes().size(), 20u);
  EXPECT_EQ(g->organism(), "JCVI-syn3A");
  EXPECT_EQ(g->genome_length_bp(), 543379u);
  // The first 20 genes of the built-in table, with the same protein lengths.
  const auto& builtin = bioxen::builtin_genome("syn3a")->genes();
  for (std::size_t i = 0; i < 20; ++i) {
    EXPECT_EQ(g->genes()[i].locus_tag, builtin[i].locus_tag);
    EXPECT_EQ(g->genes()[i].protein_length_aa, builtin[i].protein_length_aa);
    EXPECT_EQ(g->genes()[i].start, builtin[i].start);
    EXPECT_EQ(g->genes()[i].strand, builtin[i].strand);
  }
}

TEST(BioXenGenomeLoader, TypeCodes) {
  const GenomePtr g = parse_text(&bioxen::parse_bioxen_genome,
                                 "1 76 76 1 0 a\n100 76 175 1 2 b\n200 76 275 1 3 c\n"
                                 "300 76 375 1 4 d\n400 76 475 1 5 e\n500 76 575 1 tmRNA f\n"
                                 "600 6 605 1 CDS g\n",
                                 "codes.genome");
  const std::vector<GeneType> expected = {GeneType::ncrna, GeneType::trna,       GeneType::rrna,
                                          GeneType::ncrna, GeneType::pseudogene, GeneType::tmrna,
                                          GeneType::cds};
  ASSERT_EQ(g->genes().size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(g->genes()[i].type, expected[i]);
  EXPECT_EQ(g->genes().back().protein_length_aa, 1u);
  EXPECT_EQ(g->organism(), "unknown");
  EXPECT_EQ(g->genome_length_bp(), 605u);
}

TEST(BioXenGenomeLoader, Errors) {
  const auto bad = [](const std::string& text, std::size_t line, std::string_view field,
                      std::string_view reason) {
    expect_parse_error(&bioxen::parse_bioxen_genome, text, "bad.genome", line, field, reason);
  };
  const std::string ok = "# Genome size: 1,000 bp\n1 300 300 1 1 g1 protein\n";  // lines 1-2
  bad(ok + "10 300", 3, "end", "missing; a gene line is 'start length end strand type gene_id");
  bad(ok + "10 91 100 1 1", 3, "gene_id", "found 5 fields");
  bad(ok + "x 91 100 1 1 g2", 3, "start", "expected a non-negative integer, got 'x'");
  bad(ok + "10 -91 100 1 1 g2", 3, "length", "got '-91'");
  bad(ok + "0 91 90 1 1 g2", 3, "start", "1-based");
  bad(ok + "10 90 100 1 1 g2", 3, "length", "length 90 does not match |end - start| + 1 = 91");
  bad(ok + "901 200 1100 1 1 g2", 3, "end", "end 1100 is beyond the genome length 1000 bp");
  bad(ok + "10 91 100 0 1 g2", 3, "strand", "unknown strand (0) is not supported");
  bad(ok + "10 91 100 2 1 g2", 3, "strand", "expected 1, -1, '+' or '-', got '2'");
  bad(ok + "10 91 100 1 7 g2", 3, "type", "unknown gene type '7'; expected a code 0-5");
  bad(ok + "10 5 14 1 1 g2", 3, "length", "a protein-coding gene of 5 bp is too short");
  bad(ok + "10 91 100 1 2 g1", 3, "locus_tag", "duplicate locus tag 'g1' (first on line 2)");
  bad("# Genome size: big\n", 1, "Genome size", "expected a positive number of base pairs");
  bad("# Genome size: 1,00\n", 1, "Genome size", "got '1,00'");
  bad("# Genome size: 0 bp\n", 1, "Genome size", "got '0 bp'");
  bad("# Total genes: 2\n" + ok, 1, "Total genes", "the header says 2 genes, the file has 1");
  bad("# Essential: g1, g9\n" + ok, 1, "Essential", "no gene has the id 'g9'");
  bad("# Organism: a\n# Organism: b\n", 2, "Organism", "given twice");
  bad("# only comments\n", 1, "genes", "no genes found");
}

// ---------------------------------------------------------------------------------------------
// GFF3

TEST(Gff3Loader, ReadsNcbiStyleFeatures) {
  const GenomePtr g = bioxen::load_genome_file(kData / "tiny.gff3");
  EXPECT_EQ(g->name(), "tiny");
  EXPECT_EQ(g->accession(), "TEST0001.1");
  EXPECT_EQ(g->organism(), "Testus minimus T1");
  EXPECT_EQ(g->genome_length_bp(), 20000u);  // ##sequence-region
  const auto& genes = g->genes();
  ASSERT_EQ(genes.size(), 9u);
  std::vector<std::string> tags;
  for (const auto& gene : genes) tags.push_back(gene.locus_tag);
  EXPECT_EQ(tags,
            (std::vector<std::string>{"TST_0001", "TST_0002", "TST_0003", "TST_0004", "TST_0005",
                                      "TST_0006", "TST_0007", "TST_0008", "TST_0009"}));
  // gene + CDS: name from gene=, product from the CDS (percent-decoded), essential= extension.
  EXPECT_EQ(genes[0].type, GeneType::cds);
  EXPECT_EQ(genes[0].name, "dnaA");
  EXPECT_EQ(genes[0].product, "replication initiator, chromosomal");
  EXPECT_EQ(genes[0].protein_length_aa, 450u);
  EXPECT_EQ(genes[0].essential, true);
  // A CDS in two pieces: lengths add up, (600 / 3) - 1.
  EXPECT_EQ(genes[1].protein_length_aa, 199u);
  EXPECT_EQ(genes[1].strand, '-');
  EXPECT_EQ(genes[1].start, 1500u);
  EXPECT_EQ(genes[1].end, 2099u);
  EXPECT_EQ(genes[2].type, GeneType::rrna);
  EXPECT_EQ(genes[2].name, "rrsA");
  EXPECT_EQ(genes[2].product, "16S ribosomal RNA");
  EXPECT_EQ(genes[3].type, GeneType::trna);
  // A product feature without a gene stands alone.
  EXPECT_EQ(genes[4].type, GeneType::tmrna);
  EXPECT_EQ(genes[4].name, "ssrA");
  // A gene line alone: its biotype (antisense_RNA -> ncRNA).
  EXPECT_EQ(genes[5].type, GeneType::ncrna);
  EXPECT_EQ(genes[6].type, GeneType::pseudogene);
  EXPECT_EQ(genes[6].protein_length_aa, 0u);
  EXPECT_EQ(genes[6].product, "remnant");
  EXPECT_EQ(genes[7].type, GeneType::cds);
  EXPECT_EQ(genes[7].protein_length_aa, 1339u);
  // protein_coding gene without CDS lines; locus tag from the ID without "gene:".
  EXPECT_EQ(genes[8].type, GeneType::cds);
  EXPECT_EQ(genes[8].protein_length_aa, 99u);
  EXPECT_EQ(g->total_protein_aa(), 450u + 199u + 1339u + 99u);
  // `#` comment lines are the provenance.
  EXPECT_EQ(
      g->source(),
      "A synthetic genome written for the BioXen tests (no biological meaning). License: MIT.");
}

TEST(Gff3Loader, ReadsEnsemblStyleFeatures) {
  const GenomePtr g = bioxen::load_genome_file(kData / "ensembl_style.gff3");
  ASSERT_EQ(g->genes().size(), 2u);
  const auto& a = g->genes()[0];
  EXPECT_EQ(a.locus_tag, "EN_001");
  EXPECT_EQ(a.name, "abcA");
  EXPECT_EQ(a.product, "a protein, putative");
  EXPECT_EQ(a.type, GeneType::cds);
  EXPECT_EQ(a.protein_length_aa, 99u);
  EXPECT_EQ(g->genes()[1].type, GeneType::trna);
  EXPECT_EQ(g->genes()[1].locus_tag, "EN_002");
  EXPECT_EQ(g->genome_length_bp(), 475u);  // no ##sequence-region: the last feature end
  EXPECT_EQ(g->accession(), "Chromosome");
}

/// The built-in syn3A table written as GFF3 (gene + CDS/RNA lines) reads back identically.
TEST(Gff3Loader, RoundTripsTheSyn3aTable) {
  const GenomePtr syn3a = bioxen::builtin_genome("syn3a");
  std::ostringstream out;
  out << "##gff-version 3\n##sequence-region CP016816.2 1 " << syn3a->genome_length_bp() << "\n";
  for (const Gene& g : syn3a->genes()) {
    const auto enc = [](const std::string& s) {
      std::string r;
      for (const char c : s) {
        if (c == ';' || c == '=' || c == '%' || c == '&' || c == ',') {
          static const char* hex = "0123456789ABCDEF";
          r += '%';
          r += hex[static_cast<unsigned char>(c) >> 4];
          r += hex[static_cast<unsigned char>(c) & 15];
        } else {
          r += c;
        }
      }
      return r;
    };
    const std::string loc = "CP016816.2\tTSV\t";
    const std::string span = "\t" + std::to_string(g.start) + "\t" + std::to_string(g.end) +
                             "\t.\t" + std::string(1, g.strand) + "\t";
    const bool pseudo = g.type == GeneType::pseudogene;
    out << loc << (pseudo ? "pseudogene" : "gene") << span << ".\tID=gene-" << g.locus_tag
        << ";locus_tag=" << g.locus_tag << (g.name.empty() ? "" : ";gene=" + enc(g.name)) << "\n";
    if (pseudo) continue;
    // syn3A's protein lengths are CDS length / 3 - 1 throughout.
    ASSERT_TRUE(g.type != GeneType::cds || g.protein_length_aa == g.length_bp / 3 - 1);
    // NCBI's CDS lines carry the genetic code (transl_table=4 for syn3A).
    const bool cds = g.type == GeneType::cds;
    out << loc << bioxen::to_string(g.type) << span << (cds ? "0" : ".") << "\tID=x-" << g.locus_tag
        << ";Parent=gene-" << g.locus_tag << (g.product.empty() ? "" : ";product=" + enc(g.product))
        << (cds ? ";transl_table=4" : "") << "\n";
  }
  const GenomePtr back = parse_text(&bioxen::parse_gff3, out.str(), "syn3a.gff3");
  ASSERT_EQ(back->genes().size(), syn3a->genes().size());
  for (std::size_t i = 0; i < back->genes().size(); ++i) {
    Gene expected = syn3a->genes()[i];
    if (expected.type == GeneType::pseudogene) expected.product.clear();  // no product line
    expected.other_code_length_aa.reset();  // GFF3 does not carry another code's lengths
    EXPECT_EQ(back->genes()[i], expected) << expected.locus_tag;
  }
  EXPECT_EQ(back->total_protein_aa(), 158828u);
  EXPECT_EQ(back->translation_table(), 4u);
  EXPECT_FALSE(back->genetic_code().other_code_lengths);
}

TEST(Gff3Loader, LineErrors) {
  const std::string head = "##gff-version 3\n##sequence-region s1 1 10000\n";     // lines 1-2
  const std::string gene = "s1\tt\tgene\t1\t300\t.\t+\t.\tID=g1;locus_tag=g1\n";  // line 3
  const auto bad = [&](const std::string& line4, std::string_view field, std::string_view reason) {
    expect_parse_error(&bioxen::parse_gff3, head + gene + line4 + "\n", "bad.gff3", 4, field,
                       reason);
  };
  bad("s1\tt\tCDS\t1\t300\t.\t+\t0", "columns", "expected 9 tab-separated columns, found 8");
  bad("s1 t CDS 1 300 . + 0 ID=c", "columns", "found 1");
  bad("\tt\tCDS\t1\t300\t.\t+\t0\tID=c", "seqid", "must not be empty");
  bad("s1\tt\t.\t1\t300\t.\t+\t0\tID=c", "type", "must not be empty");
  bad("s1\tt\tCDS\tx\t300\t.\t+\t0\tID=c", "start", "expected a non-negative integer, got 'x'");
  bad("s1\tt\tCDS\t0\t300\t.\t+\t0\tID=c", "start", "1-based");
  bad("s1\tt\tCDS\t1\t30a\t.\t+\t0\tID=c", "end", "got '30a'");
  bad("s1\tt\tCDS\t300\t1\t.\t+\t0\tID=c", "end", "end 1 is before start 300");
  bad("s1\tt\tCDS\t1\t300\thigh\t+\t0\tID=c", "score", "expected a number or '.', got 'high'");
  bad("s1\tt\tCDS\t1\t300\t.\tplus\t0\tID=c", "strand",
      "expected '+', '-', '.' or '?', got 'plus'");
  bad("s1\tt\tCDS\t1\t300\t.\t+\t3\tID=c", "phase", "expected 0, 1, 2 or '.', got '3'");
  bad("s1\tt\tCDS\t1\t300\t.\t+\t0\tID=c;product", "attributes",
      "expected key=value, got 'product'");
  bad("s1\tt\tCDS\t1\t300\t.\t+\t0\tID=c;product=a%2", "attributes", "bad percent escape '%2'");
  bad("s1\tt\tCDS\t1\t300\t.\t+\t0\tID=c;product=a%zz", "attributes", "bad percent escape");
  bad("s1\tt\tCDS\t1\t300\t.\t+\t0\tID=c;ID=d", "attributes", "attribute 'ID' is given twice");
  bad("s1\tt\tCDS\t1\t300\t.\t+\t0\tID=", "ID", "must not be empty");
  bad("s1\tt\tCDS\t1\t300\t.\t+\t0\tID=g1", "ID",
      "ID 'g1' is already used by a gene feature on s1 (line 3)");
  bad("##gff-version 2", "gff-version", "only GFF version 3 is supported");
  bad("##sequence-region s2 1", "sequence-region", "expected '##sequence-region seqid start end'");
  bad("##sequence-region s2 5 1", "sequence-region", "expected 1 <= start <= end, got 5 1");
  bad("##sequence-region s1 1 20000", "sequence-region",
      "'s1' is declared again with other bounds (first on line 2)");
}

TEST(Gff3Loader, StructureErrors) {
  const std::string head = "##gff-version 3\n##sequence-region s1 1 10000\n";  // lines 1-2
  const auto bad = [&](const std::string& body, std::size_t line, std::string_view field,
                       std::string_view reason) {
    expect_parse_error(&bioxen::parse_gff3, head + body, "bad.gff3", line, field, reason);
  };
  bad("s1\tt\tCDS\t1\t300\t.\t+\t0\tID=c;Parent=nowhere\n", 3, "Parent",
      "no feature has the ID 'nowhere'");
  bad("s1\tt\tmRNA\t1\t300\t.\t+\t.\tID=m1;Parent=m2\n"
      "s1\tt\tmRNA\t1\t300\t.\t+\t.\tID=m2;Parent=m1\n"
      "s1\tt\tCDS\t1\t300\t.\t+\t0\tID=c;Parent=m1\n",
      5, "Parent", "the Parent chain of 'c' forms a cycle");
  bad("s1\tt\tgene\t1\t300\t.\t+\t.\tID=g1\n", 3, "type",
      "gene 'g1' has no CDS, rRNA, tRNA, ncRNA or tmRNA feature and no usable gene_biotype "
      "(got none)");
  bad("s1\tt\tgene\t1\t300\t.\t+\t.\tID=g1;gene_biotype=other\n", 3, "type", "(got 'other')");
  bad("s1\tt\tgene\t1\t300\t.\t.\t.\tID=g1;gene_biotype=tRNA\n", 3, "strand",
      "a gene needs strand '+' or '-', got '.'");
  bad("s1\tt\tCDS\t1\t5\t.\t+\t0\tID=c\n", 3, "CDS", "a CDS of 5 bp is too short for a protein");
  bad("s1\tt\ttRNA\t1\t76\t.\t+\t.\tproduct=x\n", 3, "locus_tag",
      "the feature has neither a locus_tag nor an ID attribute");
  bad("s1\tt\ttRNA\t1\t76\t.\t+\t.\tID=a b\n", 3, "locus_tag", "without spaces, got 'a b'");
  bad("s1\tt\ttRNA\t1\t76\t.\t+\t.\tID=t1;essential=maybe\n", 3, "essential",
      "expected true or false, got 'maybe'");
  bad("s1\tt\ttRNA\t1\t76\t.\t+\t.\tID=t1\ns2\tt\ttRNA\t1\t76\t.\t+\t.\tID=t2\n", 4, "seqid",
      "genes on more than one sequence ('s1' from line 3, and 's2') are not supported");
  bad("s1\tt\ttRNA\t1\t76\t.\t+\t.\tID=t1\ns1\tt\trepeat_region\t9000\t10001\t.\t+\t.\t.\n", 4,
      "end", "end 10001 is beyond the end 10000 of sequence 's1' (line 2)");
  bad("s1\tt\ttRNA\t1\t76\t.\t+\t.\tlocus_tag=t1\ns1\tt\ttRNA\t100\t176\t.\t+\t.\tlocus_tag=t1\n",
      4, "locus_tag", "duplicate locus tag 't1' (first on line 3)");
  bad("s1\tt\trepeat_region\t1\t76\t.\t+\t.\t.\n", 3, "genes",
      "no gene, pseudogene, CDS, rRNA, tRNA, ncRNA or tmRNA feature found");
  bad("s1\tt\trepeat_region\t1\t76\t.\t+\t.\t.\n##FASTA\n>s1\nACGT\n", 4, "genes", "no gene");
}

// ---------------------------------------------------------------------------------------------
// Files

TEST(LoadGenomeFile, ChoosesTheParserByExtension) {
  const std::string tsv = read_file(kData / "tiny.tsv");
  const std::string gff = read_file(kData / "tiny.gff3");
  for (const char* name : {"x.TSV", "x.tsv"}) {
    const TempFile f(name, tsv);
    EXPECT_EQ(bioxen::load_genome_file(f.path())->genes().size(), 8u);
  }
  for (const char* name : {"x.gff", "x.GFF3", "x.gff3"}) {
    const TempFile f(name, gff);
    EXPECT_EQ(bioxen::load_genome_file(f.path())->genes().size(), 9u);
  }
}

TEST(LoadGenomeFile, ErrorsNameTheFile) {
  const auto unknown = expect_error(BioXenErrorCode::invalid_argument,
                                    [] { bioxen::load_genome_file("genes.txt"); });
  EXPECT_EQ(unknown.message(),
            "cannot tell the genome format of 'genes.txt' from its extension "
            "'.txt'; expected .genome, .tsv, .gff or .gff3");

  const TempFile f("present.tsv", "x");
  const fs::path missing = f.dir() / "missing.tsv";
  const auto io =
      expect_error(BioXenErrorCode::io_error, [&] { bioxen::load_genome_file(missing); });
  EXPECT_EQ(io.message(),
            "cannot read genome file '" + missing.string() + "': No such file or directory");
  EXPECT_EQ(io.details().at("file"), missing.string());

  const TempFile d("sub.gff3/inner", "");
  const auto dir = expect_error(BioXenErrorCode::io_error,
                                [&] { bioxen::load_genome_file(d.dir() / "sub.gff3"); });
  EXPECT_THAT(dir.message(), HasSubstr("it is a directory"));

  // Parse errors carry the path as given.
  const auto parse = expect_error(BioXenErrorCode::genome_parse_error,
                                  [&] { bioxen::load_genome_file(f.path()); });
  EXPECT_THAT(parse.message(), StartsWith(f.path().string() + ":1: field 'header': "));
}

TEST(LoadGenomeFile, BinaryJunkIsAnErrorNotACrash) {
  std::string junk;
  std::mt19937 rng(7);
  for (int i = 0; i < 4096; ++i) junk += static_cast<char>(rng() & 0xff);
  for (const Parser p :
       {&bioxen::parse_genome_tsv, &bioxen::parse_bioxen_genome, &bioxen::parse_gff3}) {
    try {
      parse_text(p, junk, "junk");
      ADD_FAILURE() << "junk parsed";
    } catch (const BioXenException& e) {
      EXPECT_EQ(e.code(), BioXenErrorCode::genome_parse_error);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Resident set

/// The rule of docs/MODEL.md section 3 (resident genes), written the obvious way.
std::vector<std::uint32_t> reference_resident(const GenomeTemplate& g, std::uint64_t memory_kb) {
  std::vector<std::uint32_t> order;
  const bool annotated = g.has_essential_annotation();
  for (int pass = 0; pass < 2; ++pass) {
    for (std::uint32_t i = 0; i < g.genes().size(); ++i) {
      const bool essential = annotated && g.genes()[i].essential.value_or(false);
      if ((pass == 0) == essential) order.push_back(i);
    }
  }
  std::vector<std::uint32_t> resident;
  std::uint64_t used = 0;
  for (const auto i : order) {
    if (used + g.genes()[i].length_bp <= memory_kb * 1000) {
      used += g.genes()[i].length_bp;
      resident.push_back(i);
    }
  }
  return resident;
}

GenomePtr random_genome(std::mt19937& rng, bool annotate) {
  std::uniform_int_distribution<int> count(1, 60), len(30, 3000), kind(0, 9), coin(0, 2);
  std::vector<Gene> genes;
  std::uint64_t pos = 1;
  const int n = count(rng);
  for (int i = 0; i < n; ++i) {
    const std::uint64_t length = static_cast<std::uint64_t>(len(rng));
    const bool cds = kind(rng) < 8;
    const std::uint32_t aa = cds ? static_cast<std::uint32_t>(length / 3 - 1) : 0;
    std::optional<bool> essential;
    if (annotate) essential = coin(rng) == 0;
    genes.push_back(make_gene("r" + std::to_string(i), cds ? GeneType::cds : GeneType::trna, pos,
                              length, aa, essential));
    pos += length + 5;
  }
  return std::make_shared<const GenomeTemplate>("random", "none", "", pos, "test", genes);
}

TEST(ResidentSet, WholeGenomeWhenMemorySuffices) {
  for (const auto& name : bioxen::builtin_genome_names()) {
    const GenomePtr g = bioxen::builtin_genome(name);
    const auto rs = bioxen::resident_set(g, g->size_kb());
    EXPECT_EQ(rs->genes.size(), g->genes().size()) << name;
    EXPECT_EQ(rs->cds.size(), g->cds_count());
    EXPECT_EQ(rs->cycle_aa(), g->total_protein_aa());
    EXPECT_EQ(rs->boot_proteins, g->cds_count());  // no essential annotation: all CDS boot
    EXPECT_EQ(rs->boot_aa, g->total_protein_aa());
    EXPECT_EQ(rs->genome, g);
    EXPECT_EQ(rs->memory_kb, g->size_kb());
    // No overflow of memory_kb * 1000.
    const auto huge = bioxen::resident_set(g, std::numeric_limits<std::uint64_t>::max());
    EXPECT_EQ(huge->genes, rs->genes);
  }
}

TEST(ResidentSet, RespectsTheMemoryCap) {
  const GenomePtr ecoli = bioxen::builtin_genome("ecoli");
  std::size_t previous = 0;
  for (const std::uint64_t kb : {0u, 1u, 2u, 100u, 512u, 1024u, 2048u, 4000u, 4642u}) {
    const auto rs = bioxen::resident_set(ecoli, kb);
    EXPECT_LE(rs->resident_bp, kb * 1000);
    std::uint64_t sum = 0;
    for (const auto i : rs->genes) sum += ecoli->genes()[i].length_bp;
    EXPECT_EQ(sum, rs->resident_bp);
    EXPECT_GE(rs->genes.size(), previous);
    previous = rs->genes.size();
    EXPECT_EQ(rs->genes, reference_resident(*ecoli, kb));
  }
  const auto none = bioxen::resident_set(ecoli, 0);
  EXPECT_TRUE(none->genes.empty());
  EXPECT_EQ(none->cycle_aa(), 0u);
  EXPECT_EQ(none->aa_prefix, std::vector<std::uint64_t>{0});
  EXPECT_EQ(none->proteins_completed(1000000), 0u);
  EXPECT_EQ(none->copies_of(0, 1000000), 0u);
  EXPECT_EQ(none->boot_aa, 0u);
  // The default: an E. coli guest under the 1,024 kb per-VM limit runs partly resident.
  const auto partial = bioxen::resident_set(ecoli, 1024);
  EXPECT_GT(partial->genes.size(), 1000u);
  EXPECT_LT(partial->genes.size(), ecoli->genes().size());
  const nlohmann::json j = *partial;
  EXPECT_EQ(j.at("resident_genes"), partial->genes.size());
  EXPECT_EQ(j.at("total_genes"), 4566);
  EXPECT_EQ(j.at("genome"), "ecoli");
}

TEST(ResidentSet, EssentialGenesFirstThenGenomeOrder) {
  const GenomePtr tiny = bioxen::load_genome_file(kData / "tiny.tsv");
  // Room for 5,500 bp: TST_0001 (1353), TST_0003 (1501) essential, TST_0008 (4020) essential
  // does not fit, then the rest in genome order while they fit.
  const auto rs = bioxen::resident_set(tiny, 5);
  std::vector<std::string> tags;
  for (const auto i : rs->genes) tags.push_back(tiny->genes()[i].locus_tag);
  EXPECT_EQ(tags, (std::vector<std::string>{"TST_0001", "TST_0003", "TST_0002", "TST_0004",
                                            "TST_0005", "TST_0006", "TST_0007"}));
  EXPECT_EQ(rs->resident_bp, 1353u + 1501u + 600u + 76u + 351u + 401u + 301u);
  // Boot proteins (resident essential CDS) lead the translation order.
  ASSERT_EQ(rs->cds.size(), 2u);
  EXPECT_EQ(tiny->genes()[rs->cds[0]].locus_tag, "TST_0001");
  EXPECT_EQ(rs->boot_proteins, 1u);
  EXPECT_EQ(rs->boot_aa, 450u);
  EXPECT_EQ(rs->aa_prefix, (std::vector<std::uint64_t>{0, 450, 649}));

  const auto big = bioxen::resident_set(tiny, 20);
  EXPECT_EQ(big->genes.size(), 8u);
  EXPECT_EQ(tiny->genes()[big->genes[2]].locus_tag, "TST_0008");
  EXPECT_EQ(big->boot_proteins, 2u);
  EXPECT_EQ(big->boot_aa, 450u + 1339u);
}

TEST(ResidentSet, MatchesTheReferenceOnRandomGenomes) {
  std::mt19937 rng(20240611);
  for (int round = 0; round < 300; ++round) {
    const GenomePtr g = random_genome(rng, round % 2 == 0);
    const std::uint64_t kb = std::uniform_int_distribution<std::uint64_t>(0, g->size_kb())(rng);
    const auto rs = bioxen::resident_set(g, kb);
    ASSERT_EQ(rs->genes, reference_resident(*g, kb)) << "round " << round;
    EXPECT_LE(rs->resident_bp, kb * 1000);
    // Every gene left out did not fit in what was left.
    std::set<std::uint32_t> in(rs->genes.begin(), rs->genes.end());
    for (std::uint32_t i = 0; i < g->genes().size(); ++i) {
      if (!in.count(i)) {
        EXPECT_GT(g->genes()[i].length_bp, kb * 1000 - rs->resident_bp);
      }
    }
    // Essential before non-essential in `genes`; boot CDS before the others in `cds`.
    bool seen_other = false;
    for (const auto i : rs->genes) {
      const bool e = g->genes()[i].essential.value_or(false);
      if (!e) seen_other = true;
      EXPECT_FALSE(e && seen_other);
    }
    for (std::size_t k = 0; k < rs->cds.size(); ++k) {
      const bool boot =
          !g->has_essential_annotation() || g->genes()[rs->cds[k]].essential.value_or(false);
      EXPECT_EQ(boot, k < rs->boot_proteins);
    }
  }
}

/// Translation simulated amino acid run by amino acid run: the counts copies_of and
/// proteins_completed must give.
TEST(ResidentSet, CountsAgreeWithASimulation) {
  std::mt19937 rng(99);
  for (int round = 0; round < 200; ++round) {
    const GenomePtr g = random_genome(rng, round % 3 == 0);
    const auto rs =
        bioxen::resident_set(g, std::uniform_int_distribution<std::uint64_t>(0, g->size_kb())(rng));
    const std::uint64_t cycle = rs->cycle_aa();
    const std::uint64_t total =
        std::uniform_int_distribution<std::uint64_t>(0, 4 * cycle + 10)(rng);
    std::vector<std::uint64_t> copies(rs->cds.size(), 0);
    std::uint64_t made = 0, completed = 0;
    // Proteins are made one after another in `cds` order, over and over.
    for (std::size_t k = 0; cycle > 0; k = (k + 1) % rs->cds.size()) {
      const std::uint64_t aa = g->genes()[rs->cds[k]].protein_length_aa;
      if (made + aa > total) break;
      made += aa;
      ++copies[k];
      ++completed;
    }
    ASSERT_EQ(rs->proteins_completed(total), completed) << "round " << round;
    for (std::size_t k = 0; k < rs->cds.size(); ++k) {
      ASSERT_EQ(rs->copies_of(k, total), copies[k]) << "round " << round << " protein " << k;
    }
    EXPECT_EQ(rs->copies_of(rs->cds.size(), total), 0u);  // out of range
  }
}

TEST(ResidentSet, EqualPairsShareOneObject) {
  const GenomePtr g = bioxen::builtin_genome("syn3a");
  const auto a = bioxen::resident_set(g, 300);
  const auto b = bioxen::resident_set(g, 300);
  EXPECT_EQ(a.get(), b.get());
  EXPECT_NE(bioxen::resident_set(g, 301).get(), a.get());
  EXPECT_NE(bioxen::resident_set(bioxen::builtin_genome("minimal_cell"), 300).get(), a.get());

  // A genome with equal content is another genome (the key is the pointer).
  const GenomePtr copy = std::make_shared<const GenomeTemplate>(*g);
  EXPECT_NE(bioxen::resident_set(copy, 300).get(), a.get());

  // Concurrent requests for one pair agree.
  std::vector<const bioxen::ResidentSet*> seen(8);
  std::vector<bioxen::ResidentSetPtr> keep(8);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&, i] {
      keep[i] = bioxen::resident_set(g, 123);
      seen[i] = keep[i].get();
    });
  }
  for (auto& t : threads) t.join();
  for (const auto* p : seen) EXPECT_EQ(p, seen.front());
}

TEST(ResidentSet, ReleasedSetsAreRecomputedAndTheCacheStaysSmall) {
  std::mt19937 rng(5);
  for (int i = 0; i < 2000; ++i) {
    const GenomePtr g = random_genome(rng, false);
    const auto rs = bioxen::resident_set(g, 1);
    EXPECT_EQ(rs->genome, g);  // never a set of a dead genome at a reused address
  }
  const GenomePtr g = bioxen::builtin_genome("syn3a");
  std::vector<std::uint32_t> genes;
  {
    const auto rs = bioxen::resident_set(g, 77);
    genes = rs->genes;
  }  // released: the cache holds it weakly
  const auto again = bioxen::resident_set(g, 77);
  EXPECT_EQ(again->genes, genes);
  EXPECT_EQ(again.use_count(), 1);
}

TEST(ResidentSet, NullGenomeIsAnError) {
  const auto e =
      expect_error(BioXenErrorCode::invalid_argument, [] { bioxen::resident_set(nullptr, 10); });
  EXPECT_THAT(e.message(), HasSubstr("must not be null"));
}

}  // namespace
