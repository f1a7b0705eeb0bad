// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// The summary tables that demo, run, shell and the HTML report share.
#pragma once

#include <bioxen/metrics.hpp>
#include <bioxen/scenario.hpp>
#include <bioxen/types.hpp>
#include <bioxen/work_model.hpp>

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

/// A doubling time for people: "73.1 min", "stalled" when the host does not grow.
std::string format_doubling(const HostStatus& h);

/// The host cell alone (before any guest) and after the run: state, growth rate, doubling
/// time, the guests' share of translation, ribosomes on guest chains, RNAP limitation.
Table host_table(const HostStatus& alone, const HostStatus& now);

/// Each guest's share of the host's translation in the last quantum, and its boot time
/// (`vms`: the VMs existing at the end, parallel to `guests`).
Table guest_table(const std::vector<GuestShare>& guests, const std::vector<VmStatus>& vms);

/// The monitor's summary: operations (counts and wall-clock latencies), then utilisation,
/// error rate and the scheduling picture.
std::vector<Table> performance_tables(const PerformanceSummary& s);

/// The original library's production checks (name -> pass).
Table checks_table(const std::map<std::string, bool>& checks);

/// Prints tables separated by blank lines on stdout.
void print_tables(const std::vector<Table>& tables);

}  // namespace bioxen::cli
