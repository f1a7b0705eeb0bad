// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// The holes coverage-guided fuzzing found in the readers, one test each: text that is not
// UTF-8, numbers JSON cannot hold, overflow after acceptance, JSON read too kindly, runs past
// the virtual clock. Each input is accepted-then-broken (or escaped as the wrong exception)
// without its fix; now it is a BioXenException of the input's code, naming where, and nothing
// changes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "api_test_support.hpp"
#include "bioxen/chassis.hpp"
#include "bioxen/config_manager.hpp"
#include "bioxen/error_details.hpp"
#include "bioxen/genome.hpp"
#include "bioxen/hypervisor.hpp"
#include "detail/text_io.hpp"
#include "engine_test_support.hpp"

namespace {

namespace fs = std::filesystem;
using bioxen::BioXenErrorCode;
using bioxen::BioXenException;
using bioxen_test::throws_bx_containing;
using nlohmann::json;
using ::testing::HasSubstr;

const fs::path genomes = fs::path(BIOXEN_TEST_DATA_DIR) / "genomes";

std::string read(const fs::path& p) { return bioxen_test::read_file(p); }

/// `text` with the first `from` replaced by `to`.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

/// `text` with every `from` replaced by `to`.
std::string replaced_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

/// The exception `fn` throws (a test failure when it throws none or another type).
template <class Fn>
BioXenException caught(Fn&& fn) {
  try {
    fn();
  } catch (const BioXenException& e) {
    return e;
  }
  ADD_FAILURE() << "did not throw a BioXenException";
  return BioXenException(BioXenErrorCode::invalid_argument, "none");
}

// "Testus minimus" with Latin-1 é (0xE9), as older annotation tools write.
const std::string latin1 = "caf\xe9";

// --- 1. Text that is not UTF-8 ----------------------------------------------------------------

TEST(Utf8, Latin1InAGenomeTsvIsRefusedNamingFileLineAndField) {
  const std::string tsv = read(genomes / "tiny.tsv");
  struct Case {
    std::string text;
    std::size_t line;
    std::string field;
  };
  for (const Case& c : {
           Case{replaced(tsv, "replication initiator", latin1 + " initiator"), 7, "product"},
           Case{replaced(tsv, "\tdnaA\t", "\t" + latin1 + "\t"), 7, "gene_name"},
           Case{replaced(tsv, "Testus minimus", "Testus " + latin1), 2, "organism"},
           Case{replaced(tsv, "# a comment among the rows", "# " + latin1), 11, "comment"},
       }) {
    std::istringstream in(c.text);
    const auto e = caught([&] { (void)bioxen::parse_genome_tsv(in, "latin1.tsv"); });
    EXPECT_EQ(e.code(), BioXenErrorCode::genome_parse_error);
    EXPECT_THAT(e.message(), HasSubstr("latin1.tsv:" + std::to_string(c.line) + ": field '" +
                                       c.field + "': not UTF-8 text: byte 0xe9"));
    EXPECT_EQ(e.details().at("field"), c.field);
    EXPECT_EQ(e.details().at("line"), c.line);
    EXPECT_NO_THROW((void)e.details().dump());
  }
}

TEST(Utf8, Latin1InGenomeAndGff3FilesIsRefused) {
  std::istringstream genome(
      replaced(read(genomes / "tiny.genome"), "replication initiator", latin1));
  const auto g = caught([&] { (void)bioxen::parse_bioxen_genome(genome, "t.genome"); });
  EXPECT_EQ(g.code(), BioXenErrorCode::genome_parse_error);
  EXPECT_THAT(g.message(), HasSubstr("t.genome:12:"));
  EXPECT_THAT(g.message(), HasSubstr("not UTF-8 text"));

  const std::string gff = read(genomes / "tiny.gff3");
  std::istringstream raw(replaced_all(gff, "product=split protein", "product=" + latin1));
  const auto a = caught([&] { (void)bioxen::parse_gff3(raw, "t.gff3"); });
  EXPECT_EQ(a.code(), BioXenErrorCode::genome_parse_error);
  EXPECT_THAT(a.message(), HasSubstr("t.gff3:9: field 'attributes': not UTF-8 text"));
  // Percent escapes may spell foreign bytes too: %E9 decodes to Latin-1 é.
  std::istringstream escaped(replaced_all(gff, "product=split protein", "product=caf%E9"));
  const auto b = caught([&] { (void)bioxen::parse_gff3(escaped, "t.gff3"); });
  EXPECT_EQ(b.code(), BioXenErrorCode::genome_parse_error);
  EXPECT_THAT(b.message(), HasSubstr("decode to text that is not UTF-8"));
  // UTF-8 itself is welcome, raw or escaped.
  std::istringstream utf8(replaced_all(gff, "product=split protein", "product=caf%C3%A9 \xc3\xa9"));
  EXPECT_EQ(bioxen::parse_gff3(utf8, "t.gff3")->genes()[1].product, "caf\xc3\xa9 \xc3\xa9");
}

TEST(Utf8, AGenomeBuiltInCxxMustBeUtf8) {
  bioxen::Gene g;
  g.locus_tag = "G1";
  g.product = latin1;
  g.start = 1;
  g.end = 300;
  g.length_bp = 300;
  g.protein_length_aa = 99;
  EXPECT_TRUE(throws_bx_containing([&] { bioxen::GenomeTemplate("t", "o", "a", 1000, "", {g}); },
                                   BioXenErrorCode::genome_parse_error,
                                   "field 'product': not UTF-8 text (byte 0xe9"));
  g.product = "ok";
  EXPECT_TRUE(throws_bx_containing([&] { bioxen::GenomeTemplate("t", latin1, "a", 1000, "", {g}); },
                                   BioXenErrorCode::genome_parse_error,
                                   "field 'organism': not UTF-8 text"));
}

// Before: accepted, then snapshot().dump() threw nlohmann::json::type_error 316.
TEST(Utf8, EveryAcceptedGenomeDumpsAsJson) {
  const std::string tsv = read(genomes / "tiny.tsv");
  std::istringstream in(replaced(tsv, "replication initiator", "caf\xc3\xa9 initiator"));
  const auto genome = bioxen::parse_genome_tsv(in, "utf8.tsv");
  bioxen::BioXenHypervisor hv;
  bioxen::ResourceAllocation r;
  r.allow_incompatible_code = true;
  hv.create_vm("vm1", genome, r);
  hv.start_vm("vm1");
  hv.run_quanta(3);
  const std::string text = hv.snapshot().dump();
  EXPECT_THAT(text, HasSubstr("caf\xc3\xa9 initiator"));
  EXPECT_NO_THROW((void)json(*genome).dump());
}

TEST(Utf8, ChassisStringsMustBeUtf8) {
  json j = {{"base", "ecoli"}, {"name", latin1}};
  EXPECT_TRUE(throws_bx_containing([&] { (void)bioxen::chassis_profile_from_json(j); },
                                   BioXenErrorCode::chassis_initialization_error,
                                   "key 'name' must be UTF-8 text (byte 0xe9 at position 4"));
  j = {{"base", "ecoli"}, {"metabolic_pathways", {"glycolysis", latin1}}};
  EXPECT_TRUE(throws_bx_containing([&] { (void)bioxen::chassis_profile_from_json(j); },
                                   BioXenErrorCode::chassis_initialization_error,
                                   "metabolic_pathways[1]"));
  bioxen::ChassisProfile p = bioxen::chassis_profile(bioxen::ChassisType::ecoli);
  p.citation = latin1;
  EXPECT_TRUE(throws_bx_containing([&] { bioxen::validate_chassis_profile(p); },
                                   BioXenErrorCode::chassis_initialization_error,
                                   "field 'citation' must be UTF-8 text"));
  EXPECT_TRUE(throws_bx_containing([&] { bioxen::BioXenHypervisor hv({}, p); },
                                   BioXenErrorCode::chassis_initialization_error, "citation"));
}

TEST(Utf8, SnapshotStringsMustBeUtf8AndAFailedRestoreChangesNothing) {
  bioxen::BioXenHypervisor hv;
  hv.create_vm("vm1", "syn3a_recoded");
  hv.start_vm("vm1");
  hv.run_quanta(2);
  const json before = hv.snapshot();
  json bad = before;
  bad["chassis"]["name"] = latin1;
  EXPECT_TRUE(throws_bx_containing([&] { hv.restore(bad); }, BioXenErrorCode::invalid_snapshot,
                                   "must be UTF-8 text"));
  EXPECT_EQ(hv.snapshot(), before);
}

TEST(Utf8, ExceptionTextIsAlwaysJson) {
  const BioXenException e(BioXenErrorCode::invalid_argument, "bad " + latin1,
                          {{"value", latin1}, {latin1, {latin1, 1}}});
  EXPECT_EQ(e.message(), "bad caf\\xe9");
  EXPECT_EQ(e.details().at("value"), "caf\\xe9");
  EXPECT_EQ(e.details().at("caf\\xe9").at(0), "caf\\xe9");
  EXPECT_NO_THROW((void)e.details().dump());
  // Valid UTF-8 is kept as it is.
  const BioXenException ok(BioXenErrorCode::invalid_argument, "caf\xc3\xa9", {{"v", "\xc3\xa9"}});
  EXPECT_EQ(ok.message(), "caf\xc3\xa9");
  EXPECT_EQ(ok.details().at("v"), "\xc3\xa9");
}

TEST(Utf8, AStringVariableMustBeUtf8) {
  bioxen_test::TempDir dir;
  bioxen_test::ScopedEnv env;
  env.set("BIOXEN_LOG_LEVEL", latin1);
  EXPECT_TRUE(
      throws_bx_containing([&] { bioxen::ProductionConfigManager m(dir.path() / "none.json"); },
                           BioXenErrorCode::invalid_configuration, "is not UTF-8 text"));
}

// --- 2. Numbers JSON cannot hold --------------------------------------------------------------

// Before: nlohmann::json::out_of_range (406) escaped the loaders.
TEST(JsonNumbers, OverflowingNumbersAreTheFilesError) {
  bioxen_test::TempDir dir;
  bioxen_test::ScopedEnv env;
  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir.path() / name, std::ios::binary) << text;
    return dir.path() / name;
  };
  const auto config = write("config.json", R"({"hypervisor_overhead": 1e400})");
  const auto e = caught([&] { bioxen::ProductionConfigManager m(config); });
  EXPECT_EQ(e.code(), BioXenErrorCode::invalid_configuration);
  EXPECT_THAT(e.message(), HasSubstr("config.json:1:"));
  EXPECT_THAT(e.message(), HasSubstr("number overflow parsing '1e400'"));
  const auto bare = write("bare.json", "1e309");
  EXPECT_TRUE(throws_bx_containing([&] { bioxen::ProductionConfigManager m(bare); },
                                   BioXenErrorCode::invalid_configuration, "number overflow"));
  const auto chassis = write("chassis.json", R"({"base": "ecoli", "atp_per_aa": -1e400})");
  EXPECT_TRUE(throws_bx_containing([&] { (void)bioxen::load_chassis_profile(chassis); },
                                   BioXenErrorCode::chassis_initialization_error,
                                   "number overflow"));
  const auto vm = write("vm.json", R"({"memory_kb": 1e999})");
  EXPECT_TRUE(throws_bx_containing([&] { (void)bioxen::ConfigManager::load_from_file(vm); },
                                   BioXenErrorCode::invalid_configuration, "number overflow"));
}

// --- 3. Overflow after acceptance -------------------------------------------------------------

json running_snapshot() {
  bioxen::BioXenHypervisor hv;
  hv.create_vm("vm1", "syn3a_recoded");
  hv.start_vm("vm1");
  hv.run_quanta(4);
  return hv.snapshot();
}

TEST(Overflow, SnapshotClockAndCountersAreBounded) {
  const json good = running_snapshot();
  bioxen::BioXenHypervisor hv;
  const json before = hv.snapshot();
  const auto refuses = [&](const std::function<void(json&)>& edit, const std::string& part) {
    json bad = good;
    edit(bad);
    EXPECT_TRUE(
        throws_bx_containing([&] { hv.restore(bad); }, BioXenErrorCode::invalid_snapshot, part));
    EXPECT_EQ(hv.snapshot(), before);
  };
  constexpr auto int64_max = std::numeric_limits<std::int64_t>::max();
  // The next quantum would overflow the clock.
  refuses([&](json& j) { j["clock_us"] = int64_max - 10; }, "clock_us");
  // quanta x quantum overflows inside the check itself: 2^62 x 100,000.
  refuses(
      [&](json& j) {
        j["quanta"] = std::uint64_t{1} << 62;
        j["clock_us"] = 0;
      },
      "clock_us");
  refuses([&](json& j) { j["vms"][0]["running_us"] = int64_max - 5; }, "running_us");
  refuses([&](json& j) { j["vms"][0]["active_us"] = int64_max; }, "active_us");
  refuses([&](json& j) { j["vms"][0]["amino_acids"] = 1e300; }, "amino_acids");
}

// Run to the clock's end (hour-long quanta, no VM: fast), snapshot there, restore: accepted,
// and no further quantum runs.
TEST(Overflow, AtTheClocksEndNoQuantumRuns) {
  bioxen::ProductionConfig cfg;
  cfg.scheduling_quantum_ms = 3'600'000;
  bioxen::BioXenHypervisor hv(cfg, bioxen::ChassisType::ecoli);
  const std::uint64_t fit = bioxen::max_virtual_time_us / 3'600'000'000LL;  // 277,777
  EXPECT_EQ(hv.run_quanta(fit), fit);
  const json at_end = hv.snapshot();
  bioxen::BioXenHypervisor other(cfg, bioxen::ChassisType::ecoli);
  other.restore(at_end);
  EXPECT_TRUE(throws_bx_containing([&] { other.run_scheduler(); },
                                   BioXenErrorCode::invalid_argument, "past its end"));
  EXPECT_TRUE(throws_bx_containing([&] { other.run_quanta(1); }, BioXenErrorCode::invalid_argument,
                                   "0 quanta are left"));
  EXPECT_EQ(other.snapshot(), at_end);
}

TEST(Overflow, ChassisNumbersAreBounded) {
  const auto refuses = [](const json& j, const std::string& part) {
    EXPECT_TRUE(throws_bx_containing([&] { (void)bioxen::chassis_profile_from_json(j); },
                                     BioXenErrorCode::chassis_initialization_error, part))
        << j.dump();
  };
  refuses({{"base", "ecoli"}, {"elongation_rate_aa_per_s", 1e308}},
          "key 'elongation_rate_aa_per_s' must be in [0, 100], got 1e+308");
  refuses({{"base", "ecoli"}, {"atp_supply_per_s", 1e308}}, "atp_supply_per_s");
  refuses({{"base", "ecoli"}, {"genome_space_kb", std::numeric_limits<std::uint64_t>::max()}},
          "key 'genome_space_kb' must be at most 1000000000");
  refuses({{"base", "ecoli"}, {"rna_polymerases", std::numeric_limits<std::uint32_t>::max()}},
          "key 'rna_polymerases' must be at most 1000000");
  refuses({{"base", "ecoli"}, {"atp_per_aa", 1e-300}}, "atp_per_aa");
  refuses({{"base", "ecoli"}, {"ribosome_spacing_nt", 1e-300}}, "ribosome_spacing_nt");
  // The bounds are far from every built-in chassis.
  for (auto type : bioxen::all_chassis_types) {
    EXPECT_NO_THROW(bioxen::validate_chassis_profile(bioxen::chassis_profile(type)));
  }
}

// At the bounds, the longest run is finite: amino acids stay within VmStatus' integer.
TEST(Overflow, ALongRunAtTheChassisBoundsStaysFinite) {
  json j = {
      {"base", "ecoli"},          {"physical_ribosomes", 1e7},   {"elongation_rate_aa_per_s", 100},
      {"atp_supply_per_s", 1e12}, {"protein_aa_per_cell", 1e13}, {"doubling_time_min", 60}};
  bioxen::ChassisProfile p;
  try {
    p = bioxen::chassis_profile_from_json(j);
  } catch (const BioXenException& e) {
    FAIL() << e.what();
  }
  bioxen::ProductionConfig cfg;
  cfg.scheduling_quantum_ms = 3'600'000;  // an hour a quantum: 277,777 quanta to the end
  bioxen::BioXenHypervisor hv(cfg, p);
  bioxen::ResourceAllocation r;
  r.allow_incompatible_code = true;
  hv.create_vm("vm1", "ecoli", r);
  hv.start_vm("vm1");
  hv.run_quanta(200);
  const auto st = hv.get_vm_status("vm1");
  EXPECT_GT(st.amino_acids, 0U);
  EXPECT_LT(static_cast<double>(st.amino_acids), 1e18);
}

TEST(Overflow, GenomeLengthIsBounded) {
  std::string tsv = read(genomes / "tiny.tsv");
  tsv = replaced(tsv, "# genome_length_bp: 20000", "# genome_length_bp: 18446744073709551615");
  std::istringstream in(tsv);
  EXPECT_TRUE(throws_bx_containing([&] { (void)bioxen::parse_genome_tsv(in, "big.tsv"); },
                                   BioXenErrorCode::genome_parse_error,
                                   "big.tsv:4: field 'genome_length_bp': value "
                                   "'18446744073709551615' is out of range (at most "
                                   "1000000000000)"));
  bioxen::Gene g;
  g.locus_tag = "G1";
  g.start = 1;
  g.end = 300;
  g.length_bp = 300;
  g.protein_length_aa = 99;
  EXPECT_TRUE(throws_bx_containing(
      [&] {
        bioxen::GenomeTemplate("t", "o", "a", std::numeric_limits<std::uint64_t>::max(), "", {g});
      },
      BioXenErrorCode::genome_parse_error, "'genome_length_bp': 18446744073709551615 is out of"));
}

// --- 5. JSON read too kindly ------------------------------------------------------------------

TEST(StrictJson, DuplicateKeysNulBytesAndOverflowAreErrors) {
  json out = 7;
  auto e = bioxen::detail::parse_json_text(R"({"a": {"b": [1, {"c": 1, "c": 2}]}})", out);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->reason, "duplicate key 'a.b[1].c'");
  EXPECT_FALSE(e->position.has_value());
  EXPECT_EQ(out, 7);  // unchanged
  e = bioxen::detail::parse_json_text(std::string("{\"a\": 1}\n\0junk", 14), out);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->reason, "a NUL byte (JSON text cannot hold one)");
  ASSERT_TRUE(e->position.has_value());
  EXPECT_EQ(e->position->line, 2U);
  EXPECT_EQ(e->position->column, 1U);
  e = bioxen::detail::parse_json_text("[1, 2e400]", out);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->reason, "number overflow parsing '2e400'");
  // The same key in two objects is fine, and so is everything valid.
  EXPECT_FALSE(bioxen::detail::parse_json_text(R"([{"a": 1}, {"a": 2}, {"b": {"a": 3}}])", out));
  EXPECT_EQ(out.at(2).at("b").at("a"), 3);
}

TEST(StrictJson, EveryFileReaderUsesIt) {
  bioxen_test::TempDir dir;
  bioxen_test::ScopedEnv env;
  const auto file = dir.path() / "dup.json";
  std::ofstream(file) << R"({"max_vms": 2, "max_vms": 40})";
  EXPECT_TRUE(throws_bx_containing([&] { bioxen::ProductionConfigManager m(file); },
                                   BioXenErrorCode::invalid_configuration,
                                   "dup.json: malformed JSON: duplicate key 'max_vms'"));
  EXPECT_TRUE(throws_bx_containing([&] { (void)bioxen::ConfigManager::load_from_file(file); },
                                   BioXenErrorCode::invalid_configuration, "duplicate key"));
  EXPECT_TRUE(throws_bx_containing([&] { (void)bioxen::load_chassis_profile(file); },
                                   BioXenErrorCode::chassis_initialization_error, "duplicate key"));
}

// --- 6. Runs past the clock -------------------------------------------------------------------

TEST(Clock, ARunPastTheClocksEndIsRefusedBeforeItStarts) {
  bioxen::BioXenHypervisor hv;
  hv.create_vm("vm1", "syn3a_recoded");
  hv.start_vm("vm1");
  const json before = hv.snapshot();
  const auto left = static_cast<std::uint64_t>(bioxen::max_virtual_time_us / 100'000);
  const auto e = caught([&] { hv.run_quanta(left + 1); });
  EXPECT_EQ(e.code(), BioXenErrorCode::invalid_argument);
  EXPECT_EQ(e.details().at("quanta_left"), left);
  EXPECT_EQ(hv.quanta_left(), left);
  EXPECT_EQ(hv.snapshot(), before);  // nothing ran
  EXPECT_TRUE(
      throws_bx_containing([&] { hv.run_quanta(std::numeric_limits<std::uint64_t>::max()); },
                           BioXenErrorCode::invalid_argument, "past its end"));
  EXPECT_TRUE(throws_bx_containing(
      [&] { hv.run_for(std::chrono::microseconds(std::numeric_limits<std::int64_t>::max())); },
      BioXenErrorCode::invalid_argument, "past its end"));
  EXPECT_EQ(hv.snapshot(), before);
}

// --- 4. Silent changes of meaning -------------------------------------------------------------

TEST(Meaning, ProductionConfigRefusesXcpngSecrets) {
  bioxen_test::TempDir dir;
  bioxen_test::ScopedEnv env;
  const auto file = dir.path() / "c.json";
  std::ofstream(file) << R"({"xcpng_config": {"password": "hunter2"}})";
  const auto e = caught([&] { bioxen::ProductionConfigManager m(file); });
  EXPECT_EQ(e.code(), BioXenErrorCode::invalid_configuration);
  EXPECT_THAT(e.message(), HasSubstr("unknown key 'xcpng_config'"));
  EXPECT_THAT(e.message(), ::testing::Not(HasSubstr("hunter2")));
}

}  // namespace
