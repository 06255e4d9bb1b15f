#include "GuidanceTarget.h"

#include <algorithm>
#include <cmath>

#include "Metrics.h"
#include "Rng.h"

namespace flowscope {
namespace {

// Per-axis mean and variance of points.
struct Moments {
  glm::dvec2 mean{0.0}, variance{0.0};
};
Moments momentsOf(std::span<const glm::dvec2> x) {
  Moments m;
  for (const auto& p : x) m.mean += p / double(x.size());
  for (const auto& p : x) m.variance += (p - m.mean) * (p - m.mean) / double(x.size());
  return m;
}

// n x n empty cells over the square centre +- half.
DensityGrid squareGrid(glm::dvec2 centre, double half, int n) {
  DensityGrid g;
  g.n = n;
  g.lo = centre - half;
  g.hi = centre + half;
  g.mass.assign(size_t(n) * n, 0.0);
  return g;
}

void normalise(std::vector<double>& logs) {
  const double top = *std::max_element(logs.begin(), logs.end());
  double total = 0.0;
  for (double& v : logs) total += (v = std::isfinite(v) ? std::exp(v - top) : 0.0);
  for (double& v : logs) v /= total;
}

}  // namespace

DensityGrid gridAround(const Dataset& data, int n) {
  glm::dvec2 variance;
  if (data.mixture) {
    const glm::dmat2 c = data.mixture->covariance();
    variance = {c[0][0], c[1][1]};
  } else {
    variance = momentsOf(data.points->points()).variance;
  }
  return squareGrid(data.mean(), 3.5 * std::sqrt(std::max(variance.x, variance.y)), n);
}

DensityGrid gridAroundClass(const Dataset& data, int label, int n) {
  const Moments c = momentsOf(classSamples(data, label, 4000, 0));
  const double half = std::max({4.0 * std::sqrt(std::max(c.variance.x, c.variance.y)),
                                1.5 * glm::length(c.mean - data.mean()), 1e-3});
  return squareGrid(c.mean, half, n);
}

DensityGrid guidanceGrid(const Dataset& data, const GuidanceSpec& g, int n) {
  return g.scale >= 1.0 ? gridAroundClass(data, g.classLabel, n) : gridAround(data, n);
}

DensityGrid tiltedTarget(const Dataset& data, const GuidanceSpec& g, const DensityGrid& window) {
  const ExactClassModels t = exactClassModels(data, g);
  const double tau = data.mixture ? 0.0 : kPointCloudBandwidth;  // a cloud has no density at 0
  DensityGrid out = window;
  std::vector<double> logs(size_t(out.n) * out.n);
  for (int j = 0; j < out.n; ++j)
    for (int i = 0; i < out.n; ++i) {
      const glm::dvec2 x = out.centre(i, j);
      const double lc = t.conditional->evaluate(x, 1.0, tau).logp;
      const double lu = t.guide->evaluate(x, 1.0, tau).logp;
      logs[size_t(j) * out.n + i] = g.scale == 1.0 ? lc : lu + g.scale * (lc - lu);
    }
  normalise(logs);
  out.mass = std::move(logs);
  return out;
}

DensityGrid histogram(std::span<const glm::vec2> samples, const DensityGrid& window) {
  DensityGrid out = window;
  out.mass.assign(size_t(out.n) * out.n, 0.0);
  for (const auto& p : samples) {
    const glm::dvec2 u = (glm::dvec2(p) - out.lo) / out.cell();
    if (!(u.x >= 0.0 && u.y >= 0.0 && u.x < out.n && u.y < out.n)) continue;
    out.mass[size_t(int(u.y)) * out.n + size_t(int(u.x))] += 1.0 / double(samples.size());
  }
  return out;
}

std::vector<glm::dvec2> sampleGrid(const DensityGrid& g, size_t n, uint64_t seed) {
  std::vector<double> cdf(g.mass.size());
  double acc = 0.0;
  for (size_t k = 0; k < cdf.size(); ++k) cdf[k] = (acc += g.mass[k]);
  Pcg32 rng(seed, 17u);
  std::vector<glm::dvec2> out(n);
  for (auto& x : out) {
    const double u = rng.uniform() * acc;
    const size_t k = size_t(std::lower_bound(cdf.begin(), cdf.end(), u) - cdf.begin());
    const size_t cellIndex = std::min(k, cdf.size() - 1);
    const int i = int(cellIndex % size_t(g.n)), j = int(cellIndex / size_t(g.n));
    x = g.lo + g.cell() * glm::dvec2(i + rng.uniform(), j + rng.uniform());
  }
  return out;
}

double totalVariation(const DensityGrid& p, const DensityGrid& q) {
  double tv = 0.0;
  for (size_t k = 0; k < p.mass.size(); ++k) tv += std::abs(p.mass[k] - q.mass[k]);
  return 0.5 * tv;
}

std::vector<glm::dvec2> classSamples(const Dataset& data, int label, size_t n, uint64_t seed) {
  if (data.mixture) return mixtureOfClass(*data.mixture, label).sample(n, seed);
  const std::vector<glm::dvec2> pts = pointsOfClass(data, label);
  Pcg32 rng(seed, 19u);
  std::vector<glm::dvec2> out(n);
  for (auto& x : out) x = pts[rng.next() % pts.size()];
  return out;
}

GuidanceReadout guidanceReadout(const Dataset& data, const GuidanceSpec& g,
                                std::span<const glm::vec2> samples, uint64_t seed,
                                const DensityGrid* target) {
  GuidanceReadout r;
  std::vector<glm::dvec2> x;
  const size_t stride = std::max<size_t>(1, samples.size() / kReadoutSamples);
  for (size_t i = 0; i < samples.size(); i += stride) x.push_back(glm::dvec2(samples[i]));
  if (x.empty()) return r;
  const glm::dvec2 v = momentsOf(x).variance;
  r.spread = std::sqrt(0.5 * (v.x + v.y));
  r.energyToClass = energyDistance(x, classSamples(data, g.classLabel, x.size(), seed));
  const DensityGrid q = target ? *target : tiltedTarget(data, g, guidanceGrid(data, g));
  r.energyToTilted = energyDistance(x, sampleGrid(q, x.size(), seed + 1));
  r.tvToTilted = totalVariation(histogram(samples, q), q);
  return r;
}

std::vector<GuidanceSweepRow> guidanceSweep(const std::shared_ptr<const Dataset>& data,
                                            const GuidanceSpec& g, const SamplingConfig& config,
                                            std::span<const double> gammas, const GpuContext* gpu) {
  std::vector<GuidanceSweepRow> rows;
  for (double gamma : gammas) {
    GuidanceSpec at = g;
    at.scale = gamma;
    DiffusionSimulation sim(withGuidance(data, at), config, gpu);
    sim.seek(config.schedule.steps);
    const auto x = sim.positions(config.schedule.steps);
    rows.push_back({gamma, guidanceReadout(*data, at, x, config.seed)});
  }
  return rows;
}

}  // namespace flowscope
