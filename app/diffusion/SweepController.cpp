#include "SweepController.h"

#include <cstdio>

namespace flowscope {

const std::vector<int>& SweepController::budgets() {
  static const std::vector<int> b = {4, 8, 16, 32, 64, 128};
  return b;
}

SweepController::~SweepController() {
  cancel();
  join();
}

void SweepController::join() {
  if (worker_.joinable()) worker_.join();
}

void SweepController::cancel() {
  cancel_ = true;
}

void SweepController::start(std::shared_ptr<const Dataset> data,
                            std::vector<SamplerParams> samplers, int n, uint64_t seed) {
  cancel();
  join();
  cancel_ = false;
  done_ = 0;
  total_ = int(samplers.size() * budgets().size());
  {
    std::lock_guard<std::mutex> lock(mutex_);
    rows_.clear();
  }
  running_ = true;
  worker_ = std::thread([this, data, samplers, n, seed] {
    std::unique_ptr<GpuContext> gpu;
    try {
      gpu = std::make_unique<GpuContext>(GpuContext::create());
    } catch (const GpuError&) {
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      device_ = gpu ? gpu->info().name : "CPU twin";
    }
    for (const auto& sp : samplers) {
      if (cancel_) break;
      auto rows = runSweep(
          data, {sp}, budgets(), n, seed, gpu.get(), [&](int, int) { ++done_; }, &cancel_);
      std::lock_guard<std::mutex> lock(mutex_);
      rows_.insert(rows_.end(), rows.begin(), rows.end());
    }
    running_ = false;
  });
}

float SweepController::progress() const {
  return float(done_.load()) / float(std::max(1, total_.load()));
}

std::vector<SweepRow> SweepController::rows() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return rows_;
}

std::string SweepController::device() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return device_;
}

std::string SweepController::csv() const {
  std::string out = "sampler,schedule,steps,nfe,energy_distance,sliced_w2,time_ms\n";
  char buf[200];
  for (const auto& r : rows()) {
    std::snprintf(buf, sizeof(buf), "%s,%s,%d,%d,%.9g,%.9g,%.3f\n",
                  samplerKindName(r.sampler).c_str(), scheduleName(r.schedule).c_str(), r.steps,
                  r.nfe, r.energyDistance, r.slicedW2, r.timeMs);
    out += buf;
  }
  return out;
}

}  // namespace flowscope
