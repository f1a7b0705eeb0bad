// Watching a hypervisor: a ProductionMonitor samples in the background while VMs run, then
// the summary is printed as JSON (the original library's shape) and as Prometheus text.
#include <fmt/core.h>
#include <bioxen/bioxen.hpp>

#include <chrono>

int main() {
  using namespace std::chrono_literals;
  bioxen::ProductionConfig cfg;
  cfg.scheduler_policy = bioxen::SchedulerPolicy::fair_share;
  bioxen::BioXenHypervisor hv{cfg, bioxen::ChassisType::ecoli};
  bioxen::ProductionMonitor mon{hv};
  mon.start_monitoring(5ms);

  // The mycoplasma guests recoded for E. coli's genetic code (UGA = stop).
  hv.create_vm("syn3a_1", "syn3a_recoded");
  hv.create_vm("mgen_1", "minimal_cell_recoded");
  hv.start_vm("syn3a_1");
  hv.start_vm("mgen_1");
  std::error_code ec;
  hv.start_vm("missing", ec);                      // a failure the monitor counts (BX006)
  for (int i = 0; i < 20; ++i) hv.run_quanta(50);  // 100 s of virtual time
  mon.sample_now();
  mon.stop_monitoring();

  const nlohmann::json summary = mon.get_performance_summary();
  fmt::print("{}\n\n{}", summary.dump(2), mon.to_prometheus());
  return ec == bioxen::BioXenErrorCode::vm_not_found ? 0 : 1;
}
