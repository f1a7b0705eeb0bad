// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Fuzz target: BioXenHypervisor::restore of a snapshot file (the JSON `bioxen shell` and
// `restore` read), restored into a hypervisor that already has state.
//
// Properties: a refused snapshot changes nothing (the hypervisor's snapshot before and after
// is equal); an accepted one gives the same state as restoring it into a fresh hypervisor,
// runs a few quanta and round-trips through a snapshot.
#include <bioxen/error.hpp>
#include <bioxen/hypervisor.hpp>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "detail/text_io.hpp"
#include "fuzz_support.hpp"

namespace {

using bioxen::fuzz::check;

/// Two VMs, one running and one paused, after a few quanta: state for a restore to replace.
void populate(bioxen::BioXenHypervisor& hv) {
  hv.create_vm("resident", "syn3a_recoded");
  hv.create_vm("paused", "ecoli");
  hv.start_vm("resident");
  hv.start_vm("paused");
  hv.run_quanta(4);
  hv.pause_vm("paused");
  hv.run_quanta(2);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  nlohmann::json snap;
  try {
    snap = bioxen::detail::parse_json_file_text(bioxen::fuzz::as_text(data, size), "fuzz.json",
                                                bioxen::BioXenErrorCode::invalid_snapshot);
  } catch (const bioxen::BioXenException&) {
    return 0;
  }
  bioxen::BioXenHypervisor hv;
  populate(hv);
  const nlohmann::json before = hv.snapshot();
  try {
    hv.restore(snap);
  } catch (const bioxen::BioXenException&) {
    check(hv.snapshot() == before, "a refused restore changed the hypervisor");
    return 0;
  }
  using bioxen::fuzz::step;
  const nlohmann::json restored = step("snapshot() after restore", [&] { return hv.snapshot(); });
  bioxen::BioXenHypervisor fresh;
  step("restore() into a fresh hypervisor", [&] { fresh.restore(snap); });
  check(fresh.snapshot() == restored, "restoring into a fresh hypervisor gives another state");
  bioxen::fuzz::check_runs_and_round_trips(hv);
  return 0;
}
