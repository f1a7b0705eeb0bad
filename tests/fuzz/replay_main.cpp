// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Regression replay of a fuzz target without libFuzzer: runs LLVMFuzzerTestOneInput on every
// file given, and on every file in the directories given (sorted, not recursive; a missing
// directory is skipped). Any crash, sanitizer report or escaping exception fails the process;
// an input that takes longer than 5 s is reported and fails it too.
//   fuzz_replay_<target> tests/fuzz/regressions/<target> tests/fuzz/corpus/<target>
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::vector<std::filesystem::path> inputs_of(const std::filesystem::path& arg) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  if (std::filesystem::is_directory(arg, ec)) {
    for (const auto& entry : std::filesystem::directory_iterator(arg)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
  } else if (std::filesystem::exists(arg, ec)) {
    files.push_back(arg);
  } else {
    std::fprintf(stderr, "replay: %s does not exist, skipped\n", arg.c_str());
  }
  return files;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t count = 0;
  int slow = 0;
  // Absolute first: a target may change the working directory (the shell's runs in its own).
  std::vector<std::filesystem::path> args;
  for (int i = 1; i < argc; ++i) args.push_back(std::filesystem::absolute(argv[i]));
  for (const auto& arg : args) {
    for (const auto& file : inputs_of(arg)) {
      std::ifstream in(file, std::ios::binary);
      const std::vector<char> bytes{std::istreambuf_iterator<char>(in),
                                    std::istreambuf_iterator<char>()};
      std::fprintf(stderr, "replay: %s (%zu bytes)\n", file.c_str(), bytes.size());
      std::fflush(stderr);
      const auto start = std::chrono::steady_clock::now();
      LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
      const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
      if (took.count() > 5.0) {
        std::fprintf(stderr, "replay: %s took %.1f s (limit 5 s)\n", file.c_str(), took.count());
        ++slow;
      }
      ++count;
    }
  }
  std::fprintf(stderr, "replay: %zu inputs, %d slow\n", count, slow);
  return slow == 0 ? 0 : 1;
}
