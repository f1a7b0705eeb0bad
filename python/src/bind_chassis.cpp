// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
// ChassisType, ChassisProfile and the growth-condition table.
#include <nlohmann/json.hpp>

#include "bioxen/chassis.hpp"
#include "bioxen/genetic_code.hpp"
#include "common.hpp"

namespace bioxen::python {

void bind_chassis(py::module_& m) {
  bind_named_enum<ChassisType>(m, "ChassisType", "The built-in host cells",
                               detail::chassis_type_names);
  m.def("chassis_type_from_string", &chassis_type_from_string, py::arg("name"));

  auto profile = bind_json_value<ChassisProfile>(
      m, "ChassisProfile",
      "A host cell: its allocator view (ribosome units, genome space) and its physiology "
      "(ribosomes, RNA polymerases, elongation rate, ATP supply, growth law), units in the names");
  profile.def("max_initiation_rate_per_mrna_per_s",
              &ChassisProfile::max_initiation_rate_per_mrna_per_s);
  profile.def("reference_growth_rate_per_h", &ChassisProfile::reference_growth_rate_per_h);

  m.def(
      "chassis_profile", [](ChassisType t) { return chassis_profile(t); }, py::arg("type"),
      "The built-in profile of a chassis type");
  m.def(
      "chassis_profile",
      [](ChassisType t, double doubling_time_min) { return chassis_profile(t, doubling_time_min); },
      py::arg("type"), py::arg("doubling_time_min"),
      "The profile at another growth condition (E. coli: Bremer & Dennis 2008 interpolated)");
  m.def("validate_chassis_profile", &validate_chassis_profile, py::arg("profile"));
  m.def("chassis_profile_from_json", &chassis_profile_from_json, py::arg("data"));
  m.def("load_chassis_profile", &load_chassis_profile, py::arg("file"));
  m.def(
      "bremer_dennis_rows",
      [] {
        py::list out;
        for (const auto& r : bremer_dennis_rows()) {
          py::dict row;
          row["doubling_time_min"] = r.doubling_time_min;
          row["elongation_aa_per_s"] = r.elongation_aa_per_s;
          row["rnap_elongation_nt_per_s"] = r.rnap_elongation_nt_per_s;
          row["rnap_per_cell"] = r.rnap_per_cell;
          row["active_rnap_fraction"] = r.active_rnap_fraction;
          row["rprotein_fraction"] = r.rprotein_fraction;
          row["active_ribosome_fraction"] = r.active_ribosome_fraction;
          row["dry_mass_fg"] = r.dry_mass_fg;
          row["protein_mass_fraction"] = r.protein_mass_fraction;
          out.append(row);
        }
        return out;
      },
      "E. coli B/r growth conditions of Bremer & Dennis (2008), one dict per row");

  m.attr("supported_translation_tables") = py::cast(std::vector<std::uint32_t>(
      supported_translation_tables.begin(), supported_translation_tables.end()));
  m.attr("default_translation_table") = default_translation_table;
  m.def(
      "translation_table_name",
      [](std::uint32_t t) { return std::string(translation_table_name(t)); }, py::arg("table"));
  m.def("reads_uga_as_stop", &reads_uga_as_stop, py::arg("table"));
  m.def("same_protein_reading", &same_protein_reading, py::arg("guest"), py::arg("host"));
}

}  // namespace bioxen::python
