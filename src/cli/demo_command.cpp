// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// `bioxen demo`: first the genetic-code check (JCVI-syn3A, written in table 4, is refused by an
// E. coli host and boots on a syn3A host), then the original library's production workflow on
// the embedded default — an E. coli chassis, an E. coli VM created with create_bio_vm and a
// recoded JCVI-syn3A VM on an owned hypervisor, run with monitoring, then resource, per-VM work
// and performance summaries. It reads and writes no configuration file (not ~/.bioxen):
// everything is built in.
#include <fmt/core.h>
#include <unistd.h>
#include <bioxen/config.hpp>
#include <bioxen/config_manager.hpp>
#include <bioxen/error_details.hpp>
#include <bioxen/hypervisor.hpp>
#include <bioxen/version.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "commands.hpp"
#include "common.hpp"
#include "output.hpp"
#include "report.hpp"
#include "scenario.hpp"
#include "simulation.hpp"

namespace bioxen::cli {

namespace {

struct DemoOptions {
  // 20 minutes of virtual time. Under the physiological work model a guest's mRNA builds up
  // over minutes (its half-life and 10 RNA polymerases set the pace), boot needs one copy of
  // every boot protein (about 2.5-3 min here) and the ribosomes on guest chains approach their
  // steady state after ~20 min; a one-minute run would end with both guests still booting and
  // the host barely touched. The run takes milliseconds of wall-clock time.
  std::uint64_t quanta = 12'000;
  std::string policy{to_string(ProductionConfig{}.scheduler_policy)};
  bool json = false;
  bool verbose = false;
  std::string report;
  bool no_progress = false;
};

/// The embedded default: the original library's production example as a scenario.
Scenario demo_scenario(const DemoOptions& o) {
  Scenario s;
  s.name = "demo";
  s.description =
      "The production workflow: an E. coli guest and a JCVI-syn3A guest recoded for table 11.";
  s.source = "<embedded default>";
  s.chassis = chassis_profile(ChassisType::ecoli);
  s.chassis_name = "ecoli";
  s.config = ProductionConfig{};
  s.config.scheduler_policy = scheduler_policy_from_string(o.policy);
  s.quanta = o.quanta;
  s.length_text = fmt::format("{} quanta", o.quanta);
  VmSpec ecoli;
  ecoli.id = "prod_ecoli_01";
  ecoli.type = "ecoli";
  ecoli.field = "demo";
  VmSpec syn3a = ecoli;
  syn3a.id = "prod_syn3a_01";
  syn3a.type = "syn3a_recoded";  // syn3A's own table 4 is refused by E. coli (genetic_code_demo)
  s.vms = {ecoli, syn3a};
  return s;
}

/// The five production checks of the embedded configuration. The manager is pointed
/// at a path that does not exist, so no user file is read (and none is written).
std::map<std::string, bool> production_checks(const ProductionConfig& config) {
  const auto nowhere = std::filesystem::temp_directory_path() /
                       fmt::format("bioxen-demo-{}", ::getpid()) / "config.json";
  ProductionConfigManager mgr{nowhere};
  mgr.config = config;
  return mgr.validate_production_requirements();
}

/// What the genetic-code check does with JCVI-syn3A: refused by E. coli (table 11), booted by
/// a syn3A host (table 4). The run on the syn3A host is one guest with the default share for
/// up to 30 minutes of virtual time, stopping at boot.
struct CodeDemo {
  std::string refusal;          // the BX014 message
  std::string refusal_details;  // its details, as JSON text
  std::string host;             // the compatible chassis
  bool booted = false;
  double boot_seconds = 0.0;
};

CodeDemo genetic_code_demo(const ProductionConfig& config) {
  CodeDemo d;
  {
    BioXenHypervisor ecoli{config, ChassisType::ecoli};
    try {
      ecoli.create_vm("syn3a_on_ecoli", "syn3a");
      throw CommandError(exit_runtime, BioXenErrorCode::incompatible_genetic_code,
                         "the E. coli host accepted JCVI-syn3A, which it cannot translate");
    } catch (const CommandError&) {
      throw;
    } catch (const BioXenException& e) {
      if (e.code() != BioXenErrorCode::incompatible_genetic_code) throw;
      d.refusal = e.message();
      d.refusal_details = e.details().dump();
    }
  }
  BioXenHypervisor syn3a{config, ChassisType::syn3a};
  d.host = syn3a.chassis().name;
  syn3a.create_vm("syn3a_on_syn3a", "syn3a");
  syn3a.start_vm("syn3a_on_syn3a");
  for (int minute = 0; minute < 30 && !d.booted; ++minute) {
    syn3a.run_quanta(60'000 / config.scheduling_quantum_ms);
    const VmStatus st = syn3a.get_vm_status("syn3a_on_syn3a");
    d.booted = st.boot_complete;
    d.boot_seconds = st.boot_time_seconds;
  }
  return d;
}

/// Why the refusal, in two lines: "343 of its proteins would stop early at a UGA", from the
/// BX014 details.
std::string refusal_reason(const CodeDemo& code) {
  const nlohmann::json d = nlohmann::json::parse(code.refusal_details, nullptr, false);
  if (d.is_object() && d.contains("truncated_proteins")) {
    return fmt::format("{} of its proteins\n   would stop early at a UGA",
                       d["truncated_proteins"].dump());
  }
  return "its UGA codons would\n   be read as stop";
}

/// The default text: what was set up, what each guest made, what it cost the host, in lines
/// of at most 80 columns and with nothing that changes from run to run.
void print_story(const Scenario& s, const CodeDemo& code, const std::map<std::string, bool>& checks,
                 const SimulationResult& r) {
  const double minutes = static_cast<double>(s.quanta) * s.quantum_seconds() / 60.0;
  fmt::print("BioXen {} demo: an E. coli cell hosting two guest genomes for {:.0f} min\n\n",
             bioxen::version(), minutes);

  fmt::print("1. Genetic codes\n");
  fmt::print("   JCVI-syn3A reads the codon UGA as tryptophan; E. coli reads it as stop.\n");
  fmt::print("   On an E. coli host it is refused (error BX014): {}.\n", refusal_reason(code));
  if (code.booted) {
    fmt::print("   On its own kind of host it boots in {}.\n", format_seconds(code.boot_seconds));
  } else {
    fmt::print("   On its own kind of host it does not boot within 30 min.\n");
  }
  fmt::print("   So on E. coli it runs recoded: every UGA made UGG, the same proteins.\n\n");

  std::size_t passed = 0;
  for (const auto& entry : checks) passed += entry.second ? 1 : 0;
  fmt::print("2. Set-up\n");
  if (r.host_alone.modelled) {
    fmt::print("   Host: {}; alone it doubles every {}.\n", s.chassis.name,
               format_doubling(r.host_alone));
  } else {
    fmt::print("   Host: {}.\n", s.chassis.name);
  }
  const ProductionConfig& c = s.config;
  fmt::print("   Guests: {}, an E. coli genome, and {}, JCVI-syn3A\n", s.vms.at(0).id,
             s.vms.at(1).id);
  if (!r.vms.empty()) {
    fmt::print("   recoded; each gets {} of the {} ribosome units and {:.1f} % of the ATP,\n",
               r.vms.front().ribosome_allocation, c.total_ribosomes, r.vms.front().atp_percentage);
  }
  std::string policy{to_string(c.scheduler_policy)};
  std::replace(policy.begin(), policy.end(), '_', '-');
  fmt::print("   in turns of {} ms ({}). Production checks: {} of {} pass.\n\n",
             c.scheduling_quantum_ms, policy, passed, checks.size());

  fmt::print("3. What each guest made in {:.0f} min\n", minutes);
  fmt::print("   {:<15} {:>14} {:>10} {:>14}\n", "guest", "booted after", "proteins",
             "amino acids");
  std::uint64_t proteins = 0;
  for (const VmStatus& vm : r.vms) {
    proteins += vm.proteins_completed;
    fmt::print("   {:<15} {:>14} {:>10} {:>14}\n", vm.vm_id,
               vm.boot_complete ? format_seconds(vm.boot_time_seconds) : std::string{"not yet"},
               format_count(vm.proteins_completed), format_count(vm.amino_acids));
  }
  fmt::print("\n");

  fmt::print("4. What it cost the host\n");
  const HostStatus& h = r.host;
  if (!h.modelled) {
    fmt::print("   Not modelled: this run uses the capacity work model.\n\n");
  } else if (h.state == "stalled") {
    fmt::print("   The host stopped growing: its guests took {:.1f} % of its translation.\n\n",
               100.0 * h.guest_translation_fraction);
  } else {
    fmt::print(
        "   The guests took {:.1f} % of the host's translation ({} of its {}\n",
        100.0 * h.guest_translation_fraction,
        format_count(std::llround(h.guest_bound_ribosomes) < 0
                         ? std::uint64_t{0}
                         : static_cast<std::uint64_t>(std::llround(h.guest_bound_ribosomes))),
        format_count(static_cast<std::uint64_t>(std::llround(h.active_ribosomes))));
    fmt::print("   ribosomes). The host now doubles every {} instead of {}.\n\n",
               format_doubling(h), format_doubling(r.host_alone));
  }

  if (h.modelled && h.state != "stalled" && r.host_alone.growth_rate_per_h > 0.0) {
    const double slower = 100.0 * (1.0 - h.growth_rate_per_h / r.host_alone.growth_rate_per_h);
    fmt::print("In short: the guests made {} proteins; hosting them slowed the host's\n",
               format_count(proteins));
    fmt::print("growth by {:.0f} %.\n\n", slower);
  }
  fmt::print("More: --verbose (every table), --json (machine output), --report demo.html\n");
}

int demo_command(const DemoOptions& o) {
  const Scenario s = demo_scenario(o);
  const auto checks = production_checks(s.config);
  const CodeDemo code = genetic_code_demo(s.config);
  const bool verbose = o.verbose && !o.json;

  if (verbose) {
    fmt::print("BioXen {} demo: the production workflow on the embedded default\n",
               bioxen::version());
    fmt::print("\nGenetic codes: JCVI-syn3A is written in translation table 4 (UGA = Trp).\n");
    fmt::print("  on E. coli (table 11): refused, BX014 {}\n", code.refusal);
    if (code.booted) {
      fmt::print("  on the {} (table 4): created, started, booted at {}\n", code.host,
                 format_seconds(code.boot_seconds));
    } else {
      fmt::print("  on the {} (table 4): created and started; not booted within 30 min\n",
                 code.host);
    }
    fmt::print(
        "  so the workflow below runs syn3A recoded for table 11 (every UGA codon made "
        "UGG) on E. coli.\n\n");
    fmt::print(
        "(E. coli chassis; an E. coli and a recoded JCVI-syn3A VM; {} policy; {} quanta of {} ms "
        "= {} of virtual time)\n\n",
        to_string(s.config.scheduler_policy), format_count(s.quanta),
        s.config.scheduling_quantum_ms,
        format_seconds(static_cast<double>(s.quanta) * s.quantum_seconds()));
    checks_table(checks).print(stdout);
  }
  for (const auto& [name, ok] : checks) {
    if (!ok) {
      throw CommandError(exit_invalid_input, BioXenErrorCode::invalid_configuration,
                         fmt::format("production validation failed: {}", name));
    }
  }

  SimulationOptions so;
  so.use_factory = true;
  so.record = !o.report.empty();
  so.progress = !o.no_progress;
  if (verbose) {
    so.on_host_alone = [&s](const HostStatus& h) {
      if (h.modelled) {
        fmt::print("\nHost alone: {} grows at {:.3g}/h, doubling every {}.\n", s.chassis.name,
                   h.growth_rate_per_h, format_doubling(h));
      } else {
        fmt::print("\nHost: {} (not modelled under the capacity work model).\n", s.chassis.name);
      }
    };
    so.on_created = [first = true](const VmSpec& vm) mutable {
      if (std::exchange(first, false)) fmt::print("\nCreating production biological VMs...\n");
      fmt::print("  created {} ({}, basic VM) and started it\n", vm.id, vm.type);
    };
  }
  if (verbose) std::fflush(stdout);
  const SimulationResult r = run_simulation(s, so);

  if (!o.report.empty()) write_html_report(o.report, report_data(s, r, "BioXen demo"));
  if (o.json) {
    nlohmann::json j = result_json(s, r);
    j["production_checks"] = checks;
    j["genetic_code"] = {{"refused_on_ecoli", code.refusal},
                         {"refusal_details", nlohmann::json::parse(code.refusal_details)},
                         {"compatible_host", code.host},
                         {"booted_on_compatible_host", code.booted},
                         {"boot_seconds_on_compatible_host", code.boot_seconds}};
    if (!o.report.empty()) j["report"] = o.report;
    print_json(j);
    return exit_ok;
  }
  if (!verbose) {
    print_story(s, code, checks, r);
    if (!o.report.empty()) fmt::print("Report written to {}\n", o.report);
    return exit_ok;
  }
  fmt::print("VMs operational: ran {} quanta ({} of virtual time) with monitoring.\n\n",
             format_count(r.resources.quanta),
             format_seconds(static_cast<double>(r.resources.virtual_time_us) / 1e6));
  fmt::print("{}\n\n", host_headline(r));
  print_tables(result_tables(s, r));
  fmt::print("\nProduction workflow completed successfully (VMs stopped).\n");
  if (!o.report.empty()) fmt::print("Report written to {}\n", o.report);
  return exit_ok;
}

}  // namespace

void add_demo_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<DemoOptions>();
  std::vector<std::string> policies;
  for (const SchedulerPolicy p : all_scheduler_policies) policies.emplace_back(to_string(p));
  auto* sub = app.add_subcommand(
      "demo", "Run the production workflow on the embedded default (no files needed)");
  sub->add_option("--quanta", o->quanta, "Quanta of 100 ms to run (the default is 20 minutes)")
      ->capture_default_str()
      ->check(whole_number_in(1, 100'000'000));
  sub->add_option("--policy", o->policy, "Scheduler policy")
      ->capture_default_str()
      ->check(CLI::IsMember(policies));
  sub->add_flag("--json", o->json, "Print the results as JSON on stdout");
  sub->add_flag("--verbose,-v", o->verbose,
                "Print every table: resources, VMs, per-VM work, the host cell, performance");
  sub->add_option("--report", o->report, "Also write an HTML report with charts to this file");
  sub->add_flag("--no-progress", o->no_progress, "Never draw the progress bar");
  sub->callback([o, &action] {
    action = [o] { return guarded(o->json, [&] { return demo_command(*o); }); };
  });
}

}  // namespace bioxen::cli
