// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
// BioXenException -> bioxen.errors.<Subclass>(message, code, details): one Python class per
// error code, looked up by code string, so `except bioxen.VmNotFoundError` and
// `except bioxen.BioXenException as e: e.code` both work.
#include <Python.h>

#include "bioxen/error.hpp"
#include "bioxen/error_details.hpp"
#include "common.hpp"

namespace bioxen::python {

void bind_errors(py::module_& m) {
  py::enum_<BioXenErrorCode> codes(m, "BioXenErrorCode",
                                   "The error codes: BX001 (vm_creation_failed) to BX014");
  for (const auto code : all_error_codes) {
    codes.value(std::string(error_code_name(code)).c_str(), code);
  }
  codes.def_property_readonly(
      "code", [](BioXenErrorCode c) { return error_code_string(c); },
      "The code string, e.g. 'BX006'");
  m.def("error_code_string", &error_code_string, py::arg("code"), "'BX006' for vm_not_found");
  m.def(
      "error_code_name", [](BioXenErrorCode c) { return std::string(error_code_name(c)); },
      py::arg("code"), "'vm_not_found' for BX006");

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const BioXenException& e) {
      py::gil_scoped_acquire gil;
      try {
        py::object errors = py::module_::import("bioxen.errors");
        py::object cls = errors.attr("exception_class")(error_code_string(e.code()));
        py::object details = to_python(e.details());
        py::object instance = cls(e.message(), error_code_string(e.code()), details);
        PyErr_SetObject(cls.ptr(), instance.ptr());
      } catch (py::error_already_set& inner) {
        // bioxen.errors itself failed: report that, chained to nothing, never lose it.
        inner.restore();
      }
    }
  });
}

}  // namespace bioxen::python
