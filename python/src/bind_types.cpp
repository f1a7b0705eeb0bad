// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
// The value types of <bioxen/types.hpp>: VMState, ResourceAllocation, SystemResources,
// VmStatus, ProteinCount.
#include "bioxen/types.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common.hpp"

namespace bioxen::python {

void bind_types(py::module_& m) {
  auto state = bind_enum<VMState>(m, "VMState", "A VM's lifecycle state",
                                  [](const std::string& s) { return vm_state_from_string(s); });
  for (const auto s : all_vm_states) state.value(std::string(to_string(s)).c_str(), s);
  m.def("vm_state_from_string", &vm_state_from_string, py::arg("name"));

  py::class_<ResourceAllocation> alloc(
      m, "ResourceAllocation",
      "What a VM asks for: ribosome units, % of the ATP supply, RNA polymerases, genome space "
      "(kb) and priority 1-5; -1 (AUTOMATIC) lets the hypervisor choose");
  alloc
      .def(py::init([](const py::kwargs& kw) {
        return from_keywords<ResourceAllocation>(kw, "ResourceAllocation");
      }))
      .def_readonly_static("AUTOMATIC", &ResourceAllocation::automatic)
      .def_readwrite("ribosomes", &ResourceAllocation::ribosomes)
      .def_readwrite("atp_percentage", &ResourceAllocation::atp_percentage)
      .def_readwrite("rna_polymerase", &ResourceAllocation::rna_polymerase)
      .def_readwrite("memory_kb", &ResourceAllocation::memory_kb)
      .def_readwrite("priority", &ResourceAllocation::priority)
      .def_readwrite("allow_incompatible_code", &ResourceAllocation::allow_incompatible_code)
      .def("__str__", [](const ResourceAllocation& a) { return fmt::format("{}", a); });
  add_value_methods(alloc, "ResourceAllocation");

  py::class_<SystemResources> sys(m, "SystemResources",
                                  "The hypervisor's pools: totals, allocated, free, VM counts");
  sys.def_readonly("chassis", &SystemResources::chassis)
      .def_readonly("scheduler_policy", &SystemResources::scheduler_policy)
      .def_readonly("total_ribosomes", &SystemResources::total_ribosomes)
      .def_readonly("available_ribosomes", &SystemResources::available_ribosomes)
      .def_readonly("allocated_ribosomes", &SystemResources::allocated_ribosomes)
      .def_readonly("free_ribosomes", &SystemResources::free_ribosomes)
      .def_readonly("emergency_ribosome_reserve", &SystemResources::emergency_ribosome_reserve)
      .def_readonly("hypervisor_overhead", &SystemResources::hypervisor_overhead)
      .def_readonly("total_atp_allocated", &SystemResources::total_atp_allocated)
      .def_readonly("max_atp_percentage", &SystemResources::max_atp_percentage)
      .def_readonly("free_atp_percentage", &SystemResources::free_atp_percentage)
      .def_readonly("allocated_memory_kb", &SystemResources::allocated_memory_kb)
      .def_readonly("genome_space_kb", &SystemResources::genome_space_kb)
      .def_readonly("free_memory_kb", &SystemResources::free_memory_kb)
      .def_readonly("allocated_rna_polymerase", &SystemResources::allocated_rna_polymerase)
      .def_readonly("total_rna_polymerase", &SystemResources::total_rna_polymerase)
      .def_readonly("free_rna_polymerase", &SystemResources::free_rna_polymerase)
      .def_readonly("max_vms", &SystemResources::max_vms)
      .def_readonly("total_vms", &SystemResources::total_vms)
      .def_readonly("active_vms", &SystemResources::active_vms)
      .def_readonly("paused_vms", &SystemResources::paused_vms)
      .def_readonly("virtual_time_us", &SystemResources::virtual_time_us)
      .def_readonly("quanta", &SystemResources::quanta);
  add_value_methods(sys, "SystemResources");

  py::class_<VmStatus> vs(m, "VmStatus", "One VM: state, allocation, work done, genome, health");
  vs.def_readonly("vm_id", &VmStatus::vm_id)
      .def_readonly("biological_type", &VmStatus::biological_type)
      .def_readonly("genome", &VmStatus::genome)
      .def_readonly("state", &VmStatus::state)
      .def_readonly("ribosome_allocation", &VmStatus::ribosome_allocation)
      .def_readonly("atp_percentage", &VmStatus::atp_percentage)
      .def_readonly("rna_polymerase", &VmStatus::rna_polymerase)
      .def_readonly("memory_kb", &VmStatus::memory_kb)
      .def_readonly("priority", &VmStatus::priority)
      .def_readonly("health_status", &VmStatus::health_status)
      .def_readonly("error_reason", &VmStatus::error_reason)
      .def_readonly("uptime_seconds", &VmStatus::uptime_seconds)
      .def_readonly("running_seconds", &VmStatus::running_seconds)
      .def_readonly("active_seconds", &VmStatus::active_seconds)
      .def_readonly("waiting_seconds", &VmStatus::waiting_seconds)
      .def_readonly("ribosome_seconds", &VmStatus::ribosome_seconds)
      .def_readonly("amino_acids", &VmStatus::amino_acids)
      .def_readonly("atp_consumed", &VmStatus::atp_consumed)
      .def_readonly("proteins_completed", &VmStatus::proteins_completed)
      .def_readonly("context_switches", &VmStatus::context_switches)
      .def_readonly("throttle_events", &VmStatus::throttle_events)
      .def_readonly("boot_complete", &VmStatus::boot_complete)
      .def_readonly("boot_time_seconds", &VmStatus::boot_time_seconds)
      .def_readonly("mrna", &VmStatus::mrna)
      .def_readonly("ribosomes_on_chains", &VmStatus::ribosomes_on_chains)
      .def_readonly("protein_aa_per_cell", &VmStatus::protein_aa_per_cell)
      .def_readonly("resident_genes", &VmStatus::resident_genes)
      .def_readonly("total_genes", &VmStatus::total_genes)
      .def_readonly("resident_proteins", &VmStatus::resident_proteins)
      .def_readonly("boot_proteins", &VmStatus::boot_proteins)
      .def_readonly("translation_table", &VmStatus::translation_table)
      .def_readonly("host_translation_table", &VmStatus::host_translation_table)
      .def_readonly("allow_incompatible_code", &VmStatus::allow_incompatible_code)
      .def_readonly("truncated_proteins", &VmStatus::truncated_proteins)
      .def_readonly("extended_proteins", &VmStatus::extended_proteins)
      .def_readonly("boot_blocked", &VmStatus::boot_blocked)
      .def_readonly("repressed", &VmStatus::repressed);
  add_value_methods(vs, "VmStatus");

  py::class_<ProteinCount> pc(m, "ProteinCount", "Copies of one protein a VM has made");
  pc.def_readonly("locus_tag", &ProteinCount::locus_tag)
      .def_readonly("name", &ProteinCount::name)
      .def_readonly("length_aa", &ProteinCount::length_aa)
      .def_readonly("copies", &ProteinCount::copies);
  add_value_methods(pc, "ProteinCount");
}

}  // namespace bioxen::python
