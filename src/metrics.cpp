// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// PerformanceMetrics, the statistics helpers, the JSON adapters of the metrics' value types,
// the Prometheus export and the fmt formatters declared in bioxen/metrics.hpp. The JSON shapes
// are described once per struct, in the field tables below.
#include "bioxen/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <iterator>
#include <limits>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <utility>

#include "bioxen/error_details.hpp"
#include "detail/fields.hpp"
#include "detail/metrics_text.hpp"
#include "detail/ring_buffer.hpp"

namespace bioxen {

// ---------------------------------------------------------------------------------------
// Statistics helpers
// ---------------------------------------------------------------------------------------

double nearest_rank_percentile(std::span<const double> sorted, double percent) {
  if (!(percent >= 0.0 && percent <= 100.0)) {
    throw BioXenException(BioXenErrorCode::invalid_argument,
                          fmt::format("percentile {} is outside [0, 100]", percent),
                          {{"percent", percent}});
  }
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const auto n = static_cast<std::uint64_t>(sorted.size());
  const auto ppm = static_cast<std::uint64_t>(std::llround(percent * 1e4));  // 95 % -> 950000
  std::uint64_t rank = (ppm * n + 999'999) / 1'000'000;                      // ceil(ppm·n/1e6)
  rank = std::clamp<std::uint64_t>(rank, 1, n);
  return sorted[static_cast<std::size_t>(rank - 1)];
}

double jain_fairness_index(std::span<const double> x) noexcept {
  double sum = 0.0;
  double sum_sq = 0.0;
  for (double v : x) {
    const double c = v > 0.0 ? v : 0.0;
    sum += c;
    sum_sq += c * c;
  }
  if (x.empty() || sum_sq == 0.0) return 1.0;
  return (sum * sum) / (static_cast<double>(x.size()) * sum_sq);
}

LatencyStats LatencyStats::from_window(std::vector<double> window) {
  LatencyStats s;
  if (window.empty()) return s;
  std::sort(window.begin(), window.end());
  double sum = 0.0;
  for (double v : window) sum += v;
  s.count = window.size();
  s.avg_latency = sum / static_cast<double>(window.size());
  s.min_latency = window.front();
  s.max_latency = window.back();
  s.p50 = nearest_rank_percentile(window, 50);
  s.p95 = nearest_rank_percentile(window, 95);
  s.p99 = nearest_rank_percentile(window, 99);
  return s;
}

std::string error_key(std::error_code error) {
  if (!error) return "unknown";
  if (error.category() == bioxen_category()) {
    return error_code_string(static_cast<BioXenErrorCode>(error.value()));
  }
  return fmt::format("{}:{}", error.category().name(), error.value());
}

// ---------------------------------------------------------------------------------------
// PerformanceMetrics
// ---------------------------------------------------------------------------------------

struct PerformanceMetrics::Impl {
  struct OpRecord {
    explicit OpRecord(std::size_t window) : latencies(window) {}
    std::uint64_t success = 0;
    std::uint64_t failure = 0;
    double total_latency = 0.0;
    detail::RingBuffer<double> latencies;
  };

  explicit Impl(std::size_t latency_window)
      : window(latency_window), start(std::chrono::steady_clock::now()) {}

  /// The record of `operation`, created on first use (caller holds mutex).
  OpRecord& op_record(std::string_view operation) {
    auto it = ops.find(operation);
    if (it == ops.end()) it = ops.emplace(std::string(operation), OpRecord(window)).first;
    return it->second;
  }

  static LatencyStats stats_of(const OpRecord& r) {
    LatencyStats s = LatencyStats::from_window(r.latencies.to_vector());
    s.total_count = r.latencies.total_pushed();
    s.total_latency = r.total_latency;
    return s;
  }

  mutable std::mutex mutex;
  std::size_t window;
  std::chrono::steady_clock::time_point start;
  std::map<std::string, OpRecord, std::less<>> ops;
  std::map<std::string, std::uint64_t, std::less<>> errors;
  ResourceUtilization utilization;
  QuantumTotals quanta;
};

namespace {

void check_operation_name(std::string_view operation) {
  if (operation.empty()) {
    throw BioXenException(BioXenErrorCode::invalid_argument, "operation name is empty");
  }
}

void check_latency(std::string_view operation, double latency_seconds) {
  check_operation_name(operation);
  if (!(latency_seconds >= 0.0)) {
    throw BioXenException(
        BioXenErrorCode::invalid_argument,
        fmt::format("latency {} s of operation '{}' is negative", latency_seconds, operation),
        {{"operation", operation}});
  }
}

}  // namespace

PerformanceMetrics::PerformanceMetrics(std::size_t latency_window) {
  if (latency_window == 0 || latency_window > max_latency_window) {
    throw BioXenException(
        BioXenErrorCode::invalid_argument,
        fmt::format("latency window {} is outside [1, {}]", latency_window, max_latency_window),
        {{"latency_window", latency_window}});
  }
  impl_ = std::make_unique<Impl>(latency_window);
}

PerformanceMetrics::~PerformanceMetrics() = default;

void PerformanceMetrics::record_operation(std::string_view operation, double latency_seconds,
                                          bool success, std::error_code error) {
  check_latency(operation, latency_seconds);
  std::lock_guard lock(impl_->mutex);
  Impl::OpRecord& r = impl_->op_record(operation);
  (success ? r.success : r.failure) += 1;
  r.latencies.push(latency_seconds);
  r.total_latency += latency_seconds;
  if (!success) ++impl_->errors[error_key(error)];
}

void PerformanceMetrics::record_latency(std::string_view operation, double latency_seconds) {
  check_latency(operation, latency_seconds);
  std::lock_guard lock(impl_->mutex);
  Impl::OpRecord& r = impl_->op_record(operation);
  r.latencies.push(latency_seconds);
  r.total_latency += latency_seconds;
}

void PerformanceMetrics::count_operations(std::string_view operation, std::uint64_t count,
                                          bool success, std::error_code error) {
  check_operation_name(operation);
  if (count == 0) return;
  std::lock_guard lock(impl_->mutex);
  Impl::OpRecord& r = impl_->op_record(operation);
  (success ? r.success : r.failure) += count;
  if (!success) impl_->errors[error_key(error)] += count;
}

void PerformanceMetrics::count_operations(std::span<const OperationCount> successes) {
  for (const OperationCount& c : successes) check_operation_name(c.operation);
  std::lock_guard lock(impl_->mutex);
  for (const OperationCount& c : successes) {
    if (c.count == 0) continue;
    impl_->op_record(c.operation).success += c.count;
  }
}

void PerformanceMetrics::record_quanta(const QuantumTotals& t) {
  std::lock_guard lock(impl_->mutex);
  QuantumTotals& q = impl_->quanta;
  q.quanta += t.quanta;
  q.context_switches += t.context_switches;
  q.throttle_events += t.throttle_events;
  q.amino_acids += t.amino_acids;
  q.ribosome_unit_quanta += t.ribosome_unit_quanta;
  q.host_state_changes += t.host_state_changes;
}

void PerformanceMetrics::record_quantum(bool context_switch, std::uint64_t throttle_events,
                                        double amino_acids, double ribosome_units,
                                        bool host_state_changed) {
  std::lock_guard lock(impl_->mutex);
  QuantumTotals& q = impl_->quanta;
  q.quanta += 1;
  q.context_switches += context_switch ? 1 : 0;
  q.throttle_events += throttle_events;
  q.amino_acids += amino_acids;
  q.ribosome_unit_quanta += ribosome_units;
  q.host_state_changes += host_state_changed ? 1 : 0;
}

QuantumTotals PerformanceMetrics::quantum_totals() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->quanta;
}

void PerformanceMetrics::update_resource_utilization(const ResourceUtilization& utilization) {
  std::lock_guard lock(impl_->mutex);
  impl_->utilization = utilization;
}

std::size_t PerformanceMetrics::latency_window() const noexcept { return impl_->window; }

std::uint64_t PerformanceMetrics::success_count(std::string_view operation) const {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->ops.find(operation);
  return it == impl_->ops.end() ? 0 : it->second.success;
}

std::uint64_t PerformanceMetrics::failure_count(std::string_view operation) const {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->ops.find(operation);
  return it == impl_->ops.end() ? 0 : it->second.failure;
}

std::uint64_t PerformanceMetrics::error_count(BioXenErrorCode code) const {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->errors.find(error_code_string(code));
  return it == impl_->errors.end() ? 0 : it->second;
}

std::vector<double> PerformanceMetrics::latency_window(std::string_view operation) const {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->ops.find(operation);
  return it == impl_->ops.end() ? std::vector<double>{} : it->second.latencies.to_vector();
}

std::optional<LatencyStats> PerformanceMetrics::latency_stats(std::string_view operation) const {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->ops.find(operation);
  if (it == impl_->ops.end()) return std::nullopt;
  return Impl::stats_of(it->second);
}

std::uint64_t PerformanceMetrics::total_operations() const {
  std::lock_guard lock(impl_->mutex);
  std::uint64_t n = 0;
  for (const auto& [name, r] : impl_->ops) n += r.success + r.failure;
  return n;
}

double PerformanceMetrics::error_rate() const {
  std::lock_guard lock(impl_->mutex);
  std::uint64_t total = 0;
  std::uint64_t failed = 0;
  for (const auto& [name, r] : impl_->ops) {
    total += r.success + r.failure;
    failed += r.failure;
  }
  return total == 0 ? 0.0 : static_cast<double>(failed) / static_cast<double>(total);
}

ResourceUtilization PerformanceMetrics::resource_utilization() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->utilization;
}

double PerformanceMetrics::uptime_seconds() const {
  std::lock_guard lock(impl_->mutex);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - impl_->start).count();
}

PerformanceSummary PerformanceMetrics::summary() const {
  PerformanceSummary s;
  std::lock_guard lock(impl_->mutex);
  for (const auto& [name, r] : impl_->ops) {
    if (r.success > 0) s.vm_operations[name + "_success"] = r.success;
    if (r.failure > 0) s.vm_operations[name + "_failure"] = r.failure;
    s.total_operations += r.success + r.failure;
    s.failed_operations += r.failure;
    s.operation_statistics.emplace(name, Impl::stats_of(r));
  }
  s.error_counts.insert(impl_->errors.begin(), impl_->errors.end());
  s.resource_utilization = impl_->utilization;
  s.quanta = impl_->quanta;
  s.uptime_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - impl_->start).count();
  s.uptime_hours = s.uptime_seconds / 3600.0;
  s.error_rate = s.total_operations == 0 ? 0.0
                                         : static_cast<double>(s.failed_operations) /
                                               static_cast<double>(s.total_operations);
  return s;
}

void PerformanceMetrics::reset() {
  std::lock_guard lock(impl_->mutex);
  impl_->ops.clear();
  impl_->errors.clear();
  impl_->utilization = {};
  impl_->quanta = {};
  impl_->start = std::chrono::steady_clock::now();
}

// ---------------------------------------------------------------------------------------
// JSON adapters: one table per struct. These shapes are read leniently (other keys are
// ignored; nlohmann's exceptions for a missing key or a wrong type), and keys added after a
// shape was first written may be absent.
// ---------------------------------------------------------------------------------------

namespace {

using detail::field;

/// LatencyStats' window keys (required when read), then its totals.
const auto& latency_window_fields() {
  static const auto fields = std::tuple{field("count", &LatencyStats::count),
                                        field("avg_latency", &LatencyStats::avg_latency),
                                        field("max_latency", &LatencyStats::max_latency),
                                        field("min_latency", &LatencyStats::min_latency),
                                        field("p50", &LatencyStats::p50),
                                        field("p95", &LatencyStats::p95),
                                        field("p99", &LatencyStats::p99)};
  return fields;
}
const auto& latency_total_fields() {
  static const auto fields = std::tuple{field("total_count", &LatencyStats::total_count),
                                        field("total_latency", &LatencyStats::total_latency)};
  return fields;
}

const auto& utilization_required_fields() {
  static const auto fields =
      std::tuple{field("ribosome_utilization", &ResourceUtilization::ribosome_utilization),
                 field("atp_utilization", &ResourceUtilization::atp_utilization),
                 field("active_vm_ratio", &ResourceUtilization::active_vm_ratio)};
  return fields;
}
const auto& utilization_optional_fields() {
  static const auto fields = std::tuple{field("active_vms", &ResourceUtilization::active_vms),
                                        field("max_vms", &ResourceUtilization::max_vms)};
  return fields;
}

const auto& share_fields() {
  static const auto fields =
      std::tuple{field("vm_id", &VmServiceShare::vm_id),
                 field("state", &VmServiceShare::state),
                 field("running_seconds", &VmServiceShare::running_seconds),
                 field("waiting_seconds", &VmServiceShare::waiting_seconds),
                 field("ribosome_seconds", &VmServiceShare::ribosome_seconds),
                 field("service_share", &VmServiceShare::service_share),
                 field("context_switches", &VmServiceShare::context_switches),
                 field("throttle_events", &VmServiceShare::throttle_events)};
  return fields;
}

const auto& scheduling_required_fields() {
  static const auto fields =
      std::tuple{field("virtual_time_seconds", &SchedulingSnapshot::virtual_time_seconds),
                 field("vms", &SchedulingSnapshot::vms),
                 field("running_vms", &SchedulingSnapshot::running_vms),
                 field("fairness_index", &SchedulingSnapshot::fairness_index),
                 field("ribosome_seconds", &SchedulingSnapshot::ribosome_seconds),
                 field("context_switches", &SchedulingSnapshot::context_switches),
                 field("throttle_events", &SchedulingSnapshot::throttle_events),
                 field("vm_shares", &SchedulingSnapshot::vm_shares)};
  return fields;
}
const auto& scheduling_optional_fields() {
  static const auto fields = std::tuple{field("omitted_vms", &SchedulingSnapshot::omitted_vms)};
  return fields;
}

/// MonitorSample's keys but `host` (written and read by hand: null when absent).
const auto& sample_required_fields() {
  static const auto fields =
      std::tuple{field("timestamp_ms", &MonitorSample::timestamp_ms),
                 field("uptime_seconds", &MonitorSample::uptime_seconds),
                 field("resource_utilization", &MonitorSample::resource_utilization),
                 field("virtual_time_seconds", &MonitorSample::virtual_time_seconds),
                 field("vms", &MonitorSample::vms),
                 field("running_vms", &MonitorSample::running_vms),
                 field("fairness_index", &MonitorSample::fairness_index),
                 field("context_switches", &MonitorSample::context_switches),
                 field("throttle_events", &MonitorSample::throttle_events)};
  return fields;
}
const auto& sample_optional_fields() {
  static const auto fields = std::tuple{field("interval_seconds", &MonitorSample::interval_seconds),
                                        field("vm_shares", &MonitorSample::vm_shares),
                                        field("omitted_vms", &MonitorSample::omitted_vms)};
  return fields;
}

const auto& quanta_required_fields() {
  static const auto fields =
      std::tuple{field("quanta", &QuantumTotals::quanta),
                 field("context_switches", &QuantumTotals::context_switches),
                 field("throttle_events", &QuantumTotals::throttle_events),
                 field("amino_acids", &QuantumTotals::amino_acids),
                 field("ribosome_unit_quanta", &QuantumTotals::ribosome_unit_quanta)};
  return fields;
}
const auto& quanta_optional_fields() {
  static const auto fields =
      std::tuple{field("host_state_changes", &QuantumTotals::host_state_changes)};
  return fields;
}

/// PerformanceSummary's keys of the original library but `resource_utilization` (which gains
/// the `uptime` key), required when read.
const auto& summary_original_fields() {
  static const auto fields =
      std::tuple{field("vm_operations", &PerformanceSummary::vm_operations),
                 field("operation_statistics", &PerformanceSummary::operation_statistics),
                 field("uptime_hours", &PerformanceSummary::uptime_hours),
                 field("error_rate", &PerformanceSummary::error_rate)};
  return fields;
}
/// The keys added since (read by hand: their defaults depend on other keys).
const auto& summary_added_fields() {
  static const auto fields =
      std::tuple{field("error_counts", &PerformanceSummary::error_counts),
                 field("uptime_seconds", &PerformanceSummary::uptime_seconds),
                 field("total_operations", &PerformanceSummary::total_operations),
                 field("failed_operations", &PerformanceSummary::failed_operations),
                 field("samples_taken", &PerformanceSummary::samples_taken),
                 field("scheduling", &PerformanceSummary::scheduling),
                 field("quanta", &PerformanceSummary::quanta)};
  return fields;
}

/// Writes the fields of several tables into the object `j`.
template <class T, class... Tables>
void write_all(nlohmann::json& j, const T& value, const Tables&... tables) {
  detail::write_fields(j, value, std::tuple_cat(tables...));
}

/// An optional host as JSON: its object, or null when absent.
nlohmann::json optional_host_json(const std::optional<HostStatus>& host) {
  return host ? nlohmann::json(*host) : nlohmann::json(nullptr);
}

/// The optional host under `key` of `j` (absent or null: none).
std::optional<HostStatus> optional_host_from_json(const nlohmann::json& j, std::string_view key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<HostStatus>();
}

}  // namespace

void to_json(nlohmann::json& j, const LatencyStats& s) {
  write_all(j, s, latency_window_fields(), latency_total_fields());
}
void from_json(const nlohmann::json& j, LatencyStats& s) {
  detail::get_fields(j, s, latency_window_fields());
  s.total_count = j.value("total_count", s.count);
  s.total_latency = j.value("total_latency", s.avg_latency * static_cast<double>(s.count));
}

void to_json(nlohmann::json& j, const ResourceUtilization& u) {
  write_all(j, u, utilization_required_fields(), utilization_optional_fields());
}
void from_json(const nlohmann::json& j, ResourceUtilization& u) {
  detail::get_fields(j, u, utilization_required_fields());
  detail::get_fields_or_default(j, u, utilization_optional_fields());
}

void to_json(nlohmann::json& j, const VmServiceShare& v) { write_all(j, v, share_fields()); }
void from_json(const nlohmann::json& j, VmServiceShare& v) {
  detail::get_fields(j, v, share_fields());
}

void to_json(nlohmann::json& j, const SchedulingSnapshot& s) {
  write_all(j, s, scheduling_required_fields(), scheduling_optional_fields());
}
void from_json(const nlohmann::json& j, SchedulingSnapshot& s) {
  detail::get_fields(j, s, scheduling_required_fields());
  detail::get_fields_or_default(j, s, scheduling_optional_fields());
}

void to_json(nlohmann::json& j, const MonitorSample& s) {
  write_all(j, s, sample_required_fields(), sample_optional_fields());
  j["host"] = optional_host_json(s.host);
}
void from_json(const nlohmann::json& j, MonitorSample& s) {
  detail::get_fields(j, s, sample_required_fields());
  detail::get_fields_or_default(j, s, sample_optional_fields());
  s.host = optional_host_from_json(j, "host");
}

void to_json(nlohmann::json& j, const QuantumTotals& q) {
  write_all(j, q, quanta_required_fields(), quanta_optional_fields());
}
void from_json(const nlohmann::json& j, QuantumTotals& q) {
  detail::get_fields(j, q, quanta_required_fields());
  detail::get_fields_or_default(j, q, quanta_optional_fields());
}

void to_json(nlohmann::json& j, const PerformanceSummary& s) {
  write_all(j, s, summary_original_fields(), summary_added_fields());
  nlohmann::json util = s.resource_utilization;
  util["uptime"] = s.uptime_seconds;
  j["resource_utilization"] = std::move(util);
  j["host"] = optional_host_json(s.host);
}
void from_json(const nlohmann::json& j, PerformanceSummary& s) {
  detail::get_fields(j, s, summary_original_fields());
  j.at("resource_utilization").get_to(s.resource_utilization);
  s.error_counts = j.value("error_counts", decltype(s.error_counts){});
  s.uptime_seconds = j.value("uptime_seconds", s.uptime_hours * 3600.0);
  s.total_operations = 0;
  s.failed_operations = 0;
  for (const auto& [key, n] : s.vm_operations) {
    s.total_operations += n;
    if (key.ends_with("_failure")) s.failed_operations += n;
  }
  s.total_operations = j.value("total_operations", s.total_operations);
  s.failed_operations = j.value("failed_operations", s.failed_operations);
  s.samples_taken = j.value("samples_taken", std::uint64_t{0});
  s.scheduling = j.value("scheduling", SchedulingSnapshot{});
  s.quanta = j.value("quanta", QuantumTotals{});
  s.host = optional_host_from_json(j, "host");
}

// ---------------------------------------------------------------------------------------
// Prometheus text exposition format (version 0.0.4)
// ---------------------------------------------------------------------------------------

namespace detail {

std::string format_seconds(double s) {
  if (std::isnan(s)) return "nan";
  const double a = std::fabs(s);
  if (a != 0.0 && a < 1e-6) return fmt::format("{:.3g}ns", s * 1e9);
  if (a != 0.0 && a < 1e-3) return fmt::format("{:.3g}us", s * 1e6);
  if (a != 0.0 && a < 1.0) return fmt::format("{:.3g}ms", s * 1e3);
  return fmt::format("{:.3g}s", s);
}

std::string prometheus_escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string prometheus_escape_help(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string prometheus_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}
std::string prometheus_value(std::uint64_t v) { return fmt::format("{}", v); }

}  // namespace detail

namespace {

using detail::prometheus_escape_help;
using detail::prometheus_escape_label_value;
using detail::prometheus_value;

/// Writes metric families: a family's HELP and TYPE lines, then its samples.
class PrometheusWriter {
 public:
  using Labels = std::vector<std::pair<std::string_view, std::string_view>>;

  void family(std::string_view name, std::string_view type, std::string_view help) {
    fmt::format_to(std::back_inserter(out_), "# HELP {} {}\n# TYPE {} {}\n", name,
                   prometheus_escape_help(help), name, type);
  }
  template <class V>
  void sample(std::string_view name, const Labels& labels, V value) {
    out_ += name;
    if (!labels.empty()) {
      out_ += '{';
      bool first = true;
      for (const auto& [k, v] : labels) {
        if (!first) out_ += ',';
        first = false;
        fmt::format_to(std::back_inserter(out_), "{}=\"{}\"", k, prometheus_escape_label_value(v));
      }
      out_ += '}';
    }
    out_ += ' ';
    out_ += prometheus_value(value);
    out_ += '\n';
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

}  // namespace

std::string to_prometheus(const PerformanceSummary& s) {
  PrometheusWriter w;
  using L = PrometheusWriter::Labels;

  // Operation counters: both results of every operation seen, so that rate() works from
  // the first failure on.
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>, std::less<>> ops;
  for (const auto& [op, st] : s.operation_statistics) ops[op];
  for (const auto& [key, n] : s.vm_operations) {
    if (key.ends_with("_success")) ops[key.substr(0, key.size() - 8)].first += n;
    if (key.ends_with("_failure")) ops[key.substr(0, key.size() - 8)].second += n;
  }
  if (!ops.empty()) {
    w.family("bioxen_vm_operations_total", "counter", "Hypervisor operations by name and result.");
    for (const auto& [op, n] : ops) {
      w.sample("bioxen_vm_operations_total", L{{"operation", op}, {"result", "success"}}, n.first);
      w.sample("bioxen_vm_operations_total", L{{"operation", op}, {"result", "failure"}}, n.second);
    }
  }
  if (!s.operation_statistics.empty()) {
    w.family("bioxen_operation_latency_seconds", "summary",
             "Wall-clock latency of timed hypervisor operations (a monitor times a sample): "
             "quantiles (nearest rank) over the last N timed, sum and count over all timed.");
    for (const auto& [op, st] : s.operation_statistics) {
      if (st.count > 0) {
        w.sample("bioxen_operation_latency_seconds", L{{"operation", op}, {"quantile", "0.5"}},
                 st.p50);
        w.sample("bioxen_operation_latency_seconds", L{{"operation", op}, {"quantile", "0.95"}},
                 st.p95);
        w.sample("bioxen_operation_latency_seconds", L{{"operation", op}, {"quantile", "0.99"}},
                 st.p99);
      }
      w.sample("bioxen_operation_latency_seconds_sum", L{{"operation", op}}, st.total_latency);
      w.sample("bioxen_operation_latency_seconds_count", L{{"operation", op}}, st.total_count);
    }
    w.family("bioxen_operation_latency_min_seconds", "gauge",
             "Smallest operation latency in the window of the last N operations.");
    for (const auto& [op, st] : s.operation_statistics) {
      if (st.count > 0)
        w.sample("bioxen_operation_latency_min_seconds", L{{"operation", op}}, st.min_latency);
    }
    w.family("bioxen_operation_latency_max_seconds", "gauge",
             "Largest operation latency in the window of the last N operations.");
    for (const auto& [op, st] : s.operation_statistics) {
      if (st.count > 0)
        w.sample("bioxen_operation_latency_max_seconds", L{{"operation", op}}, st.max_latency);
    }
  }
  if (!s.error_counts.empty()) {
    w.family("bioxen_errors_total", "counter", "Failed operations by error code.");
    for (const auto& [key, n] : s.error_counts) {
      std::string_view name = "unknown";
      for (BioXenErrorCode c : all_error_codes) {
        if (error_code_string(c) == key) name = error_code_name(c);
      }
      if (key != "unknown" && !key.starts_with("BX")) name = "other";
      w.sample("bioxen_errors_total", L{{"code", key}, {"name", name}}, n);
    }
  }

  auto gauge = [&w](std::string_view name, std::string_view help, auto value) {
    w.family(name, "gauge", help);
    w.sample(name, L{}, value);
  };
  gauge("bioxen_operation_error_ratio", "Failed operations over all operations.", s.error_rate);
  const ResourceUtilization& u = s.resource_utilization;
  gauge("bioxen_ribosome_utilization_ratio", "Allocated ribosomes over the total pool.",
        u.ribosome_utilization);
  gauge("bioxen_atp_utilization_ratio", "Allocated ATP percentage over 100 %.", u.atp_utilization);
  gauge("bioxen_active_vm_ratio", "Active VMs over max_vms.", u.active_vm_ratio);
  gauge("bioxen_active_vms", "Active VMs.", u.active_vms);
  gauge("bioxen_max_vms", "The configured VM limit (max_vms).", u.max_vms);
  gauge("bioxen_uptime_seconds", "Wall-clock seconds since the monitor started.", s.uptime_seconds);
  const SchedulingSnapshot& sch = s.scheduling;
  gauge("bioxen_vms", "VMs existing.", sch.vms);
  gauge("bioxen_running_vms", "VMs in state running.", sch.running_vms);
  gauge("bioxen_virtual_time_seconds", "The hypervisor's virtual clock.", sch.virtual_time_seconds);
  gauge("bioxen_scheduler_fairness_index",
        "Jain's fairness index over the ribosome-seconds received by the VMs (1 = equal).",
        sch.fairness_index);
  gauge("bioxen_context_switches", "Context switches summed over the existing VMs.",
        sch.context_switches);
  gauge("bioxen_throttle_events", "ATP throttle events summed over the existing VMs.",
        sch.throttle_events);

  if (!sch.vm_shares.empty()) {
    auto per_vm = [&](std::string_view name, std::string_view help, auto field) {
      w.family(name, "gauge", help);
      for (const VmServiceShare& v : sch.vm_shares) w.sample(name, L{{"vm_id", v.vm_id}}, field(v));
    };
    per_vm("bioxen_vm_service_share_ratio", "A VM's share of all ribosome-seconds delivered.",
           [](const VmServiceShare& v) { return v.service_share; });
    per_vm("bioxen_vm_ribosome_seconds", "Ribosome-seconds (units x virtual s) a VM received.",
           [](const VmServiceShare& v) { return v.ribosome_seconds; });
    per_vm("bioxen_vm_context_switches", "Context switches of a VM.",
           [](const VmServiceShare& v) { return v.context_switches; });
    per_vm("bioxen_vm_throttle_events", "ATP throttle events of a VM.",
           [](const VmServiceShare& v) { return v.throttle_events; });
  }
  auto counter = [&w](std::string_view name, std::string_view help, auto value) {
    w.family(name, "counter", help);
    w.sample(name, L{}, value);
  };
  counter("bioxen_scheduler_quanta_total", "Scheduler quanta run since the monitor attached.",
          s.quanta.quanta);
  counter("bioxen_scheduler_context_switches_total",
          "Quanta that paid a round-robin context switch since the monitor attached.",
          s.quanta.context_switches);
  counter("bioxen_scheduler_throttle_events_total",
          "VM-quanta cut short by the ATP budget since the monitor attached.",
          s.quanta.throttle_events);
  counter("bioxen_amino_acids_total", "Amino acids polymerised since the monitor attached.",
          s.quanta.amino_acids);
  counter("bioxen_host_state_changes_total",
          "Quanta after which the host went growing <-> stalled since the monitor attached.",
          s.quanta.host_state_changes);
  if (s.host) {
    const HostStatus& h = *s.host;
    gauge("bioxen_host_modelled",
          "1 when the host cell is modelled (physiological work model), 0 under the capacity "
          "model (the host then grows at its reference rate).",
          std::uint64_t{h.modelled ? 1U : 0U});
    gauge("bioxen_host_growth_rate_per_hour",
          "The host cell's growth rate (1/h) on what its guests leave it; 0 when stalled.",
          h.growth_rate_per_h);
    gauge("bioxen_host_reference_growth_rate_per_hour",
          "The growth rate (1/h) of the host alone, without guests.",
          h.reference_growth_rate_per_h);
    gauge(
        "bioxen_host_doubling_time_minutes",
        "The host cell's doubling time (60 ln 2 / growth rate, min); +Inf when it does not grow.",
        h.growth_rate_per_h > 0.0 ? h.doubling_time_min : std::numeric_limits<double>::infinity());
    gauge("bioxen_host_stalled", "1 when the host cell does not grow (stalled), else 0.",
          std::uint64_t{h.state == "stalled" ? 1U : 0U});
    gauge("bioxen_host_guest_translation_fraction",
          "The guests' share of the amino acids the cell is making (phi_Q, 0 to 1).",
          h.guest_translation_fraction);
    gauge("bioxen_host_sequestered_ribosome_fraction",
          "Active ribosomes held on guest chains but not elongating (paused, stopped or "
          "ATP-limited guests), 0 to 1.",
          h.sequestered_ribosome_fraction);
    gauge("bioxen_host_guest_bound_ribosomes",
          "Physical ribosomes on guest chains (running or frozen).", h.guest_bound_ribosomes);
    gauge("bioxen_host_rnap_limitation_ratio",
          "Free RNA polymerase over what the host needs to transcribe, at most 1 (1 = not "
          "limiting).",
          h.rnap_limitation);
    counter("bioxen_host_stalled_quanta_total",
            "Quanta that ended with the host stalled, since the hypervisor's time 0.",
            h.stalled_quanta);
  }
  w.family("bioxen_monitor_samples_total", "counter", "Monitor samples taken.");
  w.sample("bioxen_monitor_samples_total", L{}, s.samples_taken);
  return w.take();
}

}  // namespace bioxen

// ---------------------------------------------------------------------------------------
// fmt formatters
// ---------------------------------------------------------------------------------------

auto fmt::formatter<bioxen::LatencyStats>::format(const bioxen::LatencyStats& s,
                                                  format_context& ctx) const
    -> format_context::iterator {
  using bioxen::detail::format_seconds;
  return fmt::formatter<std::string_view>::format(
      fmt::format("count={} avg={} min={} p50={} p95={} p99={} max={} total={}", s.count,
                  format_seconds(s.avg_latency), format_seconds(s.min_latency),
                  format_seconds(s.p50), format_seconds(s.p95), format_seconds(s.p99),
                  format_seconds(s.max_latency), s.total_count),
      ctx);
}

auto fmt::formatter<bioxen::ResourceUtilization>::format(const bioxen::ResourceUtilization& u,
                                                         format_context& ctx) const
    -> format_context::iterator {
  return fmt::formatter<std::string_view>::format(
      fmt::format("ribosomes={:.1f}% atp={:.1f}% active_vms={}/{}", u.ribosome_utilization * 100.0,
                  u.atp_utilization * 100.0, u.active_vms, u.max_vms),
      ctx);
}

auto fmt::formatter<bioxen::VmServiceShare>::format(const bioxen::VmServiceShare& v,
                                                    format_context& ctx) const
    -> format_context::iterator {
  return fmt::formatter<std::string_view>::format(
      fmt::format("{} {} share={:.1f}% ribosome_s={:g} switches={} throttles={}", v.vm_id, v.state,
                  v.service_share * 100.0, v.ribosome_seconds, v.context_switches,
                  v.throttle_events),
      ctx);
}

auto fmt::formatter<bioxen::SchedulingSnapshot>::format(const bioxen::SchedulingSnapshot& s,
                                                        format_context& ctx) const
    -> format_context::iterator {
  return fmt::formatter<std::string_view>::format(
      fmt::format("t={:g}s vms={} running={} fairness={:.3f} switches={} throttles={}",
                  s.virtual_time_seconds, s.vms, s.running_vms, s.fairness_index,
                  s.context_switches, s.throttle_events),
      ctx);
}

auto fmt::formatter<bioxen::MonitorSample>::format(const bioxen::MonitorSample& s,
                                                   format_context& ctx) const
    -> format_context::iterator {
  return fmt::formatter<std::string_view>::format(
      fmt::format("uptime={} {} t={:g}s vms={} running={} fairness={:.3f} switches={} "
                  "throttles={}",
                  bioxen::detail::format_seconds(s.uptime_seconds), s.resource_utilization,
                  s.virtual_time_seconds, s.vms, s.running_vms, s.fairness_index,
                  s.context_switches, s.throttle_events),
      ctx);
}

auto fmt::formatter<bioxen::PerformanceSummary>::format(const bioxen::PerformanceSummary& s,
                                                        format_context& ctx) const
    -> format_context::iterator {
  std::string out = fmt::format("uptime {} | operations {} | failed {} | error rate {:.2f}%\n",
                                bioxen::detail::format_seconds(s.uptime_seconds),
                                s.total_operations, s.failed_operations, s.error_rate * 100.0);
  for (const auto& [op, st] : s.operation_statistics) {
    fmt::format_to(std::back_inserter(out), "  {:<16} {}\n", op, st);
  }
  fmt::format_to(std::back_inserter(out), "resources: {}\n", s.resource_utilization);
  for (const auto& [code, n] : s.error_counts) {
    fmt::format_to(std::back_inserter(out), "  error {}: {}\n", code, n);
  }
  fmt::format_to(std::back_inserter(out), "scheduling: {}", s.scheduling);
  if (s.host) fmt::format_to(std::back_inserter(out), "\nhost: {}", *s.host);
  return fmt::formatter<std::string_view>::format(out, ctx);
}
