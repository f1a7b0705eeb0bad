// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// A strict parser of the Prometheus text exposition format (version 0.0.4) for the tests:
// it rejects anything a Prometheus server would reject and a few things it merely
// tolerates (blank lines, families split apart, samples before their HELP/TYPE).
#pragma once

#include <cerrno>
#include <cstdlib>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bioxen::test {

struct PromSample {
  std::string name;                           ///< the sample name (e.g. x_sum)
  std::map<std::string, std::string> labels;  ///< unescaped values
  double value = 0.0;
};

struct PromFamily {
  std::string name;
  std::string type;
  std::string help;  ///< unescaped
  std::vector<PromSample> samples;
};

/// The families of an exposition, in order of appearance. Throws std::runtime_error naming
/// the line on the first violation.
class PromParser {
 public:
  static std::vector<PromFamily> parse(const std::string& text) {
    PromParser p;
    p.run(text);
    return std::move(p.families_);
  }

  static bool valid_metric_name(std::string_view n) {
    if (n.empty()) return false;
    for (std::size_t i = 0; i < n.size(); ++i) {
      const char c = n[i];
      const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
      const bool digit = c >= '0' && c <= '9';
      if (!(alpha || (i > 0 && digit))) return false;
    }
    return true;
  }
  static bool valid_label_name(std::string_view n) {
    if (n.empty() || n.starts_with("__")) return false;
    for (std::size_t i = 0; i < n.size(); ++i) {
      const char c = n[i];
      const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
      const bool digit = c >= '0' && c <= '9';
      if (!(alpha || (i > 0 && digit))) return false;
    }
    return true;
  }
  static double parse_value(std::string_view v) {
    if (v == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (v == "+Inf") return std::numeric_limits<double>::infinity();
    if (v == "-Inf") return -std::numeric_limits<double>::infinity();
    const std::string s(v);
    if (s.empty()) throw std::runtime_error("empty value");
    for (char c : s) {
      if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) {
        throw std::runtime_error("bad character in value '" + s + "'");
      }
    }
    char* end = nullptr;
    errno = 0;
    const double d = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || errno != 0) {
      throw std::runtime_error("value '" + s + "' is not a number");
    }
    return d;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw std::runtime_error("line " + std::to_string(line_no_) + ": " + why + ": '" + line_ + "'");
  }

  void run(const std::string& text) {
    if (!text.empty() && text.back() != '\n') {
      line_no_ = 0;
      fail("exposition does not end with a line feed");
    }
    std::istringstream in(text);
    while (std::getline(in, line_)) {
      ++line_no_;
      if (line_.empty()) fail("blank line");
      if (line_[0] == '#') {
        comment();
      } else {
        sample();
      }
    }
    for (const PromFamily& f : families_) check_family(f);
  }

  void comment() {
    std::string_view l = line_;
    if (!l.starts_with("# HELP ") && !l.starts_with("# TYPE ")) fail("unexpected comment");
    const bool help = l.starts_with("# HELP ");
    l.remove_prefix(7);
    const auto sp = l.find(' ');
    if (sp == std::string_view::npos) fail("no text after the metric name");
    const std::string name(l.substr(0, sp));
    const std::string_view rest = l.substr(sp + 1);
    if (!valid_metric_name(name)) fail("bad metric name");
    PromFamily* f = find(name);
    if (f == nullptr) {
      if (seen_.count(name) != 0) fail("family appears twice");
      seen_.insert(name);
      families_.push_back(PromFamily{name, "", "", {}});
      f = &families_.back();
    } else if (f != &families_.back()) {
      fail("family split apart");
    }
    if (!f->samples.empty()) fail("HELP/TYPE after samples");
    if (help) {
      if (has_help_.count(name) != 0) fail("second HELP");
      has_help_.insert(name);
      f->help = unescape(rest, false);
    } else {
      if (!f->type.empty()) fail("second TYPE");
      static const std::set<std::string, std::less<>> types{"counter", "gauge", "summary",
                                                            "histogram", "untyped"};
      if (types.count(rest) == 0) fail("unknown type");
      f->type = std::string(rest);
    }
  }

  void sample() {
    std::string_view l = line_;
    std::size_t i = 0;
    while (i < l.size() && l[i] != '{' && l[i] != ' ') ++i;
    PromSample s;
    s.name = std::string(l.substr(0, i));
    if (!valid_metric_name(s.name)) fail("bad metric name");
    if (i < l.size() && l[i] == '{') {
      ++i;
      while (true) {
        if (i < l.size() && l[i] == '}') {
          ++i;
          break;
        }
        std::size_t eq = l.find('=', i);
        if (eq == std::string_view::npos) fail("label without '='");
        const std::string label(l.substr(i, eq - i));
        if (!valid_label_name(label)) fail("bad label name '" + label + "'");
        i = eq + 1;
        if (i >= l.size() || l[i] != '"') fail("label value not quoted");
        ++i;
        std::string value;
        while (true) {
          if (i >= l.size()) fail("unterminated label value");
          const char c = l[i++];
          if (c == '"') break;
          if (c == '\\') {
            if (i >= l.size()) fail("dangling escape");
            const char e = l[i++];
            if (e == '\\') {
              value += '\\';
            } else if (e == '"') {
              value += '"';
            } else if (e == 'n') {
              value += '\n';
            } else {
              fail("bad escape in label value");
            }
          } else {
            value += c;
          }
        }
        if (!s.labels.emplace(label, value).second) fail("duplicate label '" + label + "'");
        if (i < l.size() && l[i] == ',') {
          ++i;
        } else if (i < l.size() && l[i] == '}') {
          ++i;
          break;
        } else {
          fail("expected ',' or '}' after a label");
        }
      }
    }
    if (i >= l.size() || l[i] != ' ') fail("no space before the value");
    ++i;
    std::string_view rest = l.substr(i);
    const auto sp = rest.find(' ');
    if (sp != std::string_view::npos) {  // an optional integer timestamp
      const std::string_view ts = rest.substr(sp + 1);
      if (ts.empty() || ts.find_first_not_of("-0123456789") != std::string_view::npos) {
        fail("bad timestamp");
      }
      rest = rest.substr(0, sp);
    }
    try {
      s.value = parse_value(rest);
    } catch (const std::exception& e) {
      fail(e.what());
    }
    if (families_.empty()) fail("sample before any HELP/TYPE");
    PromFamily& f = families_.back();
    if (f.type.empty() || has_help_.count(f.name) == 0) fail("sample before HELP and TYPE");
    if (!belongs(f, s.name)) fail("sample of another family than '" + f.name + "'");
    std::string key = s.name + "{";
    for (const auto& [k, v] : s.labels) key += k + "=\"" + v + "\",";
    if (!series_.insert(key).second) fail("duplicate series");
    f.samples.push_back(std::move(s));
  }

  static bool belongs(const PromFamily& f, const std::string& sample) {
    if (sample == f.name) return true;
    if (f.type == "summary" || f.type == "histogram") {
      if (sample == f.name + "_sum" || sample == f.name + "_count") return true;
    }
    if (f.type == "histogram" && sample == f.name + "_bucket") return true;
    return false;
  }

  void check_family(const PromFamily& f) {
    line_ = f.name;
    if (f.type != "summary") return;
    // Every labelset (without quantile) has _sum and _count; quantiles are in [0, 1].
    std::map<std::map<std::string, std::string>, int> parts;
    for (const PromSample& s : f.samples) {
      auto labels = s.labels;
      if (s.name == f.name) {
        auto q = labels.find("quantile");
        if (q == labels.end()) fail("summary sample without a quantile label");
        const double qv = parse_value(q->second);
        if (!(qv >= 0.0 && qv <= 1.0)) fail("quantile outside [0, 1]");
        labels.erase(q);
        parts[labels] |= 1;
      } else {
        if (labels.count("quantile") != 0) fail("_sum/_count with a quantile label");
        parts[labels] |= s.name.ends_with("_sum") ? 2 : 4;
      }
    }
    for (const auto& [labels, bits] : parts) {
      if ((bits & 6) != 6) fail("summary series without both _sum and _count");
    }
  }

  PromFamily* find(const std::string& name) {
    for (PromFamily& f : families_) {
      if (f.name == name) return &f;
    }
    return nullptr;
  }

  static std::string unescape(std::string_view t, bool quotes) {
    std::string out;
    for (std::size_t i = 0; i < t.size(); ++i) {
      if (t[i] == '\\' && i + 1 < t.size()) {
        const char e = t[i + 1];
        if (e == '\\' || e == 'n' || (quotes && e == '"')) {
          out += e == 'n' ? '\n' : e;
          ++i;
          continue;
        }
      }
      out += t[i];
    }
    return out;
  }

  std::vector<PromFamily> families_;
  std::set<std::string> seen_;
  std::set<std::string> has_help_;
  std::set<std::string> series_;
  std::string line_;
  std::size_t line_no_ = 0;
};

/// The value of the one sample named `name` with exactly `labels`; throws when absent.
inline double prom_value(const std::vector<PromFamily>& families, const std::string& name,
                         const std::map<std::string, std::string>& labels = {}) {
  for (const PromFamily& f : families) {
    for (const PromSample& s : f.samples) {
      if (s.name == name && s.labels == labels) return s.value;
    }
  }
  throw std::runtime_error("no sample " + name);
}

/// The family named `name`, or nullptr.
inline const PromFamily* prom_family(const std::vector<PromFamily>& families,
                                     const std::string& name) {
  for (const PromFamily& f : families) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace bioxen::test
