// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace bioxen::detail {

/// A fixed-capacity FIFO that overwrites its oldest element when full: the storage behind
/// the latency windows and the monitor's time series, so that their memory stays bounded
/// however long a program runs. Not thread-safe (its owners lock).
///
/// @code
/// bioxen::detail::RingBuffer<double> window{3};
/// for (double x : {1.0, 2.0, 3.0, 4.0}) window.push(x);
/// // window.to_vector() == {2.0, 3.0, 4.0}; window.total_pushed() == 4
/// @endcode
template <class T>
class RingBuffer {
 public:
  /// A buffer for at most `capacity` elements; capacity 0 keeps nothing. The storage grows
  /// up to the capacity as elements arrive, then never again.
  explicit RingBuffer(std::size_t capacity) : capacity_(capacity) {}

  std::size_t capacity() const noexcept { return capacity_; }
  std::size_t size() const noexcept { return data_.size(); }
  bool empty() const noexcept { return data_.empty(); }
  bool full() const noexcept { return data_.size() == capacity_; }
  /// Every element ever pushed, including those overwritten since.
  std::size_t total_pushed() const noexcept { return total_pushed_; }

  /// Appends `value`, dropping the oldest element when the buffer is full.
  void push(T value) {
    ++total_pushed_;
    if (capacity_ == 0) return;
    if (data_.size() < capacity_) {
      // Reserve exactly once (up to a page-sized bound) so the storage does not overshoot the
      // capacity by the vector's growth factor.
      if (data_.empty() && capacity_ <= reserve_limit) data_.reserve(capacity_);
      data_.push_back(std::move(value));
    } else {
      data_[head_] = std::move(value);
      if (++head_ == capacity_) head_ = 0;  // no division on the hot path
    }
  }

  /// The i-th element, oldest first (0 <= i < size()).
  const T& operator[](std::size_t i) const noexcept { return data_[(head_ + i) % data_.size()]; }
  /// The newest element (the buffer must not be empty).
  const T& back() const noexcept { return (*this)[data_.size() - 1]; }

  /// Calls `fn(element)` for every element, oldest first.
  template <class Fn>
  void for_each(Fn&& fn) const {
    for (std::size_t i = 0; i < data_.size(); ++i) fn((*this)[i]);
  }

  /// The elements, oldest first.
  std::vector<T> to_vector() const {
    std::vector<T> out;
    out.reserve(data_.size());
    for_each([&out](const T& x) { out.push_back(x); });
    return out;
  }

  /// Forgets the elements (and the total); keeps the capacity.
  void clear() noexcept {
    data_.clear();
    head_ = 0;
    total_pushed_ = 0;
  }

 private:
  static constexpr std::size_t reserve_limit = 1 << 16;
  std::vector<T> data_;
  std::size_t capacity_;
  std::size_t head_ = 0;  ///< index of the oldest element once the buffer is full
  std::size_t total_pushed_ = 0;
};

}  // namespace bioxen::detail
