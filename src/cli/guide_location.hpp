// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <string>

namespace bioxen::cli {

/// The guide docs/CLI.md as installed for the executable `exe`: <prefix>/share/doc/bioxen/CLI.md
/// for <prefix>/bin/bioxen (the install directories this build was configured with), or an
/// empty path when no such file exists (a build tree, a copied binary).
std::filesystem::path installed_cli_guide(const std::filesystem::path& exe);

/// The line of `bioxen --help` that says where the details are: the installed guide when
/// there is one next to the running executable, and docs/CLI.md of the source tree.
std::string guide_footer();

}  // namespace bioxen::cli
