// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#pragma once

// BIOXEN_API marks what the compiled part of the library exports: the classes and free
// functions that src/*.cpp defines. The library is built with hidden visibility
// (CXX_VISIBILITY_PRESET hidden, VISIBILITY_INLINES_HIDDEN), so a shared libbioxen exports
// exactly these symbols and nothing of the fmt, spdlog and nlohmann_json templates it
// instantiates.
//
// BIOXEN_SHARED is defined when the library is built shared, for the library itself and for
// everything that uses it: CMake passes it on through bioxen::bioxen's
// INTERFACE_COMPILE_DEFINITIONS and bioxen.pc's Cflags carry -DBIOXEN_SHARED. In a static build
// it is not defined and BIOXEN_API is empty. With GCC and clang the one attribute both exports
// (building the library) and imports (using it) a symbol.
#if defined(BIOXEN_SHARED) && (defined(__GNUC__) || defined(__clang__))
#define BIOXEN_API __attribute__((visibility("default")))
#else
#define BIOXEN_API
#endif
