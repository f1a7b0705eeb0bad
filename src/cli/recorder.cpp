// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#include "recorder.hpp"

#include <algorithm>

namespace bioxen::cli {

TimeSeriesRecorder::TimeSeriesRecorder(double quantum_seconds, std::size_t max_buckets)
    : quantum_seconds_(quantum_seconds), max_buckets_(std::max<std::size_t>(max_buckets, 2)) {}

VmSeries& TimeSeriesRecorder::series_for(const std::string& vm_id) {
  for (auto& s : series_) {
    if (s.vm_id == vm_id) return s;
  }
  VmSeries s;
  s.vm_id = vm_id;
  s.color_index = series_.size();
  s.buckets.resize(buckets_.size());
  series_.push_back(std::move(s));
  last_.emplace_back();
  return series_.back();
}

void TimeSeriesRecorder::mark(std::string label) {
  markers_.push_back({quanta_, std::move(label)});
}

namespace {

void merge_into(Bucket& a, const Bucket& b) {
  const double qa = a.quanta;
  const double qb = b.quanta;
  const double q = qa + qb;
  if (q > 0) {
    a.available_ribosomes = (a.available_ribosomes * qa + b.available_ribosomes * qb) / q;
    a.allocated_ribosomes = (a.allocated_ribosomes * qa + b.allocated_ribosomes * qb) / q;
    a.total_atp_allocated = (a.total_atp_allocated * qa + b.total_atp_allocated * qb) / q;
  }
  a.quanta += b.quanta;
  const double ha = a.host_quanta;
  const double hb = b.host_quanta;
  if (ha + hb > 0) {
    a.growth_rate_per_h = (a.growth_rate_per_h * ha + b.growth_rate_per_h * hb) / (ha + hb);
    a.reference_growth_rate_per_h =
        (a.reference_growth_rate_per_h * ha + b.reference_growth_rate_per_h * hb) / (ha + hb);
    a.guest_translation_fraction =
        (a.guest_translation_fraction * ha + b.guest_translation_fraction * hb) / (ha + hb);
  }
  a.host_quanta += b.host_quanta;
  a.stalled_quanta += b.stalled_quanta;
  a.host_modelled = a.host_modelled || b.host_modelled;
}

void merge_into(VmBucket& a, const VmBucket& b) {
  a.active_quanta += b.active_quanta;
  a.running_quanta += b.running_quanta;
  a.paused_quanta += b.paused_quanta;
  a.stopped_quanta += b.stopped_quanta;
  a.reserved_unit_quanta += b.reserved_unit_quanta;
  a.ribosome_seconds += b.ribosome_seconds;
  a.amino_acids += b.amino_acids;
  a.atp_consumed += b.atp_consumed;
  if (b.present) a.proteins_end = b.proteins_end;
  a.present = a.present || b.present;
}

template <class T>
void merge_pairs(std::vector<T>& v) {
  std::size_t out = 0;
  for (std::size_t i = 0; i < v.size(); i += 2, ++out) {
    T merged = v[i];
    if (i + 1 < v.size()) merge_into(merged, v[i + 1]);
    v[out] = std::move(merged);
  }
  v.resize(out);
}

}  // namespace

void TimeSeriesRecorder::compact() {
  merge_pairs(buckets_);
  for (auto& s : series_) merge_pairs(s.buckets);
  width_ *= 2;
}

void TimeSeriesRecorder::record(const SystemSample& system, const std::vector<VmSample>& vms) {
  record_impl(system, vms, nullptr);
}

void TimeSeriesRecorder::record(const SystemSample& system, const std::vector<VmSample>& vms,
                                const HostSample& host) {
  record_impl(system, vms, &host);
}

void TimeSeriesRecorder::record_impl(const SystemSample& system, const std::vector<VmSample>& vms,
                                     const HostSample* host) {
  if (buckets_.empty() || buckets_.back().quanta >= width_) {
    if (buckets_.size() >= max_buckets_) compact();
    if (buckets_.empty() || buckets_.back().quanta >= width_) {
      Bucket fresh;
      fresh.first_quantum = quanta_;
      buckets_.push_back(fresh);
      for (auto& s : series_) s.buckets.emplace_back();
    }
  }
  Bucket& bucket = buckets_.back();
  const double n = bucket.quanta;
  bucket.available_ribosomes =
      (bucket.available_ribosomes * n + system.available_ribosomes) / (n + 1);
  bucket.allocated_ribosomes =
      (bucket.allocated_ribosomes * n + system.allocated_ribosomes) / (n + 1);
  bucket.total_atp_allocated =
      (bucket.total_atp_allocated * n + system.total_atp_allocated) / (n + 1);
  ++bucket.quanta;
  if (host != nullptr) {
    const double h = bucket.host_quanta;
    bucket.growth_rate_per_h = (bucket.growth_rate_per_h * h + host->growth_rate_per_h) / (h + 1);
    bucket.reference_growth_rate_per_h =
        (bucket.reference_growth_rate_per_h * h + host->reference_growth_rate_per_h) / (h + 1);
    bucket.guest_translation_fraction =
        (bucket.guest_translation_fraction * h + host->guest_translation_fraction) / (h + 1);
    ++bucket.host_quanta;
    if (host->stalled) ++bucket.stalled_quanta;
    bucket.host_modelled = bucket.host_modelled || host->modelled;
    host_modelled_ = host_modelled_ || host->modelled;
  }

  for (const auto& vm : vms) {
    VmSeries& s = series_for(vm.vm_id);
    Last& last = last_[static_cast<std::size_t>(&s - series_.data())];
    // Counters only grow; a drop means the id was destroyed and created again.
    if (vm.active_seconds < last.active_seconds || vm.amino_acids < last.amino_acids ||
        vm.atp_consumed < last.atp_consumed || vm.ribosome_seconds < last.ribosome_seconds ||
        vm.proteins_completed < last.proteins_completed) {
      last = Last{};
    }
    VmBucket& b = s.buckets.back();
    b.present = true;
    // Who ran: the scheduler gave the VM ribosomes during this quantum.
    if (vm.active_seconds - last.active_seconds > 1e-12) ++b.active_quanta;
    if (vm.state == "running") {
      ++b.running_quanta;
    } else if (vm.state == "paused") {
      ++b.paused_quanta;
    } else {
      ++b.stopped_quanta;
    }
    b.reserved_unit_quanta += vm.ribosome_allocation;
    b.ribosome_seconds += vm.ribosome_seconds - last.ribosome_seconds;
    b.amino_acids += vm.amino_acids - last.amino_acids;
    b.atp_consumed += vm.atp_consumed - last.atp_consumed;
    b.proteins_end = vm.proteins_completed;
    if (vm.boot_complete && !s.boot_complete) {
      s.boot_complete = true;
      s.boot_time_seconds = vm.boot_time_seconds;
      s.boot_quantum = quanta_;
    }
    last = Last{vm.active_seconds, vm.ribosome_seconds, vm.amino_acids, vm.atp_consumed,
                vm.proteins_completed};
  }
  ++quanta_;
}

}  // namespace bioxen::cli
