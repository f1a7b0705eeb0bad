// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
// Scenarios (read and run, with Python callbacks), sweeps (on every core, GIL released while
// the engine works) and the validations against published data.
#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>

#include "bioxen/hypervisor.hpp"
#include "bioxen/scenario.hpp"
#include "bioxen/sweep.hpp"
#include "bioxen/validation.hpp"
#include "common.hpp"

namespace bioxen::python {

namespace {

// A Python callable as a std::function called from C++ with the GIL released: take the GIL
// for the call; a Python exception propagates (as error_already_set) and ends the run.
template <class... Args>
std::function<void(Args...)> with_gil(const py::object& fn) {
  if (fn.is_none()) return {};
  auto shared = std::make_shared<py::object>(fn);
  return [shared](Args... args) {
    py::gil_scoped_acquire gil;
    (*shared)(args...);
  };
}

// A Python bioxen.errors.BioXenException with a known code as the C++ BioXenException (its
// code, message and details); returns if `e` is anything else.
void rethrow_as_bioxen_exception(py::error_already_set& e) {
  py::object base = py::module_::import("bioxen.errors").attr("BioXenException");
  if (!e.matches(base)) return;
  py::object value = e.value();
  const py::object code_obj = value.attr("code");
  if (code_obj.is_none()) return;
  const auto code_text = code_obj.cast<std::string>();
  for (const auto code : all_error_codes) {
    if (error_code_string(code) != code_text) continue;
    const auto message = py::str(value.attr("message")).cast<std::string>();
    nlohmann::json details = from_python(value.attr("details"), "details");
    if (!details.is_object()) details = nlohmann::json::object();
    details.erase("code");
    throw BioXenException(code, message, std::move(details));
  }
}

py::dict metrics_dict(const std::vector<SweepMetric>& metrics) {
  py::dict out;
  for (const auto& metric : metrics) out[py::str(metric.name)] = to_python(metric.value);
  return out;
}

py::dict point_result_dict(const SweepPointResult& r) {
  py::dict out;
  out["index"] = r.index;
  out["values"] = to_python(nlohmann::json(r.values));
  out["ok"] = r.ok();
  out["error"] = r.error ? py::cast(error_code_string(*r.error)) : py::none();
  out["error_message"] = r.error_message;
  out["metrics"] = metrics_dict(r.metrics);
  return out;
}

}  // namespace

void bind_scenario(py::module_& m) {
  py::class_<Scenario>(m, "Scenario", "A scenario (the `bioxen run` schema), read and checked")
      .def_readonly("name", &Scenario::name)
      .def_readonly("description", &Scenario::description)
      .def_readonly("source", &Scenario::source)
      .def_readonly("chassis", &Scenario::chassis)
      .def_readonly("chassis_name", &Scenario::chassis_name)
      .def_readwrite("config", &Scenario::config)
      .def_readwrite("quanta", &Scenario::quanta)
      .def_readonly("length_text", &Scenario::length_text)
      .def_readonly("warnings", &Scenario::warnings)
      .def_property_readonly("vm_ids",
                             [](const Scenario& s) {
                               std::vector<std::string> ids;
                               for (const auto& v : s.vms) ids.push_back(v.id);
                               return ids;
                             })
      .def_property_readonly("event_count", [](const Scenario& s) { return s.events.size(); })
      .def("quantum_seconds", &Scenario::quantum_seconds)
      .def("to_dict", [](const Scenario& s) { return scenario_to_json(s); })
      .def("__repr__", [](const Scenario& s) {
        return "Scenario(" + py::repr(py::str(s.name)).cast<std::string>() + ", " +
               std::to_string(s.vms.size()) + " VMs, " + std::to_string(s.events.size()) +
               " events, " + std::to_string(s.quanta) + " quanta)";
      });

  const auto length = [](std::optional<std::uint64_t> quanta, std::optional<std::string> d) {
    LengthOverride l;
    l.quanta = quanta;
    l.duration = std::move(d);
    return l;
  };
  m.def(
      "parse_scenario",
      [length](const nlohmann::json& j, const std::string& source,
               const std::filesystem::path& base_dir, std::optional<std::uint64_t> quanta,
               std::optional<std::string> duration) {
        return parse_scenario(j, source, base_dir, length(quanta, std::move(duration)));
      },
      py::arg("data"), py::arg("source") = "<dict>", py::arg("base_dir") = ".", py::kw_only(),
      py::arg("quanta") = py::none(), py::arg("duration") = py::none(),
      "A Scenario from a dict; errors are BX005 naming the field");
  m.def(
      "read_scenario_file",
      [length](const std::filesystem::path& file, std::optional<std::uint64_t> quanta,
               std::optional<std::string> duration) {
        return read_scenario_file(file, length(quanta, std::move(duration)));
      },
      py::arg("file"), py::kw_only(), py::arg("quanta") = py::none(),
      py::arg("duration") = py::none());
  m.def(
      "parse_duration",
      [](const std::string& text, const std::string& field) {
        return std::chrono::duration<double>(parse_duration(text, field)).count();
      },
      py::arg("text"), py::arg("field") = "duration", "'2.5s', '10m', '1h' -> seconds");
  m.def("format_virtual_seconds", &format_virtual_seconds, py::arg("seconds"));

  py::class_<AppliedEvent>(m, "AppliedEvent", "A scenario event as it was applied")
      .def_readonly("quantum", &AppliedEvent::quantum)
      .def_readonly("seconds", &AppliedEvent::seconds)
      .def_readonly("field", &AppliedEvent::field)
      .def_readonly("action", &AppliedEvent::action)
      .def_readonly("vm", &AppliedEvent::vm)
      .def("__repr__", [](const AppliedEvent& e) {
        return "AppliedEvent(" + e.action + " " + e.vm + " at " +
               format_virtual_seconds(e.seconds) + ")";
      });
  py::class_<GuestShare>(m, "GuestShare", "A guest's share of the cell's translation")
      .def_readonly("vm_id", &GuestShare::vm_id)
      .def_readonly("amino_acids_per_s", &GuestShare::amino_acids_per_s)
      .def_readonly("translation_share", &GuestShare::translation_share)
      .def_readonly("ribosomes_on_chains", &GuestShare::ribosomes_on_chains)
      .def_readonly("ribosome_share", &GuestShare::ribosome_share)
      .def("__repr__", [](const GuestShare& g) {
        return "GuestShare(" + py::repr(py::str(g.vm_id)).cast<std::string>() +
               ", translation_share=" +
               py::repr(py::float_(g.translation_share)).cast<std::string>() +
               ", ribosome_share=" + py::repr(py::float_(g.ribosome_share)).cast<std::string>() +
               ")";
      });

  py::class_<ScenarioResult>(m, "ScenarioResult", "What a scenario run gives")
      .def_readonly("vms", &ScenarioResult::vms)
      .def_readonly("destroyed", &ScenarioResult::destroyed)
      .def_readonly("resources", &ScenarioResult::resources)
      .def_readonly("performance", &ScenarioResult::performance)
      .def_readonly("events", &ScenarioResult::events)
      .def_readonly("prometheus", &ScenarioResult::prometheus)
      .def_readonly("chassis_info", &ScenarioResult::chassis_info)
      .def_readonly("resource_summary", &ScenarioResult::resource_summary)
      .def_readonly("host_alone", &ScenarioResult::host_alone)
      .def_readonly("host", &ScenarioResult::host)
      .def_readonly("guests", &ScenarioResult::guests)
      .def_readonly("wall_seconds", &ScenarioResult::wall_seconds)
      .def(
          "metrics", [](const ScenarioResult& r) { return metrics_dict(scenario_metrics(r)); },
          "The metrics `bioxen sweep` records of a run (dict)")
      .def("__repr__", [](const ScenarioResult& r) {
        return "ScenarioResult(" + std::to_string(r.vms.size()) + " VMs, host growth " +
               std::to_string(r.host.growth_rate_per_h) + "/h vs " +
               std::to_string(r.host_alone.growth_rate_per_h) + "/h alone)";
      });

  m.def(
      "run_scenario",
      [](const Scenario& s, bool monitor, bool prometheus, bool use_factory,
         const py::object& on_hypervisor, const py::object& on_host_alone,
         const py::object& on_event, const py::object& on_progress) {
        ScenarioRunOptions o;
        o.monitor = monitor;
        o.prometheus = prometheus;
        o.use_factory = use_factory;
        if (!on_hypervisor.is_none()) {
          auto fn = std::make_shared<py::object>(on_hypervisor);
          o.on_hypervisor = [fn](BioXenHypervisor& hv) {
            py::gil_scoped_acquire gil;
            (*fn)(py::cast(hv, py::return_value_policy::reference));
          };
        }
        o.on_host_alone = with_gil<const HostStatus&>(on_host_alone);
        if (!on_event.is_none()) {
          auto fn = std::make_shared<py::object>(on_event);
          o.on_event = [fn](const EventSpec& e) {
            py::gil_scoped_acquire gil;
            (*fn)(std::string(to_string(e.action)), e.vm, e.at_quantum);
          };
        }
        o.on_progress = with_gil<std::uint64_t, std::uint64_t>(on_progress);
        py::gil_scoped_release release;
        return run_scenario(s, o);
      },
      py::arg("scenario"), py::kw_only(), py::arg("monitor") = true, py::arg("prometheus") = false,
      py::arg("use_factory") = false, py::arg("on_hypervisor") = py::none(),
      py::arg("on_host_alone") = py::none(), py::arg("on_event") = py::none(),
      py::arg("on_progress") = py::none(),
      "Runs a scenario (GIL released). on_hypervisor(hv) is called before the first VM is "
      "created (attach observers, a Recorder); hv is valid only during the run. "
      "on_event(action, vm, quantum), on_progress(done, total)");
}

void bind_sweep(py::module_& m) {
  py::class_<Sweep>(m, "Sweep", "A parameter sweep over a base scenario")
      .def_readonly("name", &Sweep::name)
      .def_readonly("description", &Sweep::description)
      .def_readonly("source", &Sweep::source)
      .def_readonly("base", &Sweep::base)
      .def_property_readonly("parameter_names",
                             [](const Sweep& s) {
                               std::vector<std::string> names;
                               for (const auto& p : s.parameters) names.push_back(p.name);
                               return names;
                             })
      .def_property_readonly("parameter_values",
                             [](const Sweep& s) {
                               py::dict out;
                               for (const auto& p : s.parameters) {
                                 out[py::str(p.name)] = to_python(nlohmann::json(p.values));
                               }
                               return out;
                             })
      .def_property_readonly("combination",
                             [](const Sweep& s) { return std::string(to_string(s.combination)); })
      .def("point_count", &Sweep::point_count)
      .def("__len__", &Sweep::point_count)
      .def(
          "point",
          [](const Sweep& s, std::uint64_t i) {
            const auto p = sweep_point(s, i);
            py::dict out;
            out["index"] = p.index;
            out["values"] = to_python(nlohmann::json(p.values));
            out["scenario"] = to_python(p.scenario);
            return out;
          },
          py::arg("index"), "Point i: its parameter values and its scenario (dict)")
      .def("__repr__", [](const Sweep& s) {
        return "Sweep(" + py::repr(py::str(s.name)).cast<std::string>() + ", " +
               std::to_string(s.parameters.size()) + " parameters, " +
               std::to_string(s.point_count()) + " points)";
      });

  // What `bioxen sweep` checks before anything runs: every value of every parameter on its
  // own in the base, read by the scenario reader (parse_sweep() alone leaves the base as is).
  const auto check_values = [](const Sweep& sweep) {
    check_sweep_values(sweep, [&sweep](const nlohmann::json& scenario) {
      (void)parse_scenario(scenario, sweep.base_source, sweep.base_dir);
    });
  };
  m.def(
      "parse_sweep",
      [check_values](const nlohmann::json& j, const std::string& source,
                     const std::filesystem::path& base_dir, bool check) {
        auto sweep = parse_sweep(j, source, base_dir);
        if (check) check_values(sweep);
        return sweep;
      },
      py::arg("data"), py::arg("source") = "<dict>", py::arg("base_dir") = ".", py::kw_only(),
      py::arg("check") = true,
      "A Sweep from a dict; with check (the default) every value is checked against the "
      "scenario schema on its own, as `bioxen sweep` does (BX005 naming the parameter)");
  m.def(
      "read_sweep_file",
      [check_values](const std::filesystem::path& file, bool check) {
        auto sweep = read_sweep_file(file);
        if (check) check_values(sweep);
        return sweep;
      },
      py::arg("file"), py::kw_only(), py::arg("check") = true);
  m.def("check_sweep_values", check_values, py::arg("sweep"),
        "Checks every value of every parameter on its own against the scenario schema");
  m.def("sweep_point_metric_names", &sweep_point_metric_names);
  m.def("sweep_vm_metric_names", &sweep_vm_metric_names);
  m.def(
      "run_sweep",
      [](const Sweep& sweep, unsigned jobs, const py::object& point_function,
         const py::object& on_point) {
        SweepPointFunction run_point;
        if (point_function.is_none()) {
          run_point = scenario_point_function(sweep);
        } else {
          auto fn = std::make_shared<py::object>(point_function);
          run_point = [fn](const SweepPoint& p) {
            py::gil_scoped_acquire gil;
            py::dict arg;
            arg["index"] = p.index;
            arg["values"] = to_python(nlohmann::json(p.values));
            arg["scenario"] = to_python(p.scenario);
            py::object returned;
            try {
              returned = (*fn)(arg);
            } catch (py::error_already_set& e) {
              // A bioxen error (an engine call's, or one raised by the function) fails this
              // point, as a BioXenException of the default point function does; any other
              // exception ends the sweep.
              rethrow_as_bioxen_exception(e);
              throw;
            }
            const nlohmann::json got = from_python(returned, "point_function(point)");
            if (!got.is_object()) {
              throw BioXenException(BioXenErrorCode::invalid_argument,
                                    "run_sweep: point_function must return a dict of metrics",
                                    {{"index", p.index}});
            }
            std::vector<SweepMetric> metrics;
            for (const auto& [k, v] : got.items()) metrics.push_back({k, v});
            return metrics;
          };
        }
        std::vector<SweepPointResult> results;
        std::shared_ptr<py::object> cb;
        if (!on_point.is_none()) cb = std::make_shared<py::object>(on_point);
        SweepRunOptions options;
        options.jobs = jobs;
        SweepRunSummary summary;
        {
          py::gil_scoped_release release;
          summary = run_sweep(
              sweep, run_point,
              [&results, cb](SweepPointResult&& r) {
                if (cb) {
                  py::gil_scoped_acquire gil;
                  (*cb)(point_result_dict(r));
                }
                results.push_back(std::move(r));
              },
              options);
        }
        std::sort(results.begin(), results.end(),
                  [](const auto& a, const auto& b) { return a.index < b.index; });
        py::list rows;
        for (const auto& r : results) rows.append(point_result_dict(r));
        py::dict out;
        out["points"] = summary.points;
        out["run"] = summary.run;
        out["failed"] = summary.failed;
        out["results"] = rows;
        return out;
      },
      py::arg("sweep"), py::kw_only(), py::arg("jobs") = 0u, py::arg("point_function") = py::none(),
      py::arg("on_point") = py::none(),
      "Runs every point on `jobs` threads (0: all cores), GIL released: the default point "
      "function runs the point's scenario in C++ (what `bioxen sweep` does); a Python "
      "point_function(point) -> dict runs under the GIL. Returns {points, run, failed, results} "
      "with results in point order");
}

void bind_validation(py::module_& m) {
  m.def(
      "validate_unneeded_protein",
      [](double phi_c) {
        const auto v = validate_unneeded_protein(phi_c);
        py::list points;
        for (const auto& p : v.points) {
          py::dict d;
          d["medium"] = p.medium;
          d["unneeded_fraction"] = p.unneeded_fraction;
          d["data_relative_growth"] = p.data_relative_growth;
          d["host_doubling_time_min"] = p.host_doubling_time_min;
          d["model_guest_fraction"] = p.model_guest_fraction;
          d["model_relative_growth"] = p.model_relative_growth;
          d["error"] = p.error;
          points.append(d);
        }
        py::dict out;
        out["phi_c"] = v.phi_c;
        out["rms_error"] = v.rms_error;
        out["points"] = points;
        return out;
      },
      py::arg("phi_c") = 0.0,
      "The model against Scott et al. (2010) Fig. 2 (unneeded protein): points and RMS error");
  m.def("validate_bremer_dennis", [] {
    py::list out;
    for (const auto& c : validate_bremer_dennis()) {
      py::dict d;
      d["doubling_time_min"] = c.doubling_time_min;
      d["model_doubling_time_min"] = c.model_doubling_time_min;
      d["elongation_aa_per_s"] = c.elongation_aa_per_s;
      d["model_elongation_aa_per_s"] = c.model_elongation_aa_per_s;
      d["rnap_per_cell"] = c.rnap_per_cell;
      d["model_rnap_per_cell"] = c.model_rnap_per_cell;
      d["ribosomes_per_cell"] = c.ribosomes_per_cell;
      d["model_ribosomes_per_cell"] = c.model_ribosomes_per_cell;
      out.append(d);
    }
    return out;
  });
}

}  // namespace bioxen::python
