// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
// BioXenHypervisor. The long calls (run_scheduler, run_quanta, run_for) release the GIL, so
// Python threads (a monitor sampling, a progress display) run while the engine works.
#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>

#include "bioxen/hypervisor.hpp"
#include "bioxen/metrics.hpp"
#include "common.hpp"

namespace bioxen::python {

namespace {

using Hypervisor = BioXenHypervisor;
using Genome = std::shared_ptr<GenomeTemplate>;

std::chrono::microseconds to_duration(py::handle seconds) {
  // float seconds or a datetime.timedelta
  double s = 0.0;
  if (py::hasattr(seconds, "total_seconds")) {
    s = seconds.attr("total_seconds")().cast<double>();
  } else {
    s = seconds.cast<double>();
  }
  if (!std::isfinite(s) || s < 0.0 || s > 1e12) {
    throw BioXenException(BioXenErrorCode::invalid_argument,
                          "run_for: the duration must be a finite number of seconds in [0, 1e12]",
                          {{"seconds", std::isfinite(s) ? nlohmann::json(s) : nullptr}});
  }
  return std::chrono::microseconds(static_cast<std::int64_t>(std::ceil(s * 1e6)));
}

}  // namespace

void bind_hypervisor(py::module_& m) {
  py::class_<Hypervisor, std::shared_ptr<Hypervisor>> hv(
      m, "BioXenHypervisor",
      "The hypervisor: a host chassis whose ribosomes, ATP, RNA polymerase and genome space "
      "are shared among guest VMs by a scheduler; thread-safe");
  hv.def(py::init([](const ProductionConfig& config, ChassisType chassis) {
           return std::make_shared<Hypervisor>(config, chassis);
         }),
         py::arg("config") = ProductionConfig{}, py::arg("chassis") = ChassisType::ecoli)
      .def(py::init([](const ProductionConfig& config, const ChassisProfile& chassis) {
             return std::make_shared<Hypervisor>(config, chassis);
           }),
           py::arg("config"), py::arg("chassis"))
      // --- lifecycle
      .def(
          "create_vm",
          [](Hypervisor& h, const std::string& id, const std::string& type,
             const ResourceAllocation& a) { h.create_vm(id, type, a); },
          py::arg("vm_id"), py::arg("biological_type"),
          py::arg("allocation") = ResourceAllocation{},
          "Creates a VM of a built-in type ('syn3a', 'ecoli', 'mgenitalium', ...)")
      .def(
          "create_vm",
          [](Hypervisor& h, const std::string& id, const Genome& genome,
             const ResourceAllocation& a) { h.create_vm(id, genome, a); },
          py::arg("vm_id"), py::arg("genome"), py::arg("allocation") = ResourceAllocation{},
          "Creates a VM of a Genome (builtin_genome(), load_genome_file())")
      .def(
          "start_vm", [](Hypervisor& h, const std::string& id) { h.start_vm(id); },
          py::arg("vm_id"))
      .def(
          "pause_vm", [](Hypervisor& h, const std::string& id) { h.pause_vm(id); },
          py::arg("vm_id"))
      .def(
          "resume_vm", [](Hypervisor& h, const std::string& id) { h.resume_vm(id); },
          py::arg("vm_id"))
      .def(
          "stop_vm", [](Hypervisor& h, const std::string& id) { h.stop_vm(id); }, py::arg("vm_id"))
      .def(
          "destroy_vm", [](Hypervisor& h, const std::string& id) { h.destroy_vm(id); },
          py::arg("vm_id"))
      .def(
          "fail_vm",
          [](Hypervisor& h, const std::string& id, const std::string& reason) {
            h.fail_vm(id, reason);
          },
          py::arg("vm_id"), py::arg("reason"))
      .def(
          "reallocate_vm",
          [](Hypervisor& h, const std::string& id, const ResourceAllocation& a) {
            h.reallocate_vm(id, a);
          },
          py::arg("vm_id"), py::arg("allocation"))
      // --- queries
      .def(
          "get_vm_status",
          [](const Hypervisor& h, const std::string& id) { return h.get_vm_status(id); },
          py::arg("vm_id"))
      .def(
          "get_vm_state",
          [](const Hypervisor& h, const std::string& id) { return h.get_vm_state(id); },
          py::arg("vm_id"))
      .def(
          "get_vm_allocation",
          [](const Hypervisor& h, const std::string& id) { return h.get_vm_allocation(id); },
          py::arg("vm_id"))
      .def(
          "get_vm_proteins",
          [](const Hypervisor& h, const std::string& id) { return h.get_vm_proteins(id); },
          py::arg("vm_id"))
      .def(
          "has_vm", [](const Hypervisor& h, const std::string& id) { return h.has_vm(id); },
          py::arg("vm_id"))
      .def("list_vms", py::overload_cast<>(&Hypervisor::list_vms, py::const_))
      .def("list_vm_ids", &Hypervisor::list_vm_ids)
      .def("vm_count", &Hypervisor::vm_count)
      .def("__len__", &Hypervisor::vm_count)
      .def("__contains__", [](const Hypervisor& h, const std::string& id) { return h.has_vm(id); })
      .def("get_system_resources", &Hypervisor::get_system_resources)
      .def("get_host_status", &Hypervisor::get_host_status,
           "The host cell now: growth rate, doubling time, guest burden (HostStatus)")
      .def("get_chassis_info", &Hypervisor::get_chassis_info)
      .def_property_readonly("config", &Hypervisor::config)
      .def_property_readonly("chassis", &Hypervisor::chassis)
      .def_property_readonly("max_vms", &Hypervisor::max_vms)
      .def(
          "default_allocation",
          [](const Hypervisor& h, const std::string& type) { return h.default_allocation(type); },
          py::arg("biological_type"))
      .def(
          "operation_counts",
          [](const Hypervisor& h) {
            const auto c = h.counters();
            nlohmann::json out = nlohmann::json::object();
            for (const auto op : all_hypervisor_operations) {
              const auto& n = c.operation(op);
              out[std::string(to_string(op))] = {{"succeeded", n.succeeded}, {"failed", n.failed}};
            }
            out["quanta"] = c.quanta;
            return out;
          },
          "Operations succeeded/failed by kind, and the quantum totals (dict)")
      // --- running (GIL released)
      .def("run_scheduler", &Hypervisor::run_scheduler, py::call_guard<py::gil_scoped_release>(),
           "Runs one quantum")
      .def("run_quanta", &Hypervisor::run_quanta, py::arg("n"),
           py::call_guard<py::gil_scoped_release>(),
           "Runs n quanta; returns how many ran (fewer at the end of virtual time)")
      .def(
          "run_for",
          [](Hypervisor& h, py::handle seconds) {
            const auto d = to_duration(seconds);
            py::gil_scoped_release release;
            return h.run_for(d);
          },
          py::arg("seconds"),
          "Runs for a virtual duration (seconds as a float, or a datetime.timedelta)")
      .def_property_readonly("virtual_seconds", &Hypervisor::virtual_seconds)
      .def_property_readonly("quanta_elapsed", &Hypervisor::quanta_elapsed)
      .def_property_readonly("quanta_left", &Hypervisor::quanta_left)
      // --- snapshots
      .def("snapshot", &Hypervisor::snapshot,
           "The whole state as a dict (json.dumps-able); restore() takes it back")
      .def(
          "restore", [](Hypervisor& h, const nlohmann::json& s) { h.restore(s); },
          py::arg("snapshot"), "Raises InvalidSnapshotError (BX013) and changes nothing if bad")
      // --- observers
      .def(
          "add_observer",
          [](Hypervisor& h, const std::shared_ptr<HypervisorObserver>& o) { h.add_observer(o); },
          py::arg("observer"), py::keep_alive<1, 2>())
      .def("remove_observer", &Hypervisor::remove_observer, py::arg("observer"))
      .def("observer_count", &Hypervisor::observer_count)
      .def("__repr__", [](const Hypervisor& h) {
        const auto r = h.get_system_resources();
        return "BioXenHypervisor(chassis=" + py::repr(py::str(r.chassis)).cast<std::string>() +
               ", vms=" + std::to_string(r.total_vms) + "/" + std::to_string(r.max_vms) +
               ", virtual_seconds=" +
               py::repr(py::float_(h.virtual_seconds())).cast<std::string>() + ")";
      });
}

}  // namespace bioxen::python
