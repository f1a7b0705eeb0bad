// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// JSON and fmt adapters of the value types in bioxen/types.hpp. Each struct's fields are
// described once, in a table below; to_json, from_json and the key lists derive from it.
#include "bioxen/types.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <string>
#include <tuple>

#include "bioxen/error_details.hpp"
#include "detail/fields.hpp"

namespace bioxen {

namespace {

using detail::field;

const auto& allocation_fields() {
  static const auto fields =
      std::tuple{field("ribosomes", &ResourceAllocation::ribosomes),
                 field("atp_percentage", &ResourceAllocation::atp_percentage),
                 field("rna_polymerase", &ResourceAllocation::rna_polymerase),
                 field("memory_kb", &ResourceAllocation::memory_kb),
                 field("priority", &ResourceAllocation::priority),
                 field("allow_incompatible_code", &ResourceAllocation::allow_incompatible_code)};
  return fields;
}

const auto& system_resources_fields() {
  static const auto fields =
      std::tuple{field("chassis", &SystemResources::chassis),
                 field("scheduler_policy", &SystemResources::scheduler_policy),
                 field("total_ribosomes", &SystemResources::total_ribosomes),
                 field("available_ribosomes", &SystemResources::available_ribosomes),
                 field("allocated_ribosomes", &SystemResources::allocated_ribosomes),
                 field("free_ribosomes", &SystemResources::free_ribosomes),
                 field("emergency_ribosome_reserve", &SystemResources::emergency_ribosome_reserve),
                 field("hypervisor_overhead", &SystemResources::hypervisor_overhead),
                 field("total_atp_allocated", &SystemResources::total_atp_allocated),
                 field("max_atp_percentage", &SystemResources::max_atp_percentage),
                 field("free_atp_percentage", &SystemResources::free_atp_percentage),
                 field("allocated_memory_kb", &SystemResources::allocated_memory_kb),
                 field("genome_space_kb", &SystemResources::genome_space_kb),
                 field("free_memory_kb", &SystemResources::free_memory_kb),
                 field("allocated_rna_polymerase", &SystemResources::allocated_rna_polymerase),
                 field("total_rna_polymerase", &SystemResources::total_rna_polymerase),
                 field("free_rna_polymerase", &SystemResources::free_rna_polymerase),
                 field("max_vms", &SystemResources::max_vms),
                 field("total_vms", &SystemResources::total_vms),
                 field("active_vms", &SystemResources::active_vms),
                 field("paused_vms", &SystemResources::paused_vms),
                 field("virtual_time_us", &SystemResources::virtual_time_us),
                 field("quanta", &SystemResources::quanta)};
  return fields;
}

const auto& vm_status_fields() {
  static const auto fields =
      std::tuple{field("vm_id", &VmStatus::vm_id),
                 field("biological_type", &VmStatus::biological_type),
                 field("genome", &VmStatus::genome),
                 field("state", &VmStatus::state),
                 field("ribosome_allocation", &VmStatus::ribosome_allocation),
                 field("atp_percentage", &VmStatus::atp_percentage),
                 field("rna_polymerase", &VmStatus::rna_polymerase),
                 field("memory_kb", &VmStatus::memory_kb),
                 field("priority", &VmStatus::priority),
                 field("health_status", &VmStatus::health_status),
                 field("error_reason", &VmStatus::error_reason),
                 field("uptime_seconds", &VmStatus::uptime_seconds),
                 field("running_seconds", &VmStatus::running_seconds),
                 field("active_seconds", &VmStatus::active_seconds),
                 field("waiting_seconds", &VmStatus::waiting_seconds),
                 field("ribosome_seconds", &VmStatus::ribosome_seconds),
                 field("amino_acids", &VmStatus::amino_acids),
                 field("atp_consumed", &VmStatus::atp_consumed),
                 field("proteins_completed", &VmStatus::proteins_completed),
                 field("context_switches", &VmStatus::context_switches),
                 field("throttle_events", &VmStatus::throttle_events),
                 field("boot_complete", &VmStatus::boot_complete),
                 field("boot_time_seconds", &VmStatus::boot_time_seconds),
                 field("mrna", &VmStatus::mrna),
                 field("ribosomes_on_chains", &VmStatus::ribosomes_on_chains),
                 field("protein_aa_per_cell", &VmStatus::protein_aa_per_cell),
                 field("resident_genes", &VmStatus::resident_genes),
                 field("total_genes", &VmStatus::total_genes),
                 field("resident_proteins", &VmStatus::resident_proteins),
                 field("boot_proteins", &VmStatus::boot_proteins),
                 field("translation_table", &VmStatus::translation_table),
                 field("host_translation_table", &VmStatus::host_translation_table),
                 field("allow_incompatible_code", &VmStatus::allow_incompatible_code),
                 field("truncated_proteins", &VmStatus::truncated_proteins),
                 field("extended_proteins", &VmStatus::extended_proteins),
                 field("boot_blocked", &VmStatus::boot_blocked),
                 field("repressed", &VmStatus::repressed)};
  return fields;
}

const auto& protein_count_fields() {
  static const auto fields = std::tuple{
      field("locus_tag", &ProteinCount::locus_tag), field("name", &ProteinCount::name),
      field("length_aa", &ProteinCount::length_aa), field("copies", &ProteinCount::copies)};
  return fields;
}

/// "auto" for an automatic field, else the value and its unit.
std::string auto_or(int v, std::string_view unit) {
  return v == ResourceAllocation::automatic ? std::string("auto") : fmt::format("{}{}", v, unit);
}

}  // namespace

VMState vm_state_from_string(std::string_view name) {
  if (const auto* row = detail::find_enum_row(detail::vm_state_names, name)) return row->value;
  throw BioXenException(BioXenErrorCode::invalid_argument,
                        fmt::format("unknown VM state '{}' (expected {})", detail::printable(name),
                                    detail::enum_name_list(detail::vm_state_names)),
                        {{"value", detail::printable(name)}});
}

void to_json(nlohmann::json& j, VMState s) { j = to_string(s); }

void from_json(const nlohmann::json& j, VMState& s) {
  if (!j.is_string()) {
    throw BioXenException(BioXenErrorCode::invalid_argument,
                          fmt::format("VM state must be a string, got {}", detail::json_kind(j)));
  }
  s = vm_state_from_string(j.get<std::string>());
}

void to_json(nlohmann::json& j, const ResourceAllocation& a) {
  detail::write_fields(j, a, allocation_fields());
}

void from_json(const nlohmann::json& j, ResourceAllocation& a) {
  detail::read_fields(j, a, allocation_fields(), {BioXenErrorCode::invalid_argument, "allocation"},
                      detail::MissingKey::keep);
}

void to_json(nlohmann::json& j, const SystemResources& r) {
  detail::write_fields(j, r, system_resources_fields());
}

void from_json(const nlohmann::json& j, SystemResources& r) {
  detail::read_fields(j, r, system_resources_fields(),
                      {BioXenErrorCode::invalid_argument, "system resources"},
                      detail::MissingKey::fail);
}

void to_json(nlohmann::json& j, const VmStatus& s) {
  detail::write_fields(j, s, vm_status_fields());
}

void from_json(const nlohmann::json& j, VmStatus& s) {
  detail::read_fields(j, s, vm_status_fields(), {BioXenErrorCode::invalid_argument, "VM status"},
                      detail::MissingKey::fail);
}

void to_json(nlohmann::json& j, const ProteinCount& p) {
  detail::write_fields(j, p, protein_count_fields());
}

void from_json(const nlohmann::json& j, ProteinCount& p) {
  detail::read_fields(j, p, protein_count_fields(),
                      {BioXenErrorCode::invalid_argument, "protein count"},
                      detail::MissingKey::fail);
}

}  // namespace bioxen

auto fmt::formatter<bioxen::VMState>::format(bioxen::VMState s, format_context& ctx) const
    -> format_context::iterator {
  return fmt::formatter<std::string_view>::format(bioxen::to_string(s), ctx);
}

auto fmt::formatter<bioxen::ResourceAllocation>::format(const bioxen::ResourceAllocation& a,
                                                        format_context& ctx) const
    -> format_context::iterator {
  using bioxen::auto_or;

  const std::string atp = a.atp_percentage == bioxen::ResourceAllocation::automatic
                              ? std::string("auto")
                              : fmt::format("{}%", a.atp_percentage);
  const std::string mem = a.memory_kb == bioxen::ResourceAllocation::automatic
                              ? std::string("auto")
                              : fmt::format("{}kb", a.memory_kb);
  return fmt::formatter<std::string_view>::format(
      fmt::format("ribosomes={} atp={} rnap={} memory={} priority={}{}", auto_or(a.ribosomes, ""),
                  atp, auto_or(a.rna_polymerase, ""), mem, auto_or(a.priority, ""),
                  a.allow_incompatible_code ? " allow_incompatible_code" : ""),
      ctx);
}

auto fmt::formatter<bioxen::SystemResources>::format(const bioxen::SystemResources& r,
                                                     format_context& ctx) const
    -> format_context::iterator {
  return fmt::formatter<std::string_view>::format(
      fmt::format("ribosomes {}/{} allocated ({} free), ATP {}%/{}%, memory {}/{} kb, "
                  "VMs {}/{} ({} running, {} paused), t={}s",
                  r.allocated_ribosomes, r.available_ribosomes, r.free_ribosomes,
                  r.total_atp_allocated, r.max_atp_percentage, r.allocated_memory_kb,
                  r.genome_space_kb, r.total_vms, r.max_vms, r.active_vms, r.paused_vms,
                  static_cast<double>(r.virtual_time_us) / 1e6),
      ctx);
}

auto fmt::formatter<bioxen::VmStatus>::format(const bioxen::VmStatus& s, format_context& ctx) const
    -> format_context::iterator {
  const std::string boot = s.boot_complete ? fmt::format("booted at {:.3f}s", s.boot_time_seconds)
                                           : std::string("booting");
  return fmt::formatter<std::string_view>::format(
      fmt::format("{} [{}] {}: ribosomes={} atp={}% memory={}kb priority={} | {:.3f}s "
                  "running, {} aa, {} proteins, {}",
                  s.vm_id, s.state, s.biological_type, s.ribosome_allocation, s.atp_percentage,
                  s.memory_kb, s.priority, s.running_seconds, s.amino_acids, s.proteins_completed,
                  boot),
      ctx);
}

auto fmt::formatter<bioxen::ProteinCount>::format(const bioxen::ProteinCount& p,
                                                  format_context& ctx) const
    -> format_context::iterator {
  return fmt::formatter<std::string_view>::format(
      fmt::format("{} {}: {} copies", p.locus_tag, p.name, p.copies), ctx);
}
