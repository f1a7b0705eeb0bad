// Tests of ConfigManager: the original library's per-type defaults, VM configuration validation
// (basic and xcpng), merging, and loading VM configuration files.
#include <fmt/format.h>

#include <bioxen/error_details.hpp>
#include "api_test_support.hpp"
#include "bioxen/config_manager.hpp"

namespace {

using bioxen::BioXenErrorCode;
using bioxen::ConfigManager;
using bioxen_test::expect_bioxen_error;
using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

json xcpng_config() {
  return {{"xcpng_config",
           {{"xapi_url", "https://xenserver:443"},
            {"username", "root"},
            {"password", "s3cr3t-pw"},
            {"ssh_user", "bioxen"}}}};
}

// ----- load_defaults -------------------------------------------------------------------

TEST(ConfigManagerDefaults, Syn3aHasTheOriginalLimitsAndFlags) {
  const json d = ConfigManager::load_defaults("syn3a");
  EXPECT_EQ(d.at("resource_limits"), (json{{"max_atp", 70.0}, {"max_ribosomes", 15}}));
  EXPECT_EQ(d.at("genome_optimization"), true);
  EXPECT_EQ(d.at("minimal_mode"), true);
  EXPECT_EQ(d.at("genome"), "syn3a");
  EXPECT_EQ(d.at("memory_kb"), 544);  // 543,379 bp
  EXPECT_EQ(d.at("priority"), 1);
}

TEST(ConfigManagerDefaults, EcoliHasTheOriginalLimitsAndFlags) {
  const json d = ConfigManager::load_defaults("ecoli");
  EXPECT_EQ(d.at("resource_limits"), (json{{"max_atp", 90.0}, {"max_ribosomes", 30}}));
  EXPECT_EQ(d.at("operon_management"), true);
  EXPECT_EQ(d.at("plasmid_support"), true);
  EXPECT_EQ(d.at("genome"), "ecoli");
  EXPECT_EQ(d.at("memory_kb"), 1024);  // 4,642 kb capped at max_memory_kb
}

TEST(ConfigManagerDefaults, MinimalCellHasTheOriginalLimitsAndFlags) {
  const json d = ConfigManager::load_defaults("minimal_cell");
  EXPECT_EQ(d.at("resource_limits"), (json{{"max_atp", 60.0}, {"max_ribosomes", 12}}));
  EXPECT_EQ(d.at("basic_functions_only"), true);
  EXPECT_EQ(d.at("function_validation"), true);
  EXPECT_EQ(d.at("genome"), "minimal_cell");
  EXPECT_EQ(d.at("memory_kb"), 581);  // 580,076 bp
}

TEST(ConfigManagerDefaults, MemoryIsCappedByTheConfig) {
  bioxen::ProductionConfig cfg;
  cfg.max_memory_kb = 500;
  EXPECT_EQ(ConfigManager::load_defaults("syn3a", cfg).at("memory_kb"), 500);
  cfg.max_memory_kb = 8192;
  EXPECT_EQ(ConfigManager::load_defaults("ecoli", cfg).at("memory_kb"), 4642);
}

TEST(ConfigManagerDefaults, DefaultsAreValidConfigsOfBothKinds) {
  for (const char* type : {"syn3a", "ecoli", "minimal_cell"}) {
    EXPECT_TRUE(ConfigManager::validate_config(ConfigManager::load_defaults(type), "basic"));
    EXPECT_TRUE(ConfigManager::validate_config(
        ConfigManager::merge_configs(ConfigManager::load_defaults(type), xcpng_config()), "xcpng"));
  }
}

TEST(ConfigManagerDefaults, UnknownBiologicalTypeIsAnError) {
  const auto e = expect_bioxen_error(BioXenErrorCode::invalid_argument,
                                     [] { ConfigManager::load_defaults("plant"); });
  EXPECT_STREQ(e.what(),
               "[BX011] unsupported biological type 'plant' (supported: syn3a, ecoli, "
               "minimal_cell)");
  EXPECT_EQ(e.details().at("biological_type"), "plant");
}

TEST(ConfigManagerDefaults, GetDefaultConfigIsACompleteVmConfig) {
  const json d = ConfigManager::get_default_config();
  EXPECT_EQ(d.at("biological_type"), "syn3a");
  EXPECT_EQ(d.at("vm_type"), "basic");
  EXPECT_EQ(d.at("resource_limits").at("max_ribosomes"), 15);
  EXPECT_TRUE(ConfigManager::validate_config(d, "basic"));
  const json e = ConfigManager::get_default_config("ecoli", "xcpng");
  EXPECT_EQ(e.at("vm_type"), "xcpng");
  EXPECT_FALSE(ConfigManager::validate_config(e, "xcpng"));  // still needs credentials
  const auto err = expect_bioxen_error(BioXenErrorCode::invalid_argument,
                                       [] { ConfigManager::get_default_config("ecoli", "kvm"); });
  EXPECT_STREQ(err.what(), "[BX011] unsupported vm type 'kvm' (supported: basic, xcpng)");
}

// ----- validate_config / check_config --------------------------------------------------

TEST(ConfigManagerValidate, BasicAcceptsFreeFormConfigs) {
  EXPECT_TRUE(ConfigManager::validate_config(json::object(), "basic"));
  EXPECT_TRUE(ConfigManager::validate_config(json(nullptr), "basic"));
  EXPECT_TRUE(ConfigManager::validate_config(json{{"k", 1}}, "basic"));  // the user's own key
  EXPECT_TRUE(ConfigManager::validate_config(
      json{{"ribosomes", 20}, {"atp_percentage", 25.0}, {"priority", 5}, {"memory_kb", 512}},
      "basic"));
}

TEST(ConfigManagerValidate, XcpngNeedsTheFourCredentials) {
  EXPECT_TRUE(ConfigManager::validate_config(xcpng_config(), "xcpng"));
  EXPECT_FALSE(ConfigManager::validate_config(json::object(), "xcpng"));
  EXPECT_FALSE(ConfigManager::validate_config(json(nullptr), "xcpng"));
  for (const char* field : {"xapi_url", "username", "password", "ssh_user"}) {
    json c = xcpng_config();
    c["xcpng_config"].erase(field);
    EXPECT_FALSE(ConfigManager::validate_config(c, "xcpng")) << field;
    const auto e = expect_bioxen_error(BioXenErrorCode::invalid_configuration,
                                       [&] { ConfigManager::check_config(c, "xcpng"); });
    EXPECT_EQ(e.message(), fmt::format("vm type 'xcpng' requires a config with "
                                       "xcpng_config.{{xapi_url, username, password, ssh_user}}; "
                                       "missing: {}",
                                       field));
    EXPECT_EQ(e.details().at("missing"), json::array({field}));
  }
  const auto e = expect_bioxen_error(BioXenErrorCode::invalid_configuration,
                                     [] { ConfigManager::check_config(json::object(), "xcpng"); });
  EXPECT_THAT(e.message(), HasSubstr("missing: xapi_url, username, password, ssh_user"));
}

TEST(ConfigManagerValidate, XcpngErrorsNeverShowThePassword) {
  json c = xcpng_config();
  c["xcpng_config"]["xapi_url"] = "ftp://host";
  auto e = expect_bioxen_error(BioXenErrorCode::invalid_configuration,
                               [&] { ConfigManager::check_config(c, "xcpng"); });
  EXPECT_EQ(e.message(),
            "invalid VM configuration for vm type 'xcpng': key 'xcpng_config.xapi_url': must "
            "start with https:// or http://");
  EXPECT_THAT(e.what(), Not(HasSubstr("s3cr3t")));
  EXPECT_THAT(e.details().dump(), Not(HasSubstr("s3cr3t")));

  c = xcpng_config();
  c["xcpng_config"]["password"] = "";
  e = expect_bioxen_error(BioXenErrorCode::invalid_configuration,
                          [&] { ConfigManager::check_config(c, "xcpng"); });
  EXPECT_EQ(e.message(),
            "invalid VM configuration for vm type 'xcpng': key 'xcpng_config.password': must not "
            "be empty");

  c = xcpng_config();
  c["xcpng_config"]["password"] = 12345678;
  e = expect_bioxen_error(BioXenErrorCode::invalid_configuration,
                          [&] { ConfigManager::check_config(c, "xcpng"); });
  EXPECT_EQ(e.message(),
            "invalid VM configuration for vm type 'xcpng': key 'xcpng_config.password': expected "
            "a string, got an integer");
  EXPECT_THAT(e.what(), Not(HasSubstr("12345678")));

  c = xcpng_config();
  c["xcpng_config"]["pasword"] = "s3cr3t-pw";
  e = expect_bioxen_error(BioXenErrorCode::invalid_configuration,
                          [&] { ConfigManager::check_config(c, "xcpng"); });
  EXPECT_EQ(e.message(),
            "invalid VM configuration for vm type 'xcpng': unknown key 'xcpng_config.pasword' "
            "(did you mean 'xcpng_config.password'?)");
  EXPECT_THAT(e.details().dump(), Not(HasSubstr("s3cr3t")));
}

TEST(ConfigManagerValidate, UnknownVmTypeIsInvalid) {
  EXPECT_FALSE(ConfigManager::validate_config(json::object(), "kvm"));
  const auto e = expect_bioxen_error(BioXenErrorCode::invalid_configuration,
                                     [] { ConfigManager::check_config(json::object(), "kvm"); });
  EXPECT_EQ(e.message(),
            "invalid VM configuration for vm type 'kvm': unsupported vm type 'kvm' (supported: "
            "basic, xcpng)");
}

TEST(ConfigManagerValidate, EveryKnownKeyIsTypeAndRangeChecked) {
  const std::vector<std::pair<json, std::string>> cases = {
      {json::array(), "expected a JSON object, got an array"},
      {{{"ribosomes", -1}}, "key 'ribosomes': -1 is out of range [0, 2147483647]"},
      {{{"ribosomes", 3000000000}}, "key 'ribosomes': 3000000000 is out of range [0, 2147483647]"},
      {{{"priority", 18446744073709551615u}},
       "key 'priority': 18446744073709551615 is out of range [1, 5]"},
      {{{"memory_kb", -5}}, "key 'memory_kb': -5 is out of range [0, 9223372036854775807]"},
      {{{"ribosomes", "20"}}, "key 'ribosomes': expected a non-negative integer, got a string"},
      {{{"rna_polymerase", 1.5}},
       "key 'rna_polymerase': expected a non-negative integer, got a number with a fraction"},
      {{{"memory_kb", 0}}, "key 'memory_kb': must be at least 1 kb"},
      {{{"priority", 0}}, "key 'priority': 0 is out of range [1, 5]"},
      {{{"priority", 6}}, "key 'priority': 6 is out of range [1, 5]"},
      {{{"priority", "high"}}, "key 'priority': expected an integer, got a string"},
      {{{"atp_percentage", 150}}, "key 'atp_percentage': 150 is out of range [0, 100]"},
      {{{"atp_percentage", true}}, "key 'atp_percentage': expected a number, got a boolean"},
      {{{"genome", "plant"}}, "key 'genome': unknown built-in genome (built-in: "},
      {{{"biological_type", "plant"}},
       "key 'biological_type': unsupported biological type "
       "(supported: syn3a, ecoli, minimal_cell)"},
      {{{"vm_type", "xcpng"}},
       "key 'vm_type': names vm type 'xcpng' but the VM is of type "
       "'basic'"},
      {{{"resource_limits", 5}}, "key 'resource_limits': expected an object, got an integer"},
      {{{"resource_limits", {{"max_atp", 101}}}},
       "key 'resource_limits.max_atp': 101 is out of range [0, 100]"},
      {{{"resource_limits", {{"max_ribosomes", -2}}}},
       "key 'resource_limits.max_ribosomes': -2 is out of range [0, 2147483647]"},
      {{{"xcpng_config", {{"vm_vcpus", 0}}}},
       "key 'xcpng_config.vm_vcpus': 0 is out of range [1, 1024]"},
      {{{"resource_limits", {{"max_ribosome", 3}}}},
       "unknown key 'resource_limits.max_ribosome' (did you mean 'resource_limits.max_ribosomes'"
       "?)"},
      {{{"resource_limits", {{"colour", 3}}}},
       "unknown key 'resource_limits.colour' (valid keys: max_atp, max_ribosomes)"},
      {{{"minimal_mode", "yes"}}, "key 'minimal_mode': expected a boolean, got a string"},
      {{{"ribosome", 20}}, "unknown key 'ribosome' (did you mean 'ribosomes'?)"},
      {{{"priorty", 2}}, "unknown key 'priorty' (did you mean 'priority'?)"},
  };
  for (const auto& item : cases) {
    const json& config = item.first;  // a plain reference: lambdas may capture it (clang 14)
    const std::string& message = item.second;
    EXPECT_FALSE(ConfigManager::validate_config(config, "basic")) << config.dump();
    const auto e = expect_bioxen_error(BioXenErrorCode::invalid_configuration,
                                       [&] { ConfigManager::check_config(config, "basic"); });
    EXPECT_THAT(e.message(), HasSubstr("invalid VM configuration for vm type 'basic': " + message))
        << config.dump();
  }
}

// ----- merge_configs -------------------------------------------------------------------

TEST(ConfigManagerMerge, OverrideWinsAndObjectsMergeDeeply) {
  const json base = ConfigManager::load_defaults("syn3a");
  const json merged = ConfigManager::merge_configs(
      base, {{"resource_limits", {{"max_atp", 50.0}}}, {"priority", 3}, {"extra", "x"}});
  EXPECT_EQ(merged.at("resource_limits"), (json{{"max_atp", 50.0}, {"max_ribosomes", 15}}));
  EXPECT_EQ(merged.at("priority"), 3);
  EXPECT_EQ(merged.at("extra"), "x");
  EXPECT_EQ(merged.at("minimal_mode"), true);
  EXPECT_EQ(base.at("priority"), 1);  // inputs untouched
}

TEST(ConfigManagerMerge, NonObjectsReplace) {
  EXPECT_EQ(ConfigManager::merge_configs({{"a", {{"b", 1}}}}, {{"a", 2}}), (json{{"a", 2}}));
  EXPECT_EQ(ConfigManager::merge_configs({{"a", 1}}, json(nullptr)), (json{{"a", 1}}));
  EXPECT_EQ(ConfigManager::merge_configs({{"a", 1}}, json::object()), (json{{"a", 1}}));
  EXPECT_EQ(ConfigManager::merge_configs(json::array({1}), json::array({2})), json::array({2}));
}

// ----- load_from_file ------------------------------------------------------------------

TEST(ConfigManagerFile, LoadsAJsonObject) {
  bioxen_test::TempDir dir;
  const auto p = dir.write("vm.json", R"({"priority": 2, "resource_limits": {"max_atp": 40}})");
  const json j = ConfigManager::load_from_file(p);
  EXPECT_EQ(j.at("priority"), 2);
  EXPECT_TRUE(ConfigManager::validate_config(j, "basic"));
}

TEST(ConfigManagerFile, MissingFileIsAnIoError) {
  bioxen_test::TempDir dir;
  const auto p = dir / "absent.json";
  const auto e =
      expect_bioxen_error(BioXenErrorCode::io_error, [&] { ConfigManager::load_from_file(p); });
  EXPECT_EQ(e.message(), fmt::format("cannot read VM configuration file '{}': No such file or "
                                     "directory",
                                     p.string()));
  EXPECT_EQ(e.details().at("file"), p.string());
}

TEST(ConfigManagerFile, DirectoryIsAnIoError) {
  bioxen_test::TempDir dir;
  const auto e = expect_bioxen_error(BioXenErrorCode::io_error,
                                     [&] { ConfigManager::load_from_file(dir.path()); });
  EXPECT_EQ(e.message(), fmt::format("cannot read VM configuration file '{}': it is a directory",
                                     dir.path().string()));
}

TEST(ConfigManagerFile, MalformedFileNamesLineAndColumnButNoContent) {
  bioxen_test::TempDir dir;
  const auto p = dir.write("vm.json", "{\n  \"xcpng_config\": {\"password\": \"hunter2\" \n}");
  const auto e = expect_bioxen_error(BioXenErrorCode::invalid_configuration,
                                     [&] { ConfigManager::load_from_file(p); });
  EXPECT_EQ(e.message(), p.string() +
                             ":3:2: malformed JSON: syntax error while parsing object - "
                             "unexpected end of input; expected '}'");
  EXPECT_EQ(e.details().at("line"), 3);
  EXPECT_EQ(e.details().at("column"), 2);
  EXPECT_THAT(e.what(), Not(HasSubstr("hunter2")));
  EXPECT_THAT(e.details().dump(), Not(HasSubstr("hunter2")));
}

TEST(ConfigManagerFile, TopLevelMustBeAnObject) {
  bioxen_test::TempDir dir;
  const auto p = dir.write("vm.json", "\"text\"");
  const auto e = expect_bioxen_error(BioXenErrorCode::invalid_configuration,
                                     [&] { ConfigManager::load_from_file(p); });
  EXPECT_EQ(e.message(), p.string() + ": expected a JSON object at the top level, got a string");
}

}  // namespace
