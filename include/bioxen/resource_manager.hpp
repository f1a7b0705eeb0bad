// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Declarations only; the definitions are compiled into the library (src/resource_manager.cpp).
// The functions returning nlohmann::json need <nlohmann/json.hpp> where they are called.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "bioxen/export.hpp"
#include "bioxen/factory.hpp"
#include "bioxen/hypervisor.hpp"
#include "bioxen/types.hpp"

namespace bioxen {

/// The resource manager of the original library, in both of its forms (docs/API_REFERENCE.md):
/// - over a hypervisor (the default hypervisor unless one is given): get_resource_summary(),
///   get_resource_allocation();
/// - over a VM: allocate_atp(), allocate_ribosomes(), get_resource_usage(),
///   get_available_resources(), optimize_resources_for_biological_type() — and the
///   hypervisor-wide queries of the VM's hypervisor.
///
/// Changes go through BioXenHypervisor::reallocate_vm(): admission control applies, a refused
/// change throws and changes nothing. A VM created with `resource_limits` in its config is
/// also held to those caps (resource_allocation_error).
///
/// @code
/// bioxen::BioResourceManager rm;                         // the default hypervisor
/// nlohmann::json summary = rm.get_resource_summary();
///
/// auto vm = bioxen::create_bio_vm("resource_test", "syn3a", "basic",
///                                 {{"genome", "syn3a_recoded"}});  // E. coli's genetic code
/// bioxen::BioResourceManager vm_rm{vm};
/// vm_rm.allocate_atp(20.0);                              // % of the chassis' ATP supply
/// vm_rm.allocate_ribosomes(12);                          // units
/// nlohmann::json usage = vm_rm.get_resource_usage();
/// @endcode
class BIOXEN_API BioResourceManager {
 public:
  /// Over the default hypervisor.
  BioResourceManager();
  /// Over `hypervisor` (which must outlive the manager).
  explicit BioResourceManager(BioXenHypervisor& hypervisor);
  /// Over a shared hypervisor.
  explicit BioResourceManager(std::shared_ptr<BioXenHypervisor> hypervisor);
  /// Over one VM (and its hypervisor).
  explicit BioResourceManager(const BiologicalVM& vm);

  /// Binds (or rebinds) the manager to a VM, switching to that VM's hypervisor.
  void bind_vm(const BiologicalVM& vm);
  /// The bound VM, if any.
  const std::optional<BiologicalVM>& vm() const noexcept;
  BioXenHypervisor& hypervisor() const noexcept;

  // --- over a hypervisor ----------------------------------------------------------------

  /// The hypervisor's totals (SystemResources' keys), plus `utilization` (ribosomes, atp,
  /// memory, vms as fractions of what may be reserved), `warnings` (resources at or above
  /// config.resource_warning_threshold) and `vms` (vm id -> allocation).
  nlohmann::json get_resource_summary() const;

  /// Every VM's reservation, by id (one consistent view).
  std::map<std::string, ResourceAllocation> get_resource_allocation() const;

  // --- over a VM ------------------------------------------------------------------------

  /// Sets the bound VM's ATP share (%). Errors: invalid_argument (no VM bound, outside
  /// [0, 100]), resource_allocation_error (above the VM's resource_limits.max_atp or refused by the
  /// hypervisor), vm_not_found.
  void allocate_atp(double percentage);
  bool allocate_atp(double percentage, std::error_code& ec);

  /// Sets the bound VM's ribosome units. Errors as allocate_atp() (invalid_argument when
  /// negative).
  void allocate_ribosomes(int count);
  bool allocate_ribosomes(int count, std::error_code& ec);

  /// The bound VM's reservation and the work it did: vm_id, state, ribosomes,
  /// atp_percentage, rna_polymerase, memory_kb, priority, ribosome_seconds, amino_acids,
  /// atp_consumed, proteins_completed, running_seconds, active_seconds, throttle_events.
  nlohmann::json get_resource_usage() const;

  /// The most the bound VM could hold now, its own reservation counted as free: ribosomes
  /// (within max_ribosome_allocation and, below priority 5, outside the emergency reserve),
  /// atp_percentage, memory_kb (only while created), capped by its resource_limits.
  nlohmann::json get_available_resources() const;

  /// The per-type tuning of the original library, applied in one reallocation (both or neither):
  /// syn3a 60 % ATP and 10 ribosomes (a minimal genome), ecoli 80 % and 25, minimal_cell 50 %
  /// and 8. Errors: unsupported_operation for a VM of another type, else as allocate_atp().
  void optimize_resources_for_biological_type();
  bool optimize_resources_for_biological_type(std::error_code& ec);

 private:
  /// The bound VM; invalid_argument naming `operation` when there is none.
  const BiologicalVM& bound(std::string_view operation) const;

  std::shared_ptr<BioXenHypervisor> hypervisor_;
  std::optional<BiologicalVM> vm_;
};

}  // namespace bioxen
