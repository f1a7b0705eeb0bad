// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#include "bioxen/config_manager.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>

#include "bioxen/detail/json_read.hpp"
#include "bioxen/detail/secrets.hpp"
#include "bioxen/error_details.hpp"
#include "bioxen/genome.hpp"

namespace bioxen {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------
// detail helpers
// ---------------------------------------------------------------------------------------

namespace detail {

TextPosition text_position(std::string_view text, std::size_t byte) noexcept {
  // nlohmann counts `byte` from 1 for the last character read; 0 means nothing was read.
  const std::size_t end = std::min(byte == 0 ? 0 : byte - 1, text.size());
  TextPosition pos;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++pos.line;
      line_start = i + 1;
    }
  }
  pos.column = end - line_start + 1;
  return pos;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string nearest_key(std::string_view key, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::string::npos;
  const auto lower = [](std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
  };
  const std::string k = lower(key);
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(k, lower(c));
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  // Close enough to be a typo: at most a third of the longer name (and at least 2 edits).
  const std::size_t limit = std::max<std::size_t>(2, std::max(k.size(), best.size()) / 3);
  return best_distance <= limit ? best : std::string();
}

nlohmann::json parse_json_file_text(std::string_view text, const fs::path& file) {
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    const auto pos = text_position(text, e.byte);
    // nlohmann's what() is "[json.exception.parse_error.101] parse error at line 1, column 2:
    // <reason>"; keep only the reason.
    std::string reason = e.what();
    if (const auto colon = reason.find(": "); colon != std::string::npos) {
      reason.erase(0, colon + 2);
    }
    // "last read: '...'" quotes the file's text, which may hold a secret.
    if (const auto quote = reason.find("; last read"); quote != std::string::npos) {
      reason.erase(quote);
    }
    throw BioXenException::invalid_configuration(
        fmt::format("{}:{}:{}: malformed JSON: {}", file.string(), pos.line, pos.column, reason),
        {{"file", file.string()}, {"line", pos.line}, {"column", pos.column}, {"reason", reason}});
  }
}

bool read_text_file(const fs::path& file, std::string& out) {
  std::error_code ec;
  const auto st = fs::status(file, ec);
  if (ec || !fs::exists(st)) {
    if (ec && ec != std::errc::no_such_file_or_directory) {
      throw BioXenException(BioXenErrorCode::io_error,
                            fmt::format("cannot read '{}': {}", file.string(), ec.message()),
                            {{"file", file.string()}, {"reason", ec.message()}});
    }
    return false;
  }
  if (fs::is_directory(st)) {
    throw BioXenException(BioXenErrorCode::io_error,
                          fmt::format("cannot read '{}': it is a directory", file.string()),
                          {{"file", file.string()}, {"reason", "is a directory"}});
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    const std::string reason = std::strerror(errno);
    throw BioXenException(BioXenErrorCode::io_error,
                          fmt::format("cannot read '{}': {}", file.string(), reason),
                          {{"file", file.string()}, {"reason", reason}});
  }
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) {
    throw BioXenException(BioXenErrorCode::io_error,
                          fmt::format("cannot read '{}': read error", file.string()),
                          {{"file", file.string()}, {"reason", "read error"}});
  }
  return true;
}

namespace {

[[noreturn]] void throw_io(const fs::path& file, std::string_view what, int err) {
  const std::string reason = std::strerror(err);
  throw BioXenException(BioXenErrorCode::io_error,
                        fmt::format("cannot write '{}': {}: {}", file.string(), what, reason),
                        {{"file", file.string()}, {"step", what}, {"reason", reason}});
}

// Removes the temporary file unless released.
class TempFileGuard {
 public:
  explicit TempFileGuard(std::string path) : path_(std::move(path)) {}
  TempFileGuard(const TempFileGuard&) = delete;
  TempFileGuard& operator=(const TempFileGuard&) = delete;
  ~TempFileGuard() {
    if (fd_ >= 0) ::close(fd_);
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  void set_fd(int fd) noexcept { fd_ = fd; }
  int close_fd() noexcept {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }
  void release() noexcept { path_.clear(); }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace

void write_file_atomically(const fs::path& link, std::string_view content, fs::perms mode,
                           const std::function<void(const fs::path&)>& before_rename) {
  // A symlinked configuration (dotfile managers) is replaced at its target, keeping the link.
  std::error_code link_ec;
  const fs::path file = fs::is_symlink(link, link_ec) ? fs::weakly_canonical(link, link_ec) : link;
  const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    fs::create_directories(dir, ec);
    if (ec) {
      throw BioXenException(BioXenErrorCode::io_error,
                            fmt::format("cannot write '{}': cannot create directory '{}': {}",
                                        file.string(), dir.string(), ec.message()),
                            {{"file", file.string()}, {"reason", ec.message()}});
    }
    // A new directory for a file that may hold secrets is private.
    fs::permissions(dir, fs::perms::owner_all, ec);
  }
  std::string tmpl = (dir / ("." + file.filename().string() + ".tmp.XXXXXX")).string();
  const int fd = ::mkstemp(tmpl.data());  // mode 0600 from the start
  if (fd < 0) throw_io(file, "cannot create a temporary file", errno);
  TempFileGuard guard(tmpl);
  guard.set_fd(fd);
  if (::fchmod(fd, static_cast<mode_t>(mode)) != 0) throw_io(file, "fchmod", errno);
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_io(file, "write", errno);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) throw_io(file, "fsync", errno);
  if (guard.close_fd() != 0) throw_io(file, "close", errno);
  if (before_rename) before_rename(fs::path(tmpl));
  if (::rename(tmpl.c_str(), file.c_str()) != 0) throw_io(file, "rename", errno);
  guard.release();
  // Make the rename itself durable.
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

std::function<void(const fs::path&)>& config_save_hook() {
  static std::function<void(const fs::path&)> hook;
  return hook;
}

}  // namespace detail

// ---------------------------------------------------------------------------------------
// ConfigManager
// ---------------------------------------------------------------------------------------

namespace {

struct TypeDefaults {
  std::string_view name;
  double max_atp;
  std::uint32_t max_ribosomes;
  std::string_view flag1;
  std::string_view flag2;
};

// The seed's load_defaults values (resource limits and flags per biological type).
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

std::string_view json_type_name(const nlohmann::json& v) {
  if (v.is_boolean()) return "boolean";
  if (v.is_number_integer()) return "integer";
  if (v.is_number()) return "number";
  if (v.is_string()) return "string";
  if (v.is_object()) return "object";
  if (v.is_array()) return "array";
  return "null";
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
    if (!c.is_object()) fail("", fmt::format("expected a JSON object, got {}", json_type_name(c)));
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

  [[noreturn]] void unknown(std::string_view key, const std::vector<std::string>& valid) const {
    const std::string near = detail::nearest_key(key, valid);
    nlohmann::json details = {{"vm_type", vm_type_}, {"key", key}};
    std::string hint;
    if (!near.empty()) {
      details["suggestion"] = near;
      hint = fmt::format(" (did you mean '{}'?)", near);
    } else {
      hint = fmt::format(" (valid keys: {})", joined(valid));
    }
    throw BioXenException::invalid_configuration(
        fmt::format("invalid VM configuration for vm type '{}': unknown key '{}'{}", vm_type_, key,
                    hint),
        std::move(details));
  }

  // An integer in [lo, hi]; the factory converts it to int, so nothing may be truncated.
  void check_int(const std::string& path, const nlohmann::json& v, std::int64_t lo, std::int64_t hi,
                 std::string_view what) const {
    if (!v.is_number_integer()) {
      fail(path, fmt::format("expected {}, got {}", what, json_type_name(v)));
    }
    if (v.is_number_unsigned()) {
      const auto u = v.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(hi) || static_cast<std::int64_t>(u) < lo) {
        fail(path, fmt::format("{} is out of range {}..{}", u, lo, hi));
      }
      return;
    }
    const auto x = v.get<std::int64_t>();
    if (x < lo || x > hi) fail(path, fmt::format("{} is out of range {}..{}", x, lo, hi));
  }
  static constexpr std::int64_t int_max = std::numeric_limits<int>::max();

  void check_key(const std::string& key, const nlohmann::json& v) const {
    const auto expect = [&](bool ok, std::string_view what) {
      if (!ok) fail(key, fmt::format("expected {}, got {}", what, json_type_name(v)));
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
    } else if (key == "atp_percentage") {
      expect(v.is_number(), "a number");
      const double a = v.get<double>();
      if (!(a >= 0.0 && a <= 100.0)) fail(key, fmt::format("{} is out of range 0..100", a));
    } else if (key == "resource_limits") {
      expect(v.is_object(), "an object");
      for (const auto& [k, x] : v.items()) {
        const std::string path = "resource_limits." + k;
        if (k == "max_atp") {
          if (!x.is_number())
            fail(path, fmt::format("expected a number, got {}", json_type_name(x)));
          const double a = x.get<double>();
          if (!(a >= 0.0 && a <= 100.0)) fail(path, fmt::format("{} is out of range 0..100", a));
        } else if (k == "max_ribosomes") {
          check_int(path, x, 0, int_max, "a non-negative integer");
        } else {
          std::vector<std::string> valid;
          for (const auto& n : resource_limit_keys()) valid.push_back("resource_limits." + n);
          unknown(path, valid);
        }
      }
    } else if (key == "xcpng_config") {
      expect(v.is_object(), "an object");
      for (const auto& [k, x] : v.items()) {
        const std::string path = "xcpng_config." + k;
        if (std::find(xcpng_keys().begin(), xcpng_keys().end(), k) == xcpng_keys().end()) {
          std::vector<std::string> valid;
          for (const auto& n : xcpng_keys()) valid.push_back("xcpng_config." + n);
          unknown(path, valid);
        }
        if (k == "vm_vcpus") {
          check_int(path, x, 1, 1024, "a positive integer");
        } else if (!x.is_string()) {
          fail(path, fmt::format("expected a string, got {}", json_type_name(x)));
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
      expect(v.is_boolean(), "a boolean");  // the seed's per-type flags
    } else if (!detail::nearest_key(key, vm_config_keys()).empty()) {
      unknown(key, vm_config_keys());  // a typo of a known key
    }
    // Any other key is the user's own annotation: carried along, as in the seed.
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
  std::string text;
  if (!detail::read_text_file(path, text)) {
    throw BioXenException(BioXenErrorCode::io_error,
                          fmt::format("configuration file not found: '{}'", path.string()),
                          {{"file", path.string()}, {"reason", "not found"}});
  }
  nlohmann::json j = detail::parse_json_file_text(text, path);
  if (!j.is_object()) {
    throw BioXenException::invalid_configuration(
        fmt::format("{}: expected a JSON object at the top level, got {}", path.string(),
                    json_type_name(j)),
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
  return std::string(json_type_name(def));
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
  const auto fields = ProductionConfigManager::field_names();
  const auto near = detail::nearest_key(key, fields);
  nlohmann::json details = origin.info;
  details["key"] = detail::printable(key);
  if (!near.empty()) details["suggestion"] = near;
  throw BioXenException::invalid_configuration(
      near.empty() ? fmt::format("{}: unknown key '{}' (valid keys: {})", origin.text,
                                 detail::printable(key), joined(fields))
                   : fmt::format("{}: unknown key '{}' (did you mean '{}'?)", origin.text,
                                 detail::printable(key), near),
      std::move(details));
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
                    json_type_name(j)),
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
  if (def.is_string()) return text;
  // A structured field: the variable holds its JSON.
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (parsed.is_discarded()) bad("valid JSON");
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
  std::string text;
  if (detail::read_text_file(config_path_, text)) {
    loaded_from_file_ = true;
    const std::string file = config_path_.string();
    const nlohmann::json j = detail::parse_json_file_text(text, config_path_);
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
  try {
    config.validate();
  } catch (const BioXenException& e) {
    throw BioXenException::invalid_configuration(
        fmt::format("not saving an invalid configuration to '{}': {}", config_path_.string(),
                    e.message()),
        {{"file", config_path_.string()}, {"key", key_of(e)}});
  }
  const std::string content = nlohmann::json(config).dump(2) + "\n";
  detail::write_file_atomically(config_path_, content,
                                fs::perms::owner_read | fs::perms::owner_write,
                                detail::config_save_hook());
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
