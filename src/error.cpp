// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#include "bioxen/error.hpp"

#include <fmt/format.h>

namespace bioxen {

namespace {

struct CodeInfo {
  std::string_view name;
  std::string_view description;
};

CodeInfo info(BioXenErrorCode code) noexcept {
  switch (code) {
    case BioXenErrorCode::vm_creation_failed:
      return {"vm_creation_failed", "VM creation failed"};
    case BioXenErrorCode::resource_allocation_error:
      return {"resource_allocation_error", "resource allocation refused"};
    case BioXenErrorCode::chassis_initialization_error:
      return {"chassis_initialization_error", "chassis initialization failed"};
    case BioXenErrorCode::hypervisor_overload:
      return {"hypervisor_overload", "hypervisor VM limit reached"};
    case BioXenErrorCode::invalid_configuration:
      return {"invalid_configuration", "invalid configuration"};
    case BioXenErrorCode::vm_not_found:
      return {"vm_not_found", "VM not found"};
    case BioXenErrorCode::invalid_state_transition:
      return {"invalid_state_transition", "invalid VM state transition"};
    case BioXenErrorCode::unsupported_operation:
      return {"unsupported_operation", "operation not supported"};
    case BioXenErrorCode::genome_parse_error:
      return {"genome_parse_error", "genome file could not be parsed"};
    case BioXenErrorCode::vm_already_exists:
      return {"vm_already_exists", "VM id already in use"};
    case BioXenErrorCode::invalid_argument:
      return {"invalid_argument", "invalid argument"};
    case BioXenErrorCode::io_error:
      return {"io_error", "file input/output failed"};
    case BioXenErrorCode::invalid_snapshot:
      return {"invalid_snapshot", "snapshot cannot be restored"};
  }
  return {"unknown", "unknown BioXen error"};
}

class Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "bioxen"; }
  std::string message(int value) const override {
    const auto code = static_cast<BioXenErrorCode>(value);
    return fmt::format("[{}] {}", error_code_string(code), info(code).description);
  }
};

}  // namespace

std::string error_code_string(BioXenErrorCode code) {
  return fmt::format("BX{:03}", static_cast<int>(code));
}

std::string_view error_code_name(BioXenErrorCode code) noexcept { return info(code).name; }

const std::error_category& bioxen_category() noexcept {
  static const Category category;
  return category;
}

BioXenException::BioXenException(BioXenErrorCode code, std::string message, nlohmann::json details)
    : std::runtime_error(fmt::format("[{}] {}", error_code_string(code), message)),
      code_(code),
      message_(std::move(message)),
      details_(std::move(details)) {
  if (!details_.is_object()) details_ = nlohmann::json{{"value", std::move(details_)}};
  details_["code"] = error_code_string(code);
}

BioXenException BioXenException::vm_not_found(std::string_view vm_id) {
  return {
      BioXenErrorCode::vm_not_found, fmt::format("VM '{}' not found", vm_id), {{"vm_id", vm_id}}};
}

BioXenException BioXenException::vm_already_exists(std::string_view vm_id) {
  return {BioXenErrorCode::vm_already_exists,
          fmt::format("VM '{}' already exists", vm_id),
          {{"vm_id", vm_id}}};
}

BioXenException BioXenException::invalid_state_transition(std::string_view vm_id,
                                                          std::string_view operation,
                                                          std::string_view state) {
  return {BioXenErrorCode::invalid_state_transition,
          fmt::format("cannot {} VM '{}' in state {}", operation, vm_id, state),
          {{"vm_id", vm_id}, {"operation", operation}, {"state", state}}};
}

BioXenException BioXenException::invalid_configuration(std::string message,
                                                       nlohmann::json details) {
  return {BioXenErrorCode::invalid_configuration, std::move(message), std::move(details)};
}

BioXenException BioXenException::unsupported_operation(std::string message,
                                                       nlohmann::json details) {
  return {BioXenErrorCode::unsupported_operation, std::move(message), std::move(details)};
}

BioXenException BioXenException::genome_parse_error(std::string_view file, std::size_t line,
                                                    std::string_view field,
                                                    std::string_view reason) {
  return {BioXenErrorCode::genome_parse_error,
          fmt::format("{}:{}: field '{}': {}", file, line, field, reason),
          {{"file", file}, {"line", line}, {"field", field}, {"reason", reason}}};
}

}  // namespace bioxen
