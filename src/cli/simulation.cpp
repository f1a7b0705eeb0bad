// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#include "simulation.hpp"

#include <fmt/core.h>
#include <fmt/format.h>
#include <bioxen/error_details.hpp>
#include <bioxen/factory.hpp>
#include <bioxen/monitor.hpp>
#include <bioxen/resource_manager.hpp>
#include <bioxen/version.hpp>

#include <algorithm>
#include <chrono>

#include "common.hpp"
#include "output.hpp"
#include "progress.hpp"

namespace bioxen::cli {

SystemSample system_sample(const SystemResources& r) {
  return {static_cast<double>(r.available_ribosomes), static_cast<double>(r.allocated_ribosomes),
          r.total_atp_allocated};
}

std::vector<VmSample> vm_samples(const std::vector<VmStatus>& vms) {
  std::vector<VmSample> out;
  out.reserve(vms.size());
  for (const auto& v : vms) {
    out.push_back(VmSample{v.vm_id, std::string(to_string(v.state)),
                           static_cast<double>(v.ribosome_allocation), v.running_seconds,
                           v.active_seconds, v.ribosome_seconds, static_cast<double>(v.amino_acids),
                           v.atp_consumed, static_cast<double>(v.proteins_completed),
                           v.boot_complete, v.boot_time_seconds});
  }
  return out;
}

/// Records the run for the report: an observer like any other, that after each quantum reads
/// the hypervisor (outside its lock) into the recorder.
class RecordingObserver final : public HypervisorObserver {
 public:
  RecordingObserver(const BioXenHypervisor& hv, TimeSeriesRecorder& recorder)
      : hv_(hv), recorder_(recorder) {}
  void on_quantum(const QuantumEvent& /*event*/) override {
    recorder_.record(system_sample(hv_.get_system_resources()), vm_samples(hv_.list_vms()),
                     host_sample(hv_.get_host_status()));
  }

 private:
  const BioXenHypervisor& hv_;
  TimeSeriesRecorder& recorder_;
};

HostSample host_sample(const HostStatus& h) {
  return {h.modelled, h.state == "stalled", h.growth_rate_per_h, h.reference_growth_rate_per_h,
          h.guest_translation_fraction};
}

SimulationResult run_simulation(const Scenario& scenario, const SimulationOptions& options) {
  if (options.prometheus && !scenario.config.enable_monitoring) {
    throw CommandError(exit_invalid_input, BioXenErrorCode::invalid_argument,
                       fmt::format("--prometheus: {} turns monitoring off "
                                   "(config.enable_monitoring is false), so there are no "
                                   "metrics to export; enable it, e.g. with --set "
                                   "config.enable_monitoring=true",
                                   scenario.source),
                       {{"file", scenario.source}, {"field", "config.enable_monitoring"}});
  }
  SimulationResult result;
  ScenarioRunOptions run;
  run.prometheus = options.prometheus;
  run.use_factory = options.use_factory;
  run.on_created = options.on_created;
  run.on_host_alone = options.on_host_alone;
  if (options.record) {
    result.recorder = std::make_unique<TimeSeriesRecorder>(scenario.quantum_seconds());
    TimeSeriesRecorder& recorder = *result.recorder;
    run.on_hypervisor = [&recorder](BioXenHypervisor& hv) {
      (void)hv.make_observer<RecordingObserver>(hv, recorder);
    };
    run.on_event = [&recorder](const EventSpec& ev) {
      std::string label = fmt::format("{} {}", to_string(ev.action), ev.vm);
      if (ev.create) label += fmt::format(" ({})", ev.create->kind());
      recorder.mark(std::move(label));
    };
  }
  // The bar starts once the scenario's VMs exist (after what on_created printed).
  std::optional<ProgressBar> bar;
  const bool draw = options.progress && ProgressBar::default_enabled();
  run.on_progress = [&](std::uint64_t done, std::uint64_t total) {
    if (!bar) bar.emplace("simulating", total, draw);
    if (done > 0) bar->update(done);
  };
  static_cast<ScenarioResult&>(result) = run_scenario(scenario, run);
  if (bar) bar->finish();
  return result;
}

nlohmann::json result_json(const Scenario& scenario, const SimulationResult& result) {
  nlohmann::json events = nlohmann::json::array();
  for (const auto& e : result.events) {
    events.push_back({{"quantum", e.quantum},
                      {"virtual_seconds", e.seconds},
                      {"field", e.field},
                      {"action", e.action},
                      {"vm", e.vm}});
  }
  nlohmann::json guests = nlohmann::json::array();
  for (const auto& g : result.guests) {
    guests.push_back({{"vm_id", g.vm_id},
                      {"amino_acids_per_s", g.amino_acids_per_s},
                      {"translation_share", g.translation_share},
                      {"ribosomes_on_chains", g.ribosomes_on_chains},
                      {"ribosome_share", g.ribosome_share}});
  }
  nlohmann::json j = {
      {"scenario", scenario_to_json(scenario)},
      {"quanta", result.resources.quanta},
      {"virtual_seconds", static_cast<double>(result.resources.virtual_time_us) / 1e6},
      {"system_resources", result.resources},
      {"resource_summary", result.resource_summary},
      {"vms", result.vms},
      {"destroyed_vms", result.destroyed},
      {"events", events},
      {"chassis", result.chassis_info},
      {"host_alone", result.host_alone},
      {"host", result.host},
      {"guest_translation", guests},
      {"wall_seconds", result.wall_seconds},
  };
  j["performance"] = result.performance ? nlohmann::json(*result.performance) : nlohmann::json();
  return j;
}

}  // namespace bioxen::cli

namespace bioxen::cli {

namespace {

/// The host and its guests, resources, VMs and work: the first tables of text output and
/// report alike.
std::vector<Table> state_tables(const SimulationResult& result) {
  std::vector<Table> tables{host_table(result.host_alone, result.host)};
  if (result.host.modelled && !result.guests.empty()) {
    tables.push_back(guest_table(result.guests, result.vms));
  }
  tables.push_back(resources_table(result.resources));
  tables.push_back(vm_table(result.vms, result.destroyed));
  tables.push_back(work_table(result.vms, result.destroyed));
  return tables;
}

}  // namespace

std::string host_headline(const SimulationResult& r) {
  const HostStatus& h = r.host;
  const double alone = r.host_alone.doubling_time_min;
  if (!h.modelled) {
    return fmt::format(
        "The host is not modelled (capacity work model): it grows at its reference rate, "
        "{:.3g}/h (doubling {:.1f} min).",
        h.growth_rate_per_h, h.doubling_time_min);
  }
  const std::size_t n = r.vms.size();
  const std::string guests = fmt::format("{} guest{}", n, n == 1 ? "" : "s");
  const std::string share = fmt::format("guests make {} of its protein",
                                        format_percent(100.0 * h.guest_translation_fraction));
  if (n == 0) {
    return fmt::format("With no guest left the host doubles every {} (alone: {:.1f} min).",
                       format_doubling(h), alone);
  }
  if (h.state == "stalled") {
    return fmt::format(
        "Hosting {} stalled the host: it stopped growing (alone it doubles every "
        "{:.1f} min; {}).",
        guests, alone, share);
  }
  // Doubling times agree to the 0.05 min the sentence shows: the guests cost it nothing visible.
  if (h.doubling_time_min - alone < 0.05) {
    return fmt::format("Hosting {} left the host at {:.1f} min per doubling ({}).", guests,
                       h.doubling_time_min, share);
  }
  return fmt::format("Hosting {} slowed the host from {:.1f} to {:.1f} min per doubling ({}).",
                     guests, alone, h.doubling_time_min, share);
}

std::vector<Table> result_tables(const Scenario& /*scenario*/, const SimulationResult& result) {
  std::vector<Table> tables = state_tables(result);
  if (!result.events.empty()) {
    Table t{
        "Events applied",
        {{"virtual time", Align::right}, {"quantum", Align::right}, {"action"}, {"VM"}, {"from"}}};
    for (const auto& e : result.events) {
      t.add_row({format_seconds(e.seconds), format_count(e.quantum), e.action, e.vm, e.field});
    }
    tables.push_back(std::move(t));
  }
  if (result.performance) {
    for (auto& t : performance_tables(*result.performance)) tables.push_back(std::move(t));
  }
  return tables;
}

std::string scenario_header(const Scenario& s) {
  std::string out =
      fmt::format("Scenario {} ({})\n", s.name.empty() ? "(unnamed)" : s.name, s.source);
  if (!s.description.empty()) out += fmt::format("  {}\n", s.description);
  out += fmt::format("  chassis {} ({}), policy {}, {} quanta of {} ms = {} virtual\n",
                     s.chassis.name, s.chassis_name, to_string(s.config.scheduler_policy),
                     format_count(s.quanta), s.config.scheduling_quantum_ms,
                     format_seconds(static_cast<double>(s.quanta) * s.quantum_seconds()));
  return out;
}

ReportData report_data(const Scenario& s, const SimulationResult& r, std::string title) {
  ReportData d;
  d.title = std::move(title);
  d.subtitle = fmt::format(
      "{} chassis ({}), {} policy, {} quanta of {} ms{}", s.chassis.name, s.chassis_name,
      to_string(s.config.scheduler_policy), format_count(s.quanta), s.config.scheduling_quantum_ms,
      s.description.empty() ? std::string() : fmt::format(". {}", s.description));
  double proteins = 0;
  double atp = 0;
  double aa = 0;
  std::vector<VmStatus> vms = r.vms;
  vms.insert(vms.end(), r.destroyed.begin(), r.destroyed.end());
  for (const auto& v : vms) {
    proteins += static_cast<double>(v.proteins_completed);
    atp += v.atp_consumed;
    aa += static_cast<double>(v.amino_acids);
  }
  d.highlights = {
      {"virtual time",
       fmt::format("{:g} s", static_cast<double>(r.resources.virtual_time_us) / 1e6)},
      {"quanta", format_count(r.resources.quanta)},
      {"VMs", std::to_string(vms.size())},
      {"proteins made", format_count(proteins)},
      {"amino acids", format_si(aa)},
      {"ATP consumed", format_si(atp)},
  };
  if (r.host.modelled) {
    d.highlights.emplace_back(
        fmt::format("host doubling (alone {:.1f} min)", r.host_alone.doubling_time_min),
        format_doubling(r.host));
    d.highlights.emplace_back("guests' share of translation",
                              format_percent(100.0 * r.host.guest_translation_fraction));
  }
  d.headline = host_headline(r);
  if (r.performance) {
    d.highlights.emplace_back("fairness (Jain)",
                              fmt::format("{:.3f}", r.performance->scheduling.fairness_index));
  }
  d.recorder = r.recorder.get();
  // The report numbers the events itself (from the recorder's markers).
  d.tables = state_tables(r);
  if (r.performance) {
    for (auto& t : performance_tables(*r.performance)) d.tables.push_back(std::move(t));
  }
  Table config{"Configuration", {{"field"}, {"value", Align::right}}};
  const nlohmann::json cj = s.config;
  for (const auto& [key, value] : cj.items()) {
    config.add_row({key, value.is_string() ? value.get<std::string>() : value.dump()});
  }
  d.tables.push_back(std::move(config));
  d.generator = fmt::format("bioxen {} from {}", bioxen::version(), s.source);
  return d;
}

}  // namespace bioxen::cli
