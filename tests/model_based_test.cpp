// A randomised model-based test of BioXenHypervisor: long random sequences of operations
// (valid and invalid) against a small reference model written independently of the engine;
// after every step the hypervisor must agree with the model and keep its invariants.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "bioxen/hypervisor.hpp"
#include "engine_test_support.hpp"

namespace {

using bioxen::BioXenErrorCode;
using bioxen::BioXenHypervisor;
using bioxen::ProductionConfig;
using bioxen::ResourceAllocation;
using bioxen::SchedulerPolicy;
using bioxen::VMState;

constexpr int kAuto = ResourceAllocation::automatic;

struct RefVm {
  VMState state = VMState::created;
  int ribosomes = 0;
  std::int64_t atp_micro = 0;
  int rnap = 0;
  std::int64_t memory = 0;
  int priority = 1;
  std::int64_t size_kb = 0;
  bool ever_started = false;
  bool allow_code = false;  ///< allow_incompatible_code as created
};

/// The reference: what the allocator and the life cycle must do, written out plainly.
class Model {
 public:
  Model(const ProductionConfig& c, const bioxen::ChassisProfile& p) : cfg_(c), chassis_(p) {
    available_ =
        static_cast<int>(std::floor(c.total_ribosomes * (1 - c.hypervisor_overhead) + 1e-9));
    max_atp_ = std::llround(c.max_atp_percentage * 1e6);
  }

  std::map<std::string, RefVm> vms;

  static std::optional<std::int64_t> micro(double pct) {
    if (!std::isfinite(pct) || std::abs(pct) > 1e9) return std::nullopt;
    return std::llround(pct * 1e6);
  }

  /// The error create_vm must report (std::nullopt: success), and the VM it creates.
  /// `misread`: the chassis' code changes some of the genome's proteins.
  std::optional<BioXenErrorCode> create(const std::string& id, std::optional<std::int64_t> size,
                                        bool misread, const ResourceAllocation& r,
                                        RefVm& out) const {
    if (id.empty() || id.size() > 64 ||
        std::any_of(id.begin(), id.end(), [](char c) { return c < 0x20 || c > 0x7e; })) {
      return BioXenErrorCode::vm_creation_failed;
    }
    if (vms.count(id)) return BioXenErrorCode::vm_already_exists;
    if (!size) return BioXenErrorCode::vm_creation_failed;
    if (misread && !r.allow_incompatible_code) return BioXenErrorCode::incompatible_genetic_code;
    RefVm v;
    v.size_kb = *size;
    v.allow_code = r.allow_incompatible_code;
    v.ribosomes = r.ribosomes == kAuto
                      ? std::min((available_ - cfg_.emergency_ribosome_reserve) / cfg_.max_vms,
                                 cfg_.max_ribosome_allocation)
                      : r.ribosomes;
    v.atp_micro =
        r.atp_percentage == kAuto ? max_atp_ / cfg_.max_vms : micro(r.atp_percentage).value_or(-1);
    v.rnap = r.rna_polymerase == kAuto ? 10 : r.rna_polymerase;
    v.memory =
        r.memory_kb == kAuto ? std::min<std::int64_t>(*size, cfg_.max_memory_kb) : r.memory_kb;
    v.priority = r.priority == kAuto ? 1 : r.priority;
    if (static_cast<int>(vms.size()) >= cfg_.max_vms) return BioXenErrorCode::hypervisor_overload;
    if (auto e = admit(v, RefVm{})) return e;
    out = v;
    return std::nullopt;
  }

  /// Checks 2-8 of a reservation `v` replacing `old` (zero for a new VM).
  std::optional<BioXenErrorCode> admit(const RefVm& v, const RefVm& old) const {
    const auto bad = BioXenErrorCode::resource_allocation_error;
    int rib = 0;
    std::int64_t atp = 0, mem = 0, rnap = 0;
    for (const auto& [id, w] : vms) {
      rib += w.ribosomes;
      rnap += w.rnap;
      atp += w.atp_micro;
      mem += w.memory;
    }
    rib -= old.ribosomes;
    atp -= old.atp_micro;
    mem -= old.memory;
    rnap -= old.rnap;
    if (v.ribosomes < 0 || v.ribosomes > cfg_.max_ribosome_allocation) return bad;
    const int free = available_ - rib;
    const int usable = v.priority == 5 ? free : std::max(0, free - cfg_.emergency_ribosome_reserve);
    if (v.ribosomes > old.ribosomes && v.ribosomes > usable) return bad;
    if (v.atp_micro < 0 || v.atp_micro > 100'000'000) return bad;
    if (v.atp_micro > old.atp_micro && atp + v.atp_micro > max_atp_) return bad;
    if (v.memory < 0 || v.memory > cfg_.max_memory_kb) return bad;
    if (v.memory > old.memory &&
        mem + v.memory > static_cast<std::int64_t>(chassis_.genome_space_kb)) {
      return bad;
    }
    if (v.priority < 1 || v.priority > 5) return bad;
    if (v.rnap < 0) return bad;
    if (v.rnap > old.rnap && rnap + v.rnap > static_cast<std::int64_t>(chassis_.rna_polymerases)) {
      return bad;  // RNA polymerase is conserved
    }
    return std::nullopt;
  }

  std::optional<BioXenErrorCode> reallocate(const std::string& id, const ResourceAllocation& r,
                                            RefVm& out) const {
    const auto it = vms.find(id);
    if (it == vms.end()) return BioXenErrorCode::vm_not_found;
    const RefVm& old = it->second;
    RefVm v = old;
    if (r.ribosomes != kAuto) v.ribosomes = r.ribosomes;
    if (r.atp_percentage != kAuto) v.atp_micro = micro(r.atp_percentage).value_or(-1);
    if (r.rna_polymerase != kAuto) v.rnap = r.rna_polymerase;
    if (r.memory_kb != kAuto) v.memory = r.memory_kb;
    if (r.priority != kAuto) v.priority = r.priority;
    if (v.memory != old.memory && old.state != VMState::created) {
      return BioXenErrorCode::invalid_state_transition;
    }
    if (auto e = admit(v, old)) return e;
    out = v;
    return std::nullopt;
  }

  int available() const { return available_; }
  std::int64_t max_atp() const { return max_atp_; }

 private:
  ProductionConfig cfg_;
  bioxen::ChassisProfile chassis_;
  int available_ = 0;
  std::int64_t max_atp_ = 0;
};

/// The outcome of an operation as an optional error code.
template <class Fn>
std::optional<BioXenErrorCode> outcome(Fn&& fn) {
  try {
    fn();
  } catch (const bioxen::BioXenException& e) {
    return e.code();
  }
  return std::nullopt;
}

std::string show(const std::optional<BioXenErrorCode>& c) {
  return c ? bioxen::error_code_string(*c) : std::string("ok");
}

class ModelBased : public ::testing::TestWithParam<int> {};

// Seeds per work model: four, or one per registered policy if there are more, so that every
// policy runs under both work models.
constexpr int kSeedsPerModel = std::max(4, static_cast<int>(bioxen::all_scheduler_policies.size()));

TEST_P(ModelBased, RandomOperationsAgreeWithTheReferenceModel) {
  const int seed = GetParam();
  std::mt19937_64 rng(static_cast<std::uint64_t>(seed));
  const auto pick = [&](auto n) {
    return static_cast<decltype(n)>(rng() % static_cast<std::uint64_t>(n));
  };

  ProductionConfig cfg;
  cfg.scheduler_policy = bioxen::all_scheduler_policies[static_cast<std::size_t>(seed) %
                                                        bioxen::all_scheduler_policies.size()];
  // Seeds 1-kSeedsPerModel run the capacity model (whose grants are exact), the next
  // kSeedsPerModel the physiological one.
  const bool physiological = seed > kSeedsPerModel;
  cfg.work_model = physiological ? bioxen::WorkModel::physiological : bioxen::WorkModel::capacity;
  cfg.max_vms = 3 + pick(4);
  cfg.context_switch_ms = static_cast<double>(pick(20));
  cfg.fair_share_cap_ribosomes = seed % 2 ? 0 : 30;
  auto chassis = bioxen::chassis_profile(bioxen::ChassisType::ecoli);
  chassis.genome_space_kb = 2500;  // so the genome-space check is reached
  BioXenHypervisor hv{cfg, chassis};
  Model model{cfg, chassis};

  const auto custom = bioxen_test::tiny_genome("custom");
  // The built-in types (syn3a 544 kb, minimal_cell 581 kb, ecoli 4642 kb, and their recoded
  // variants of the same sizes), a custom genome and an unknown type.
  std::vector<std::string> types = bioxen::builtin_genome_names();
  std::map<std::string, std::int64_t> sizes = {{"custom", 2}};
  for (const auto& name : types) {
    sizes[name] = static_cast<std::int64_t>(bioxen::builtin_genome(name)->size_kb());
  }
  types.insert(types.end(), {"custom", "plant"});
  // E. coli reads table 11 (UGA = stop). syn3A and M. genitalium are written in table 4 (UGA =
  // Trp) and have in-frame UGAs, so E. coli would truncate some of their proteins; their
  // recoded variants, E. coli recoded for table 4 (no UGA left) and the custom genome (table 11)
  // are read as written.
  const auto misread = [](const std::string& type) {
    return type == "syn3a" || type == "minimal_cell";
  };
  std::vector<std::string> ids = {
      "a", "b", "c", "d", "e", "f", "g", "h", "", std::string(65, 'x'), "bad\x01id"};

  const auto random_alloc = [&] {
    ResourceAllocation r;
    if (pick(3) != 0) r.ribosomes = static_cast<int>(pick(75)) - 3;
    if (pick(3) != 0)
      r.atp_percentage = pick(10) == 0 ? -1.5 : static_cast<double>(pick(4000)) / 97.0;
    if (pick(4) == 0) r.rna_polymerase = static_cast<int>(pick(5003)) - 1;
    if (pick(4) == 0) r.memory_kb = static_cast<std::int64_t>(pick(1100)) - 2;
    if (pick(3) == 0) r.priority = static_cast<int>(pick(7));
    if (pick(3) == 0) r.allow_incompatible_code = true;
    return r;
  };

  std::map<std::string, double> last_aa;
  const int steps = 25000;
  int successes = 0, failures = 0, quanta = 0;
  for (int step = 0; step < steps; ++step) {
    const std::string& id = ids[pick(ids.size())];
    const int op = static_cast<int>(pick(100));
    std::optional<BioXenErrorCode> expected, actual;
    std::map<std::string, double> rs_before;
    bool ran = false;
    const auto known = model.vms.find(id);
    const auto transition = [&](std::initializer_list<VMState> from, VMState to, auto&& call) {
      if (known == model.vms.end()) {
        expected = BioXenErrorCode::vm_not_found;
      } else if (std::find(from.begin(), from.end(), known->second.state) == from.end()) {
        expected = BioXenErrorCode::invalid_state_transition;
      }
      actual = outcome(call);
      if (!expected && !actual) {
        known->second.state = to;
        if (to == VMState::running) known->second.ever_started = true;
      }
    };
    if (op < 18) {
      const std::string& type = types[pick(types.size())];
      const auto r = random_alloc();
      RefVm v;
      const auto it = sizes.find(type);
      expected = model.create(id, it == sizes.end() ? std::nullopt : std::optional(it->second),
                              misread(type), r, v);
      actual = outcome([&] {
        if (type == "custom") {
          hv.create_vm(id, custom, r);
        } else {
          hv.create_vm(id, type, r);
        }
      });
      if (!expected && !actual) {
        model.vms[id] = v;
        last_aa[id] = 0;
      }
    } else if (op < 33) {
      transition({VMState::created, VMState::stopped}, VMState::running, [&] { hv.start_vm(id); });
    } else if (op < 41) {
      transition({VMState::running}, VMState::paused, [&] { hv.pause_vm(id); });
    } else if (op < 49) {
      transition({VMState::paused}, VMState::running, [&] { hv.resume_vm(id); });
    } else if (op < 56) {
      transition({VMState::running, VMState::paused}, VMState::stopped, [&] { hv.stop_vm(id); });
    } else if (op < 58) {
      transition({VMState::created, VMState::running, VMState::paused, VMState::stopped},
                 VMState::error, [&] { hv.fail_vm(id, "model"); });
    } else if (op < 65) {
      if (known == model.vms.end()) expected = BioXenErrorCode::vm_not_found;
      actual = outcome([&] { hv.destroy_vm(id); });
      if (!expected && !actual) {
        model.vms.erase(known);
        last_aa.erase(id);
      }
    } else if (op < 72) {
      const auto r = random_alloc();
      RefVm v;
      expected = model.reallocate(id, r, v);
      actual = outcome([&] { hv.reallocate_vm(id, r); });
      if (!expected && !actual) model.vms[id] = v;
    } else if (op < 97) {
      for (const auto& s : hv.list_vms()) rs_before[s.vm_id] = s.ribosome_seconds;
      hv.run_scheduler();
      ran = true;
      ++quanta;
    } else if (op < 99) {
      if (known == model.vms.end()) expected = BioXenErrorCode::vm_not_found;
      std::error_code ec;
      const auto st = hv.get_vm_status(id, ec);
      if (ec) {
        actual = static_cast<BioXenErrorCode>(ec.value());
      } else {
        ASSERT_EQ(st.vm_id, id);
        ASSERT_EQ(hv.get_vm_state(id), known->second.state);
      }
    } else {
      const std::string before = hv.snapshot().dump();
      hv.restore(nlohmann::json::parse(before));
      ASSERT_EQ(hv.snapshot().dump(), before) << "step " << step;
    }
    ASSERT_EQ(show(actual), show(expected))
        << "step " << step << " op " << op << " id '" << id << "'";
    (actual ? failures : successes) += 1;

    // --- Invariants, after every step ---
    ASSERT_TRUE(bioxen_test::resources_consistent(hv)) << "step " << step;
    const auto sr = hv.get_system_resources();
    std::int64_t rib = 0, atp = 0, mem = 0, running = 0;
    for (const auto& [vid, v] : model.vms) {
      rib += v.ribosomes;
      atp += v.atp_micro;
      mem += v.memory;
      running += v.state == VMState::running;
    }
    ASSERT_EQ(sr.allocated_ribosomes, rib) << "step " << step;
    ASSERT_EQ(std::llround(sr.total_atp_allocated * 1e6), atp) << "step " << step;
    ASSERT_EQ(sr.allocated_memory_kb, mem) << "step " << step;
    ASSERT_EQ(sr.total_vms, static_cast<std::int64_t>(model.vms.size()));
    ASSERT_EQ(sr.active_vms, running);
    ASSERT_EQ(sr.virtual_time_us, static_cast<std::int64_t>(quanta) * 100000);
    ASSERT_EQ(sr.available_ribosomes, model.available());
    const auto all = hv.list_vms();
    ASSERT_EQ(all.size(), model.vms.size());
    double granted = 0;
    int progressed = 0;
    for (const auto& s : all) {
      const RefVm& v = model.vms.at(s.vm_id);
      ASSERT_EQ(s.state, v.state) << s.vm_id << " step " << step;
      ASSERT_EQ(s.ribosome_allocation, v.ribosomes);
      ASSERT_EQ(std::llround(s.atp_percentage * 1e6), v.atp_micro);
      ASSERT_EQ(s.memory_kb, v.memory);
      ASSERT_EQ(s.priority, v.priority);
      ASSERT_EQ(s.rna_polymerase, v.rnap);
      // The permission is kept from creation (reallocations do not change it); only a VM that
      // has it may make proteins its genome's code does not, and a blocked boot never completes.
      ASSERT_EQ(s.allow_incompatible_code, v.allow_code) << s.vm_id << " step " << step;
      ASSERT_TRUE(v.allow_code || (s.truncated_proteins == 0 && s.extended_proteins == 0));
      ASSERT_FALSE(s.boot_blocked && s.boot_complete) << s.vm_id << " step " << step;
      ASSERT_NEAR(s.active_seconds + s.waiting_seconds, s.running_seconds, 1e-9);
      ASSERT_GE(s.waiting_seconds, -1e-12);
      ASSERT_LE(s.running_seconds, static_cast<double>(quanta) * 0.1 + 1e-9);
      ASSERT_GE(static_cast<double>(s.amino_acids), last_aa[s.vm_id]) << "amino acids went back";
      ASSERT_LE(s.atp_consumed, static_cast<double>(s.amino_acids + 1) * 4 + 1e-6);
      if (ran) {
        const double d = s.ribosome_seconds - rs_before[s.vm_id];
        granted += d;
        if (v.state != VMState::running) {
          ASSERT_EQ(d, 0.0) << "a VM that is not running made progress";
          ASSERT_EQ(static_cast<double>(s.amino_acids), last_aa[s.vm_id]);
        }
        progressed += d > 0;
      }
      last_aa[s.vm_id] = static_cast<double>(s.amino_acids);
    }
    if (ran && physiological) {
      // Chains hold ribosomes of at most the available units (their active fraction), and the
      // host's growth law stays in its domain.
      ASSERT_LE(granted, model.available() * 0.1 * chassis.active_ribosome_fraction + 1e-9)
          << "step " << step;
      const bioxen::HostStatus h = hv.get_host_status();
      ASSERT_GE(h.growth_rate_per_h, 0.0);
      ASSERT_LE(h.growth_rate_per_h, h.reference_growth_rate_per_h * (1 + 1e-12));
      ASSERT_GE(h.guest_translation_fraction, 0.0);
      ASSERT_LE(h.guest_translation_fraction, 1.0);
      ASSERT_LE(h.guest_bound_ribosomes, h.active_ribosomes + 1e-6);
      // The host's count of ribosomes on guest chains is every VM's chains, running or frozen.
      double on_chains = 0.0;
      for (const auto& st : hv.list_vms()) on_chains += st.ribosomes_on_chains;
      ASSERT_NEAR(h.guest_bound_ribosomes, on_chains, 1e-6 * (1.0 + on_chains)) << "step " << step;
      ASSERT_EQ(h.state, h.growth_rate_per_h > 0 ? "growing" : "stalled");
    }
    if (ran && !physiological) {
      // What the policy may grant in one quantum, in unit-seconds.
      ASSERT_LE(granted, model.available() * 0.1 + 1e-9) << "step " << step;
      if (cfg.scheduler_policy == SchedulerPolicy::round_robin) {
        ASSERT_LE(progressed, 1) << "round robin ran two VMs at once";
      }
      if (cfg.scheduler_policy == SchedulerPolicy::fair_share && running > 0 &&
          cfg.fair_share_cap_ribosomes == 0) {
        ASSERT_NEAR(granted, model.available() * 0.1, 1e-9) << "fair share is not work-conserving";
      }
      if (cfg.scheduler_policy == SchedulerPolicy::priority) {
        ASSERT_NEAR(granted,
                    std::min<double>(model.available(),
                                     static_cast<double>(running) * cfg.max_ribosome_allocation) *
                        0.1,
                    1e-9);
      }
    }
  }
  EXPECT_GT(successes, steps / 4);
  EXPECT_GT(failures, steps / 10);
  RecordProperty("successes", successes);
  RecordProperty("failures", failures);
}

// Runs of 25,000 operations, every policy under both work models: with three policies eight
// runs (seeds 1-8), 200,000 operations in all.
INSTANTIATE_TEST_SUITE_P(Seeds, ModelBased, ::testing::Range(1, 2 * kSeedsPerModel + 1),
                         [](const auto& p) { return "seed_" + std::to_string(p.param); });

}  // namespace
