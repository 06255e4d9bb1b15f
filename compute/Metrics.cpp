#include "Metrics.h"

#include <algorithm>
#include <cmath>

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
