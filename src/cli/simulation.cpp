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

ResourceAllocation to_allocation(const AllocationSpec& spec) {
  ResourceAllocation r;
  if (spec.ribosomes) r.ribosomes = static_cast<int>(*spec.ribosomes);
  if (spec.atp_percentage) r.atp_percentage = *spec.atp_percentage;
  if (spec.rna_polymerase) r.rna_polymerase = static_cast<int>(*spec.rna_polymerase);
  if (spec.memory_kb) r.memory_kb = static_cast<std::int64_t>(*spec.memory_kb);
  if (spec.priority) r.priority = static_cast<int>(*spec.priority);
  if (spec.allow_incompatible_code) r.allow_incompatible_code = *spec.allow_incompatible_code;
  return r;
}

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

namespace {

/// Re-throws a library failure as a runtime failure (exit 4) naming where it happened.
[[noreturn]] void fail_at(const std::string& where, const BioXenException& e) {
  nlohmann::json details = e.details();
  details["at"] = where;
  throw CommandError(exit_code_of(e) == exit_invalid_input ? exit_invalid_input : exit_runtime,
                     e.code(), fmt::format("{}: {}", where, e.message()), details);
}

/// Each VM's translation in the last quantum (`before` and `after` it; `q` its length).
std::vector<GuestShare> guest_shares(const std::vector<VmStatus>& before,
                                     const std::vector<VmStatus>& after, const HostStatus& host,
                                     double q) {
  const double all_aa_per_s = host.host_translation_aa_per_s + host.guest_translation_aa_per_s;
  std::vector<GuestShare> out;
  out.reserve(after.size());
  for (const auto& v : after) {
    GuestShare g;
    g.vm_id = v.vm_id;
    auto it = std::find_if(before.begin(), before.end(),
                           [&](const VmStatus& b) { return b.vm_id == v.vm_id; });
    // A VM created before the last quantum counts from zero; one re-created, too.
    const std::uint64_t aa_before =
        it != before.end() && it->amino_acids <= v.amino_acids ? it->amino_acids : 0;
    g.amino_acids_per_s = q > 0 ? static_cast<double>(v.amino_acids - aa_before) / q : 0.0;
    g.translation_share = all_aa_per_s > 0 ? g.amino_acids_per_s / all_aa_per_s : 0.0;
    g.ribosomes_on_chains = v.ribosomes_on_chains;
    g.ribosome_share =
        host.active_ribosomes > 0 ? v.ribosomes_on_chains / host.active_ribosomes : 0.0;
    out.push_back(std::move(g));
  }
  return out;
}

class Runner {
 public:
  Runner(const Scenario& s, const SimulationOptions& o) : s_(s), o_(o) {
    try {
      hv_ = std::make_unique<BioXenHypervisor>(s.config, s.chassis);
    } catch (const BioXenException& e) {
      fail_at(fmt::format("{}: chassis/config", s.source), e);
    }
    if (s.config.enable_monitoring && o.monitor) {
      monitor_ = std::make_unique<ProductionMonitor>(*hv_);
    } else if (o.prometheus) {
      throw CommandError(exit_invalid_input, BioXenErrorCode::invalid_argument,
                         fmt::format("--prometheus: {} turns monitoring off "
                                     "(config.enable_monitoring is false), so there are no "
                                     "metrics to export; enable it, e.g. with --set "
                                     "config.enable_monitoring=true",
                                     s.source),
                         {{"file", s.source}, {"field", "config.enable_monitoring"}});
    }
    if (o.record) {
      recorder_ = std::make_unique<TimeSeriesRecorder>(s.quantum_seconds());
      recording_ = hv_->make_observer<RecordingObserver>(*hv_, *recorder_);
    }
  }

  SimulationResult run() {
    const auto wall_start = std::chrono::steady_clock::now();
    if (monitor_) monitor_->start_monitoring(std::chrono::milliseconds{100});

    SimulationResult r;
    r.host_alone = hv_->get_host_status();  // before any guest: the host's reference growth
    if (o_.on_host_alone) o_.on_host_alone(r.host_alone);
    for (const auto& vm : s_.vms) create(vm, fmt::format("{} ({})", vm.field, vm.id));

    ProgressBar bar{"simulating", s_.quanta, o_.progress && ProgressBar::default_enabled()};
    std::vector<VmStatus> before;  ///< the VMs before the last quantum
    std::size_t next = 0;
    std::uint64_t q = 0;
    while (true) {
      while (next < s_.events.size() && s_.events[next].at_quantum == q) apply(s_.events[next++]);
      if (q >= s_.quanta) break;
      // Run up to the next event (the recording observer sees every quantum).
      const std::uint64_t stop =
          next < s_.events.size() ? std::min(s_.events[next].at_quantum, s_.quanta) : s_.quanta;
      while (q < stop) {
        // The last quantum runs alone, so that each guest's rate in it can be measured.
        const bool last = q + 1 == s_.quanta;
        if (last) {
          before = hv_->list_vms();
          hv_->run_scheduler();
          ++q;
        } else {
          const std::uint64_t until = stop == s_.quanta ? stop - 1 : stop;
          q += hv_->run_quanta(std::min<std::uint64_t>(until - q, 4096));
        }
        bar.update(q);
      }
    }
    bar.finish();

    r.vms = hv_->list_vms();
    if (s_.quanta == 0) before = r.vms;  // no quantum ran: no rate
    r.host = hv_->get_host_status();
    r.guests = guest_shares(before, r.vms, r.host, s_.quantum_seconds());
    r.destroyed = std::move(destroyed_);
    r.resources = hv_->get_system_resources();
    r.events = std::move(applied_);
    r.chassis_info = hv_->get_chassis_info();
    r.resource_summary = BioResourceManager{*hv_}.get_resource_summary();
    if (monitor_) {
      monitor_->stop_monitoring();
      monitor_->sample_now();  // the end state, however short the run was in wall time
      r.performance = monitor_->get_performance_summary();
      if (o_.prometheus) r.prometheus = monitor_->to_prometheus();
    }
    if (recording_) hv_->remove_observer(recording_);
    r.recorder = std::move(recorder_);
    r.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    return r;
  }

  /// The demo keeps its factory handles to stop the VMs afterwards.
  std::vector<BiologicalVM>& handles() { return handles_; }
  BioXenHypervisor& hypervisor() { return *hv_; }

 private:
  /// Creates (and starts) a VM; `where` names it in errors: "vms[1] (b)".
  void create(const VmSpec& vm, const std::string& where) {
    try {
      if (o_.use_factory && !vm.genome && vm.allocation.empty() &&
          validate_biological_type(vm.type)) {
        handles_.push_back(create_bio_vm(*hv_, vm.id, vm.type, "basic"));
        if (vm.start) handles_.back().start();
      } else {
        if (vm.genome) {
          hv_->create_vm(vm.id, vm.genome, to_allocation(vm.allocation));
        } else {
          hv_->create_vm(vm.id, vm.type, to_allocation(vm.allocation));
        }
        if (vm.start) hv_->start_vm(vm.id);
      }
    } catch (const BioXenException& e) {
      fail_at(where, e);
    }
    if (o_.on_created) o_.on_created(vm);
  }

  void apply(const EventSpec& ev) {
    const double t = static_cast<double>(ev.at_quantum) * s_.quantum_seconds();
    const std::string where =
        fmt::format("{} (at {}: {} {})", ev.field, format_seconds(t), to_string(ev.action), ev.vm);
    try {
      switch (ev.action) {
        case EventAction::create:
          create(*ev.create, where);
          break;
        case EventAction::start:
          hv_->start_vm(ev.vm);
          break;
        case EventAction::pause:
          hv_->pause_vm(ev.vm);
          break;
        case EventAction::resume:
          hv_->resume_vm(ev.vm);
          break;
        case EventAction::stop:
          hv_->stop_vm(ev.vm);
          break;
        case EventAction::destroy: {
          VmStatus last = hv_->get_vm_status(ev.vm);
          hv_->destroy_vm(ev.vm);
          destroyed_.push_back(std::move(last));
          break;
        }
      }
    } catch (const CommandError&) {
      throw;
    } catch (const BioXenException& e) {
      fail_at(where, e);
    }
    applied_.push_back({ev.at_quantum, t, ev.field, std::string(to_string(ev.action)), ev.vm});
    if (recorder_) {
      std::string label = fmt::format("{} {}", to_string(ev.action), ev.vm);
      if (ev.create) label += fmt::format(" ({})", ev.create->kind());
      recorder_->mark(std::move(label));
    }
  }

  const Scenario& s_;
  const SimulationOptions& o_;
  std::unique_ptr<BioXenHypervisor> hv_;
  std::unique_ptr<ProductionMonitor> monitor_;
  std::unique_ptr<TimeSeriesRecorder> recorder_;
  std::shared_ptr<HypervisorObserver> recording_;  ///< feeds recorder_, when recording
  std::vector<BiologicalVM> handles_;
  std::vector<VmStatus> destroyed_;
  std::vector<AppliedEvent> applied_;
};

}  // namespace

SimulationResult run_simulation(const Scenario& scenario, const SimulationOptions& options) {
  Runner runner{scenario, options};
  SimulationResult result = runner.run();
  // The production workflow ends by stopping its VMs; handles made by the factory do so here.
  for (auto& vm : runner.handles()) {
    std::error_code ec;
    if (runner.hypervisor().get_vm_state(vm.vm_id(), ec) == VMState::running && !ec) vm.stop();
  }
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
