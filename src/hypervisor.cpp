// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// BioXenHypervisor: one Engine (src/detail/engine.hpp) behind a mutex, the counters anyone
// may read, and the observers.
#include "bioxen/hypervisor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "bioxen/detail/json_read.hpp"
#include "bioxen/error_details.hpp"
#include "detail/engine.hpp"
#include "detail/spin_mutex.hpp"

namespace bioxen {

namespace {

constexpr std::size_t kOps = all_hypervisor_operations.size();

/// One attached observer with the options it asked for when attached.
struct Attached {
  std::shared_ptr<HypervisorObserver> observer;
  ObserverOptions options;
};

using ObserverList = std::shared_ptr<const std::vector<Attached>>;

/// Runs `fn` and stores a BioXenException's code in `ec` (cleared on success): the one
/// convention of every `std::error_code&` overload.
template <class Fn>
auto into(std::error_code& ec, Fn&& fn) -> decltype(fn()) {
  return capture_error(ec, std::forward<Fn>(fn));
}

}  // namespace

struct BioXenHypervisor::Impl {
  Impl(const ProductionConfig& config, const ChassisProfile& chassis) : engine(config, chassis) {}

  mutable detail::SpinThenBlockMutex mutex;
  detail::Engine engine;        ///< guarded by mutex
  HypervisorCounters counters;  ///< guarded by mutex

  ObserverList observers = std::make_shared<const std::vector<Attached>>();  ///< under mutex
  std::atomic<bool> operation_observers{false};           ///< an observer is attached
  std::atomic<bool> quantum_observers{false};             ///< an attached observer takes quanta
  std::atomic<bool> want_grants{false};                   ///< an attached observer takes grants
  std::atomic<std::uint32_t> sample_mask{0};              ///< smallest operation sample period - 1
  std::array<std::atomic<std::uint64_t>, kOps> op_seq{};  ///< successes by kind, for sampling

  OperationCounter& counter(HypervisorOperation op) noexcept {
    return counters.operations[static_cast<std::size_t>(op)];
  }

  /// How one operation is observed: decided before it takes the lock, so that a sampled
  /// operation's latency includes the wait.
  struct Watch {
    bool observed = false;
    std::optional<std::chrono::steady_clock::time_point> t0;  ///< set when sampled
  };

  Watch watch(HypervisorOperation op) const {
    if (!operation_observers.load(std::memory_order_acquire)) return {};
    // Concurrent callers may both take (or both miss) a sample: that only shifts sampling.
    const auto& seq = op_seq[static_cast<std::size_t>(op)];
    const bool sampled =
        (seq.load(std::memory_order_relaxed) & sample_mask.load(std::memory_order_relaxed)) == 0;
    return {true, sampled ? std::optional(std::chrono::steady_clock::now()) : std::nullopt};
  }

  /// Counts a success (the caller holds `lock`), releases the lock and reports it if sampled.
  void succeeded(HypervisorOperation op, const Watch& w, std::string_view vm_id,
                 std::unique_lock<detail::SpinThenBlockMutex>& lock) {
    ++counter(op).succeeded;
    if (!w.observed) return;
    auto& seq = op_seq[static_cast<std::size_t>(op)];
    seq.store(seq.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    if (!w.t0) return;
    const ObserverList list = observers;
    lock.unlock();
    notify(list, op, vm_id, w.t0, nullptr);
  }

  /// Counts a failure (the caller holds `lock`), releases the lock and reports it.
  void failed(HypervisorOperation op, const Watch& w, std::string_view vm_id,
              const BioXenException& error, std::unique_lock<detail::SpinThenBlockMutex>& lock) {
    ++counter(op).failed;
    if (!w.observed) return;
    const ObserverList list = observers;
    lock.unlock();
    notify(list, op, vm_id, w.t0, &error);
  }

  /// Runs a mutating operation under the lock, counts it and reports it to observers
  /// (outside the lock). Without observers no clock is read.
  template <class Fn>
  void mutate(HypervisorOperation op, std::string_view vm_id, Fn&& fn) {
    const Watch w = watch(op);
    std::unique_lock lock(mutex);
    try {
      fn();
    } catch (const BioXenException& e) {
      failed(op, w, vm_id, e, lock);
      throw;
    }
    succeeded(op, w, vm_id, lock);
  }

  static void notify(const ObserverList& list, HypervisorOperation op, std::string_view vm_id,
                     std::optional<std::chrono::steady_clock::time_point> t0,
                     const BioXenException* error) {
    if (!list || list->empty()) return;
    OperationEvent event;
    event.kind = op;
    event.operation = to_string(op);
    event.vm_id = detail::printable(vm_id);
    event.timed = t0.has_value();
    if (t0) event.latency = std::chrono::steady_clock::now() - *t0;
    event.success = error == nullptr;
    if (error != nullptr) {
      event.error = error->error_code();
      event.message = error->message();
    }
    for (const Attached& a : *list) a.observer->on_operation(event);
  }

  /// One quantum; observers that take quanta get its event, outside the lock.
  void run_quantum() {
    if (!quantum_observers.load(std::memory_order_acquire)) {
      std::lock_guard lock(mutex);
      engine.run_quantum(counters.quanta);
      return;
    }
    QuantumEvent event;
    ObserverList list;
    {
      std::lock_guard lock(mutex);
      engine.run_quantum(event, want_grants.load(std::memory_order_relaxed), counters.quanta);
      list = observers;
    }
    for (const Attached& a : *list) {
      if (a.options.quanta) a.observer->on_quantum(event);
    }
  }

  /// Replaces the observer list by `edit(copy of the list)` under the lock, with the flags
  /// of what the new list asks for; the old list is released outside the lock.
  template <class Edit>
  void update_observers(Edit&& edit) {
    ObserverList old;
    std::lock_guard lock(mutex);
    auto next = std::make_shared<std::vector<Attached>>(*observers);
    edit(*next);
    std::uint32_t period = max_sample_period;
    bool quanta = false;
    bool grants = false;
    for (const Attached& a : *next) {
      period = std::min(period, a.options.operation_sample_period);
      quanta = quanta || a.options.quanta;
      grants = grants || (a.options.quanta && a.options.quantum_grants);
    }
    sample_mask.store(period - 1, std::memory_order_relaxed);
    want_grants.store(grants, std::memory_order_relaxed);
    quantum_observers.store(quanta, std::memory_order_release);
    operation_observers.store(!next->empty(), std::memory_order_release);
    old = std::exchange(observers, std::move(next));
  }
};

BioXenHypervisor::BioXenHypervisor()
    : BioXenHypervisor(ProductionConfig{}, chassis_profile(ChassisType::ecoli)) {}

BioXenHypervisor::BioXenHypervisor(const ProductionConfig& config, ChassisType chassis)
    : BioXenHypervisor(config, chassis_profile(chassis)) {}

BioXenHypervisor::BioXenHypervisor(const ProductionConfig& config, const ChassisProfile& chassis)
    : impl_(std::make_unique<Impl>(config, chassis)) {}

BioXenHypervisor::~BioXenHypervisor() = default;

// --- Life cycle -------------------------------------------------------------------------------

void BioXenHypervisor::create_vm(std::string_view vm_id, std::string_view biological_type,
                                 const ResourceAllocation& allocation) {
  impl_->mutate(HypervisorOperation::create_vm, vm_id,
                [&] { impl_->engine.create_vm(vm_id, biological_type, allocation); });
}
void BioXenHypervisor::create_vm(std::string_view vm_id, std::string_view biological_type,
                                 std::error_code& ec) {
  into(ec, [&] { create_vm(vm_id, biological_type); });
}
void BioXenHypervisor::create_vm(std::string_view vm_id, std::string_view biological_type,
                                 const ResourceAllocation& allocation, std::error_code& ec) {
  into(ec, [&] { create_vm(vm_id, biological_type, allocation); });
}
void BioXenHypervisor::create_vm(std::string_view vm_id, GenomePtr genome,
                                 const ResourceAllocation& allocation) {
  impl_->mutate(HypervisorOperation::create_vm, vm_id,
                [&] { impl_->engine.create_vm(vm_id, std::move(genome), allocation); });
}
void BioXenHypervisor::create_vm(std::string_view vm_id, GenomePtr genome, std::error_code& ec) {
  into(ec, [&] { create_vm(vm_id, std::move(genome)); });
}
void BioXenHypervisor::create_vm(std::string_view vm_id, GenomePtr genome,
                                 const ResourceAllocation& allocation, std::error_code& ec) {
  into(ec, [&] { create_vm(vm_id, std::move(genome), allocation); });
}

void BioXenHypervisor::start_vm(std::string_view vm_id) {
  impl_->mutate(HypervisorOperation::start_vm, vm_id, [&] { impl_->engine.start_vm(vm_id); });
}
void BioXenHypervisor::start_vm(std::string_view vm_id, std::error_code& ec) {
  into(ec, [&] { start_vm(vm_id); });
}
void BioXenHypervisor::pause_vm(std::string_view vm_id) {
  impl_->mutate(HypervisorOperation::pause_vm, vm_id, [&] { impl_->engine.pause_vm(vm_id); });
}
void BioXenHypervisor::pause_vm(std::string_view vm_id, std::error_code& ec) {
  into(ec, [&] { pause_vm(vm_id); });
}
void BioXenHypervisor::resume_vm(std::string_view vm_id) {
  impl_->mutate(HypervisorOperation::resume_vm, vm_id, [&] { impl_->engine.resume_vm(vm_id); });
}
void BioXenHypervisor::resume_vm(std::string_view vm_id, std::error_code& ec) {
  into(ec, [&] { resume_vm(vm_id); });
}
void BioXenHypervisor::stop_vm(std::string_view vm_id) {
  impl_->mutate(HypervisorOperation::stop_vm, vm_id, [&] { impl_->engine.stop_vm(vm_id); });
}
void BioXenHypervisor::stop_vm(std::string_view vm_id, std::error_code& ec) {
  into(ec, [&] { stop_vm(vm_id); });
}
void BioXenHypervisor::destroy_vm(std::string_view vm_id) {
  impl_->mutate(HypervisorOperation::destroy_vm, vm_id, [&] { impl_->engine.destroy_vm(vm_id); });
}
void BioXenHypervisor::destroy_vm(std::string_view vm_id, std::error_code& ec) {
  into(ec, [&] { destroy_vm(vm_id); });
}
void BioXenHypervisor::fail_vm(std::string_view vm_id, std::string_view reason) {
  impl_->mutate(HypervisorOperation::fail_vm, vm_id, [&] { impl_->engine.fail_vm(vm_id, reason); });
}
void BioXenHypervisor::fail_vm(std::string_view vm_id, std::string_view reason,
                               std::error_code& ec) {
  into(ec, [&] { fail_vm(vm_id, reason); });
}
void BioXenHypervisor::reallocate_vm(std::string_view vm_id, const ResourceAllocation& allocation) {
  impl_->mutate(HypervisorOperation::reallocate_vm, vm_id,
                [&] { impl_->engine.reallocate_vm(vm_id, allocation); });
}
void BioXenHypervisor::reallocate_vm(std::string_view vm_id, const ResourceAllocation& allocation,
                                     std::error_code& ec) {
  into(ec, [&] { reallocate_vm(vm_id, allocation); });
}

// --- Queries ----------------------------------------------------------------------------------

VmStatus BioXenHypervisor::get_vm_status(std::string_view vm_id) const {
  std::lock_guard lock(impl_->mutex);
  return impl_->engine.vm_status(vm_id);
}
VmStatus BioXenHypervisor::get_vm_status(std::string_view vm_id, std::error_code& ec) const {
  return into(ec, [&] { return get_vm_status(vm_id); });
}
VMState BioXenHypervisor::get_vm_state(std::string_view vm_id) const {
  std::lock_guard lock(impl_->mutex);
  return impl_->engine.vm_state(vm_id);
}
VMState BioXenHypervisor::get_vm_state(std::string_view vm_id, std::error_code& ec) const {
  return into(ec, [&] { return get_vm_state(vm_id); });
}
ResourceAllocation BioXenHypervisor::get_vm_allocation(std::string_view vm_id) const {
  std::lock_guard lock(impl_->mutex);
  return impl_->engine.vm_allocation(vm_id);
}
ResourceAllocation BioXenHypervisor::get_vm_allocation(std::string_view vm_id,
                                                       std::error_code& ec) const {
  return into(ec, [&] { return get_vm_allocation(vm_id); });
}
std::vector<ProteinCount> BioXenHypervisor::get_vm_proteins(std::string_view vm_id) const {
  std::lock_guard lock(impl_->mutex);
  return impl_->engine.vm_proteins(vm_id);
}
std::vector<ProteinCount> BioXenHypervisor::get_vm_proteins(std::string_view vm_id,
                                                            std::error_code& ec) const {
  return into(ec, [&] { return get_vm_proteins(vm_id); });
}
bool BioXenHypervisor::has_vm(std::string_view vm_id) const {
  std::lock_guard lock(impl_->mutex);
  return impl_->engine.contains(vm_id);
}
std::vector<VmStatus> BioXenHypervisor::list_vms() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->engine.list_vms();
}
void BioXenHypervisor::list_vms(std::vector<VmStatus>& out) const {
  std::lock_guard lock(impl_->mutex);
  impl_->engine.list_vms(out);
}
std::vector<std::string> BioXenHypervisor::list_vm_ids() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->engine.list_vm_ids();
}
std::size_t BioXenHypervisor::vm_count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->engine.vm_count();
}
SystemResources BioXenHypervisor::get_system_resources() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->engine.system_resources();
}
HostStatus BioXenHypervisor::get_host_status() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->engine.host_status();
}
nlohmann::json BioXenHypervisor::get_chassis_info() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->engine.chassis_info();
}
ProductionConfig BioXenHypervisor::config() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->engine.config();
}
ChassisProfile BioXenHypervisor::chassis() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->engine.chassis();
}
int BioXenHypervisor::max_vms() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->engine.config().max_vms;
}
ResourceAllocation BioXenHypervisor::default_allocation(std::string_view biological_type) const {
  const auto names = builtin_genome_names();
  if (std::find(names.begin(), names.end(), biological_type) == names.end()) {
    throw BioXenException(
        BioXenErrorCode::vm_creation_failed,
        fmt::format("unknown biological type '{}' (supported: {})",
                    detail::printable(biological_type), fmt::join(names, ", ")),
        {{"biological_type", detail::printable(biological_type)}, {"supported", names}});
  }
  const auto size_kb = static_cast<std::int64_t>(builtin_genome(biological_type)->size_kb());
  std::lock_guard lock(impl_->mutex);
  return impl_->engine.allocator().resolve(ResourceAllocation{}, size_kb).allocation();
}
ResourceAllocation BioXenHypervisor::default_allocation(std::string_view biological_type,
                                                        std::error_code& ec) const {
  return into(ec, [&] { return default_allocation(biological_type); });
}
HypervisorCounters BioXenHypervisor::counters() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->counters;
}

// --- Scheduler and virtual clock --------------------------------------------------------------

void BioXenHypervisor::run_scheduler() { impl_->run_quantum(); }

std::uint64_t BioXenHypervisor::run_quanta(std::uint64_t n) {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->engine.require_quanta_left(n);
  }
  std::uint64_t done = 0;
  while (done < n) {
    if (impl_->quantum_observers.load(std::memory_order_acquire)) {
      impl_->run_quantum();
      ++done;
      continue;
    }
    std::lock_guard lock(impl_->mutex);
    const std::uint64_t k = std::min<std::uint64_t>(n - done, 256);
    for (std::uint64_t i = 0; i < k; ++i) impl_->engine.run_quantum(impl_->counters.quanta);
    done += k;
  }
  return n;
}

std::uint64_t BioXenHypervisor::run_for_us(std::int64_t us) {
  if (us < 0) {
    throw BioXenException(BioXenErrorCode::invalid_argument,
                          fmt::format("run_for: the duration must not be negative ({} µs)", us));
  }
  std::int64_t quantum_us;
  {
    std::lock_guard lock(impl_->mutex);
    quantum_us = impl_->engine.quantum_us();
  }
  // ceil(us / quantum) without forming us + quantum - 1, which may overflow.
  const auto q = static_cast<std::uint64_t>(us / quantum_us + (us % quantum_us != 0 ? 1 : 0));
  return run_quanta(q);
}
std::uint64_t BioXenHypervisor::run_for_us(std::int64_t us, std::error_code& ec) {
  return into(ec, [&] { return run_for_us(us); });
}

std::chrono::microseconds BioXenHypervisor::virtual_time() const {
  std::lock_guard lock(impl_->mutex);
  return std::chrono::microseconds(impl_->engine.clock_us());
}
double BioXenHypervisor::virtual_seconds() const {
  std::lock_guard lock(impl_->mutex);
  return static_cast<double>(impl_->engine.clock_us()) / 1e6;
}
std::uint64_t BioXenHypervisor::quanta_elapsed() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->engine.quanta();
}
std::uint64_t BioXenHypervisor::quanta_left() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->engine.quanta_left();
}

// --- Snapshots --------------------------------------------------------------------------------

nlohmann::json BioXenHypervisor::snapshot() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->engine.snapshot();
}

void BioXenHypervisor::restore(const nlohmann::json& snap) {
  constexpr auto op = HypervisorOperation::restore;
  const Impl::Watch w = impl_->watch(op);
  // Built and checked outside the lock; swapped in only when complete.
  std::optional<detail::Engine> fresh;
  try {
    fresh.emplace(detail::Engine::from_snapshot(snap));
  } catch (const BioXenException& e) {
    std::unique_lock lock(impl_->mutex);
    impl_->failed(op, w, {}, e, lock);
    throw;
  }
  std::unique_lock lock(impl_->mutex);
  std::swap(impl_->engine, *fresh);
  impl_->succeeded(op, w, {}, lock);
  if (lock.owns_lock()) lock.unlock();
  // `fresh` (the old state) is destroyed here, outside the lock.
}
void BioXenHypervisor::restore(const nlohmann::json& snap, std::error_code& ec) {
  into(ec, [&] { restore(snap); });
}

// --- Observers --------------------------------------------------------------------------------

void BioXenHypervisor::add_observer(std::shared_ptr<HypervisorObserver> observer) {
  if (!observer) {
    throw BioXenException(BioXenErrorCode::invalid_argument, "add_observer: null observer");
  }
  const ObserverOptions options = observer->options();
  if (!is_valid_sample_period(options.operation_sample_period)) {
    throw BioXenException(
        BioXenErrorCode::invalid_argument,
        fmt::format("add_observer: operation sample period {} is not a power of two in [1, 2^20]",
                    options.operation_sample_period),
        {{"operation_sample_period", options.operation_sample_period}});
  }
  impl_->update_observers([&](std::vector<Attached>& list) {
    for (const Attached& a : list) {
      if (a.observer == observer) return;
    }
    list.push_back(Attached{std::move(observer), options});
  });
}
void BioXenHypervisor::add_observer(std::shared_ptr<HypervisorObserver> observer,
                                    std::error_code& ec) {
  into(ec, [&] { add_observer(std::move(observer)); });
}

void BioXenHypervisor::remove_observer(const std::shared_ptr<HypervisorObserver>& observer) {
  impl_->update_observers([&](std::vector<Attached>& list) {
    std::erase_if(list, [&](const Attached& a) { return a.observer == observer; });
  });
}

std::size_t BioXenHypervisor::observer_count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->observers->size();
}

}  // namespace bioxen
