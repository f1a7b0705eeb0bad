// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// The bioxen command-line tool: see docs/CLI.md, or run `bioxen --help`.
#include "commands.hpp"

int main(int argc, char** argv) { return bioxen::cli::run_cli(argc, argv); }
