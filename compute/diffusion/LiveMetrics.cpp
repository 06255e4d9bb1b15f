#include "LiveMetrics.h"

#include <cmath>

namespace flowscope {

namespace {

// On every particle of the shown state (the readout's distances on 1,000 of them).
void addGuidance(LiveMetrics& m, const DiffusionSimulation& sim, uint64_t seed,
                 const LiveMetrics* previous) {
  const auto* g = dynamic_cast<const GuidedModel*>(sim.data().guided.get());
  if (!g) return;
  m.guided = true;
  m.guidance = g->spec();
  const bool reuse = previous && previous->guided && previous->targetFor == sim.id();
  m.target = reuse ? previous->target
                   : tiltedTarget(sim.data(), g->spec(),
                                  gridAroundClass(sim.data(), g->spec().classLabel));
  m.targetFor = sim.id();
  const std::vector<glm::vec2> x = sim.positions(m.state);
  m.histogram = histogram(x, m.target);
  m.readout = guidanceReadout(sim.data(), g->spec(), x, seed, &m.target);
}

}  // namespace

LiveMetrics computeLiveMetrics(const DiffusionSimulation& sim, uint64_t seed,
                               const LiveMetrics* previous) {
  LiveMetrics m;
  m.state = sim.current();
  m.nfe = sim.evaluations(m.state);
  const std::vector<glm::vec2> subset = sim.positions(m.state, kLiveSamples);
  std::vector<glm::dvec2> x(subset.begin(), subset.end());
  addGuidance(m, sim, seed, previous);
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
