#include "bioxen/error_details.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <system_error>

namespace {

using bioxen::BioXenErrorCode;
using bioxen::BioXenException;

TEST(ErrorCode, OriginalCodesKeepTheirNumbers) {
  EXPECT_EQ(bioxen::error_code_string(BioXenErrorCode::vm_creation_failed), "BX001");
  EXPECT_EQ(bioxen::error_code_string(BioXenErrorCode::resource_allocation_error), "BX002");
  EXPECT_EQ(bioxen::error_code_string(BioXenErrorCode::chassis_initialization_error), "BX003");
  EXPECT_EQ(bioxen::error_code_string(BioXenErrorCode::hypervisor_overload), "BX004");
  EXPECT_EQ(bioxen::error_code_string(BioXenErrorCode::invalid_configuration), "BX005");
}

TEST(ErrorCode, EveryCodeHasAUniqueNameAndMessage) {
  std::set<std::string> names, messages;
  for (auto code : bioxen::all_error_codes) {
    const auto name = std::string(bioxen::error_code_name(code));
    EXPECT_NE(name, "unknown") << static_cast<int>(code);
    names.insert(name);
    const std::string msg = bioxen::bioxen_category().message(static_cast<int>(code));
    EXPECT_EQ(msg.rfind("[" + bioxen::error_code_string(code) + "] ", 0), 0u) << msg;
    messages.insert(msg);
  }
  EXPECT_EQ(names.size(), std::size(bioxen::all_error_codes));
  EXPECT_EQ(messages.size(), std::size(bioxen::all_error_codes));
}

TEST(ErrorCode, JoinsStdErrorCode) {
  std::error_code ec = BioXenErrorCode::vm_not_found;
  EXPECT_EQ(ec.category().name(), std::string("bioxen"));
  EXPECT_EQ(ec.value(), 6);
  EXPECT_EQ(ec, BioXenErrorCode::vm_not_found);
  EXPECT_NE(ec, BioXenErrorCode::vm_creation_failed);
  EXPECT_EQ(&ec.category(), &bioxen::bioxen_category());
}

TEST(Exception, WhatCarriesTheCodeAndDetailsAreJson) {
  const BioXenException e(BioXenErrorCode::vm_creation_failed, "no such type",
                          {{"biological_type", "plant"}});
  EXPECT_STREQ(e.what(), "[BX001] no such type");
  EXPECT_EQ(e.message(), "no such type");
  EXPECT_EQ(e.code(), BioXenErrorCode::vm_creation_failed);
  EXPECT_EQ(e.details().at("biological_type"), "plant");
  EXPECT_EQ(e.details().at("code"), "BX001");
  EXPECT_EQ(e.error_code(), BioXenErrorCode::vm_creation_failed);
  const std::runtime_error& base = e;
  EXPECT_STREQ(base.what(), "[BX001] no such type");
}

TEST(Exception, NonObjectDetailsAreWrapped) {
  const BioXenException e(BioXenErrorCode::io_error, "x", nlohmann::json(42));
  EXPECT_EQ(e.details().at("value"), 42);
}

TEST(Exception, NamedConstructors) {
  const auto nf = BioXenException::vm_not_found("vm9");
  EXPECT_STREQ(nf.what(), "[BX006] VM 'vm9' not found");
  EXPECT_EQ(nf.details().at("vm_id"), "vm9");

  const auto dup = BioXenException::vm_already_exists("a");
  EXPECT_EQ(dup.code(), BioXenErrorCode::vm_already_exists);
  EXPECT_STREQ(dup.what(), "[BX010] VM 'a' already exists");

  const auto tr = BioXenException::invalid_state_transition("a", "pause", "created");
  EXPECT_STREQ(tr.what(), "[BX007] cannot pause VM 'a' in state created");
  EXPECT_EQ(tr.details().at("state"), "created");

  const auto gp = BioXenException::genome_parse_error("x.tsv", 12, "start", "not a number");
  EXPECT_STREQ(gp.what(), "[BX009] x.tsv:12: field 'start': not a number");
  EXPECT_EQ(gp.details().at("line"), 12);

  EXPECT_EQ(BioXenException::invalid_configuration("bad").code(),
            BioXenErrorCode::invalid_configuration);
  EXPECT_EQ(BioXenException::unsupported_operation("later").code(),
            BioXenErrorCode::unsupported_operation);
}

TEST(CaptureError, StoresTheCodeAndClearsOnSuccess) {
  std::error_code ec = BioXenErrorCode::io_error;
  EXPECT_EQ(bioxen::capture_error(ec, [] { return 7; }), 7);
  EXPECT_FALSE(ec);
  const int v =
      bioxen::capture_error(ec, []() -> int { throw BioXenException::vm_not_found("q"); });
  EXPECT_EQ(v, 0);
  EXPECT_EQ(ec, BioXenErrorCode::vm_not_found);
  bioxen::capture_error(ec, [] {});
  EXPECT_FALSE(ec);
}

}  // namespace
