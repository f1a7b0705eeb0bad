// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
// ProductionConfig and its enums, ConfigManager, ProductionConfigManager.
#include <nlohmann/json.hpp>

#include "bioxen/config.hpp"
#include "bioxen/config_manager.hpp"
#include "bioxen/work_model.hpp"
#include "common.hpp"

namespace bioxen::python {

void bind_config(py::module_& m) {
  bind_named_enum<SchedulerPolicy>(m, "SchedulerPolicy", "How the scheduler shares ribosomes",
                                   scheduler_policy_registry);
  bind_named_enum<WorkModel>(m, "WorkModel", "What a quantum's work is worked out from",
                             detail::work_model_names);
  bind_named_enum<PauseMechanism>(m, "PauseMechanism", "What pausing a VM does",
                                  detail::pause_mechanism_names);
  bind_named_enum<DestroyMechanism>(m, "DestroyMechanism", "What destroying a VM does",
                                    detail::destroy_mechanism_names);
  bind_named_enum<TranscriptionIsolation>(m, "TranscriptionIsolation",
                                          "Which RNA polymerase transcribes the guests",
                                          detail::transcription_isolation_names);
  bind_named_enum<OrthogonalPoolAllocation>(m, "OrthogonalPoolAllocation",
                                            "How the orthogonal ribosome pool is sized",
                                            detail::orthogonal_pool_names);

  py::class_<ProductionConfig> cfg(
      m, "ProductionConfig",
      "The hypervisor's configuration (the original library's fields and defaults, plus the "
      "scheduler, work model and isolation); validate() checks every field");
  cfg.def(py::init([](const py::kwargs& kw) {
       return from_keywords<ProductionConfig>(kw, "ProductionConfig");
     }))
      .def_readwrite("max_vms", &ProductionConfig::max_vms)
      .def_readwrite("total_ribosomes", &ProductionConfig::total_ribosomes)
      .def_readwrite("hypervisor_overhead", &ProductionConfig::hypervisor_overhead)
      .def_readwrite("scheduling_quantum_ms", &ProductionConfig::scheduling_quantum_ms)
      .def_readwrite("enable_monitoring", &ProductionConfig::enable_monitoring)
      .def_readwrite("log_level", &ProductionConfig::log_level)
      .def_readwrite("metrics_collection", &ProductionConfig::metrics_collection)
      .def_readwrite("max_ribosome_allocation", &ProductionConfig::max_ribosome_allocation)
      .def_readwrite("max_atp_percentage", &ProductionConfig::max_atp_percentage)
      .def_readwrite("max_memory_kb", &ProductionConfig::max_memory_kb)
      .def_readwrite("emergency_ribosome_reserve", &ProductionConfig::emergency_ribosome_reserve)
      .def_readwrite("resource_warning_threshold", &ProductionConfig::resource_warning_threshold)
      .def_readwrite("scheduler_policy", &ProductionConfig::scheduler_policy)
      .def_readwrite("context_switch_ms", &ProductionConfig::context_switch_ms)
      .def_readwrite("fair_share_cap_ribosomes", &ProductionConfig::fair_share_cap_ribosomes)
      .def_readwrite("work_model", &ProductionConfig::work_model)
      .def_readwrite("pause_mechanism", &ProductionConfig::pause_mechanism)
      .def_readwrite("destroy_mechanism", &ProductionConfig::destroy_mechanism)
      .def_readwrite("transcription_isolation", &ProductionConfig::transcription_isolation)
      .def_readwrite("orthogonal_pool", &ProductionConfig::orthogonal_pool)
      .def_readwrite("orthogonal_pool_fraction", &ProductionConfig::orthogonal_pool_fraction)
      .def_readwrite("orthogonal_pool_max_fraction",
                     &ProductionConfig::orthogonal_pool_max_fraction)
      .def("available_ribosomes", &ProductionConfig::available_ribosomes,
           "total_ribosomes x (1 - hypervisor_overhead), rounded down")
      .def("validate", &ProductionConfig::validate,
           "Raises InvalidConfigurationError (BX005) naming the first bad field");
  add_value_methods(cfg, "ProductionConfig");
  m.def("production_config_from_json", &production_config_from_json, py::arg("data"),
        py::arg("origin") = "config",
        "A ProductionConfig from a dict; unknown or bad fields are BX005 naming them");

  py::class_<ConfigManager>(m, "ConfigManager", "Per-VM configuration dicts (static methods)")
      .def_static(
          "load_defaults",
          [](const std::string& type) { return ConfigManager::load_defaults(type); },
          py::arg("biological_type"))
      .def_static(
          "load_defaults",
          [](const std::string& type, const ProductionConfig& c) {
            return ConfigManager::load_defaults(type, c);
          },
          py::arg("biological_type"), py::arg("config"))
      .def_static(
          "get_default_config",
          [](const std::string& type, const std::string& vm_type) {
            return ConfigManager::get_default_config(type, vm_type);
          },
          py::arg("biological_type") = "syn3a", py::arg("vm_type") = "basic")
      .def_static("load_from_file", &ConfigManager::load_from_file, py::arg("path"))
      .def_static(
          "validate_config",
          [](const nlohmann::json& c, const std::string& vm_type) {
            return ConfigManager::validate_config(c, vm_type);
          },
          py::arg("config"), py::arg("vm_type") = "basic")
      .def_static(
          "check_config",
          [](const nlohmann::json& c, const std::string& vm_type) {
            ConfigManager::check_config(c, vm_type);
          },
          py::arg("config"), py::arg("vm_type") = "basic",
          "Like validate_config, but raises InvalidConfigurationError saying what is wrong")
      .def_static("merge_configs", &ConfigManager::merge_configs, py::arg("base"),
                  py::arg("override_config"));

  py::class_<ProductionConfigManager>(
      m, "ProductionConfigManager",
      "The production configuration: defaults < file < BIOXEN_* environment variables")
      .def(py::init<>())
      .def(py::init<std::filesystem::path>(), py::arg("config_path"))
      .def_readwrite("config", &ProductionConfigManager::config)
      .def_property_readonly("config_path", &ProductionConfigManager::config_path)
      .def_property_readonly("sources", &ProductionConfigManager::sources,
                             "Where each field's value came from: default, file or env")
      .def_property_readonly("loaded_from_file", &ProductionConfigManager::loaded_from_file)
      .def_static("default_config_path", &ProductionConfigManager::default_config_path)
      .def_static(
          "environment_variable",
          [](const std::string& f) { return ProductionConfigManager::environment_variable(f); },
          py::arg("field"))
      .def_static("field_names", &ProductionConfigManager::field_names)
      .def("reload", &ProductionConfigManager::reload)
      .def("save_config", &ProductionConfigManager::save_config)
      .def("validate_production_requirements",
           &ProductionConfigManager::validate_production_requirements)
      .def("__repr__", [](const ProductionConfigManager& c) {
        return "ProductionConfigManager(config_path=" +
               py::repr(py::str(c.config_path().string())).cast<std::string>() + ")";
      });
}

}  // namespace bioxen::python
