#pragma once
// The fast CPU backend's shared pieces (float32, vectorised, every core): its name as the panels,
// the status bar and --json give it, and the split of work over the hardware threads. The training
// engine's networks and the attention and Sinkhorn kernels use them; their arithmetic is
// OpenBLAS's sgemm (one thread a call: the blocks are the parallelism) and Eigen's vectorised
// elementwise functions, compiled for the build machine's vector units
// (flowscope_fast_cpu in compute/CMakeLists.txt).
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <string>
#include <thread>

#include "Parallel.h"

namespace flowscope {

inline size_t fastCpuThreads() {
  return std::max<size_t>(1, std::thread::hardware_concurrency());
}
// "fast CPU, float32 (OpenBLAS + Eigen, 2 threads)".
std::string fastCpuName();

// fn(block, begin, end) over [0, count) cut into at most one contiguous block a thread, each at
// least minPerBlock long (one block when count is smaller).
template <class Fn>
void overBlocks(size_t count, size_t minPerBlock, Fn&& fn) {
  const size_t blocks =
      std::clamp<size_t>(count / std::max<size_t>(1, minPerBlock), 1, fastCpuThreads());
  const size_t per = (count + blocks - 1) / blocks;
  parallelFor(
      blocks, [&](size_t b) { fn(b, std::min(count, b * per), std::min(count, (b + 1) * per)); },
      1);
}

// fn(thread, item) for every item of [0, count), each thread taking the next item from a shared
// counter: for items of uneven cost (causal attention's query blocks).
template <class Fn>
void overItems(size_t count, Fn&& fn) {
  std::atomic<size_t> next{0};
  const size_t threads = std::min(count, fastCpuThreads());
  parallelFor(
      std::max<size_t>(threads, 1),
      [&](size_t t) {
        for (size_t item; (item = next.fetch_add(1)) < count;) fn(t, item);
      },
      1);
}

}  // namespace flowscope
