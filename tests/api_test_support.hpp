// Helpers of the API tests: a private temporary directory, and an environment that is
// restored after the test (HOME, BIOXEN_CONFIG and every BIOXEN_<FIELD> variable), so no
// test reads or writes the real ~/.bioxen.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "bioxen/config.hpp"
#include "bioxen/error.hpp"

namespace bioxen_test {

/// A fresh directory under the system temp dir, removed (recursively) at the end.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "bioxen-test-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    // A test may have made something unreadable; make it removable again.
    for (auto it = std::filesystem::recursive_directory_iterator(path_, ec);
         it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all,
                                   std::filesystem::perm_options::add, ec);
    }
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

  /// Writes `content` to `name` (creating parent directories) and returns its path.
  std::filesystem::path write(std::string_view name, std::string_view content) const {
    const auto p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }

  /// Names of the entries in `dir` (relative to this directory when empty).
  std::vector<std::string> entries(const std::filesystem::path& dir = {}) const {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir.empty() ? path_ : dir)) {
      names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  std::filesystem::path path_;
};

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Saves and clears HOME, BIOXEN_CONFIG and every BIOXEN_<FIELD> variable; restores them.
class ScopedEnv {
 public:
  ScopedEnv() {
    names_ = {"HOME", "BIOXEN_CONFIG"};
    for (auto key : bioxen::ProductionConfig::keys) {
      std::string var = "BIOXEN_";
      for (char c : key) var.push_back(static_cast<char>(std::toupper(c)));
      names_.push_back(var);
    }
    for (const auto& n : names_) {
      if (const char* v = std::getenv(n.c_str())) saved_[n] = v;
      ::unsetenv(n.c_str());
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;
  ~ScopedEnv() {
    for (const auto& n : names_) {
      const auto it = saved_.find(n);
      if (it == saved_.end()) {
        ::unsetenv(n.c_str());
      } else {
        ::setenv(n.c_str(), it->second.c_str(), 1);
      }
    }
  }
  void set(const std::string& name, const std::string& value) {
    if (std::find(names_.begin(), names_.end(), name) == names_.end()) {
      names_.push_back(name);
      if (const char* v = std::getenv(name.c_str())) saved_[name] = v;
    }
    ::setenv(name.c_str(), value.c_str(), 1);
  }
  void unset(const std::string& name) { ::unsetenv(name.c_str()); }

 private:
  std::vector<std::string> names_;
  std::map<std::string, std::string> saved_;
};

/// Runs `fn`, expecting a BioXenException with `code`; returns it for further checks.
template <class Fn>
bioxen::BioXenException expect_bioxen_error(bioxen::BioXenErrorCode code, Fn&& fn) {
  try {
    fn();
  } catch (const bioxen::BioXenException& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    return e;
  }
  ADD_FAILURE() << "expected a BioXenException";
  return bioxen::BioXenException(code, "<none thrown>");
}

}  // namespace bioxen_test
