// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// The parts of `bioxen shell` that need no terminal: Tab completion's candidates, the host
// cell's line, the history file's place, and the host line of a piped session's status and
// monitor. (On a terminal: shell_pty_test.)
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <bioxen/genome.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "shell.hpp"

namespace {

namespace fs = std::filesystem;
using bioxen::HostStatus;
using bioxen::VMState;
using bioxen::cli::CompletionVm;
using bioxen::cli::shell_completions;
using Words = std::vector<std::string>;

const std::vector<CompletionVm> vms = {{"alpha", VMState::created},
                                       {"beta", VMState::running},
                                       {"gamma", VMState::paused},
                                       {"delta", VMState::stopped},
                                       {"alpine", VMState::running}};

TEST(ShellCompletion, FirstWordIsACommand) {
  const auto all = shell_completions("", vms);
  for (const char* c : {"chassis", "create", "start", "pause", "resume", "stop", "destroy", "run",
                        "status", "monitor", "snapshot", "restore", "exit", "help", "quit"}) {
    EXPECT_NE(std::find(all.begin(), all.end(), c), all.end()) << c;
  }
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
  EXPECT_EQ(shell_completions("sta", vms), (Words{"start", "status"}));
  EXPECT_EQ(shell_completions("st", vms), (Words{"start", "status", "stop"}));
  EXPECT_EQ(shell_completions("  mon", vms), (Words{"monitor"}));
  EXPECT_EQ(shell_completions("status", vms), (Words{"status"}));
  EXPECT_TRUE(shell_completions("xyz", vms).empty());
}

TEST(ShellCompletion, VmIdsWhoseStateAllowsTheCommand) {
  EXPECT_EQ(shell_completions("start ", vms), (Words{"alpha", "delta"}));
  EXPECT_EQ(shell_completions("pause ", vms), (Words{"alpine", "beta"}));
  EXPECT_EQ(shell_completions("resume ", vms), (Words{"gamma"}));
  EXPECT_EQ(shell_completions("stop ", vms), (Words{"alpine", "beta", "gamma"}));
  EXPECT_EQ(shell_completions("destroy al", vms), (Words{"alpha", "alpine"}));
  EXPECT_EQ(shell_completions("START a", vms), (Words{"alpha"}));  // commands in any case
  // A menu number is its command: 3 is start, 4 pause.
  EXPECT_EQ(shell_completions("3 ", vms), (Words{"alpha", "delta"}));
  EXPECT_EQ(shell_completions("4 ", vms), (Words{"alpine", "beta"}));
  // Only the first argument is a VM id.
  EXPECT_TRUE(shell_completions("start alpha ", vms).empty());
  EXPECT_TRUE(shell_completions("start ", {}).empty());
}

TEST(ShellCompletion, ChassisGenomesAndSettings) {
  EXPECT_EQ(shell_completions("chassis ", vms), (Words{"ecoli", "orthogonal", "syn3a", "yeast"}));
  EXPECT_EQ(shell_completions("1 y", vms), (Words{"yeast"}));
  Words genomes = bioxen::builtin_genome_names();
  genomes.emplace_back("genome=");
  std::sort(genomes.begin(), genomes.end());
  EXPECT_EQ(shell_completions("create vm1 ", vms), genomes);
  EXPECT_TRUE(shell_completions("create ", vms).empty());  // a new id: nothing to complete
  const auto syn = shell_completions("create vm1 syn3a", vms);
  ASSERT_FALSE(syn.empty());
  for (const auto& g : syn) EXPECT_EQ(g.rfind("syn3a", 0), 0U) << g;
  EXPECT_EQ(shell_completions("create vm1 syn3a r", vms), (Words{"ribosomes=", "rnap="}));
  EXPECT_EQ(shell_completions("create vm1 syn3a ribosomes=10 p", vms), (Words{"priority="}));
  EXPECT_EQ(shell_completions("create vm1 syn3a allow_incompatible_code=", vms),
            (Words{"allow_incompatible_code=false", "allow_incompatible_code=true"}));
  EXPECT_TRUE(shell_completions("run ", vms).empty());
  EXPECT_TRUE(shell_completions("nosuch ", vms).empty());
}

TEST(ShellCompletion, FileNames) {
  const fs::path dir =
      fs::temp_directory_path() / ("bioxen-shell-files-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "sub");
  std::ofstream(dir / "snap1.json") << "{}";
  std::ofstream(dir / "snap2.json") << "{}";
  std::ofstream(dir / ".hidden") << "";
  const std::string d = dir.string() + "/";
  EXPECT_EQ(shell_completions("snapshot " + d + "sn", vms),
            (Words{d + "snap1.json", d + "snap2.json"}));
  EXPECT_EQ(shell_completions("restore " + d + "su", vms), (Words{d + "sub/"}));
  EXPECT_EQ(shell_completions("12 " + d, vms),
            (Words{d + "snap1.json", d + "snap2.json", d + "sub/"}));
  EXPECT_EQ(shell_completions("restore " + d + ".", vms), (Words{d + ".hidden"}));
  EXPECT_EQ(shell_completions("create vm1 genome=" + d + "su", vms),
            (Words{"genome=" + d + "sub/"}));
  EXPECT_TRUE(shell_completions("restore " + d + "nosuch/x", vms).empty());
  fs::remove_all(dir);
}

TEST(ShellHostLine, GrowingStalledAndNotModelled) {
  HostStatus h;
  h.work_model = "physiological";
  h.modelled = true;
  h.state = "growing";
  h.growth_rate_per_h = 0.9;
  h.reference_growth_rate_per_h = 1.05;
  h.doubling_time_min = 46.2;
  h.guest_translation_fraction = 0.125;
  EXPECT_EQ(bioxen::cli::host_status_line(h),
            "Host cell: growing, growth rate 0.9 /h (1.05 /h alone), doubling time 46.2 min; "
            "guests take 12.5 % of its translation.");
  h.state = "stalled";
  h.growth_rate_per_h = 0;
  h.doubling_time_min = std::numeric_limits<double>::infinity();
  h.guest_translation_fraction = 0.97;
  EXPECT_EQ(bioxen::cli::host_status_line(h),
            "Host cell: stalled (growth rate 0 /h, 1.05 /h alone); guests take 97.0 % of its "
            "translation.");
  HostStatus c;
  c.work_model = "capacity";
  c.reference_growth_rate_per_h = 1.05;
  EXPECT_EQ(bioxen::cli::host_status_line(c),
            "Host cell: not modelled (the capacity work model); reference growth rate 1.05 /h.");
}

/// Sets (or, with nullopt, unsets) an environment variable for the length of a scope.
class EnvVar {
 public:
  EnvVar(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name); old != nullptr) old_ = old;
    if (value) {
      ::setenv(name, value->c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~EnvVar() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  EnvVar(const EnvVar&) = delete;
  EnvVar& operator=(const EnvVar&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(ShellHistoryFile, FromTheEnvironment) {
  using bioxen::cli::shell_history_file_from_environment;
  const EnvVar home{"HOME", "/home/someone"};
  {
    const EnvVar file{"BIOXEN_HISTORY_FILE", "/tmp/h/history"};
    const EnvVar state{"XDG_STATE_HOME", "/state"};
    EXPECT_EQ(shell_history_file_from_environment(), fs::path("/tmp/h/history"));
  }
  for (const char* off : {"", "off"}) {
    const EnvVar file{"BIOXEN_HISTORY_FILE", off};
    EXPECT_EQ(shell_history_file_from_environment(), std::nullopt) << "'" << off << "'";
  }
  const EnvVar file{"BIOXEN_HISTORY_FILE", std::nullopt};
  {
    const EnvVar state{"XDG_STATE_HOME", "/state"};
    EXPECT_EQ(shell_history_file_from_environment(), fs::path("/state/bioxen/history"));
  }
  {
    const EnvVar state{"XDG_STATE_HOME", "relative/state"};  // not absolute: ignored
    EXPECT_EQ(shell_history_file_from_environment(),
              fs::path("/home/someone/.local/state/bioxen/history"));
  }
  const EnvVar state{"XDG_STATE_HOME", std::nullopt};
  EXPECT_EQ(shell_history_file_from_environment(),
            fs::path("/home/someone/.local/state/bioxen/history"));
  const EnvVar no_home{"HOME", std::nullopt};
  EXPECT_EQ(shell_history_file_from_environment(), std::nullopt);
}

TEST(ShellSession, StatusAndMonitorShowTheHostCell) {
  std::istringstream in("status\ncreate vm1 syn3a_recoded\nstart vm1\nrun 20\nstatus\nmonitor\n");
  testing::internal::CaptureStdout();
  const int code = bioxen::cli::run_shell(in, bioxen::cli::ShellOptions{});
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(code, 0);
  // Once before any VM, once after the run, once in the monitor's summary.
  std::size_t lines = 0;
  for (auto at = out.find("\nHost cell: growing, growth rate "); at != std::string::npos;
       at = out.find("\nHost cell: growing, growth rate ", at + 1)) {
    ++lines;
  }
  EXPECT_EQ(lines, 3U) << out;
  const auto monitor = out.find("bioxen> monitor");
  ASSERT_NE(monitor, std::string::npos) << out;
  EXPECT_NE(out.find("Host cell: ", monitor), std::string::npos) << out;
}

}  // namespace
