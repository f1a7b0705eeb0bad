// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// VM configurations (ConfigManager): the per-type defaults of the original library, loading
// from a file, validation and merging.
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <limits>

#include "bioxen/config_manager.hpp"
#include "bioxen/detail/json_read.hpp"
#include "bioxen/error_details.hpp"
#include "bioxen/genome.hpp"
#include "detail/text_io.hpp"

namespace bioxen {

namespace fs = std::filesystem;

namespace {

struct TypeDefaults {
  std::string_view name;
  double max_atp;
  std::uint32_t max_ribosomes;
  std::string_view flag1;
  std::string_view flag2;
};

// The original library's load_defaults values (resource limits and flags per biological type).
constexpr TypeDefaults type_defaults[] = {
    {"syn3a", 70.0, 15, "genome_optimization", "minimal_mode"},
    {"ecoli", 90.0, 30, "operon_management", "plasmid_support"},
    {"minimal_cell", 60.0, 12, "basic_functions_only", "function_validation"},
};

const TypeDefaults* find_type(std::string_view name) {
  for (const auto& t : type_defaults) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::string joined(const std::vector<std::string>& names) {
  return fmt::format("{}", fmt::join(names, ", "));
}

std::vector<std::string> biological_type_names() {
  std::vector<std::string> v;
  for (const auto& t : type_defaults) v.emplace_back(t.name);
  return v;
}

const std::vector<std::string>& vm_config_keys() {
  static const std::vector<std::string> keys = {"biological_type",
                                                "vm_type",
                                                "genome",
                                                "ribosomes",
                                                "atp_percentage",
                                                "rna_polymerase",
                                                "memory_kb",
                                                "priority",
                                                "allow_incompatible_code",
                                                "resource_limits",
                                                "xcpng_config",
                                                "genome_optimization",
                                                "minimal_mode",
                                                "operon_management",
                                                "plasmid_support",
                                                "basic_functions_only",
                                                "function_validation"};
  return keys;
}
const std::vector<std::string>& resource_limit_keys() {
  static const std::vector<std::string> keys = {"max_atp", "max_ribosomes"};
  return keys;
}
const std::vector<std::string>& xcpng_required_keys() {
  static const std::vector<std::string> keys = {"xapi_url", "username", "password", "ssh_user"};
  return keys;
}
const std::vector<std::string>& xcpng_keys() {
  static const std::vector<std::string> keys = {
      "xapi_url",     "username",     "password",           "ssh_user",  "template_name",
      "ssh_key_path", "network_uuid", "storage_repository", "vm_memory", "vm_vcpus"};
  return keys;
}

// Problems in a VM configuration; never includes a value (it may be a secret).
class VmConfigChecker {
 public:
  explicit VmConfigChecker(std::string_view vm_type) : vm_type_(vm_type) {}

  void check(const nlohmann::json& c) const {
    if (vm_type_ != "basic" && vm_type_ != "xcpng") {
      fail("", fmt::format("unsupported vm type '{}' (supported: basic, xcpng)", vm_type_));
    }
    if (c.is_null()) {
      if (vm_type_ == "xcpng") missing_xcpng(xcpng_required_keys());
      return;
    }
    if (!c.is_object())
      fail("", fmt::format("expected a JSON object, got {}", detail::json_kind(c)));
    for (const auto& [key, value] : c.items()) check_key(key, value);
    if (vm_type_ == "xcpng") {
      if (!c.contains("xcpng_config")) missing_xcpng(xcpng_required_keys());
      std::vector<std::string> missing;
      for (const auto& k : xcpng_required_keys()) {
        if (!c["xcpng_config"].contains(k)) missing.push_back(k);
      }
      if (!missing.empty()) missing_xcpng(missing);
    }
  }

 private:
  [[noreturn]] void fail(std::string_view key, std::string_view problem) const {
    nlohmann::json details = {{"vm_type", vm_type_}};
    if (!key.empty()) details["key"] = key;
    throw BioXenException::invalid_configuration(
        key.empty()
            ? fmt::format("invalid VM configuration for vm type '{}': {}", vm_type_, problem)
            : fmt::format("invalid VM configuration for vm type '{}': key '{}': {}", vm_type_, key,
                          problem),
        std::move(details));
  }

  [[noreturn]] void missing_xcpng(const std::vector<std::string>& missing) const {
    throw BioXenException::invalid_configuration(
        fmt::format("vm type 'xcpng' requires a config with xcpng_config.{{xapi_url, username, "
                    "password, ssh_user}}; missing: {}",
                    joined(missing)),
        {{"vm_type", "xcpng"}, {"key", "xcpng_config"}, {"missing", missing}});
  }

  // A key of the object at `parent` ("" for the top level) outside `valid`.
  [[noreturn]] void unknown(std::string_view parent, std::string_view key,
                            const std::vector<std::string>& valid) const {
    detail::fail_unknown_key(detail::JsonContext{BioXenErrorCode::invalid_configuration, ""},
                             parent, key, valid, {{"vm_type", vm_type_}},
                             fmt::format("invalid VM configuration for vm type '{}'", vm_type_));
  }

  // An integer in [lo, hi]; the factory converts it to int, so nothing may be truncated.
  void check_int(const std::string& path, const nlohmann::json& v, std::int64_t lo, std::int64_t hi,
                 std::string_view what) const {
    if (!v.is_number_integer()) {
      fail(path, fmt::format("expected {}, got {}", what, detail::json_kind(v)));
    }
    if (v.is_number_unsigned()) {
      const auto u = v.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(hi) || static_cast<std::int64_t>(u) < lo) {
        fail(path, fmt::format("{} is out of range [{}, {}]", u, lo, hi));
      }
      return;
    }
    const auto x = v.get<std::int64_t>();
    if (x < lo || x > hi) fail(path, fmt::format("{} is out of range [{}, {}]", x, lo, hi));
  }
  static constexpr std::int64_t int_max = std::numeric_limits<int>::max();

  void check_key(const std::string& key, const nlohmann::json& v) const {
    const auto expect = [&](bool ok, std::string_view what) {
      if (!ok) fail(key, fmt::format("expected {}, got {}", what, detail::json_kind(v)));
    };
    if (key == "biological_type") {
      expect(v.is_string(), "a string");
      if (!find_type(v.get<std::string>())) {
        fail(key, fmt::format("unsupported biological type (supported: {})",
                              joined(biological_type_names())));
      }
    } else if (key == "vm_type") {
      expect(v.is_string(), "a string");
      if (v.get<std::string>() != vm_type_) {
        fail(key, fmt::format("names vm type '{}' but the VM is of type '{}'", v.get<std::string>(),
                              vm_type_));
      }
    } else if (key == "genome") {
      expect(v.is_string(), "a string");
      const auto names = builtin_genome_names();
      if (std::find(names.begin(), names.end(), v.get<std::string>()) == names.end()) {
        fail(key, fmt::format("unknown built-in genome (built-in: {})", joined(names)));
      }
    } else if (key == "ribosomes" || key == "rna_polymerase") {
      check_int(key, v, 0, int_max, "a non-negative integer");
    } else if (key == "memory_kb") {
      check_int(key, v, 0, std::numeric_limits<std::int64_t>::max(), "a positive integer");
      if (v.get<std::int64_t>() == 0) fail(key, "must be at least 1 kb");
    } else if (key == "priority") {
      check_int(key, v, 1, 5, "an integer");
    } else if (key == "allow_incompatible_code") {
      expect(v.is_boolean(), "true or false");
    } else if (key == "atp_percentage") {
      expect(v.is_number(), "a number");
      const double a = v.get<double>();
      if (!(a >= 0.0 && a <= 100.0)) fail(key, fmt::format("{} is out of range [0, 100]", a));
    } else if (key == "resource_limits") {
      expect(v.is_object(), "an object");
      for (const auto& [k, x] : v.items()) {
        const std::string path = "resource_limits." + k;
        if (k == "max_atp") {
          if (!x.is_number())
            fail(path, fmt::format("expected a number, got {}", detail::json_kind(x)));
          const double a = x.get<double>();
          if (!(a >= 0.0 && a <= 100.0)) fail(path, fmt::format("{} is out of range [0, 100]", a));
        } else if (k == "max_ribosomes") {
          check_int(path, x, 0, int_max, "a non-negative integer");
        } else {
          unknown("resource_limits", k, resource_limit_keys());
        }
      }
    } else if (key == "xcpng_config") {
      expect(v.is_object(), "an object");
      for (const auto& [k, x] : v.items()) {
        const std::string path = "xcpng_config." + k;
        if (std::find(xcpng_keys().begin(), xcpng_keys().end(), k) == xcpng_keys().end()) {
          unknown("xcpng_config", k, xcpng_keys());
        }
        if (k == "vm_vcpus") {
          check_int(path, x, 1, 1024, "a positive integer");
        } else if (!x.is_string()) {
          fail(path, fmt::format("expected a string, got {}", detail::json_kind(x)));
        } else if (x.get<std::string>().empty() &&
                   std::find(xcpng_required_keys().begin(), xcpng_required_keys().end(), k) !=
                       xcpng_required_keys().end()) {
          fail(path, "must not be empty");
        }
      }
      if (v.contains("xapi_url") && v["xapi_url"].is_string()) {
        const auto url = v["xapi_url"].get<std::string>();
        if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
          fail("xcpng_config.xapi_url", "must start with https:// or http://");
        }
      }
    } else if (std::find(vm_config_keys().begin(), vm_config_keys().end(), key) !=
               vm_config_keys().end()) {
      expect(v.is_boolean(), "a boolean");  // the original library's per-type flags
    } else if (!detail::nearest_key(key, vm_config_keys()).empty()) {
      unknown("", key, vm_config_keys());  // a typo of a known key
    }
    // Any other key is the user's own annotation: carried along, as in the original library.
  }

  std::string vm_type_;
};

}  // namespace

nlohmann::json ConfigManager::load_defaults(std::string_view biological_type) {
  return load_defaults(biological_type, ProductionConfig{});
}

nlohmann::json ConfigManager::load_defaults(std::string_view biological_type,
                                            const ProductionConfig& config) {
  const TypeDefaults* t = find_type(biological_type);
  if (t == nullptr) {
    throw BioXenException(
        BioXenErrorCode::invalid_argument,
        fmt::format("unsupported biological type '{}' (supported: {})", biological_type,
                    joined(biological_type_names())),
        {{"biological_type", biological_type}, {"supported", biological_type_names()}});
  }
  const GenomePtr genome = builtin_genome(t->name);
  const std::uint64_t memory_kb =
      std::min<std::uint64_t>(genome->size_kb(), static_cast<std::uint64_t>(config.max_memory_kb));
  nlohmann::json d;
  d["resource_limits"] = {{"max_atp", t->max_atp}, {"max_ribosomes", t->max_ribosomes}};
  d[std::string(t->flag1)] = true;
  d[std::string(t->flag2)] = true;
  d["genome"] = t->name;
  d["memory_kb"] = memory_kb;
  d["priority"] = 1;
  return d;
}

nlohmann::json ConfigManager::get_default_config(std::string_view biological_type,
                                                 std::string_view vm_type) {
  if (vm_type != "basic" && vm_type != "xcpng") {
    throw BioXenException(
        BioXenErrorCode::invalid_argument,
        fmt::format("unsupported vm type '{}' (supported: basic, xcpng)", vm_type),
        {{"vm_type", vm_type}});
  }
  nlohmann::json c = load_defaults(biological_type);
  c["biological_type"] = biological_type;
  c["vm_type"] = vm_type;
  return c;
}

nlohmann::json ConfigManager::load_from_file(const fs::path& path) {
  const std::string text = detail::read_text_file(path, "VM configuration file");
  nlohmann::json j = detail::parse_json_file_text(text, path);
  if (!j.is_object()) {
    throw BioXenException::invalid_configuration(
        fmt::format("{}: expected a JSON object at the top level, got {}", path.string(),
                    detail::json_kind(j)),
        {{"file", path.string()}});
  }
  return j;
}

bool ConfigManager::validate_config(const nlohmann::json& config, std::string_view vm_type) {
  try {
    check_config(config, vm_type);
    return true;
  } catch (const BioXenException&) {
    return false;
  }
}

void ConfigManager::check_config(const nlohmann::json& config, std::string_view vm_type) {
  VmConfigChecker(vm_type).check(config);
}

nlohmann::json ConfigManager::merge_configs(const nlohmann::json& base,
                                            const nlohmann::json& override_config) {
  if (!base.is_object() || !override_config.is_object()) {
    return override_config.is_null() ? base : override_config;
  }
  nlohmann::json merged = base;
  for (const auto& [key, value] : override_config.items()) {
    if (merged.contains(key) && merged[key].is_object() && value.is_object()) {
      merged[key] = merge_configs(merged[key], value);
    } else {
      merged[key] = value;
    }
  }
  return merged;
}

}  // namespace bioxen
