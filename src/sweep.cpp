// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Paths into a scenario's JSON and parameter sweeps (include/bioxen/sweep.hpp).
#include "bioxen/sweep.hpp"

#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>

#include "bioxen/detail/json_read.hpp"
#include "bioxen/detail/utf8.hpp"
#include "bioxen/error_details.hpp"
#include "detail/text_io.hpp"

namespace bioxen {

namespace {

[[noreturn]] void fail_argument(std::string message, nlohmann::json details = {}) {
  if (details.is_null()) details = nlohmann::json::object();
  throw BioXenException(BioXenErrorCode::invalid_argument, std::move(message), std::move(details));
}

bool is_key_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

/// "vms[0].allocation": the path up to and including `steps[0..n)`.
std::string path_text(const std::vector<PathStep>& steps, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    if (steps[i].is_index) {
      out += fmt::format("[{}]", steps[i].index);
    } else {
      if (!out.empty()) out += '.';
      out += steps[i].key;
    }
  }
  return out;
}

/// "a string (\"ecoli\")", "an array of 2", "null": what a value is, for messages.
std::string value_kind(const nlohmann::json& v) {
  if (v.is_array()) return fmt::format("an array of {}", v.size());
  if (v.is_object()) return "an object";
  const std::string text = v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (v.is_null()) return "null";
  if (text.size() > 40) return std::string(detail::json_kind(v));
  return fmt::format("{} ({})", detail::json_kind(v), text);
}

}  // namespace

std::vector<PathStep> parse_scenario_path(std::string_view path) {
  const auto fail = [&](std::size_t pos, std::string_view what) {
    fail_argument(fmt::format("'{}': {} at position {}", detail::printable(path), what, pos + 1),
                  {{"path", detail::printable(path)}, {"position", pos + 1}});
  };
  if (path.empty()) fail_argument("the path is empty (write e.g. vms[0].allocation.ribosomes)");
  std::vector<PathStep> steps;
  std::size_t i = 0;
  const auto key = [&](std::size_t at) {
    std::size_t end = at;
    while (end < path.size() && is_key_char(path[end])) ++end;
    if (end == at) {
      fail(at, at < path.size()
                   ? fmt::format("expected a key, got '{}'", detail::printable(path.substr(at, 1)))
                   : std::string("expected a key after the end"));
    }
    steps.push_back(PathStep{std::string(path.substr(at, end - at)), 0, false});
    return end;
  };
  i = key(0);
  while (i < path.size()) {
    if (path[i] == '.') {
      i = key(i + 1);
    } else if (path[i] == '[') {
      std::size_t end = i + 1;
      while (end < path.size() && path[end] >= '0' && path[end] <= '9') ++end;
      if (end == i + 1) fail(i + 1, "expected an index (digits) after '['");
      if (end >= path.size() || path[end] != ']') fail(end, "expected ']' after the index");
      std::size_t index = 0;
      const auto [ptr, ec] = std::from_chars(path.data() + i + 1, path.data() + end, index);
      if (ec != std::errc{} || ptr != path.data() + end) fail(i + 1, "the index is too large");
      steps.push_back(PathStep{{}, index, true});
      i = end + 1;
    } else {
      fail(i, fmt::format("expected '.' or '[', got '{}'", detail::printable(path.substr(i, 1))));
    }
  }
  return steps;
}

void apply_scenario_override(nlohmann::json& scenario, std::string_view path,
                             const nlohmann::json& value) {
  const std::vector<PathStep> steps = parse_scenario_path(path);
  const auto fail = [&](std::size_t step, const std::string& why) {
    fail_argument(why, {{"path", std::string(path)}, {"at", path_text(steps, step + 1)}});
  };
  nlohmann::json result = scenario;  // changed only when every step applies
  nlohmann::json* at = &result;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const PathStep& step = steps[i];
    const bool last = i + 1 == steps.size();
    const std::string here = path_text(steps, i);  // "" at the top level
    const std::string there = path_text(steps, i + 1);
    const std::string container = here.empty() ? "the scenario" : fmt::format("'{}'", here);
    if (step.is_index) {
      if (!at->is_array()) {
        fail(i, fmt::format("{} is {}, not an array: there is no {}", container, value_kind(*at),
                            there));
      }
      if (step.index >= at->size()) {
        fail(i, at->empty()
                    ? fmt::format("there is no {}: {} is empty", there, container)
                    : fmt::format("there is no {}: {} has {} element{} (0 to {})", there, container,
                                  at->size(), at->size() == 1 ? "" : "s", at->size() - 1));
      }
      at = &(*at)[step.index];
      continue;
    }
    if (!at->is_object()) {
      fail(i, fmt::format("{} is {}, not an object: there is no {}", container, value_kind(*at),
                          there));
    }
    if (!at->contains(step.key)) {
      if (!last && steps[i + 1].is_index) {
        fail(i, fmt::format("there is no {} (no key '{}' in {})", path_text(steps, i + 2), step.key,
                            container));
      }
      (*at)[step.key] = nlohmann::json::object();  // filled by the next steps
    }
    at = &(*at)[step.key];
  }
  *at = value;
  scenario = std::move(result);
}

// --- sweeps ------------------------------------------------------------------------------

std::string_view to_string(SweepCombination c) noexcept {
  return c == SweepCombination::zip ? "zip" : "grid";
}

namespace {

constexpr std::uint64_t max_range_steps = 100'000;

/// A value for messages: its JSON text, cut at 60 characters.
std::string shown_value(const nlohmann::json& v) {
  std::string text = v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

/// Where the reader is, for messages: "<source>: <field>: <message>".
class SweepReader {
 public:
  explicit SweepReader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(std::string_view field, std::string_view message) const {
    throw BioXenException(BioXenErrorCode::invalid_configuration,
                          fmt::format("{}: {}: {}", source_, field, message),
                          {{"file", source_}, {"field", std::string(field)}});
  }

  void check_keys(const nlohmann::json& obj, std::string_view field,
                  std::initializer_list<std::string_view> allowed) const {
    for (const auto& item : obj.items()) {
      if (std::find(allowed.begin(), allowed.end(), item.key()) != allowed.end()) continue;
      const std::string where =
          field.empty() ? item.key() : fmt::format("{}.{}", field, item.key());
      detail::fail_unknown_key(detail::JsonContext{BioXenErrorCode::invalid_configuration, ""},
                               field, item.key(), allowed, {{"file", source_}, {"field", where}},
                               source_);
    }
  }

  const nlohmann::json& object(const nlohmann::json& v, std::string_view field) const {
    if (!v.is_object()) {
      fail(field, fmt::format("expected an object, got {}", detail::json_kind(v)));
    }
    return v;
  }

  std::string text(const nlohmann::json& v, std::string_view field) const {
    if (!v.is_string()) fail(field, fmt::format("expected a string, got {}", detail::json_kind(v)));
    return v.get<std::string>();
  }

  double number(const nlohmann::json& v, std::string_view field) const {
    if (!v.is_number()) fail(field, fmt::format("expected a number, got {}", detail::json_kind(v)));
    const double d = v.get<double>();
    if (!std::isfinite(d)) fail(field, "expected a finite number");
    return d;
  }

  std::uint64_t whole(const nlohmann::json& v, std::string_view field, std::uint64_t lo,
                      std::uint64_t hi) const {
    if (!v.is_number_integer()) {
      fail(field, fmt::format("expected a whole number from {} to {}, got {}", lo, hi,
                              v.is_number() ? shown_value(v) : std::string(detail::json_kind(v))));
    }
    if (v.is_number_unsigned() ? v.get<std::uint64_t>() < lo || v.get<std::uint64_t>() > hi
                               : v.get<std::int64_t>() < static_cast<std::int64_t>(lo) ||
                                     v.get<std::int64_t>() > static_cast<std::int64_t>(hi)) {
      fail(field, fmt::format("{} is out of range ({} to {})", shown_value(v), lo, hi));
    }
    return v.get<std::uint64_t>();
  }

  const std::string& source() const noexcept { return source_; }

 private:
  std::string source_;
};

/// The values of a "range" object.
std::vector<nlohmann::json> range_values(const SweepReader& r, const nlohmann::json& range,
                                         const std::string& field) {
  r.object(range, field);
  r.check_keys(range, field, {"from", "to", "steps", "scale", "integer"});
  for (const char* key : {"from", "to", "steps"}) {
    if (!range.contains(key)) r.fail(field, fmt::format("a range needs \"{}\"", key));
  }
  const double from = r.number(range["from"], field + ".from");
  const double to = r.number(range["to"], field + ".to");
  const auto steps = r.whole(range["steps"], field + ".steps", 2, max_range_steps);
  bool log = false;
  if (range.contains("scale")) {
    const std::string scale = r.text(range["scale"], field + ".scale");
    if (scale == "log") {
      log = true;
    } else if (scale != "linear") {
      r.fail(field + ".scale",
             fmt::format("'{}' is not a scale (expected linear or log)", detail::printable(scale)));
    }
  }
  bool integer = false;
  if (range.contains("integer")) {
    if (!range["integer"].is_boolean()) {
      r.fail(field + ".integer",
             fmt::format("expected true or false, got {}", detail::json_kind(range["integer"])));
    }
    integer = range["integer"].get<bool>();
  }
  if (from == to) r.fail(field, fmt::format("\"from\" and \"to\" are both {}", from));
  if (log && (from <= 0 || to <= 0)) {
    r.fail(field, fmt::format("a log range needs positive ends, got {} to {}", from, to));
  }
  std::vector<nlohmann::json> values;
  values.reserve(steps);
  const double n = static_cast<double>(steps - 1);
  for (std::uint64_t i = 0; i < steps; ++i) {
    const double t = static_cast<double>(i) / n;
    double v = 0;
    if (i == 0) {
      v = from;
    } else if (i + 1 == steps) {
      v = to;
    } else if (log) {
      v = std::exp(std::log(from) + (std::log(to) - std::log(from)) * t);
    } else {
      v = from + (to - from) * t;
    }
    if (integer) {
      const double rounded = std::round(v);
      if (std::fabs(rounded) > 9007199254740992.0) {  // 2^53: beyond it doubles skip integers
        r.fail(field, fmt::format("{} is too large for an integer value", v));
      }
      const auto k = static_cast<std::int64_t>(rounded);
      if (!values.empty() && values.back().get<std::int64_t>() == k) {
        r.fail(field, fmt::format("rounded to integers, values {} and {} are both {}: take fewer "
                                  "steps or a wider range",
                                  i - 1, i, k));
      }
      values.emplace_back(k);
    } else {
      values.emplace_back(v);
    }
  }
  return values;
}

/// The index of each parameter's value at point `index`.
std::vector<std::size_t> value_indices(const Sweep& sweep, std::uint64_t index) {
  std::vector<std::size_t> at(sweep.parameters.size(), 0);
  if (sweep.combination == SweepCombination::zip) {
    std::fill(at.begin(), at.end(), static_cast<std::size_t>(index));
    return at;
  }
  std::uint64_t rest = index;
  for (std::size_t p = sweep.parameters.size(); p-- > 0;) {
    const auto n = static_cast<std::uint64_t>(sweep.parameters[p].values.size());
    at[p] = static_cast<std::size_t>(rest % n);
    rest /= n;
  }
  return at;
}

/// The base with `value` set at the parameter's path; a path that does not apply is the
/// sweep's error naming the parameter and the value.
void set_value(const Sweep& sweep, const SweepParameter& p, nlohmann::json& scenario,
               const nlohmann::json& value) {
  try {
    apply_scenario_override(scenario, p.path, value);
  } catch (const BioXenException& e) {
    throw BioXenException(
        BioXenErrorCode::invalid_configuration,
        fmt::format("{}: {}: {} = {}: {}", sweep.source, p.field, p.path, shown_value(value),
                    e.message()),
        {{"file", sweep.source}, {"field", p.field}, {"path", p.path}, {"value", value}});
  }
}

}  // namespace

std::uint64_t Sweep::point_count() const noexcept {
  if (parameters.empty()) return 0;
  if (combination == SweepCombination::zip) return parameters.front().values.size();
  std::uint64_t n = 1;
  for (const auto& p : parameters) {
    const auto k = static_cast<std::uint64_t>(p.values.size());
    if (k == 0) return 0;
    if (n > max_sweep_points / k) return max_sweep_points + 1;  // checked by parse_sweep()
    n *= k;
  }
  return n;
}

Sweep parse_sweep(const nlohmann::json& j, std::string_view source,
                  const std::filesystem::path& base_dir) {
  SweepReader r{std::string(source)};
  if (!j.is_object()) {
    throw BioXenException(
        BioXenErrorCode::invalid_configuration,
        fmt::format("{}: a sweep is a JSON object, got {}", source, detail::json_kind(j)),
        {{"file", std::string(source)}});
  }
  r.check_keys(j, "", {"name", "description", "base", "parameters", "combine", "replicates"});
  Sweep s;
  s.source = std::string(source);
  s.base_dir = base_dir;
  if (j.contains("name")) s.name = r.text(j["name"], "name");
  if (j.contains("description")) s.description = r.text(j["description"], "description");

  if (!j.contains("base")) r.fail("base", "a sweep needs a base scenario (an object or a file)");
  const auto& base = j["base"];
  if (base.is_string()) {
    const std::string name = base.get<std::string>();
    if (name.empty()) r.fail("base", "the base scenario's file name is empty");
    std::filesystem::path file = name;
    if (file.is_relative()) file = base_dir / file;
    const std::string text = detail::read_text_file(file, "base scenario file");
    s.base = detail::parse_json_file_text(text, file);
    s.base_source = file.string();
    s.base_dir = file.parent_path();
  } else if (base.is_object()) {
    s.base = base;
    s.base_source = fmt::format("{}: base", source);
  } else {
    r.fail("base", fmt::format("expected a scenario (an object) or its file name, got {}",
                               detail::json_kind(base)));
  }
  if (!s.base.is_object()) {
    r.fail("base", fmt::format("the base scenario in '{}' is {}, not an object", s.base_source,
                               detail::json_kind(s.base)));
  }

  if (j.contains("combine")) {
    const std::string c = r.text(j["combine"], "combine");
    if (c == "zip") {
      s.combination = SweepCombination::zip;
    } else if (c != "grid") {
      r.fail("combine",
             fmt::format("'{}' is not a combination (expected grid or zip)", detail::printable(c)));
    }
  }
  if (j.contains("replicates")) {
    const auto& rep = j["replicates"];
    if (!rep.is_number_integer() || rep.get<std::int64_t>() != 1) {
      r.fail("replicates",
             fmt::format("{}: only 1 is possible: a run has no random seed (the same scenario "
                         "gives the same numbers every time), so replicates would repeat them",
                         shown_value(rep)));
    }
  }

  if (!j.contains("parameters")) r.fail("parameters", "a sweep needs parameters to vary");
  const auto& params = j["parameters"];
  if (!params.is_array() || params.empty()) {
    r.fail("parameters", params.is_array() ? std::string("the list is empty")
                                           : fmt::format("expected a list of parameters, got {}",
                                                         detail::json_kind(params)));
  }
  for (std::size_t i = 0; i < params.size(); ++i) {
    const std::string field = fmt::format("parameters[{}]", i);
    const auto& pj = r.object(params[i], field);
    r.check_keys(pj, field, {"path", "name", "values", "range"});
    SweepParameter p;
    p.field = field;
    if (!pj.contains("path")) r.fail(field, "a parameter needs a \"path\" into the scenario");
    p.path = r.text(pj["path"], field + ".path");
    try {
      (void)parse_scenario_path(p.path);
    } catch (const BioXenException& e) {
      r.fail(field + ".path", e.message());
    }
    p.name = p.path;
    if (pj.contains("name")) {
      p.name = r.text(pj["name"], field + ".name");
      const bool control = std::any_of(p.name.begin(), p.name.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
      });
      if (p.name.empty() || control) {
        r.fail(field + ".name", "a column name must be non-empty text without control characters");
      }
    }
    if (pj.contains("values") == pj.contains("range")) {
      r.fail(field, "give either \"values\" (a list) or \"range\" (from, to, steps)");
    }
    if (pj.contains("values")) {
      const auto& v = pj["values"];
      if (!v.is_array() || v.empty()) {
        r.fail(field + ".values", v.is_array() ? std::string("the list is empty")
                                               : fmt::format("expected a list of values, got {}",
                                                             detail::json_kind(v)));
      }
      for (std::size_t k = 0; k < v.size(); ++k) {
        for (std::size_t m = 0; m < k; ++m) {
          if (v[m] == v[k]) {
            r.fail(fmt::format("{}.values[{}]", field, k),
                   fmt::format("{} is values[{}] already", shown_value(v[k]), m));
          }
        }
        p.values.push_back(v[k]);
      }
    } else {
      p.values = range_values(r, pj["range"], field + ".range");
    }
    for (const auto& q : s.parameters) {
      if (q.path == p.path)
        r.fail(field + ".path", fmt::format("{} varies in {} already", p.path, q.field));
      if (q.name == p.name) {
        r.fail(field + ".name",
               fmt::format("the column '{}' is {}'s already", detail::printable(p.name), q.field));
      }
    }
    s.parameters.push_back(std::move(p));
  }
  if (s.combination == SweepCombination::zip) {
    const auto n = s.parameters.front().values.size();
    for (const auto& p : s.parameters) {
      if (p.values.size() != n) {
        r.fail(p.field, fmt::format("zip needs the same number of values in every parameter: {} "
                                    "has {}, {} has {}",
                                    s.parameters.front().field, n, p.field, p.values.size()));
      }
    }
  }
  if (s.point_count() > max_sweep_points) {
    r.fail("parameters", fmt::format("the grid has more than {} points", max_sweep_points));
  }
  return s;
}

Sweep read_sweep_file(const std::filesystem::path& file) {
  const std::string text = detail::read_text_file(file, "sweep file");
  const nlohmann::json j = detail::parse_json_file_text(text, file);
  return parse_sweep(j, file.string(), file.parent_path());
}

SweepPoint sweep_point(const Sweep& sweep, std::uint64_t index) {
  const std::uint64_t n = sweep.point_count();
  if (index >= n) {
    throw BioXenException(BioXenErrorCode::invalid_argument,
                          fmt::format("{}: there is no point {}: the sweep has {} (0 to {})",
                                      sweep.source, index, n, n == 0 ? 0 : n - 1),
                          {{"file", sweep.source}, {"point", index}});
  }
  SweepPoint p;
  p.index = index;
  p.scenario = sweep.base;
  const auto at = value_indices(sweep, index);
  for (std::size_t k = 0; k < sweep.parameters.size(); ++k) {
    const auto& param = sweep.parameters[k];
    p.values.push_back(param.values[at[k]]);
    set_value(sweep, param, p.scenario, param.values[at[k]]);
  }
  return p;
}

void check_sweep_values(const Sweep& sweep,
                        const std::function<void(const nlohmann::json&)>& check) {
  for (const auto& p : sweep.parameters) {
    for (const auto& value : p.values) {
      nlohmann::json scenario = sweep.base;
      set_value(sweep, p, scenario, value);
      try {
        check(scenario);
      } catch (const BioXenException& e) {
        throw BioXenException(e.code(),
                              fmt::format("{}: {}: {} = {}: {}", sweep.source, p.field, p.path,
                                          shown_value(value), e.message()),
                              {{"file", sweep.source},
                               {"field", p.field},
                               {"path", p.path},
                               {"value", value},
                               {"reason", e.details()}});
      }
    }
  }
}

std::vector<std::uint64_t> sweep_points_to_run(const Sweep& sweep, const SweepRunOptions& options) {
  if (options.shards == 0 || options.shard >= options.shards) {
    throw BioXenException(BioXenErrorCode::invalid_argument,
                          fmt::format("shard {} of {}: expected shards >= 1 and shard < shards",
                                      options.shard, options.shards),
                          {{"shard", options.shard}, {"shards", options.shards}});
  }
  std::vector<std::uint64_t> out;
  const std::uint64_t n = sweep.point_count();
  for (std::uint64_t i = options.shard; i < n; i += options.shards) {
    if (options.skip && options.skip(i)) continue;
    out.push_back(i);
  }
  return out;
}

SweepRunSummary run_sweep(const Sweep& sweep, const SweepPointFunction& run_point,
                          const SweepCallback& on_point, const SweepRunOptions& options) {
  const bool supplied = static_cast<bool>(options.next_point);
  const std::vector<std::uint64_t> todo =
      supplied ? std::vector<std::uint64_t>{} : sweep_points_to_run(sweep, options);
  SweepRunSummary summary;
  summary.points = todo.size();
  if (!supplied) {
    std::uint64_t in_shard = 0;
    for (std::uint64_t i = options.shard; i < sweep.point_count(); i += options.shards) ++in_shard;
    summary.skipped = in_shard - todo.size();
    if (todo.empty()) return summary;
  }
  unsigned jobs = options.jobs != 0 ? options.jobs : std::thread::hardware_concurrency();
  jobs = std::max(1U, jobs);
  if (!supplied && jobs > todo.size()) jobs = static_cast<unsigned>(todo.size());

  std::atomic<std::size_t> next{0};
  std::mutex supply_mutex;  // next_point calls and summary.points, with a supply
  bool supply_ended = false;
  /// The next point to run, or nullopt at the end.
  const auto next_index = [&]() -> std::optional<std::uint64_t> {
    if (!supplied) {
      const std::size_t i = next.fetch_add(1);
      if (i >= todo.size()) return std::nullopt;
      return todo[i];
    }
    const std::lock_guard lock{supply_mutex};
    if (supply_ended) return std::nullopt;
    const std::optional<std::uint64_t> i = options.next_point();
    if (!i) {
      supply_ended = true;
      return std::nullopt;
    }
    if (*i >= sweep.point_count()) {
      supply_ended = true;
      throw BioXenException(
          BioXenErrorCode::invalid_argument,
          fmt::format("next_point gave point {}; the sweep has {} points", *i, sweep.point_count()),
          {{"point", *i}, {"points", sweep.point_count()}});
    }
    ++summary.points;
    return i;
  };
  std::atomic<bool> abort{false};
  std::mutex mutex;  // on_point calls, the summary and `failure`
  std::exception_ptr failure;
  const auto stopping = [&] {
    return abort.load() || (options.stop != nullptr && options.stop->load());
  };
  const auto work = [&] {
    for (;;) {
      if (stopping()) return;
      std::optional<std::uint64_t> i;
      try {
        i = next_index();
      } catch (...) {
        const std::lock_guard lock{mutex};
        if (!failure) failure = std::current_exception();
        abort = true;
        return;
      }
      if (!i) return;
      SweepPointResult r;
      r.index = *i;
      try {
        const auto at = value_indices(sweep, r.index);
        for (std::size_t k = 0; k < sweep.parameters.size(); ++k) {
          r.values.push_back(sweep.parameters[k].values[at[k]]);
        }
        const SweepPoint point = sweep_point(sweep, r.index);
        r.metrics = run_point(point);
      } catch (const BioXenException& e) {
        r.error = e.code();
        r.error_message = e.message();
        r.metrics.clear();
      } catch (...) {
        const std::lock_guard lock{mutex};
        if (!failure) failure = std::current_exception();
        abort = true;
        return;
      }
      const std::lock_guard lock{mutex};
      if (abort) return;
      const bool failed = !r.ok();
      try {
        on_point(std::move(r));
      } catch (...) {
        if (!failure) failure = std::current_exception();
        abort = true;
        return;
      }
      ++summary.run;
      if (failed) ++summary.failed;
    }
  };
  if (jobs == 1) {
    work();
  } else {
    std::vector<std::jthread> threads;
    threads.reserve(jobs);
    for (unsigned t = 0; t < jobs; ++t) threads.emplace_back(work);
  }
  if (failure) std::rethrow_exception(failure);
  summary.stopped = summary.run < summary.points ||
                    (supplied && !supply_ended && options.stop != nullptr && options.stop->load());
  return summary;
}

}  // namespace bioxen
