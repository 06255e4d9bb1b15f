#pragma once
// parallelFor: splits [0, n) into one contiguous block per hardware thread. The CPU backend
// uses every core, so CPU-vs-GPU comparisons are against a fair CPU implementation.
#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

namespace flowscope {

template <typename Fn>
void parallelFor(size_t n, Fn&& fn, size_t minPerThread = 4096) {
  size_t threads = std::max<size_t>(1, std::thread::hardware_concurrency());
  threads = std::min(threads, std::max<size_t>(1, n / minPerThread));
  if (threads <= 1) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::vector<std::thread> pool;
  size_t block = (n + threads - 1) / threads;
  for (size_t t = 1; t < threads; ++t) {
    size_t begin = t * block, end = std::min(n, begin + block);
    pool.emplace_back([&fn, begin, end] {
      for (size_t i = begin; i < end; ++i) fn(i);
    });
  }
  for (size_t i = 0; i < std::min(n, block); ++i) fn(i);  // the first block on this thread
  for (auto& th : pool) th.join();
}

}  // namespace flowscope
