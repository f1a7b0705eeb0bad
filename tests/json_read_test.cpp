// Tests of the strict JSON toolkit (bioxen/detail/json_read.hpp): the nearest-key suggestion
// and the one phrasing of an unknown key that every reader of the project uses.
#include "bioxen/detail/json_read.hpp"

#include <string>
#include <vector>

#include "api_test_support.hpp"

namespace {

using bioxen::BioXenErrorCode;
using bioxen::detail::edit_distance;
using bioxen::detail::fail_unknown_key;
using bioxen::detail::JsonContext;
using bioxen::detail::nearest_key;
using bioxen::detail::require_object;
using bioxen_test::expect_bioxen_error;
using json = nlohmann::json;

TEST(JsonRead, EditDistanceIgnoresCase) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("Max_VMs", "max_vms"), 0u);
}

TEST(JsonRead, NearestKeyIsTheClosestWhenCloseEnough) {
  const std::vector<std::string> keys = {"max_vms", "total_ribosomes", "log_level"};
  EXPECT_EQ(nearest_key("max_vm", keys), "max_vms");
  EXPECT_EQ(nearest_key("log_levle", keys), "log_level");
  EXPECT_EQ(nearest_key("zzz", keys), "");
  EXPECT_EQ(nearest_key("alocation", {"id", "allocation"}), "allocation");
  EXPECT_EQ(nearest_key("x", std::vector<std::string>{}), "");
}

TEST(JsonRead, UnknownKeyHasOnePhrasingWithTheNearestKeySuggested) {
  const JsonContext snapshot{BioXenErrorCode::invalid_snapshot, "snapshot"};
  auto e = expect_bioxen_error(BioXenErrorCode::invalid_snapshot, [&] {
    fail_unknown_key(snapshot, "vms[0]", "alocation", {"id", "allocation"});
  });
  EXPECT_EQ(e.message(),
            "unknown snapshot key 'vms[0].alocation' (did you mean 'vms[0].allocation'?)");
  EXPECT_EQ(e.details().at("key"), "vms[0].alocation");
  EXPECT_EQ(e.details().at("suggestion"), "vms[0].allocation");

  // No noun when the prefix says what is read; the valid keys when none is close.
  const JsonContext file{BioXenErrorCode::invalid_configuration, ""};
  e = expect_bioxen_error(BioXenErrorCode::invalid_configuration, [&] {
    fail_unknown_key(file, "", "colour", {"max_vms", "log_level"}, {{"file", "c.json"}}, "c.json");
  });
  EXPECT_EQ(e.message(), "c.json: unknown key 'colour' (valid keys: max_vms, log_level)");
  EXPECT_EQ(e.details().at("file"), "c.json");
  EXPECT_EQ(e.details().at("key"), "colour");
  EXPECT_FALSE(e.details().contains("suggestion"));

  // Keys are shown printable.
  e = expect_bioxen_error(BioXenErrorCode::invalid_configuration,
                          [&] { fail_unknown_key(file, "", "a\nb", {"zzzzzz"}); });
  EXPECT_EQ(e.message(), "unknown key 'a\\x0ab' (valid keys: zzzzzz)");
}

TEST(JsonRead, RequireObjectNamesTheUnknownKeyAndKeepsTheSuggestionInTheDetails) {
  const JsonContext ctx{BioXenErrorCode::invalid_snapshot, "snapshot"};
  auto e = expect_bioxen_error(BioXenErrorCode::invalid_snapshot, [&] {
    require_object(json{{"extra", 1}}, "snapshot", {"format", "version"}, ctx);
  });
  EXPECT_EQ(e.message(), "unknown snapshot key 'extra'");
  EXPECT_FALSE(e.details().contains("suggestion"));
  e = expect_bioxen_error(BioXenErrorCode::invalid_snapshot, [&] {
    require_object(json{{"polcy", 1}}, "scheduler", {"policy", "run_queue", "state"}, ctx);
  });
  EXPECT_EQ(e.message(), "unknown snapshot key 'polcy'");
  EXPECT_EQ(e.details().at("key"), "polcy");
  EXPECT_EQ(e.details().at("suggestion"), "policy");
  e = expect_bioxen_error(BioXenErrorCode::invalid_snapshot,
                          [&] { require_object(json::array(), "scheduler", {"policy"}, ctx); });
  EXPECT_EQ(e.message(), "snapshot key 'scheduler': expected an object, got an array");
  EXPECT_NO_THROW(require_object(json{{"policy", 1}}, "scheduler", {"policy"}, ctx));
}

}  // namespace
