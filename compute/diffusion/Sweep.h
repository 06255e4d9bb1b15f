#pragma once
// Quality against cost, the figure every diffusion paper shows: for each sampler (on its
// customary schedule) and each NFE budget, sample n particles with as many steps as fit the
// budget and measure the energy distance and sliced W2 to a fresh sample of the data (metrics on
// at most kMetricSamples points).
#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include "Dataset.h"
#include "DiffusionSimulation.h"

namespace flowscope {

struct SweepRow {
  SamplerKind sampler;
  ScheduleKind schedule;
  int steps = 0, nfe = 0;
  double energyDistance = 0.0, slicedW2 = 0.0, timeMs = 0.0;
};

inline constexpr size_t kMetricSamples = 4000;

// The largest step count whose total NFE fits `budget` (0 if even one step does not).
int stepsForNfe(const SamplerParams& sampler, const ScheduleParams& schedule, int budget);

// Runs every (sampler, budget) pair; `progress(done, total)` after each; stops early when `cancel`
// becomes true. gpu == nullptr: CPU backend.
std::vector<SweepRow> runSweep(std::shared_ptr<const Dataset> data,
                               const std::vector<SamplerParams>& samplers,
                               const std::vector<int>& budgets, int n, uint64_t seed,
                               const GpuContext* gpu,
                               const std::function<void(int, int)>& progress = {},
                               const std::atomic<bool>* cancel = nullptr);

// Energy distance and sliced W2 of samples to a fresh sample of the data.
std::pair<double, double> sampleQuality(const Dataset& data, const std::vector<glm::vec2>& samples,
                                        uint64_t seed);

}  // namespace flowscope
