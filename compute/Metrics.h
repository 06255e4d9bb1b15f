#pragma once
// Sample statistics used by tests and benchmarks.
#include <glm/glm.hpp>

#include <span>
#include <vector>

namespace flowscope {

// Energy distance (Szekely & Rizzo): 2 E|X - Y| - E|X - X'| - E|Y - Y'|, V-statistic form.
// Zero iff the two distributions coincide; O(n m).
double energyDistance(std::span<const glm::dvec2> x, std::span<const glm::dvec2> y);
double median(std::vector<double> values);
// Nearest-rank percentile, q in [0, 100].
double percentile(std::vector<double> values, double q);

}  // namespace flowscope
