// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#pragma once

// The cheapest header of BioXen: no JSON, no fmt. The structured details of an exception are
// a JSON object, usable after #include <bioxen/error_details.hpp>.
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

#include "bioxen/export.hpp"

namespace bioxen {

/// Every failure BioXen reports. The numeric value is the code's BX number: BX001 is 1.
/// BX001–BX005 are the codes of the original library; the rest extend it.
enum class BioXenErrorCode : int {
  vm_creation_failed = 1,            ///< BX001: a VM could not be created (bad id, type, genome)
  resource_allocation_error = 2,     ///< BX002: admission control refused the resources
  chassis_initialization_error = 3,  ///< BX003: a chassis profile is invalid
  hypervisor_overload = 4,           ///< BX004: the VM count would exceed max_vms
  invalid_configuration = 5,         ///< BX005: a configuration value, file or variable is bad
  vm_not_found = 6,                  ///< BX006: no VM has this id
  invalid_state_transition = 7,      ///< BX007: the VM's state does not allow the operation
  unsupported_operation = 8,         ///< BX008: the operation is not available in this release
  genome_parse_error = 9,            ///< BX009: a genome file is malformed (file, line, field)
  vm_already_exists = 10,            ///< BX010: a VM with this id exists already
  invalid_argument = 11,             ///< BX011: an argument of a call is out of its domain
  io_error = 12,                     ///< BX012: a file could not be read or written
  invalid_snapshot = 13,             ///< BX013: a snapshot cannot be restored
  incompatible_genetic_code = 14,    ///< BX014: the host does not read the guest's genetic code
};

/// All codes, in numeric order (for documentation, tests and the CLI).
inline constexpr BioXenErrorCode all_error_codes[] = {
    BioXenErrorCode::vm_creation_failed,
    BioXenErrorCode::resource_allocation_error,
    BioXenErrorCode::chassis_initialization_error,
    BioXenErrorCode::hypervisor_overload,
    BioXenErrorCode::invalid_configuration,
    BioXenErrorCode::vm_not_found,
    BioXenErrorCode::invalid_state_transition,
    BioXenErrorCode::unsupported_operation,
    BioXenErrorCode::genome_parse_error,
    BioXenErrorCode::vm_already_exists,
    BioXenErrorCode::invalid_argument,
    BioXenErrorCode::io_error,
    BioXenErrorCode::invalid_snapshot,
    BioXenErrorCode::incompatible_genetic_code,
};

/// "BX001" for BioXenErrorCode::vm_creation_failed.
BIOXEN_API std::string error_code_string(BioXenErrorCode code);

/// "vm_creation_failed" for BioXenErrorCode::vm_creation_failed.
BIOXEN_API std::string_view error_code_name(BioXenErrorCode code) noexcept;

/// The `std::error_category` named "bioxen"; its message() is a one-line description.
BIOXEN_API const std::error_category& bioxen_category() noexcept;

/// Lets `std::error_code ec = BioXenErrorCode::vm_not_found;` work.
inline std::error_code make_error_code(BioXenErrorCode code) noexcept {
  return {static_cast<int>(code), bioxen_category()};
}

/// The details a BioXenException is built with: a JSON object (complete, and built from
/// `{{"key", value}, ...}` or any `nlohmann::json`, after `#include <bioxen/error_details.hpp>`).
class ErrorDetails;

namespace detail {
/// `type` is nlohmann::json; defined in bioxen/error_details.hpp, so that reading an
/// exception's details needs that header and nothing else needs JSON.
template <class>
struct error_details_json;
}  // namespace detail

/// The one exception type of BioXen. Copies share the message and details (copying never
/// throws).
///
/// @code
/// try { hv.start_vm("missing"); }
/// catch (const bioxen::BioXenException& e) {
///   // e.code() == BioXenErrorCode::vm_not_found, e.what() == "[BX006] VM 'missing' not found"
/// }
/// @endcode
class BIOXEN_API BioXenException : public std::runtime_error {
 public:
  BioXenException(BioXenErrorCode code, std::string message);
  /// `details` that is not an object is stored as {"value": details}. Bytes of `message` and
  /// of the strings in `details` that are not UTF-8 are kept as the text "\xNN", so that
  /// what() and details() can always be written as JSON.
  BioXenException(BioXenErrorCode code, std::string message, ErrorDetails details);
  BioXenException(const BioXenException& other) noexcept;
  BioXenException& operator=(const BioXenException& other) noexcept;
  ~BioXenException() override;

  BioXenErrorCode code() const noexcept { return code_; }
  /// The message without the "[BXnnn] " prefix.
  const std::string& message() const noexcept;
  /// Structured context as a `const nlohmann::json&` object: the key "code" ("BX006") and, by
  /// failure, ids, requested and available amounts, file, line, field. Needs
  /// `#include <bioxen/error_details.hpp>` where it is called.
  template <class J = void>
  const typename detail::error_details_json<J>::type& details() const noexcept {
    return *static_cast<const typename detail::error_details_json<J>::type*>(details_json());
  }
  /// The code as a std::error_code of bioxen_category().
  std::error_code error_code() const noexcept { return make_error_code(code_); }

  // Named constructors for the common failures.
  static BioXenException vm_not_found(std::string_view vm_id);
  static BioXenException vm_already_exists(std::string_view vm_id);
  static BioXenException invalid_state_transition(std::string_view vm_id,
                                                  std::string_view operation,
                                                  std::string_view state);
  static BioXenException invalid_configuration(std::string message);
  static BioXenException invalid_configuration(std::string message, ErrorDetails details);
  static BioXenException unsupported_operation(std::string message);
  static BioXenException unsupported_operation(std::string message, ErrorDetails details);
  static BioXenException genome_parse_error(std::string_view file, std::size_t line,
                                            std::string_view field, std::string_view reason);

 private:
  struct Utf8Text {};  ///< the message is known to be UTF-8
  BioXenException(BioXenErrorCode code, std::string message, ErrorDetails details, Utf8Text tag);
  const void* details_json() const noexcept;  ///< the details' nlohmann::json
  struct State;  ///< message and details, shared by copies (reference counted)
  BioXenErrorCode code_;
  State* state_;
};

/// Runs `fn`; on BioXenException stores its code in `ec` (and clears `ec` on success).
/// Other exceptions (std::bad_alloc) propagate. Used by the non-throwing overloads.
template <class Fn>
auto capture_error(std::error_code& ec, Fn&& fn) noexcept(false) -> decltype(fn()) {
  ec.clear();
  try {
    return fn();
  } catch (const BioXenException& e) {
    ec = e.error_code();
    if constexpr (!std::is_void_v<decltype(fn())>) return decltype(fn()){};
  }
}

}  // namespace bioxen

template <>
struct std::is_error_code_enum<bioxen::BioXenErrorCode> : std::true_type {};
