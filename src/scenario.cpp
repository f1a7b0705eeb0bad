// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#include "bioxen/scenario.hpp"

#include <fmt/core.h>
#include <fmt/format.h>
#include "bioxen/config_manager.hpp"
#include "bioxen/detail/json_read.hpp"
#include "bioxen/error_details.hpp"
#include "bioxen/types.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <set>

#include "detail/text_io.hpp"
#include "detail/vm_record.hpp"

namespace bioxen {

namespace {

/// Where the parser is, for messages: the scenario's name and a field path.
class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  /// Throws `code` (invalid_configuration, or chassis_initialization_error for the chassis)
  /// as "<source>: <field>: <message>", details {"file", "field"}.
  [[noreturn]] void fail(std::string_view field, std::string_view message,
                         BioXenErrorCode code = BioXenErrorCode::invalid_configuration) const {
    throw BioXenException(code, fmt::format("{}: {}: {}", source_, field, message),
                          {{"file", source_}, {"field", std::string(field)}});
  }

  /// Rejects keys outside `allowed` (detail::fail_unknown_key(): "<source>: unknown key
  /// '<field>.<key>'", suggesting the nearest one); details carry "file" and "field".
  void check_keys(const nlohmann::json& obj, std::string_view field,
                  const std::vector<std::string>& allowed) const {
    for (const auto& [key, value] : obj.items()) {
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      const std::string where = field.empty() ? key : fmt::format("{}.{}", field, key);
      detail::fail_unknown_key(detail::JsonContext{BioXenErrorCode::invalid_configuration, ""},
                               field, key, allowed, {{"file", source_}, {"field", where}}, source_);
    }
  }

  const nlohmann::json& object(const nlohmann::json& v, std::string_view field) const {
    if (!v.is_object()) fail(field, fmt::format("expected an object, got {}", kind(v)));
    return v;
  }

  std::string string(const nlohmann::json& v, std::string_view field) const {
    if (!v.is_string()) fail(field, fmt::format("expected a string, got {}", kind(v)));
    return v.get<std::string>();
  }

  bool boolean(const nlohmann::json& v, std::string_view field) const {
    if (!v.is_boolean()) fail(field, fmt::format("expected true or false, got {}", kind(v)));
    return v.get<bool>();
  }

  std::uint64_t integer(const nlohmann::json& v, std::string_view field, std::uint64_t lo,
                        std::uint64_t hi) const {
    std::uint64_t x = 0;
    if (v.is_number_unsigned()) {
      x = v.get<std::uint64_t>();
    } else if (v.is_number_integer()) {
      if (v.get<std::int64_t>() < 0) {
        fail(field, fmt::format("{} is negative; expected an integer in [{}, {}]",
                                v.get<std::int64_t>(), lo, hi));
      }
      x = static_cast<std::uint64_t>(v.get<std::int64_t>());
    } else if (v.is_number_float() && std::trunc(v.get<double>()) == v.get<double>() &&
               v.get<double>() >= 0 && v.get<double>() < 1.8e19) {
      x = static_cast<std::uint64_t>(v.get<double>());
    } else {
      fail(field, fmt::format("expected an integer in [{}, {}], got {}", lo, hi, describe(v)));
    }
    if (x < lo || x > hi) fail(field, fmt::format("{} is out of range [{}, {}]", x, lo, hi));
    return x;
  }

  double number(const nlohmann::json& v, std::string_view field, double lo, double hi) const {
    if (!v.is_number()) fail(field, fmt::format("expected a number, got {}", describe(v)));
    const double x = v.get<double>();
    if (!(x >= lo && x <= hi)) fail(field, fmt::format("{} is out of range [{}, {}]", x, lo, hi));
    return x;
  }

  const std::string& source() const noexcept { return source_; }

  static std::string_view kind(const nlohmann::json& v) { return detail::json_kind(v); }
  static std::string describe(const nlohmann::json& v) {
    if (v.is_primitive() && !v.is_null()) return v.dump();
    return std::string(kind(v));
  }

 private:
  std::string source_;
};

struct Unit {
  std::string_view name;
  double microseconds;
};
constexpr Unit duration_units[] = {{"us", 1.0}, {"ms", 1e3},   {"s", 1e6},
                                   {"m", 60e6}, {"min", 60e6}, {"h", 3600e6}};

/// Parses "<number><unit>"; zero is allowed when `allow_zero`.
std::chrono::microseconds parse_time(std::string_view text, std::string_view field, bool allow_zero,
                                     const Reader* reader) {
  auto fail = [&](std::string message) -> std::chrono::microseconds {
    if (reader != nullptr) reader->fail(field, message);
    throw BioXenException::invalid_configuration(
        field.empty() ? message : fmt::format("{}: {}", field, message),
        {{"field", std::string(field)}});
  };
  const auto bad = [&] {
    return fail(
        fmt::format("'{}' is not a duration; write a number and a unit: ms, s, m (or min), h, e.g. "
                    "\"500ms\", \"2.5s\", \"10m\"",
                    text));
  };
  std::string_view t = text;
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  std::size_t n = 0;
  while (n < t.size() && ((t[n] >= '0' && t[n] <= '9') || t[n] == '.')) ++n;
  if (n == 0) return bad();
  double value = 0;
  const auto [ptr, ec] = std::from_chars(t.data(), t.data() + n, value);
  if (ec != std::errc{} || ptr != t.data() + n) return bad();
  std::string_view unit = t.substr(n);
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  if (unit.empty()) {
    return fail(
        fmt::format("'{}' has no unit; write ms, s, m (or min) or h, e.g. \"{}s\"", text, text));
  }
  for (const auto& u : duration_units) {
    if (unit == u.name) {
      const double us = value * u.microseconds;
      if (!std::isfinite(us) || us > 1e17) return fail(fmt::format("'{}' is too long", text));
      const auto rounded = std::llround(us);
      if (rounded == 0 && !allow_zero) {
        return fail(fmt::format("'{}' is not a positive duration", text));
      }
      return std::chrono::microseconds{rounded};
    }
  }
  return fail(fmt::format("'{}': unknown unit '{}' (expected ms, s, m, min or h)", text, unit));
}

std::uint64_t quanta_for(std::chrono::microseconds d, std::uint64_t quantum_ms) {
  const auto q_us = static_cast<std::uint64_t>(quantum_ms) * 1000U;
  const auto us = static_cast<std::uint64_t>(d.count());
  return us / q_us + (us % q_us != 0 ? 1 : 0);
}

const std::vector<std::string> top_keys = {"name",   "description", "chassis", "config", "policy",
                                           "quanta", "duration",    "vms",     "events"};
const std::vector<std::string> vm_keys = {"id", "type", "genome", "allocation", "start"};
const std::vector<std::string> allocation_keys = {"ribosomes",      "atp_percentage",
                                                  "rna_polymerase", "memory_kb",
                                                  "priority",       "allow_incompatible_code"};
const std::vector<std::string> event_keys = {"at", "action", "vm"};
const std::vector<std::string> create_event_keys = {"at",     "action",     "vm",   "type",
                                                    "genome", "allocation", "start"};

AllocationSpec parse_allocation(const Reader& r, const nlohmann::json& j, const std::string& f) {
  r.object(j, f);
  r.check_keys(j, f, allocation_keys);
  AllocationSpec a;
  if (j.contains("ribosomes")) {
    // At most INT_MAX: the allocation's int, where -1 means "automatic".
    a.ribosomes = static_cast<std::uint32_t>(
        r.integer(j["ribosomes"], f + ".ribosomes", 0, std::numeric_limits<int>::max()));
  }
  if (j.contains("atp_percentage")) {
    a.atp_percentage = r.number(j["atp_percentage"], f + ".atp_percentage", 0.0, 100.0);
  }
  if (j.contains("rna_polymerase")) {
    a.rna_polymerase = static_cast<std::uint32_t>(
        r.integer(j["rna_polymerase"], f + ".rna_polymerase", 0, std::numeric_limits<int>::max()));
  }
  if (j.contains("memory_kb")) {
    a.memory_kb = r.integer(j["memory_kb"], f + ".memory_kb", 1, 1'000'000'000'000ULL);
  }
  if (j.contains("priority")) {
    a.priority = static_cast<std::uint32_t>(r.integer(j["priority"], f + ".priority", 1, 5));
  }
  if (j.contains("allow_incompatible_code")) {
    a.allow_incompatible_code =
        r.boolean(j["allow_incompatible_code"], f + ".allow_incompatible_code");
  }
  return a;
}

/// The VM fields shared by vms[] entries and create events; `id_key` is "id" or "vm".
VmSpec parse_vm(const Reader& r, const nlohmann::json& j, const std::string& f,
                std::string_view id_key, const std::filesystem::path& base_dir) {
  VmSpec vm;
  vm.field = f;
  const std::string id_field = fmt::format("{}.{}", f, id_key);
  if (!j.contains(id_key)) r.fail(id_field, "missing (every VM needs an id)");
  vm.id = r.string(j[std::string(id_key)], id_field);
  try {
    detail::validate_vm_id(vm.id);  // the hypervisor's rule, checked before anything runs
  } catch (const BioXenException& e) {
    r.fail(id_field, e.message());
  }
  const bool has_type = j.contains("type");
  const bool has_genome = j.contains("genome");
  if (has_type && has_genome) {
    r.fail(f,
           "give either \"type\" (a built-in biological type) or \"genome\" (a genome file), "
           "not both");
  }
  if (!has_type && !has_genome) {
    r.fail(f + ".type", fmt::format("missing: give \"type\" (one of: {}) or \"genome\" (a file)",
                                    fmt::join(builtin_genome_names(), ", ")));
  }
  if (has_type) {
    vm.type = r.string(j["type"], f + ".type");
    const auto names = builtin_genome_names();
    if (std::find(names.begin(), names.end(), vm.type) == names.end()) {
      const std::string near = detail::nearest_key(vm.type, names);
      r.fail(f + ".type",
             fmt::format("unknown biological type '{}' (expected one of: {}){}", vm.type,
                         fmt::join(names, ", "),
                         near.empty() ? "" : fmt::format("; did you mean '{}'?", near)));
    }
  }
  if (has_genome) {
    vm.genome_file = r.string(j["genome"], f + ".genome");
    if (vm.genome_file.empty()) r.fail(f + ".genome", "is empty");
    std::filesystem::path p = vm.genome_file;
    if (p.is_relative()) p = base_dir / p;
    try {
      vm.genome = load_genome_file(p);
    } catch (const BioXenException& e) {
      // The genome's own error (file, line, field) with the scenario field in front.
      auto details = e.details();
      details["field"] = f + ".genome";
      details["scenario"] = r.source();
      throw BioXenException(e.code(), fmt::format("{}: {}.genome: {}", r.source(), f, e.message()),
                            details);
    }
  }
  if (j.contains("allocation"))
    vm.allocation = parse_allocation(r, j["allocation"], f + ".allocation");
  if (j.contains("start")) vm.start = r.boolean(j["start"], f + ".start");
  return vm;
}

}  // namespace

std::chrono::microseconds parse_duration(std::string_view text, std::string_view field) {
  return parse_time(text, field, false, nullptr);
}

std::string describe_duration(std::chrono::microseconds d) {
  const double us = static_cast<double>(d.count());
  if (us < 1e3) return fmt::format("{} us", d.count());
  if (us < 1e6) return fmt::format("{:g} ms", us / 1e3);
  if (us < 60e6) return fmt::format("{:g} s", us / 1e6);
  if (us < 3600e6) return fmt::format("{:g} min", us / 60e6);
  return fmt::format("{:g} h", us / 3600e6);
}

std::string format_virtual_seconds(double seconds) {
  if (!std::isfinite(seconds)) return "-";
  if (seconds < 120.0) return fmt::format("{:.3f} s", seconds);
  if (seconds < 3600.0) {
    const auto minutes = static_cast<long>(seconds / 60.0);
    return fmt::format("{} min {:04.1f} s", minutes, seconds - 60.0 * static_cast<double>(minutes));
  }
  const auto hours = static_cast<long>(seconds / 3600.0);
  const auto minutes = static_cast<long>((seconds - 3600.0 * static_cast<double>(hours)) / 60.0);
  return fmt::format("{} h {:02} min", hours, minutes);
}

ResourceAllocation to_allocation(const AllocationSpec& spec) {
  ResourceAllocation r;
  if (spec.ribosomes) r.ribosomes = static_cast<int>(*spec.ribosomes);
  if (spec.atp_percentage) r.atp_percentage = *spec.atp_percentage;
  if (spec.rna_polymerase) r.rna_polymerase = static_cast<int>(*spec.rna_polymerase);
  if (spec.memory_kb) r.memory_kb = static_cast<std::int64_t>(*spec.memory_kb);
  if (spec.priority) r.priority = static_cast<int>(*spec.priority);
  if (spec.allow_incompatible_code) r.allow_incompatible_code = *spec.allow_incompatible_code;
  return r;
}

std::string_view to_string(EventAction action) noexcept {
  switch (action) {
    case EventAction::create:
      return "create";
    case EventAction::start:
      return "start";
    case EventAction::pause:
      return "pause";
    case EventAction::resume:
      return "resume";
    case EventAction::stop:
      return "stop";
    case EventAction::destroy:
      return "destroy";
  }
  return "?";
}

Scenario parse_scenario(const nlohmann::json& j, std::string_view source,
                        const std::filesystem::path& base_dir, const LengthOverride& length) {
  const Reader r{std::string(source)};
  if (!j.is_object()) {
    r.fail("(top level)", fmt::format("expected a JSON object, got {}", Reader::kind(j)));
  }
  r.check_keys(j, "", top_keys);

  Scenario s;
  s.source = std::string(source);
  if (j.contains("name")) s.name = r.string(j["name"], "name");
  if (j.contains("description")) s.description = r.string(j["description"], "description");

  // Chassis: a kind's name, or an inline profile {"base": ..., fields...}.
  s.chassis = chassis_profile(ChassisType::ecoli);
  s.chassis_name = "ecoli";
  if (j.contains("chassis")) {
    const auto& c = j["chassis"];
    if (c.is_string()) {
      try {
        s.chassis = chassis_profile(chassis_type_from_string(c.get<std::string>()));
      } catch (const BioXenException&) {
        r.fail("chassis",
               fmt::format("unknown chassis '{}' (expected {} or an object with a custom profile)",
                           c.get<std::string>(),
                           detail::enum_name_list(detail::chassis_type_names, ", ")),
               BioXenErrorCode::chassis_initialization_error);
      }
      s.chassis_name = c.get<std::string>();
    } else if (c.is_object()) {
      try {
        s.chassis = chassis_profile_from_json(c);
      } catch (const BioXenException& e) {
        std::string field = "chassis";
        if (e.details().contains("key") && e.details()["key"].is_string()) {
          field += fmt::format(".{}", e.details()["key"].get<std::string>());
        }
        r.fail(field, e.message(), e.code());
      }
      s.chassis_name = fmt::format("custom, based on {}", to_string(s.chassis.type));
    } else {
      r.fail("chassis",
             fmt::format("expected a chassis name or an object, got {}", Reader::kind(c)));
    }
  }

  // Configuration: ProductionConfig fields; "policy" is a shorthand for scheduler_policy.
  nlohmann::json config = nlohmann::json::object();
  if (j.contains("config")) config = r.object(j["config"], "config");
  if (j.contains("policy")) {
    const std::string policy = r.string(j["policy"], "policy");
    if (config.contains("scheduler_policy") && config["scheduler_policy"] != policy) {
      r.fail("policy", fmt::format("'{}' contradicts config.scheduler_policy {}", policy,
                                   config["scheduler_policy"].dump()));
    }
    config["scheduler_policy"] = policy;
  }
  try {
    s.config = production_config_from_json(config, fmt::format("{}: config", source));
  } catch (const BioXenException& e) {
    auto details = e.details();
    std::string field = "config";
    if (details.contains("key") && details["key"].is_string() &&
        !details["key"].get<std::string>().empty()) {
      field += fmt::format(".{}", details["key"].get<std::string>());
    }
    if (field == "config.scheduler_policy" && j.contains("policy")) field = "policy";
    details["file"] = s.source;
    details["field"] = field;
    throw BioXenException(BioXenErrorCode::invalid_configuration, e.message(), details);
  }
  const std::uint64_t quantum_ms = s.config.scheduling_quantum_ms;

  // Length: quanta or duration, the command line's first.
  if (j.contains("quanta") && j.contains("duration")) {
    r.fail("duration", "give either \"quanta\" or \"duration\", not both");
  }
  const bool overridden = length.quanta || length.duration;
  if (length.quanta) {
    if (*length.quanta == 0) r.fail("--quanta", "must be at least 1");
    s.quanta = *length.quanta;
    s.length_text = fmt::format("{} quanta (--quanta)", s.quanta);
  } else if (length.duration) {
    s.quanta = quanta_for(parse_time(*length.duration, "--duration", false, &r), quantum_ms);
    s.length_text = fmt::format("{} (--duration)", *length.duration);
  } else if (j.contains("quanta")) {
    s.quanta = r.integer(j["quanta"], "quanta", 1, max_run_quanta);
    s.length_text = fmt::format("{} quanta", s.quanta);
  } else if (j.contains("duration")) {
    const std::string d = r.string(j["duration"], "duration");
    s.quanta = quanta_for(parse_time(d, "duration", false, &r), quantum_ms);
    s.length_text = d;
  } else {
    r.fail("quanta",
           "missing: give \"quanta\" (a count) or \"duration\" (e.g. \"10m\"), or "
           "--quanta/--duration on the command line");
  }
  // The run must end inside the virtual clock's range; refused here, before anything runs.
  if (const std::uint64_t most =
          static_cast<std::uint64_t>(max_virtual_time_us) / (quantum_ms * 1000);
      s.quanta > most) {
    const std::string_view field = length.quanta          ? "--quanta"
                                   : length.duration      ? "--duration"
                                   : j.contains("quanta") ? "quanta"
                                                          : "duration";
    r.fail(field, fmt::format("{} quanta of {} ms would take the virtual clock past its end ({} "
                              "µs, about 31.7 years): at most {} quanta",
                              s.quanta, quantum_ms, max_virtual_time_us, most));
  }

  // VMs.
  std::set<std::string> declared;
  if (j.contains("vms")) {
    const auto& vms = j["vms"];
    if (!vms.is_array()) r.fail("vms", fmt::format("expected an array, got {}", Reader::kind(vms)));
    for (std::size_t i = 0; i < vms.size(); ++i) {
      const std::string f = fmt::format("vms[{}]", i);
      r.object(vms[i], f);
      r.check_keys(vms[i], f, vm_keys);
      VmSpec vm = parse_vm(r, vms[i], f, "id", base_dir);
      if (!declared.insert(vm.id).second) {
        r.fail(f + ".id", fmt::format("duplicate VM id '{}'", vm.id));
      }
      s.vms.push_back(std::move(vm));
    }
  }

  // Events.
  if (j.contains("events")) {
    const auto& events = j["events"];
    if (!events.is_array()) {
      r.fail("events", fmt::format("expected an array, got {}", Reader::kind(events)));
    }
    for (std::size_t i = 0; i < events.size(); ++i) {
      const std::string f = fmt::format("events[{}]", i);
      const auto& e = r.object(events[i], f);
      EventSpec ev;
      ev.field = f;
      if (!e.contains("action")) r.fail(f + ".action", "missing");
      const std::string action = r.string(e["action"], f + ".action");
      static const std::vector<std::string> actions = {"create", "start", "pause",
                                                       "resume", "stop",  "destroy"};
      const auto it = std::find(actions.begin(), actions.end(), action);
      if (it == actions.end()) {
        r.fail(f + ".action", fmt::format("unknown action '{}' (expected one of: {})", action,
                                          fmt::join(actions, ", ")));
      }
      ev.action = static_cast<EventAction>(it - actions.begin());
      r.check_keys(e, f, ev.action == EventAction::create ? create_event_keys : event_keys);
      if (!e.contains("at")) r.fail(f + ".at", "missing (a quantum number or a time like \"2s\")");
      const auto& at = e["at"];
      if (at.is_string()) {
        ev.at_text = at.get<std::string>();
        ev.at_quantum = quanta_for(parse_time(ev.at_text, f + ".at", true, &r), quantum_ms);
      } else if (at.is_number()) {
        ev.at_quantum = r.integer(at, f + ".at", 0, 1'000'000'000'000ULL);
        ev.at_text = std::to_string(ev.at_quantum);
      } else {
        r.fail(f + ".at", fmt::format("expected a quantum number or a time like \"2s\", got {}",
                                      Reader::kind(at)));
      }
      if (!e.contains("vm")) r.fail(f + ".vm", "missing (the id of the VM)");
      if (ev.action == EventAction::create) {
        ev.create = parse_vm(r, e, f, "vm", base_dir);
        ev.vm = ev.create->id;
        declared.insert(ev.vm);
      } else {
        ev.vm = r.string(e["vm"], f + ".vm");
      }
      if (ev.at_quantum > s.quanta) {
        if (!overridden) {
          r.fail(f + ".at", fmt::format("{} is after the end of the run ({}, {} quanta)",
                                        ev.at_text, s.length_text, s.quanta));
        }
        s.warnings.push_back(
            fmt::format("{}: {} at {} is after the end of the run ({} quanta); not applied", f,
                        action, ev.at_text, s.quanta));
        continue;
      }
      s.events.push_back(std::move(ev));
    }
    // An event may name only a VM that the scenario declares somewhere.
    for (const auto& ev : s.events) {
      if (!declared.count(ev.vm)) {
        r.fail(ev.field + ".vm",
               fmt::format("no VM '{}' is declared in vms or created by an event", ev.vm));
      }
    }
    std::stable_sort(s.events.begin(), s.events.end(), [](const EventSpec& a, const EventSpec& b) {
      return a.at_quantum < b.at_quantum;
    });
  }
  if (s.vms.empty() && s.events.empty()) {
    r.fail("vms", "the scenario has no VMs (add at least one to \"vms\" or a create event)");
  }
  return s;
}
Scenario read_scenario_file(const std::filesystem::path& file, const LengthOverride& length) {
  const std::string text = detail::read_text_file(file, "scenario file");
  const nlohmann::json j = detail::parse_json_file_text(text, file);
  return parse_scenario(j, file.string(), file.parent_path(), length);
}

nlohmann::json scenario_to_json(const Scenario& s) {
  nlohmann::json vms = nlohmann::json::array();
  auto vm_json = [](const VmSpec& vm) {
    nlohmann::json a = nlohmann::json::object();
    if (vm.allocation.ribosomes) a["ribosomes"] = *vm.allocation.ribosomes;
    if (vm.allocation.atp_percentage) a["atp_percentage"] = *vm.allocation.atp_percentage;
    if (vm.allocation.rna_polymerase) a["rna_polymerase"] = *vm.allocation.rna_polymerase;
    if (vm.allocation.memory_kb) a["memory_kb"] = *vm.allocation.memory_kb;
    if (vm.allocation.priority) a["priority"] = *vm.allocation.priority;
    if (vm.allocation.allow_incompatible_code) {
      a["allow_incompatible_code"] = *vm.allocation.allow_incompatible_code;
    }
    nlohmann::json out = {{"id", vm.id}, {"allocation", a}, {"start", vm.start}};
    if (vm.genome) {
      out["genome"] = vm.genome_file;
    } else {
      out["type"] = vm.type;
    }
    return out;
  };
  for (const auto& vm : s.vms) vms.push_back(vm_json(vm));
  nlohmann::json events = nlohmann::json::array();
  for (const auto& ev : s.events) {
    nlohmann::json e = {{"at_quantum", ev.at_quantum},
                        {"at_seconds", static_cast<double>(ev.at_quantum) * s.quantum_seconds()},
                        {"action", std::string(to_string(ev.action))},
                        {"vm", ev.vm}};
    if (ev.create) e["create"] = vm_json(*ev.create);
    events.push_back(std::move(e));
  }
  return {{"name", s.name},
          {"description", s.description},
          {"source", s.source},
          {"chassis", s.chassis_name},
          {"chassis_profile", s.chassis},
          {"config", s.config},
          {"quanta", s.quanta},
          {"virtual_seconds", static_cast<double>(s.quanta) * s.quantum_seconds()},
          {"vms", vms},
          {"events", events}};
}

}  // namespace bioxen
