#pragma once
// What guidance reaches against what it is often said to sample: the tilted target
//   q_gamma(x) proportional to p(x | c)^gamma p(x)^(1 - gamma)
// (with autoguidance p_weak in place of p), normalised numerically on a grid over the data at
// noise level 0 (point clouds: smoothed by kPointCloudBandwidth) on a grid around the class, the
// histogram of the guided samples on the same grid (samples outside it count as missing mass), and
// the distances between them; and the gamma sweep: for each gamma the spread of the class's samples
// and their energy distance to the class's true distribution p(x | c) and to q_gamma. The exact
// data is the reference also for a learned model.
#include <glm/glm.hpp>

#include <span>
#include <vector>

#include "DiffusionSimulation.h"
#include "Guidance.h"

namespace flowscope {

// n x n cells over [lo, hi] (a square), row-major from lo; mass sums to 1.
struct DensityGrid {
  glm::dvec2 lo{0.0}, hi{0.0};
  int n = 0;
  std::vector<double> mass;
  double cell() const { return (hi.x - lo.x) / n; }
  glm::dvec2 centre(int i, int j) const { return lo + cell() * glm::dvec2(i + 0.5, j + 0.5); }
};

inline constexpr int kTargetCells = 64;
// A square around the data: its mean +- 3.5 standard deviations (the larger axis).
DensityGrid gridAround(const Dataset& data, int n = kTargetCells);
// A square around class c, where guided samples land: its mean +- the larger of 4 of its standard
// deviations (the larger axis) and 1.5 times its mean's distance from the data's mean (guidance
// pushes the class away from the others).
DensityGrid gridAroundClass(const Dataset& data, int label, int n = kTargetCells);
// The grid the readout uses: around class c for gamma >= 1, around the whole data for gamma < 1
// (where q_gamma spreads over it).
DensityGrid guidanceGrid(const Dataset& data, const GuidanceSpec& g, int n = kTargetCells);
// q_gamma on `window`'s cells (mass = density at the centre x cell area, normalised).
DensityGrid tiltedTarget(const Dataset& data, const GuidanceSpec& g, const DensityGrid& window);
// The fraction of `samples` in each cell (those outside the window are left out).
DensityGrid histogram(std::span<const glm::vec2> samples, const DensityGrid& window);
// Seeded draws from the grid's mass: a cell by its mass, then uniform inside it.
std::vector<glm::dvec2> sampleGrid(const DensityGrid& g, size_t n, uint64_t seed);
// Total variation 0.5 sum |p - q| of two grids over the same window.
double totalVariation(const DensityGrid& p, const DensityGrid& q);
// n draws of class c's own distribution (a mixture's class components; a cloud's class points).
std::vector<glm::dvec2> classSamples(const Dataset& data, int label, size_t n, uint64_t seed);

struct GuidanceReadout {
  double spread = 0.0;          // sqrt of the per-axis variance of the samples, averaged
  double energyToClass = 0.0;   // energy distance to p(x | c)
  double energyToTilted = 0.0;  // energy distance to q_gamma (grid draws)
  double tvToTilted = 0.0;      // total variation between the histogram and q_gamma
};
inline constexpr size_t kReadoutSamples = 1000;
// The readout of samples of a guided run on `data` (its exact data; guidance attached or not)
// with guidance `g`; `target`: q_gamma on guidanceGrid(data, g) when already computed.
GuidanceReadout guidanceReadout(const Dataset& data, const GuidanceSpec& g,
                                std::span<const glm::vec2> samples, uint64_t seed,
                                const DensityGrid* target = nullptr);

struct GuidanceSweepRow {
  double gamma;
  GuidanceReadout readout;
};
// One run per gamma (the rest of `g` kept), `config` the sampler; CPU backend when gpu is null.
std::vector<GuidanceSweepRow> guidanceSweep(const std::shared_ptr<const Dataset>& data,
                                            const GuidanceSpec& g, const SamplingConfig& config,
                                            std::span<const double> gammas,
                                            const GpuContext* gpu = nullptr);

}  // namespace flowscope
