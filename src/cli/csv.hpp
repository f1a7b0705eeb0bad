// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// CSV output of a run (`bioxen run --csv FILE --csv-summary FILE`): tables that a spreadsheet,
// pandas.read_csv or Python's csv module read without options.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "recorder.hpp"
#include "simulation.hpp"

namespace bioxen::cli {

/// A CSV field: as it is unless it holds a comma, a double quote, a carriage return or a line
/// feed, or starts or ends with a space; then in double quotes with each `"` doubled (RFC 4180).
std::string csv_field(std::string_view text);

/// A number for CSV: the shortest text that reads back as the same double (`.` decimal point,
/// no thousands separator, exponent when shorter: 0.1, 1e-07), with ".0" after a whole number
/// (24519739.0) so that readers type the column as floating point; NaN is an empty field (a
/// missing value for pandas), infinities `inf` and `-inf`.
std::string csv_number(double value);

/// A JSON value as a CSV field: a string as csv_field(), true/false, an integer as it is, a
/// floating-point number as csv_number(), null as an empty field, an array or object as its
/// JSON text (quoted).
std::string csv_json(const nlohmann::json& v);

/// The time series of a recorded run in long form: one row per bucket of consecutive quanta
/// and VM (every VM that existed at some point of the run, in order of first appearance),
/// with the bucket's system and host columns repeated on each of its rows. Columns (header
/// row first): docs/CLI.md, "CSV output". Rows end with a line feed.
std::string time_series_csv(const TimeSeriesRecorder& recorder);

/// One row per VM of the run, those existing at the end (creation order) then those destroyed
/// by an event: every key of the VM's `run --json` status, `destroyed`, and the guest's share
/// of translation in the last quantum (empty for a destroyed VM).
std::string vm_summary_csv(const SimulationResult& result);

}  // namespace bioxen::cli
