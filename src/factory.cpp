// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#include "bioxen/factory.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>

#include "bioxen/config_manager.hpp"
#include "bioxen/detail/json_read.hpp"
#include "bioxen/detail/secrets.hpp"
#include "bioxen/error_details.hpp"
#include "bioxen/hypervisor.hpp"

namespace bioxen {

namespace {

std::mutex& default_mutex() {
  static std::mutex m;
  return m;
}
std::shared_ptr<BioXenHypervisor>& default_slot() {
  static std::shared_ptr<BioXenHypervisor> hv;
  return hv;
}

std::string get_string(const nlohmann::json& j, const char* key, std::string fallback = {}) {
  const auto it = j.find(key);
  return it == j.end() ? std::move(fallback) : it->get<std::string>();
}

}  // namespace

// ----- XcpngConfig ---------------------------------------------------------------------

void to_json(nlohmann::json& j, const XcpngConfig& c) {
  j = nlohmann::json{{"xapi_url", c.xapi_url},
                     {"username", c.username},
                     {"password", detail::redacted_text},
                     {"ssh_user", c.ssh_user},
                     {"template_name", c.template_name},
                     {"ssh_key_path", c.ssh_key_path},
                     {"network_uuid", c.network_uuid},
                     {"storage_repository", c.storage_repository},
                     {"vm_memory", c.vm_memory},
                     {"vm_vcpus", c.vm_vcpus}};
}

void from_json(const nlohmann::json& j, XcpngConfig& c) {
  // The same rules as a VM configuration's xcpng_config; the checker never echoes values.
  ConfigManager::check_config(nlohmann::json{{"xcpng_config", j}}, "xcpng");
  XcpngConfig out;
  out.xapi_url = j.at("xapi_url").get<std::string>();
  out.username = j.at("username").get<std::string>();
  out.password = j.at("password").get<std::string>();
  out.ssh_user = j.at("ssh_user").get<std::string>();
  out.template_name = get_string(j, "template_name", out.template_name);
  out.ssh_key_path = get_string(j, "ssh_key_path");
  out.network_uuid = get_string(j, "network_uuid");
  out.storage_repository = get_string(j, "storage_repository");
  out.vm_memory = get_string(j, "vm_memory", out.vm_memory);
  if (const auto it = j.find("vm_vcpus"); it != j.end()) out.vm_vcpus = it->get<int>();
  c = std::move(out);
}

// ----- types ---------------------------------------------------------------------------

std::vector<std::string> get_supported_biological_types() {
  return {"syn3a", "ecoli", "minimal_cell"};
}

std::vector<std::string> get_supported_vm_types() { return {"basic", "xcpng"}; }

bool validate_biological_type(std::string_view biological_type) {
  const auto types = get_supported_biological_types();
  return std::find(types.begin(), types.end(), biological_type) != types.end();
}

bool validate_vm_type(std::string_view vm_type) {
  const auto types = get_supported_vm_types();
  return std::find(types.begin(), types.end(), vm_type) != types.end();
}

// ----- the default hypervisor ----------------------------------------------------------

std::shared_ptr<BioXenHypervisor> default_hypervisor() {
  std::lock_guard lock(default_mutex());
  auto& hv = default_slot();
  if (!hv) {
    hv = std::make_shared<BioXenHypervisor>(ProductionConfigManager{}.config, ChassisType::ecoli);
  }
  return hv;
}

void set_default_hypervisor(std::shared_ptr<BioXenHypervisor> hypervisor) {
  std::lock_guard lock(default_mutex());
  default_slot() = std::move(hypervisor);
}

// ----- the factory ---------------------------------------------------------------------

BiologicalVM create_bio_vm(std::string_view vm_id, std::string_view biological_type,
                           std::string_view vm_type, const nlohmann::json& config) {
  return create_bio_vm(default_hypervisor(), vm_id, biological_type, vm_type, config);
}

BiologicalVM create_bio_vm(BioXenHypervisor& hypervisor, std::string_view vm_id,
                           std::string_view biological_type, std::string_view vm_type,
                           const nlohmann::json& config) {
  // A non-owning handle: the caller keeps the hypervisor alive.
  return create_bio_vm(std::shared_ptr<BioXenHypervisor>(std::shared_ptr<void>(), &hypervisor),
                       vm_id, biological_type, vm_type, config);
}

BiologicalVM create_bio_vm(std::shared_ptr<BioXenHypervisor> hypervisor, std::string_view vm_id,
                           std::string_view biological_type, std::string_view vm_type,
                           const nlohmann::json& config) {
  if (!hypervisor) {
    throw BioXenException(BioXenErrorCode::invalid_argument, "create_bio_vm: null hypervisor");
  }
  if (!validate_biological_type(biological_type)) {
    throw BioXenException(BioXenErrorCode::vm_creation_failed,
                          fmt::format("unsupported biological type '{}' (supported: {})",
                                      detail::printable(biological_type),
                                      fmt::join(get_supported_biological_types(), ", ")),
                          {{"vm_id", detail::printable(vm_id)},
                           {"biological_type", detail::printable(biological_type)},
                           {"supported", get_supported_biological_types()}});
  }
  if (!validate_vm_type(vm_type)) {
    throw BioXenException(
        BioXenErrorCode::vm_creation_failed,
        fmt::format("unsupported vm type '{}' (supported: {})", detail::printable(vm_type),
                    fmt::join(get_supported_vm_types(), ", ")),
        {{"vm_id", detail::printable(vm_id)},
         {"vm_type", detail::printable(vm_type)},
         {"supported", get_supported_vm_types()}});
  }
  const nlohmann::json cfg = config.is_null() ? nlohmann::json::object() : config;
  ConfigManager::check_config(cfg, vm_type);  // invalid_configuration, never echoing secrets

  std::optional<XcpngConfig> xcpng;
  if (vm_type == "xcpng") xcpng = cfg.at("xcpng_config").get<XcpngConfig>();

  ResourceAllocation request;  // every field automatic unless the config names it
  if (const auto it = cfg.find("ribosomes"); it != cfg.end()) request.ribosomes = it->get<int>();
  if (const auto it = cfg.find("atp_percentage"); it != cfg.end()) {
    request.atp_percentage = it->get<double>();
  }
  if (const auto it = cfg.find("rna_polymerase"); it != cfg.end()) {
    request.rna_polymerase = it->get<int>();
  }
  if (const auto it = cfg.find("memory_kb"); it != cfg.end()) {
    request.memory_kb = it->get<std::int64_t>();
  }
  if (const auto it = cfg.find("priority"); it != cfg.end()) request.priority = it->get<int>();
  if (const auto it = cfg.find("allow_incompatible_code"); it != cfg.end()) {
    request.allow_incompatible_code = it->get<bool>();
  }

  const std::string genome = get_string(cfg, "genome", std::string(biological_type));
  if (genome == biological_type) {
    hypervisor->create_vm(vm_id, biological_type, request);
  } else {
    hypervisor->create_vm(vm_id, builtin_genome(genome), request);
  }
  return BiologicalVM(std::move(hypervisor), std::string(vm_id), std::string(biological_type),
                      std::string(vm_type), detail::redact_secrets(cfg), std::move(xcpng));
}

// ----- BiologicalVM --------------------------------------------------------------------

BiologicalVM::BiologicalVM(std::shared_ptr<BioXenHypervisor> hv, std::string vm_id,
                           std::string biological_type, std::string vm_type, nlohmann::json config,
                           std::optional<XcpngConfig> xcpng)
    : hypervisor_(std::move(hv)),
      vm_id_(std::move(vm_id)),
      biological_type_(std::move(biological_type)),
      vm_type_(std::move(vm_type)),
      config_(std::move(config)),
      xcpng_(std::move(xcpng)) {}

void BiologicalVM::start() {
  if (vm_type_ == "xcpng") {
    throw BioXenException::unsupported_operation(
        fmt::format("cannot start VM '{}': remote XCP-ng execution is not available in this "
                    "release",
                    vm_id_),
        {{"vm_id", vm_id_}, {"vm_type", vm_type_}, {"operation", "start"}});
  }
  hypervisor_->start_vm(vm_id_);
}

void BiologicalVM::stop() { hypervisor_->stop_vm(vm_id_); }
void BiologicalVM::pause() { hypervisor_->pause_vm(vm_id_); }
void BiologicalVM::resume() { hypervisor_->resume_vm(vm_id_); }
void BiologicalVM::destroy() { hypervisor_->destroy_vm(vm_id_); }

VmStatus BiologicalVM::get_status() const { return hypervisor_->get_vm_status(vm_id_); }
VMState BiologicalVM::get_state() const { return hypervisor_->get_vm_state(vm_id_); }
ResourceAllocation BiologicalVM::get_resource_allocation() const {
  return hypervisor_->get_vm_allocation(vm_id_);
}
bool BiologicalVM::exists() const { return hypervisor_->has_vm(vm_id_); }

void to_json(nlohmann::json& j, const BiologicalVM& vm) {
  j = nlohmann::json{{"vm_id", vm.vm_id()},
                     {"biological_type", vm.get_biological_type()},
                     {"vm_type", vm.get_vm_type()},
                     {"config", vm.config()}};
}

}  // namespace bioxen
