// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
// The original library's public API on the C++ engine: create_bio_vm, BiologicalVM,
// BioResourceManager, XcpngConfig, the supported types.
#include <nlohmann/json.hpp>

#include "bioxen/factory.hpp"
#include "bioxen/hypervisor.hpp"
#include "bioxen/resource_manager.hpp"
#include "common.hpp"

namespace bioxen::python {

void bind_factory(py::module_& m) {
  py::class_<XcpngConfig> x(
      m, "XcpngConfig",
      "Where an XCP-ng VM would run; the password is never serialised (to_dict() shows "
      "'***', a pickle leaves it empty; copy keeps it)");
  x.def(
       py::init([](const py::kwargs& kw) { return from_keywords<XcpngConfig>(kw, "XcpngConfig"); }))
      .def_readwrite("xapi_url", &XcpngConfig::xapi_url)
      .def_readwrite("username", &XcpngConfig::username)
      .def_readwrite("password", &XcpngConfig::password)
      .def_readwrite("ssh_user", &XcpngConfig::ssh_user)
      .def_readwrite("template_name", &XcpngConfig::template_name)
      .def_readwrite("ssh_key_path", &XcpngConfig::ssh_key_path)
      .def_readwrite("network_uuid", &XcpngConfig::network_uuid)
      .def_readwrite("storage_repository", &XcpngConfig::storage_repository)
      .def_readwrite("vm_memory", &XcpngConfig::vm_memory)
      .def_readwrite("vm_vcpus", &XcpngConfig::vm_vcpus);
  // Its JSON form is validated, so a pickle of it refused a config still being filled in:
  // pickle the fields as they are, except the password (never serialised: it comes back empty).
  add_value_methods(x, "XcpngConfig", /*pickle_by_json=*/false);
  x.def(py::pickle(
      [](const XcpngConfig& c) {
        return py::make_tuple(c.xapi_url, c.username, std::string(), c.ssh_user, c.template_name,
                              c.ssh_key_path, c.network_uuid, c.storage_repository, c.vm_memory,
                              c.vm_vcpus);
      },
      [](const py::tuple& t) {
        if (t.size() != 10) throw py::value_error("XcpngConfig: a pickle of 10 fields expected");
        XcpngConfig c;
        c.xapi_url = t[0].cast<std::string>();
        c.username = t[1].cast<std::string>();
        c.password = t[2].cast<std::string>();
        c.ssh_user = t[3].cast<std::string>();
        c.template_name = t[4].cast<std::string>();
        c.ssh_key_path = t[5].cast<std::string>();
        c.network_uuid = t[6].cast<std::string>();
        c.storage_repository = t[7].cast<std::string>();
        c.vm_memory = t[8].cast<std::string>();
        c.vm_vcpus = t[9].cast<decltype(c.vm_vcpus)>();
        return c;
      }));

  m.def("get_supported_biological_types", &get_supported_biological_types);
  m.def("get_supported_vm_types", &get_supported_vm_types);
  m.def(
      "validate_biological_type", [](const std::string& t) { return validate_biological_type(t); },
      py::arg("biological_type"));
  m.def(
      "validate_vm_type", [](const std::string& t) { return validate_vm_type(t); },
      py::arg("vm_type"));
  m.def("default_hypervisor", &default_hypervisor,
        "The process-wide hypervisor behind create_bio_vm() without one");
  m.def("set_default_hypervisor", &set_default_hypervisor, py::arg("hypervisor").none(true));

  py::class_<BiologicalVM> vm(m, "BiologicalVM",
                              "A handle on one VM (create_bio_vm); it keeps its hypervisor alive");
  vm.def_property_readonly("vm_id", &BiologicalVM::vm_id)
      .def("get_vm_type", &BiologicalVM::get_vm_type)
      .def("get_biological_type", &BiologicalVM::get_biological_type)
      .def("start", &BiologicalVM::start)
      .def("stop", &BiologicalVM::stop)
      .def("pause", &BiologicalVM::pause)
      .def("resume", &BiologicalVM::resume)
      .def("destroy", &BiologicalVM::destroy)
      .def("get_status", &BiologicalVM::get_status)
      .def("get_state", &BiologicalVM::get_state)
      .def("get_resource_allocation", &BiologicalVM::get_resource_allocation)
      .def("exists", &BiologicalVM::exists)
      .def_property_readonly("config", &BiologicalVM::config, "The VM's config (secrets redacted)")
      .def_property_readonly("xcpng_config", &BiologicalVM::xcpng_config)
      .def_property_readonly("hypervisor", &BiologicalVM::hypervisor_ptr)
      .def("to_dict", [](const BiologicalVM& v) { return nlohmann::json(v); })
      .def("__repr__", [](const BiologicalVM& v) {
        return "BiologicalVM(" + py::repr(py::str(v.vm_id())).cast<std::string>() + ", " +
               py::repr(py::str(v.get_biological_type())).cast<std::string>() + ", " +
               py::repr(py::str(v.get_vm_type())).cast<std::string>() + ")";
      });

  m.def(
      "create_bio_vm",
      [](const std::string& id, const std::string& type, const std::string& vm_type,
         const nlohmann::json& config, const std::shared_ptr<BioXenHypervisor>& hv) {
        if (hv) return create_bio_vm(hv, id, type, vm_type, config);
        return create_bio_vm(id, type, vm_type, config);
      },
      py::arg("vm_id"), py::arg("biological_type"), py::arg("vm_type") = "basic",
      py::arg("config") = nlohmann::json::object(), py::kw_only(),
      py::arg("hypervisor") = std::shared_ptr<BioXenHypervisor>(),
      "Creates a VM ('basic' or 'xcpng') on `hypervisor`, or on default_hypervisor()");

  py::class_<BioResourceManager>(m, "BioResourceManager",
                                 "Resource views and changes over a hypervisor or one VM")
      .def(py::init<>())
      .def(py::init<std::shared_ptr<BioXenHypervisor>>(), py::arg("hypervisor"))
      .def(py::init<const BiologicalVM&>(), py::arg("vm"))
      .def("bind_vm", &BioResourceManager::bind_vm, py::arg("vm"))
      .def_property_readonly("vm", &BioResourceManager::vm)
      .def_property_readonly(
          "hypervisor",
          [](const BioResourceManager& r) -> py::object {
            if (r.vm()) return py::cast(r.vm()->hypervisor_ptr());
            return py::cast(r.hypervisor(), py::return_value_policy::reference);
          },
          py::keep_alive<0, 1>())
      .def("get_resource_summary", &BioResourceManager::get_resource_summary)
      .def("get_resource_allocation", &BioResourceManager::get_resource_allocation)
      .def("allocate_atp", py::overload_cast<double>(&BioResourceManager::allocate_atp),
           py::arg("percentage"))
      .def("allocate_ribosomes", py::overload_cast<int>(&BioResourceManager::allocate_ribosomes),
           py::arg("count"))
      .def("get_resource_usage", &BioResourceManager::get_resource_usage)
      .def("get_available_resources", &BioResourceManager::get_available_resources)
      .def("optimize_resources_for_biological_type",
           py::overload_cast<>(&BioResourceManager::optimize_resources_for_biological_type));
}

}  // namespace bioxen::python
