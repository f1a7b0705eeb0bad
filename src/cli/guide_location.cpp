// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#include "guide_location.hpp"

#include <fmt/core.h>

#include <system_error>

// Set by src/cli/CMakeLists.txt: CLI.md in the doc directory, relative to the bin directory.
#ifndef BIOXEN_CLI_GUIDE_FROM_BINDIR
#error "BIOXEN_CLI_GUIDE_FROM_BINDIR is not defined (src/cli/CMakeLists.txt defines it)"
#endif

namespace bioxen::cli {

std::filesystem::path installed_cli_guide(const std::filesystem::path& exe) {
  if (exe.empty()) return {};
  const std::filesystem::path guide =
      (exe.parent_path() / BIOXEN_CLI_GUIDE_FROM_BINDIR).lexically_normal();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(guide, ec)) return {};
  return guide;
}

std::string guide_footer() {
  std::error_code ec;
  // Linux names the running executable here; anywhere else (or on error) there is no
  // installed guide to name, only the source's.
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::filesystem::path guide = ec ? std::filesystem::path{} : installed_cli_guide(exe);
  if (guide.empty()) {
    return "Run 'bioxen COMMAND --help' for a command's options; docs/CLI.md in the BioXen "
           "source has the details.\n";
  }
  return fmt::format(
      "Run 'bioxen COMMAND --help' for a command's options; {} (docs/CLI.md in the source) has "
      "the details.\n",
      guide.string());
}

}  // namespace bioxen::cli
