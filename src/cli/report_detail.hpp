// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// What the HTML reports (a run's, a sweep's) share: colours, numbers, axis steps and the
// style sheet.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace bioxen::cli::report_detail {

/// The colour of series `index` (Tableau 10, repeating).
const char* color(std::size_t index);
/// A coordinate with at most one decimal ("12.5", "3", never "-0").
std::string num(double v);
/// 1, 2 or 5 times a power of ten, so that about `target` steps cover `range`.
double nice_step(double range, int target);
/// An axis tick: "0", "5 k", "12.5 M", "0.25" (decimals from the step).
std::string tick_label(double v, double step);
/// The reports' style sheet (inline in the page: the CSP allows no other).
extern const char* const style_sheet;

/// A report's page up to `<main>`: the Content-Security-Policy `default-src 'none'` (the page
/// loads nothing), the title and the style sheet.
std::string page_head(const std::string& title);
/// Key figures as cards: (label, value); empty when there are none.
std::string cards(const std::vector<std::pair<std::string, std::string>>& highlights);
/// The footer naming the generator, and the end of the page.
std::string page_foot(const std::string& generator);

}  // namespace bioxen::cli::report_detail
