// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#include "report.hpp"

#include "common.hpp"
#include "report_detail.hpp"

#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

namespace bioxen::cli {

namespace report_detail {

// Tableau 10: distinguishable, colour-blind friendly enough, prints well.
constexpr const char* palette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                   "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

const char* color(std::size_t index) { return palette[index % std::size(palette)]; }

/// Coordinates with one decimal keep the file small and the drawing exact enough.
std::string num(double v) {
  std::string s = fmt::format("{:.1f}", v);
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  if (s == "-0") s = "0";
  return s;
}

/// 1, 2 or 5 times a power of ten, so that about `target` steps cover `range`.
double nice_step(double range, int target) {
  if (range <= 0 || !std::isfinite(range)) return 1.0;
  const double raw = range / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  const double nice = f <= 1.0 ? 1.0 : (f <= 2.0 ? 2.0 : (f <= 5.0 ? 5.0 : 10.0));
  return nice * mag;
}

std::string tick_label(double v, double step) {
  if (v == 0.0) return "0";
  // Axis ticks are round numbers: "5 k", "12.5 M" rather than "5.00 k".
  for (const auto& [scale, suffix] :
       {std::pair{1e12, " T"}, std::pair{1e9, " G"}, std::pair{1e6, " M"}, std::pair{1e3, " k"}}) {
    if (std::fabs(v) >= scale) return fmt::format("{:g}{}", v / scale, suffix);
  }
  if (step >= 1.0) return fmt::format("{:g}", v);
  const int decimals = std::max(0, static_cast<int>(std::ceil(-std::log10(step))));
  return fmt::format("{:.{}f}", v, decimals);
}

const char* const style_sheet = R"css(
:root { --fg: #1f2328; --muted: #59636e; --line: #d8dee4; --bg: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", Arial, sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 22px 28px 40px; }
h1 { font-size: 25px; margin: 0 0 2px; }
h2 { font-size: 17px; margin: 0; }
h3 { font-size: 15px; margin: 18px 0 4px; }
.sub { color: var(--muted); margin: 0 0 16px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 10px; margin-bottom: 16px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; background: var(--bg); }
.card .label { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.card .value { font-size: 21px; font-weight: 600; font-variant-numeric: tabular-nums; }
section.panel { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px 8px; margin-bottom: 14px; }
.note { color: var(--muted); font-size: 13px; margin: 2px 0 4px; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; }
.grid2 > section.panel { margin-bottom: 0; }
@media (max-width: 900px) { .grid2 { grid-template-columns: 1fr; } }
.legend { display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 4px 0 14px; font-size: 14px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
.key { display: inline-block; width: 18px; height: 0; border-top: 2px solid #222; margin: 0 6px 0 0; vertical-align: 4px; }
.key.dashed { border-top: 2px dashed #888; }
svg.chart { width: 100%; height: auto; display: block; }
svg text { font-size: 12px; fill: #3b424a; }
svg .axis-title { fill: var(--muted); }
svg .grid { stroke: #e6eaee; stroke-width: 1; }
svg .baseline { stroke: #9aa4ae; stroke-width: 1; }
svg .area { fill-opacity: .78; stroke: #fff; stroke-width: .6; }
svg .line { fill: none; stroke-width: 2; }
svg .line.available { stroke: #888; stroke-dasharray: 6 4; stroke-width: 1.5; }
svg .line.at-work { stroke: #222; stroke-width: 1.6; }
svg .line.growth { stroke: #2f8f46; stroke-width: 2.2; }
svg .line.reference { stroke: #888; stroke-dasharray: 6 4; stroke-width: 1.5; }
svg .stalled { fill: #e15759; }
.key.growth { border-top-color: #2f8f46; }
.swatch.stalled { background: #e15759; opacity: .35; }
.headline { font-size: 17px; font-weight: 600; margin: -8px 0 16px; }
svg .lane { fill: #f3f5f7; }
svg .state { fill-opacity: .16; }
svg .state.paused { fill: #c9a227; fill-opacity: .45; }
svg .state.stopped { fill: #9aa4ae; fill-opacity: .45; }
svg .boot { fill: #fff; stroke: #222; stroke-width: 1.5; }
svg .marker { stroke: #d12; stroke-width: 1; stroke-dasharray: 3 3; }
svg .marker-label { fill: #d12; font-size: 11px; font-weight: 600; }
.tables { overflow-x: auto; }
table { border-collapse: collapse; font-size: 13.5px; margin: 4px 0 10px; min-width: 50%; }
th, td { padding: 4px 12px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
th { background: var(--bg); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
footer { color: var(--muted); font-size: 12.5px; margin-top: 20px; }
svg circle.pt { stroke: #fff; stroke-width: 1; }
svg circle.ref { fill: #fff; stroke-width: 1.6; }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; border: 1.6px solid #59636e; margin-right: 6px; vertical-align: -1px; }
)css";

std::string page_head(const std::string& title) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
      "'unsafe-inline'; img-src data:\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n<main>\n",
      html_escape(title), style_sheet);
}

std::string cards(const std::vector<std::pair<std::string, std::string>>& highlights) {
  if (highlights.empty()) return {};
  std::string out = "<section class=\"cards\">\n";
  for (const auto& [label, value] : highlights) {
    out += fmt::format(
        "<div class=\"card\"><div class=\"label\">{}</div><div class=\"value\">{}</div></div>\n",
        html_escape(label), html_escape(value));
  }
  return out + "</section>\n";
}

std::string page_foot(const std::string& generator) {
  return fmt::format(
      "<footer>Generated by {}. All times are virtual (simulated) and reproducible; the model "
      "is educational, not wet-lab truth.</footer>\n</main>\n</body>\n</html>\n",
      html_escape(generator));
}

}  // namespace report_detail

namespace {

using report_detail::color;
using report_detail::nice_step;
using report_detail::num;
using report_detail::tick_label;

/// The time unit of an axis: seconds, minutes or hours, by the run's length.
struct TimeUnit {
  double seconds;
  const char* name;
};
TimeUnit time_unit(double t_max) {
  if (t_max <= 300.0) return {1.0, "s"};
  if (t_max <= 3.0 * 3600.0) return {60.0, "min"};
  return {3600.0, "h"};
}

/// The plotting area of one chart (viewBox units).
struct Frame {
  double width = 960;
  double height = 215;
  double left = 112;
  double right = 18;
  double top = 14;
  double bottom = 36;
  double t_max = 1;
  double y_max = 1;

  double plot_w() const { return width - left - right; }
  double plot_h() const { return height - top - bottom; }
  double x(double t) const { return left + plot_w() * std::clamp(t / t_max, 0.0, 1.0); }
  double y(double v) const { return top + plot_h() * (1.0 - std::clamp(v / y_max, 0.0, 1.0)); }
};

std::string svg_open(const std::string& chart, const Frame& f, const std::string& label,
                     std::size_t series) {
  return fmt::format(
      "<svg class=\"chart\" data-chart=\"{}\" data-series=\"{}\" viewBox=\"0 0 {} {}\" "
      "role=\"img\" aria-label=\"{}\">\n",
      chart, series, num(f.width), num(f.height), html_escape(label));
}

/// Time axis along the bottom of the plot, with vertical grid lines.
std::string time_axis(const Frame& f, bool grid) {
  const TimeUnit unit = time_unit(f.t_max);
  const double span = f.t_max / unit.seconds;
  const double step = nice_step(span, f.width > 700 ? 10 : 5);
  std::string out = "<g class=\"axis x\">\n";
  for (double v = 0; v <= span * (1 + 1e-9); v += step) {
    const double x = f.x(v * unit.seconds);
    if (grid) {
      out += fmt::format("<line x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\" class=\"grid\"/>\n",
                         num(x), num(f.top), num(f.top + f.plot_h()));
    }
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", num(x),
                       num(f.top + f.plot_h() + 16), tick_label(v, step));
  }
  out += fmt::format(
      "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"axis-title\">virtual time ({})</text>\n",
      num(f.left + f.plot_w()), num(f.height - 3), unit.name);
  out += fmt::format("<line x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\" class=\"baseline\"/>\n",
                     num(f.left), num(f.left + f.plot_w()), num(f.top + f.plot_h()));
  return out + "</g>\n";
}

/// Value axis on the left with horizontal grid lines; adjusts f.y_max to a whole step.
std::string value_axis(Frame& f, double data_max, const std::string& title) {
  if (!(data_max > 0) || !std::isfinite(data_max)) data_max = 1;
  const double step = nice_step(data_max, 5);
  f.y_max = std::ceil(data_max / step * (1 - 1e-9)) * step;
  std::string out = "<g class=\"axis y\">\n";
  for (double v = 0; v <= f.y_max * (1 + 1e-9); v += step) {
    const double y = f.y(v);
    out += fmt::format("<line x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\" class=\"grid\"/>\n",
                       num(f.left), num(f.left + f.plot_w()), num(y));
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", num(f.left - 6),
                       num(y + 4), tick_label(v, step));
  }
  out += fmt::format(
      "<text x=\"13\" y=\"{}\" text-anchor=\"middle\" transform=\"rotate(-90 13 {})\" "
      "class=\"axis-title\">{}</text>\n",
      num(f.top + f.plot_h() / 2), num(f.top + f.plot_h() / 2), html_escape(title));
  return out + "</g>\n";
}

/// Markers grouped by quantum: one dashed line per moment, numbered like the events table.
std::string marker_lines(const Frame& f, const TimeSeriesRecorder& rec, bool numbers) {
  std::map<std::uint64_t, std::vector<std::size_t>> at;
  for (std::size_t i = 0; i < rec.markers().size(); ++i) {
    at[rec.markers()[i].quantum].push_back(i + 1);
  }
  std::string out;
  for (const auto& [quantum, ids] : at) {
    const double x = f.x(static_cast<double>(quantum) * rec.quantum_seconds());
    std::string label;
    for (auto id : ids) {
      if (!label.empty()) label += ',';
      label += std::to_string(id);
    }
    out += fmt::format(
        "<line class=\"marker\" data-marker=\"{0}\" x1=\"{1}\" x2=\"{1}\" y1=\"{2}\" "
        "y2=\"{3}\"/>\n",
        label, num(x), num(f.top - (numbers ? 4 : 0)), num(f.top + f.plot_h()));
    if (numbers) {
      out += fmt::format(
          "<text class=\"marker-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
          num(x), num(f.top - 6), label);
    }
  }
  return out;
}

double bucket_start(const TimeSeriesRecorder& rec, const Bucket& b) {
  return static_cast<double>(b.first_quantum) * rec.quantum_seconds();
}
double bucket_end(const TimeSeriesRecorder& rec, const Bucket& b) {
  return static_cast<double>(b.first_quantum + b.quanta) * rec.quantum_seconds();
}

/// A stepped line through per-bucket values (NaN breaks the line).
std::string step_path(const Frame& f, const TimeSeriesRecorder& rec,
                      const std::vector<double>& values) {
  std::string d;
  bool pen = false;
  double last_y = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const auto& b = rec.buckets()[i];
    if (std::isnan(values[i])) {
      pen = false;
      continue;
    }
    const double y = f.y(values[i]);
    if (!pen) {
      d += fmt::format("M{} {}", num(f.x(bucket_start(rec, b))), num(y));
    } else if (y != last_y) {
      d += fmt::format("V{}", num(y));
    }
    d += fmt::format("H{}", num(f.x(bucket_end(rec, b))));
    pen = true;
    last_y = y;
  }
  return d;
}

/// An overlay line drawn over a chart.
struct Overlay {
  std::string name;
  std::vector<double> values;
  std::string css_class;
};

/// Stacked step areas, one per VM (values[k][i] for series k, bucket i; NaN = absent).
std::string stacked_areas(const Frame& f, const TimeSeriesRecorder& rec,
                          const std::vector<std::vector<double>>& values, const std::string& unit) {
  const auto& series = rec.series();
  const std::size_t n = rec.buckets().size();
  std::vector<double> lower(n, 0.0);
  std::string out;
  for (std::size_t k = 0; k < series.size(); ++k) {
    std::vector<double> upper(n);
    std::size_t points = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double v = std::isnan(values[k][i]) ? 0.0 : values[k][i];
      if (!std::isnan(values[k][i])) ++points;
      upper[i] = lower[i] + v;
    }
    // Upper edge left to right, lower edge right to left.
    std::string d;
    for (std::size_t i = 0; i < n; ++i) {
      const auto& b = rec.buckets()[i];
      d += fmt::format("{}{} {}H{}", i == 0 ? "M" : "L", num(f.x(bucket_start(rec, b))),
                       num(f.y(upper[i])), num(f.x(bucket_end(rec, b))));
    }
    for (std::size_t i = n; i-- > 0;) {
      const auto& b = rec.buckets()[i];
      d += fmt::format("L{} {}H{}", num(f.x(bucket_end(rec, b))), num(f.y(lower[i])),
                       num(f.x(bucket_start(rec, b))));
    }
    double peak = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!std::isnan(values[k][i])) peak = std::max(peak, values[k][i]);
    }
    out += fmt::format(
        "<path class=\"area\" data-vm=\"{}\" data-points=\"{}\" fill=\"{}\" d=\"{}Z\">"
        "<title>{}: up to {} {}</title></path>\n",
        html_escape(series[k].vm_id), points, color(series[k].color_index), d,
        html_escape(series[k].vm_id), format_si(peak), html_escape(unit));
    lower = std::move(upper);
  }
  return out;
}

/// The VMs' colours, then `extra` (HTML of further keys).
std::string legend(const TimeSeriesRecorder& rec, std::string_view extra) {
  std::string out = "<div class=\"legend\">";
  for (const auto& s : rec.series()) {
    out += fmt::format("<span><i class=\"swatch\" style=\"background:{}\"></i>{}</span>",
                       color(s.color_index), html_escape(s.vm_id));
  }
  return out + std::string(extra) + "</div>\n";
}

double safe_div(double a, double b) { return b > 0 ? a / b : 0.0; }

std::string allocation_chart(const TimeSeriesRecorder& rec) {
  Frame f;
  f.t_max = std::max(static_cast<double>(rec.quanta()) * rec.quantum_seconds(), 1e-9);
  const auto& buckets = rec.buckets();
  const double nan = std::nan("");
  std::vector<std::vector<double>> reserved;
  std::vector<double> at_work(buckets.size(), 0.0);
  std::vector<double> available(buckets.size());
  double y_max = 0;
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    available[i] = buckets[i].available_ribosomes;
    y_max = std::max(y_max, available[i]);
  }
  std::vector<double> stack(buckets.size(), 0.0);
  for (const auto& s : rec.series()) {
    std::vector<double> v(buckets.size(), nan);
    for (std::size_t i = 0; i < buckets.size(); ++i) {
      const auto& vb = s.buckets[i];
      if (!vb.present) continue;
      const double q = buckets[i].quanta;
      v[i] = safe_div(vb.reserved_unit_quanta, q);
      at_work[i] += safe_div(vb.ribosome_seconds, q * rec.quantum_seconds());
      stack[i] += v[i];
    }
    reserved.push_back(std::move(v));
  }
  for (std::size_t i = 0; i < buckets.size(); ++i) y_max = std::max({y_max, stack[i], at_work[i]});

  std::string body = value_axis(f, y_max * 1.05, "ribosome units");
  std::string out = svg_open("allocation", f, "Ribosome allocation per VM over virtual time",
                             rec.series().size());
  out += body;
  out += stacked_areas(f, rec, reserved, "units reserved");
  out += fmt::format(
      "<path class=\"line available\" data-line=\"available\" d=\"{}\"><title>available to "
      "VMs (pool less hypervisor overhead)</title></path>\n",
      step_path(f, rec, available));
  out += fmt::format(
      "<path class=\"line at-work\" data-line=\"at-work\" d=\"{}\"><title>units at work "
      "(translating)</title></path>\n",
      step_path(f, rec, at_work));
  out += marker_lines(f, rec, false);
  out += time_axis(f, false);
  return out + "</svg>\n";
}

std::string schedule_chart(const TimeSeriesRecorder& rec) {
  Frame f;
  const double row_h = 22;
  const double gap = 8;
  const auto& series = rec.series();
  const auto& buckets = rec.buckets();
  f.top = 22;
  f.height = f.top + static_cast<double>(series.size()) * (row_h + gap) + f.bottom;
  f.t_max = std::max(static_cast<double>(rec.quanta()) * rec.quantum_seconds(), 1e-9);
  std::string out = svg_open("schedule", f, "Schedule: when each VM ran", series.size());
  for (std::size_t k = 0; k < series.size(); ++k) {
    const auto& s = series[k];
    const double y = f.top + static_cast<double>(k) * (row_h + gap) + gap / 2;
    std::string id = s.vm_id.size() > 15 ? s.vm_id.substr(0, 14) + "\u2026" : s.vm_id;
    out += fmt::format(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" "
        "class=\"row-label\">{}<title>{}</title></text>\n",
        num(f.left - 8), num(y + row_h / 2 + 4), html_escape(id), html_escape(s.vm_id));
    out += fmt::format("<rect class=\"lane\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>\n",
                       num(f.left), num(y), num(f.plot_w()), num(row_h));

    // State band: the bucket's main state, merged over equal neighbours.
    auto state_of = [](const VmBucket& b) -> const char* {
      if (!b.present) return nullptr;
      if (b.running_quanta >= b.paused_quanta && b.running_quanta >= b.stopped_quanta) {
        return "running";
      }
      return b.paused_quanta >= b.stopped_quanta ? "paused" : "stopped";
    };
    for (std::size_t i = 0; i < buckets.size();) {
      const char* st = state_of(s.buckets[i]);
      std::size_t j = i + 1;
      while (j < buckets.size() && state_of(s.buckets[j]) == st) ++j;
      if (st != nullptr) {
        const double x0 = f.x(bucket_start(rec, buckets[i]));
        const double x1 = f.x(bucket_end(rec, buckets[j - 1]));
        const std::string fill = std::string(st) == "running" ? color(s.color_index) : "";
        out += fmt::format(
            "<rect class=\"state {}\" data-vm=\"{}\" data-state=\"{}\" x=\"{}\" y=\"{}\" "
            "width=\"{}\" height=\"{}\"{}><title>{} {} {}\u2013{} s</title></rect>\n",
            st, html_escape(s.vm_id), st, num(x0), num(y), num(std::max(x1 - x0, 0.5)), num(row_h),
            fill.empty() ? "" : fmt::format(" fill=\"{}\"", fill), html_escape(s.vm_id),
            std::string(st) == "running" ? "runnable" : st, num(bucket_start(rec, buckets[i])),
            num(bucket_end(rec, buckets[j - 1])));
      }
      i = j;
    }
    // Active slots: opacity is the share of the slot's quanta in which the VM translated.
    auto active_of = [&](std::size_t i) {
      const auto& b = s.buckets[i];
      return b.present ? std::round(100.0 * safe_div(b.active_quanta, buckets[i].quanta)) : 0.0;
    };
    for (std::size_t i = 0; i < buckets.size();) {
      const double pct = active_of(i);
      std::size_t j = i + 1;
      while (j < buckets.size() && active_of(j) == pct) ++j;
      if (pct > 0) {
        const double t0 = bucket_start(rec, buckets[i]);
        const double t1 = bucket_end(rec, buckets[j - 1]);
        const double x0 = f.x(t0);
        const double x1 = f.x(t1);
        out += fmt::format(
            "<rect class=\"slot\" data-vm=\"{}\" data-from=\"{}\" data-to=\"{}\" "
            "data-active=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" "
            "fill-opacity=\"{}\"><title>{} active {}% of {}\u2013{} s</title></rect>\n",
            html_escape(s.vm_id), num(t0), num(t1), num(pct / 100.0), num(x0), num(y + 3),
            num(std::max(x1 - x0, 0.6)), num(row_h - 6), color(s.color_index),
            fmt::format("{:.2f}", std::max(pct / 100.0, 0.15)), html_escape(s.vm_id), num(pct),
            num(t0), num(t1));
      }
      i = j;
    }
    if (s.boot_complete) {
      const double x = f.x(s.boot_time_seconds);
      const double cy = y + row_h / 2;
      out += fmt::format(
          "<path class=\"boot\" data-vm=\"{}\" d=\"M{} {}l6 6l-6 6l-6 -6Z\"><title>{} booted at "
          "{}</title></path>\n",
          html_escape(s.vm_id), num(x), num(cy - 6), html_escape(s.vm_id),
          html_escape(format_seconds(s.boot_time_seconds)));
    }
  }
  out += marker_lines(f, rec, true);
  out += time_axis(f, false);
  return out + "</svg>\n";
}

std::string atp_chart(const TimeSeriesRecorder& rec) {
  Frame f;
  f.width = 470;
  f.left = 74;
  f.t_max = std::max(static_cast<double>(rec.quanta()) * rec.quantum_seconds(), 1e-9);
  const auto& buckets = rec.buckets();
  std::vector<std::vector<double>> rates;
  std::vector<double> stack(buckets.size(), 0.0);
  for (const auto& s : rec.series()) {
    std::vector<double> v(buckets.size(), std::nan(""));
    for (std::size_t i = 0; i < buckets.size(); ++i) {
      if (!s.buckets[i].present) continue;
      v[i] = safe_div(s.buckets[i].atp_consumed, buckets[i].quanta * rec.quantum_seconds());
      stack[i] += v[i];
    }
    rates.push_back(std::move(v));
  }
  const double y_max = stack.empty() ? 0.0 : *std::max_element(stack.begin(), stack.end());
  std::string axis = value_axis(f, y_max * 1.05, "ATP per second");
  std::string out = svg_open("atp", f, "ATP use per VM over virtual time", rec.series().size());
  out += axis;
  out += stacked_areas(f, rec, rates, "ATP/s");
  out += marker_lines(f, rec, false);
  out += time_axis(f, false);
  return out + "</svg>\n";
}

std::string proteins_chart(const TimeSeriesRecorder& rec) {
  Frame f;
  f.width = 470;
  f.left = 74;
  f.t_max = std::max(static_cast<double>(rec.quanta()) * rec.quantum_seconds(), 1e-9);
  const auto& buckets = rec.buckets();
  double y_max = 0;
  for (const auto& s : rec.series()) {
    for (const auto& b : s.buckets) {
      if (b.present) y_max = std::max(y_max, b.proteins_end);
    }
  }
  std::string axis = value_axis(f, y_max * 1.05, "proteins completed");
  std::string out =
      svg_open("proteins", f, "Proteins made per VM over virtual time", rec.series().size());
  out += axis;
  for (const auto& s : rec.series()) {
    std::string d;
    bool pen = false;
    std::size_t points = 0;
    for (std::size_t i = 0; i < buckets.size(); ++i) {
      const auto& b = s.buckets[i];
      if (!b.present) {
        pen = false;
        continue;
      }
      if (!pen) {
        const double before = i > 0 && s.buckets[i - 1].present ? s.buckets[i - 1].proteins_end : 0;
        d += fmt::format("M{} {}", num(f.x(bucket_start(rec, buckets[i]))), num(f.y(before)));
      }
      d += fmt::format("L{} {}", num(f.x(bucket_end(rec, buckets[i]))), num(f.y(b.proteins_end)));
      pen = true;
      ++points;
    }
    double last = 0;
    for (const auto& b : s.buckets) {
      if (b.present) last = b.proteins_end;
    }
    out += fmt::format(
        "<path class=\"line series\" data-vm=\"{}\" data-points=\"{}\" stroke=\"{}\" d=\"{}\">"
        "<title>{}: {} proteins</title></path>\n",
        html_escape(s.vm_id), points, color(s.color_index), d, html_escape(s.vm_id),
        format_count(last));
  }
  out += marker_lines(f, rec, false);
  out += time_axis(f, false);
  return out + "</svg>\n";
}

/// The host's growth rate over virtual time, with the rate of the host alone (dashed) and
/// the stretches in which it was stalled shaded.
std::string host_chart(const TimeSeriesRecorder& rec) {
  Frame f;
  f.t_max = std::max(static_cast<double>(rec.quanta()) * rec.quantum_seconds(), 1e-9);
  const auto& buckets = rec.buckets();
  const double nan = std::nan("");
  std::vector<double> rate(buckets.size(), nan);
  std::vector<double> reference(buckets.size(), nan);
  double y_max = 0;
  std::size_t points = 0;
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    const Bucket& b = buckets[i];
    if (b.host_quanta == 0 || !b.host_modelled) continue;
    rate[i] = b.growth_rate_per_h;
    reference[i] = b.reference_growth_rate_per_h;
    y_max = std::max({y_max, rate[i], reference[i]});
    ++points;
  }
  std::string axis = value_axis(f, y_max * 1.1, "growth rate (1/h)");
  std::string out = svg_open("host", f, "Host growth rate over virtual time", 1);
  out += axis;
  // Stalled stretches, merged over neighbours: opacity is the share of the quanta that ended
  // stalled (in steps of 10 %, at least 10 % when any did; -1 when none did).
  const auto stalled_pct = [&](std::size_t i) {
    const Bucket& b = buckets[i];
    if (b.stalled_quanta == 0) return -1.0;
    return std::max(10.0, std::round(10.0 * safe_div(b.stalled_quanta, b.host_quanta)) * 10.0);
  };
  for (std::size_t i = 0; i < buckets.size();) {
    const double pct = stalled_pct(i);
    std::size_t j = i + 1;
    std::uint64_t stalled = buckets[i].stalled_quanta;
    std::uint64_t hosted = buckets[i].host_quanta;
    while (j < buckets.size() && stalled_pct(j) == pct) {
      stalled += buckets[j].stalled_quanta;
      hosted += buckets[j].host_quanta;
      ++j;
    }
    if (pct > 0) {
      const double t0 = bucket_start(rec, buckets[i]);
      const double t1 = bucket_end(rec, buckets[j - 1]);
      out += fmt::format(
          "<rect class=\"stalled\" data-from=\"{}\" data-to=\"{}\" x=\"{}\" y=\"{}\" "
          "width=\"{}\" height=\"{}\" fill-opacity=\"{:.2f}\"><title>stalled in {} of {} quanta, "
          "{}\u2013{} s</title></rect>\n",
          num(t0), num(t1), num(f.x(t0)), num(f.top), num(std::max(f.x(t1) - f.x(t0), 0.6)),
          num(f.plot_h()), 0.1 + 0.25 * pct / 100.0, stalled, hosted, num(t0), num(t1));
    }
    i = j;
  }
  double last_rate = 0;
  double last_reference = 0;
  double last_share = 0;
  for (std::size_t i = buckets.size(); i-- > 0;) {
    if (!std::isnan(rate[i])) {
      last_rate = rate[i];
      last_reference = reference[i];
      last_share = buckets[i].guest_translation_fraction;
      break;
    }
  }
  const auto doubling = [](double per_h) {
    return per_h > 0 ? fmt::format("{:.1f} min", 60.0 * std::log(2.0) / per_h)
                     : std::string("no doubling");
  };
  out += fmt::format(
      "<path class=\"line reference\" data-line=\"reference\" d=\"{}\"><title>the host alone: "
      "{:.3g}/h (doubling {})</title></path>\n",
      step_path(f, rec, reference), last_reference, doubling(last_reference));
  out += fmt::format(
      "<path class=\"line growth\" data-line=\"growth\" data-points=\"{}\" d=\"{}\"><title>"
      "with its guests, at the end: {:.3g}/h (doubling {}), guests {:.1f}% of "
      "translation</title></path>\n",
      points, step_path(f, rec, rate), last_rate, doubling(last_rate), 100.0 * last_share);
  out += marker_lines(f, rec, false);
  out += time_axis(f, false);
  return out + "</svg>\n";
}

std::string html_table(const Table& t) {
  std::string out = fmt::format("<h3>{}</h3>\n<table>\n<thead><tr>", html_escape(t.title()));
  for (const auto& c : t.columns()) {
    out += fmt::format("<th{}>{}</th>", c.align == Align::right ? " class=\"num\"" : "",
                       html_escape(c.header));
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : t.rows()) {
    out += "<tr>";
    for (std::size_t c = 0; c < row.size(); ++c) {
      out +=
          fmt::format("<td{}>{}</td>", t.columns()[c].align == Align::right ? " class=\"num\"" : "",
                      html_escape(row[c]));
    }
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

}  // namespace

std::string render_html_report(const ReportData& data) {
  if (data.recorder == nullptr) throw std::invalid_argument("render_html_report: no recorder");
  const TimeSeriesRecorder& rec = *data.recorder;

  std::string out;
  out.reserve(256 * 1024);
  out += report_detail::page_head(data.title);
  out += fmt::format("<header>\n<h1>{}</h1>\n<p class=\"sub\">{}</p>\n", html_escape(data.title),
                     html_escape(data.subtitle));
  if (!data.headline.empty()) {
    out += fmt::format("<p class=\"headline\">{}</p>\n", html_escape(data.headline));
  }
  out += "</header>\n";

  out += report_detail::cards(data.highlights);

  const std::string quantum_note =
      rec.bucket_width() > 1
          ? fmt::format(" Each point averages {} quanta of {} ms.", rec.bucket_width(),
                        num(rec.quantum_seconds() * 1000.0))
          : fmt::format(" One point per quantum of {} ms.", num(rec.quantum_seconds() * 1000.0));

  out += "<section class=\"panel\" id=\"allocation\">\n<h2>Ribosome allocation per VM</h2>\n";
  out += fmt::format(
      "<p class=\"note\">Allocator units reserved by each VM (stacked), the units actually "
      "translating, and the units available to VMs.{}</p>\n",
      quantum_note);
  out += legend(rec,
                "<span><i class=\"key\"></i>units at work</span><span><i class=\"key "
                "dashed\"></i>available to VMs</span>");
  out += allocation_chart(rec);
  out += "</section>\n";

  out += "<section class=\"panel\" id=\"schedule\">\n<h2>Schedule</h2>\n";
  out +=
      "<p class=\"note\">Solid: the VM translated (opacity = share of the slot's quanta). Tint: "
      "runnable but waiting; amber: paused; grey: created or stopped; \u25c7 boot complete; red "
      "lines: events (numbered as in the events table).</p>\n";
  out += schedule_chart(rec);
  out += "</section>\n";

  if (rec.host_modelled()) {
    out += "<section class=\"panel\" id=\"host\">\n<h2>Host growth</h2>\n";
    const bool stalled = std::any_of(rec.buckets().begin(), rec.buckets().end(),
                                     [](const Bucket& b) { return b.stalled_quanta > 0; });
    out += fmt::format(
        "<p class=\"note\">The host cell's growth rate \u03bb after each quantum (the growth "
        "laws, on what its guests leave it; doubling time = 60 ln 2 / \u03bb min), and the rate "
        "of the host alone.{}</p>\n",
        stalled ? " Shaded: stalled (not growing)." : "");
    out += fmt::format(
        "<div class=\"legend\"><span><i class=\"key growth\"></i>growth rate with its "
        "guests</span><span><i class=\"key dashed\"></i>the host alone</span>{}</div>\n",
        stalled ? "<span><i class=\"swatch stalled\"></i>stalled</span>" : "");
    out += host_chart(rec);
    out += "</section>\n";
  }

  out += "<div class=\"grid2\">\n";
  out += "<section class=\"panel\" id=\"atp\">\n<h2>ATP use</h2>\n";
  out += "<p class=\"note\">ATP molecules consumed per virtual second, stacked by VM.</p>\n";
  out += atp_chart(rec);
  out += "</section>\n";
  out += "<section class=\"panel\" id=\"proteins\">\n<h2>Proteins made</h2>\n";
  out += "<p class=\"note\">Proteins completed so far, per VM.</p>\n";
  out += proteins_chart(rec);
  out += "</section>\n</div>\n";

  out += "<section class=\"tables\" id=\"tables\">\n<h2 style=\"margin-top:18px\">Summary</h2>\n";
  for (const auto& t : data.tables) out += html_table(t);
  if (!rec.markers().empty()) {
    Table events{"Events", {{"#", Align::right}, {"virtual time", Align::right}, {"event"}}};
    for (std::size_t i = 0; i < rec.markers().size(); ++i) {
      const auto& m = rec.markers()[i];
      events.add_row({std::to_string(i + 1),
                      format_seconds(static_cast<double>(m.quantum) * rec.quantum_seconds()),
                      m.label});
    }
    out += html_table(events);
  }
  out += "</section>\n";
  out += report_detail::page_foot(data.generator);
  return out;
}

void write_html_report(const std::filesystem::path& file, const ReportData& data) {
  write_text_file(file, render_html_report(data));
}

}  // namespace bioxen::cli
