// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#pragma once
// nlohmann::json <-> Python objects, for pybind11: a JSON object is a dict, an array a list,
// a string a str, a number an int or a float, true/false a bool and null None. Every BioXen
// call that takes or gives JSON (configs, snapshots, details, chassis info) goes through it.
#include <pybind11/pybind11.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

namespace bioxen::python {

namespace py = pybind11;

/// JSON to Python (dict, list, str, int, float, bool, None).
py::object to_python(const nlohmann::json& j);

/// Python to JSON. Accepts dict (str keys), list, tuple, str, int, float, bool, None, and any
/// object with a to_dict() method (BioXen's value types); anything else is a TypeError naming
/// the path of the value ("config['xcpng_config']['port']: ...").
nlohmann::json from_python(py::handle obj, const std::string& path = "value");

}  // namespace bioxen::python

namespace pybind11::detail {

template <>
struct type_caster<nlohmann::json> {
 public:
  PYBIND11_TYPE_CASTER(nlohmann::json, const_name("dict"));

  bool load(handle src, bool /*convert*/) {
    value = bioxen::python::from_python(src);
    return true;
  }

  static handle cast(const nlohmann::json& src, return_value_policy /*policy*/, handle /*parent*/) {
    return bioxen::python::to_python(src).release();
  }
};

}  // namespace pybind11::detail
