// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#pragma once

// The one version number of the project. CMake reads these three lines (project VERSION,
// package version file, pkg-config, CPack); everything else asks bioxen::version().
#define BIOXEN_VERSION_MAJOR 0
#define BIOXEN_VERSION_MINOR 1
#define BIOXEN_VERSION_PATCH 0

#define BIOXEN_DETAIL_STR2(x) #x
#define BIOXEN_DETAIL_STR(x) BIOXEN_DETAIL_STR2(x)
#define BIOXEN_VERSION_STRING             \
  BIOXEN_DETAIL_STR(BIOXEN_VERSION_MAJOR) \
  "." BIOXEN_DETAIL_STR(BIOXEN_VERSION_MINOR) "." BIOXEN_DETAIL_STR(BIOXEN_VERSION_PATCH)

// Single integer for comparisons: 10000 * major + 100 * minor + patch.
#define BIOXEN_VERSION \
  (BIOXEN_VERSION_MAJOR * 10000 + BIOXEN_VERSION_MINOR * 100 + BIOXEN_VERSION_PATCH)

namespace bioxen {

/// The library version, e.g. "0.1.0".
///
/// @code
/// fmt::print("BioXen {}\n", bioxen::version());
/// @endcode
constexpr const char* version() noexcept { return BIOXEN_VERSION_STRING; }

}  // namespace bioxen
