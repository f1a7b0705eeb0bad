// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// The production configuration in layers (ProductionConfigManager): defaults < file <
// environment, each value checked strictly and blamed on its layer; atomic saving; the
// production checks of the original library.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "bioxen/config_manager.hpp"
#include "bioxen/detail/json_read.hpp"
#include "bioxen/detail/utf8.hpp"
#include "bioxen/error_details.hpp"
#include "detail/production_config_file.hpp"
#include "detail/text_io.hpp"

namespace bioxen {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------
// ProductionConfig from JSON, strictly
// ---------------------------------------------------------------------------------------

namespace {

const nlohmann::json& default_config_json() {
  static const nlohmann::json j = ProductionConfig{};
  return j;
}

std::string upper_snake(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::string expected_type(const nlohmann::json& def) {
  if (def.is_boolean()) return "a boolean";
  if (def.is_number_integer()) return "an integer";
  if (def.is_number_float()) return "a number";
  if (def.is_string()) return "a string";
  return std::string(detail::json_kind(def));
}

// Where a layer's values come from: a file, an environment variable, an API caller.
struct Origin {
  std::string text;     // for messages: the file name, "environment variable BIOXEN_X"
  nlohmann::json info;  // for details: {"file": ...} or {"variable": ...}
};

[[noreturn]] void rethrow_with_origin(const Origin& origin, const BioXenException& e,
                                      std::string_view key) {
  nlohmann::json details = origin.info;
  details["key"] = key;
  if (e.details().contains("value")) details["value"] = e.details()["value"];
  throw BioXenException::invalid_configuration(fmt::format("{}: {}", origin.text, e.message()),
                                               std::move(details));
}

[[noreturn]] void unknown_key(const Origin& origin, std::string_view key) {
  detail::fail_unknown_key(detail::JsonContext{BioXenErrorCode::invalid_configuration, ""}, "", key,
                           ProductionConfigManager::field_names(), origin.info, origin.text);
}

// Checks one value against the field's type and representable range through the strict
// from_json of ProductionConfig; a failure names the origin and the key.
void check_field(const Origin& origin, const std::string& key, const nlohmann::json& value) {
  nlohmann::json probe = nlohmann::json::object();
  probe[key] = value;
  try {
    ProductionConfig c;
    from_json(probe, c);
  } catch (const BioXenException& e) {
    rethrow_with_origin(origin, e, key);
  }
}

// The key a BioXenException from ProductionConfig::validate() is about.
std::string key_of(const BioXenException& e) {
  for (const char* k : {"key", "field"}) {
    if (e.details().contains(k) && e.details()[k].is_string()) {
      return e.details()[k].get<std::string>();
    }
  }
  std::string best;
  for (const auto& [k, v] : default_config_json().items()) {
    if (e.message().find(k) != std::string::npos && k.size() > best.size()) best = k;
  }
  return best;
}

// Applies the keys of a JSON object layer onto `merged`, recording `source` per key.
void apply_layer(const Origin& origin, const nlohmann::json& j, nlohmann::json& merged,
                 std::map<std::string, std::string>* sources, const std::string& source) {
  if (!j.is_object()) {
    nlohmann::json details = origin.info;
    throw BioXenException::invalid_configuration(
        fmt::format("{}: expected a JSON object at the top level, got {}", origin.text,
                    detail::json_kind(j)),
        std::move(details));
  }
  for (const auto& [key, value] : j.items()) {
    if (!default_config_json().contains(key)) unknown_key(origin, key);
    check_field(origin, key, value);
    merged[key] = value;
    if (sources != nullptr) (*sources)[key] = source;
  }
}

}  // namespace

ProductionConfig production_config_from_json(const nlohmann::json& j, std::string_view origin) {
  const Origin o{std::string(origin), {{"source", origin}}};
  nlohmann::json merged = default_config_json();
  apply_layer(o, j, merged, nullptr, "");
  auto config = merged.get<ProductionConfig>();
  try {
    config.validate();
  } catch (const BioXenException& e) {
    rethrow_with_origin(o, e, key_of(e));
  }
  return config;
}

// ---------------------------------------------------------------------------------------
// ProductionConfigManager
// ---------------------------------------------------------------------------------------

ProductionConfigManager::ProductionConfigManager()
    : ProductionConfigManager(default_config_path()) {}

ProductionConfigManager::ProductionConfigManager(fs::path config_path)
    : config_path_(std::move(config_path)) {
  load();
}

fs::path ProductionConfigManager::default_config_path() {
  if (const char* env = std::getenv("BIOXEN_CONFIG"); env != nullptr && *env != '\0') {
    return fs::path(env);
  }
  const char* home = std::getenv("HOME");
  const fs::path base = (home != nullptr && *home != '\0') ? fs::path(home) : fs::path(".");
  return base / ".bioxen" / "config.json";
}

std::string ProductionConfigManager::environment_variable(std::string_view field) {
  return "BIOXEN_" + upper_snake(field);
}

std::vector<std::string> ProductionConfigManager::field_names() {
  // The JSON form decides what the fields are; ProductionConfig::keys gives their order.
  std::vector<std::string> names;
  for (auto k : ProductionConfig::keys) {
    if (default_config_json().contains(k)) names.emplace_back(k);
  }
  for (const auto& [k, v] : default_config_json().items()) {
    if (std::find(names.begin(), names.end(), k) == names.end()) names.push_back(k);
  }
  return names;
}

void ProductionConfigManager::reload() { load(); }

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Parses an environment value by the type of the field's default. Returns the JSON value
// or throws naming the variable.
nlohmann::json parse_env_value(const std::string& var, const std::string& key,
                               const std::string& text) {
  const nlohmann::json& def = default_config_json().at(key);
  const Origin origin{fmt::format("environment variable {}", var), {{"variable", var}}};
  const auto bad = [&](std::string_view what) {
    throw BioXenException::invalid_configuration(
        fmt::format("{}: key '{}': '{}' is not {}", origin.text, key, detail::printable(text),
                    what),
        {{"variable", var}, {"key", key}, {"value", detail::printable(text)}});
  };
  if (def.is_boolean()) {
    const auto l = lower(text);
    if (l == "true" || l == "1" || l == "yes" || l == "on") return true;
    if (l == "false" || l == "0" || l == "no" || l == "off") return false;
    bad("a boolean (true/false, 1/0, yes/no, on/off)");
  }
  if (def.is_number_integer()) {
    long long v = 0;
    const char* b = text.data();
    const char* e = b + text.size();
    const auto r = std::from_chars(b, e, v);
    if (r.ec == std::errc::result_out_of_range) bad("an integer in range");
    if (r.ec != std::errc() || r.ptr != e || text.empty()) bad(expected_type(def));
    return v;
  }
  if (def.is_number_float()) {
    if (text.empty() || std::isspace(static_cast<unsigned char>(text.front()))) {
      bad("a number");
    }
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size() || errno == ERANGE || !std::isfinite(v)) {
      bad("a number");
    }
    return v;
  }
  if (def.is_string()) {
    if (!detail::is_utf8(text)) bad("UTF-8 text");
    return text;
  }
  // A structured field: the variable holds its JSON.
  nlohmann::json parsed;
  if (const auto error = detail::parse_json_text(text, parsed)) {
    bad(fmt::format("valid JSON ({})", error->reason));
  }
  return parsed;
}

}  // namespace

void ProductionConfigManager::load() {
  const nlohmann::json& defaults = default_config_json();
  const auto fields = field_names();
  nlohmann::json merged = defaults;
  sources_.clear();
  for (const auto& k : fields) sources_[k] = "default";
  loaded_from_file_ = false;

  // Layer 2: the file.
  if (const auto text = detail::read_text_file_if_present(config_path_, "configuration file")) {
    loaded_from_file_ = true;
    const std::string file = config_path_.string();
    const nlohmann::json j = detail::parse_json_file_text(*text, config_path_);
    apply_layer(Origin{file, {{"file", file}}}, j, merged, &sources_, "file");
  }

  // Layer 3: the environment.
  for (const auto& key : fields) {
    const std::string var = environment_variable(key);
    const char* value = std::getenv(var.c_str());
    if (value == nullptr) continue;
    const nlohmann::json v = parse_env_value(var, key, value);
    check_field(Origin{fmt::format("environment variable {}", var), {{"variable", var}}}, key, v);
    merged[key] = v;
    sources_[key] = var;
  }

  ProductionConfig loaded = merged.get<ProductionConfig>();
  try {
    loaded.validate();
  } catch (const BioXenException& e) {
    // Name the layer that set the key; a default that conflicts with another field (the
    // reserve against a smaller pool) is blamed on the layers that changed something.
    const std::string key = key_of(e);
    const auto it = sources_.find(key);
    std::string src = it == sources_.end() ? "default" : it->second;
    if (src == "default") {
      for (const auto& [k, v] : sources_) {
        if (v != "default" && v != "file") src = v;
      }
      if (loaded_from_file_ && std::any_of(sources_.begin(), sources_.end(),
                                           [](const auto& kv) { return kv.second == "file"; })) {
        src = "file";
      }
    }
    if (src == "file") {
      const std::string file = config_path_.string();
      rethrow_with_origin(Origin{file, {{"file", file}}}, e, key);
    }
    if (src != "default") {
      rethrow_with_origin(Origin{fmt::format("environment variable {}", src), {{"variable", src}}},
                          e, key);
    }
    rethrow_with_origin(Origin{"configuration", nlohmann::json::object()}, e, key);
  }
  config = std::move(loaded);
}

void ProductionConfigManager::save_config() const {
  detail::save_config_file(config, config_path_);
}

void detail::save_config_file(const ProductionConfig& config, const fs::path& path,
                              const std::function<void(const fs::path&)>& before_rename) {
  try {
    config.validate();
  } catch (const BioXenException& e) {
    throw BioXenException::invalid_configuration(
        fmt::format("not saving an invalid configuration to '{}': {}", path.string(), e.message()),
        {{"file", path.string()}, {"key", key_of(e)}});
  }
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    fs::create_directories(dir, ec);
    if (ec) {
      throw BioXenException(
          BioXenErrorCode::io_error,
          fmt::format("cannot write '{}': cannot create directory '{}': {}", path.string(),
                      dir.string(), ec.message()),
          {{"file", path.string()}, {"step", "cannot create directory"}, {"reason", ec.message()}});
    }
    // A new directory for a file that may hold secrets is private.
    fs::permissions(dir, fs::perms::owner_all, ec);
  }
  detail::write_file_atomically(path, nlohmann::json(config).dump(2) + "\n",
                                fs::perms::owner_read | fs::perms::owner_write, before_rename);
}

std::map<std::string, bool> ProductionConfigManager::validate_production_requirements() const {
  const auto& c = config;
  const double total = static_cast<double>(c.total_ribosomes);
  const std::string level = c.log_level;
  return {
      {"resource_limits_safe",
       static_cast<double>(c.max_ribosome_allocation) <= total * (1.0 - c.hypervisor_overhead)},
      {"emergency_reserve_adequate",
       static_cast<double>(c.emergency_ribosome_reserve) >= total * 0.1},
      {"vm_limits_reasonable", c.max_vms <= 8},
      {"monitoring_enabled", c.enable_monitoring},
      {"logging_configured",
       level == "DEBUG" || level == "INFO" || level == "WARNING" || level == "ERROR"},
  };
}

}  // namespace bioxen
