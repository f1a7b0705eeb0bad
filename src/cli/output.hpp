// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// The summary tables that demo, run, shell and the HTML report share.
#pragma once

#include <bioxen/metrics.hpp>
#include <bioxen/types.hpp>

#include <map>
#include <string>
#include <vector>

#include "table.hpp"

namespace bioxen::cli {

/// Ribosomes, ATP share, genome space, RNA polymerase and VMs: allocated, free, limit.
Table resources_table(const SystemResources& r);

/// Each VM's state and reservation; `destroyed` VMs (their last status) show as destroyed.
Table vm_table(const std::vector<VmStatus>& vms, const std::vector<VmStatus>& destroyed = {});

/// Each VM's work in virtual time: running and active seconds, amino acids, proteins, ATP,
/// boot time, context switches, throttles.
Table work_table(const std::vector<VmStatus>& vms, const std::vector<VmStatus>& destroyed = {});

/// The monitor's summary: operations (counts and wall-clock latencies), then utilisation,
/// error rate and the scheduling picture.
std::vector<Table> performance_tables(const PerformanceSummary& s);

/// The seed's production checks (name -> pass).
Table checks_table(const std::map<std::string, bool>& checks);

/// Prints tables separated by blank lines on stdout.
void print_tables(const std::vector<Table>& tables);

}  // namespace bioxen::cli
