// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
// Observers: HypervisorObserver (subclassable in Python), its events, the host's status, and
// Recorder, a C++ observer that keeps a time series whose columns come out as NumPy arrays.
#include <pybind11/numpy.h>

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

#include "bioxen/metrics.hpp"
#include "bioxen/observer.hpp"
#include "bioxen/work_model.hpp"
#include "common.hpp"

namespace bioxen::python {

namespace {

// A Python subclass's on_operation/on_quantum, called from whatever thread runs the
// hypervisor (usually with the GIL released by run_quanta): take the GIL for the call. An
// exception in the Python method is printed (sys.unraisablehook) and the run goes on, as the
// engine's observers must not throw.
class PyObserver : public HypervisorObserver {
 public:
  using HypervisorObserver::HypervisorObserver;

  ObserverOptions options() const override {
    py::gil_scoped_acquire gil;
    PYBIND11_OVERRIDE(ObserverOptions, HypervisorObserver, options, );
  }
  void on_operation(const OperationEvent& event) override { call("on_operation", event); }
  void on_quantum(const QuantumEvent& event) override { call("on_quantum", event); }

 private:
  template <class Event>
  void call(const char* name, const Event& event) {
    py::gil_scoped_acquire gil;
    try {
      py::function override = py::get_override(static_cast<const HypervisorObserver*>(this), name);
      if (override) override(event);
    } catch (py::error_already_set& e) {
      e.discard_as_unraisable(name);
    }
  }
};

// Per-quantum columns (one row every `every` quanta) and each VM's amino acids per row.
class Recorder : public HypervisorObserver {
 public:
  explicit Recorder(std::uint32_t every) : every_(every == 0 ? 1 : every) {}

  ObserverOptions options() const override {
    ObserverOptions o;
    o.operation_sample_period = max_sample_period;
    o.quantum_grants = true;
    return o;
  }

  void on_quantum(const QuantumEvent& e) override {
    std::lock_guard lock(mutex_);
    pending_aa_ += e.amino_acids;
    for (const auto& g : e.grants) pending_vm_[g.vm_id] += g.amino_acids;
    if ((e.quantum + 1) % every_ != 0) return;
    const std::size_t row = time_s_.size();
    quantum_.push_back(static_cast<double>(e.quantum + 1));
    time_s_.push_back(static_cast<double>(e.end_us) / 1e6);
    running_.push_back(static_cast<double>(e.running_vms));
    active_.push_back(static_cast<double>(e.active_vms));
    units_.push_back(e.ribosome_units);
    growth_.push_back(e.host_growth_rate_per_h);
    stalled_.push_back(e.host_stalled ? 1.0 : 0.0);
    aa_.push_back(pending_aa_);
    pending_aa_ = 0.0;
    for (auto& [id, aa] : pending_vm_) {
      auto& column = vm_aa_[id];
      column.resize(row, 0.0);
      column.push_back(aa);
      aa = 0.0;
    }
  }

  std::size_t rows() const {
    std::lock_guard lock(mutex_);
    return time_s_.size();
  }

  py::dict columns() const {
    std::lock_guard lock(mutex_);
    const std::size_t n = time_s_.size();
    py::dict out;
    const auto array = [](const std::vector<double>& v, std::size_t size) {
      py::array_t<double> a(static_cast<py::ssize_t>(size));
      auto w = a.mutable_unchecked<1>();
      for (std::size_t i = 0; i < size; ++i) {
        w(static_cast<py::ssize_t>(i)) = i < v.size() ? v[i] : 0.0;
      }
      return a;
    };
    out["quantum"] = array(quantum_, n);
    out["time_s"] = array(time_s_, n);
    out["running_vms"] = array(running_, n);
    out["active_vms"] = array(active_, n);
    out["ribosome_units"] = array(units_, n);
    out["amino_acids"] = array(aa_, n);
    out["host_growth_rate_per_h"] = array(growth_, n);
    out["host_stalled"] = array(stalled_, n);
    for (const auto& [id, column] : vm_aa_) out[py::str("amino_acids:" + id)] = array(column, n);
    return out;
  }

  std::uint32_t every() const noexcept { return every_; }

 private:
  std::uint32_t every_;
  mutable std::mutex mutex_;
  std::vector<double> quantum_, time_s_, running_, active_, units_, aa_, growth_, stalled_;
  std::map<std::string, std::vector<double>> vm_aa_;
  std::map<std::string, double> pending_vm_;
  double pending_aa_ = 0.0;
};

}  // namespace

void bind_observers(py::module_& m) {
  bind_named_enum<HypervisorOperation>(m, "HypervisorOperation",
                                       "An operation an observer is told about",
                                       detail::hypervisor_operation_names);

  py::class_<ObserverOptions>(m, "ObserverOptions", "What an observer asks to be told")
      .def(py::init([](std::uint32_t period, bool quanta, bool grants) {
             return ObserverOptions{period, quanta, grants};
           }),
           py::arg("operation_sample_period") = 1, py::arg("quanta") = true,
           py::arg("quantum_grants") = false)
      .def_readwrite("operation_sample_period", &ObserverOptions::operation_sample_period)
      .def_readwrite("quanta", &ObserverOptions::quanta)
      .def_readwrite("quantum_grants", &ObserverOptions::quantum_grants)
      .def("__repr__", [](const ObserverOptions& o) {
        return "ObserverOptions(operation_sample_period=" +
               std::to_string(o.operation_sample_period) +
               ", quanta=" + (o.quanta ? "True" : "False") +
               ", quantum_grants=" + (o.quantum_grants ? "True" : "False") + ")";
      });

  py::class_<OperationEvent>(m, "OperationEvent", "One lifecycle operation, as it finished")
      .def_readonly("kind", &OperationEvent::kind)
      .def_property_readonly("operation",
                             [](const OperationEvent& e) { return std::string(e.operation); })
      .def_readonly("vm_id", &OperationEvent::vm_id)
      .def_property_readonly(
          "latency_seconds",
          [](const OperationEvent& e) { return std::chrono::duration<double>(e.latency).count(); })
      .def_readonly("timed", &OperationEvent::timed)
      .def_readonly("success", &OperationEvent::success)
      .def_property_readonly(
          "error",
          [](const OperationEvent& e) -> py::object {
            if (!e.error) return py::none();
            return py::cast(error_code_string(static_cast<BioXenErrorCode>(e.error.value())));
          })
      .def_readonly("message", &OperationEvent::message)
      .def("__repr__", [](const OperationEvent& e) {
        return "OperationEvent(" + std::string(e.operation) + " " + e.vm_id +
               (e.success ? " ok)" : " failed: " + e.message + ")");
      });

  py::class_<QuantumGrant>(m, "QuantumGrant", "What one VM got in a quantum")
      .def_readonly("vm_id", &QuantumGrant::vm_id)
      .def_readonly("ribosome_units", &QuantumGrant::ribosome_units)
      .def_readonly("amino_acids", &QuantumGrant::amino_acids)
      .def_readonly("throttled", &QuantumGrant::throttled)
      .def("__repr__", [](const QuantumGrant& g) {
        return "QuantumGrant(" + py::repr(py::str(g.vm_id)).cast<std::string>() +
               ", ribosome_units=" + py::repr(py::cast(g.ribosome_units)).cast<std::string>() +
               ", amino_acids=" + py::repr(py::cast(g.amino_acids)).cast<std::string>() +
               (g.throttled ? ", throttled)" : ")");
      });

  py::class_<QuantumEvent>(m, "QuantumEvent", "One scheduler quantum, as it finished")
      .def_readonly("quantum", &QuantumEvent::quantum)
      .def_readonly("start_us", &QuantumEvent::start_us)
      .def_readonly("end_us", &QuantumEvent::end_us)
      .def_readonly("running_vms", &QuantumEvent::running_vms)
      .def_readonly("active_vms", &QuantumEvent::active_vms)
      .def_readonly("amino_acids", &QuantumEvent::amino_acids)
      .def_readonly("ribosome_units", &QuantumEvent::ribosome_units)
      .def_readonly("throttle_events", &QuantumEvent::throttle_events)
      .def_readonly("context_switch", &QuantumEvent::context_switch)
      .def_readonly("host_growth_rate_per_h", &QuantumEvent::host_growth_rate_per_h)
      .def_readonly("host_stalled", &QuantumEvent::host_stalled)
      .def_readonly("host_state_changed", &QuantumEvent::host_state_changed)
      .def_readonly("grants", &QuantumEvent::grants)
      .def("__repr__", [](const QuantumEvent& e) {
        return "QuantumEvent(quantum=" + std::to_string(e.quantum) +
               ", end_us=" + std::to_string(e.end_us) +
               ", running_vms=" + std::to_string(e.running_vms) +
               ", amino_acids=" + py::repr(py::cast(e.amino_acids)).cast<std::string>() + ")";
      });

  py::class_<HypervisorObserver, PyObserver, std::shared_ptr<HypervisorObserver>>(
      m, "HypervisorObserver",
      "Subclass and override on_operation(event) / on_quantum(event) / options(); attach with "
      "BioXenHypervisor.add_observer. Callbacks run on the thread that runs the hypervisor")
      .def(py::init<>())
      .def("options", &HypervisorObserver::options)
      .def("on_operation", &HypervisorObserver::on_operation, py::arg("event"))
      .def("on_quantum", &HypervisorObserver::on_quantum, py::arg("event"));

  py::class_<Recorder, HypervisorObserver, std::shared_ptr<Recorder>>(
      m, "Recorder",
      "A time series of the run, one row every `every` quanta: columns() gives NumPy arrays "
      "(quantum, time_s, running_vms, active_vms, ribosome_units, amino_acids, "
      "host_growth_rate_per_h, host_stalled, amino_acids:<vm>)")
      .def(py::init<std::uint32_t>(), py::arg("every") = 1)
      .def_property_readonly("every", &Recorder::every)
      .def("__len__", &Recorder::rows)
      .def("columns", &Recorder::columns);

  auto host = bind_json_value<HostStatus>(
      m, "HostStatus",
      "The host cell under its guests: growth rate and doubling time, the guests' share of "
      "translation, sequestered ribosomes, isolation costs (docs/MODEL.md)");
  (void)host;
  bind_json_value<QuantumTotals>(m, "QuantumTotals", "Totals over the quanta run");
}

}  // namespace bioxen::python
