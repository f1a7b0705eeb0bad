// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
// The compiled part of the Python package: `bioxen._bioxen`. The package (bioxen/__init__.py)
// re-exports it; the exception classes live in bioxen/errors.py.
#include <nlohmann/json.hpp>

#include "bioxen/version.hpp"
#include "common.hpp"

namespace bioxen::python {

std::string repr_of(std::string_view type_name, const nlohmann::json& j) {
  std::string out(type_name);
  out += '(';
  if (j.is_object()) {
    bool first = true;
    for (const auto& [key, value] : j.items()) {
      if (!first) out += ", ";
      first = false;
      out += key;
      out += '=';
      out += py::repr(to_python(value)).cast<std::string>();
    }
  } else {
    out += py::repr(to_python(j)).cast<std::string>();
  }
  out += ')';
  return out;
}

}  // namespace bioxen::python

PYBIND11_MODULE(_bioxen, m) {
  using namespace bioxen::python;
  m.doc() = "BioXen's C++ engine (use the bioxen package, which re-exports it)";
  m.attr("__version__") = BIOXEN_VERSION_STRING;
  bind_errors(m);
  bind_types(m);
  bind_config(m);
  bind_chassis(m);
  bind_genome(m);
  bind_observers(m);
  bind_hypervisor(m);
  bind_factory(m);
  bind_monitor(m);
  bind_scenario(m);
  bind_sweep(m);
  bind_validation(m);
}
