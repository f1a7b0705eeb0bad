// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#include "sweep_report.hpp"

#include "common.hpp"
#include "report_detail.hpp"
#include "sweep_output.hpp"

#include <bioxen/error.hpp>

#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace bioxen::cli {

using report_detail::color;
using report_detail::nice_step;
using report_detail::num;
using report_detail::tick_label;

std::optional<std::size_t> ColumnTable::column(const std::string& name) const {
  const auto at = std::find(header.begin(), header.end(), name);
  if (at == header.end()) return std::nullopt;
  return static_cast<std::size_t>(at - header.begin());
}

namespace {

[[noreturn]] void fail_table(const std::string& source, std::size_t line, const std::string& why) {
  throw BioXenException(BioXenErrorCode::invalid_configuration,
                        fmt::format("{}:{}: {}", source, line, why),
                        {{"file", source}, {"line", line}});
}

/// The line starting at `pos` (without its line feed or carriage return); advances `pos`.
std::string take_line(const std::string& text, std::size_t& pos) {
  const std::size_t end = text.find('\n', pos);
  std::string line = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
  pos = end == std::string::npos ? text.size() : end + 1;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t tab = line.find('\t', start);
    fields.push_back(
        line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) return fields;
    start = tab + 1;
  }
}

std::optional<double> number_of(const std::string& text) {
  if (text.empty()) return std::nullopt;
  double v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || ptr != text.data() + text.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

bool same_value(const std::string& a, const std::string& b) {
  if (a == b) return true;
  const auto x = number_of(a);
  const auto y = number_of(b);
  if (!x || !y) return false;
  return std::fabs(*x - *y) <= 1e-9 * std::max({1.0, std::fabs(*x), std::fabs(*y)});
}

/// The chart's area (viewBox units) and its value ranges.
struct Plot {
  double width = 960;
  double height = 270;
  double left = 78;
  double right = 18;
  double top = 14;
  double bottom = 40;
  double x_lo = 0;
  double x_hi = 1;
  double y_lo = 0;
  double y_hi = 1;

  double plot_w() const { return width - left - right; }
  double plot_h() const { return height - top - bottom; }
  double x(double v) const { return left + plot_w() * (v - x_lo) / (x_hi - x_lo); }
  double y(double v) const { return top + plot_h() * (1.0 - (v - y_lo) / (y_hi - y_lo)); }
};

struct Point {
  double x;
  double y;
};

struct Line {
  std::string key;
  std::vector<Point> points;
  std::vector<Point> reference;
};

/// The chart's x axis: numbers, or categories in order of appearance.
struct XAxis {
  bool categorical = false;
  std::vector<std::string> categories;

  std::optional<double> position(const std::string& cell) const {
    if (!categorical) return number_of(cell);
    const auto at = std::find(categories.begin(), categories.end(), cell);
    if (at == categories.end()) return std::nullopt;
    return static_cast<double>(at - categories.begin());
  }
};

bool row_ok(const ColumnTable& t, const std::vector<std::string>& row) {
  const auto status = t.column("status");
  return !status || row[*status] == "ok";
}

XAxis x_axis_of(const ColumnTable& results, std::size_t x_col) {
  XAxis axis;
  for (const auto& row : results.rows) {
    if (!row_ok(results, row) || row[x_col].empty()) continue;
    if (!number_of(row[x_col])) axis.categorical = true;
  }
  if (axis.categorical) {
    for (const auto& row : results.rows) {
      const auto& cell = row[x_col];
      if (std::find(axis.categories.begin(), axis.categories.end(), cell) ==
          axis.categories.end()) {
        axis.categories.push_back(cell);
      }
    }
  }
  return axis;
}

/// The lines of one metric's chart, in order of first appearance of their value.
std::vector<Line> lines_of(const SweepReportData& d, const XAxis& axis, const std::string& metric) {
  const ColumnTable& r = d.results;
  const std::size_t xc = *r.column(d.chart.x);
  const std::size_t yc = *r.column(metric);
  const auto lc = d.chart.lines.empty() ? std::nullopt : r.column(d.chart.lines);
  std::vector<Line> lines;
  const auto line_for = [&](const std::string& key) -> Line& {
    for (auto& l : lines) {
      if (l.key == key) return l;
    }
    lines.push_back(Line{key, {}, {}});
    return lines.back();
  };
  for (const auto& row : r.rows) {
    Line& line = line_for(lc ? row[*lc] : std::string());
    if (!row_ok(r, row)) continue;
    const auto x = axis.position(row[xc]);
    const auto y = number_of(row[yc]);
    if (x && y) line.points.push_back({*x, *y});
  }
  if (d.reference) {
    const ColumnTable& ref = *d.reference;
    const auto rx = ref.column(d.chart.x);
    const auto ry = ref.column(metric);
    const auto rl = d.chart.lines.empty() ? std::nullopt : ref.column(d.chart.lines);
    if (rx && ry) {
      for (const auto& row : ref.rows) {
        const auto x = axis.position(row[*rx]);
        const auto y = number_of(row[*ry]);
        if (!x || !y) continue;
        for (auto& l : lines) {
          if (!rl || same_value(l.key, row[*rl])) {
            l.reference.push_back({*x, *y});
            break;
          }
        }
      }
    }
  }
  for (auto& l : lines) {
    std::stable_sort(l.points.begin(), l.points.end(),
                     [](const Point& a, const Point& b) { return a.x < b.x; });
  }
  return lines;
}

std::string metric_chart(const SweepReportData& d, const XAxis& axis, const std::string& metric,
                         const std::vector<Line>& lines) {
  Plot f;
  double x_lo = std::numeric_limits<double>::infinity();
  double x_hi = -x_lo;
  double y_lo = 0;  // the value axis starts at zero unless values are below it
  double y_hi = -std::numeric_limits<double>::infinity();
  std::size_t points = 0;
  for (const auto& l : lines) {
    for (const auto* set : {&l.points, &l.reference}) {
      for (const auto& p : *set) {
        x_lo = std::min(x_lo, p.x);
        x_hi = std::max(x_hi, p.x);
        y_lo = std::min(y_lo, p.y);
        y_hi = std::max(y_hi, p.y);
      }
    }
    points += l.points.size();
  }
  if (axis.categorical) {
    f.x_lo = -0.5;
    f.x_hi = static_cast<double>(std::max<std::size_t>(axis.categories.size(), 1)) - 0.5;
  } else if (std::isfinite(x_lo)) {
    f.x_lo = x_lo;
    f.x_hi = x_hi > x_lo ? x_hi : x_lo + 1.0;
    if (!(x_hi > x_lo)) f.x_lo = x_lo - 1.0;
  }
  if (!std::isfinite(y_hi)) y_hi = 1.0;
  if (!(y_hi > y_lo)) y_hi = y_lo + 1.0;
  const double y_step = nice_step(y_hi - y_lo, 5);
  f.y_lo = std::floor(y_lo / y_step * (1 + 1e-12)) * y_step;
  f.y_hi = std::ceil(y_hi / y_step * (1 - 1e-12)) * y_step;
  if (!(f.y_hi > f.y_lo)) f.y_hi = f.y_lo + y_step;

  std::string out = fmt::format(
      "<svg class=\"chart\" data-chart=\"metric\" data-metric=\"{}\" data-series=\"{}\" "
      "data-points=\"{}\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{} against {}\">\n",
      html_escape(metric), lines.size(), points, num(f.width), num(f.height), html_escape(metric),
      html_escape(d.chart.x));

  // Value axis.
  out += "<g class=\"axis y\">\n";
  for (double v = f.y_lo; v <= f.y_hi + y_step * 1e-9; v += y_step) {
    const double tick = std::fabs(v) < y_step * 1e-9 ? 0.0 : v;
    out += fmt::format("<line x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\" class=\"grid\"/>\n",
                       num(f.left), num(f.left + f.plot_w()), num(f.y(tick)));
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", num(f.left - 6),
                       num(f.y(tick) + 4), tick_label(tick, y_step));
  }
  out += fmt::format(
      "<text x=\"13\" y=\"{0}\" text-anchor=\"middle\" transform=\"rotate(-90 13 {0})\" "
      "class=\"axis-title\">{1}</text>\n</g>\n",
      num(f.top + f.plot_h() / 2), html_escape(metric));

  // x axis.
  out += "<g class=\"axis x\">\n";
  const double base = f.top + f.plot_h();
  if (axis.categorical) {
    for (std::size_t i = 0; i < axis.categories.size(); ++i) {
      std::string label = axis.categories[i];
      if (label.size() > 28) label = label.substr(0, 27) + "\u2026";
      out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                         num(f.x(static_cast<double>(i))), num(base + 16), html_escape(label));
    }
  } else {
    const double step = nice_step(f.x_hi - f.x_lo, 8);
    for (double v = std::ceil(f.x_lo / step * (1 - 1e-12)) * step; v <= f.x_hi + step * 1e-9;
         v += step) {
      const double tick = std::fabs(v) < step * 1e-9 ? 0.0 : v;
      out += fmt::format("<line x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\" class=\"grid\"/>\n",
                         num(f.x(tick)), num(f.top), num(base));
      out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                         num(f.x(tick)), num(base + 16), tick_label(tick, step));
    }
  }
  out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"axis-title\">{}</text>\n",
                     num(f.left + f.plot_w()), num(f.height - 3), html_escape(d.chart.x));
  out += fmt::format("<line x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\" class=\"baseline\"/>\n",
                     num(f.left), num(f.left + f.plot_w()), num(base));
  out += "</g>\n";

  for (std::size_t i = 0; i < lines.size(); ++i) {
    const Line& l = lines[i];
    std::string path;
    for (const auto& p : l.points) {
      path += fmt::format("{}{},{}", path.empty() ? "M" : " L", num(f.x(p.x)), num(f.y(p.y)));
    }
    out += fmt::format(
        "<path class=\"line\" data-line=\"{}\" data-points=\"{}\" stroke=\"{}\" d=\"{}\"/>\n",
        html_escape(l.key), l.points.size(), color(i), path);
    for (const auto& p : l.points) {
      out += fmt::format(
          "<circle class=\"pt\" data-line=\"{}\" cx=\"{}\" cy=\"{}\" r=\"3.2\" "
          "fill=\"{}\"/>\n",
          html_escape(l.key), num(f.x(p.x)), num(f.y(p.y)), color(i));
    }
    for (const auto& p : l.reference) {
      out += fmt::format(
          "<circle class=\"ref\" data-line=\"{}\" cx=\"{}\" cy=\"{}\" r=\"4\" "
          "stroke=\"{}\"/>\n",
          html_escape(l.key), num(f.x(p.x)), num(f.y(p.y)), color(i));
    }
  }
  return out + "</svg>\n";
}

std::string legend(const SweepReportData& d, const std::vector<Line>& lines, bool reference) {
  std::string out = "<div class=\"legend\">";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string label = d.chart.lines.empty()
                                  ? std::string("model")
                                  : fmt::format("{} = {}", d.chart.lines, lines[i].key);
    out += fmt::format("<span><i class=\"swatch\" style=\"background:{}\"></i>{}</span>", color(i),
                       html_escape(label));
  }
  if (reference) {
    out += fmt::format(
        "<span><i class=\"dot\"></i>{}</span>",
        html_escape(d.reference_label.empty() ? std::string("reference data") : d.reference_label));
  }
  return out + "</div>\n";
}

}  // namespace

ColumnTable parse_column_table(const std::string& input, const std::string& source) {
  ColumnTable t;
  t.source = source;
  std::string text = input;
  if (!text.empty() && text.back() != '\n') text += '\n';  // a record ends with a line feed
  std::size_t pos = 0;
  std::size_t line_no = 0;
  bool tabs = false;
  // Reads one record at `pos` (advancing it and the line count), or nullopt for a blank line.
  const auto next_record = [&]() -> std::optional<std::vector<std::string>> {
    const std::size_t start = pos;
    const std::size_t first_line = ++line_no;
    if (text[pos] == '\n' || (text[pos] == '\r' && text[pos + 1] == '\n')) {
      take_line(text, pos);
      return std::nullopt;
    }
    if (tabs) return split_tabs(take_line(text, pos));
    auto fields = split_csv_record(text, pos);
    if (!fields) fail_table(source, first_line, "a malformed CSV record");
    line_no += static_cast<std::size_t>(
                   std::count(text.begin() + static_cast<std::ptrdiff_t>(start),
                              text.begin() + static_cast<std::ptrdiff_t>(pos), '\n')) -
               1;
    return fields;
  };
  // Comments and blank lines, then the header.
  while (pos < text.size()) {
    if (text[pos] == '#') {
      ++line_no;
      take_line(text, pos);
      continue;
    }
    const std::size_t eol = text.find('\n', pos);
    tabs = text.find('\t', pos) < eol;
    if (auto header = next_record()) {
      t.header = std::move(*header);
      break;
    }
  }
  if (t.header.empty() || (t.header.size() == 1 && t.header[0].empty())) {
    fail_table(source, std::max<std::size_t>(line_no, 1), "no header line (column names)");
  }
  while (pos < text.size()) {
    const std::size_t first_line = line_no + 1;
    auto fields = next_record();
    if (!fields) continue;
    if (fields->size() != t.header.size()) {
      fail_table(source, first_line,
                 fmt::format("{} fields, but the header names {} columns", fields->size(),
                             t.header.size()));
    }
    t.rows.push_back(std::move(*fields));
  }
  return t;
}

std::vector<std::string> missing_chart_columns(const SweepChartSpec& spec,
                                               const std::vector<std::string>& columns) {
  std::vector<std::string> missing;
  const auto has = [&](const std::string& n) {
    return std::find(columns.begin(), columns.end(), n) != columns.end();
  };
  if (!has(spec.x)) missing.push_back(fmt::format("x '{}'", spec.x));
  if (!spec.lines.empty() && !has(spec.lines)) {
    missing.push_back(fmt::format("lines '{}'", spec.lines));
  }
  for (const auto& m : spec.metrics) {
    if (!has(m)) missing.push_back(fmt::format("metric '{}'", m));
  }
  return missing;
}

std::string render_sweep_report(const SweepReportData& data) {
  const auto missing = missing_chart_columns(data.chart, data.results.header);
  if (!missing.empty()) {
    throw BioXenException(BioXenErrorCode::invalid_argument,
                          fmt::format("the sweep report's columns are not in the results: {}",
                                      fmt::join(missing, ", ")));
  }
  const XAxis axis = x_axis_of(data.results, *data.results.column(data.chart.x));

  std::string out;
  out.reserve(128 * 1024);
  out += report_detail::page_head(data.title);
  out += fmt::format("<header>\n<h1>{}</h1>\n<p class=\"sub\">{}</p>\n</header>\n",
                     html_escape(data.title), html_escape(data.subtitle));
  out += report_detail::cards(data.highlights);

  for (const auto& metric : data.chart.metrics) {
    const std::vector<Line> lines = lines_of(data, axis, metric);
    const bool reference =
        std::any_of(lines.begin(), lines.end(), [](const Line& l) { return !l.reference.empty(); });
    std::size_t shown = 0;
    for (const auto& l : lines) shown += l.points.size();
    out += fmt::format("<section class=\"panel\" data-section=\"{}\">\n<h2>{}</h2>\n",
                       html_escape(metric), html_escape(metric));
    out += fmt::format(
        "<p class=\"note\">{} against {}{}: {} of {} points{}.</p>\n", html_escape(metric),
        html_escape(data.chart.x),
        data.chart.lines.empty()
            ? std::string()
            : fmt::format(", one line per value of {}", html_escape(data.chart.lines)),
        shown, data.results.rows.size(),
        shown < data.results.rows.size() ? " (the others failed or have no value)" : "");
    out += legend(data, lines, reference);
    out += metric_chart(data, axis, metric, lines);
    out += "</section>\n";
  }

  // The charted values, to read exactly.
  std::vector<std::string> shown_columns{"point", data.chart.x};
  if (!data.chart.lines.empty()) shown_columns.push_back(data.chart.lines);
  shown_columns.push_back("status");
  for (const auto& m : data.chart.metrics) shown_columns.push_back(m);
  std::vector<std::size_t> idx;
  out += "<section class=\"tables\" id=\"tables\">\n<h3>Points</h3>\n<table>\n<thead><tr>";
  for (const auto& c : shown_columns) {
    const auto at = data.results.column(c);
    if (!at || std::find(idx.begin(), idx.end(), *at) != idx.end()) continue;
    idx.push_back(*at);
    out += fmt::format("<th>{}</th>", html_escape(c));
  }
  out += "</tr></thead>\n<tbody>\n";
  constexpr std::size_t max_table_rows = 1000;
  for (std::size_t r = 0; r < data.results.rows.size() && r < max_table_rows; ++r) {
    out += "<tr>";
    for (const auto c : idx) {
      const std::string& cell = data.results.rows[r][c];
      out +=
          fmt::format("<td{}>{}</td>", number_of(cell) ? " class=\"num\"" : "", html_escape(cell));
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n";
  if (data.results.rows.size() > max_table_rows) {
    out +=
        fmt::format("<p class=\"note\">The first {} of {} points; the results file has all.</p>\n",
                    max_table_rows, data.results.rows.size());
  }
  out += "</section>\n";
  out += report_detail::page_foot(data.generator);
  return out;
}

void write_sweep_report(const std::filesystem::path& file, const SweepReportData& data) {
  write_text_file(file, render_sweep_report(data));
}

}  // namespace bioxen::cli
