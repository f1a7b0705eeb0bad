// BioXen production deployment example — the original library's
// examples/production_deployment.py, step for step, in C++.
//
// 1. Load the production configuration ($BIOXEN_CONFIG, else ~/.bioxen/config.json, then
//    BIOXEN_<FIELD> environment overrides) and check the five production requirements.
// 2. Create an E. coli and a JCVI-syn3A VM on the default (E. coli) hypervisor and start them;
//    syn3A runs recoded for E. coli's genetic code.
// 3. Let them work for 2 s of virtual time, print the resource summary, stop them.
//
// Exit status: 0 on success, 1 when the production checks fail, 2 on an error.
#include <fmt/format.h>
#include <bioxen/bioxen.hpp>
#include <bioxen/error_details.hpp>

#include <chrono>
#include <cstdio>
#include <optional>
#include <utility>

namespace {

using namespace std::chrono_literals;

struct ProductionEnvironment {
  bioxen::ProductionConfigManager config_mgr;
  bioxen::BioResourceManager resource_mgr;
};

// Set up the production environment with proper configuration.
std::optional<ProductionEnvironment> setup_production_environment(bioxen::ProductionLogger& log) {
  // Initialize production configuration.
  bioxen::ProductionConfigManager config_mgr;
  log.info("configuration loaded",
           {{"file", config_mgr.config_path().string()}, {"found", config_mgr.loaded_from_file()}});

  // Validate production requirements.
  const auto validation = config_mgr.validate_production_requirements();
  bool all_passed = true;
  for (const auto& [check, passed] : validation) all_passed = all_passed && passed;
  if (!all_passed) {
    log.error("Production validation failed", nlohmann::json(validation));
    return std::nullopt;
  }

  // Initialize the resource manager (over the default hypervisor).
  bioxen::BioResourceManager resource_mgr;
  return ProductionEnvironment{std::move(config_mgr), std::move(resource_mgr)};
}

// Demonstrate the production VM workflow.
int production_vm_workflow(bioxen::ProductionLogger& log) {
  auto env = setup_production_environment(log);
  if (!env) return 1;

  try {
    // Create production VMs with proper resource allocation.
    fmt::print("🔧 Creating production biological VMs...\n");

    // E. coli production VM.
    auto ecoli_vm = bioxen::create_bio_vm("prod_ecoli_01", "ecoli", "basic");
    fmt::print("✅ Created E.coli VM: {}\n", ecoli_vm.vm_id());

    // Syn3A production VM. Its genes are written in the Mycoplasma code (UGA = Trp), which
    // E. coli reads differently (UGA = stop): it runs the recoded genome, same proteins.
    auto syn3a_vm =
        bioxen::create_bio_vm("prod_syn3a_01", "syn3a", "basic", {{"genome", "syn3a_recoded"}});
    fmt::print("✅ Created Syn3A VM: {}\n", syn3a_vm.vm_id());

    // Start the VMs.
    ecoli_vm.start();
    log.log_vm_operation("start", ecoli_vm.vm_id(), true);
    syn3a_vm.start();
    log.log_vm_operation("start", syn3a_vm.vm_id(), true);

    fmt::print("📊 VMs operational, monitoring resource usage...\n");

    // Simulate the production workload: 2 s of virtual time (the Python example slept 2 s).
    ecoli_vm.hypervisor().run_for(2s);

    // Get the resource status.
    const nlohmann::json status = env->resource_mgr.get_resource_summary();
    fmt::print("📈 Resource status: {}\n", status.dump(2));
    for (const auto& vm : {ecoli_vm, syn3a_vm}) fmt::print("   {}\n", vm.get_status());

    // Cleanup.
    ecoli_vm.stop();
    log.log_vm_operation("stop", ecoli_vm.vm_id(), true);
    syn3a_vm.stop();
    log.log_vm_operation("stop", syn3a_vm.vm_id(), true);

    fmt::print("✅ Production workflow completed successfully\n");
    return 0;
  } catch (const bioxen::BioXenException& e) {
    log.error("Production workflow failed", {{"error", e.what()}, {"details", e.details()}});
    throw;
  }
}

}  // namespace

int main() {
  try {
    // The Python example's logging.basicConfig(level=logging.INFO), as a BioXen logger on stderr.
    bioxen::ProductionLogger log("production", bioxen::ProductionConfigManager{}.config);
    return production_vm_workflow(log);
  } catch (const bioxen::BioXenException& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
}
