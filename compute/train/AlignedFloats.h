#pragma once
// float buffers that start on a 64-byte boundary. The fast CPU backend's vectorised loops (Eigen)
// handle the elements before the first aligned one with scalar code, whose exp differs from the
// vector exp in the last bit: with every buffer aligned, the same batch gives the same bits in
// every run and every process, so a replayed scene trains exactly as it did.
#include <cstddef>
#include <new>
#include <vector>

namespace flowscope {

template <class T>
struct Aligned64 {
  using value_type = T;
  Aligned64() = default;
  template <class U>
  Aligned64(const Aligned64<U>&) {}
  T* allocate(std::size_t n) {
    return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t(64)));
  }
  void deallocate(T* p, std::size_t) { ::operator delete(p, std::align_val_t(64)); }
  template <class U>
  bool operator==(const Aligned64<U>&) const {
    return true;
  }
};

using AlignedFloats = std::vector<float, Aligned64<float>>;

}  // namespace flowscope
