// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#include "output.hpp"

#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "common.hpp"

namespace bioxen::cli {

namespace {

/// Wall-clock latency for people: "12.3 µs", "4.56 ms".
std::string latency(double seconds) {
  if (!std::isfinite(seconds)) return "-";
  if (seconds < 1e-3) return fmt::format("{:.1f} \u00b5s", seconds * 1e6);
  if (seconds < 1.0) return fmt::format("{:.2f} ms", seconds * 1e3);
  return fmt::format("{:.2f} s", seconds);
}

std::string ratio(double r) { return format_percent(r * 100.0); }

}  // namespace

Table resources_table(const SystemResources& r) {
  Table t{"Resource summary",
          {{"resource"},
           {"allocated", Align::right},
           {"free", Align::right},
           {"limit", Align::right},
           {"note"}}};
  t.add_row({"ribosomes (units)", std::to_string(r.allocated_ribosomes),
             std::to_string(r.free_ribosomes), std::to_string(r.available_ribosomes),
             fmt::format("of {}; {:g} % overhead; last {} free for priority 5", r.total_ribosomes,
                         r.hypervisor_overhead * 100.0, r.emergency_ribosome_reserve)});
  t.add_row({"ATP share (%)", fmt::format("{:.1f}", r.total_atp_allocated),
             fmt::format("{:.1f}", r.free_atp_percentage),
             fmt::format("{:.1f}", r.max_atp_percentage), "the rest is the host's"});
  t.add_row({"genome space (kb)", format_count(static_cast<std::uint64_t>(r.allocated_memory_kb)),
             format_count(static_cast<std::uint64_t>(r.free_memory_kb)),
             format_count(static_cast<std::uint64_t>(r.genome_space_kb)), ""});
  const auto count = [](std::int64_t n) {
    return format_count(static_cast<std::uint64_t>(std::max<std::int64_t>(n, 0)));
  };
  t.add_row({"RNA polymerase", count(r.allocated_rna_polymerase), count(r.free_rna_polymerase),
             count(r.total_rna_polymerase), "the host transcribes with the free ones"});
  t.add_row({"VMs", std::to_string(r.total_vms), std::to_string(r.max_vms - r.total_vms),
             std::to_string(r.max_vms),
             fmt::format("{} running, {} paused", r.active_vms, r.paused_vms)});
  return t;
}

Table vm_table(const std::vector<VmStatus>& vms, const std::vector<VmStatus>& destroyed) {
  Table t{"VMs",
          {{"VM"},
           {"type"},
           {"state"},
           {"ribosomes", Align::right},
           {"ATP %", Align::right},
           {"RNAP", Align::right},
           {"memory kb", Align::right},
           {"priority", Align::right},
           {"resident genes", Align::right},
           {"code"},
           {"health"}}};
  auto row = [&t](const VmStatus& v, std::string state) {
    // The genetic code: its table, and what the host's code does to it when they differ.
    std::string code = std::to_string(v.translation_table);
    if (v.host_translation_table != 0 && v.host_translation_table != v.translation_table &&
        v.truncated_proteins + v.extended_proteins > 0) {
      code = fmt::format("{} read as {}: {} {}{}", v.translation_table, v.host_translation_table,
                         format_count(v.truncated_proteins + v.extended_proteins),
                         v.truncated_proteins > 0 ? "truncated" : "extended",
                         v.boot_blocked ? ", cannot boot" : "");
    }
    t.add_row({v.vm_id, v.biological_type, std::move(state), std::to_string(v.ribosome_allocation),
               fmt::format("{:.1f}", v.atp_percentage), std::to_string(v.rna_polymerase),
               format_count(static_cast<std::uint64_t>(v.memory_kb)), std::to_string(v.priority),
               fmt::format("{} of {}", format_count(v.resident_genes), format_count(v.total_genes)),
               std::move(code), v.health_status});
  };
  for (const auto& v : vms) {
    row(v, v.repressed ? fmt::format("{} (repressed)", to_string(v.state))
                       : std::string(to_string(v.state)));
  }
  for (const auto& v : destroyed) row(v, "destroyed");
  return t;
}

Table work_table(const std::vector<VmStatus>& vms, const std::vector<VmStatus>& destroyed) {
  Table t{"Per-VM work (virtual time)",
          {{"VM"},
           {"running", Align::right},
           {"active", Align::right},
           {"amino acids", Align::right},
           {"proteins", Align::right},
           {"ATP consumed", Align::right},
           {"boot time", Align::right},
           {"switches", Align::right},
           {"throttles", Align::right}}};
  auto row = [&t](const VmStatus& v) {
    t.add_row({v.vm_id, format_seconds(v.running_seconds), format_seconds(v.active_seconds),
               format_count(v.amino_acids), format_count(v.proteins_completed),
               format_si(v.atp_consumed),
               v.boot_complete  ? format_seconds(v.boot_time_seconds)
               : v.boot_blocked ? "never (code)"
                                : "booting",
               format_count(v.context_switches), format_count(v.throttle_events)});
  };
  for (const auto& v : vms) row(v);
  for (const auto& v : destroyed) row(v);
  return t;
}

std::string format_doubling(const HostStatus& h) {
  if (!std::isfinite(h.doubling_time_min)) return "stalled";
  return fmt::format("{:.1f} min", h.doubling_time_min);
}

namespace {

std::string growth(double per_h) { return fmt::format("{:.3g} /h", per_h); }

}  // namespace

Table host_table(const HostStatus& alone, const HostStatus& now) {
  if (!now.modelled) {
    Table t{"Host cell (not modelled: capacity work model)",
            {{"quantity"}, {"value", Align::right}}};
    t.add_row({"growth rate (reference)", growth(now.growth_rate_per_h)});
    t.add_row({"doubling time (reference)", format_doubling(now)});
    return t;
  }
  Table t{"Host cell (physiological work model)",
          {{"quantity"}, {"host alone", Align::right}, {"after the run", Align::right}}};
  t.add_row({"state", alone.state, now.state});
  t.add_row({"growth rate", growth(alone.growth_rate_per_h), growth(now.growth_rate_per_h)});
  t.add_row({"doubling time", format_doubling(alone), format_doubling(now)});
  t.add_row({"guests' share of translation", ratio(alone.guest_translation_fraction),
             ratio(now.guest_translation_fraction)});
  const auto held = [](const HostStatus& h) {
    return fmt::format("{} of {}", format_count(h.guest_bound_ribosomes),
                       format_count(h.active_ribosomes));
  };
  t.add_row({"ribosomes on guest chains", held(alone), held(now)});
  t.add_row({"ribosomes held, not elongating", ratio(alone.sequestered_ribosome_fraction),
             ratio(now.sequestered_ribosome_fraction)});
  // Before the first quantum nothing has been made yet: the rates are the run's only.
  t.add_row({"host protein made (aa/s)", "", format_si(now.host_translation_aa_per_s)});
  t.add_row({"guest protein made (aa/s)", "", format_si(now.guest_translation_aa_per_s)});
  t.add_row({"RNA polymerase limitation (1 = none)", fmt::format("{:.2f}", alone.rnap_limitation),
             fmt::format("{:.2f}", now.rnap_limitation)});
  t.add_row({"doublings since time 0", "", fmt::format("{:.3f}", now.cumulative_doublings)});
  t.add_row({"quanta stalled", "", format_count(now.stalled_quanta)});
  // Isolation (docs/MODEL.md 6.5): where guests translate and what isolating them costs.
  t.add_row({"guests translate on",
             now.translation_isolation == "orthogonal" ? "o-ribosome pool" : "host ribosomes", ""});
  t.add_row({"free ribosomes of the guests' pool (1 = host alone)",
             fmt::format("{:.2f}", alone.free_ribosome_ratio),
             fmt::format("{:.2f}", now.free_ribosome_ratio)});
  if (now.translation_isolation == "orthogonal") {
    t.add_row({"o-ribosomes", format_count(alone.orthogonal_ribosomes),
               format_count(now.orthogonal_ribosomes)});
  }
  if (now.orthogonal_rnap > 0.0) {
    t.add_row({"T7 RNA polymerases the host makes", "", format_count(now.orthogonal_rnap)});
  }
  if (now.isolation_aa_per_s > 0.0) {
    t.add_row({"isolation machinery made (aa/s)", "", format_si(now.isolation_aa_per_s)});
  }
  if (now.runoff_ribosomes > 0.0 || now.degrading_protein_aa > 0.0) {
    t.add_row(
        {"ribosomes running off destroyed VMs' chains", "", format_count(now.runoff_ribosomes)});
    t.add_row(
        {"destroyed VMs' protein being degraded (aa)", "", format_si(now.degrading_protein_aa)});
  }
  return t;
}

Table guest_table(const std::vector<GuestShare>& guests, const std::vector<VmStatus>& vms) {
  Table t{"Guests' share of the host's translation (last quantum)",
          {{"VM"},
           {"state"},
           {"boot time", Align::right},
           {"amino acids/s", Align::right},
           {"share of translation", Align::right},
           {"ribosomes on chains", Align::right},
           {"mRNA", Align::right}}};
  for (std::size_t i = 0; i < guests.size() && i < vms.size(); ++i) {
    const GuestShare& g = guests[i];
    const VmStatus& v = vms[i];
    t.add_row({g.vm_id, std::string(to_string(v.state)),
               v.boot_complete ? format_seconds(v.boot_time_seconds) : "booting",
               format_si(g.amino_acids_per_s), ratio(g.translation_share),
               format_count(g.ribosomes_on_chains), format_count(v.mrna)});
  }
  return t;
}

std::vector<Table> performance_tables(const PerformanceSummary& s) {
  Table ops{"Performance summary: operations (wall-clock latency)",
            {{"operation"},
             {"success", Align::right},
             {"failure", Align::right},
             {"avg", Align::right},
             {"p50", Align::right},
             {"p95", Align::right},
             {"max", Align::right}}};
  for (const auto& [op, st] : s.operation_statistics) {
    const auto ok = s.vm_operations.find(op + "_success");
    const auto bad = s.vm_operations.find(op + "_failure");
    ops.add_row({op, ok == s.vm_operations.end() ? "0" : format_count(ok->second),
                 bad == s.vm_operations.end() ? "0" : format_count(bad->second),
                 latency(st.avg_latency), latency(st.p50), latency(st.p95),
                 latency(st.max_latency)});
  }
  Table sys{"Performance summary: system", {{"metric"}, {"value", Align::right}}};
  const auto& u = s.resource_utilization;
  sys.add_row(
      {"operations", fmt::format("{} ({} failed, error rate {})", format_count(s.total_operations),
                                 format_count(s.failed_operations), ratio(s.error_rate))});
  sys.add_row({"ribosome utilization", ratio(u.ribosome_utilization)});
  sys.add_row({"ATP utilization", ratio(u.atp_utilization)});
  sys.add_row({"active VM ratio",
               fmt::format("{} ({} of {})", ratio(u.active_vm_ratio), u.active_vms, u.max_vms)});
  sys.add_row({"fairness (Jain index)", fmt::format("{:.3f}", s.scheduling.fairness_index)});
  sys.add_row({"context switches", format_count(s.scheduling.context_switches)});
  sys.add_row({"throttle events", format_count(s.scheduling.throttle_events)});
  sys.add_row({"virtual time", format_seconds(s.scheduling.virtual_time_seconds)});
  sys.add_row({"monitor samples", format_count(s.samples_taken)});
  for (const auto& [code, n] : s.error_counts) {
    sys.add_row({fmt::format("errors {}", code), format_count(n)});
  }
  std::vector<Table> out;
  if (!ops.empty()) out.push_back(std::move(ops));
  out.push_back(std::move(sys));
  if (!s.scheduling.vm_shares.empty()) {
    Table shares{"Performance summary: service share per VM",
                 {{"VM"},
                  {"state"},
                  {"share", Align::right},
                  {"ribosome-s", Align::right},
                  {"waiting", Align::right}}};
    for (const auto& v : s.scheduling.vm_shares) {
      shares.add_row({v.vm_id, v.state, ratio(v.service_share), format_si(v.ribosome_seconds),
                      format_seconds(v.waiting_seconds)});
    }
    out.push_back(std::move(shares));
  }
  return out;
}

Table checks_table(const std::map<std::string, bool>& checks) {
  Table t{"Production requirements", {{"check"}, {"result"}}};
  for (const auto& [name, ok] : checks) t.add_row({name, ok ? "pass" : "FAIL"});
  return t;
}

void print_tables(const std::vector<Table>& tables) {
  bool first = true;
  for (const auto& t : tables) {
    if (!first) fmt::print("\n");
    t.print(stdout);
    first = false;
  }
  std::fflush(stdout);
}

}  // namespace bioxen::cli
