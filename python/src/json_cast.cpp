// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#include "json_cast.hpp"

#include <fmt/core.h>

#include <string>
#include <utility>

namespace bioxen::python {

py::object to_python(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
      return py::none();
    case nlohmann::json::value_t::boolean:
      return py::bool_(j.get<bool>());
    case nlohmann::json::value_t::number_integer:
      return py::int_(j.get<std::int64_t>());
    case nlohmann::json::value_t::number_unsigned:
      return py::int_(j.get<std::uint64_t>());
    case nlohmann::json::value_t::number_float:
      return py::float_(j.get<double>());
    case nlohmann::json::value_t::string:
      return py::str(j.get_ref<const std::string&>());
    case nlohmann::json::value_t::binary:
      return py::bytes(std::string(j.get_binary().begin(), j.get_binary().end()));
    case nlohmann::json::value_t::array: {
      py::list out(j.size());
      std::size_t i = 0;
      for (const auto& item : j) out[i++] = to_python(item);
      return out;
    }
    case nlohmann::json::value_t::object: {
      py::dict out;
      for (const auto& [key, item] : j.items()) out[py::str(key)] = to_python(item);
      return out;
    }
  }
  return py::none();
}

nlohmann::json from_python(py::handle obj, const std::string& path) {
  if (obj.is_none()) return nullptr;
  if (py::isinstance<py::bool_>(obj)) return obj.cast<bool>();
  if (py::isinstance<py::int_>(obj)) {
    // A negative int fits int64; a positive one may need uint64 (beyond that: an error).
    const auto as_int = obj.cast<py::int_>();
    if (py::int_(0) <= as_int) {
      try {
        return obj.cast<std::uint64_t>();
      } catch (const py::cast_error&) {
      }
    } else {
      try {
        return obj.cast<std::int64_t>();
      } catch (const py::cast_error&) {
      }
    }
    throw py::type_error(fmt::format("{}: the integer {} does not fit 64 bits", path,
                                     py::str(obj).cast<std::string>()));
  }
  if (py::isinstance<py::float_>(obj)) return obj.cast<double>();
  if (py::isinstance<py::str>(obj)) return obj.cast<std::string>();
  if (py::isinstance<py::dict>(obj)) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, item] : obj.cast<py::dict>()) {
      if (!py::isinstance<py::str>(key)) {
        throw py::type_error(
            fmt::format("{}: a key is {}, not a str", path, py::repr(key).cast<std::string>()));
      }
      auto name = key.cast<std::string>();
      out[name] = from_python(item, fmt::format("{}['{}']", path, name));
    }
    return out;
  }
  if (py::isinstance<py::list>(obj) || py::isinstance<py::tuple>(obj)) {
    nlohmann::json out = nlohmann::json::array();
    std::size_t i = 0;
    for (const auto& item : obj) out.push_back(from_python(item, fmt::format("{}[{}]", path, i++)));
    return out;
  }
  if (py::hasattr(obj, "to_dict")) return from_python(obj.attr("to_dict")(), path);
  // NumPy scalars and the like: anything that converts itself to a float or an int.
  const auto object = py::reinterpret_borrow<py::object>(obj);
  if (py::hasattr(obj, "__index__")) return from_python(py::int_(object), path);
  if (py::hasattr(obj, "__float__")) return py::cast<double>(py::float_(object));
  throw py::type_error(fmt::format("{}: {} is not JSON (dict, list, str, int, float, bool or None)",
                                   path, py::repr(obj.get_type()).cast<std::string>()));
}

}  // namespace bioxen::python
