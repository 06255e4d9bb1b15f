#pragma once
// Runs the quality-against-NFE sweep (compute/Sweep.h) on a background thread, on a Vulkan device
// of its own (the GUI's queue is not shared across threads), falling back to the CPU twin.
// The ImGui panel polls progress() and rows(); the thread stops early on cancel() or destruction.
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "Sweep.h"

namespace flowscope {

class SweepController {
 public:
  static const std::vector<int>& budgets();  // NFE 4 .. 128
  ~SweepController();
  void start(std::shared_ptr<const Dataset> data, std::vector<SamplerParams> samplers, int n,
             uint64_t seed);
  void cancel();
  bool running() const { return running_.load(); }
  float progress() const;
  std::vector<SweepRow> rows() const;
  std::string device() const;
  // CSV as flowscope-cli sweep writes it.
  std::string csv() const;

 private:
  void join();
  std::thread worker_;
  std::atomic<bool> running_{false}, cancel_{false};
  std::atomic<int> done_{0}, total_{1};
  mutable std::mutex mutex_;
  std::vector<SweepRow> rows_;
  std::string device_;
};

}  // namespace flowscope
