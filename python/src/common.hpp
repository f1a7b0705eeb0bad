// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#pragma once
// What every translation unit of the Python module shares: the JSON caster, the helpers that
// give a C++ value type its Python face (to_dict, repr, ==, keyword construction) and the
// bind_* function of each area (one .cpp each, so that no compiler process needs much memory).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "bioxen/error.hpp"
#include "bioxen/error_details.hpp"
#include "json_cast.hpp"

namespace bioxen::python {

namespace py = pybind11;

/// "Name(a=1, b='x')" from the JSON shape of a value, for __repr__.
std::string repr_of(std::string_view type_name, const nlohmann::json& j);

/// Sets the keyword arguments on a new value through its Python attributes, so a misspelt
/// name is a TypeError naming it and a wrong type is pybind11's TypeError.
template <class T>
T from_keywords(const py::kwargs& kwargs, std::string_view type_name) {
  py::object self = py::cast(T{});
  for (const auto& [key, value] : kwargs) {
    const auto name = py::cast<std::string>(key);
    if (name.empty() || name.front() == '_' || !py::hasattr(self, key) || name == "to_dict" ||
        name == "from_dict") {
      throw py::type_error(std::string(type_name) + "() got an unexpected keyword argument '" +
                           name + "'");
    }
    self.attr(key) = value;
  }
  return py::cast<T>(self);
}

/// to_dict(), from_dict(), __repr__, ==, copy and pickling of a value type through its JSON
/// adapters (to_json/from_json). Read-write attributes are added by the caller.
/// pickle_by_json = false: the caller defines the pickling (a type whose JSON form is lossy).
template <class T, class... Extra>
py::class_<T, Extra...>& add_value_methods(py::class_<T, Extra...>& cls, std::string_view name,
                                           bool pickle_by_json = true) {
  const std::string type_name(name);
  cls.def(
      "to_dict", [](const T& v) { return nlohmann::json(v); },
      "The value as a dict of JSON types (the shape of its JSON form; json.dumps-able).");
  cls.def("__repr__", [type_name](const T& v) { return repr_of(type_name, nlohmann::json(v)); });
  cls.def("__copy__", [](const T& v) { return T(v); });
  cls.def(
      "__deepcopy__", [](const T& v, const py::dict&) { return T(v); }, py::arg("memo"));
  if constexpr (requires(const T& a) { a == a; }) {
    cls.def(
        "__eq__", [](const T& a, const T& b) { return a == b; }, py::is_operator());
    cls.attr("__hash__") = py::none();
  }
  if constexpr (requires(const nlohmann::json& j, T& v) { from_json(j, v); }) {
    cls.def_static(
        "from_dict", [](const nlohmann::json& j) { return j.get<T>(); }, py::arg("data"),
        "The value from its dict form (what to_dict() gives).");
    if (pickle_by_json) {
      cls.def(py::pickle([](const T& v) { return nlohmann::json(v); },
                         [](const nlohmann::json& j) { return j.get<T>(); }));
    }
  }
  return cls;
}

/// A read-only value type whose attributes are the keys of its JSON form (for the many
/// result structs): attribute access, dir(), to_dict(), repr and ==.
template <class T>
py::class_<T> bind_json_value(py::handle scope, const char* name, const char* doc) {
  py::class_<T> cls(scope, name, doc);
  add_value_methods(cls, name);
  cls.def("__getattr__", [name = std::string(name)](const T& v, const std::string& attr) {
    nlohmann::json j(v);
    if (j.is_object()) {
      if (auto it = j.find(attr); it != j.end()) return to_python(*it);
    }
    throw py::attribute_error("'" + name + "' object has no attribute '" + attr + "'");
  });
  if constexpr (requires(const nlohmann::json& j, T& v) { from_json(j, v); }) {
    // Writable through the JSON form: the changed value is read back by from_json, so a bad
    // value is the same BioXenException (BX005 naming the field) as in a file.
    cls.def("__setattr__",
            [name = std::string(name)](T& v, const std::string& attr, py::handle value) {
              nlohmann::json j(v);
              if (!j.is_object() || !j.contains(attr)) {
                throw py::attribute_error("'" + name + "' object has no attribute '" + attr + "'");
              }
              j[attr] = from_python(value, attr);
              v = j.get<T>();
            });
    cls.def(py::init([name = std::string(name)](const py::kwargs& kw) {
      nlohmann::json j(T{});
      for (const auto& [key, value] : kw) {
        const auto field = py::cast<std::string>(key);
        if (!j.contains(field)) {
          throw py::type_error(name + "() got an unexpected keyword argument '" + field + "'");
        }
        j[field] = from_python(value, field);
      }
      return j.get<T>();
    }));
  }
  cls.def("__dir__", [](py::object self) {
    py::list out = py::module_::import("builtins").attr("object").attr("__dir__")(self);
    nlohmann::json j(py::cast<const T&>(self));
    if (j.is_object()) {
      for (const auto& [key, _] : j.items()) out.append(py::str(key));
    }
    return out;
  });
  return cls;
}

/// A C++ enum as a Python enum whose members have the C++ names; constructible from their
/// string names too (VMState("running")), and str() gives that name.
template <class E, class FromString>
py::enum_<E> bind_enum(py::handle scope, const char* name, const char* doc,
                       FromString from_string) {
  py::enum_<E> e(scope, name, doc);
  e.def(py::init([from_string](const std::string& text) { return from_string(text); }),
        py::arg("name"));
  // Replaces pybind11's __str__ ("VMState.running"; e.def would only add an overload).
  e.attr("__str__") =
      py::cpp_function([](E v) { return std::string(to_string(v)); }, py::is_method(e));
  py::implicitly_convertible<py::str, E>();
  return e;
}

/// A C++ enum with a name table (detail::EnumName rows, or any rows with .value and .name)
/// and JSON adapters, as a Python enum: members named as in C++, VMState("running") works.
template <class E, class Table>
py::enum_<E> bind_named_enum(py::handle scope, const char* name, const char* doc,
                             const Table& table) {
  // From the table, not from_json: not every enum has JSON adapters (ChassisType, GeneType
  // would read as numbers).
  auto e = bind_enum<E>(
      scope, name, doc, [&table, type_name = std::string(name)](const std::string& text) {
        std::string expected;
        for (const auto& row : table) {
          if (row.name == text) return row.value;
          expected += (expected.empty() ? "" : ", ") + std::string(row.name);
        }
        throw BioXenException(
            BioXenErrorCode::invalid_argument,
            "unknown " + type_name + " '" + text + "' (expected " + expected + ")",
            {{"value", text}, {"expected", expected}});
      });
  for (const auto& row : table) e.value(std::string(row.name).c_str(), row.value);
  return e;
}

void bind_errors(py::module_& m);
void bind_types(py::module_& m);
void bind_config(py::module_& m);
void bind_chassis(py::module_& m);
void bind_genome(py::module_& m);
void bind_hypervisor(py::module_& m);
void bind_observers(py::module_& m);
void bind_factory(py::module_& m);
void bind_monitor(py::module_& m);
void bind_scenario(py::module_& m);
void bind_sweep(py::module_& m);
void bind_validation(py::module_& m);

}  // namespace bioxen::python
