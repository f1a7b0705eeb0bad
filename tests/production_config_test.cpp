// Tests of ProductionConfigManager: the layers (defaults < file < environment < API), strict
// validation with the file or variable and key in every message, atomic saving with mode
// 0600, and the original library's five production checks. No test touches the real
// ~/.bioxen.
#include <fmt/format.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "api_test_support.hpp"
#include "bioxen/config_manager.hpp"
#include "bioxen/detail/json_read.hpp"
#include "bioxen/error_details.hpp"
#include "detail/production_config_file.hpp"
#include "detail/text_io.hpp"

namespace {

namespace fs = std::filesystem;
using bioxen::BioXenErrorCode;
using bioxen::BioXenException;
using bioxen::ProductionConfig;
using bioxen::ProductionConfigManager;
using bioxen_test::expect_bioxen_error;
using ::testing::HasSubstr;

class ProductionConfigTest : public ::testing::Test {
 protected:
  void SetUp() override { env.set("HOME", home.path().string()); }

  fs::path config_file() const { return home / "cfg" / "config.json"; }
  fs::path write_config(std::string_view content) const {
    return home.write("cfg/config.json", content);
  }
  BioXenException load_error(BioXenErrorCode code) {
    return expect_bioxen_error(code, [&] { ProductionConfigManager mgr{config_file()}; });
  }

  bioxen_test::ScopedEnv env;
  bioxen_test::TempDir home;
};

// ----- the default path and the defaults -----------------------------------------------

TEST_F(ProductionConfigTest, DefaultPathIsUnderHome) {
  EXPECT_EQ(ProductionConfigManager::default_config_path(),
            home.path() / ".bioxen" / "config.json");
}

TEST_F(ProductionConfigTest, BioxenConfigOverridesTheDefaultPath) {
  env.set("BIOXEN_CONFIG", (home / "elsewhere.json").string());
  EXPECT_EQ(ProductionConfigManager::default_config_path(), home / "elsewhere.json");
  env.set("BIOXEN_CONFIG", "");  // empty counts as unset
  EXPECT_EQ(ProductionConfigManager::default_config_path(),
            home.path() / ".bioxen" / "config.json");
}

TEST_F(ProductionConfigTest, MissingFileMeansTheDefaults) {
  ProductionConfigManager mgr;
  EXPECT_EQ(mgr.config_path(), home.path() / ".bioxen" / "config.json");
  EXPECT_FALSE(mgr.loaded_from_file());
  EXPECT_EQ(mgr.config, ProductionConfig{});
  EXPECT_EQ(mgr.config.max_vms, 4);
  EXPECT_EQ(mgr.config.total_ribosomes, 80);
  EXPECT_DOUBLE_EQ(mgr.config.hypervisor_overhead, 0.15);
  EXPECT_EQ(mgr.config.scheduling_quantum_ms, 100);
  EXPECT_TRUE(mgr.config.enable_monitoring);
  EXPECT_EQ(mgr.config.log_level, "INFO");
  EXPECT_TRUE(mgr.config.metrics_collection);
  EXPECT_EQ(mgr.config.max_ribosome_allocation, 60);
  EXPECT_DOUBLE_EQ(mgr.config.max_atp_percentage, 90.0);
  EXPECT_EQ(mgr.config.max_memory_kb, 1024);
  EXPECT_EQ(mgr.config.emergency_ribosome_reserve, 10);
  EXPECT_DOUBLE_EQ(mgr.config.resource_warning_threshold, 0.85);
  for (const auto& [key, source] : mgr.sources()) EXPECT_EQ(source, "default") << key;
  EXPECT_FALSE(fs::exists(home / ".bioxen"));  // loading never creates anything
}

TEST_F(ProductionConfigTest, FieldNamesAndVariables) {
  const auto names = ProductionConfigManager::field_names();
  ASSERT_EQ(names.size(), ProductionConfig::keys.size());
  for (auto key : ProductionConfig::keys) {
    EXPECT_NE(std::find(names.begin(), names.end(), key), names.end()) << key;
  }
  EXPECT_EQ(ProductionConfigManager::environment_variable("max_vms"), "BIOXEN_MAX_VMS");
  EXPECT_EQ(ProductionConfigManager::environment_variable("total_ribosomes"),
            "BIOXEN_TOTAL_RIBOSOMES");
  EXPECT_EQ(ProductionConfigManager::environment_variable("log_level"), "BIOXEN_LOG_LEVEL");
  EXPECT_EQ(ProductionConfigManager::environment_variable("enable_monitoring"),
            "BIOXEN_ENABLE_MONITORING");
}

// ----- the file ------------------------------------------------------------------------

TEST_F(ProductionConfigTest, FileValuesOverrideDefaults) {
  write_config(R"({"max_vms": 6, "log_level": "DEBUG", "hypervisor_overhead": 0.2,
                   "scheduler_policy": "fair_share", "context_switch_ms": 0})");
  ProductionConfigManager mgr{config_file()};
  EXPECT_TRUE(mgr.loaded_from_file());
  EXPECT_EQ(mgr.config.max_vms, 6);
  EXPECT_EQ(mgr.config.log_level, "DEBUG");
  EXPECT_DOUBLE_EQ(mgr.config.hypervisor_overhead, 0.2);
  EXPECT_EQ(mgr.config.scheduler_policy, bioxen::SchedulerPolicy::fair_share);
  EXPECT_EQ(mgr.config.context_switch_ms, 0.0);
  EXPECT_EQ(mgr.config.total_ribosomes, 80);  // not in the file: default
  EXPECT_EQ(mgr.sources().at("max_vms"), "file");
  EXPECT_EQ(mgr.sources().at("total_ribosomes"), "default");
}

TEST_F(ProductionConfigTest, TheOriginalLibrarysExampleFileLoads) {
  write_config(R"({
  "max_vms": 4,
  "total_ribosomes": 80,
  "hypervisor_overhead": 0.15,
  "scheduling_quantum_ms": 100,
  "enable_monitoring": true,
  "log_level": "INFO",
  "max_ribosome_allocation": 60,
  "max_atp_percentage": 90.0
})");
  ProductionConfigManager mgr{config_file()};
  EXPECT_EQ(mgr.config, ProductionConfig{});
}

TEST_F(ProductionConfigTest, MalformedJsonNamesFileLineAndColumn) {
  const auto path = write_config("{\n  \"max_vms\": 4,\n  \"total_ribosomes\": }\n");
  const auto e = load_error(BioXenErrorCode::invalid_configuration);
  EXPECT_EQ(e.message(), fmt::format("{}:3:22: malformed JSON: syntax error while parsing value "
                                     "- unexpected '}}'; expected '[', '{{', or a literal",
                                     path.string()));
  EXPECT_EQ(e.details().at("file"), path.string());
  EXPECT_EQ(e.details().at("line"), 3);
  EXPECT_EQ(e.details().at("column"), 22);
}

TEST_F(ProductionConfigTest, EmptyFileIsMalformed) {
  const auto path = write_config("");
  const auto e = load_error(BioXenErrorCode::invalid_configuration);
  EXPECT_THAT(e.message(), HasSubstr(path.string() + ":1:1: malformed JSON:"));
}

TEST_F(ProductionConfigTest, TrailingCommaIsMalformed) {
  const auto path = write_config("{\"max_vms\": 4,}");
  const auto e = load_error(BioXenErrorCode::invalid_configuration);
  EXPECT_THAT(e.message(), HasSubstr(path.string() + ":1:15: malformed JSON: syntax error while "
                                                     "parsing object key"));
}

TEST_F(ProductionConfigTest, TopLevelMustBeAnObject) {
  const auto path = write_config("[1, 2]");
  const auto e = load_error(BioXenErrorCode::invalid_configuration);
  EXPECT_EQ(e.message(), path.string() + ": expected a JSON object at the top level, got an array");
}

TEST_F(ProductionConfigTest, UnknownKeySuggestsTheNearestKey) {
  const auto path = write_config(R"({"max_vm": 6})");
  const auto e = load_error(BioXenErrorCode::invalid_configuration);
  EXPECT_EQ(e.message(), path.string() + ": unknown key 'max_vm' (did you mean 'max_vms'?)");
  EXPECT_EQ(e.details().at("key"), "max_vm");
  EXPECT_EQ(e.details().at("suggestion"), "max_vms");
  EXPECT_EQ(e.details().at("file"), path.string());
}

TEST_F(ProductionConfigTest, UnknownKeyFarFromAnyListsTheValidKeys) {
  const auto path = write_config(R"({"colour": "blue"})");
  const auto e = load_error(BioXenErrorCode::invalid_configuration);
  EXPECT_THAT(e.message(), HasSubstr(path.string() + ": unknown key 'colour' (valid keys: "));
  EXPECT_THAT(e.message(), HasSubstr("max_vms, total_ribosomes"));
  EXPECT_FALSE(e.details().contains("suggestion"));
}

TEST_F(ProductionConfigTest, MisspelledKeysGetSuggestions) {
  const std::pair<const char*, const char*> cases[] = {
      {"enable_monitorin", "enable_monitoring"},
      {"loglevel", "log_level"},
      {"total_ribosome", "total_ribosomes"},
      {"scheduler_polcy", "scheduler_policy"},
      {"Max_VMs", "max_vms"},
  };
  for (const auto& [typo, right] : cases) {
    write_config(fmt::format(R"({{"{}": 1}})", typo));
    const auto e = load_error(BioXenErrorCode::invalid_configuration);
    EXPECT_EQ(e.details().value("suggestion", ""), right) << typo;
  }
}

TEST_F(ProductionConfigTest, WrongTypeNamesFileAndKey) {
  const auto path = write_config(R"({"max_vms": "four"})");
  const auto e = load_error(BioXenErrorCode::invalid_configuration);
  EXPECT_EQ(e.message(),
            path.string() + ": configuration key 'max_vms': expected an integer, got a string");
  EXPECT_EQ(e.details().at("key"), "max_vms");
  EXPECT_EQ(e.details().at("file"), path.string());

  write_config(R"({"enable_monitoring": "yes"})");
  EXPECT_EQ(load_error(BioXenErrorCode::invalid_configuration).message(),
            path.string() +
                ": configuration key 'enable_monitoring': expected true or false, got a string");

  write_config(R"({"log_level": 3})");
  EXPECT_EQ(load_error(BioXenErrorCode::invalid_configuration).message(),
            path.string() + ": configuration key 'log_level': expected a string, got an integer");

  write_config(R"({"max_vms": 4.5})");
  EXPECT_THAT(load_error(BioXenErrorCode::invalid_configuration).message(),
              HasSubstr(": configuration key 'max_vms': expected an integer"));
}

TEST_F(ProductionConfigTest, OutOfRangeNamesFileAndKey) {
  const auto path = write_config(R"({"hypervisor_overhead": 1.5})");
  auto e = load_error(BioXenErrorCode::invalid_configuration);
  EXPECT_EQ(e.message(),
            path.string() + ": invalid configuration: hypervisor_overhead = 1.5 must be in [0, 1)");
  EXPECT_EQ(e.details().at("key"), "hypervisor_overhead");
  EXPECT_EQ(e.details().at("file"), path.string());

  write_config(R"({"max_vms": 0})");
  EXPECT_EQ(load_error(BioXenErrorCode::invalid_configuration).message(),
            path.string() + ": invalid configuration: max_vms = 0 must be >= 1");

  write_config(R"({"max_vms": 100000000000})");  // does not fit the field
  e = load_error(BioXenErrorCode::invalid_configuration);
  EXPECT_THAT(e.message(), HasSubstr(path.string() + ": configuration key 'max_vms': "
                                                     "100000000000 is out of range"));

  write_config(R"({"log_level": "LOUD"})");
  EXPECT_THAT(load_error(BioXenErrorCode::invalid_configuration).message(),
              HasSubstr(path.string() + ": invalid configuration: log_level = \"LOUD\" must be "
                                        "one of"));

  write_config(R"({"scheduler_policy": "fastest"})");
  EXPECT_THAT(load_error(BioXenErrorCode::invalid_configuration).message(),
              HasSubstr(path.string() + ": unknown scheduler_policy 'fastest'"));
}

TEST_F(ProductionConfigTest, ConflictWithADefaultBlamesTheFile) {
  // A pool of 10 leaves 8 available ribosomes: the default reserve of 10 no longer fits.
  const auto path = write_config(R"({"total_ribosomes": 10, "max_ribosome_allocation": 5})");
  const auto e = load_error(BioXenErrorCode::invalid_configuration);
  EXPECT_EQ(e.message(), path.string() +
                             ": invalid configuration: emergency_ribosome_reserve = "
                             "10 must be in [0, 8] (the available ribosomes)");
  EXPECT_EQ(e.details().at("file"), path.string());
}

TEST_F(ProductionConfigTest, DirectoryInsteadOfAFileIsUnreadable) {
  fs::create_directories(config_file());
  const auto e = load_error(BioXenErrorCode::io_error);
  EXPECT_EQ(e.message(), fmt::format("cannot read configuration file '{}': it is a directory",
                                     config_file().string()));
  EXPECT_EQ(e.details().at("file"), config_file().string());
}

TEST_F(ProductionConfigTest, FileWithoutPermissionIsUnreadable) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads every file";
  write_config(R"({"max_vms": 6})");
  fs::permissions(config_file(), fs::perms::none);
  const auto e = load_error(BioXenErrorCode::io_error);
  EXPECT_EQ(e.message(), fmt::format("cannot read configuration file '{}': Permission denied",
                                     config_file().string()));
}

TEST_F(ProductionConfigTest, ProductionConfigFromJsonIsStrictToo) {
  EXPECT_EQ(bioxen::production_config_from_json({{"max_vms", 5}}).max_vms, 5);
  auto e = expect_bioxen_error(BioXenErrorCode::invalid_configuration, [] {
    bioxen::production_config_from_json({{"max_vmz", 5}}, "scenario.json");
  });
  EXPECT_EQ(e.message(), "scenario.json: unknown key 'max_vmz' (did you mean 'max_vms'?)");
  e = expect_bioxen_error(BioXenErrorCode::invalid_configuration, [] {
    bioxen::production_config_from_json({{"max_vms", -3}});
  });
  EXPECT_EQ(e.message(), "config: invalid configuration: max_vms = -3 must be >= 1");
  EXPECT_EQ(e.details().at("key"), "max_vms");
  e = expect_bioxen_error(BioXenErrorCode::invalid_configuration,
                          [] { bioxen::production_config_from_json(nlohmann::json::array()); });
  EXPECT_EQ(e.message(), "config: expected a JSON object at the top level, got an array");
}

// ----- the environment -----------------------------------------------------------------

TEST_F(ProductionConfigTest, EnvironmentVariablesOverrideTheFile) {
  write_config(R"({"max_vms": 6, "total_ribosomes": 100, "log_level": "DEBUG"})");
  env.set("BIOXEN_MAX_VMS", "3");
  env.set("BIOXEN_TOTAL_RIBOSOMES", "90");
  env.set("BIOXEN_LOG_LEVEL", "WARNING");
  env.set("BIOXEN_ENABLE_MONITORING", "false");
  ProductionConfigManager mgr{config_file()};
  EXPECT_EQ(mgr.config.max_vms, 3);
  EXPECT_EQ(mgr.config.total_ribosomes, 90);
  EXPECT_EQ(mgr.config.log_level, "WARNING");
  EXPECT_FALSE(mgr.config.enable_monitoring);
  EXPECT_EQ(mgr.sources().at("max_vms"), "BIOXEN_MAX_VMS");
  EXPECT_EQ(mgr.sources().at("enable_monitoring"), "BIOXEN_ENABLE_MONITORING");
}

TEST_F(ProductionConfigTest, EveryFieldHasAnEnvironmentVariable) {
  const std::map<std::string, std::string> values = {
      {"max_vms", "7"},
      {"total_ribosomes", "120"},
      {"hypervisor_overhead", "0.25"},
      {"scheduling_quantum_ms", "50"},
      {"enable_monitoring", "off"},
      {"log_level", "ERROR"},
      {"metrics_collection", "0"},
      {"max_ribosome_allocation", "40"},
      {"max_atp_percentage", "80.5"},
      {"max_memory_kb", "2048"},
      {"emergency_ribosome_reserve", "12"},
      {"resource_warning_threshold", "0.9"},
      {"scheduler_policy", "priority"},
      {"context_switch_ms", "2.5"},
      {"fair_share_cap_ribosomes", "30"},
      {"work_model", "capacity"},
      {"pause_mechanism", "repress"},
      {"destroy_mechanism", "degrade"},
      {"transcription_isolation", "orthogonal_rnap"},
      {"orthogonal_pool", "dynamic"},
      {"orthogonal_pool_fraction", "0.05"},
      {"orthogonal_pool_max_fraction", "0.6"},
  };
  ASSERT_EQ(values.size(), ProductionConfigManager::field_names().size());
  for (const auto& [field, value] : values) {
    env.set(ProductionConfigManager::environment_variable(field), value);
  }
  ProductionConfigManager mgr{config_file()};
  const auto& c = mgr.config;
  EXPECT_EQ(c.max_vms, 7);
  EXPECT_EQ(c.total_ribosomes, 120);
  EXPECT_DOUBLE_EQ(c.hypervisor_overhead, 0.25);
  EXPECT_EQ(c.scheduling_quantum_ms, 50);
  EXPECT_FALSE(c.enable_monitoring);
  EXPECT_EQ(c.log_level, "ERROR");
  EXPECT_FALSE(c.metrics_collection);
  EXPECT_EQ(c.max_ribosome_allocation, 40);
  EXPECT_DOUBLE_EQ(c.max_atp_percentage, 80.5);
  EXPECT_EQ(c.max_memory_kb, 2048);
  EXPECT_EQ(c.emergency_ribosome_reserve, 12);
  EXPECT_DOUBLE_EQ(c.resource_warning_threshold, 0.9);
  EXPECT_EQ(c.scheduler_policy, bioxen::SchedulerPolicy::priority);
  EXPECT_DOUBLE_EQ(c.context_switch_ms, 2.5);
  EXPECT_EQ(c.pause_mechanism, bioxen::PauseMechanism::repress);
  EXPECT_EQ(c.destroy_mechanism, bioxen::DestroyMechanism::degrade);
  EXPECT_EQ(c.transcription_isolation, bioxen::TranscriptionIsolation::orthogonal_rnap);
  EXPECT_EQ(c.orthogonal_pool, bioxen::OrthogonalPoolAllocation::dynamic);
  EXPECT_DOUBLE_EQ(c.orthogonal_pool_fraction, 0.05);
  EXPECT_DOUBLE_EQ(c.orthogonal_pool_max_fraction, 0.6);
  EXPECT_EQ(c.fair_share_cap_ribosomes, 30);
  EXPECT_EQ(c.work_model, bioxen::WorkModel::capacity);
  for (const auto& [field, value] : values) {
    EXPECT_EQ(mgr.sources().at(field), ProductionConfigManager::environment_variable(field));
  }
}

TEST_F(ProductionConfigTest, BooleanSpellingsInTheEnvironment) {
  for (const auto& [text, value] : std::vector<std::pair<std::string, bool>>{{"true", true},
                                                                             {"TRUE", true},
                                                                             {"1", true},
                                                                             {"yes", true},
                                                                             {"on", true},
                                                                             {"false", false},
                                                                             {"0", false},
                                                                             {"No", false},
                                                                             {"off", false}}) {
    env.set("BIOXEN_METRICS_COLLECTION", text);
    EXPECT_EQ(ProductionConfigManager{config_file()}.config.metrics_collection, value) << text;
  }
}

TEST_F(ProductionConfigTest, EnvironmentErrorsNameTheVariableAndKey) {
  env.set("BIOXEN_MAX_VMS", "abc");
  auto e = load_error(BioXenErrorCode::invalid_configuration);
  EXPECT_EQ(e.message(),
            "environment variable BIOXEN_MAX_VMS: key 'max_vms': 'abc' is not an integer");
  EXPECT_EQ(e.details().at("variable"), "BIOXEN_MAX_VMS");
  EXPECT_EQ(e.details().at("key"), "max_vms");

  env.set("BIOXEN_MAX_VMS", "4.5");
  EXPECT_EQ(load_error(BioXenErrorCode::invalid_configuration).message(),
            "environment variable BIOXEN_MAX_VMS: key 'max_vms': '4.5' is not an integer");

  env.set("BIOXEN_MAX_VMS", "");
  EXPECT_EQ(load_error(BioXenErrorCode::invalid_configuration).message(),
            "environment variable BIOXEN_MAX_VMS: key 'max_vms': '' is not an integer");

  env.set("BIOXEN_MAX_VMS", "99999999999999999999999");
  EXPECT_THAT(load_error(BioXenErrorCode::invalid_configuration).message(),
              HasSubstr("environment variable BIOXEN_MAX_VMS: key 'max_vms': "
                        "'99999999999999999999999' is not an integer in range"));

  env.set("BIOXEN_MAX_VMS", "99999999999");
  EXPECT_EQ(load_error(BioXenErrorCode::invalid_configuration).message(),
            "environment variable BIOXEN_MAX_VMS: configuration key 'max_vms': 99999999999 is "
            "out of range [-2147483648, 2147483647]");

  env.set("BIOXEN_MAX_VMS", "0");
  e = load_error(BioXenErrorCode::invalid_configuration);
  EXPECT_EQ(e.message(),
            "environment variable BIOXEN_MAX_VMS: invalid configuration: max_vms = 0 must be >= 1");
  EXPECT_EQ(e.details().at("variable"), "BIOXEN_MAX_VMS");
  EXPECT_EQ(e.details().at("key"), "max_vms");
  env.unset("BIOXEN_MAX_VMS");

  env.set("BIOXEN_ENABLE_MONITORING", "maybe");
  EXPECT_EQ(load_error(BioXenErrorCode::invalid_configuration).message(),
            "environment variable BIOXEN_ENABLE_MONITORING: key 'enable_monitoring': 'maybe' is "
            "not a boolean (true/false, 1/0, yes/no, on/off)");
  env.unset("BIOXEN_ENABLE_MONITORING");

  env.set("BIOXEN_HYPERVISOR_OVERHEAD", "lots");
  EXPECT_EQ(load_error(BioXenErrorCode::invalid_configuration).message(),
            "environment variable BIOXEN_HYPERVISOR_OVERHEAD: key 'hypervisor_overhead': 'lots' "
            "is not a number");
  env.set("BIOXEN_HYPERVISOR_OVERHEAD", "nan");
  EXPECT_THAT(load_error(BioXenErrorCode::invalid_configuration).message(),
              HasSubstr("'nan' is not a number"));
  env.set("BIOXEN_HYPERVISOR_OVERHEAD", "2");
  EXPECT_EQ(load_error(BioXenErrorCode::invalid_configuration).message(),
            "environment variable BIOXEN_HYPERVISOR_OVERHEAD: invalid configuration: "
            "hypervisor_overhead = 2.0 must be in [0, 1)");
  env.unset("BIOXEN_HYPERVISOR_OVERHEAD");

  env.set("BIOXEN_LOG_LEVEL", "LOUD");
  EXPECT_EQ(load_error(BioXenErrorCode::invalid_configuration).message(),
            "environment variable BIOXEN_LOG_LEVEL: invalid configuration: log_level = \"LOUD\" "
            "must be one of TRACE, DEBUG, INFO, WARNING, ERROR, CRITICAL, OFF");
  env.unset("BIOXEN_LOG_LEVEL");

  env.set("BIOXEN_SCHEDULER_POLICY", "fastest");
  EXPECT_EQ(load_error(BioXenErrorCode::invalid_configuration).message(),
            "environment variable BIOXEN_SCHEDULER_POLICY: unknown scheduler_policy 'fastest' "
            "(expected round_robin, fair_share or priority)");
}

TEST_F(ProductionConfigTest, EnvironmentErrorWinsEvenWithAGoodFile) {
  write_config(R"({"max_vms": 6})");
  env.set("BIOXEN_TOTAL_RIBOSOMES", "x");
  EXPECT_THAT(load_error(BioXenErrorCode::invalid_configuration).message(),
              HasSubstr("BIOXEN_TOTAL_RIBOSOMES"));
}

TEST_F(ProductionConfigTest, ExplicitApiWinsOverEverything) {
  write_config(R"({"max_vms": 6})");
  env.set("BIOXEN_MAX_VMS", "5");
  ProductionConfigManager mgr{config_file()};
  EXPECT_EQ(mgr.config.max_vms, 5);
  mgr.config.max_vms = 2;
  EXPECT_EQ(mgr.config.max_vms, 2);
  mgr.reload();  // reload discards the explicit value again
  EXPECT_EQ(mgr.config.max_vms, 5);
}

// ----- saving --------------------------------------------------------------------------

TEST_F(ProductionConfigTest, SaveWritesEveryFieldWithMode0600) {
  ProductionConfigManager mgr{config_file()};
  mgr.config.max_vms = 6;
  mgr.config.scheduler_policy = bioxen::SchedulerPolicy::fair_share;
  mgr.save_config();
  ASSERT_TRUE(fs::exists(config_file()));
  EXPECT_EQ(fs::status(config_file()).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(fs::status(config_file().parent_path()).permissions() & fs::perms::all,
            fs::perms::owner_all);  // the directory was created private
  const auto j = nlohmann::json::parse(bioxen_test::read_file(config_file()));
  EXPECT_EQ(j.size(), ProductionConfig::keys.size());
  EXPECT_EQ(j.at("max_vms"), 6);
  EXPECT_EQ(j.at("scheduler_policy"), "fair_share");
  ProductionConfigManager again{config_file()};
  EXPECT_EQ(again.config, mgr.config);
  EXPECT_EQ(home.entries(config_file().parent_path()), std::vector<std::string>{"config.json"});
}

TEST_F(ProductionConfigTest, SaveReplacesAWorldReadableFileWithA0600One) {
  write_config(R"({"max_vms": 5})");
  fs::permissions(config_file(), fs::perms::owner_read | fs::perms::owner_write |
                                     fs::perms::group_read | fs::perms::others_read);
  ProductionConfigManager mgr{config_file()};
  mgr.save_config();
  EXPECT_EQ(fs::status(config_file()).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(ProductionConfigManager{config_file()}.config.max_vms, 5);
}

TEST_F(ProductionConfigTest, SaveInterruptedBeforeRenameLeavesTheOldFileIntact) {
  const std::string old_content = "{\"max_vms\": 5}\n";
  write_config(old_content);
  ProductionConfigManager mgr{config_file()};
  mgr.config.max_vms = 8;
  fs::path seen_temp;
  // save_config() is save_config_file() without the interruption point.
  const auto interrupt = [&](const fs::path& temp) {
    seen_temp = temp;
    // The temporary file is complete, private and in the same directory.
    EXPECT_EQ(temp.parent_path(), config_file().parent_path());
    EXPECT_EQ(fs::status(temp).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write);
    EXPECT_EQ(nlohmann::json::parse(bioxen_test::read_file(temp)).at("max_vms"), 8);
    throw std::runtime_error("power cut");
  };
  EXPECT_THROW(
      {
        try {
          bioxen::detail::save_config_file(mgr.config, mgr.config_path(), interrupt);
        } catch (const std::runtime_error& e) {
          EXPECT_STREQ(e.what(), "power cut");
          throw;
        }
      },
      std::runtime_error);
  EXPECT_FALSE(seen_temp.empty());
  EXPECT_FALSE(fs::exists(seen_temp));  // no temporary file left behind
  EXPECT_EQ(bioxen_test::read_file(config_file()), old_content);
  EXPECT_EQ(home.entries(config_file().parent_path()), std::vector<std::string>{"config.json"});
  // A later save goes through.
  mgr.save_config();
  EXPECT_EQ(ProductionConfigManager{config_file()}.config.max_vms, 8);
}

TEST_F(ProductionConfigTest, SaveIntoAnImpossiblePathIsAnIoErrorAndLeavesNothing) {
  const auto target = home / "blocker" / "config.json";
  ProductionConfigManager mgr{target};  // missing: defaults
  home.write("blocker", "a file, not a directory");
  const auto e = expect_bioxen_error(BioXenErrorCode::io_error, [&] { mgr.save_config(); });
  EXPECT_THAT(e.message(), HasSubstr("cannot write '" + target.string() + "'"));
  EXPECT_EQ(e.details().at("file"), target.string());
  EXPECT_EQ(home.entries(), std::vector<std::string>{"blocker"});
  EXPECT_EQ(bioxen_test::read_file(home / "blocker"), "a file, not a directory");
}

TEST_F(ProductionConfigTest, ConfigPathBelowAFileIsUnreadable) {
  home.write("blocker", "a file, not a directory");
  const auto target = home / "blocker" / "config.json";
  const auto e =
      expect_bioxen_error(BioXenErrorCode::io_error, [&] { ProductionConfigManager mgr{target}; });
  EXPECT_EQ(e.message(),
            fmt::format("cannot read configuration file '{}': Not a directory", target.string()));
}

TEST_F(ProductionConfigTest, SaveOntoADirectoryIsAnIoErrorAndLeavesNoTempFile) {
  fs::create_directories(home / "d" / "config.json" / "inner");
  const auto e = expect_bioxen_error(BioXenErrorCode::io_error, [&] {
    bioxen::detail::write_file_atomically(home / "d" / "config.json", "{}");
  });
  EXPECT_THAT(e.message(), HasSubstr("rename"));
  EXPECT_EQ(home.entries(home / "d"), std::vector<std::string>{"config.json"});
}

TEST_F(ProductionConfigTest, SaveThroughASymlinkReplacesTheTargetAndKeepsTheLink) {
  const auto target = home.write("dotfiles/bioxen.json", "{\"max_vms\": 5}\n");
  fs::create_directories(config_file().parent_path());
  fs::create_symlink(target, config_file());
  ProductionConfigManager mgr{config_file()};
  EXPECT_EQ(mgr.config.max_vms, 5);
  mgr.config.max_vms = 7;
  mgr.save_config();
  EXPECT_TRUE(fs::is_symlink(config_file()));
  EXPECT_EQ(ProductionConfigManager{target}.config.max_vms, 7);
  EXPECT_EQ(home.entries(target.parent_path()), std::vector<std::string>{"bioxen.json"});
}

TEST_F(ProductionConfigTest, SaveUnderAnInjectedIoFaultIsBX012AndLeavesTheOldFile) {
  const std::string old_content = "{\"max_vms\": 5}\n";
  write_config(old_content);
  fs::permissions(config_file(), fs::perms::owner_read | fs::perms::owner_write);
  ProductionConfigManager mgr{config_file()};
  mgr.config.max_vms = 7;
  for (const char* step :
       {"create", "lock", "fchmod", "write", "fsync", "close", "link", "rename"}) {
    for (int err : {ENOSPC, EIO, EACCES}) {
      SCOPED_TRACE(fmt::format("{} {}", step, err));
      const bioxen::detail::ScopedIoFaultForTesting fault(
          [&](std::string_view s) { return s == step ? err : 0; });
      const auto e = expect_bioxen_error(BioXenErrorCode::io_error, [&] { mgr.save_config(); });
      EXPECT_EQ(e.code(), BioXenErrorCode::io_error);
      EXPECT_EQ(e.message(), fmt::format("cannot write '{}': {}: {}", config_file().string(), step,
                                         std::strerror(err)));
      EXPECT_EQ(e.details().at("file"), config_file().string());
      EXPECT_EQ(e.details().at("step"), step);
      EXPECT_EQ(bioxen_test::read_file(config_file()), old_content);
      EXPECT_EQ(home.entries(config_file().parent_path()), std::vector<std::string>{"config.json"});
    }
  }
  mgr.save_config();
  EXPECT_EQ(ProductionConfigManager{config_file()}.config.max_vms, 7);
}

TEST_F(ProductionConfigTest, ASaveKilledBeforeTheRenameLeavesNothingAfterTheNextSave) {
  const std::string old_content = "{\"max_vms\": 5}\n";
  write_config(old_content);
  ProductionConfigManager mgr{config_file()};
  mgr.config.max_vms = 7;
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The worst instant: the temporary file has its name, the rename has not happened.
    bioxen::detail::set_io_fault_for_testing([](std::string_view step) {
      if (step == "rename") ::raise(SIGKILL);
      return 0;
    });
    try {
      mgr.save_config();
    } catch (...) {
    }
    ::_exit(1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  EXPECT_EQ(bioxen_test::read_file(config_file()), old_content);
  const auto left = home.entries(config_file().parent_path());
  ASSERT_EQ(left.size(), 2U);
  EXPECT_EQ(left.front().rfind(".config.json.tmp.", 0), 0U) << left.front();
  mgr.save_config();  // sweeps the dead writer's file
  EXPECT_EQ(home.entries(config_file().parent_path()), std::vector<std::string>{"config.json"});
  EXPECT_EQ(ProductionConfigManager{config_file()}.config.max_vms, 7);
}

TEST_F(ProductionConfigTest, SaveThroughADanglingSymlinkCreatesTheTargetAndKeepsTheLink) {
  fs::create_directories(home / "dotfiles");
  fs::create_directories(config_file().parent_path());
  fs::create_symlink(home / "dotfiles" / "bioxen.json", config_file());
  ProductionConfigManager mgr{config_file()};  // nothing there: the defaults
  EXPECT_FALSE(mgr.loaded_from_file());
  mgr.config.max_vms = 6;
  mgr.save_config();
  EXPECT_TRUE(fs::is_symlink(config_file()));
  EXPECT_EQ(fs::status(home / "dotfiles" / "bioxen.json").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(ProductionConfigManager{config_file()}.config.max_vms, 6);
}

TEST_F(ProductionConfigTest, SaveThroughASymlinkIntoAMissingDirectoryIsRefused) {
  fs::create_directories(config_file().parent_path());
  const auto target = home / "nowhere" / "bioxen.json";
  fs::create_symlink(target, config_file());
  ProductionConfigManager mgr{config_file()};
  const auto e = expect_bioxen_error(BioXenErrorCode::io_error, [&] { mgr.save_config(); });
  EXPECT_EQ(e.details().at("step"), "symlink");
  EXPECT_EQ(e.details().at("file"), config_file().string());
  EXPECT_EQ(e.details().at("target"), target.string());
  EXPECT_THAT(e.message(), HasSubstr("which does not exist"));
  EXPECT_TRUE(fs::is_symlink(config_file()));
  EXPECT_FALSE(fs::exists(home / "nowhere"));  // not created
}

TEST_F(ProductionConfigTest, SavingAnInvalidConfigIsRefused) {
  write_config("{}\n");
  ProductionConfigManager mgr{config_file()};
  mgr.config.hypervisor_overhead = 1.0;
  const auto e =
      expect_bioxen_error(BioXenErrorCode::invalid_configuration, [&] { mgr.save_config(); });
  EXPECT_EQ(e.message(), fmt::format("not saving an invalid configuration to '{}': invalid "
                                     "configuration: hypervisor_overhead = 1.0 must be in [0, 1)",
                                     config_file().string()));
  EXPECT_EQ(e.details().at("key"), "hypervisor_overhead");
  EXPECT_EQ(bioxen_test::read_file(config_file()), "{}\n");
}

TEST_F(ProductionConfigTest, SaveToTheDefaultPathHonoursHome) {
  ProductionConfigManager mgr;
  mgr.config.max_vms = 3;
  mgr.save_config();
  EXPECT_TRUE(fs::exists(home / ".bioxen" / "config.json"));
  EXPECT_EQ(ProductionConfigManager{}.config.max_vms, 3);
}

// ----- the original library's production checks ----------------------------------------

TEST_F(ProductionConfigTest, DefaultsPassTheFiveProductionChecks) {
  ProductionConfigManager mgr{config_file()};
  const auto checks = mgr.validate_production_requirements();
  const std::map<std::string, bool> expected = {{"resource_limits_safe", true},
                                                {"emergency_reserve_adequate", true},
                                                {"vm_limits_reasonable", true},
                                                {"monitoring_enabled", true},
                                                {"logging_configured", true}};
  EXPECT_EQ(checks, expected);
}

TEST_F(ProductionConfigTest, EachProductionCheckFailsOnItsOwn) {
  ProductionConfigManager mgr{config_file()};
  const auto failing = [&](auto&& change) {
    ProductionConfigManager m = mgr;
    change(m.config);
    std::vector<std::string> bad;
    for (const auto& [name, ok] : m.validate_production_requirements()) {
      if (!ok) bad.push_back(name);
    }
    return bad;
  };
  using V = std::vector<std::string>;
  // 69 > 80 * (1 - 0.15) = 68
  EXPECT_EQ(failing([](ProductionConfig& c) { c.max_ribosome_allocation = 69; }),
            V{"resource_limits_safe"});
  EXPECT_EQ(failing([](ProductionConfig& c) { c.max_ribosome_allocation = 68; }), V{});
  // 7 < 80 * 0.1
  EXPECT_EQ(failing([](ProductionConfig& c) { c.emergency_ribosome_reserve = 7; }),
            V{"emergency_reserve_adequate"});
  EXPECT_EQ(failing([](ProductionConfig& c) { c.emergency_ribosome_reserve = 8; }), V{});
  EXPECT_EQ(failing([](ProductionConfig& c) { c.max_vms = 9; }), V{"vm_limits_reasonable"});
  EXPECT_EQ(failing([](ProductionConfig& c) { c.max_vms = 8; }), V{});
  EXPECT_EQ(failing([](ProductionConfig& c) { c.enable_monitoring = false; }),
            V{"monitoring_enabled"});
  for (const char* level : {"TRACE", "CRITICAL", "OFF"}) {
    EXPECT_EQ(failing([&](ProductionConfig& c) { c.log_level = level; }), V{"logging_configured"})
        << level;
  }
  for (const char* level : {"DEBUG", "INFO", "WARNING", "ERROR"}) {
    EXPECT_EQ(failing([&](ProductionConfig& c) { c.log_level = level; }), V{}) << level;
  }
}

// ----- helpers -------------------------------------------------------------------------

TEST(ConfigDetail, TextPositionOfAByteOffset) {
  using bioxen::detail::text_position;
  const std::string_view text = "ab\ncd\n\nef";
  EXPECT_EQ(text_position(text, 0).line, 1u);
  EXPECT_EQ(text_position(text, 1).column, 1u);
  EXPECT_EQ(text_position(text, 2).column, 2u);
  EXPECT_EQ(text_position(text, 4).line, 2u);
  EXPECT_EQ(text_position(text, 4).column, 1u);
  EXPECT_EQ(text_position(text, 8).line, 4u);
  EXPECT_EQ(text_position(text, 9).column, 2u);
  EXPECT_EQ(text_position(text, 100).line, 4u);  // past the end: the end
}

TEST(ConfigDetail, EditDistanceAndNearestKey) {
  using bioxen::detail::edit_distance;
  using bioxen::detail::nearest_key;
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("max_vm", "max_vms"), 1u);
  const std::vector<std::string> keys = {"max_vms", "total_ribosomes", "log_level"};
  EXPECT_EQ(nearest_key("max_vm", keys), "max_vms");
  EXPECT_EQ(nearest_key("log_levle", keys), "log_level");
  EXPECT_EQ(nearest_key("zzz", keys), "");
}

}  // namespace
