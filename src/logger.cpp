// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#include "bioxen/logger.hpp"

#include <spdlog/details/log_msg.h>
#include <spdlog/formatter.h>
#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <map>
#include <mutex>

#include "bioxen/config.hpp"
#include "bioxen/detail/secrets.hpp"
#include "bioxen/error_details.hpp"
#include "bioxen/observer.hpp"

namespace bioxen {

namespace {

// Marks a payload that carries a structured record (RFC 7464 uses the same character to
// start a JSON text in a sequence); it never occurs in ordinary messages.
constexpr char record_marker = '\x1e';

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

// `%*`: the original library's level name.
class SeedLevelFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const auto name = log_level_name(msg.level);
    dest.append(name.data(), name.data() + name.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<SeedLevelFlag>();
  }
};

std::unique_ptr<spdlog::formatter> make_text_formatter() {
  auto f = std::make_unique<spdlog::pattern_formatter>();
  f->add_flag<SeedLevelFlag>('*').set_pattern(std::string(seed_text_pattern));
  return f;
}

std::string iso8601_utc(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch());
  const std::time_t secs = static_cast<std::time_t>(ms.count() / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                     static_cast<int>(ms.count() % 1000));
}

// One JSON object per line: {"time", "logger", "level", "message", ...fields}.
class JsonLineFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    nlohmann::ordered_json line;
    line["time"] = iso8601_utc(msg.time);
    line["logger"] = std::string_view(msg.logger_name.data(), msg.logger_name.size());
    line["level"] = log_level_name(msg.level);
    const std::string_view payload(msg.payload.data(), msg.payload.size());
    if (!payload.empty() && payload.front() == record_marker) {
      const auto record = nlohmann::ordered_json::parse(payload.substr(1), nullptr, false);
      if (record.is_object()) {
        for (const auto& [k, v] : record.items()) line[k] = v;
      } else {
        line["message"] = payload.substr(1);
      }
    } else {
      line["message"] = payload;
    }
    const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    dest.append(text.data(), text.data() + text.size());
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonLineFormatter>();
  }
};

// The formats of the loggers this library made, so that a ProductionLogger reusing one of
// them writes payloads its formatter understands. Foreign loggers count as text.
std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}
struct OwnLogger {
  std::weak_ptr<spdlog::logger> logger;
  LogFormat format = LogFormat::text;
};
std::map<std::string, OwnLogger, std::less<>>& own_loggers() {
  static std::map<std::string, OwnLogger, std::less<>> m;
  return m;
}

}  // namespace

std::string_view to_string(LogFormat format) noexcept {
  return format == LogFormat::json ? "json" : "text";
}

LogFormat log_format_from_string(std::string_view name) {
  const auto u = upper(name);
  if (u == "TEXT") return LogFormat::text;
  if (u == "JSON") return LogFormat::json;
  throw BioXenException::invalid_configuration(
      fmt::format("unknown log format '{}' (expected text or json)", name),
      {{"key", "log_format"}, {"value", name}});
}

void to_json(nlohmann::json& j, LogFormat f) { j = to_string(f); }
void from_json(const nlohmann::json& j, LogFormat& f) {
  if (!j.is_string()) {
    throw BioXenException::invalid_configuration("log format must be a string",
                                                 {{"key", "log_format"}});
  }
  f = log_format_from_string(j.get<std::string>());
}

spdlog::level::level_enum parse_log_level(std::string_view name) {
  const auto u = upper(name);
  if (u == "TRACE") return spdlog::level::trace;
  if (u == "DEBUG") return spdlog::level::debug;
  if (u == "INFO") return spdlog::level::info;
  if (u == "WARNING" || u == "WARN") return spdlog::level::warn;
  if (u == "ERROR") return spdlog::level::err;
  if (u == "CRITICAL") return spdlog::level::critical;
  if (u == "OFF") return spdlog::level::off;
  throw BioXenException::invalid_configuration(
      fmt::format("unknown log level '{}' (expected one of TRACE, DEBUG, INFO, WARNING, ERROR, "
                  "CRITICAL, OFF)",
                  name),
      {{"key", "log_level"}, {"value", name}});
}

std::string_view log_level_name(spdlog::level::level_enum level) noexcept {
  switch (level) {
    case spdlog::level::trace:
      return "TRACE";
    case spdlog::level::debug:
      return "DEBUG";
    case spdlog::level::info:
      return "INFO";
    case spdlog::level::warn:
      return "WARNING";
    case spdlog::level::err:
      return "ERROR";
    case spdlog::level::critical:
      return "CRITICAL";
    default:
      return "OFF";
  }
}

LoggerOptions LoggerOptions::from_config(const ProductionConfig& config) {
  LoggerOptions o;
  o.level = config.log_level;
  return o;
}

ProductionLogger::ProductionLogger(std::string_view name, const ProductionConfig& config,
                                   LoggerOptions options)
    : ProductionLogger(name, [&] {
        options.level = config.log_level;
        return std::move(options);
      }()) {}

ProductionLogger::ProductionLogger(std::string_view name, LoggerOptions options)
    : name_(fmt::format("bioxen.{}", name)) {
  const auto level = parse_log_level(options.level);  // validate before touching anything
  std::lock_guard lock(registry_mutex());
  if (options.sinks.empty()) {
    if (auto existing = spdlog::get(name_)) {
      logger_ = std::move(existing);
      const auto it = own_loggers().find(name_);
      const bool ours = it != own_loggers().end() && it->second.logger.lock() == logger_;
      format_ = ours ? it->second.format : LogFormat::text;
      return;
    }
    options.sinks.push_back(std::make_shared<spdlog::sinks::stderr_sink_mt>());
  }
  format_ = options.format;
  logger_ = std::make_shared<spdlog::logger>(name_, options.sinks.begin(), options.sinks.end());
  if (format_ == LogFormat::json) {
    logger_->set_formatter(std::make_unique<JsonLineFormatter>());
  } else {
    logger_->set_formatter(make_text_formatter());
  }
  logger_->set_level(level);
  logger_->flush_on(spdlog::level::warn);
  if (options.register_logger && !spdlog::get(name_)) {
    spdlog::register_logger(logger_);
    own_loggers()[name_] = OwnLogger{logger_, format_};
  }
}

void ProductionLogger::set_level(std::string_view level) {
  logger_->set_level(parse_log_level(level));
}

std::string ProductionLogger::level() const {
  return std::string(log_level_name(logger_->level()));
}

void ProductionLogger::log(spdlog::level::level_enum level, std::string_view message,
                           const nlohmann::json& fields) {
  if (!logger_->should_log(level)) return;
  nlohmann::ordered_json ordered = nlohmann::ordered_json::object();
  if (fields.is_object()) {
    for (const auto& [k, v] : fields.items()) ordered[k] = nlohmann::ordered_json(v);
  } else if (!fields.is_null()) {
    ordered["value"] = nlohmann::ordered_json(fields);
  }
  emit(level, message, ordered);
}

void ProductionLogger::emit(spdlog::level::level_enum level, std::string_view message,
                            const nlohmann::ordered_json& fields) {
  const auto clean = detail::redact_secrets(fields);
  if (format_ == LogFormat::json) {
    nlohmann::ordered_json record;
    record["message"] = message;
    for (const auto& [k, v] : clean.items()) {
      if (k != "message") record[k] = v;
    }
    std::string payload(1, record_marker);
    payload += record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    logger_->log(level, payload);
    return;
  }
  std::string text(message);
  for (const auto& [k, v] : clean.items()) {
    fmt::format_to(std::back_inserter(text), " {}={}", k,
                   v.is_string()
                       ? v.get<std::string>()
                       : v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  logger_->log(level, text);
}

void ProductionLogger::log_vm_operation(std::string_view operation, std::string_view vm_id,
                                        bool success, const nlohmann::json& details) {
  const auto level = success ? spdlog::level::info : spdlog::level::err;
  if (!logger_->should_log(level)) return;
  nlohmann::ordered_json fields;
  if (format_ == LogFormat::json) fields["operation"] = operation;  // text: in the message
  fields["vm_id"] = vm_id;
  fields["success"] = success;
  if (format_ == LogFormat::json) {
    fields["timestamp"] =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  }
  nlohmann::ordered_json clashes = nlohmann::ordered_json::object();
  const auto is_fixed = [](std::string_view k) {
    return k == "operation" || k == "vm_id" || k == "success" || k == "timestamp" ||
           k == "message" || k == "details";
  };
  if (details.is_object()) {
    for (const auto& [k, v] : details.items()) {
      (is_fixed(k) ? clashes[k] : fields[k]) = nlohmann::ordered_json(v);
    }
  } else if (!details.is_null()) {
    clashes["value"] = nlohmann::ordered_json(details);
  }
  if (!clashes.empty()) fields["details"] = std::move(clashes);
  emit(level, fmt::format("VM operation {}: {}", success ? "successful" : "failed", operation),
       fields);
}

namespace {

class OperationLogObserver final : public HypervisorObserver {
 public:
  explicit OperationLogObserver(ProductionLogger log) : log_(std::move(log)) {}
  void on_operation(const OperationEvent& e) override {
    nlohmann::json details = {
        {"latency_ms", std::chrono::duration<double, std::milli>(e.latency).count()}};
    if (!e.success) {
      details["error"] = e.error.category() == bioxen_category()
                             ? error_code_string(static_cast<BioXenErrorCode>(e.error.value()))
                             : e.error.message();
      details["reason"] = e.message;
    }
    log_.log_vm_operation(e.operation, e.vm_id, e.success, details);
  }

 private:
  ProductionLogger log_;
};

}  // namespace

std::shared_ptr<HypervisorObserver> ProductionLogger::make_observer() const {
  return std::make_shared<OperationLogObserver>(*this);
}

}  // namespace bioxen
