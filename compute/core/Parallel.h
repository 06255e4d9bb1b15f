#pragma once
// parallelFor: splits [0, n) into one contiguous block per hardware thread. The CPU backend
// uses every core, so CPU-vs-GPU comparisons are against a fair CPU implementation.
//
// The blocks run on a pool of (hardware threads - 1) workers started on first use, the first
// block on the calling thread: a training step calls this twice, and starting threads each time
// cost more than the small network's arithmetic. One call uses the pool at a time; a call made
// while it is busy (from another thread, or from inside a block) starts threads of its own.
#include <algorithm>
#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

namespace flowscope {

// Runs block(b) for b in [0, blocks): 0 here, the rest on the pool's workers; false (nothing
// run) when the pool is busy or has fewer than blocks - 1 workers. The first exception a block
// throws is rethrown here once every block is done.
bool runOnWorkerPool(size_t blocks, const std::function<void(size_t)>& block);

template <typename Fn>
void parallelFor(size_t n, Fn&& fn, size_t minPerThread = 4096) {
  size_t threads = std::max<size_t>(1, std::thread::hardware_concurrency());
  threads = std::min(threads, std::max<size_t>(1, n / minPerThread));
  if (threads <= 1) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  const size_t block = (n + threads - 1) / threads;
  const auto run = [&](size_t t) {
    const size_t begin = t * block, end = std::min(n, begin + block);
    for (size_t i = begin; i < end; ++i) fn(i);
  };
  if (runOnWorkerPool(threads, run)) return;
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(run, t);
  run(0);  // the first block on this thread
  for (auto& th : pool) th.join();
}

}  // namespace flowscope
