// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// `bioxen validate [--json] [--report DIR] [--cross-validate] [--phi-c X]`: the physiological
// model beside published data (docs/VALIDATION.md) as tables, JSON and SVG plots.
#include <fmt/core.h>
#include <fmt/format.h>
#include <bioxen/validation.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "commands.hpp"
#include "common.hpp"
#include "table.hpp"

namespace bioxen::cli {

namespace {

/// The targets the command checks (docs/VALIDATION.md).
constexpr double rms_target = 0.08;          ///< lambda/lambda0, Scott et al. 2010
constexpr double doubling_tolerance = 0.05;  ///< relative, Bremer & Dennis 2008
constexpr double scott_model_phi_c = 0.484;  ///< phi_max - phi_R0 = 0.55 - 0.066
constexpr const char* media[] = {"unneeded-A", "unneeded-B", "unneeded-C"};

struct ValidateOptions {
  bool json = false;
  std::string report;
  bool cross_validate = false;
  double phi_c = 0.0;  ///< 0: the E. coli host's default
};

/// One medium held out: phi_c fitted on the other two, the model validated on it.
struct Fold {
  std::string held_out;
  double phi_c = 0.0;
  UnneededProteinValidation result;
};

struct CrossValidation {
  std::vector<Fold> folds;
  double rms_error = 0.0;
  std::size_t points = 0;
};

struct Results {
  UnneededProteinValidation scott;
  UnneededProteinValidation alternative;  ///< at scott_model_phi_c
  std::vector<GrowthConditionCheck> bremer_dennis;
  bool cross_validated = false;
  CrossValidation cross;
  std::vector<std::string> failures;
};

double rms(const std::vector<UnneededProteinPoint>& points) {
  double sse = 0.0;
  for (const auto& p : points) sse += p.error * p.error;
  return points.empty() ? 0.0 : std::sqrt(sse / static_cast<double>(points.size()));
}

std::vector<UnneededProteinPoint> points_of(const UnneededProteinValidation& v,
                                            const std::string& medium) {
  std::vector<UnneededProteinPoint> out;
  for (const auto& p : v.points) {
    if (p.medium == medium) out.push_back(p);
  }
  return out;
}

/// lambda0 (1/h) of each medium: its phi_Q = 0 point.
std::map<std::string, double> reference_rates() {
  std::map<std::string, double> l0;
  for (const auto& d : scott2010_unneeded_protein()) {
    if (d.unneeded_fraction == 0.0) l0.emplace(d.medium, d.growth_rate_per_h);
  }
  return l0;
}

double doubling_error(const GrowthConditionCheck& c) {
  return c.model_doubling_time_min / c.doubling_time_min - 1.0;
}
double ribosome_error(const GrowthConditionCheck& c) {
  return c.model_ribosomes_per_cell / c.ribosomes_per_cell - 1.0;
}

/// The row whose doubling time is furthest from the table (the first of equals).
const GrowthConditionCheck* worst_doubling(const std::vector<GrowthConditionCheck>& rows) {
  const GrowthConditionCheck* worst = nullptr;
  for (const auto& c : rows) {
    if (!worst || std::fabs(doubling_error(c)) > std::fabs(doubling_error(*worst))) worst = &c;
  }
  return worst;
}

double worst_ribosome_error(const std::vector<GrowthConditionCheck>& rows) {
  double worst = 0.0;
  for (const auto& c : rows) worst = std::max(worst, std::fabs(ribosome_error(c)));
  return worst;
}

CrossValidation cross_validate() {
  const auto all = scott2010_unneeded_protein();
  CrossValidation cv;
  double sse = 0.0;
  for (const char* held_out : media) {
    std::vector<UnneededProteinDatum> train;
    std::vector<UnneededProteinDatum> test;
    for (const auto& d : all) {
      (std::string_view(d.medium) == held_out ? test : train).push_back(d);
    }
    Fold f;
    f.held_out = held_out;
    f.phi_c = fit_unneeded_protein_phi_c(train);
    f.result = validate_unneeded_protein(f.phi_c, test);
    for (const auto& p : f.result.points) sse += p.error * p.error;
    cv.points += f.result.points.size();
    cv.folds.push_back(std::move(f));
  }
  cv.rms_error = cv.points == 0 ? 0.0 : std::sqrt(sse / static_cast<double>(cv.points));
  return cv;
}

Results compute(const ValidateOptions& o) {
  Results r;
  r.scott = validate_unneeded_protein(o.phi_c);
  r.alternative = validate_unneeded_protein(scott_model_phi_c);
  r.bremer_dennis = validate_bremer_dennis();
  if (o.cross_validate) {
    r.cross_validated = true;
    r.cross = cross_validate();
  }
  if (!(r.scott.rms_error <= rms_target)) {
    r.failures.push_back(
        fmt::format("Scott 2010 unneeded protein: RMS {:.4f} > {:.2f} at phi_c {:.4f}",
                    r.scott.rms_error, rms_target, r.scott.phi_c));
  }
  for (const auto& c : r.bremer_dennis) {
    if (!(std::fabs(doubling_error(c)) <= doubling_tolerance)) {
      r.failures.push_back(fmt::format(
          "Bremer & Dennis {:g} min: model doubling {:.2f} min ({:+.1f} %, limit {:g} %)",
          c.doubling_time_min, c.model_doubling_time_min, 100.0 * doubling_error(c),
          100.0 * doubling_tolerance));
    }
  }
  if (r.cross_validated && !(r.cross.rms_error <= rms_target)) {
    r.failures.push_back(
        fmt::format("leave-one-medium-out RMS {:.4f} > {:.2f}", r.cross.rms_error, rms_target));
  }
  return r;
}

// --- text -----------------------------------------------------------------------------------

const char* verdict(bool ok) { return ok ? "pass" : "MISS"; }

void print_text(const Results& r) {
  Table scott{"Scott et al. 2010, Fig. 3: growth with unneeded protein (a host and one guest)",
              {{"medium"},
               {"phi_Q", Align::right},
               {"model phi_Q", Align::right},
               {"host doubling", Align::right},
               {"data lambda/lambda0", Align::right},
               {"model lambda/lambda0", Align::right},
               {"error", Align::right}}};
  for (const auto& p : r.scott.points) {
    scott.add_row({p.medium, fmt::format("{:.3f}", p.unneeded_fraction),
                   fmt::format("{:.4f}", p.model_guest_fraction),
                   fmt::format("{:.1f} min", p.host_doubling_time_min),
                   fmt::format("{:.3f}", p.data_relative_growth),
                   fmt::format("{:.3f}", p.model_relative_growth),
                   fmt::format("{:+.3f}", p.error)});
  }
  scott.print(stdout);
  std::string per_medium;
  for (const char* m : media) {
    const auto pts = points_of(r.scott, m);
    if (!per_medium.empty()) per_medium += ", ";
    per_medium += fmt::format("{} {:.4f} ({} points)", m, rms(pts), pts.size());
  }
  fmt::print("RMS per medium: {}\n", per_medium);
  fmt::print(
      "RMS error of lambda/lambda0: {:.4f} over {} points at phi_c {:.4f} (target <= {:.2f}): {}\n",
      r.scott.rms_error, r.scott.points.size(), r.scott.phi_c, rms_target,
      verdict(r.scott.rms_error <= rms_target));
  fmt::print(
      "Alternative: the Scott model's sector phi_c {:.3f} (phi_max - phi_R0 = 0.55 - 0.066): "
      "RMS {:.4f} ({})\n",
      r.alternative.phi_c, r.alternative.rms_error,
      r.alternative.rms_error <= rms_target ? "within the target" : "misses the target");

  if (r.cross_validated) {
    fmt::print("\n");
    Table cv{"Leave one medium out: phi_c fitted on the other two media, validated on the third",
             {{"held-out medium"},
              {"points", Align::right},
              {"phi_c fitted", Align::right},
              {"RMS", Align::right}}};
    for (const auto& f : r.cross.folds) {
      cv.add_row({f.held_out, std::to_string(f.result.points.size()),
                  fmt::format("{:.4f}", f.phi_c), fmt::format("{:.4f}", f.result.rms_error)});
    }
    cv.print(stdout);
    fmt::print("Leave-one-medium-out RMS: {:.4f} over {} points (target <= {:.2f}): {}\n",
               r.cross.rms_error, r.cross.points, rms_target,
               verdict(r.cross.rms_error <= rms_target));
  }

  fmt::print("\n");
  Table bd{"Bremer & Dennis 2008: a host alone in each growth condition (data / model)",
           {{"doubling min", Align::right},
            {"model", Align::right},
            {"error", Align::right},
            {"elongation aa/s", Align::right},
            {"RNAP/cell", Align::right},
            {"ribosomes/cell", Align::right},
            {"model", Align::right},
            {"error", Align::right}}};
  for (const auto& c : r.bremer_dennis) {
    bd.add_row(
        {fmt::format("{:g}", c.doubling_time_min), fmt::format("{:.2f}", c.model_doubling_time_min),
         fmt::format("{:+.1f} %", 100.0 * doubling_error(c)),
         fmt::format("{:g} / {:g}", c.elongation_aa_per_s, c.model_elongation_aa_per_s),
         fmt::format("{} / {}", format_count(c.rnap_per_cell), format_count(c.model_rnap_per_cell)),
         format_count(c.ribosomes_per_cell), format_count(c.model_ribosomes_per_cell),
         fmt::format("{:+.1f} %", 100.0 * ribosome_error(c))});
  }
  bd.print(stdout);
  if (const auto* w = worst_doubling(r.bremer_dennis)) {
    fmt::print("Doubling times: worst {:+.1f} % at {:g} min (target: within {:g} %): {}\n",
               100.0 * doubling_error(*w), w->doubling_time_min, 100.0 * doubling_tolerance,
               verdict(std::fabs(doubling_error(*w)) <= doubling_tolerance));
  }
  fmt::print("Ribosomes per cell (from r-protein mass / 7,336 aa): within {:.1f} %\n",
             100.0 * worst_ribosome_error(r.bremer_dennis));
}

// --- JSON -----------------------------------------------------------------------------------

nlohmann::json points_json(const std::vector<UnneededProteinPoint>& points) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : points) {
    out.push_back({{"medium", p.medium},
                   {"unneeded_fraction", p.unneeded_fraction},
                   {"data_relative_growth", p.data_relative_growth},
                   {"host_doubling_time_min", p.host_doubling_time_min},
                   {"model_guest_fraction", p.model_guest_fraction},
                   {"model_relative_growth", p.model_relative_growth},
                   {"error", p.error}});
  }
  return out;
}

nlohmann::json results_json(const Results& r) {
  nlohmann::json per_medium = nlohmann::json::object();
  for (const char* m : media) per_medium[m] = rms(points_of(r.scott, m));
  nlohmann::json scott = {
      {"source",
       "Scott et al. 2010 Science 330:1099, Fig. 3 (src/growth_laws/scott2010_growth_laws.tsv)"},
      {"phi_c", r.scott.phi_c},
      {"rms_error", r.scott.rms_error},
      {"rms_target", rms_target},
      {"passed", r.scott.rms_error <= rms_target},
      {"rms_per_medium", per_medium},
      {"points", points_json(r.scott.points)},
      {"alternative",
       {{"description", "the Scott model's sector phi_c: phi_max - phi_R0 = 0.55 - 0.066"},
        {"phi_c", r.alternative.phi_c},
        {"rms_error", r.alternative.rms_error},
        {"passed", r.alternative.rms_error <= rms_target}}}};

  nlohmann::json rows = nlohmann::json::array();
  for (const auto& c : r.bremer_dennis) {
    rows.push_back({{"doubling_time_min", c.doubling_time_min},
                    {"model_doubling_time_min", c.model_doubling_time_min},
                    {"doubling_time_error", doubling_error(c)},
                    {"elongation_aa_per_s", c.elongation_aa_per_s},
                    {"model_elongation_aa_per_s", c.model_elongation_aa_per_s},
                    {"rnap_per_cell", c.rnap_per_cell},
                    {"model_rnap_per_cell", c.model_rnap_per_cell},
                    {"ribosomes_per_cell", c.ribosomes_per_cell},
                    {"model_ribosomes_per_cell", c.model_ribosomes_per_cell},
                    {"ribosomes_error", ribosome_error(c)}});
  }
  const auto* w = worst_doubling(r.bremer_dennis);
  nlohmann::json bd = {
      {"source", "Bremer & Dennis 2008 EcoSal Plus 3(1) (src/growth_laws/bremer_dennis_2008.tsv)"},
      {"doubling_time_tolerance", doubling_tolerance},
      {"passed", !w || std::fabs(doubling_error(*w)) <= doubling_tolerance},
      {"rows", rows}};

  nlohmann::json j = {{"passed", r.failures.empty()},
                      {"failures", r.failures},
                      {"unneeded_protein", scott},
                      {"bremer_dennis", bd}};
  if (r.cross_validated) {
    nlohmann::json folds = nlohmann::json::array();
    for (const auto& f : r.cross.folds) {
      folds.push_back({{"held_out", f.held_out},
                       {"phi_c", f.phi_c},
                       {"points", f.result.points.size()},
                       {"rms_error", f.result.rms_error}});
    }
    j["cross_validation"] = {{"folds", folds},
                             {"points", r.cross.points},
                             {"rms_error", r.cross.rms_error},
                             {"rms_target", rms_target},
                             {"passed", r.cross.rms_error <= rms_target}};
  }
  return j;
}

// --- SVG ------------------------------------------------------------------------------------

/// A fixed-precision number for SVG coordinates: the same bytes on every run.
std::string n1(double v) {
  std::string s = fmt::format("{:.1f}", v);
  return s == "-0.0" ? "0.0" : s;
}

/// Text escaped for XML (the same five characters as HTML).
std::string xml(std::string_view text) { return html_escape(text); }

/// One plotting area: data ranges mapped onto a rectangle of the drawing.
struct Panel {
  double left, top, width, height;
  double x_min, x_max, y_min, y_max;

  double px(double x) const { return left + width * (x - x_min) / (x_max - x_min); }
  double py(double y) const { return top + height * (1.0 - (y - y_min) / (y_max - y_min)); }
  double right() const { return left + width; }
  double bottom() const { return top + height; }
};

std::string svg_header(double width, double height, std::string_view title) {
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" "
      "viewBox=\"0 0 {0} {1}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"13\" "
      "role=\"img\" aria-label=\"{2}\">\n"
      "<title>{2}</title>\n"
      "<rect x=\"0\" y=\"0\" width=\"{0}\" height=\"{1}\" fill=\"#ffffff\"/>\n",
      n1(width), n1(height), xml(title));
}

/// Grid, ticks and axis titles of a panel. Tick labels use `decimals` or, with
/// `thousands`, "20 k" style.
std::string axes(const Panel& p, double x_step, double y_step, int x_decimals, int y_decimals,
                 bool thousands, std::string_view x_title, std::string_view y_title) {
  auto label = [&](double v, int decimals) {
    if (thousands) return v == 0.0 ? std::string("0") : fmt::format("{:.0f} k", v / 1000.0);
    return fmt::format("{:.{}f}", v, decimals);
  };
  std::string out = "<g class=\"axes\" fill=\"#333333\">\n";
  const int nx = static_cast<int>(std::lround((p.x_max - p.x_min) / x_step));
  for (int i = 0; i <= nx; ++i) {
    const double v = p.x_min + i * x_step;
    out += fmt::format(
        "<line x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#e3e3e3\"/>\n"
        "<text x=\"{0}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>\n",
        n1(p.px(v)), n1(p.top), n1(p.bottom()), n1(p.bottom() + 18), label(v, x_decimals));
  }
  const int ny = static_cast<int>(std::lround((p.y_max - p.y_min) / y_step));
  for (int i = 0; i <= ny; ++i) {
    const double v = p.y_min + i * y_step;
    out += fmt::format(
        "<line x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\" stroke=\"#e3e3e3\"/>\n"
        "<text x=\"{3}\" y=\"{4}\" text-anchor=\"end\">{5}</text>\n",
        n1(p.left), n1(p.right()), n1(p.py(v)), n1(p.left - 7), n1(p.py(v) + 4.5),
        label(v, y_decimals));
  }
  out += fmt::format(
      "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#888888\"/>\n",
      n1(p.left), n1(p.top), n1(p.width), n1(p.height));
  out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"14\">{}</text>\n",
                     n1(p.left + p.width / 2), n1(p.bottom() + 42), xml(x_title));
  const double yc = p.top + p.height / 2;
  const double xt = p.left - 52;
  out += fmt::format(
      "<text x=\"{0}\" y=\"{1}\" text-anchor=\"middle\" font-size=\"14\" "
      "transform=\"rotate(-90 {0} {1})\">{2}</text>\n",
      n1(xt), n1(yc), xml(y_title));
  return out + "</g>\n";
}

/// A marker: 0 circle, 1 square, 2 triangle (distinct shapes as well as colours).
std::string marker(int shape, double x, double y, double r, const char* fill,
                   std::string_view tooltip) {
  std::string body;
  switch (shape) {
    case 1:
      body = fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"", n1(x - r * 0.9),
                         n1(y - r * 0.9), n1(r * 1.8), n1(r * 1.8));
      break;
    case 2:
      body = fmt::format("<path d=\"M{} {}L{} {}L{} {}Z\"", n1(x), n1(y - r * 1.15),
                         n1(x + r * 1.05), n1(y + r * 0.75), n1(x - r * 1.05), n1(y + r * 0.75));
      break;
    default:
      body = fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"{}\"", n1(x), n1(y), n1(r));
  }
  return fmt::format("{} fill=\"{}\" stroke=\"#222222\" stroke-width=\"0.8\"><title>{}</title>{}\n",
                     body, fill, xml(tooltip),
                     shape == 1   ? "</rect>"
                     : shape == 2 ? "</path>"
                                  : "</circle>");
}

/// A cross marking a simulated model value.
std::string cross(double x, double y, double r, std::string_view tooltip) {
  return fmt::format(
      "<path d=\"M{} {}L{} {}M{} {}L{} {}\" stroke=\"#111111\" stroke-width=\"1.3\">"
      "<title>{}</title></path>\n",
      n1(x - r), n1(y - r), n1(x + r), n1(y + r), n1(x - r), n1(y + r), n1(x + r), n1(y - r),
      xml(tooltip));
}

constexpr const char* medium_colors[] = {"#4e79a7", "#f28e2b", "#59a14f"};

std::string unneeded_protein_svg(const Results& r) {
  const double width = 780;
  const double height = 540;
  const Panel p{84, 78, 668, 390, 0.0, 0.35, 0.0, 1.1};
  std::string s = svg_header(width, height,
                             "Growth with unneeded protein: Scott et al. 2010 vs the BioXen host");
  s += fmt::format(
      "<text x=\"{}\" y=\"28\" text-anchor=\"middle\" font-size=\"17\" font-weight=\"bold\">"
      "Growth with unneeded protein: Scott et al. 2010 (Fig. 3) vs the BioXen host</text>\n",
      n1(width / 2));
  s += fmt::format(
      "<text x=\"{}\" y=\"50\" text-anchor=\"middle\" fill=\"#444444\">"
      "RMS error of \u03bb/\u03bb0 over {} points: {:.4f} at \u03c6c {:.3f} (target \u2264 {:.2f});"
      " at the Scott model's \u03c6c {:.3f}: {:.4f}</text>\n",
      n1(width / 2), r.scott.points.size(), r.scott.rms_error, r.scott.phi_c, rms_target,
      r.alternative.phi_c, r.alternative.rms_error);
  s += axes(p, 0.05, 0.1, 2, 1, false,
            "unneeded protein fraction \u03c6Q (fraction of total protein mass)",
            "relative growth rate \u03bb/\u03bb0 (\u03bb in 1/h)");

  // The growth law's lines, clipped to the plot.
  auto law_line = [&](double phi_c, const char* stroke, const char* dash, std::string_view what) {
    const double x_end = std::min(p.x_max, phi_c);
    return fmt::format(
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"2\"{}>"
        "<title>{}</title></line>\n",
        n1(p.px(0.0)), n1(p.py(1.0)), n1(p.px(x_end)), n1(p.py(1.0 - x_end / phi_c)), stroke, dash,
        xml(what));
  };
  s += law_line(r.alternative.phi_c, "#9a9a9a", " stroke-dasharray=\"7 5\"",
                fmt::format("Scott model sectors: phi_c {:.3f}", r.alternative.phi_c));
  s += law_line(r.scott.phi_c, "#222222", "",
                fmt::format("BioXen growth law: phi_c {:.4f}", r.scott.phi_c));

  // Data, one colour and shape per medium, then the simulated host at each point.
  for (std::size_t m = 0; m < std::size(media); ++m) {
    s += fmt::format("<g class=\"data\" data-medium=\"{}\">\n", media[m]);
    for (const auto& pt : points_of(r.scott, media[m])) {
      s += marker(
          static_cast<int>(m), p.px(pt.unneeded_fraction), p.py(pt.data_relative_growth), 5.5,
          medium_colors[m],
          fmt::format("{}: phi_Q {:.3f}, data {:.3f}, model {:.3f}", pt.medium,
                      pt.unneeded_fraction, pt.data_relative_growth, pt.model_relative_growth));
    }
    s += "</g>\n";
  }
  s += "<g class=\"model\">\n";
  for (const auto& pt : r.scott.points) {
    s += cross(p.px(pt.model_guest_fraction), p.py(pt.model_relative_growth), 3.2,
               fmt::format("model, {}: phi_Q {:.4f}, lambda/lambda0 {:.3f}", pt.medium,
                           pt.model_guest_fraction, pt.model_relative_growth));
  }
  s += "</g>\n";

  // Legend in the empty upper right of the plot.
  const auto l0 = reference_rates();
  const double lx = p.right() - 338;
  const double ly = p.top + 10;
  const double row = 21;
  s += fmt::format(
      "<g class=\"legend\">\n<rect x=\"{}\" y=\"{}\" width=\"328\" height=\"{}\" fill=\"#ffffff\" "
      "stroke=\"#bbbbbb\"/>\n",
      n1(lx), n1(ly), n1(row * 6 + 10));
  for (std::size_t m = 0; m < std::size(media); ++m) {
    const double y = ly + 15 + row * static_cast<double>(m);
    s += marker(static_cast<int>(m), lx + 18, y, 5.5, medium_colors[m], media[m]);
    s += fmt::format("<text x=\"{}\" y=\"{}\">data, medium {} (\u03bb0 {:.2f} 1/h)</text>\n",
                     n1(lx + 34), n1(y + 4.5), std::string_view(media[m]).substr(9),
                     l0.count(media[m]) ? l0.at(media[m]) : 0.0);
  }
  double y = ly + 15 + row * 3;
  s += cross(lx + 18, y, 3.2, "model");
  s += fmt::format("<text x=\"{}\" y=\"{}\">BioXen host and guest, simulated</text>\n", n1(lx + 34),
                   n1(y + 4.5));
  y += row;
  s += fmt::format(
      "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#222222\" stroke-width=\"2\"/>\n"
      "<text x=\"{}\" y=\"{}\">1 \u2212 \u03c6Q/\u03c6c, \u03c6c {:.3f} (fitted)</text>\n",
      n1(lx + 6), n1(y), n1(lx + 30), n1(y), n1(lx + 34), n1(y + 4.5), r.scott.phi_c);
  y += row;
  s += fmt::format(
      "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#9a9a9a\" stroke-width=\"2\" "
      "stroke-dasharray=\"7 5\"/>\n"
      "<text x=\"{}\" y=\"{}\">\u03c6c {:.3f}: Scott model's \u03c6max \u2212 \u03c6R0</text>\n",
      n1(lx + 6), n1(y), n1(lx + 30), n1(y), n1(lx + 34), n1(y + 4.5), r.alternative.phi_c);
  s += "</g>\n";
  s += fmt::format(
      "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"11\" fill=\"#666666\">"
      "Data: Scott et al. 2010 Science 330:1099, digitised by Bertaux et al. 2020. "
      "Regenerate: bioxen validate --report docs/validation</text>\n",
      n1(width - 12), n1(height - 10));
  return s + "</svg>\n";
}

std::string bremer_dennis_svg(const Results& r) {
  const double width = 960;
  const double height = 520;
  std::string s = svg_header(width, height,
                             "A BioXen host alone in the Bremer & Dennis 2008 growth conditions");
  s += fmt::format(
      "<text x=\"{}\" y=\"28\" text-anchor=\"middle\" font-size=\"17\" font-weight=\"bold\">"
      "A BioXen host alone in the Bremer &amp; Dennis 2008 growth conditions (E. coli B/r)"
      "</text>\n",
      n1(width / 2));
  s += fmt::format(
      "<text x=\"{}\" y=\"50\" text-anchor=\"middle\" fill=\"#444444\">"
      "model doubling = ln 2 / (active ribosomes \u00d7 elongation / protein); model ribosomes = "
      "r-protein mass / 7,336 aa; shaded: \u00b15 %</text>\n",
      n1(width / 2));

  struct Spec {
    Panel p;
    double step;
    bool thousands;
    const char* title;
    const char* x_title;
    const char* y_title;
    double (*data)(const GrowthConditionCheck&);
    double (*model)(const GrowthConditionCheck&);
  };
  const Spec panels[] = {
      {{84, 96, 360, 330, 0, 120, 0, 120},
       10,
       false,
       "Doubling time",
       "Bremer & Dennis doubling time (min)",
       "model doubling time (min)",
       [](const GrowthConditionCheck& c) { return c.doubling_time_min; },
       [](const GrowthConditionCheck& c) { return c.model_doubling_time_min; }},
      {{574, 96, 360, 330, 0, 80000, 0, 80000},
       10000,
       true,
       "Ribosomes per cell",
       "Bremer & Dennis ribosomes per cell",
       "model ribosomes per cell",
       [](const GrowthConditionCheck& c) { return c.ribosomes_per_cell; },
       [](const GrowthConditionCheck& c) { return c.model_ribosomes_per_cell; }},
  };
  for (const Spec& sp : panels) {
    const Panel& p = sp.p;
    s += fmt::format("<g class=\"panel\" data-panel=\"{}\">\n", xml(sp.title));
    s += fmt::format(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">{}"
        "</text>\n",
        n1(p.left + p.width / 2), n1(p.top - 12), xml(sp.title));
    s += axes(p, sp.step * 2, sp.step * 2, 0, 0, sp.thousands, sp.x_title, sp.y_title);
    // +-5 % band around the 1:1 line, then the line.
    const double m = p.x_max;
    s += fmt::format(
        "<path d=\"M{} {}L{} {}L{} {}L{} {}Z\" fill=\"#4e79a7\" fill-opacity=\"0.13\" "
        "stroke=\"none\"><title>within 5 %</title></path>\n",
        n1(p.px(0)), n1(p.py(0)), n1(p.px(m)), n1(p.py(m * (1 - doubling_tolerance))), n1(p.px(m)),
        n1(p.py(m)), n1(p.px(m / (1 + doubling_tolerance))), n1(p.py(m)));
    s += fmt::format(
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#555555\" stroke-width=\"1.2\" "
        "stroke-dasharray=\"4 3\"><title>1:1</title></line>\n",
        n1(p.px(0)), n1(p.py(0)), n1(p.px(m)), n1(p.py(m)));
    s += fmt::format(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#555555\" "
        "font-size=\"12\">1:1</text>\n",
        n1(p.px(m * 0.42) - 7), n1(p.py(m * 0.42) - 7));
    for (const auto& c : r.bremer_dennis) {
      const double d = sp.data(c);
      const double v = sp.model(c);
      const std::string value = sp.thousands ? format_count(v) : fmt::format("{:.2f} min", v);
      const std::string data = sp.thousands ? format_count(d) : fmt::format("{:g} min", d);
      s += marker(0, p.px(d), p.py(v), 5.5, "#e15759",
                  fmt::format("{:g} min row: table {}, model {} ({:+.1f} %)", c.doubling_time_min,
                              data, value, 100.0 * (v / d - 1.0)));
      // Labels below right of a point, or above left near the panel's right edge.
      const bool left = p.px(d) > p.left + 0.75 * p.width;
      s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\"{}>{:g} min ({:+.1f} %)</text>\n",
                       n1(p.px(d) + (left ? -9 : 9)), n1(p.py(v) + (left ? -9 : 15)),
                       left ? " text-anchor=\"end\"" : "", c.doubling_time_min,
                       100.0 * (v / d - 1.0));
    }
    s += "</g>\n";
  }
  s += fmt::format(
      "<text x=\"{0}\" y=\"{1}\" text-anchor=\"end\" font-size=\"11\" fill=\"#666666\">"
      "Data: Bremer &amp; Dennis 2008 EcoSal Plus 3(1), as tabulated in vivarium-collective/"
      "ecoli-sources (ribosomes: sb2cl/Resources-allocation-NoPi21).</text>\n"
      "<text x=\"{0}\" y=\"{2}\" text-anchor=\"end\" font-size=\"11\" fill=\"#666666\">"
      "Regenerate: bioxen validate --report docs/validation</text>\n",
      n1(width - 12), n1(height - 24), n1(height - 10));
  return s + "</svg>\n";
}

/// Writes the two plots into `dir` (created); returns the files written.
std::vector<std::string> write_report(const std::filesystem::path& dir, const Results& r) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir)) {
    throw CommandError(exit_runtime, BioXenErrorCode::io_error,
                       fmt::format("{}: cannot create the report directory ({})", dir.string(),
                                   ec ? ec.message() : "not a directory"),
                       {{"file", dir.string()}});
  }
  const auto a = dir / "unneeded_protein.svg";
  const auto b = dir / "bremer_dennis.svg";
  write_text_file(a, unneeded_protein_svg(r));
  write_text_file(b, bremer_dennis_svg(r));
  return {a.string(), b.string()};
}

int validate_command(const ValidateOptions& o) {
  const Results r = compute(o);
  std::vector<std::string> files;
  if (!o.report.empty()) files = write_report(o.report, r);

  if (o.json) {
    nlohmann::json j = results_json(r);
    if (!files.empty()) j["report"] = {{"directory", o.report}, {"files", files}};
    print_json(j);
  } else {
    print_text(r);
    if (!files.empty()) fmt::print("\nPlots written to {}\n", fmt::join(files, " and "));
  }
  if (!r.failures.empty()) {
    // A miss is never hidden: one line on stderr and exit 4 (also after --json output).
    print_error(CommandError(exit_runtime, BioXenErrorCode::chassis_initialization_error,
                             fmt::format("validation missed: {}", fmt::join(r.failures, "; "))));
    return exit_runtime;
  }
  if (!o.json) fmt::print("\nValidation passed.\n");
  return exit_ok;
}

}  // namespace

void add_validate_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<ValidateOptions>();
  auto* sub = app.add_subcommand(
      "validate",
      "Compare the physiological model with published data (Scott 2010, Bremer & Dennis 2008)");
  sub->add_flag("--json", o->json, "Print the comparison as JSON on stdout");
  sub->add_option("--report", o->report,
                  "Also write unneeded_protein.svg and bremer_dennis.svg into this directory")
      ->type_name("DIR");
  sub->add_flag("--cross-validate", o->cross_validate,
                "Also fit phi_c on two media and validate on the third, for each medium");
  sub->add_option("--phi-c", o->phi_c,
                  "Growth-law phi_c of the host instead of the E. coli default (e.g. 0.484)")
      ->type_name("PHI_C")
      ->check(number_in(0.01, 1.0));
  sub->footer(
      "Exit code 0 when the RMS error of lambda/lambda0 is at most 0.08 and every doubling time\n"
      "is within 5 % of Bremer & Dennis (and, with --cross-validate, its RMS at most 0.08);\n"
      "otherwise 4 with the reason on stderr.\n"
      "Example: bioxen validate --report docs/validation\n");
  sub->callback([o, &action] {
    action = [o] { return guarded(o->json, [&] { return validate_command(*o); }); };
  });
}

}  // namespace bioxen::cli
