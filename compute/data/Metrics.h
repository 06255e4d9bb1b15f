#pragma once
// Sample statistics: distances between point clouds and trajectory geometry. Definitions
// (named in the UI and the CLI):
//   energy distance  2 E|X - Y| - E|X - X'| - E|Y - Y'| (Szekely & Rizzo), V-statistic
//   sliced W2        sqrt(mean over K random directions of W2^2 between the 1-D projections);
//                    equal sample sizes, W2 of 1-D projections by sorting
//   path length      sum of |x_{k+1} - x_k| along a trajectory, averaged over trajectories
//   straightness     |x_end - x_start| / path length, averaged (1 = a straight line)
//   curvature        mean over interior vertices of turning angle / mean adjacent segment length
#include <glm/glm.hpp>

#include <cstdint>
#include <span>
#include <vector>

namespace flowscope {

double energyDistance(std::span<const glm::dvec2> x, std::span<const glm::dvec2> y);
double slicedWasserstein2(std::span<const glm::dvec2> x, std::span<const glm::dvec2> y,
                          int directions, uint64_t seed);

struct TrajectoryStats {
  double meanPathLength = 0.0;
  double meanStraightness = 0.0;
  double meanCurvature = 0.0;
};
// trajectories[i] is one particle's path, states in order.
TrajectoryStats trajectoryStats(const std::vector<std::vector<glm::dvec2>>& trajectories);

double median(std::vector<double> values);
// Nearest-rank percentile, q in [0, 100].
double percentile(std::vector<double> values, double q);

}  // namespace flowscope
