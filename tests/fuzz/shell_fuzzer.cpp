// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Fuzz target: the command lines of `bioxen shell` (run_shell on piped input).
//
// The session runs in the process' temporary directory (the working directory only while it
// runs), which is emptied after each input;
// inputs with '/' or ".." are skipped, so `snapshot FILE` and `restore FILE` stay inside it.
// The shell runs as many quanta as it is asked: inputs asking for more than a budget (every
// number or duration counted as a `run`) are skipped to keep each input cheap. Anything but a
// BioXenException escaping run_shell is a failure.
#include <bioxen/error.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>

#include "fuzz_support.hpp"
#include "scenario.hpp"
#include "shell.hpp"

namespace {

constexpr std::uint64_t quanta_budget = 2000;
constexpr std::uint64_t quantum_us = 100'000;  // ProductionConfig's default quantum

/// The quanta an input could ask for: every whole number, and every duration, as a run.
bool within_budget(std::string_view text) {
  std::istringstream words{std::string(text)};
  std::uint64_t total = 0;
  for (std::string w; words >> w;) {
    std::uint64_t n = 0;
    if (w.find_first_not_of("0123456789") == std::string::npos) {
      if (w.size() > 6) return false;
      n = std::stoull(w);
    } else {
      try {
        const auto d = bioxen::parse_duration(w, "run");
        if (d.count() > static_cast<std::int64_t>(quanta_budget * quantum_us)) return false;
        n = (static_cast<std::uint64_t>(d.count()) + quantum_us - 1) / quantum_us;
      } catch (const bioxen::BioXenException&) {
        continue;
      }
    }
    total += n;
    if (total > quanta_budget) return false;
  }
  return true;
}

/// Changes the working directory for its lifetime (libFuzzer's own paths may be relative).
class WorkingDirectory {
 public:
  explicit WorkingDirectory(const std::filesystem::path& dir)
      : previous_(std::filesystem::current_path()) {
    std::filesystem::current_path(dir);
  }
  ~WorkingDirectory() {
    std::error_code ec;
    std::filesystem::current_path(previous_, ec);
  }
  WorkingDirectory(const WorkingDirectory&) = delete;
  WorkingDirectory& operator=(const WorkingDirectory&) = delete;

 private:
  std::filesystem::path previous_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool silenced = (bioxen::fuzz::silence_stdout(), true);
  (void)silenced;
  const std::string_view text = bioxen::fuzz::as_text(data, size);
  if (text.find('/') != std::string_view::npos || text.find("..") != std::string_view::npos) {
    return 0;
  }
  if (!within_budget(text)) return 0;
  std::istringstream in{std::string(text)};
  const bioxen::cli::ShellOptions options;
  const WorkingDirectory in_temp_dir{bioxen::fuzz::temp_dir().path()};
  try {
    (void)bioxen::cli::run_shell(in, options);
  } catch (const bioxen::BioXenException&) {
    // What the tool's main() reports as an error.
  }
  bioxen::fuzz::temp_dir().clear();
  return 0;
}
