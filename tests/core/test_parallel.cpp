// parallelFor on the worker pool: every index once, from any thread and nested; a block's
// exception reaches the caller; concurrent callers each get their own complete result.
#include <gtest/gtest.h>

#include <atomic>
#include <numeric>
#include <stdexcept>
#include <thread>
#include <vector>

#include "Parallel.h"

using namespace flowscope;

TEST(ParallelFor, VisitsEveryIndexOnceAndNests) {
  for (size_t n : {size_t(0), size_t(1), size_t(7), size_t(10000), size_t(100003)}) {
    std::vector<std::atomic<int>> seen(n);
    parallelFor(
        n, [&](size_t i) { ++seen[i]; }, 1);
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(seen[i].load(), 1) << n << " " << i;
  }
  std::vector<std::atomic<int>> inner(64 * 64);
  parallelFor(
      64,
      [&](size_t i) {
        parallelFor(
            64, [&](size_t j) { ++inner[i * 64 + j]; }, 1);
      },
      1);
  for (auto& v : inner) ASSERT_EQ(v.load(), 1);
}

TEST(ParallelFor, ABlocksExceptionReachesTheCaller) {
  EXPECT_THROW(parallelFor(
                   1000,
                   [](size_t i) {
                     if (i == 999) throw std::runtime_error("block");
                   },
                   1),
               std::runtime_error);
  std::atomic<size_t> count{0};  // and the pool still works after it
  parallelFor(
      1000, [&](size_t) { ++count; }, 1);
  EXPECT_EQ(count.load(), 1000u);
}

TEST(ParallelFor, ConcurrentCallersEachGetTheirWholeResult) {
  std::vector<std::thread> callers;
  std::vector<uint64_t> sums(4, 0);
  for (size_t c = 0; c < sums.size(); ++c)
    callers.emplace_back([&, c] {
      for (int round = 0; round < 50; ++round) {
        std::vector<uint64_t> v(5000, 0);
        parallelFor(
            v.size(), [&](size_t i) { v[i] = i + c; }, 1);
        sums[c] += std::accumulate(v.begin(), v.end(), uint64_t(0));
      }
    });
  for (auto& t : callers) t.join();
  for (size_t c = 0; c < sums.size(); ++c)
    EXPECT_EQ(sums[c], 50u * (4999u * 5000u / 2u + 5000u * c)) << c;
}
