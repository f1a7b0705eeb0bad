// The XCP-ng password never reaches a log line, a status, a JSON document or an exception.
#include <fmt/format.h>
#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

#include <bioxen/error_details.hpp>
#include "api_test_support.hpp"
#include "bioxen/bioxen.hpp"
#include "bioxen/detail/secrets.hpp"

namespace {

using bioxen::BioXenErrorCode;
using bioxen::BioXenException;
using bioxen::BioXenHypervisor;
using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

constexpr const char* secret = "Tr0ub4dor&3-not-for-logs";

json xcpng_config(json password = secret) {
  return {{"xcpng_config",
           {{"xapi_url", "https://xenserver:443"},
            {"username", "root"},
            {"password", std::move(password)},
            {"ssh_user", "bioxen"}}}};
}

#define EXPECT_NO_SECRET(text) EXPECT_THAT(text, Not(HasSubstr(secret)))

// Records every hypervisor event's text, as a monitor or logger would see it.
struct Recorder final : bioxen::HypervisorObserver {
  std::string seen;
  void on_operation(const bioxen::OperationEvent& e) override {
    seen += fmt::format("{} {} {} {}\n", e.operation, e.vm_id, e.success, e.message);
  }
};

TEST(Secrets, NotInTheHandleItsJsonOrItsFormatting) {
  BioXenHypervisor hv;
  auto vm = bioxen::create_bio_vm(hv, "xcp", "ecoli", "xcpng", xcpng_config());
  EXPECT_EQ(vm.xcpng_config()->password, secret);  // kept in memory for the connection
  EXPECT_NO_SECRET(json(vm).dump());
  EXPECT_NO_SECRET(vm.config().dump());
  EXPECT_NO_SECRET(fmt::format("{}", vm));
  EXPECT_NO_SECRET(json(*vm.xcpng_config()).dump());
  EXPECT_NO_SECRET(fmt::format("{}", *vm.xcpng_config()));
}

TEST(Secrets, NotInStatusSnapshotsOrSummaries) {
  BioXenHypervisor hv;
  auto vm = bioxen::create_bio_vm(hv, "xcp", "ecoli", "xcpng", xcpng_config());
  EXPECT_NO_SECRET(json(vm.get_status()).dump());
  EXPECT_NO_SECRET(fmt::format("{}", vm.get_status()));
  EXPECT_NO_SECRET(json(hv.list_vms()).dump());
  EXPECT_NO_SECRET(hv.snapshot().dump());
  EXPECT_NO_SECRET(bioxen::BioResourceManager{hv}.get_resource_summary().dump());
  EXPECT_NO_SECRET(bioxen::BioResourceManager{vm}.get_resource_usage().dump());
}

TEST(Secrets, NotInExceptions) {
  BioXenHypervisor hv;
  auto vm = bioxen::create_bio_vm(hv, "xcp", "ecoli", "xcpng", xcpng_config());
  const auto check = [](auto&& fn) {
    try {
      fn();
      ADD_FAILURE() << "expected an exception";
    } catch (const BioXenException& e) {
      EXPECT_NO_SECRET(std::string(e.what()));
      EXPECT_NO_SECRET(e.details().dump());
    }
  };
  check([&] { vm.start(); });
  check([&] { bioxen::create_bio_vm(hv, "xcp", "ecoli", "xcpng", xcpng_config()); });
  // Every kind of bad xcpng_config that still carries the secret somewhere.
  json bad = xcpng_config();
  bad["xcpng_config"]["xapi_url"] = secret;
  check([&] { bioxen::create_bio_vm(hv, "a", "ecoli", "xcpng", bad); });
  bad = xcpng_config();
  bad["xcpng_config"]["username"] = 5;
  check([&] { bioxen::create_bio_vm(hv, "a", "ecoli", "xcpng", bad); });
  bad = xcpng_config();
  bad["xcpng_config"]["passwd"] = secret;
  check([&] { bioxen::create_bio_vm(hv, "a", "ecoli", "xcpng", bad); });
  bad = xcpng_config();
  bad["priority"] = 0;
  check([&] { bioxen::create_bio_vm(hv, "a", "ecoli", "xcpng", bad); });
  bad = xcpng_config();
  bad["ribosomes"] = 1000;
  check([&] { bioxen::create_bio_vm(hv, "a", "ecoli", "xcpng", bad); });
  check([&] { bioxen::create_bio_vm(hv, "a", "plant", "xcpng", xcpng_config()); });
  check([&] { bioxen::ConfigManager::check_config(xcpng_config(), "kvm"); });
  check([&] { bioxen::ConfigManager::check_config(xcpng_config(12345), "xcpng"); });
}

TEST(Secrets, NotInAMalformedConfigFilesError) {
  bioxen_test::TempDir dir;
  const auto file = dir.write(
      "vm.json", fmt::format(R"({{"xcpng_config": {{"password": "{}" "user": 1}}}})", secret));
  try {
    bioxen::ConfigManager::load_from_file(file);
    FAIL();
  } catch (const BioXenException& e) {
    EXPECT_EQ(e.code(), BioXenErrorCode::invalid_configuration);
    EXPECT_NO_SECRET(std::string(e.what()));
    EXPECT_NO_SECRET(e.details().dump());
  }
}

TEST(Secrets, NotInHypervisorEvents) {
  BioXenHypervisor hv;
  auto rec = std::make_shared<Recorder>();
  hv.add_observer(rec);
  auto vm = bioxen::create_bio_vm(hv, "xcp", "ecoli", "xcpng", xcpng_config());
  EXPECT_THROW(vm.start(), BioXenException);
  vm.destroy();
  EXPECT_THAT(rec->seen, HasSubstr("create_vm xcp true"));
  EXPECT_NO_SECRET(rec->seen);
}

TEST(Secrets, NotInLogs) {
  for (auto format : {bioxen::LogFormat::text, bioxen::LogFormat::json}) {
    std::ostringstream out;
    bioxen::LoggerOptions o;
    o.format = format;
    o.level = "TRACE";
    o.sinks = {std::make_shared<spdlog::sinks::ostream_sink_mt>(out, true)};
    o.register_logger = false;
    bioxen::ProductionLogger log("secrets", o);
    BioXenHypervisor hv;
    auto vm = bioxen::create_bio_vm(hv, "xcp", "ecoli", "xcpng", xcpng_config());
    // A careless caller logs the raw configuration: still redacted.
    log.log_vm_operation("create", vm.vm_id(), true, xcpng_config());
    log.info("config", xcpng_config());
    log.debug("nested", {{"list", json::array({xcpng_config()})}});
    try {
      vm.start();
    } catch (const BioXenException& e) {
      log.log_vm_operation("start", vm.vm_id(), false, {{"error", e.what()}});
    }
    const std::string text = out.str();
    EXPECT_THAT(text, HasSubstr("VM operation failed: start"));
    EXPECT_THAT(text, HasSubstr("***"));
    EXPECT_NO_SECRET(text);
  }
}

TEST(Secrets, RedactionHelper) {
  using bioxen::detail::is_secret_key;
  using bioxen::detail::redact_secrets;
  for (const char* key : {"password", "PASSWORD", "ssh_password", "passwd", "api_token",
                          "client_secret", "api_key", "private_key", "credentials"}) {
    EXPECT_TRUE(is_secret_key(key)) << key;
  }
  for (const char* key : {"username", "ssh_user", "xapi_url", "vm_id", "pass"}) {
    EXPECT_FALSE(is_secret_key(key)) << key;
  }
  const json in = {{"a", {{"password", "x"}, {"b", json::array({{{"token", "y"}}})}}}, {"c", 1}};
  const json out = redact_secrets(in);
  EXPECT_EQ(out, (json{{"a", {{"password", "***"}, {"b", json::array({{{"token", "***"}}})}}},
                       {"c", 1}}));
}

}  // namespace
