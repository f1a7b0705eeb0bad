// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// The value types of the hypervisor's API, with their JSON and fmt adapters.
#pragma once

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "bioxen/detail/json_read.hpp"
#include "bioxen/error.hpp"

namespace bioxen {

/// The life-cycle state of a VM (SPEC 2.3). Transitions: create -> created;
/// start: created|stopped -> running; pause: running -> paused; resume: paused -> running;
/// stop: running|paused -> stopped; destroy: any -> gone. fail_vm: any but error -> error.
enum class VMState : std::uint8_t { created, running, paused, stopped, error };

inline constexpr std::array<VMState, 5> all_vm_states = {
    VMState::created, VMState::running, VMState::paused, VMState::stopped, VMState::error};

/// "created", "running", "paused", "stopped", "error".
constexpr std::string_view to_string(VMState state) noexcept {
  switch (state) {
    case VMState::created:
      return "created";
    case VMState::running:
      return "running";
    case VMState::paused:
      return "paused";
    case VMState::stopped:
      return "stopped";
    case VMState::error:
      return "error";
  }
  return "unknown";
}

/// Parses a state name; throws BioXenException(invalid_argument).
inline VMState vm_state_from_string(std::string_view name) {
  for (auto s : all_vm_states) {
    if (to_string(s) == name) return s;
  }
  throw BioXenException(
      BioXenErrorCode::invalid_argument,
      fmt::format("unknown VM state '{}' (expected created, running, paused, stopped or error)",
                  detail::printable(name)),
      {{"value", detail::printable(name)}});
}

/// What a VM reserves (SPEC 2.4). A field left at `automatic` (-1) gets the default when the
/// VM is created, so `ResourceAllocation{}` asks for the default allocation: ribosomes
/// (available - emergency reserve) / max_vms, ATP max_atp_percentage / max_vms, 10 RNA
/// polymerases, memory the genome's size capped at max_memory_kb, priority 1. In
/// reallocate_vm() an `automatic` field keeps the VM's current value.
///
/// @code
/// bioxen::ResourceAllocation r;
/// r.ribosomes = 20;          // units of the allocator pool
/// r.atp_percentage = 25.0;   // % of the chassis' ATP supply
/// hv.create_vm("vm1", "syn3a", r);  // memory: syn3a's 544 kb, priority 1, 10 RNAP
/// @endcode
struct ResourceAllocation {
  static constexpr int automatic = -1;

  int ribosomes = automatic;           ///< ribosome units (see SystemResources::total_ribosomes)
  double atp_percentage = automatic;   ///< % of the chassis' ATP supply, [0, 100]
  int rna_polymerase = automatic;      ///< RNA polymerases, [0, chassis RNA polymerases]
  std::int64_t memory_kb = automatic;  ///< genome space, kb
  int priority = automatic;            ///< 1 (lowest) to 5 (critical: may use the reserve)

  friend bool operator==(const ResourceAllocation&, const ResourceAllocation&) = default;
};

/// The allocator's totals (SPEC 2.4), all O(1) to read.
struct SystemResources {
  std::string chassis;                   ///< chassis type name, e.g. "ecoli"
  std::string scheduler_policy;          ///< e.g. "round_robin"
  int total_ribosomes = 0;               ///< config.total_ribosomes (units)
  int available_ribosomes = 0;           ///< total * (1 - overhead), rounded down
  int allocated_ribosomes = 0;           ///< reserved by VMs
  int free_ribosomes = 0;                ///< available - allocated
  int emergency_ribosome_reserve = 0;    ///< part of free only priority-5 VMs may take
  double hypervisor_overhead = 0.0;      ///< fraction of the pool kept by the hypervisor
  double total_atp_allocated = 0.0;      ///< sum of the VMs' ATP shares, %
  double max_atp_percentage = 0.0;       ///< the limit of that sum, %
  double free_atp_percentage = 0.0;      ///< max - allocated, %
  std::int64_t allocated_memory_kb = 0;  ///< sum of the VMs' memory, kb
  std::int64_t genome_space_kb = 0;      ///< the chassis' genome space, kb
  std::int64_t free_memory_kb = 0;       ///< genome space - allocated, kb
  std::int64_t allocated_rna_polymerase = 0;
  std::int64_t total_rna_polymerase = 0;  ///< the chassis' RNA polymerases
  std::int64_t free_rna_polymerase = 0;   ///< total - allocated
  int max_vms = 0;                        ///< the enforced VM limit
  std::int64_t total_vms = 0;             ///< VMs that exist, any state
  std::int64_t active_vms = 0;            ///< VMs running
  std::int64_t paused_vms = 0;
  std::int64_t virtual_time_us = 0;  ///< the virtual clock, µs
  std::uint64_t quanta = 0;          ///< quanta run so far

  friend bool operator==(const SystemResources&, const SystemResources&) = default;
};

/// One VM: its allocation and its accounting (SPEC 2.5). Every field is in virtual time and
/// reproducible except `uptime_seconds` (wall clock since the last start_vm).
struct VmStatus {
  std::string vm_id;
  std::string biological_type;  ///< the type name given at creation ("syn3a"), or the genome's
  std::string genome;           ///< the genome's name
  VMState state = VMState::created;
  int ribosome_allocation = 0;  ///< units
  double atp_percentage = 0.0;
  int rna_polymerase = 0;
  std::int64_t memory_kb = 0;
  int priority = 1;
  std::string health_status;  ///< "healthy", "throttled" (last active quantum ATP-limited), "error"
  std::string error_reason;   ///< why the VM is in state error (fail_vm), else empty
  double uptime_seconds = 0.0;  ///< wall clock since the last start, 0 unless running/paused
  // Work, virtual time.
  double running_seconds = 0.0;   ///< time in state running
  double active_seconds = 0.0;    ///< time the scheduler gave it ribosomes
  double waiting_seconds = 0.0;   ///< running - active
  double ribosome_seconds = 0.0;  ///< ribosome units x seconds of work
  std::uint64_t amino_acids = 0;  ///< polymerised, all proteins
  double atp_consumed = 0.0;      ///< ATP molecules
  std::uint64_t proteins_completed = 0;
  std::uint64_t context_switches = 0;  ///< quanta that switched to this VM at a cost
  std::uint64_t throttle_events = 0;   ///< quanta cut short by the VM's ATP budget
  bool boot_complete = false;          ///< one copy of every boot protein exists
  double boot_time_seconds = 0.0;      ///< the virtual clock when boot completed (0 until then)
  // The physiological work model (0 under WorkModel::capacity, where protein_aa_per_cell is
  // the amino acids made).
  double mrna = 0.0;                 ///< mRNA molecules of its genes
  double ribosomes_on_chains = 0.0;  ///< ribosomes translating its chains (physical)
  double protein_aa_per_cell = 0.0;  ///< its protein per cell after dilution by growth, aa
  // The genome under the memory reservation (SPEC 2.2).
  std::uint64_t resident_genes = 0;
  std::uint64_t total_genes = 0;
  std::uint64_t resident_proteins = 0;  ///< resident CDS (proteins it can make)
  std::uint64_t boot_proteins = 0;

  friend bool operator==(const VmStatus&, const VmStatus&) = default;
};

/// Completed copies of one resident protein of a VM.
struct ProteinCount {
  std::string locus_tag;
  std::string name;  ///< gene name, may be empty
  std::uint32_t length_aa = 0;
  std::uint64_t copies = 0;

  friend bool operator==(const ProteinCount&, const ProteinCount&) = default;
};

// --- JSON ----------------------------------------------------------------------------------

inline void to_json(nlohmann::json& j, VMState s) { j = to_string(s); }
inline void from_json(const nlohmann::json& j, VMState& s) {
  if (!j.is_string()) {
    throw BioXenException(BioXenErrorCode::invalid_argument,
                          fmt::format("VM state must be a string, got {}", detail::json_kind(j)));
  }
  s = vm_state_from_string(j.get<std::string>());
}

/// Keys: ribosomes, atp_percentage, rna_polymerase, memory_kb, priority (-1 = automatic).
inline void to_json(nlohmann::json& j, const ResourceAllocation& a) {
  j = nlohmann::json{{"ribosomes", a.ribosomes},
                     {"atp_percentage", a.atp_percentage},
                     {"rna_polymerase", a.rna_polymerase},
                     {"memory_kb", a.memory_kb},
                     {"priority", a.priority}};
}

/// Reads the keys present (others keep their values); unknown keys or wrong types throw
/// BioXenException(invalid_argument) naming the key. Ranges are checked on admission.
inline void from_json(const nlohmann::json& j, ResourceAllocation& a) {
  using namespace detail;
  const JsonContext ctx{BioXenErrorCode::invalid_argument, "allocation"};
  require_object(j, "allocation",
                 {"ribosomes", "atp_percentage", "rna_polymerase", "memory_kb", "priority"}, ctx);
  if (auto it = j.find("ribosomes"); it != j.end()) {
    a.ribosomes = read_integer<int>(*it, "ribosomes", ctx);
  }
  if (auto it = j.find("atp_percentage"); it != j.end()) {
    a.atp_percentage = read_number(*it, "atp_percentage", ctx);
  }
  if (auto it = j.find("rna_polymerase"); it != j.end()) {
    a.rna_polymerase = read_integer<int>(*it, "rna_polymerase", ctx);
  }
  if (auto it = j.find("memory_kb"); it != j.end()) {
    a.memory_kb = read_integer<std::int64_t>(*it, "memory_kb", ctx);
  }
  if (auto it = j.find("priority"); it != j.end()) {
    a.priority = read_integer<int>(*it, "priority", ctx);
  }
}

inline void to_json(nlohmann::json& j, const SystemResources& r) {
  j = nlohmann::json{{"chassis", r.chassis},
                     {"scheduler_policy", r.scheduler_policy},
                     {"total_ribosomes", r.total_ribosomes},
                     {"available_ribosomes", r.available_ribosomes},
                     {"allocated_ribosomes", r.allocated_ribosomes},
                     {"free_ribosomes", r.free_ribosomes},
                     {"emergency_ribosome_reserve", r.emergency_ribosome_reserve},
                     {"hypervisor_overhead", r.hypervisor_overhead},
                     {"total_atp_allocated", r.total_atp_allocated},
                     {"max_atp_percentage", r.max_atp_percentage},
                     {"free_atp_percentage", r.free_atp_percentage},
                     {"allocated_memory_kb", r.allocated_memory_kb},
                     {"genome_space_kb", r.genome_space_kb},
                     {"free_memory_kb", r.free_memory_kb},
                     {"allocated_rna_polymerase", r.allocated_rna_polymerase},
                     {"total_rna_polymerase", r.total_rna_polymerase},
                     {"free_rna_polymerase", r.free_rna_polymerase},
                     {"max_vms", r.max_vms},
                     {"total_vms", r.total_vms},
                     {"active_vms", r.active_vms},
                     {"paused_vms", r.paused_vms},
                     {"virtual_time_us", r.virtual_time_us},
                     {"quanta", r.quanta}};
}

inline void from_json(const nlohmann::json& j, SystemResources& r) {
  j.at("chassis").get_to(r.chassis);
  j.at("scheduler_policy").get_to(r.scheduler_policy);
  j.at("total_ribosomes").get_to(r.total_ribosomes);
  j.at("available_ribosomes").get_to(r.available_ribosomes);
  j.at("allocated_ribosomes").get_to(r.allocated_ribosomes);
  j.at("free_ribosomes").get_to(r.free_ribosomes);
  j.at("emergency_ribosome_reserve").get_to(r.emergency_ribosome_reserve);
  j.at("hypervisor_overhead").get_to(r.hypervisor_overhead);
  j.at("total_atp_allocated").get_to(r.total_atp_allocated);
  j.at("max_atp_percentage").get_to(r.max_atp_percentage);
  j.at("free_atp_percentage").get_to(r.free_atp_percentage);
  j.at("allocated_memory_kb").get_to(r.allocated_memory_kb);
  j.at("genome_space_kb").get_to(r.genome_space_kb);
  j.at("free_memory_kb").get_to(r.free_memory_kb);
  j.at("allocated_rna_polymerase").get_to(r.allocated_rna_polymerase);
  j.at("total_rna_polymerase").get_to(r.total_rna_polymerase);
  j.at("free_rna_polymerase").get_to(r.free_rna_polymerase);
  j.at("max_vms").get_to(r.max_vms);
  j.at("total_vms").get_to(r.total_vms);
  j.at("active_vms").get_to(r.active_vms);
  j.at("paused_vms").get_to(r.paused_vms);
  j.at("virtual_time_us").get_to(r.virtual_time_us);
  j.at("quanta").get_to(r.quanta);
}

/// The seed's keys: {"vm_id": "vm1", "state": "running", "ribosome_allocation": 20, ...}.
inline void to_json(nlohmann::json& j, const VmStatus& s) {
  j = nlohmann::json{{"vm_id", s.vm_id},
                     {"biological_type", s.biological_type},
                     {"genome", s.genome},
                     {"state", to_string(s.state)},
                     {"ribosome_allocation", s.ribosome_allocation},
                     {"atp_percentage", s.atp_percentage},
                     {"rna_polymerase", s.rna_polymerase},
                     {"memory_kb", s.memory_kb},
                     {"priority", s.priority},
                     {"health_status", s.health_status},
                     {"error_reason", s.error_reason},
                     {"uptime_seconds", s.uptime_seconds},
                     {"running_seconds", s.running_seconds},
                     {"active_seconds", s.active_seconds},
                     {"waiting_seconds", s.waiting_seconds},
                     {"ribosome_seconds", s.ribosome_seconds},
                     {"amino_acids", s.amino_acids},
                     {"atp_consumed", s.atp_consumed},
                     {"proteins_completed", s.proteins_completed},
                     {"context_switches", s.context_switches},
                     {"throttle_events", s.throttle_events},
                     {"boot_complete", s.boot_complete},
                     {"boot_time_seconds", s.boot_time_seconds},
                     {"mrna", s.mrna},
                     {"ribosomes_on_chains", s.ribosomes_on_chains},
                     {"protein_aa_per_cell", s.protein_aa_per_cell},
                     {"resident_genes", s.resident_genes},
                     {"total_genes", s.total_genes},
                     {"resident_proteins", s.resident_proteins},
                     {"boot_proteins", s.boot_proteins}};
}

inline void from_json(const nlohmann::json& j, VmStatus& s) {
  j.at("vm_id").get_to(s.vm_id);
  j.at("biological_type").get_to(s.biological_type);
  j.at("genome").get_to(s.genome);
  j.at("state").get_to(s.state);
  j.at("ribosome_allocation").get_to(s.ribosome_allocation);
  j.at("atp_percentage").get_to(s.atp_percentage);
  j.at("rna_polymerase").get_to(s.rna_polymerase);
  j.at("memory_kb").get_to(s.memory_kb);
  j.at("priority").get_to(s.priority);
  j.at("health_status").get_to(s.health_status);
  j.at("error_reason").get_to(s.error_reason);
  j.at("uptime_seconds").get_to(s.uptime_seconds);
  j.at("running_seconds").get_to(s.running_seconds);
  j.at("active_seconds").get_to(s.active_seconds);
  j.at("waiting_seconds").get_to(s.waiting_seconds);
  j.at("ribosome_seconds").get_to(s.ribosome_seconds);
  j.at("amino_acids").get_to(s.amino_acids);
  j.at("atp_consumed").get_to(s.atp_consumed);
  j.at("proteins_completed").get_to(s.proteins_completed);
  j.at("context_switches").get_to(s.context_switches);
  j.at("throttle_events").get_to(s.throttle_events);
  j.at("boot_complete").get_to(s.boot_complete);
  j.at("boot_time_seconds").get_to(s.boot_time_seconds);
  j.at("mrna").get_to(s.mrna);
  j.at("ribosomes_on_chains").get_to(s.ribosomes_on_chains);
  j.at("protein_aa_per_cell").get_to(s.protein_aa_per_cell);
  j.at("resident_genes").get_to(s.resident_genes);
  j.at("total_genes").get_to(s.total_genes);
  j.at("resident_proteins").get_to(s.resident_proteins);
  j.at("boot_proteins").get_to(s.boot_proteins);
}

inline void to_json(nlohmann::json& j, const ProteinCount& p) {
  j = nlohmann::json{{"locus_tag", p.locus_tag},
                     {"name", p.name},
                     {"length_aa", p.length_aa},
                     {"copies", p.copies}};
}

inline void from_json(const nlohmann::json& j, ProteinCount& p) {
  j.at("locus_tag").get_to(p.locus_tag);
  j.at("name").get_to(p.name);
  j.at("length_aa").get_to(p.length_aa);
  j.at("copies").get_to(p.copies);
}

}  // namespace bioxen

// --- fmt -------------------------------------------------------------------------------------

/// Formats as the state's name: "running".
template <>
struct fmt::formatter<bioxen::VMState> : fmt::formatter<std::string_view> {
  template <class Ctx>
  auto format(bioxen::VMState s, Ctx& ctx) const {
    return fmt::formatter<std::string_view>::format(bioxen::to_string(s), ctx);
  }
};

namespace bioxen::detail {

/// Base for the formatters of the structs: accepts only "{}".
struct plain_formatter {
  constexpr auto parse(fmt::format_parse_context& ctx) {
    auto it = ctx.begin();
    if (it != ctx.end() && *it != '}') throw fmt::format_error("invalid format specifier");
    return it;
  }
};

inline std::string auto_or(int v, std::string_view unit) {
  return v == ResourceAllocation::automatic ? std::string("auto") : fmt::format("{}{}", v, unit);
}

}  // namespace bioxen::detail

/// "ribosomes=20 atp=25% rnap=10 memory=auto priority=1".
template <>
struct fmt::formatter<bioxen::ResourceAllocation> : bioxen::detail::plain_formatter {
  template <class Ctx>
  auto format(const bioxen::ResourceAllocation& a, Ctx& ctx) const {
    using bioxen::detail::auto_or;
    const std::string atp = a.atp_percentage == bioxen::ResourceAllocation::automatic
                                ? std::string("auto")
                                : fmt::format("{}%", a.atp_percentage);
    const std::string mem = a.memory_kb == bioxen::ResourceAllocation::automatic
                                ? std::string("auto")
                                : fmt::format("{}kb", a.memory_kb);
    return fmt::format_to(ctx.out(), "ribosomes={} atp={} rnap={} memory={} priority={}",
                          auto_or(a.ribosomes, ""), atp, auto_or(a.rna_polymerase, ""), mem,
                          auto_or(a.priority, ""));
  }
};

/// "ribosomes 28/68 allocated (40 free), ATP 45%/90%, memory 1088/1000000 kb, VMs 2/4
/// (1 running, 0 paused), t=0.5s".
template <>
struct fmt::formatter<bioxen::SystemResources> : bioxen::detail::plain_formatter {
  template <class Ctx>
  auto format(const bioxen::SystemResources& r, Ctx& ctx) const {
    return fmt::format_to(ctx.out(),
                          "ribosomes {}/{} allocated ({} free), ATP {}%/{}%, memory {}/{} kb, "
                          "VMs {}/{} ({} running, {} paused), t={}s",
                          r.allocated_ribosomes, r.available_ribosomes, r.free_ribosomes,
                          r.total_atp_allocated, r.max_atp_percentage, r.allocated_memory_kb,
                          r.genome_space_kb, r.total_vms, r.max_vms, r.active_vms, r.paused_vms,
                          static_cast<double>(r.virtual_time_us) / 1e6);
  }
};

/// "vm1 [running] syn3a: ribosomes=20 atp=25% memory=544kb priority=1 | 12.5s running,
/// 80000 aa, 3 proteins, booted at 4.2s".
template <>
struct fmt::formatter<bioxen::VmStatus> : bioxen::detail::plain_formatter {
  template <class Ctx>
  auto format(const bioxen::VmStatus& s, Ctx& ctx) const {
    const std::string boot = s.boot_complete ? fmt::format("booted at {:.3f}s", s.boot_time_seconds)
                                             : std::string("booting");
    return fmt::format_to(ctx.out(),
                          "{} [{}] {}: ribosomes={} atp={}% memory={}kb priority={} | {:.3f}s "
                          "running, {} aa, {} proteins, {}",
                          s.vm_id, s.state, s.biological_type, s.ribosome_allocation,
                          s.atp_percentage, s.memory_kb, s.priority, s.running_seconds,
                          s.amino_acids, s.proteins_completed, boot);
  }
};

/// "MG_001 dnaN: 3 copies".
template <>
struct fmt::formatter<bioxen::ProteinCount> : bioxen::detail::plain_formatter {
  template <class Ctx>
  auto format(const bioxen::ProteinCount& p, Ctx& ctx) const {
    return fmt::format_to(ctx.out(), "{} {}: {} copies", p.locus_tag, p.name, p.copies);
  }
};
