#include "Parallel.h"

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <utility>

namespace flowscope {
namespace {

thread_local bool tInBlock = false;  // a block is running on this thread

class WorkerPool {
 public:
  WorkerPool() {
    const size_t n = std::max<size_t>(1, std::thread::hardware_concurrency()) - 1;
    for (size_t i = 0; i < n; ++i) workers_.emplace_back([this, i] { work(i + 1); });
  }
  ~WorkerPool() {
    {
      std::lock_guard lock(m_);
      stop_ = true;
    }
    start_.notify_all();
    for (auto& w : workers_) w.join();
  }

  bool tryRun(size_t blocks, const std::function<void(size_t)>& block) {
    if (tInBlock || blocks - 1 > workers_.size()) return false;
    std::unique_lock<std::mutex> busy(busy_, std::try_to_lock);
    if (!busy.owns_lock()) return false;
    {
      std::lock_guard lock(m_);
      job_ = &block;
      blocks_ = blocks;
      remaining_ = blocks - 1;
      error_ = nullptr;
      ++generation_;
    }
    start_.notify_all();
    runBlock(block, 0);
    std::unique_lock lock(m_);
    done_.wait(lock, [&] { return remaining_ == 0; });
    job_ = nullptr;
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
    return true;
  }

 private:
  void runBlock(const std::function<void(size_t)>& block, size_t b) {
    tInBlock = true;
    try {
      block(b);
    } catch (...) {
      std::lock_guard lock(m_);
      if (!error_) error_ = std::current_exception();
    }
    tInBlock = false;
  }

  // Worker `index` runs block `index` of each job that has one.
  void work(size_t index) {
    uint64_t seen = 0;
    for (;;) {
      const std::function<void(size_t)>* job;
      {
        std::unique_lock lock(m_);
        start_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        if (index >= blocks_) continue;
        job = job_;
      }
      runBlock(*job, index);
      std::lock_guard lock(m_);
      if (--remaining_ == 0) done_.notify_one();
    }
  }

  std::mutex busy_;  // held by the one call using the pool
  std::mutex m_;
  std::condition_variable start_, done_;
  const std::function<void(size_t)>* job_ = nullptr;
  size_t blocks_ = 0, remaining_ = 0;
  uint64_t generation_ = 0;
  std::exception_ptr error_;
  bool stop_ = false;
  std::vector<std::thread> workers_;  // last: started once the rest is ready
};

}  // namespace

bool runOnWorkerPool(size_t blocks, const std::function<void(size_t)>& block) {
  static WorkerPool pool;
  return pool.tryRun(blocks, block);
}

}  // namespace flowscope
