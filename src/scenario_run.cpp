// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Playing a scenario (include/bioxen/scenario.hpp) on a hypervisor of its own, and measuring it
// as a sweep point.
#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <span>

#include "bioxen/error_details.hpp"
#include "bioxen/factory.hpp"
#include "bioxen/hypervisor.hpp"
#include "bioxen/monitor.hpp"
#include "bioxen/resource_manager.hpp"
#include "bioxen/scenario.hpp"

namespace bioxen {

namespace {

/// Re-throws a library failure naming where it happened: "<where>: <message>", details "at".
[[noreturn]] void fail_at(const std::string& where, const BioXenException& e) {
  nlohmann::json details = e.details();
  if (!details.is_object()) details = nlohmann::json::object();
  details["at"] = where;
  throw BioXenException(e.code(), fmt::format("{}: {}", where, e.message()), details);
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
  Runner(const Scenario& s, const ScenarioRunOptions& o) : s_(s), o_(o) {
    if (o.prometheus && !(s.config.enable_monitoring && o.monitor)) {
      throw BioXenException(
          BioXenErrorCode::invalid_argument,
          fmt::format(
              "{}: a Prometheus exposition needs the monitor, but {}", s.source,
              s.config.enable_monitoring
                  ? "the options turn it off (monitor = false)"
                  : "the scenario turns monitoring off (config.enable_monitoring is false)"),
          {{"file", s.source}, {"field", "config.enable_monitoring"}});
    }
    try {
      hv_ = std::make_unique<BioXenHypervisor>(s.config, s.chassis);
    } catch (const BioXenException& e) {
      fail_at(fmt::format("{}: chassis/config", s.source), e);
    }
    if (s.config.enable_monitoring && o.monitor) {
      monitor_ = std::make_unique<ProductionMonitor>(*hv_);
    }
  }

  ScenarioResult run() {
    const auto wall_start = std::chrono::steady_clock::now();
    if (o_.on_hypervisor) o_.on_hypervisor(*hv_);
    if (monitor_) monitor_->start_monitoring(std::chrono::milliseconds{100});

    ScenarioResult r;
    r.host_alone = hv_->get_host_status();  // before any guest: the host's reference growth
    if (o_.on_host_alone) o_.on_host_alone(r.host_alone);
    for (const auto& vm : s_.vms) create(vm, fmt::format("{} ({})", vm.field, vm.id));
    if (o_.on_progress) o_.on_progress(0, s_.quanta);

    std::vector<VmStatus> before;  ///< the VMs before the last quantum
    std::size_t next = 0;
    std::uint64_t q = 0;
    while (true) {
      while (next < s_.events.size() && s_.events[next].at_quantum == q) apply(s_.events[next++]);
      if (q >= s_.quanta) break;
      // Run up to the next event (observers see every quantum).
      const std::uint64_t stop =
          next < s_.events.size() ? std::min(s_.events[next].at_quantum, s_.quanta) : s_.quanta;
      while (q < stop) {
        // The last quantum runs alone, so that each guest's rate in it can be measured.
        if (q + 1 == s_.quanta) {
          before = hv_->list_vms();
          hv_->run_scheduler();
          ++q;
        } else {
          const std::uint64_t until = stop == s_.quanta ? stop - 1 : stop;
          q += hv_->run_quanta(std::min<std::uint64_t>(until - q, 4096));
        }
        if (o_.on_progress) o_.on_progress(q, s_.quanta);
      }
    }

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
    // The production workflow ends by stopping its VMs; handles made by the factory do so here.
    for (auto& vm : handles_) {
      std::error_code ec;
      if (hv_->get_vm_state(vm.vm_id(), ec) == VMState::running && !ec) vm.stop();
    }
    r.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    return r;
  }

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
    const std::string where = fmt::format("{} (at {}: {} {})", ev.field, format_virtual_seconds(t),
                                          to_string(ev.action), ev.vm);
    if (ev.action == EventAction::create) {
      create(*ev.create, where);
    } else {
      try {
        switch (ev.action) {
          case EventAction::create:
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
      } catch (const BioXenException& e) {
        fail_at(where, e);
      }
    }
    applied_.push_back({ev.at_quantum, t, ev.field, std::string(to_string(ev.action)), ev.vm});
    if (o_.on_event) o_.on_event(ev);
  }

  const Scenario& s_;
  const ScenarioRunOptions& o_;
  std::unique_ptr<BioXenHypervisor> hv_;
  std::unique_ptr<ProductionMonitor> monitor_;
  std::vector<BiologicalVM> handles_;
  std::vector<VmStatus> destroyed_;
  std::vector<AppliedEvent> applied_;
};

/// A finite number as JSON, else null (JSON has no infinity).
nlohmann::json number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

}  // namespace

ScenarioResult run_scenario(const Scenario& scenario, const ScenarioRunOptions& options) {
  Runner runner{scenario, options};
  return runner.run();
}

const std::vector<std::string>& sweep_point_metric_names() {
  static const std::vector<std::string> names = {
      "host_state",
      "host_growth_rate_per_h",
      "host_reference_growth_rate_per_h",
      "host_doubling_time_min",
      "host_slowdown",
      "guest_translation_fraction",
      "jain_fairness",
      "virtual_seconds",
      "vms",
      "guests_amino_acids",
      "guests_proteins",
      "guests_atp_consumed",
      "throttle_events",
      "waiting_seconds",
  };
  return names;
}

const std::vector<std::string>& sweep_vm_metric_names() {
  static const std::vector<std::string> names = {
      "state",        "amino_acids",     "proteins",        "boot_time_s",
      "atp_consumed", "throttle_events", "waiting_seconds", "ribosome_seconds",
  };
  return names;
}

std::vector<SweepMetric> scenario_metrics(const ScenarioResult& r) {
  std::vector<VmStatus> all = r.vms;
  all.insert(all.end(), r.destroyed.begin(), r.destroyed.end());
  std::uint64_t aa = 0;
  std::uint64_t proteins = 0;
  std::uint64_t throttles = 0;
  double atp = 0;
  double waiting = 0;
  std::vector<double> work;
  for (const auto& v : all) {
    aa += v.amino_acids;
    proteins += v.proteins_completed;
    throttles += v.throttle_events;
    atp += v.atp_consumed;
    waiting += v.waiting_seconds;
  }
  for (const auto& v : r.vms) work.push_back(v.ribosome_seconds);
  const HostStatus& h = r.host;
  const double lambda0 = h.reference_growth_rate_per_h;
  std::vector<SweepMetric> m = {
      {"host_state", h.state},
      {"host_growth_rate_per_h", number(h.growth_rate_per_h)},
      {"host_reference_growth_rate_per_h", number(lambda0)},
      {"host_doubling_time_min", number(h.doubling_time_min)},
      {"host_slowdown", lambda0 > 0 ? number(1.0 - h.growth_rate_per_h / lambda0) : nullptr},
      {"guest_translation_fraction", number(h.guest_translation_fraction)},
      {"jain_fairness", work.empty() ? nlohmann::json()
                                     : number(jain_fairness_index(std::span<const double>(work)))},
      {"virtual_seconds", number(static_cast<double>(r.resources.virtual_time_us) / 1e6)},
      {"vms", all.size()},
      {"guests_amino_acids", aa},
      {"guests_proteins", proteins},
      {"guests_atp_consumed", number(atp)},
      {"throttle_events", throttles},
      {"waiting_seconds", number(waiting)},
  };
  m.reserve(m.size() + all.size() * sweep_vm_metric_names().size());
  for (const auto& v : all) {
    const auto col = [&](const char* n) { return fmt::format("{}.{}", v.vm_id, n); };
    m.push_back({col("state"), std::string(to_string(v.state))});
    m.push_back({col("amino_acids"), v.amino_acids});
    m.push_back({col("proteins"), v.proteins_completed});
    m.push_back({col("boot_time_s"), v.boot_complete ? number(v.boot_time_seconds) : nullptr});
    m.push_back({col("atp_consumed"), number(v.atp_consumed)});
    m.push_back({col("throttle_events"), v.throttle_events});
    m.push_back({col("waiting_seconds"), number(v.waiting_seconds)});
    m.push_back({col("ribosome_seconds"), number(v.ribosome_seconds)});
  }
  return m;
}

namespace {

std::vector<SweepMetric> point_metrics(const nlohmann::json& scenario, std::string_view source,
                                       const std::filesystem::path& base_dir) {
  const Scenario s = parse_scenario(scenario, source, base_dir);
  ScenarioRunOptions options;
  options.monitor = false;  // nothing of it is in the row, and it costs a thread per point
  return scenario_metrics(run_scenario(s, options));
}

}  // namespace

std::vector<SweepMetric> scenario_point_metrics(const Sweep& sweep, const SweepPoint& point) {
  return point_metrics(point.scenario, sweep.base_source, sweep.base_dir);
}

SweepPointFunction scenario_point_function(const Sweep& sweep) {
  return [source = sweep.base_source, base_dir = sweep.base_dir](const SweepPoint& point) {
    return point_metrics(point.scenario, source, base_dir);
  };
}

}  // namespace bioxen
