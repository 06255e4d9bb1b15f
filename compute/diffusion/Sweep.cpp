#include "Sweep.h"

#include <chrono>

#include "DiffusionParams.h"
#include "Metrics.h"

namespace flowscope {

int stepsForNfe(const SamplerParams& sampler, const ScheduleParams& schedule, int budget) {
  int best = 0;
  for (int steps = 1; steps <= 1000; ++steps) {
    ScheduleParams s = schedule;
    s.steps = steps;
    if ((s.kind == ScheduleKind::Linear || s.kind == ScheduleKind::Cosine) && steps > s.trainSteps)
      break;
    auto levels = buildSchedule(s);
    int nfe = 0;
    for (int i = 0; i < steps; ++i) nfe += stepEvaluations(sampler, levels, i);
    if (nfe > budget) break;
    best = steps;
  }
  return best;
}

std::pair<double, double> sampleQuality(const Dataset& data, const std::vector<glm::vec2>& samples,
                                        uint64_t seed) {
  const size_t m = std::min(samples.size(), kMetricSamples);
  std::vector<glm::dvec2> x(samples.begin(), samples.begin() + m);
  auto y = data.sample(m, seed);
  return {energyDistance(x, y), slicedWasserstein2(x, y, 64, seed)};
}

std::vector<SweepRow> runSweep(std::shared_ptr<const Dataset> data,
                               const std::vector<SamplerParams>& samplers,
                               const std::vector<int>& budgets, int n, uint64_t seed,
                               const GpuContext* gpu, const std::function<void(int, int)>& progress,
                               const std::atomic<bool>* cancel) {
  std::vector<SweepRow> rows;
  const int total = int(samplers.size() * budgets.size());
  int done = 0;
  for (const SamplerParams& sp : samplers) {
    for (int budget : budgets) {
      if (cancel && cancel->load()) return rows;
      SamplingConfig c;
      c.sampler = sp;
      c.schedule = defaultSchedule(customarySchedule(sp.kind), 1);
      c.schedule.steps = stepsForNfe(sp, c.schedule, budget);
      c.particleCount = n;
      c.seed = seed;
      if (c.schedule.steps > 0) {
        auto start = std::chrono::steady_clock::now();
        DiffusionSimulation sim(data, c, gpu, size_t(64) << 20);
        sim.seek(sim.steps());
        auto samples = sim.positions(sim.steps(), kMetricSamples);  // all the metrics look at
        double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count();
        auto [ed, sw] = sampleQuality(*data, samples, seed + 1);
        rows.push_back(
            {sp.kind, c.schedule.kind, c.schedule.steps, sim.evaluations(sim.steps()), ed, sw, ms});
      }
      if (progress) progress(++done, total);
    }
  }
  return rows;
}

}  // namespace flowscope
