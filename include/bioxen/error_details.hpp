// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#pragma once

// BioXenException's details as JSON: an opt-in header, because <nlohmann/json.hpp> costs
// more to compile than the rest of an error.
#include <nlohmann/json.hpp>
#include <utility>

#include "bioxen/error.hpp"
#include "bioxen/export.hpp"

namespace bioxen {

namespace detail {
template <class>
struct error_details_json {
  using type = nlohmann::json;
};
}  // namespace detail

/// What a BioXenException is built with: a JSON object, from a braced list of key-value pairs
/// or any `nlohmann::json`. Read back as `e.details()`, a `const nlohmann::json&`.
///
/// @code
/// try { hv.start_vm("missing"); }
/// catch (const bioxen::BioXenException& e) {
///   const nlohmann::json& d = e.details();   // {"code": "BX006", "vm_id": "missing"}
/// }
/// throw bioxen::BioXenException(bioxen::BioXenErrorCode::io_error, "cannot read x",
///                               {{"file", "x"}});
/// @endcode
class BIOXEN_API ErrorDetails : public nlohmann::json {
 public:
  using nlohmann::json::basic_json;
  ErrorDetails() : nlohmann::json(nlohmann::json::object()) {}
  ErrorDetails(nlohmann::json j) : nlohmann::json(std::move(j)) {}  // NOLINT: implicit by design
};

}  // namespace bioxen
