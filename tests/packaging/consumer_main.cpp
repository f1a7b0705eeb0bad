// A downstream program: uses the installed or fetched BioXen package.
#include <fmt/core.h>
#include <bioxen/bioxen.hpp>

#include <string>

int main() {
  try {
    throw bioxen::BioXenException(bioxen::BioXenErrorCode::vm_not_found, "probe");
  } catch (const bioxen::BioXenException& e) {
    if (std::string(e.what()) != "[BX006] probe") return 1;
  }
  fmt::print("bioxen consumer ok: version {}\n", bioxen::version());
  return 0;
}
