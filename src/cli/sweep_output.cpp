// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#include "sweep_output.hpp"

#include <fmt/core.h>
#include <fmt/format.h>
#include <bioxen/detail/json_read.hpp>
#include <bioxen/error_details.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "csv.hpp"
#include "detail/text_io.hpp"
#include "scenario.hpp"

namespace bioxen::cli {

namespace {

/// The VM ids a scenario's JSON declares: "vms"[].id, then create events' "vm".
void collect_vm_ids(const nlohmann::json& scenario, std::vector<std::string>& ids) {
  const auto add = [&](const nlohmann::json& v) {
    if (!v.is_string()) return;
    const auto id = v.get<std::string>();
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  };
  if (!scenario.is_object()) return;
  if (const auto vms = scenario.find("vms"); vms != scenario.end() && vms->is_array()) {
    for (const auto& vm : *vms) {
      if (vm.is_object() && vm.contains("id")) add(vm["id"]);
    }
  }
  if (const auto events = scenario.find("events"); events != scenario.end() && events->is_array()) {
    for (const auto& e : *events) {
      if (e.is_object() && e.value("action", nlohmann::json()) == "create" && e.contains("vm")) {
        add(e["vm"]);
      }
    }
  }
}

std::string join_csv(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += fields[i];
  }
  out += '\n';
  return out;
}

}  // namespace

SweepColumns sweep_columns(const Sweep& sweep) {
  SweepColumns c;
  collect_vm_ids(sweep.base, c.vm_ids);
  for (const auto& p : sweep.parameters) {
    for (const auto& value : p.values) {
      nlohmann::json scenario = sweep.base;
      try {
        apply_scenario_override(scenario, p.path, value);
      } catch (const BioXenException&) {
        continue;  // that point fails with the reason when it runs
      }
      collect_vm_ids(scenario, c.vm_ids);
    }
  }
  c.names.emplace_back("point");
  for (const auto& p : sweep.parameters) c.names.push_back(p.name);
  for (const char* n : {"status", "error_code", "error_message"}) c.names.emplace_back(n);
  for (const auto& n : sweep_point_metric_names()) c.names.push_back(n);
  for (const auto& id : c.vm_ids) {
    for (const auto& n : sweep_vm_metric_names()) c.names.push_back(fmt::format("{}.{}", id, n));
  }
  return c;
}

std::string sweep_csv_header(const SweepColumns& columns) {
  std::vector<std::string> fields;
  fields.reserve(columns.names.size());
  for (const auto& n : columns.names) fields.push_back(csv_field(n));
  return join_csv(fields);
}

std::string sweep_csv_row(const Sweep& sweep, const SweepColumns& columns,
                          const SweepPointResult& result) {
  const std::size_t fixed = 1 + sweep.parameters.size();
  std::vector<std::string> fields(columns.names.size());
  fields[0] = fmt::format("{}", result.index);
  for (std::size_t k = 0; k < result.values.size() && k < sweep.parameters.size(); ++k) {
    fields[1 + k] = csv_json(result.values[k]);
  }
  std::optional<std::string> unknown;
  if (result.ok()) {
    // The metrics come in column order (the point's, then each VM's), so each search starts
    // where the last one ended and wraps around: one comparison per metric, not one per column.
    const auto first = columns.names.begin() + static_cast<std::ptrdiff_t>(fixed + 3);
    auto next = first;
    for (const auto& metric : result.metrics) {
      auto at = std::find(next, columns.names.end(), metric.name);
      if (at == columns.names.end()) {
        at = std::find(first, next, metric.name);
        if (at == next) {
          unknown = metric.name;
          break;
        }
      }
      fields[static_cast<std::size_t>(at - columns.names.begin())] = csv_json(metric.value);
      next = at + 1;
    }
  }
  if (unknown) {
    for (std::size_t i = fixed; i < fields.size(); ++i) fields[i].clear();
    fields[fixed] = "failed";
    fields[fixed + 1] = "internal";
    fields[fixed + 2] = csv_field(fmt::format(
        "the point measured '{}', a column this sweep's results do not have (no value of the "
        "sweep names that VM)",
        *unknown));
  } else if (result.ok()) {
    fields[fixed] = "ok";
  } else {
    fields[fixed] = "failed";
    fields[fixed + 1] = std::string(error_code_string(*result.error));
    fields[fixed + 2] = csv_field(result.error_message);
  }
  return join_csv(fields);
}

std::string sweep_jsonl_row(const Sweep& sweep, const SweepPointResult& result) {
  nlohmann::ordered_json j;
  j["point"] = result.index;
  nlohmann::ordered_json params = nlohmann::ordered_json::object();
  for (std::size_t k = 0; k < result.values.size() && k < sweep.parameters.size(); ++k) {
    params[sweep.parameters[k].name] = result.values[k];
  }
  j["parameters"] = std::move(params);
  j["status"] = result.ok() ? "ok" : "failed";
  if (!result.ok()) {
    j["error"] = {{"code", std::string(error_code_string(*result.error))},
                  {"message", result.error_message}};
  }
  nlohmann::ordered_json metrics = nlohmann::ordered_json::object();
  for (const auto& m : result.metrics) metrics[m.name] = m.value;
  j["metrics"] = std::move(metrics);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

// --- the files ---------------------------------------------------------------------------

std::optional<std::vector<std::string>> split_csv_record(const std::string& text,
                                                         std::size_t& pos) {
  std::vector<std::string> fields;
  std::string field;
  std::size_t i = pos;
  for (;;) {
    if (i < text.size() && text[i] == '"') {
      ++i;
      for (;;) {
        if (i >= text.size()) return std::nullopt;  // unterminated quote
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += text[i++];
      }
      // CRLF ends a record as LF does (RFC 4180's line break).
      if (i + 1 < text.size() && text[i] == '\r' && text[i + 1] == '\n') ++i;
      if (i >= text.size() || (text[i] != ',' && text[i] != '\n')) return std::nullopt;
    } else {
      while (i < text.size() && text[i] != ',' && text[i] != '\n') {
        if (text[i] == '"') return std::nullopt;
        field += text[i++];
      }
      if (i >= text.size()) return std::nullopt;  // no final line feed
      if (text[i] == '\n' && !field.empty() && field.back() == '\r') field.pop_back();
    }
    fields.push_back(std::move(field));
    field.clear();
    if (text[i] == '\n') {
      pos = i + 1;
      return fields;
    }
    ++i;  // the comma
  }
}

SweepResults::SweepResults(std::filesystem::path csv, std::filesystem::path jsonl,
                           std::string header, const Sweep& sweep)
    : csv_(std::move(csv)), jsonl_(std::move(jsonl)), header_(std::move(header)), sweep_(sweep) {}

namespace {

[[noreturn]] void fail_results(const std::filesystem::path& file, std::size_t line,
                               const std::string& why) {
  throw BioXenException(
      BioXenErrorCode::invalid_configuration,
      fmt::format("{}:{}: {} (resume only results this sweep wrote, or write them elsewhere)",
                  file.string(), line, why),
      {{"file", file.string()}, {"line", line}});
}

std::uint64_t point_index(const std::string& text, const Sweep& sweep,
                          const std::filesystem::path& file, std::size_t line) {
  std::uint64_t index = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), index);
  if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size()) {
    fail_results(file, line, fmt::format("'{}' is not a point number", detail::printable(text)));
  }
  if (index >= sweep.point_count()) {
    fail_results(
        file, line,
        fmt::format("point {} is not in this sweep, which has {}", index, sweep.point_count()));
  }
  return index;
}

}  // namespace

std::map<std::uint64_t, SweepResults::Row> SweepResults::read_csv(const std::string& text) const {
  std::map<std::uint64_t, Row> rows;
  if (text.empty()) return rows;
  if (text.compare(0, header_.size(), header_) != 0) {
    fail_results(csv_, 1, "its columns are not this sweep's (the first line differs)");
  }
  std::size_t pos = 0;
  const auto header_fields = split_csv_record(header_, pos);
  const std::size_t columns = header_fields ? header_fields->size() : 0;
  pos = header_.size();
  std::size_t line = 2;
  const std::size_t params = sweep_.parameters.size();
  while (pos < text.size()) {
    const std::size_t start = pos;
    const auto fields = split_csv_record(text, pos);
    if (!fields) fail_results(csv_, line, "not a complete CSV row");
    if (fields->size() != columns) {
      fail_results(csv_, line,
                   fmt::format("{} fields, the header has {}", fields->size(), columns));
    }
    const std::uint64_t index = point_index((*fields)[0], sweep_, csv_, line);
    if (rows.count(index) != 0) fail_results(csv_, line, fmt::format("point {} again", index));
    const SweepPoint p = sweep_point(sweep_, index);
    for (std::size_t k = 0; k < params; ++k) {
      // The field as this sweep writes it, unquoted.
      std::string expected = csv_json(p.values[k]);
      std::size_t epos = 0;
      expected += '\n';
      const auto unquoted = split_csv_record(expected, epos);
      if (!unquoted || unquoted->size() != 1 || (*unquoted)[0] != (*fields)[1 + k]) {
        fail_results(csv_, line,
                     fmt::format("point {} has {} = '{}', this sweep's point {} has '{}'", index,
                                 sweep_.parameters[k].name, detail::printable((*fields)[1 + k]),
                                 index, unquoted ? (*unquoted)[0] : std::string()));
      }
    }
    line +=
        static_cast<std::size_t>(std::count(text.begin() + static_cast<std::ptrdiff_t>(start),
                                            text.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
    rows[index].csv = text.substr(start, pos - start);
  }
  return rows;
}

std::map<std::uint64_t, SweepResults::Row> SweepResults::read_jsonl(const std::string& text) const {
  std::map<std::uint64_t, Row> rows;
  std::size_t pos = 0;
  std::size_t line = 1;
  while (pos < text.size()) {
    const std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) fail_results(jsonl_, line, "the last line has no line feed");
    const std::string_view l(text.data() + pos, end - pos);
    nlohmann::json j;
    if (detail::parse_json_text(l, j) || !j.is_object() || !j.contains("point") ||
        !j["point"].is_number_unsigned() || !j.contains("parameters") ||
        !j["parameters"].is_object()) {
      fail_results(jsonl_, line, "not a JSON object with \"point\" and \"parameters\"");
    }
    const std::uint64_t index = j["point"].get<std::uint64_t>();
    if (index >= sweep_.point_count()) {
      fail_results(
          jsonl_, line,
          fmt::format("point {} is not in this sweep, which has {}", index, sweep_.point_count()));
    }
    if (rows.count(index) != 0) fail_results(jsonl_, line, fmt::format("point {} again", index));
    const SweepPoint p = sweep_point(sweep_, index);
    for (std::size_t k = 0; k < sweep_.parameters.size(); ++k) {
      const auto& name = sweep_.parameters[k].name;
      if (!j["parameters"].contains(name) || j["parameters"][name] != p.values[k]) {
        fail_results(
            jsonl_, line,
            fmt::format("point {}'s {} is not this sweep's ({})", index, name, p.values[k].dump()));
      }
    }
    rows[index].jsonl = std::string(l) + "\n";
    pos = end + 1;
    ++line;
  }
  return rows;
}

std::uint64_t SweepResults::load() {
  std::map<std::uint64_t, Row> csv_rows;
  std::map<std::uint64_t, Row> jsonl_rows;
  if (!csv_.empty()) {
    if (auto text = detail::read_text_file_if_present(csv_, "results file")) {
      csv_rows = read_csv(*text);
    }
  }
  if (!jsonl_.empty()) {
    if (auto text = detail::read_text_file_if_present(jsonl_, "results file")) {
      jsonl_rows = read_jsonl(*text);
    }
  }
  std::map<std::uint64_t, Row> rows;
  if (!csv_.empty() && !jsonl_.empty()) {
    for (auto& [index, row] : csv_rows) {
      const auto other = jsonl_rows.find(index);
      if (other == jsonl_rows.end()) continue;
      rows[index] = Row{std::move(row.csv), std::move(other->second.jsonl)};
    }
  } else {
    rows = csv_.empty() ? std::move(jsonl_rows) : std::move(csv_rows);
  }
  rows_ = std::move(rows);
  dirty_ = true;  // the next publish writes both files as they now stand
  return rows_.size();
}

void SweepResults::add(std::uint64_t index, std::string csv_row, std::string jsonl_row) {
  rows_[index] = Row{std::move(csv_row), std::move(jsonl_row)};
  dirty_ = true;
}

std::string SweepResults::csv_text() const {
  std::string out = header_;
  for (const auto& [index, row] : rows_) out += row.csv;
  return out;
}

std::string SweepResults::jsonl_text() const {
  std::string out;
  for (const auto& [index, row] : rows_) out += row.jsonl;
  return out;
}

bool SweepResults::publish(std::chrono::milliseconds min_interval) {
  const auto now = std::chrono::steady_clock::now();
  if (min_interval.count() > 0 && last_publish_ && now - *last_publish_ < min_interval) {
    return false;
  }
  if (!dirty_ && last_publish_) return false;
  if (!csv_.empty()) detail::write_file_atomically(csv_, csv_text());
  if (!jsonl_.empty()) detail::write_file_atomically(jsonl_, jsonl_text());
  last_publish_ = now;
  dirty_ = false;
  return true;
}

}  // namespace bioxen::cli
