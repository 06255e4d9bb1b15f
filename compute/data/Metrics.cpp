#include "Metrics.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "Rng.h"

namespace flowscope {
namespace {
double meanDistance(std::span<const glm::dvec2> a, std::span<const glm::dvec2> b) {
  double total = 0.0;
  for (const auto& p : a)
    for (const auto& q : b) total += glm::length(p - q);
  return total / (double(a.size()) * double(b.size()));
}
}  // namespace

double energyDistance(std::span<const glm::dvec2> x, std::span<const glm::dvec2> y) {
  return 2.0 * meanDistance(x, y) - meanDistance(x, x) - meanDistance(y, y);
}

double slicedWasserstein2(std::span<const glm::dvec2> x, std::span<const glm::dvec2> y,
                          int directions, uint64_t seed) {
  const size_t n = std::min(x.size(), y.size());
  if (n == 0) return 0.0;
  Pcg32 rng(seed, 17u);
  std::vector<double> px(n), py(n);
  double total = 0.0;
  for (int k = 0; k < directions; ++k) {
    const double angle = 2.0 * std::numbers::pi * rng.uniform();
    const glm::dvec2 dir(std::cos(angle), std::sin(angle));
    for (size_t i = 0; i < n; ++i) {
      px[i] = glm::dot(x[i], dir);
      py[i] = glm::dot(y[i], dir);
    }
    std::sort(px.begin(), px.end());
    std::sort(py.begin(), py.end());
    double w = 0.0;
    for (size_t i = 0; i < n; ++i) w += (px[i] - py[i]) * (px[i] - py[i]);
    total += w / double(n);
  }
  return std::sqrt(total / directions);
}

TrajectoryStats trajectoryStats(const std::vector<std::vector<glm::dvec2>>& trajectories) {
  TrajectoryStats s;
  size_t paths = 0, vertices = 0;
  for (const auto& t : trajectories) {
    if (t.size() < 2) continue;
    double length = 0.0;
    for (size_t k = 0; k + 1 < t.size(); ++k) length += glm::length(t[k + 1] - t[k]);
    s.meanPathLength += length;
    s.meanStraightness += length > 0.0 ? glm::length(t.back() - t.front()) / length : 1.0;
    ++paths;
    for (size_t k = 1; k + 1 < t.size(); ++k) {
      const glm::dvec2 a = t[k] - t[k - 1], b = t[k + 1] - t[k];
      const double la = glm::length(a), lb = glm::length(b);
      if (la == 0.0 || lb == 0.0) continue;
      const double angle = std::acos(std::clamp(glm::dot(a, b) / (la * lb), -1.0, 1.0));
      s.meanCurvature += angle / (0.5 * (la + lb));
      ++vertices;
    }
  }
  if (paths) s.meanPathLength /= double(paths), s.meanStraightness /= double(paths);
  if (vertices) s.meanCurvature /= double(vertices);
  return s;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  size_t rank = size_t(std::ceil(q / 100.0 * double(v.size())));
  return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

}  // namespace flowscope
