// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// The value types of the hypervisor's API, with their JSON and fmt adapters.
#pragma once

#include <fmt/core.h>

#include <array>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "bioxen/detail/enum_table.hpp"
#include "bioxen/export.hpp"

namespace bioxen {

/// The end of the virtual clock, µs: 10^15 µs = 10^9 s, about 31.7 years of virtual time. A
/// run that would take the clock past it is refused before it starts (invalid_argument), and
/// a snapshot whose clock is beyond it is invalid; with the chassis' bounds, every count the
/// model keeps (amino acids, µs of running time) stays within its integer type up to here.
inline constexpr std::int64_t max_virtual_time_us = 1'000'000'000'000'000;

/// The life-cycle state of a VM (docs/API_REFERENCE.md). Transitions: create -> created;
/// start: created|stopped -> running; pause: running -> paused; resume: paused -> running;
/// stop: running|paused -> stopped; destroy: any -> gone. fail_vm: any but error -> error.
enum class VMState : std::uint8_t { created, running, paused, stopped, error };

namespace detail {
/// The names of VMState: the only list of its states.
inline constexpr std::array<EnumName<VMState>, 5> vm_state_names{{{VMState::created, "created"},
                                                                  {VMState::running, "running"},
                                                                  {VMState::paused, "paused"},
                                                                  {VMState::stopped, "stopped"},
                                                                  {VMState::error, "error"}}};
static_assert(enum_table_is_dense(vm_state_names));
}  // namespace detail

/// Every state, in declaration order.
inline constexpr std::array<VMState, detail::vm_state_names.size()> all_vm_states =
    detail::enum_values(detail::vm_state_names);

/// "created", "running", "paused", "stopped", "error"; "unknown" for any other value.
constexpr std::string_view to_string(VMState state) noexcept {
  return detail::enum_name(detail::vm_state_names, state);
}

/// Parses a state name; throws BioXenException(invalid_argument).
BIOXEN_API VMState vm_state_from_string(std::string_view name);

/// What a VM reserves (docs/MODEL.md section 4). A field left at `automatic` (-1) gets the default
/// when the VM is created, so `ResourceAllocation{}` asks for the default allocation: ribosomes
/// (available - emergency reserve) / max_vms, ATP max_atp_percentage / max_vms, 10 RNA
/// polymerases, memory the genome's size capped at max_memory_kb, priority 1. In
/// reallocate_vm() an `automatic` field keeps the VM's current value.
///
/// @code
/// bioxen::ResourceAllocation r;
/// r.ribosomes = 20;          // units of the allocator pool
/// r.atp_percentage = 25.0;   // % of the chassis' ATP supply
/// hv.create_vm("vm1", "syn3a_recoded", r);  // memory: syn3a's 544 kb, priority 1, 10 RNAP
/// @endcode
struct BIOXEN_API ResourceAllocation {
  static constexpr int automatic = -1;

  int ribosomes = automatic;           ///< ribosome units (see SystemResources::total_ribosomes)
  double atp_percentage = automatic;   ///< % of the chassis' ATP supply, [0, 100]
  int rna_polymerase = automatic;      ///< RNA polymerases, [0, chassis RNA polymerases]
  std::int64_t memory_kb = automatic;  ///< genome space, kb
  int priority = automatic;            ///< 1 (lowest) to 5 (critical: may use the reserve)
  /// Run a guest whose genetic code the chassis does not read (docs/MODEL.md section 3.1):
  /// its proteins are made as the host's code reads them (truncated at a UGA read as stop, or
  /// extended through a UGA read as Trp), counted in VmStatus, and boot completes only if no
  /// boot protein is affected. False (the default): such a guest is refused with
  /// incompatible_genetic_code. Read at creation; reallocate_vm() keeps the VM's value.
  bool allow_incompatible_code = false;

  friend bool operator==(const ResourceAllocation&, const ResourceAllocation&) = default;
};

/// The allocator's totals (docs/MODEL.md section 4), all O(1) to read.
struct BIOXEN_API SystemResources {
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

/// One VM: its allocation and its accounting (docs/MODEL.md section 5). Every field is in virtual
/// time and reproducible except `uptime_seconds` (wall clock since the last start_vm).
struct BIOXEN_API VmStatus {
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
  // The genome under the memory reservation (docs/MODEL.md section 3).
  std::uint64_t resident_genes = 0;
  std::uint64_t total_genes = 0;
  std::uint64_t resident_proteins = 0;  ///< resident CDS (proteins it can make)
  std::uint64_t boot_proteins = 0;
  // The genetic code (docs/MODEL.md section 3.1).
  std::uint32_t translation_table = 0;       ///< the genome's NCBI table
  std::uint32_t host_translation_table = 0;  ///< the table the chassis reads it by
  bool allow_incompatible_code = false;      ///< as created
  std::uint64_t truncated_proteins = 0;      ///< resident CDS the host's code ends early
  std::uint64_t extended_proteins = 0;       ///< resident CDS the host's code reads through
  bool boot_blocked = false;                 ///< a boot protein is affected: boot cannot complete
  /// Paused, stopped or failed under pause_mechanism repress: its messages are being silenced
  /// and its chains run off (docs/MODEL.md section 6.5).
  bool repressed = false;

  friend bool operator==(const VmStatus&, const VmStatus&) = default;
};

/// Completed copies of one resident protein of a VM.
struct BIOXEN_API ProteinCount {
  std::string locus_tag;
  std::string name;  ///< gene name, may be empty
  std::uint32_t length_aa = 0;
  std::uint64_t copies = 0;

  friend bool operator==(const ProteinCount&, const ProteinCount&) = default;
};

// --- JSON (defined in src/types.cpp; include <nlohmann/json.hpp> to use them) -------------

/// The state's name.
BIOXEN_API void to_json(nlohmann::json& j, VMState s);
/// A state's name; anything else is BioXenException(invalid_argument).
BIOXEN_API void from_json(const nlohmann::json& j, VMState& s);

/// Keys: ribosomes, atp_percentage, rna_polymerase, memory_kb, priority (-1 = automatic),
/// allow_incompatible_code.
BIOXEN_API void to_json(nlohmann::json& j, const ResourceAllocation& a);
/// Reads the keys present (others keep their values); unknown keys or wrong types throw
/// BioXenException(invalid_argument) naming the key. Ranges are checked on admission.
BIOXEN_API void from_json(const nlohmann::json& j, ResourceAllocation& a);

/// Every field under its own name.
BIOXEN_API void to_json(nlohmann::json& j, const SystemResources& r);
/// Every key required; unknown keys, wrong types and missing keys throw
/// BioXenException(invalid_argument) naming the key.
BIOXEN_API void from_json(const nlohmann::json& j, SystemResources& r);

/// The original library's keys: {"vm_id": "vm1", "state": "running", "ribosome_allocation":
/// 20, ...} and every other field under its own name.
BIOXEN_API void to_json(nlohmann::json& j, const VmStatus& s);
/// As for SystemResources: every key required, BioXenException(invalid_argument) otherwise.
BIOXEN_API void from_json(const nlohmann::json& j, VmStatus& s);

BIOXEN_API void to_json(nlohmann::json& j, const ProteinCount& p);
BIOXEN_API void from_json(const nlohmann::json& j, ProteinCount& p);

}  // namespace bioxen

// --- fmt (defined in src/types.cpp) ------------------------------------------------------------
// Every BioXen formatter has this one shape: the value is rendered as text, then formatted as
// a string, so width and alignment work ("{:>30}").

/// Formats as the state's name: "running".
template <>
struct BIOXEN_API fmt::formatter<bioxen::VMState> : fmt::formatter<std::string_view> {
  format_context::iterator format(bioxen::VMState s, format_context& ctx) const;
};

/// "ribosomes=20 atp=25% rnap=10 memory=auto priority=1" (and " allow_incompatible_code" when
/// set).
template <>
struct BIOXEN_API fmt::formatter<bioxen::ResourceAllocation> : fmt::formatter<std::string_view> {
  format_context::iterator format(const bioxen::ResourceAllocation& a, format_context& ctx) const;
};

/// "ribosomes 28/68 allocated (40 free), ATP 45%/90%, memory 1088/1000000 kb, VMs 2/4
/// (1 running, 0 paused), t=0.5s".
template <>
struct BIOXEN_API fmt::formatter<bioxen::SystemResources> : fmt::formatter<std::string_view> {
  format_context::iterator format(const bioxen::SystemResources& r, format_context& ctx) const;
};

/// "vm1 [running] syn3a: ribosomes=20 atp=25% memory=544kb priority=1 | 12.5s running,
/// 80000 aa, 3 proteins, booted at 4.2s".
template <>
struct BIOXEN_API fmt::formatter<bioxen::VmStatus> : fmt::formatter<std::string_view> {
  format_context::iterator format(const bioxen::VmStatus& s, format_context& ctx) const;
};

/// "MG_001 dnaN: 3 copies".
template <>
struct BIOXEN_API fmt::formatter<bioxen::ProteinCount> : fmt::formatter<std::string_view> {
  format_context::iterator format(const bioxen::ProteinCount& p, format_context& ctx) const;
};
