// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// BioResourceManager (bioxen/resource_manager.hpp).
#include "bioxen/resource_manager.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <utility>

#include "bioxen/detail/json_read.hpp"
#include "bioxen/error_details.hpp"

namespace bioxen {

namespace {

ResourceAllocation allocation_of(const VmStatus& s) {
  ResourceAllocation a;
  a.ribosomes = s.ribosome_allocation;
  a.atp_percentage = s.atp_percentage;
  a.rna_polymerase = s.rna_polymerase;
  a.memory_kb = s.memory_kb;
  a.priority = s.priority;
  return a;
}

std::optional<double> limit_of(const BiologicalVM& vm, const char* key) {
  const auto& c = vm.config();
  const auto it = c.find("resource_limits");
  if (it == c.end() || !it->is_object()) return std::nullopt;
  const auto lim = it->find(key);
  if (lim == it->end() || !lim->is_number()) return std::nullopt;
  return lim->get<double>();
}

void check_limit(const BiologicalVM& vm, const char* key, double requested, std::string_view what) {
  const auto lim = limit_of(vm, key);
  if (lim && requested > *lim) {
    throw BioXenException(
        BioXenErrorCode::resource_allocation_error,
        fmt::format("VM '{}': {} {} exceeds its resource_limits.{} of {}", vm.vm_id(), what,
                    requested, key, *lim),
        {{"vm_id", vm.vm_id()}, {"requested", requested}, {"limit", *lim}, {"key", key}});
  }
}

}  // namespace

BioResourceManager::BioResourceManager() : hypervisor_(default_hypervisor()) {}

BioResourceManager::BioResourceManager(BioXenHypervisor& hypervisor)
    : hypervisor_(std::shared_ptr<void>(), &hypervisor) {}

BioResourceManager::BioResourceManager(std::shared_ptr<BioXenHypervisor> hypervisor)
    : hypervisor_(std::move(hypervisor)) {
  if (!hypervisor_) {
    throw BioXenException(BioXenErrorCode::invalid_argument,
                          "BioResourceManager: null "
                          "hypervisor");
  }
}

BioResourceManager::BioResourceManager(const BiologicalVM& vm)
    : hypervisor_(vm.hypervisor_ptr()), vm_(vm) {}

void BioResourceManager::bind_vm(const BiologicalVM& vm) {
  hypervisor_ = vm.hypervisor_ptr();
  vm_ = vm;
}

const std::optional<BiologicalVM>& BioResourceManager::vm() const noexcept { return vm_; }

BioXenHypervisor& BioResourceManager::hypervisor() const noexcept { return *hypervisor_; }

nlohmann::json BioResourceManager::get_resource_summary() const {
  const SystemResources r = hypervisor_->get_system_resources();
  const double threshold = hypervisor_->config().resource_warning_threshold;
  nlohmann::json j = r;
  const auto ratio = [](double used, double limit) { return limit > 0 ? used / limit : 0.0; };
  const nlohmann::json utilization = {
      {"ribosomes", ratio(r.allocated_ribosomes, r.available_ribosomes)},
      {"atp", ratio(r.total_atp_allocated, r.max_atp_percentage)},
      {"memory",
       ratio(static_cast<double>(r.allocated_memory_kb), static_cast<double>(r.genome_space_kb))},
      {"vms", ratio(static_cast<double>(r.total_vms), r.max_vms)}};
  nlohmann::json warnings = nlohmann::json::array();
  for (const auto& [name, value] : utilization.items()) {
    if (value.get<double>() >= threshold) warnings.push_back(name);
  }
  j["utilization"] = utilization;
  j["resource_warning_threshold"] = threshold;
  j["warnings"] = std::move(warnings);
  j["vms"] = get_resource_allocation();
  return j;
}

std::map<std::string, ResourceAllocation> BioResourceManager::get_resource_allocation() const {
  std::map<std::string, ResourceAllocation> out;
  for (const VmStatus& s : hypervisor_->list_vms()) out.emplace(s.vm_id, allocation_of(s));
  return out;
}

void BioResourceManager::allocate_atp(double percentage) {
  const BiologicalVM& vm = bound("allocate_atp");
  // Checked here: -1 would mean "keep" (ResourceAllocation::automatic) to reallocate_vm.
  if (!(percentage >= 0.0 && percentage <= 100.0)) {
    throw BioXenException(BioXenErrorCode::invalid_argument,
                          fmt::format("ATP percentage {} is out of range [0, 100]", percentage),
                          {{"vm_id", vm.vm_id()}, {"requested", detail::json_number(percentage)}});
  }
  check_limit(vm, "max_atp", percentage, "ATP percentage");
  ResourceAllocation change;
  change.atp_percentage = percentage;
  hypervisor_->reallocate_vm(vm.vm_id(), change);
}

bool BioResourceManager::allocate_atp(double percentage, std::error_code& ec) {
  capture_error(ec, [&] { allocate_atp(percentage); });
  return !ec;
}

void BioResourceManager::allocate_ribosomes(int count) {
  const BiologicalVM& vm = bound("allocate_ribosomes");
  if (count < 0) {
    throw BioXenException(BioXenErrorCode::invalid_argument,
                          fmt::format("ribosome count {} must not be negative", count),
                          {{"vm_id", vm.vm_id()}, {"requested", count}});
  }
  check_limit(vm, "max_ribosomes", count, "ribosomes");
  ResourceAllocation change;
  change.ribosomes = count;
  hypervisor_->reallocate_vm(vm.vm_id(), change);
}

bool BioResourceManager::allocate_ribosomes(int count, std::error_code& ec) {
  capture_error(ec, [&] { allocate_ribosomes(count); });
  return !ec;
}

nlohmann::json BioResourceManager::get_resource_usage() const {
  const VmStatus s = hypervisor_->get_vm_status(bound("get_resource_usage").vm_id());
  return {{"vm_id", s.vm_id},
          {"state", to_string(s.state)},
          {"ribosomes", s.ribosome_allocation},
          {"atp_percentage", s.atp_percentage},
          {"rna_polymerase", s.rna_polymerase},
          {"memory_kb", s.memory_kb},
          {"priority", s.priority},
          {"ribosome_seconds", s.ribosome_seconds},
          {"amino_acids", s.amino_acids},
          {"atp_consumed", s.atp_consumed},
          {"proteins_completed", s.proteins_completed},
          {"running_seconds", s.running_seconds},
          {"active_seconds", s.active_seconds},
          {"throttle_events", s.throttle_events}};
}

nlohmann::json BioResourceManager::get_available_resources() const {
  const BiologicalVM& vm = bound("get_available_resources");
  const VmStatus s = hypervisor_->get_vm_status(vm.vm_id());
  const SystemResources r = hypervisor_->get_system_resources();
  const ProductionConfig c = hypervisor_->config();
  const int reserve = s.priority >= 5 ? 0 : r.emergency_ribosome_reserve;
  int ribosomes = s.ribosome_allocation + std::max(0, r.free_ribosomes - reserve);
  ribosomes = std::min(ribosomes, c.max_ribosome_allocation);
  double atp = s.atp_percentage + r.free_atp_percentage;
  std::int64_t memory = s.memory_kb;
  if (s.state == VMState::created) {
    memory = std::min<std::int64_t>(s.memory_kb + r.free_memory_kb, c.max_memory_kb);
  }
  if (const auto lim = limit_of(vm, "max_ribosomes")) {
    ribosomes = std::min(ribosomes, static_cast<int>(*lim));
  }
  if (const auto lim = limit_of(vm, "max_atp")) atp = std::min(atp, *lim);
  return {{"vm_id", s.vm_id},
          {"ribosomes", ribosomes},
          {"atp_percentage", atp},
          {"memory_kb", memory},
          {"free_ribosomes", r.free_ribosomes},
          {"emergency_ribosome_reserve", r.emergency_ribosome_reserve},
          {"free_atp_percentage", r.free_atp_percentage},
          {"free_memory_kb", r.free_memory_kb}};
}

void BioResourceManager::optimize_resources_for_biological_type() {
  const BiologicalVM& vm = bound("optimize_resources_for_biological_type");
  const auto& type = vm.get_biological_type();
  ResourceAllocation change;
  if (type == "syn3a") {
    change.atp_percentage = 60.0;
    change.ribosomes = 10;
  } else if (type == "ecoli") {
    change.atp_percentage = 80.0;
    change.ribosomes = 25;
  } else if (type == "minimal_cell") {
    change.atp_percentage = 50.0;
    change.ribosomes = 8;
  } else {
    throw BioXenException::unsupported_operation(
        fmt::format("no resource profile for biological type '{}'", detail::printable(type)),
        {{"vm_id", vm.vm_id()}, {"biological_type", detail::printable(type)}});
  }
  check_limit(vm, "max_atp", change.atp_percentage, "ATP percentage");
  check_limit(vm, "max_ribosomes", change.ribosomes, "ribosomes");
  hypervisor_->reallocate_vm(vm.vm_id(), change);
}

bool BioResourceManager::optimize_resources_for_biological_type(std::error_code& ec) {
  capture_error(ec, [&] { optimize_resources_for_biological_type(); });
  return !ec;
}

const BiologicalVM& BioResourceManager::bound(std::string_view operation) const {
  if (!vm_) {
    throw BioXenException(
        BioXenErrorCode::invalid_argument,
        fmt::format("{} needs a VM: construct BioResourceManager from a BiologicalVM or call "
                    "bind_vm()",
                    operation),
        {{"operation", operation}});
  }
  return *vm_;
}

}  // namespace bioxen
