// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#pragma once

#include <fmt/format.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bioxen/export.hpp"
#include "bioxen/types.hpp"

namespace bioxen {

class BioXenHypervisor;

/// Connection settings of an XCP-ng host (vm type "xcpng"; docs/API_REFERENCE.md). Remote execution
/// is not available in this release: the settings are validated and kept, start() refuses.
///
/// The password never leaves the process: to_json() and the fmt formatter write "***".
struct XcpngConfig {
  std::string xapi_url;  ///< "https://host:443"
  std::string username;
  std::string password;  ///< secret: never logged, printed or serialised
  std::string ssh_user;
  std::string template_name = "bioxen-bio-template";
  std::string ssh_key_path;
  std::string network_uuid;
  std::string storage_repository;
  std::string vm_memory = "2GB";
  int vm_vcpus = 2;

  friend bool operator==(const XcpngConfig&, const XcpngConfig&) = default;
};

/// Every field; `password` as "***" (a secret never reaches JSON).
BIOXEN_API void to_json(nlohmann::json& j, const XcpngConfig& c);
/// Reads the object `xcpng_config` of a VM configuration (xapi_url, username, password and
/// ssh_user required). Errors: invalid_configuration naming the key, never a value.
BIOXEN_API void from_json(const nlohmann::json& j, XcpngConfig& c);

/// "syn3a", "ecoli", "minimal_cell".
BIOXEN_API std::vector<std::string> get_supported_biological_types();
/// "basic", "xcpng".
BIOXEN_API std::vector<std::string> get_supported_vm_types();
/// True for a name get_supported_biological_types() lists.
BIOXEN_API bool validate_biological_type(std::string_view biological_type);
/// True for a name get_supported_vm_types() lists.
BIOXEN_API bool validate_vm_type(std::string_view vm_type);

/// The process-wide hypervisor behind create_bio_vm() and BioResourceManager's default
/// constructor, like spdlog's default logger: a convenience, never the only way in. Created
/// on first use with ProductionConfigManager{}.config (so `$BIOXEN_CONFIG`, the config file
/// and `BIOXEN_<FIELD>` apply) on an E. coli chassis. Thread-safe.
///
/// @code
/// auto hv = bioxen::default_hypervisor();
/// fmt::print("{}\n", hv->get_system_resources());
/// @endcode
BIOXEN_API std::shared_ptr<BioXenHypervisor> default_hypervisor();

/// Replaces the default hypervisor (nullptr: the next default_hypervisor() creates a fresh
/// one). Handles of VMs on the old one keep it alive.
BIOXEN_API void set_default_hypervisor(std::shared_ptr<BioXenHypervisor> hypervisor);

class BiologicalVM;

/// Creates a VM on the default hypervisor (the original library's factory function).
///
/// `config` is a VM configuration (see ConfigManager): its `ribosomes`, `atp_percentage`,
/// `rna_polymerase`, `memory_kb` and `priority` form the resource request (absent fields get
/// the hypervisor's default share); `genome` picks another built-in genome; vm type "xcpng"
/// requires `xcpng_config.{xapi_url, username, password, ssh_user}`.
///
/// The default hypervisor is E. coli (genetic code 11), which refuses syn3a and minimal_cell as
/// published (code 4): give them `{"genome": "syn3a_recoded"}` (or "minimal_cell_recoded"), or
/// `"allow_incompatible_code": true` to run them with the proteins E. coli makes of them.
///
/// Errors: vm_creation_failed (unsupported biological or vm type, bad id),
/// invalid_configuration (config), then the hypervisor's (vm_already_exists,
/// incompatible_genetic_code, hypervisor_overload, resource_allocation_error).
///
/// @code
/// auto vm = bioxen::create_bio_vm("my_vm", "syn3a", "basic", {{"genome", "syn3a_recoded"}});
/// auto big = bioxen::create_bio_vm("big", "ecoli", "basic", {{"ribosomes", 20}, {"priority", 3}});
/// @endcode
BIOXEN_API BiologicalVM create_bio_vm(std::string_view vm_id, std::string_view biological_type,
                                      std::string_view vm_type = "basic",
                                      const nlohmann::json& config = nlohmann::json::object());

/// Creates a VM on `hypervisor` (which must outlive the handle).
///
/// @code
/// bioxen::BioXenHypervisor hv;
/// auto vm = bioxen::create_bio_vm(hv, "vm1", "ecoli");
/// @endcode
BIOXEN_API BiologicalVM create_bio_vm(BioXenHypervisor& hypervisor, std::string_view vm_id,
                                      std::string_view biological_type,
                                      std::string_view vm_type = "basic",
                                      const nlohmann::json& config = nlohmann::json::object());

/// Creates a VM on a shared hypervisor (the handle shares its ownership).
BIOXEN_API BiologicalVM create_bio_vm(std::shared_ptr<BioXenHypervisor> hypervisor,
                                      std::string_view vm_id, std::string_view biological_type,
                                      std::string_view vm_type = "basic",
                                      const nlohmann::json& config = nlohmann::json::object());

/// A handle to one biological VM on a hypervisor (BiologicalVM of the original library). Copies
/// refer to the same VM. Operations go to the hypervisor and throw its BioXenException.
///
/// @code
/// auto vm = bioxen::create_bio_vm("prod_ecoli_01", "ecoli");
/// vm.start(); vm.pause(); vm.resume(); vm.stop();
/// bioxen::VmStatus s = vm.get_status();
/// vm.destroy();
/// @endcode
class BIOXEN_API BiologicalVM {
 public:
  const std::string& vm_id() const noexcept { return vm_id_; }
  /// "basic" or "xcpng".
  const std::string& get_vm_type() const noexcept { return vm_type_; }
  /// "syn3a", "ecoli" or "minimal_cell".
  const std::string& get_biological_type() const noexcept { return biological_type_; }

  /// created|stopped -> running. For vm type "xcpng": throws unsupported_operation (remote
  /// XCP-ng execution is not available in this release).
  void start();
  /// running|paused -> stopped.
  void stop();
  /// running -> paused.
  void pause();
  /// paused -> running.
  void resume();
  /// Removes the VM and returns its resources; the handle then refers to no VM.
  void destroy();

  /// The VM's allocation and accounting (VmStatus converts to the original library's JSON).
  VmStatus get_status() const;
  VMState get_state() const;
  /// The VM's reservation, every field resolved.
  ResourceAllocation get_resource_allocation() const;
  /// False once the VM was destroyed.
  bool exists() const;

  /// The configuration the VM was created with, secrets replaced by "***".
  const nlohmann::json& config() const noexcept { return config_; }
  /// The XCP-ng settings of an "xcpng" VM.
  const std::optional<XcpngConfig>& xcpng_config() const noexcept { return xcpng_; }
  /// The hypervisor the VM lives on.
  BioXenHypervisor& hypervisor() const noexcept { return *hypervisor_; }
  const std::shared_ptr<BioXenHypervisor>& hypervisor_ptr() const noexcept { return hypervisor_; }

 private:
  friend BiologicalVM create_bio_vm(std::shared_ptr<BioXenHypervisor>, std::string_view,
                                    std::string_view, std::string_view, const nlohmann::json&);
  BiologicalVM(std::shared_ptr<BioXenHypervisor> hv, std::string vm_id, std::string biological_type,
               std::string vm_type, nlohmann::json config, std::optional<XcpngConfig> xcpng);

  std::shared_ptr<BioXenHypervisor> hypervisor_;
  std::string vm_id_;
  std::string biological_type_;
  std::string vm_type_;
  nlohmann::json config_;
  std::optional<XcpngConfig> xcpng_;
};

/// {"vm_id", "biological_type", "vm_type", "config" (secrets as "***")}.
BIOXEN_API void to_json(nlohmann::json& j, const BiologicalVM& vm);

}  // namespace bioxen

/// "root@https://xenserver:443 (ssh bioxen, password ***)".
template <>
struct BIOXEN_API fmt::formatter<bioxen::XcpngConfig> : fmt::formatter<std::string_view> {
  template <class Ctx>
  auto format(const bioxen::XcpngConfig& c, Ctx& ctx) const {
    return fmt::formatter<std::string_view>::format(
        fmt::format("{}@{} (ssh {}, password ***)", c.username, c.xapi_url, c.ssh_user), ctx);
  }
};

/// "prod_ecoli_01 (ecoli, basic)".
template <>
struct BIOXEN_API fmt::formatter<bioxen::BiologicalVM> : fmt::formatter<std::string_view> {
  template <class Ctx>
  auto format(const bioxen::BiologicalVM& vm, Ctx& ctx) const {
    return fmt::formatter<std::string_view>::format(
        fmt::format("{} ({}, {})", vm.vm_id(), vm.get_biological_type(), vm.get_vm_type()), ctx);
  }
};
