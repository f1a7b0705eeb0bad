// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#pragma once

#include <fmt/format.h>
#include <spdlog/common.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "bioxen/export.hpp"

namespace spdlog {
class logger;
}  // namespace spdlog

namespace bioxen {

struct ProductionConfig;
class HypervisorObserver;

/// How a ProductionLogger writes its records.
enum class LogFormat {
  text,  ///< the original library's format: "2025-09-06 12:00:00,123 - bioxen.api - INFO - message"
  json,  ///< one JSON object per line: time (UTC, ISO 8601), logger, level, message, fields
};

/// "text" or "json".
BIOXEN_API std::string_view to_string(LogFormat format) noexcept;
/// Parses "text" | "json" (case-insensitive); throws BioXenException(invalid_configuration).
BIOXEN_API LogFormat log_format_from_string(std::string_view name);
BIOXEN_API void to_json(nlohmann::json& j, LogFormat f);
BIOXEN_API void from_json(const nlohmann::json& j, LogFormat& f);

/// Parses a level name of the original library ("DEBUG", "INFO", "WARNING", "ERROR") or "TRACE",
/// "CRITICAL", "OFF", case-insensitive ("WARN" is accepted for "WARNING"); throws
/// BioXenException(invalid_configuration) naming the accepted values.
///
/// @code
/// auto lvl = bioxen::parse_log_level("WARNING");   // spdlog::level::warn
/// @endcode
BIOXEN_API spdlog::level::level_enum parse_log_level(std::string_view name);
/// The original library's (Python's) name of a level: "DEBUG", "INFO", "WARNING", "ERROR",
/// "CRITICAL"; "TRACE" and "OFF" for the two spdlog levels Python does not have.
BIOXEN_API std::string_view log_level_name(spdlog::level::level_enum level) noexcept;

/// The spdlog pattern of the text format; `%*` is the original library's level name ("WARNING").
inline constexpr std::string_view seed_text_pattern = "%Y-%m-%d %H:%M:%S,%e - %n - %* - %v";

/// How to set up a ProductionLogger.
struct BIOXEN_API LoggerOptions {
  LogFormat format = LogFormat::text;
  std::string level = "INFO";  ///< a name accepted by parse_log_level()
  /// Sinks of a new logger; empty means one stderr sink (the original library's StreamHandler).
  /// With sinks given, a private logger is made even when the name is registered already (tests).
  std::vector<spdlog::sink_ptr> sinks;
  /// Register a new logger in spdlog's registry under its name (so spdlog::get finds it).
  bool register_logger = true;

  /// Level from `config.log_level`, text format, stderr.
  static LoggerOptions from_config(const ProductionConfig& config);
};

/// Production logging for BioXen operations: a spdlog logger named `bioxen.NAME`.
///
/// If a logger of that name is registered already (by the host program or an earlier
/// ProductionLogger) it is reused exactly as it is: its sinks, pattern and level are never
/// touched. Otherwise a new logger with its own stderr sink is made and registered. BioXen
/// never calls spdlog::set_default_logger, set_pattern or set_level: the host program's
/// default logger and sinks stay as the host set them up.
///
/// @code
/// bioxen::ProductionLogger log{"api"};
/// log.log_vm_operation("start", "vm1", true, {{"duration_ms", 0.4}});
/// // 2025-09-06 12:00:00,123 - bioxen.api - INFO - VM operation successful: start
/// //   vm_id=vm1 success=true duration_ms=0.4
/// @endcode
class BIOXEN_API ProductionLogger {
 public:
  explicit ProductionLogger(std::string_view name, LoggerOptions options = {});
  /// Level from `config.log_level`; other options as given.
  ProductionLogger(std::string_view name, const ProductionConfig& config,
                   LoggerOptions options = {});

  /// "bioxen.<name>".
  const std::string& name() const noexcept { return name_; }
  /// The format this logger's records are written in (text for a reused foreign logger).
  LogFormat format() const noexcept { return format_; }
  /// The underlying spdlog logger (shared with the registry).
  const std::shared_ptr<spdlog::logger>& logger() const noexcept { return logger_; }

  /// Sets the level of this logger (a name accepted by parse_log_level()).
  void set_level(std::string_view level);
  /// The current level's seed name, e.g. "INFO".
  std::string level() const;

  /// A structured record of a VM operation: INFO "VM operation successful: <operation>" or
  /// ERROR "VM operation failed: <operation>" with the fields operation, vm_id, success,
  /// timestamp (seconds since the epoch) and the entries of `details` (an object; secrets
  /// such as passwords are replaced by "***"; keys that clash with the fixed fields are kept
  /// under "details").
  void log_vm_operation(std::string_view operation, std::string_view vm_id, bool success,
                        const nlohmann::json& details = nlohmann::json::object());

  /// A HypervisorObserver that writes every lifecycle operation of the hypervisors it is
  /// attached to as a log_vm_operation() record: operation ("start_vm"), vm_id, success,
  /// latency_ms, and on failure error (the BX code) and reason. It shares this logger.
  ///
  /// @code
  /// bioxen::ProductionLogger log{"hypervisor"};
  /// hv.add_observer(log.make_observer());
  /// @endcode
  std::shared_ptr<HypervisorObserver> make_observer() const;

  /// A record at the given level with optional structured fields (secrets redacted).
  void log(spdlog::level::level_enum level, std::string_view message,
           const nlohmann::json& fields = nlohmann::json::object());
  void debug(std::string_view message, const nlohmann::json& fields = nlohmann::json::object()) {
    log(spdlog::level::debug, message, fields);
  }
  void info(std::string_view message, const nlohmann::json& fields = nlohmann::json::object()) {
    log(spdlog::level::info, message, fields);
  }
  void warning(std::string_view message, const nlohmann::json& fields = nlohmann::json::object()) {
    log(spdlog::level::warn, message, fields);
  }
  void error(std::string_view message, const nlohmann::json& fields = nlohmann::json::object()) {
    log(spdlog::level::err, message, fields);
  }

 private:
  void emit(spdlog::level::level_enum level, std::string_view message,
            const nlohmann::ordered_json& fields);

  std::string name_;
  LogFormat format_ = LogFormat::text;
  std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace bioxen

template <>
struct BIOXEN_API fmt::formatter<bioxen::LogFormat> : fmt::formatter<std::string_view> {
  auto format(bioxen::LogFormat f, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(bioxen::to_string(f), ctx);
  }
};
