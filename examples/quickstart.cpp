// BioXen quick start: a hypervisor of your own, two guest genomes, ten seconds of virtual
// time, and what each guest made of its share.
#include <fmt/format.h>
#include <bioxen/bioxen.hpp>

#include <chrono>

int main() {
  using namespace std::chrono_literals;
  try {
    // 1. A hypervisor with the default configuration (80 ribosome units, 4 VMs) on an E. coli
    //    host, sharing the ribosomes fairly among running guests.
    bioxen::ProductionConfig config;
    config.scheduler_policy = bioxen::SchedulerPolicy::fair_share;
    bioxen::BioXenHypervisor hv{config, bioxen::ChassisType::ecoli};
    fmt::print("BioXen {} on {}\n", bioxen::version(), hv.get_system_resources().chassis);

    // 2. Two guests: JCVI-syn3A with an explicit request, M. genitalium with the default share.
    //    Both are mycoplasmas, whose genes read UGA as tryptophan; E. coli reads it as stop and
    //    refuses them (BX014), so they run recoded for E. coli's code: the same proteins.
    auto syn3a = bioxen::create_bio_vm(
        hv, "syn3a", "syn3a", "basic",
        {{"ribosomes", 20}, {"atp_percentage", 30.0}, {"genome", "syn3a_recoded"}});
    auto minimal = bioxen::create_bio_vm(hv, "minimal", "minimal_cell", "basic",
                                         {{"genome", "minimal_cell_recoded"}});
    syn3a.start();
    minimal.start();

    // 3. Ten seconds of virtual time (100 quanta of 100 ms).
    hv.run_for(10s);

    // 4. What happened.
    fmt::print("{}\n", hv.get_system_resources());
    for (const bioxen::VmStatus& s : hv.list_vms()) fmt::print("  {}\n", s);
    const nlohmann::json status = syn3a.get_status();  // the original library's keys
    fmt::print("syn3a made {} amino acids in state {}\n", status["amino_acids"].get<long>(),
               status["state"].get<std::string>());

    // 5. Failures throw BioXenException with a code, e.g. an illegal transition, or syn3A as
    //    published on this E. coli host.
    try {
      minimal.resume();  // it is running, not paused
    } catch (const bioxen::BioXenException& e) {
      fmt::print("expected error: {}\n", e.what());  // [BX007] cannot resume VM ...
    }
    try {
      bioxen::create_bio_vm(hv, "native", "syn3a");
    } catch (const bioxen::BioXenException& e) {
      fmt::print("expected error: {}\n", e.what());  // [BX014] ... uses translation table 4
    }

    syn3a.destroy();
    minimal.destroy();
    return 0;
  } catch (const bioxen::BioXenException& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 1;
  }
}
