// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// What the fuzz targets share: a per-process temporary directory for the loaders that read
// files, the property check that ends the process, and the round trip every accepted input
// must survive (run a few quanta, snapshot, restore into a fresh hypervisor, snapshot equal).
#pragma once

#include <unistd.h>

#include <bioxen/error.hpp>
#include <bioxen/hypervisor.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace bioxen::fuzz {

/// A violated property: says which, then aborts (libFuzzer and the replay report the input).
[[noreturn]] inline void property_failed(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "fuzz property violated: %s%s%s\n", what, detail.empty() ? "" : ": ",
               detail.c_str());
  std::fflush(stderr);
  __builtin_trap();
}

inline void check(bool ok, const char* what, const std::string& detail = {}) {
  if (!ok) property_failed(what, detail);
}

/// Runs one step of the checks after acceptance, where nothing may throw: an exception (a
/// BioXenException too) is a violated property that names the step and the exception.
template <class F>
decltype(auto) step(const char* name, F&& f) {
  try {
    return std::forward<F>(f)();
  } catch (const std::exception& e) {
    property_failed("an exception escaped after acceptance", std::string(name) + ": " + e.what());
  }
}

/// The process' own temporary directory (under $TMPDIR or /tmp), removed at exit.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl =
        std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/bioxen-fuzz-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) property_failed("mkdtemp failed", tmpl);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }

  /// Removes everything inside (not the directory itself).
  void clear() const {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(path_, ec)) {
      std::filesystem::remove_all(entry.path(), ec);
    }
  }

 private:
  std::filesystem::path path_;
};

inline const TempDir& temp_dir() {
  static const TempDir dir;
  return dir;
}

/// Writes `bytes` to `name` in temp_dir() and returns its path.
inline std::filesystem::path write_temp(std::string_view name, std::string_view bytes) {
  const std::filesystem::path file = temp_dir().path() / std::string(name);
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) property_failed("cannot write a temporary file", file.string());
  return file;
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// Quanta an accepted input runs: enough to boot and schedule, cheap on every input.
inline constexpr std::uint64_t property_quanta = 3;

/// The snapshot round trip, as a file would carry it: snapshot, dump, parse, restore into a
/// fresh hypervisor, snapshot again: equal. Nothing here may throw.
inline void check_snapshot_round_trip(const BioXenHypervisor& hv) {
  const nlohmann::json snap = step("snapshot()", [&] { return hv.snapshot(); });
  const std::string text = step("snapshot dump()", [&] { return snap.dump(); });
  const nlohmann::json reread =
      step("parse the dumped snapshot", [&] { return nlohmann::json::parse(text); });
  check(reread == snap, "snapshot changed through dump and parse", text.substr(0, 2000));
  BioXenHypervisor fresh;
  step("restore() into a fresh hypervisor", [&] { fresh.restore(reread); });
  const nlohmann::json again = step("snapshot() after restore", [&] { return fresh.snapshot(); });
  check(again == snap, "restored snapshot differs from the snapshot",
        again.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).substr(0, 2000));
}

/// Runs a few quanta, then the snapshot round trip.
inline void check_runs_and_round_trips(BioXenHypervisor& hv) {
  const std::uint64_t before = hv.quanta_elapsed();
  const std::uint64_t ran = step("run_quanta()", [&] { return hv.run_quanta(property_quanta); });
  check(ran == property_quanta, "run_quanta ran a different number of quanta");
  check(hv.quanta_elapsed() == before + property_quanta, "the clock did not advance");
  check_snapshot_round_trip(hv);
}

/// Sends the process' standard output to /dev/null (the CLI targets print what they do).
inline void silence_stdout() {
  std::fflush(stdout);
  if (std::freopen("/dev/null", "w", stdout) == nullptr) property_failed("freopen /dev/null");
}

}  // namespace bioxen::fuzz
