#include "bioxen/version.hpp"

#include <gtest/gtest.h>

#include <string>

TEST(Version, StringMatchesTheNumbers) {
  const std::string expected = std::to_string(BIOXEN_VERSION_MAJOR) + "." +
                               std::to_string(BIOXEN_VERSION_MINOR) + "." +
                               std::to_string(BIOXEN_VERSION_PATCH);
  EXPECT_EQ(bioxen::version(), expected);
  EXPECT_EQ(BIOXEN_VERSION,
            BIOXEN_VERSION_MAJOR * 10000 + BIOXEN_VERSION_MINOR * 100 + BIOXEN_VERSION_PATCH);
}

TEST(Version, AgreesWithTheCMakePackageVersion) {
  EXPECT_EQ(std::string(bioxen::version()), BIOXEN_PACKAGE_VERSION);
}
