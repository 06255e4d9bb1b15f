#include "LiveMetrics.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace flowscope {

namespace {

// On every particle of the shown state, `x` (the readout's distances on 1,000 of them).
void addGuidance(LiveMetrics& m, const DiffusionSimulation& sim, std::span<const glm::vec2> x,
                 uint64_t seed, const LiveMetrics* previous) {
  const auto* g = dynamic_cast<const GuidedModel*>(sim.data().guided.get());
  if (!g) return;
  m.guided = true;
  m.guidance = g->spec();
  const bool reuse = previous && previous->guided && previous->targetFor == sim.id();
  m.target = reuse ? previous->target
                   : tiltedTarget(sim.data(), g->spec(), guidanceGrid(sim.data(), g->spec()));
  m.targetFor = sim.id();
  m.histogram = histogram(x, m.target);
  m.readout = guidanceReadout(sim.data(), g->spec(), x, seed, &m.target);
}

}  // namespace

LiveMetrics computeLiveMetrics(const DiffusionSimulation& sim, uint64_t seed,
                               const LiveMetrics* previous) {
  LiveMetrics m;
  m.state = sim.current();
  m.nfe = sim.evaluations(m.state);
  // One download: every particle for a guided run's histogram, else the first kLiveSamples.
  const bool guided = sim.data().guided != nullptr;
  const std::vector<glm::vec2> shown = sim.positions(m.state, guided ? SIZE_MAX : kLiveSamples);
  const std::span<const glm::vec2> subset(shown.data(), std::min(shown.size(), kLiveSamples));
  std::vector<glm::dvec2> x(subset.begin(), subset.end());
  if (guided) addGuidance(m, sim, shown, seed, previous);
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
