// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// A time series of a hypervisor run, sampled once per quantum, for the HTML report.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace bioxen::cli {

/// What the recorder reads about one VM after a quantum: the cumulative counters of its
/// VmStatus (virtual time, docs/MODEL.md section 5) and its reservation.
struct VmSample {
  std::string vm_id;
  std::string state;                 ///< "created", "running", "paused", "stopped", "error"
  double ribosome_allocation = 0.0;  ///< reserved allocator units
  double running_seconds = 0.0;      ///< cumulative virtual seconds in state running
  double active_seconds = 0.0;       ///< cumulative virtual seconds given ribosomes (ran)
  double ribosome_seconds = 0.0;     ///< cumulative units x seconds
  double amino_acids = 0.0;          ///< cumulative
  double atp_consumed = 0.0;         ///< cumulative ATP molecules
  double proteins_completed = 0.0;   ///< cumulative
  bool boot_complete = false;
  double boot_time_seconds = 0.0;  ///< the virtual clock when boot completed
};

/// What the recorder reads about the whole system after a quantum.
struct SystemSample {
  double available_ribosomes = 0.0;  ///< allocator units the VMs may reserve
  double allocated_ribosomes = 0.0;  ///< allocator units reserved
  double total_atp_allocated = 0.0;  ///< percent of the ATP supply reserved
};

/// What the recorder reads about the host cell after a quantum (its HostStatus).
struct HostSample {
  bool modelled = false;                     ///< false under the capacity work model
  bool stalled = false;                      ///< the host did not grow
  double growth_rate_per_h = 0.0;            ///< 1/h
  double reference_growth_rate_per_h = 0.0;  ///< the host alone, 1/h
  double guest_translation_fraction = 0.0;   ///< phi_Q, the guests' share of amino acids made
};

/// One VM over one bucket of consecutive quanta.
struct VmBucket {
  bool present = false;              ///< the VM existed during at least one quantum
  std::uint32_t active_quanta = 0;   ///< quanta in which the VM translated (ran)
  std::uint32_t running_quanta = 0;  ///< quanta spent in state running (active or waiting)
  std::uint32_t paused_quanta = 0;
  std::uint32_t stopped_quanta = 0;   ///< created, stopped or error: not schedulable
  double reserved_unit_quanta = 0.0;  ///< sum over quanta of the reserved units
  double ribosome_seconds = 0.0;      ///< work in the bucket, units x s
  double amino_acids = 0.0;
  double atp_consumed = 0.0;
  double proteins_end = 0.0;  ///< cumulative proteins completed at the end of the bucket
};

/// A VM's whole series.
struct VmSeries {
  std::string vm_id;
  std::size_t color_index = 0;    ///< order of first appearance
  std::vector<VmBucket> buckets;  ///< aligned with TimeSeriesRecorder::buckets()
  bool boot_complete = false;
  double boot_time_seconds = 0.0;  ///< as the VM's status reports it
  std::uint64_t boot_quantum = 0;  ///< the quantum at whose end boot was first seen complete
};

/// A bucket of consecutive quanta (all VMs share the same buckets).
struct Bucket {
  std::uint64_t first_quantum = 0;  ///< 0-based index of the first quantum in the bucket
  std::uint32_t quanta = 0;
  double available_ribosomes = 0.0;  ///< averaged over the bucket's quanta
  double allocated_ribosomes = 0.0;
  double total_atp_allocated = 0.0;
  // The host, averaged over the bucket's quanta that had a host sample (host_quanta).
  std::uint32_t host_quanta = 0;     ///< quanta recorded with a host sample
  std::uint32_t stalled_quanta = 0;  ///< of those, quanta after which the host was stalled
  bool host_modelled = false;        ///< a sample of the bucket had the host modelled
  double growth_rate_per_h = 0.0;
  double reference_growth_rate_per_h = 0.0;
  double guest_translation_fraction = 0.0;
};

/// A labelled moment of the run (an applied scenario event, a shell command).
struct Marker {
  std::uint64_t quantum = 0;  ///< the event happened before this quantum ran
  std::string label;
};

/// Records a run quantum by quantum in bounded memory: at most `max_buckets` buckets are
/// kept; when full, neighbouring buckets merge (the bucket width doubles), so a run of a
/// million quanta still yields a report of a few hundred points per series. Deltas of the
/// cumulative counters tell who ran in each quantum. A VM destroyed and re-created with the
/// same id continues the same series (its counters restart from zero).
///
/// @code
/// TimeSeriesRecorder rec{0.1};
/// hv.run_scheduler();
/// rec.record(system_sample, vm_samples, host_sample);
/// @endcode
class TimeSeriesRecorder {
 public:
  explicit TimeSeriesRecorder(double quantum_seconds, std::size_t max_buckets = 480);

  /// Adds the samples taken after one more quantum has run (without the host's: the report
  /// then has no host chart).
  void record(const SystemSample& system, const std::vector<VmSample>& vms);
  /// Adds the samples taken after one more quantum has run, the host's included.
  void record(const SystemSample& system, const std::vector<VmSample>& vms, const HostSample& host);
  /// Notes an event that happens before the next quantum.
  void mark(std::string label);

  double quantum_seconds() const noexcept { return quantum_seconds_; }
  std::uint64_t quanta() const noexcept { return quanta_; }
  /// Width of a full bucket in quanta (a power of two).
  std::uint32_t bucket_width() const noexcept { return width_; }
  const std::vector<Bucket>& buckets() const noexcept { return buckets_; }
  const std::vector<VmSeries>& series() const noexcept { return series_; }
  const std::vector<Marker>& markers() const noexcept { return markers_; }
  /// Some quantum was recorded with a host sample in which the host was modelled (the
  /// physiological work model).
  bool host_modelled() const noexcept { return host_modelled_; }

 private:
  struct Last {
    double active_seconds = 0, ribosome_seconds = 0, amino_acids = 0, atp_consumed = 0,
           proteins_completed = 0;
  };
  void compact();
  void record_impl(const SystemSample& system, const std::vector<VmSample>& vms,
                   const HostSample* host);
  VmSeries& series_for(const std::string& vm_id);

  double quantum_seconds_;
  std::size_t max_buckets_;
  std::uint32_t width_ = 1;
  std::uint64_t quanta_ = 0;
  bool host_modelled_ = false;
  std::vector<Bucket> buckets_;
  std::vector<VmSeries> series_;
  std::vector<Last> last_;  ///< parallel to series_
  std::vector<Marker> markers_;
};

}  // namespace bioxen::cli
