// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// `bioxen config init|show|validate [--path P]`: the production configuration file, through
// ProductionConfigManager (defaults < file < BIOXEN_* environment).
#include <fmt/core.h>
#include <fmt/format.h>
#include <bioxen/config_manager.hpp>

#include <filesystem>
#include <memory>
#include <string>

#include "commands.hpp"
#include "common.hpp"
#include "detail/text_io.hpp"
#include "table.hpp"

namespace bioxen::cli {

namespace {

namespace fs = std::filesystem;

struct ConfigOptions {
  std::string path;  ///< empty: ProductionConfigManager::default_config_path()
  bool force = false;
  bool json = false;
};

fs::path config_path(const ConfigOptions& o) {
  return o.path.empty() ? ProductionConfigManager::default_config_path() : fs::path(o.path);
}

/// A field's value as people read it ("0.15", "true", "round_robin").
std::string value_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

Table config_table(const ProductionConfigManager& mgr) {
  Table t{fmt::format("Configuration ({})", mgr.config_path().string()),
          {{"field"}, {"value", Align::right}, {"source"}}};
  const nlohmann::json j = mgr.config;
  for (const auto& key : ProductionConfigManager::field_names()) {
    const auto it = mgr.sources().find(key);
    t.add_row({key, value_text(j.at(key)), it == mgr.sources().end() ? "default" : it->second});
  }
  return t;
}

int config_init(const ConfigOptions& o) {
  const fs::path path = config_path(o);
  std::error_code ec;
  const bool existed = fs::exists(path, ec);
  if (existed && !o.force) {
    throw CommandError(
        exit_invalid_input, BioXenErrorCode::io_error,
        fmt::format("{}: exists already (use --force to overwrite it)", path.string()),
        {{"file", path.string()}});
  }
  if (existed) {
    // --force over a file that may be invalid: replace it without loading it.
    const nlohmann::json defaults = ProductionConfig{};
    detail::write_file_atomically(path, defaults.dump(2) + "\n",
                                  fs::perms::owner_read | fs::perms::owner_write);
  } else {
    ProductionConfigManager mgr{path};
    mgr.config = ProductionConfig{};  // the defaults, not the environment's overrides
    mgr.save_config();
  }
  if (o.json) {
    print_json({{"path", path.string()}, {"created", !existed}, {"config", ProductionConfig{}}});
  } else {
    fmt::print("{} {} with the default configuration.\n", existed ? "Overwrote" : "Wrote",
               path.string());
    fmt::print("Edit it, then check it with: bioxen config validate --path {}\n", path.string());
  }
  return exit_ok;
}

int config_show(const ConfigOptions& o) {
  const fs::path path = config_path(o);
  ProductionConfigManager mgr{path};
  if (o.json) {
    print_json({{"path", path.string()},
                {"file_found", mgr.loaded_from_file()},
                {"config", mgr.config},
                {"sources", mgr.sources()}});
    return exit_ok;
  }
  if (!mgr.loaded_from_file()) {
    fmt::print("No configuration file at {}: defaults (and BIOXEN_* variables) in effect.\n\n",
               path.string());
  }
  config_table(mgr).print(stdout);
  return exit_ok;
}

int config_validate(const ConfigOptions& o) {
  const fs::path path = config_path(o);
  std::error_code ec;
  if (!o.path.empty() && !fs::exists(path, ec)) {
    throw CommandError(exit_invalid_input, BioXenErrorCode::io_error,
                       fmt::format("{}: no such file", path.string()), {{"file", path.string()}});
  }
  // Loading validates syntax, keys, types and ranges (BX005 naming file, key, line).
  ProductionConfigManager mgr{path};
  const auto checks = mgr.validate_production_requirements();
  std::vector<std::string> failed;
  for (const auto& [name, ok] : checks) {
    if (!ok) failed.push_back(name);
  }
  if (o.json) {
    print_json({{"path", path.string()},
                {"file_found", mgr.loaded_from_file()},
                {"valid", failed.empty()},
                {"checks", checks},
                {"config", mgr.config}});
  } else {
    if (!mgr.loaded_from_file()) {
      fmt::print("No configuration file at {}: checking the defaults (and BIOXEN_* variables).\n\n",
                 path.string());
    }
    Table t{"Production requirements", {{"check"}, {"result"}}};
    for (const auto& [name, ok] : checks) t.add_row({name, ok ? "pass" : "FAIL"});
    t.print(stdout);
  }
  if (!failed.empty()) {
    throw CommandError(exit_invalid_input, BioXenErrorCode::invalid_configuration,
                       fmt::format("{}: production requirements not met: {}", path.string(),
                                   fmt::join(failed, ", ")),
                       {{"file", path.string()}, {"failed_checks", failed}});
  }
  if (!o.json) fmt::print("\n{}: valid, all production requirements met.\n", path.string());
  return exit_ok;
}

}  // namespace

void add_config_command(CLI::App& app, Action& action) {
  auto* config =
      app.add_subcommand("config", "Create, show or validate the production configuration file");
  config->require_subcommand(1);
  config->footer(
      "The file is ~/.bioxen/config.json unless --path or $BIOXEN_CONFIG names another; "
      "BIOXEN_<FIELD> variables override it.\n");

  auto add = [&](const char* name, const char* help, int (*run)(const ConfigOptions&),
                 bool with_force) {
    auto opts = std::make_shared<ConfigOptions>();
    auto* sub = config->add_subcommand(name, help);
    sub->add_option("--path", opts->path, "Configuration file (default: ~/.bioxen/config.json)");
    if (with_force) sub->add_flag("--force", opts->force, "Overwrite an existing file");
    sub->add_flag("--json", opts->json, "Print JSON on stdout");
    sub->callback([opts, run, &action] {
      action = [opts, run] { return guarded(opts->json, [&] { return run(*opts); }); };
    });
  };
  add("init", "Write a configuration file with the default values", config_init, true);
  add("show", "Print the configuration in effect and where each value comes from", config_show,
      false);
  add("validate",
      "Check the file (syntax, keys, types, ranges) and the five production requirements",
      config_validate, false);
}

}  // namespace bioxen::cli
