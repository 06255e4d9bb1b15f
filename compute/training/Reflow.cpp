#include "Reflow.h"

#include <numeric>

#include "Couplings.h"
#include "DiffusionSimulation.h"
#include "InputError.h"
#include "Metrics.h"
#include "TrainingEvaluation.h"

namespace flowscope {

ReflowPairs makeReflowPairs(const std::shared_ptr<const Dataset>& learned,
                            const TrainingSettings& s, uint64_t seed) {
  if (!isFlowSampler(s.sampler))
    throw InputError("reflow: needs a flow sampler (flow-euler, flow-midpoint, flow-heun), not " +
                     samplerKindName(s.sampler));
  DiffusionSimulation sim(learned, samplingOf(s, s.reflowPairs, seed), nullptr);
  sim.seek(sim.steps());
  ReflowPairs p;
  for (const glm::vec2 z : sim.positions(0)) p.noise.push_back(glm::dvec2(z));
  for (const glm::vec2 y : sim.positions(sim.steps())) p.data.push_back(glm::dvec2(y));
  double sum = 0.0;
  for (size_t k = 0; k < p.noise.size(); ++k)
    sum += glm::dot(p.data[k] - p.noise[k], p.data[k] - p.noise[k]);
  p.meanSquaredLength = sum / double(p.noise.size());
  const size_t n = std::min(p.noise.size(), ReflowPairs::kCrossingPairs);
  std::vector<uint32_t> identity(n);
  std::iota(identity.begin(), identity.end(), 0u);
  p.crossings = countCrossings({p.noise.begin(), p.noise.begin() + long(n)},
                               {p.data.begin(), p.data.begin() + long(n)}, identity);
  p.straightness = trajectoryStats(sim.trackedPaths()).meanStraightness;
  return p;
}

}  // namespace flowscope
