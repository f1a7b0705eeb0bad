// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#include "csv.hpp"

#include <fmt/core.h>
#include <fmt/format.h>

#include <cmath>
#include <iterator>
#include <vector>

namespace bioxen::cli {

std::string csv_field(std::string_view text) {
  const bool quote = text.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!text.empty() && (text.front() == ' ' || text.back() == ' '));
  if (!quote) return std::string(text);
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string csv_number(double value) {
  if (std::isnan(value)) return {};
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  std::string text = fmt::format("{}", value);
  // A whole number keeps its ".0", so that a reader types the column as floating point
  // whatever the values of this run (pandas reads "0" as an integer).
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

std::string csv_json(const nlohmann::json& v) {
  if (v.is_string()) return csv_field(v.get<std::string>());
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_unsigned()) return fmt::format("{}", v.get<std::uint64_t>());
  if (v.is_number_integer()) return fmt::format("{}", v.get<std::int64_t>());
  if (v.is_number_float()) return csv_number(v.get<double>());
  if (v.is_null()) return {};
  return csv_field(v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

namespace {

/// Appends one row: the fields joined by commas, then a line feed.
void add_row(std::string& out, const std::vector<std::string>& fields) {
  bool first = true;
  for (const auto& f : fields) {
    if (!first) out += ',';
    out += f;
    first = false;
  }
  out += '\n';
}

std::string csv_count(std::uint64_t n) { return fmt::format("{}", n); }
std::string csv_bool(bool b) { return b ? "true" : "false"; }

}  // namespace

std::string time_series_csv(const TimeSeriesRecorder& rec) {
  std::string out;
  add_row(out, {"first_quantum",
                "quanta",
                "start_seconds",
                "end_seconds",
                "available_ribosomes",
                "allocated_ribosomes",
                "atp_allocated_percent",
                "host_quanta",
                "host_modelled",
                "host_stalled_quanta",
                "host_growth_rate_per_h",
                "host_reference_growth_rate_per_h",
                "guest_translation_fraction",
                "vm_id",
                "vm_present",
                "vm_active_quanta",
                "vm_running_quanta",
                "vm_paused_quanta",
                "vm_stopped_quanta",
                "vm_reserved_ribosomes",
                "vm_ribosome_seconds",
                "vm_amino_acids",
                "vm_atp_consumed",
                "vm_proteins_completed"});
  // Times from whole milliseconds (the quantum is a whole number of them), so that quantum 3
  // of 100 ms starts at 0.3 s, not at 3 x 0.1 = 0.30000000000000004 s.
  const double quantum_ms = std::round(rec.quantum_seconds() * 1000.0);
  const auto seconds = [quantum_ms](std::uint64_t quantum) {
    return static_cast<double>(quantum) * quantum_ms / 1000.0;
  };
  const auto& buckets = rec.buckets();
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    const Bucket& b = buckets[i];
    const bool host = b.host_quanta > 0;
    const std::vector<std::string> bucket = {
        csv_count(b.first_quantum),
        csv_count(b.quanta),
        csv_number(seconds(b.first_quantum)),
        csv_number(seconds(b.first_quantum + b.quanta)),
        csv_number(b.available_ribosomes),
        csv_number(b.allocated_ribosomes),
        csv_number(b.total_atp_allocated),
        csv_count(b.host_quanta),
        csv_bool(b.host_modelled),
        csv_count(b.stalled_quanta),
        host ? csv_number(b.growth_rate_per_h) : std::string(),
        host ? csv_number(b.reference_growth_rate_per_h) : std::string(),
        host ? csv_number(b.guest_translation_fraction) : std::string(),
    };
    for (const auto& s : rec.series()) {
      const VmBucket& v = s.buckets[i];
      std::vector<std::string> row = bucket;
      const double reserved = b.quanta > 0 ? v.reserved_unit_quanta / b.quanta : 0.0;
      // The proteins of a bucket in which the VM did not exist are unknown, not zero.
      for (auto& f : std::vector<std::string>{
               csv_field(s.vm_id), csv_bool(v.present), csv_count(v.active_quanta),
               csv_count(v.running_quanta), csv_count(v.paused_quanta), csv_count(v.stopped_quanta),
               csv_number(reserved), csv_number(v.ribosome_seconds), csv_number(v.amino_acids),
               csv_number(v.atp_consumed),
               v.present ? csv_number(v.proteins_end) : std::string()}) {
        row.push_back(std::move(f));
      }
      add_row(out, row);
    }
  }
  return out;
}

std::string vm_summary_csv(const SimulationResult& r) {
  std::vector<std::string> keys;
  const nlohmann::json model = VmStatus{};
  keys.emplace_back("vm_id");  // first: the row's name
  for (const auto& [key, value] : model.items()) {
    if (key != "vm_id") keys.push_back(key);
  }
  std::vector<std::string> header = keys;
  header.emplace_back("destroyed");
  for (const char* k : {"amino_acids_per_s", "translation_share", "ribosome_share"}) {
    header.emplace_back(k);
  }
  std::string out;
  add_row(out, header);
  const auto row = [&](const VmStatus& v, bool destroyed, const GuestShare* g) {
    const nlohmann::json j = v;
    std::vector<std::string> fields;
    fields.reserve(header.size());
    for (const auto& k : keys) fields.push_back(j.contains(k) ? csv_json(j[k]) : std::string());
    fields.push_back(csv_bool(destroyed));
    fields.push_back(g != nullptr ? csv_number(g->amino_acids_per_s) : std::string());
    fields.push_back(g != nullptr ? csv_number(g->translation_share) : std::string());
    fields.push_back(g != nullptr ? csv_number(g->ribosome_share) : std::string());
    add_row(out, fields);
  };
  for (std::size_t i = 0; i < r.vms.size(); ++i) {
    const bool share = i < r.guests.size() && r.guests[i].vm_id == r.vms[i].vm_id;
    row(r.vms[i], false, share ? &r.guests[i] : nullptr);
  }
  for (const auto& v : r.destroyed) row(v, true, nullptr);
  return out;
}

}  // namespace bioxen::cli
