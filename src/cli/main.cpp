// The bioxen command-line tool.
#include <fmt/core.h>
#include <CLI/CLI.hpp>
#include <bioxen/bioxen.hpp>

#include <cstdio>

int main(int argc, char** argv) {
  CLI::App app{"BioXen: a biological hypervisor simulator", "bioxen"};
  app.set_version_flag("--version", std::string("bioxen ") + bioxen::version());
  app.require_subcommand(1);
  auto* demo = app.add_subcommand("demo", "Run the production workflow on the embedded default");
  demo->callback([] {
    for (auto type : {bioxen::ChassisType::ecoli, bioxen::ChassisType::yeast,
                      bioxen::ChassisType::orthogonal}) {
      const auto& p = bioxen::chassis_profile(type);
      fmt::print("{:<12} {:>8} ribosome units  {:>9.0f} ribosomes  {:>5.1f} aa/s\n",
                 bioxen::to_string(type), p.ribosome_units, p.physical_ribosomes,
                 p.elongation_rate_aa_per_s);
    }
  });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const bioxen::BioXenException& e) {
    fmt::print(stderr, "error [{}]: {}\n", bioxen::error_code_string(e.code()), e.message());
    return 3;
  }
  return 0;
}
