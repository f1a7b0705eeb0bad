// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Shared set-up of the engine benchmarks: a configuration and chassis with room for millions
// of VMs, VM ids, and the process's resident memory.
#pragma once

#include <fmt/format.h>

#include <bioxen/bioxen.hpp>
#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace bioxen_bench {

/// Room for `max_vms` VMs: 10^8 ribosome units (default share 42 units at 2*10^6 VMs), and
/// a chassis with enough genome space for a syn3a guest each. One configuration for every N,
/// so that only the number of VMs changes between measurements. The scale benchmarks run the
/// capacity work model unless asked for the physiological one.
inline bioxen::ProductionConfig scale_config(
    bioxen::SchedulerPolicy policy = bioxen::SchedulerPolicy::round_robin, int max_vms = 2'000'000,
    bioxen::WorkModel model = bioxen::WorkModel::capacity) {
  bioxen::ProductionConfig cfg;
  cfg.work_model = model;
  cfg.max_vms = max_vms;
  cfg.total_ribosomes = 100'000'000;
  cfg.scheduler_policy = policy;
  return cfg;
}

inline bioxen::ChassisProfile scale_chassis() {
  bioxen::ChassisProfile p = bioxen::chassis_profile(bioxen::ChassisType::ecoli);
  p.name = "E. coli, the largest genome space and RNA polymerase pool a profile may have";
  p.genome_space_kb = bioxen::max_genome_length_bp / 1000;  // 10^9 kb: 1.8 million syn3A guests
  p.rna_polymerases = 1'000'000;                            // the profile limit
  return p;
}

inline std::string vm_id(std::int64_t i) { return fmt::format("vm{:08}", i); }

/// VmRSS of this process, bytes (0 when /proc is not there).
inline std::int64_t resident_bytes() {
  std::ifstream in("/proc/self/status");
  std::string key;
  while (in >> key) {
    if (key == "VmRSS:") {
      std::int64_t kb = 0;
      in >> kb;
      return kb * 1024;
    }
    std::getline(in, key);
  }
  return 0;
}

/// A hypervisor holding `n` idle (created) syn3a VMs vm00000000 ..., kept between benchmark
/// runs of the same n, so that each n is built once.
inline bioxen::BioXenHypervisor& idle_hypervisor(std::int64_t n) {
  static std::unique_ptr<bioxen::BioXenHypervisor> hv;
  static std::int64_t built = -1;
  if (built != n) {
    hv.reset();
    hv = std::make_unique<bioxen::BioXenHypervisor>(scale_config(), scale_chassis());
    // Idle VMs reserve genome space only (the chassis' 10^6 RNA polymerases would hold 10^5
    // VMs of the default 10 each).
    bioxen::ResourceAllocation idle;
    idle.ribosomes = 0;
    idle.atp_percentage = 0.0;
    idle.rna_polymerase = 0;
    for (std::int64_t i = 0; i < n; ++i) hv->create_vm(vm_id(i), "syn3a_recoded", idle);
    built = n;
  }
  return *hv;
}

}  // namespace bioxen_bench
