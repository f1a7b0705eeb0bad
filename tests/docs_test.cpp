// The reference documents list what the code has: every configuration field with its
// environment variable and default (docs/CONFIGURATION.md) and every error code with its name
// (docs/ERRORS.md). (docs/API_REFERENCE.md has its own tests: docs.api_reference*.)
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "bioxen/config.hpp"
#include "bioxen/config_manager.hpp"
#include "bioxen/error.hpp"

namespace {

std::string read_doc(const std::string& name) {
  // tests/data/../../docs: the same in the tree and when tests/ is built on its own.
  std::ifstream in(std::string(BIOXEN_TEST_DATA_DIR) + "/../../docs/" + name);
  EXPECT_TRUE(in) << name;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(ConfigurationDoc, ListsEveryFieldWithItsVariableAndDefault) {
  const std::string doc = read_doc("CONFIGURATION.md");
  const nlohmann::json defaults = bioxen::ProductionConfig{};
  for (const auto& field : bioxen::ProductionConfigManager::field_names()) {
    const std::string var = bioxen::ProductionConfigManager::environment_variable(field);
    const std::string row = "| `" + field + "` |";
    const auto at = doc.find(row);
    ASSERT_NE(at, std::string::npos) << "no table row for " << field;
    const std::string line = doc.substr(at, doc.find('\n', at) - at);
    EXPECT_NE(line.find("`" + var + "`"), std::string::npos) << line;
    EXPECT_NE(line.find("`" + defaults.at(field).dump() + "`"), std::string::npos) << line;
    EXPECT_NE(doc.find("- **`" + field + "`**"), std::string::npos) << "no description: " << field;
  }
}

TEST(ConfigurationDoc, TheCompleteFileIsWhatSaveWrites) {
  const std::string doc = read_doc("CONFIGURATION.md");
  const auto section = doc.find("## A complete file");
  ASSERT_NE(section, std::string::npos);
  const auto start = doc.find("```json\n", section);
  ASSERT_NE(start, std::string::npos);
  const auto end = doc.find("```", start + 8);
  const std::string block = doc.substr(start + 8, end - start - 8);
  EXPECT_EQ(block, nlohmann::json(bioxen::ProductionConfig{}).dump(2) + "\n");
}

TEST(ErrorsDoc, ListsEveryCodeWithItsName) {
  const std::string doc = read_doc("ERRORS.md");
  for (auto code : bioxen::all_error_codes) {
    const std::string row = "| " + bioxen::error_code_string(code) + " | `" +
                            std::string(bioxen::error_code_name(code)) + "` |";
    EXPECT_NE(doc.find(row), std::string::npos) << row;
  }
}

}  // namespace
