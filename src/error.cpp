// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#include "bioxen/error.hpp"

#include <fmt/format.h>

#include <atomic>
#include <utility>

#include "bioxen/detail/utf8.hpp"
#include "bioxen/error_details.hpp"

namespace bioxen {

namespace {

// Error details reach JSON (logs, reports, the tool's --json output), and JSON text is UTF-8:
// foreign bytes in a string or a key, which a caller may have passed in, become "\xNN".
void escape_foreign_bytes(nlohmann::json& j) {
  if (j.is_string()) {
    auto& s = j.get_ref<std::string&>();
    if (!detail::is_utf8(s)) s = detail::escape_invalid_utf8(s);
  } else if (j.is_array()) {
    for (auto& item : j) escape_foreign_bytes(item);
  } else if (j.is_object()) {
    bool keys_ok = true;
    for (auto& item : j.items()) {
      keys_ok = keys_ok && detail::is_utf8(item.key());
      escape_foreign_bytes(item.value());
    }
    if (!keys_ok) {
      nlohmann::json fixed = nlohmann::json::object();
      for (auto& item : j.items()) {
        fixed[detail::escape_invalid_utf8(item.key())] = std::move(item.value());
      }
      j = std::move(fixed);
    }
  }
}

std::string utf8_message(std::string message) {
  if (detail::is_utf8(message)) return message;
  return detail::escape_invalid_utf8(message);
}

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
    case BioXenErrorCode::incompatible_genetic_code:
      return {"incompatible_genetic_code", "the host does not read the guest's genetic code"};
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

struct BioXenException::State {
  std::atomic<int> references{1};
  std::string message;
  ErrorDetails details;
};

BioXenException::BioXenException(BioXenErrorCode code, std::string message)
    : BioXenException(code, std::move(message), ErrorDetails{}) {}

BioXenException::BioXenException(BioXenErrorCode code, std::string message, ErrorDetails details)
    : BioXenException(code, utf8_message(std::move(message)), std::move(details), Utf8Text{}) {}

BioXenException::BioXenException(BioXenErrorCode code, std::string message, ErrorDetails details,
                                 Utf8Text /*tag*/)
    : std::runtime_error(fmt::format("[{}] {}", error_code_string(code), message)),
      code_(code),
      state_(new State{{1}, std::move(message), std::move(details)}) {
  ErrorDetails& d = state_->details;
  escape_foreign_bytes(d);
  if (!d.is_object()) {
    nlohmann::json wrapped = nlohmann::json::object();
    wrapped["value"] = static_cast<nlohmann::json&&>(d);
    d = ErrorDetails(std::move(wrapped));
  }
  d["code"] = error_code_string(code);
}

BioXenException::BioXenException(const BioXenException& other) noexcept
    : std::runtime_error(other), code_(other.code_), state_(other.state_) {
  state_->references.fetch_add(1, std::memory_order_relaxed);
}

BioXenException& BioXenException::operator=(const BioXenException& other) noexcept {
  if (this == &other) return *this;
  std::runtime_error::operator=(other);
  other.state_->references.fetch_add(1, std::memory_order_relaxed);
  if (state_->references.fetch_sub(1, std::memory_order_acq_rel) == 1) delete state_;
  code_ = other.code_;
  state_ = other.state_;
  return *this;
}

BioXenException::~BioXenException() {
  if (state_->references.fetch_sub(1, std::memory_order_acq_rel) == 1) delete state_;
}

const std::string& BioXenException::message() const noexcept { return state_->message; }

const void* BioXenException::details_json() const noexcept {
  return static_cast<const nlohmann::json*>(&state_->details);
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

BioXenException BioXenException::invalid_configuration(std::string message) {
  return {BioXenErrorCode::invalid_configuration, std::move(message)};
}

BioXenException BioXenException::invalid_configuration(std::string message, ErrorDetails details) {
  return {BioXenErrorCode::invalid_configuration, std::move(message), std::move(details)};
}

BioXenException BioXenException::unsupported_operation(std::string message) {
  return {BioXenErrorCode::unsupported_operation, std::move(message)};
}

BioXenException BioXenException::unsupported_operation(std::string message, ErrorDetails details) {
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
