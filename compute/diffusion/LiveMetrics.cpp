#include "LiveMetrics.h"

#include <cmath>

namespace flowscope {

LiveMetrics computeLiveMetrics(const DiffusionSimulation& sim, uint64_t seed) {
  LiveMetrics m;
  m.state = sim.current();
  m.nfe = sim.evaluations(m.state);
  const std::vector<glm::vec2> subset = sim.positions(m.state, kLiveSamples);
  std::vector<glm::dvec2> x(subset.begin(), subset.end());
  auto y = sim.data().sample(x.size(), seed);
  m.energyDistance = energyDistance(x, y);
  m.slicedW2 = slicedWasserstein2(x, y, 64, seed);
  auto paths = sim.trackedPaths();
  for (auto& p : paths) p.resize(size_t(m.state) + 1);
  m.paths = trajectoryStats(paths);
  if (sim.data().points)
    m.memorised = sim.data().points->memorisedFraction(
        subset, kMemorisationRadius * std::sqrt(sim.data().variance()));
  return m;
}

}  // namespace flowscope
