// Tests of ProductionLogger: the original library's text format, JSON lines, levels, structured VM
// operation records, and that the host program's loggers and sinks are left alone.
#include "bioxen/logger.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "bioxen/config.hpp"
#include "bioxen/error_details.hpp"
#include "bioxen/hypervisor.hpp"

namespace {

using bioxen::BioXenErrorCode;
using bioxen::BioXenException;
using bioxen::LogFormat;
using bioxen::LoggerOptions;
using bioxen::ProductionLogger;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// A logger writing into a string stream; each test uses its own logger name.
struct Captured {
  std::ostringstream out;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink =
      std::make_shared<spdlog::sinks::ostream_sink_mt>(out, /*force_flush=*/true);
  LoggerOptions options(LogFormat format = LogFormat::text, std::string level = "INFO") {
    LoggerOptions o;
    o.format = format;
    o.level = std::move(level);
    o.sinks = {sink};
    o.register_logger = false;
    return o;
  }
};

TEST(ProductionLogger, NameIsBioxenDotName) {
  Captured c;
  ProductionLogger log("api_name", c.options());
  EXPECT_EQ(log.name(), "bioxen.api_name");
  EXPECT_EQ(log.logger()->name(), "bioxen.api_name");
}

TEST(ProductionLogger, TextFormatIsTheOriginalFormat) {
  Captured c;
  ProductionLogger log("text_fmt", c.options());
  log.info("hello world");
  const auto lines = lines_of(c.out.str());
  ASSERT_EQ(lines.size(), 1u);
  const std::regex seed(
      R"(^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} - bioxen\.text_fmt - INFO - hello world$)");
  EXPECT_TRUE(std::regex_match(lines[0], seed)) << lines[0];
}

TEST(ProductionLogger, LevelNamesAreTheOriginalNames) {
  Captured c;
  ProductionLogger log("levels", c.options(LogFormat::text, "DEBUG"));
  log.debug("d");
  log.info("i");
  log.warning("w");
  log.error("e");
  const auto lines = lines_of(c.out.str());
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_THAT(lines[0], HasSubstr(" - DEBUG - d"));
  EXPECT_THAT(lines[1], HasSubstr(" - INFO - i"));
  EXPECT_THAT(lines[2], HasSubstr(" - WARNING - w"));
  EXPECT_THAT(lines[3], HasSubstr(" - ERROR - e"));
}

TEST(ProductionLogger, VmOperationSuccessIsInfoWithStructuredFields) {
  Captured c;
  ProductionLogger log("vmop_text", c.options());
  log.log_vm_operation("start", "vm1", true, {{"duration_ms", 2}});
  const auto lines = lines_of(c.out.str());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr(" - bioxen.vmop_text - INFO - VM operation successful: start "
                                  "vm_id=vm1 success=true duration_ms=2"));
}

TEST(ProductionLogger, VmOperationFailureIsError) {
  Captured c;
  ProductionLogger log("vmop_fail", c.options());
  log.log_vm_operation("create", "vm2", false, {{"error", "[BX004] too many VMs"}});
  const auto lines = lines_of(c.out.str());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr(" - ERROR - VM operation failed: create vm_id=vm2 "
                                  "success=false error=[BX004] too many VMs"));
}

TEST(ProductionLogger, JsonLinesCarryTheRecord) {
  Captured c;
  ProductionLogger log("vmop_json", c.options(LogFormat::json));
  EXPECT_EQ(log.format(), LogFormat::json);
  log.log_vm_operation("pause", "vm3", true, {{"state", "paused"}});
  log.info("plain message", {{"k", 1}});
  const auto lines = lines_of(c.out.str());
  ASSERT_EQ(lines.size(), 2u);
  const auto rec = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(rec.at("logger"), "bioxen.vmop_json");
  EXPECT_EQ(rec.at("level"), "INFO");
  EXPECT_EQ(rec.at("message"), "VM operation successful: pause");
  EXPECT_EQ(rec.at("operation"), "pause");
  EXPECT_EQ(rec.at("vm_id"), "vm3");
  EXPECT_EQ(rec.at("success"), true);
  EXPECT_EQ(rec.at("state"), "paused");
  EXPECT_TRUE(rec.at("timestamp").is_number_float());
  EXPECT_GT(rec.at("timestamp").get<double>(), 1.6e9);
  EXPECT_TRUE(std::regex_match(rec.at("time").get<std::string>(),
                               std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)")));
  const auto plain = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(plain.at("message"), "plain message");
  EXPECT_EQ(plain.at("k"), 1);
}

TEST(ProductionLogger, JsonFormatterWrapsDirectSpdlogCalls) {
  Captured c;
  ProductionLogger log("json_direct", c.options(LogFormat::json));
  log.logger()->warn("direct {}", 42);
  const auto rec = nlohmann::json::parse(lines_of(c.out.str()).at(0));
  EXPECT_EQ(rec.at("message"), "direct 42");
  EXPECT_EQ(rec.at("level"), "WARNING");
}

TEST(ProductionLogger, DetailsThatClashWithFixedFieldsAreNested) {
  Captured c;
  ProductionLogger log("clash", c.options(LogFormat::json));
  log.log_vm_operation("stop", "vm4", true, {{"vm_id", "other"}, {"success", "maybe"}});
  const auto rec = nlohmann::json::parse(lines_of(c.out.str()).at(0));
  EXPECT_EQ(rec.at("vm_id"), "vm4");
  EXPECT_EQ(rec.at("success"), true);
  EXPECT_EQ(rec.at("details").at("vm_id"), "other");
  EXPECT_EQ(rec.at("details").at("success"), "maybe");
}

TEST(ProductionLogger, SecretsAreRedacted) {
  Captured text, json;
  ProductionLogger a("secret_text", text.options());
  ProductionLogger b("secret_json", json.options(LogFormat::json));
  const nlohmann::json details = {
      {"xcpng_config", {{"username", "root"}, {"password", "hunter2-secret"}}},
      {"api_token", "tok-123"}};
  a.log_vm_operation("create", "x1", true, details);
  b.log_vm_operation("create", "x1", true, details);
  a.info("msg", {{"password", "hunter2-secret"}});
  for (const std::string& out : {text.out.str(), json.out.str()}) {
    EXPECT_THAT(out, Not(HasSubstr("hunter2")));
    EXPECT_THAT(out, Not(HasSubstr("tok-123")));
    EXPECT_THAT(out, HasSubstr("***"));
    EXPECT_THAT(out, HasSubstr("root"));
  }
}

TEST(ProductionLogger, LevelFiltersRecords) {
  Captured c;
  ProductionLogger log("filter", c.options(LogFormat::text, "WARNING"));
  EXPECT_EQ(log.level(), "WARNING");
  log.info("not shown");
  log.log_vm_operation("start", "vm", true);   // INFO: filtered
  log.log_vm_operation("start", "vm", false);  // ERROR: shown
  const auto lines = lines_of(c.out.str());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr("VM operation failed: start"));
  log.set_level("debug");
  EXPECT_EQ(log.level(), "DEBUG");
  log.debug("now shown");
  EXPECT_EQ(lines_of(c.out.str()).size(), 2u);
}

TEST(ProductionLogger, LevelComesFromTheConfig) {
  Captured c;
  bioxen::ProductionConfig cfg;
  cfg.log_level = "ERROR";
  ProductionLogger log("from_config", cfg, c.options());
  EXPECT_EQ(log.level(), "ERROR");
  log.warning("filtered");
  log.error("kept");
  EXPECT_EQ(lines_of(c.out.str()).size(), 1u);
  EXPECT_EQ(LoggerOptions::from_config(cfg).level, "ERROR");
}

TEST(ProductionLogger, RegistersANewLoggerAndReusesIt) {
  Captured c;
  auto opts = c.options();
  opts.register_logger = true;
  ProductionLogger first("registered_once", opts);
  ASSERT_EQ(spdlog::get("bioxen.registered_once"), first.logger());
  ProductionLogger second("registered_once");  // no sinks: reuse the registered logger
  EXPECT_EQ(second.logger(), first.logger());
  second.info("through the second");
  EXPECT_THAT(c.out.str(), HasSubstr(" - bioxen.registered_once - INFO - through the second"));
  spdlog::drop("bioxen.registered_once");
}

TEST(ProductionLogger, ReusesTheHostsLoggerWithoutTouchingIt) {
  std::ostringstream host_out;
  auto host_sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(host_out, true);
  host_sink->set_pattern("HOST|%n|%l|%v");
  auto host = std::make_shared<spdlog::logger>("bioxen.hosted", host_sink);
  host->set_level(spdlog::level::debug);
  spdlog::register_logger(host);

  ProductionLogger log("hosted");  // level option INFO is not applied to a foreign logger
  EXPECT_EQ(log.logger(), host);
  EXPECT_EQ(log.format(), LogFormat::text);
  log.log_vm_operation("start", "h1", true);
  EXPECT_EQ(host->sinks().size(), 1u);
  EXPECT_EQ(host->sinks()[0], host_sink);
  EXPECT_EQ(host->level(), spdlog::level::debug);
  EXPECT_EQ(host_out.str(),
            "HOST|bioxen.hosted|info|VM operation successful: start vm_id=h1 success=true\n");
  spdlog::drop("bioxen.hosted");
}

TEST(ProductionLogger, NeverReplacesTheDefaultLoggerOrItsSinks) {
  std::ostringstream host_out;
  auto host_sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(host_out, true);
  auto host_default = std::make_shared<spdlog::logger>("host_default", host_sink);
  host_default->set_pattern("DEFAULT %v");
  host_default->set_level(spdlog::level::warn);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(host_default);

  {
    ProductionLogger a("default_check_text");
    LoggerOptions json;
    json.format = LogFormat::json;
    json.level = "DEBUG";
    ProductionLogger b("default_check_json", json);
    testing::internal::CaptureStderr();
    a.log_vm_operation("start", "d1", true);
    b.debug("json line");
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_THAT(err, HasSubstr("bioxen.default_check_text - INFO - VM operation successful"));
    EXPECT_THAT(err, HasSubstr(R"("logger":"bioxen.default_check_json")"));
  }

  EXPECT_EQ(spdlog::default_logger(), host_default);
  ASSERT_EQ(host_default->sinks().size(), 1u);
  EXPECT_EQ(host_default->sinks()[0], host_sink);
  EXPECT_EQ(host_default->level(), spdlog::level::warn);
  spdlog::warn("still mine");
  EXPECT_EQ(host_out.str(), "DEFAULT still mine\n");  // nothing of BioXen went here

  spdlog::drop("bioxen.default_check_text");
  spdlog::drop("bioxen.default_check_json");
  spdlog::set_default_logger(previous);
}

TEST(ProductionLogger, DefaultSinkIsStderr) {
  ProductionLogger log("stderr_default");
  testing::internal::CaptureStderr();
  log.info("to stderr");
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_THAT(err, HasSubstr(" - bioxen.stderr_default - INFO - to stderr\n"));
  spdlog::drop("bioxen.stderr_default");
}

TEST(ProductionLogger, BadLevelIsInvalidConfigurationAndRegistersNothing) {
  LoggerOptions o;
  o.level = "LOUD";
  try {
    ProductionLogger log("bad_level", o);
    FAIL() << "expected BioXenException";
  } catch (const BioXenException& e) {
    EXPECT_EQ(e.code(), BioXenErrorCode::invalid_configuration);
    EXPECT_STREQ(e.what(),
                 "[BX005] unknown log level 'LOUD' (expected one of TRACE, DEBUG, INFO, WARNING, "
                 "ERROR, CRITICAL, OFF)");
    EXPECT_EQ(e.details().at("key"), "log_level");
  }
  EXPECT_EQ(spdlog::get("bioxen.bad_level"), nullptr);
}

TEST(ProductionLogger, ObserverLogsEveryHypervisorOperation) {
  Captured c;
  ProductionLogger log("observer", c.options());
  bioxen::BioXenHypervisor hv;
  auto observer = log.make_observer();
  hv.add_observer(observer);
  hv.create_vm("a", "syn3a_recoded");
  std::error_code ec;
  hv.start_vm("missing", ec);
  hv.remove_observer(observer);
  hv.start_vm("a");  // detached: not logged
  const auto lines = lines_of(c.out.str());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[0], HasSubstr(" - INFO - VM operation successful: create_vm vm_id=a "
                                  "success=true latency_ms="));
  EXPECT_THAT(lines[1], HasSubstr(" - ERROR - VM operation failed: start_vm vm_id=missing "
                                  "success=false error=BX006 latency_ms="));
  EXPECT_THAT(lines[1], HasSubstr(" reason=VM 'missing' not found"));
}

TEST(LogLevel, ParsesTheOriginalNamesAndMore) {
  EXPECT_EQ(bioxen::parse_log_level("DEBUG"), spdlog::level::debug);
  EXPECT_EQ(bioxen::parse_log_level("INFO"), spdlog::level::info);
  EXPECT_EQ(bioxen::parse_log_level("WARNING"), spdlog::level::warn);
  EXPECT_EQ(bioxen::parse_log_level("warn"), spdlog::level::warn);
  EXPECT_EQ(bioxen::parse_log_level("ERROR"), spdlog::level::err);
  EXPECT_EQ(bioxen::parse_log_level("critical"), spdlog::level::critical);
  EXPECT_EQ(bioxen::parse_log_level("Trace"), spdlog::level::trace);
  EXPECT_EQ(bioxen::parse_log_level("OFF"), spdlog::level::off);
  EXPECT_EQ(bioxen::log_level_name(spdlog::level::warn), "WARNING");
  EXPECT_EQ(bioxen::log_level_name(spdlog::level::err), "ERROR");
  EXPECT_EQ(bioxen::log_level_name(spdlog::level::critical), "CRITICAL");
}

TEST(LogFormatAdapters, StringJsonAndFmt) {
  EXPECT_EQ(bioxen::to_string(LogFormat::text), "text");
  EXPECT_EQ(bioxen::log_format_from_string("JSON"), LogFormat::json);
  EXPECT_EQ(fmt::format("{}", LogFormat::json), "json");
  EXPECT_EQ(fmt::format("[{:>6}]", LogFormat::text), "[  text]");
  nlohmann::json j = LogFormat::json;
  EXPECT_EQ(j, "json");
  EXPECT_EQ(nlohmann::json("text").get<LogFormat>(), LogFormat::text);
  try {
    bioxen::log_format_from_string("xml");
    FAIL();
  } catch (const BioXenException& e) {
    EXPECT_EQ(e.code(), BioXenErrorCode::invalid_configuration);
    EXPECT_STREQ(e.what(), "[BX005] unknown log format 'xml' (expected text or json)");
  }
  EXPECT_THROW(nlohmann::json(3).get<LogFormat>(), BioXenException);
}

}  // namespace
