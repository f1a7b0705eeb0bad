// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
// ProductionMonitor and its samples and summaries; ProductionLogger.
#include <chrono>
#include <nlohmann/json.hpp>

#include "bioxen/hypervisor.hpp"
#include "bioxen/logger.hpp"
#include "bioxen/metrics.hpp"
#include "bioxen/monitor.hpp"
#include "common.hpp"

namespace bioxen::python {

void bind_monitor(py::module_& m) {
  bind_json_value<LatencyStats>(m, "LatencyStats", "Latency percentiles of an operation, s");
  bind_json_value<ResourceUtilization>(m, "ResourceUtilization", "Used fractions of the pools");
  bind_json_value<VmServiceShare>(m, "VmServiceShare", "One VM's share of the service");
  bind_json_value<SchedulingSnapshot>(m, "SchedulingSnapshot", "Fairness and shares now");
  bind_json_value<MonitorSample>(m, "MonitorSample", "One sample of a ProductionMonitor");
  bind_json_value<PerformanceSummary>(m, "PerformanceSummary",
                                      "Operations, latencies, errors, utilisation, quanta");

  py::class_<MonitorOptions>(m, "MonitorOptions", "How a ProductionMonitor samples")
      .def(py::init(
          [](const py::kwargs& kw) { return from_keywords<MonitorOptions>(kw, "MonitorOptions"); }))
      .def_readwrite("latency_window", &MonitorOptions::latency_window)
      .def_readwrite("history_capacity", &MonitorOptions::history_capacity)
      .def_readwrite("max_vm_shares", &MonitorOptions::max_vm_shares)
      .def_readwrite("sample_vms", &MonitorOptions::sample_vms)
      .def_readwrite("latency_sample_period", &MonitorOptions::latency_sample_period)
      .def("__repr__", [](const MonitorOptions& o) {
        return "MonitorOptions(latency_window=" + std::to_string(o.latency_window) +
               ", history_capacity=" + std::to_string(o.history_capacity) +
               ", max_vm_shares=" + std::to_string(o.max_vm_shares) +
               ", sample_vms=" + (o.sample_vms ? "True" : "False") +
               ", latency_sample_period=" + std::to_string(o.latency_sample_period) + ")";
      });

  py::class_<ProductionMonitor>(
      m, "ProductionMonitor",
      "Metrics of a hypervisor: operation counts and latencies (as its observer), samples of "
      "its resources on demand or from a background thread, Prometheus text")
      .def(py::init<BioXenHypervisor&, MonitorOptions>(), py::arg("hypervisor"),
           py::arg("options") = MonitorOptions{}, py::keep_alive<1, 2>())
      .def(
          "start_monitoring",
          [](ProductionMonitor& mon, double interval_seconds) {
            return mon.start_monitoring(std::chrono::duration<double>(interval_seconds));
          },
          py::arg("interval_seconds") = 1.0,
          "Samples every interval (wall clock) on a thread of its own; False if already running")
      .def("stop_monitoring", &ProductionMonitor::stop_monitoring,
           py::call_guard<py::gil_scoped_release>())
      .def("is_monitoring", &ProductionMonitor::is_monitoring)
      .def_property_readonly("interval_seconds",
                             [](const ProductionMonitor& mon) {
                               return std::chrono::duration<double>(mon.interval()).count();
                             })
      .def("sample_now", &ProductionMonitor::sample_now)
      .def("history", &ProductionMonitor::history)
      .def("latest_sample", &ProductionMonitor::latest_sample)
      .def("samples_taken", &ProductionMonitor::samples_taken)
      .def("get_performance_summary", &ProductionMonitor::get_performance_summary)
      .def("to_prometheus", &ProductionMonitor::to_prometheus);

  m.def(
      "to_prometheus", [](const PerformanceSummary& s) { return to_prometheus(s); },
      py::arg("summary"));
  m.def(
      "jain_fairness_index", [](const std::vector<double>& x) { return jain_fairness_index(x); },
      py::arg("values"));

  bind_enum<LogFormat>(m, "LogFormat", "text or json lines",
                       [](const std::string& s) { return log_format_from_string(s); })
      .value("text", LogFormat::text)
      .value("json", LogFormat::json);

  py::class_<ProductionLogger, std::shared_ptr<ProductionLogger>>(
      m, "ProductionLogger",
      "Structured logging (spdlog) to stderr: text or JSON lines, with fields")
      .def(py::init([](const std::string& name, LogFormat format, const std::string& level) {
             LoggerOptions o;
             o.format = format;
             o.level = level;
             return std::make_shared<ProductionLogger>(name, o);
           }),
           py::arg("name"), py::arg("format") = LogFormat::text, py::arg("level") = "INFO")
      .def(py::init([](const std::string& name, const ProductionConfig& config) {
             return std::make_shared<ProductionLogger>(name, config);
           }),
           py::arg("name"), py::arg("config"))
      .def_property_readonly("name", &ProductionLogger::name)
      .def_property_readonly("format", &ProductionLogger::format)
      .def(
          "set_level", [](ProductionLogger& l, const std::string& s) { l.set_level(s); },
          py::arg("level"))
      .def("level", &ProductionLogger::level)
      .def(
          "log_vm_operation",
          [](ProductionLogger& l, const std::string& op, const std::string& id, bool ok,
             const nlohmann::json& details) { l.log_vm_operation(op, id, ok, details); },
          py::arg("operation"), py::arg("vm_id"), py::arg("success"),
          py::arg("details") = nlohmann::json::object())
      .def("make_observer", &ProductionLogger::make_observer,
           "An observer that logs every lifecycle operation of the hypervisor it is added to")
      .def(
          "debug",
          [](ProductionLogger& l, const std::string& s, const nlohmann::json& f) { l.debug(s, f); },
          py::arg("message"), py::arg("fields") = nlohmann::json::object())
      .def(
          "info",
          [](ProductionLogger& l, const std::string& s, const nlohmann::json& f) { l.info(s, f); },
          py::arg("message"), py::arg("fields") = nlohmann::json::object())
      .def(
          "warning",
          [](ProductionLogger& l, const std::string& s, const nlohmann::json& f) {
            l.warning(s, f);
          },
          py::arg("message"), py::arg("fields") = nlohmann::json::object())
      .def(
          "error",
          [](ProductionLogger& l, const std::string& s, const nlohmann::json& f) { l.error(s, f); },
          py::arg("message"), py::arg("fields") = nlohmann::json::object());
}

}  // namespace bioxen::python
