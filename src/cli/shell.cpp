// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#include "shell.hpp"

#include <fmt/core.h>
#include <fmt/format.h>
#include <bioxen/chassis.hpp>
#include <bioxen/config_manager.hpp>
#include <bioxen/detail/json_read.hpp>
#include <bioxen/genome.hpp>
#include <bioxen/hypervisor.hpp>
#include <bioxen/monitor.hpp>
#include <bioxen/version.hpp>

#include <algorithm>
#include <charconv>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "commands.hpp"
#include "common.hpp"
#include "detail/text_io.hpp"
#include "output.hpp"
#include "progress.hpp"
#include "scenario.hpp"
#include "table.hpp"

namespace bioxen::cli {

namespace {

/// Thrown when input ends in the middle of a command: the session ends cleanly.
struct EndOfInput {};

struct MenuEntry {
  const char* key;
  const char* name;
  const char* help;
};

constexpr MenuEntry menu[] = {
    {"1", "chassis", "select the chassis (starts a new hypervisor)"},
    {"2", "create",
     "create a VM: create [ID TYPE [ribosomes=N atp=P memory=KB priority=N "
     "allow_incompatible_code=true]]"},
    {"3", "start", "start a VM: start [ID]"},
    {"4", "pause", "pause a running VM"},
    {"5", "resume", "resume a paused VM"},
    {"6", "stop", "stop a running or paused VM"},
    {"7", "destroy", "destroy a VM and free its resources"},
    {"8", "run", "run virtual time: run [QUANTA | DURATION such as 5s]"},
    {"9", "status", "show the VMs and the resources"},
    {"10", "monitor", "show the monitor's performance summary"},
    {"11", "snapshot", "save a snapshot: snapshot [FILE]"},
    {"12", "restore", "restore a snapshot: restore FILE"},
    {"0", "exit", "leave the shell"},
};

std::vector<std::string> split_words(const std::string& line) {
  std::istringstream ss(line);
  std::vector<std::string> words;
  for (std::string w; ss >> w;) words.push_back(w);
  return words;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

BioXenException usage(std::string message) {
  return BioXenException(BioXenErrorCode::invalid_argument, std::move(message));
}

/// Parses a non-negative integer of a shell argument, at most `max` (a value that does not fit
/// its field is refused, never truncated).
std::int64_t parse_int(const std::string& text, std::string_view what,
                       std::int64_t max = std::numeric_limits<std::int64_t>::max()) {
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec == std::errc::result_out_of_range || (ec == std::errc{} && v > max)) {
    throw usage(
        fmt::format("{}: '{}' is out of range (at most {})", what, detail::printable(text), max));
  }
  if (ec != std::errc{} || ptr != text.data() + text.size() || v < 0) {
    throw usage(fmt::format("{}: expected a non-negative whole number, got '{}'", what,
                            detail::printable(text)));
  }
  return v;
}

double parse_double(const std::string& text, std::string_view what) {
  double v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || ptr != text.data() + text.size() || !(v >= 0)) {
    throw usage(fmt::format("{}: expected a non-negative number, got '{}'", what, text));
  }
  return v;
}

class Shell {
 public:
  Shell(std::istream& in, const ShellOptions& o) : in_(in), o_(o), config_(o.config) {
    new_hypervisor(o.chassis);
  }

  int run() {
    fmt::print(
        "BioXen {} shell. Type a number or a command; 'help' shows the menu, 'exit' "
        "leaves.\n",
        bioxen::version());
    if (o_.interactive) print_menu();
    try {
      for (;;) {
        const auto line = read_line(prompt());
        if (!line) break;
        const auto words = split_words(*line);
        if (words.empty() || words.front().front() == '#') continue;
        if (!o_.interactive) fmt::print("bioxen> {}\n", *line);
        if (!dispatch(words)) break;
        std::fflush(stdout);
      }
    } catch (const EndOfInput&) {
      // Input ended inside a command: nothing half-done remains (commands act at the end).
    }
    if (o_.interactive) fmt::print("\n");
    fmt::print("Bye.\n");
    if (mon_) mon_->stop_monitoring();
    return first_failure_;
  }

 private:
  // --- input -----------------------------------------------------------------------------

  std::string prompt() const {
    const auto r = hv_->get_system_resources();
    return fmt::format("bioxen [{} t={} vms={}]> ", to_string(chassis_),
                       format_seconds(static_cast<double>(r.virtual_time_us) / 1e6), r.total_vms);
  }

  /// One line, trimmed; nullopt at end of input.
  std::optional<std::string> read_line(const std::string& prompt_text) {
    if (o_.interactive) {
      fmt::print("{}", prompt_text);
      std::fflush(stdout);
    }
    std::string line;
    if (!std::getline(in_, line)) return std::nullopt;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
      line.pop_back();
    }
    const auto start = line.find_first_not_of(" \t");
    return start == std::string::npos ? std::string() : line.substr(start);
  }

  /// A question with an optional default; end of input inside a command ends the session.
  std::string ask(const std::string& question, const std::string& def = {}) {
    const std::string p =
        def.empty() ? fmt::format("  {}: ", question) : fmt::format("  {} [{}]: ", question, def);
    const auto answer = read_line(p);
    if (!answer) throw EndOfInput{};
    if (!o_.interactive) fmt::print("{}{}\n", p, *answer);
    return answer->empty() ? def : *answer;
  }

  /// A numbered choice (the original library's menus): accepts the number or the value itself.
  std::string choose(const std::string& question,
                     const std::vector<std::pair<std::string, std::string>>& options) {
    fmt::print("  {}:\n", question);
    for (std::size_t i = 0; i < options.size(); ++i) {
      fmt::print("   {:>2}) {:<16} {}\n", i + 1, options[i].first, options[i].second);
    }
    for (;;) {
      const std::string a = ask("choice");
      for (std::size_t i = 0; i < options.size(); ++i) {
        if (a == std::to_string(i + 1) || a == options[i].first) return options[i].first;
      }
      const std::string message =
          a.empty() ? "no choice made" : fmt::format("'{}' is not one of the choices", a);
      if (!o_.interactive) throw usage(message);
      fmt::print("  {}; type a number from 1 to {}\n", message, options.size());
    }
  }

  // --- commands ----------------------------------------------------------------------------

  /// Runs one command; false to leave the shell.
  bool dispatch(const std::vector<std::string>& words) {
    std::string cmd = lower(words.front());
    const std::vector<std::string> args(words.begin() + 1, words.end());
    for (const auto& m : menu) {
      if (cmd == m.key) cmd = m.name;
    }
    if (cmd == "exit" || cmd == "quit" || cmd == "q") return false;
    try {
      if (cmd == "help" || cmd == "?" || cmd == "h" || cmd == "menu") {
        print_menu();
      } else if (cmd == "chassis") {
        select_chassis(args);
      } else if (cmd == "create") {
        create(args);
      } else if (cmd == "start" || cmd == "pause" || cmd == "resume" || cmd == "stop" ||
                 cmd == "destroy") {
        lifecycle(cmd, args);
      } else if (cmd == "run") {
        run_quanta(args);
      } else if (cmd == "status") {
        status();
      } else if (cmd == "monitor") {
        monitor();
      } else if (cmd == "snapshot") {
        snapshot(args);
      } else if (cmd == "restore") {
        restore(args);
      } else {
        throw usage(fmt::format("unknown command '{}' (type 'help' for the menu)", words.front()));
      }
    } catch (const BioXenException& e) {
      print_error(e);
      if (!o_.interactive && first_failure_ == 0) first_failure_ = exit_code_of(e);
    }
    return true;
  }

  void print_menu() const {
    fmt::print("\n  BioXen hypervisor: {} chassis, {} policy\n", chassis_profile(chassis_).name,
               to_string(config_.scheduler_policy));
    for (const auto& m : menu) fmt::print("  {:>3}  {:<9} {}\n", m.key, m.name, m.help);
    fmt::print("\n");
  }

  void new_hypervisor(ChassisType type) {
    if (mon_) mon_->stop_monitoring();
    mon_.reset();
    hv_ = std::make_unique<BioXenHypervisor>(config_, type);
    chassis_ = type;
    mon_ = std::make_unique<ProductionMonitor>(*hv_);
    mon_->start_monitoring(std::chrono::milliseconds{200});
  }

  void select_chassis(const std::vector<std::string>& args) {
    std::string name;
    if (!args.empty()) {
      name = args.front();
    } else {
      std::vector<std::pair<std::string, std::string>> options;
      for (const ChassisType t : all_chassis_types) {
        const auto& p = chassis_profile(t);
        options.emplace_back(
            std::string(to_string(t)),
            fmt::format("{} ({} ribosomes)", p.name, format_count(p.physical_ribosomes)));
      }
      name = choose("Select the chassis", options);
    }
    const ChassisType type = chassis_type_from_string(name);
    if (hv_->vm_count() > 0) {
      throw usage(fmt::format("{} VM(s) run on the {} chassis; destroy them before changing it",
                              hv_->vm_count(), to_string(chassis_)));
    }
    new_hypervisor(type);
    fmt::print("Chassis {}: {} ({} ribosome units, {} available to VMs).\n", to_string(type),
               chassis_profile(type).name, config_.total_ribosomes, config_.available_ribosomes());
  }

  std::string next_vm_id() const {
    for (int i = 1;; ++i) {
      std::string id = fmt::format("vm{}", i);
      if (!hv_->has_vm(id)) return id;
    }
  }

  void create(const std::vector<std::string>& args) {
    const bool guided = args.empty();
    const std::string id = args.size() >= 1 ? args[0] : ask("VM id", next_vm_id());
    std::string type;
    if (args.size() >= 2) {
      type = args[1];
    } else {
      std::vector<std::pair<std::string, std::string>> options;
      for (const auto& name : builtin_genome_names()) {
        options.emplace_back(name, builtin_genome(name)->organism());
      }
      options.emplace_back("file", "a genome file (.genome, .tsv, .gff3)");
      type = choose("Biological type", options);
    }
    GenomePtr genome;
    if (type == "file") type = fmt::format("genome={}", ask("genome file"));
    if (type.rfind("genome=", 0) == 0) genome = load_genome_file(type.substr(7));

    ResourceAllocation r;
    auto set = [&](const std::string& key, const std::string& value) {
      if (key == "ribosomes") {
        r.ribosomes = static_cast<int>(parse_int(value, key, std::numeric_limits<int>::max()));
      } else if (key == "atp" || key == "atp_percentage") {
        r.atp_percentage = parse_double(value, key);
      } else if (key == "rnap" || key == "rna_polymerase") {
        r.rna_polymerase = static_cast<int>(parse_int(value, key, std::numeric_limits<int>::max()));
      } else if (key == "memory" || key == "memory_kb") {
        r.memory_kb = parse_int(value, key);
      } else if (key == "priority") {
        r.priority = static_cast<int>(parse_int(value, key, std::numeric_limits<int>::max()));
      } else if (key == "allow_incompatible_code") {
        if (value != "true" && value != "false") {
          throw usage(fmt::format("allow_incompatible_code: expected true or false, got '{}'",
                                  detail::printable(value)));
        }
        r.allow_incompatible_code = value == "true";
      } else {
        detail::fail_unknown_key(
            detail::JsonContext{BioXenErrorCode::invalid_argument, "allocation"}, "", key,
            {"ribosomes", "atp", "atp_percentage", "rnap", "rna_polymerase", "memory", "memory_kb",
             "priority", "allow_incompatible_code"});
      }
    };
    for (std::size_t i = 2; i < args.size(); ++i) {
      const auto eq = args[i].find('=');
      if (eq == std::string::npos) {
        throw usage(fmt::format("'{}': write allocation settings as key=value", args[i]));
      }
      set(args[i].substr(0, eq), args[i].substr(eq + 1));
    }
    if (guided) {
      const ResourceAllocation d = genome ? ResourceAllocation{} : hv_->default_allocation(type);
      auto ask_field = [&](const char* key, const char* question, std::string def) {
        const std::string a = ask(question, def);
        if (a != def) set(key, a);
      };
      ask_field("ribosomes", "Ribosome units",
                d.ribosomes >= 0 ? fmt::format("auto: {}", d.ribosomes) : "auto");
      ask_field("atp", "ATP percentage",
                d.atp_percentage >= 0 ? fmt::format("auto: {:g}", d.atp_percentage) : "auto");
      ask_field("priority", "Priority 1-5", "1");
    }
    if (genome) {
      hv_->create_vm(id, genome, r);
    } else {
      hv_->create_vm(id, type, r);
    }
    const auto s = hv_->get_vm_status(id);
    fmt::print("Created {} ({}): {} ribosome units, {:g} % ATP, {} kb, priority {}; state {}.\n",
               id, s.biological_type, s.ribosome_allocation, s.atp_percentage, s.memory_kb,
               s.priority, to_string(s.state));
  }

  void lifecycle(const std::string& op, const std::vector<std::string>& args) {
    std::string id;
    if (!args.empty()) {
      id = args.front();
    } else {
      auto allowed = [&](VMState s) {
        if (op == "start") return s == VMState::created || s == VMState::stopped;
        if (op == "pause") return s == VMState::running;
        if (op == "resume") return s == VMState::paused;
        if (op == "stop") return s == VMState::running || s == VMState::paused;
        return true;  // destroy
      };
      std::vector<std::pair<std::string, std::string>> options;
      for (const auto& v : hv_->list_vms()) {
        if (allowed(v.state)) {
          options.emplace_back(v.vm_id,
                               fmt::format("{}, {}", v.biological_type, to_string(v.state)));
        }
      }
      if (options.empty()) {
        throw BioXenException(BioXenErrorCode::invalid_state_transition,
                              fmt::format("no VM is in a state that allows {}", op));
      }
      id = choose(fmt::format("VM to {}", op), options);
    }
    if (op == "start") hv_->start_vm(id);
    if (op == "pause") hv_->pause_vm(id);
    if (op == "resume") hv_->resume_vm(id);
    if (op == "stop") hv_->stop_vm(id);
    if (op == "destroy") {
      hv_->destroy_vm(id);
      fmt::print("Destroyed {}; its resources are free again.\n", id);
      return;
    }
    fmt::print("{}: {}.\n", id, to_string(hv_->get_vm_state(id)));
  }

  void run_quanta(const std::vector<std::string>& args) {
    const std::string what =
        args.empty() ? ask("Quanta to run (or a duration such as 5s)", "10") : args.front();
    std::uint64_t n = 0;
    if (!what.empty() &&
        std::all_of(what.begin(), what.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      n = static_cast<std::uint64_t>(parse_int(what, "quanta"));
    } else {
      const auto d = parse_duration(what, "run");
      const auto q_us = static_cast<std::uint64_t>(config_.scheduling_quantum_ms) * 1000U;
      n = (static_cast<std::uint64_t>(d.count()) + q_us - 1) / q_us;
    }
    if (n == 0) throw usage("run: give at least one quantum");
    // The run goes in chunks (for the progress bar); one that would pass the clock's end is
    // refused before the first, by the library's own check of the whole run.
    if (n > hv_->quanta_left()) (void)hv_->run_quanta(n);
    ProgressBar bar{"running", n};
    std::uint64_t done = 0;
    while (done < n) {
      done += hv_->run_quanta(std::min<std::uint64_t>(n - done, 1000));
      bar.update(done);
    }
    bar.finish();
    const auto r = hv_->get_system_resources();
    fmt::print("Ran {} quanta: virtual time {} ({} running, {} paused).\n", format_count(n),
               format_seconds(static_cast<double>(r.virtual_time_us) / 1e6), r.active_vms,
               r.paused_vms);
  }

  void status() {
    const auto vms = hv_->list_vms();
    std::vector<Table> tables{resources_table(hv_->get_system_resources())};
    if (vms.empty()) {
      print_tables(tables);
      fmt::print("\nNo VMs yet: 'create' makes one.\n");
      return;
    }
    tables.push_back(vm_table(vms));
    tables.push_back(work_table(vms));
    print_tables(tables);
  }

  void monitor() { print_tables(performance_tables(mon_->get_performance_summary())); }

  void snapshot(const std::vector<std::string>& args) {
    const std::string file =
        args.empty() ? ask("Snapshot file", "bioxen-snapshot.json") : args.front();
    write_text_file(file, hv_->snapshot().dump(2) + "\n");
    const auto r = hv_->get_system_resources();
    fmt::print("Saved a snapshot of {} VM(s) at virtual time {} to {}.\n", r.total_vms,
               format_seconds(static_cast<double>(r.virtual_time_us) / 1e6), file);
  }

  void restore(const std::vector<std::string>& args) {
    const std::string file =
        args.empty() ? ask("Snapshot file", "bioxen-snapshot.json") : args.front();
    const std::string text = detail::read_text_file(file, "snapshot file");
    const nlohmann::json snap =
        detail::parse_json_file_text(text, file, BioXenErrorCode::invalid_snapshot);
    hv_->restore(snap);
    chassis_ = hv_->chassis().type;
    const auto r = hv_->get_system_resources();
    fmt::print("Restored {} VM(s) at virtual time {} from {}.\n", r.total_vms,
               format_seconds(static_cast<double>(r.virtual_time_us) / 1e6), file);
  }

  std::istream& in_;
  ShellOptions o_;
  ProductionConfig config_;
  ChassisType chassis_ = ChassisType::ecoli;
  std::unique_ptr<BioXenHypervisor> hv_;
  std::unique_ptr<ProductionMonitor> mon_;
  int first_failure_ = 0;
};

}  // namespace

int run_shell(std::istream& in, const ShellOptions& options) {
  Shell shell{in, options};
  return shell.run();
}

void add_shell_command(CLI::App& app, Action& action) {
  struct Options {
    std::string config;
    std::string chassis = "ecoli";
    std::string policy;
  };
  auto o = std::make_shared<Options>();
  auto* sub = app.add_subcommand(
      "shell", "Interactive menu: chassis, VMs, run, status, monitor, snapshot (or piped input)");
  sub->add_option("--config", o->config,
                  "Configuration file to use; it must exist (default: the built-in defaults)");
  std::vector<std::string> chassis_names;
  for (const auto& row : detail::chassis_type_names) chassis_names.emplace_back(row.name);
  sub->add_option("--chassis", o->chassis, "The first chassis")
      ->capture_default_str()
      ->check(CLI::IsMember(chassis_names));
  sub->add_option("--policy", o->policy, "Scheduler policy (default: the configuration's)")
      ->check(CLI::IsMember({"round_robin", "fair_share", "priority"}));
  sub->footer(
      "Commands (a number or a name, arguments optional): chassis, create, start, pause, "
      "resume, stop, destroy, run, status, monitor, snapshot, restore, help, exit.\n"
      "Piped example: printf 'create vm1 syn3a_recoded\\nstart vm1\\nrun 50\\nstatus\\n' | "
      "bioxen shell\n");
  sub->callback([o, &action] {
    action = [o] {
      return guarded(false, [&] {
        ShellOptions so;
        if (!o->config.empty()) {
          // A file named on the command line must be there: never the defaults in its place.
          const ProductionConfigManager manager{o->config};
          if (!manager.loaded_from_file()) {
            throw BioXenException(
                BioXenErrorCode::io_error,
                fmt::format("cannot read configuration file '{}': No such file or directory",
                            o->config),
                {{"file", o->config}, {"reason", "No such file or directory"}});
          }
          so.config = manager.config;
        }
        if (!o->policy.empty())
          so.config.scheduler_policy = scheduler_policy_from_string(o->policy);
        so.chassis = chassis_type_from_string(o->chassis);
        so.interactive = stdin_is_terminal();
        return run_shell(std::cin, so);
      });
    };
  });
}

}  // namespace bioxen::cli
