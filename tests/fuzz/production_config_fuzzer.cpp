// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Fuzz target: ProductionConfigManager, the production configuration file and its environment
// overrides. The input's leading lines of the form `BIOXEN_<NAME>=<value>` (at most eight) are
// set as environment variables for the load; the rest is the configuration file (none at all
// when the rest is empty: the defaults-only path).
//
// Properties of an accepted configuration: it validates; saved and loaded again without the
// environment it is equal; a hypervisor built on it runs and round-trips through a snapshot.
#include <bioxen/config.hpp>
#include <bioxen/config_manager.hpp>
#include <bioxen/hypervisor.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "detail/production_config_file.hpp"
#include "fuzz_support.hpp"

namespace {

using bioxen::fuzz::check;

constexpr std::size_t max_variables = 8;
constexpr std::string_view prefix = "BIOXEN_";

/// Sets the variables for its lifetime; unsets exactly those it set.
class Environment {
 public:
  explicit Environment(const std::vector<std::pair<std::string, std::string>>& vars) {
    for (const auto& [name, value] : vars) {
      if (::setenv(name.c_str(), value.c_str(), 1) == 0) set_.push_back(name);
    }
  }
  ~Environment() {
    for (const auto& name : set_) ::unsetenv(name.c_str());
  }
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

 private:
  std::vector<std::string> set_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest = bioxen::fuzz::as_text(data, size);
  std::vector<std::pair<std::string, std::string>> vars;
  while (vars.size() < max_variables && rest.substr(0, prefix.size()) == prefix) {
    const std::size_t eol = rest.find('\n');
    const std::string_view line = rest.substr(0, eol);
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) break;
    // setenv() cannot hold a NUL: the value ends at the first one, as in a real environment.
    std::string value(line.substr(eq + 1));
    value = value.substr(0, value.find('\0'));
    vars.emplace_back(std::string(line.substr(0, eq)), std::move(value));
    rest = eol == std::string_view::npos ? std::string_view{} : rest.substr(eol + 1);
  }
  const std::filesystem::path file = bioxen::fuzz::temp_dir().path() / "config.json";
  std::error_code ec;
  std::filesystem::remove(file, ec);
  if (!rest.empty()) bioxen::fuzz::write_temp("config.json", rest);

  std::optional<bioxen::ProductionConfig> loaded;
  {
    const Environment env{vars};
    try {
      const bioxen::ProductionConfigManager mgr{file};
      check(mgr.loaded_from_file() == !rest.empty(), "loaded_from_file() is wrong");
      loaded = mgr.config;
    } catch (const bioxen::BioXenException&) {
      return 0;
    }
  }
  const bioxen::ProductionConfig& config = *loaded;
  using bioxen::fuzz::step;
  step("validate()", [&] { config.validate(); });

  // Saved and loaded again (no environment now): the same configuration.
  const std::filesystem::path saved = bioxen::fuzz::temp_dir().path() / "saved" / "config.json";
  step("save_config_file()", [&] { bioxen::detail::save_config_file(config, saved); });
  const bioxen::ProductionConfig again =
      step("load the saved file", [&] { return bioxen::ProductionConfigManager{saved}.config; });
  check(again == config, "the saved configuration loads differently");

  bioxen::BioXenHypervisor hv = step("BioXenHypervisor(config)", [&] {
    return bioxen::BioXenHypervisor{config, bioxen::ChassisType::ecoli};
  });
  bioxen::fuzz::check_runs_and_round_trips(hv);
  return 0;
}
