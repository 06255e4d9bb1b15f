#include "EmpiricalModel.h"

#include <algorithm>
#include <cmath>

#include "Parallel.h"

#include <cmath>
#include <limits>
#include <numbers>

#include "InputError.h"
#include "Limits.h"

namespace flowscope {

EmpiricalModel::EmpiricalModel(std::vector<glm::dvec2> points, const std::string& source)
    : points_(std::move(points)) {
  if (points_.empty()) throw InputError(source + ": the dataset has no points");
  if (points_.size() > kMaxPoints)
    throw InputError(source + ": at most " + std::to_string(kMaxPoints) + " points (got " +
                     std::to_string(points_.size()) + ")");
  for (size_t i = 0; i < points_.size(); ++i)
    requirePoint(source + ": point " + std::to_string(i), points_[i].x, points_[i].y);
}

glm::dmat2 EmpiricalModel::denoiserJacobian(glm::dvec2 x, double s, double tau) const {
  const double inv = 1.0 / (2.0 * tau * tau);
  double top = -INFINITY;
  for (const auto& p : points_) top = std::max(top, -glm::dot(x - s * p, x - s * p) * inv);
  double total = 0.0;
  glm::dvec2 d(0.0);
  glm::dmat2 second(0.0);
  for (const auto& p : points_) {
    const double w = std::exp(-glm::dot(x - s * p, x - s * p) * inv - top);
    total += w;
    d += w * p;
    second += w * glm::outerProduct(p, p);
  }
  d /= total;
  return (s / (tau * tau)) * (second / total - glm::outerProduct(d, d));
}

ExactModel::Evaluation EmpiricalModel::evaluate(glm::dvec2 x, double s, double tau) const {
  if (tau == 0.0) {
    const glm::dvec2* best = &points_[0];
    double bestD = INFINITY;
    for (const auto& p : points_)
      if (double d = glm::dot(x - s * p, x - s * p); d < bestD) bestD = d, best = &p;
    return {-INFINITY, *best, glm::dvec2(0.0)};
  }
  const double inv = 1.0 / (2.0 * tau * tau);
  double m = -INFINITY, total = 0.0;
  glm::dvec2 acc{0.0};
  for (const auto& p : points_) {
    glm::dvec2 r = x - s * p;
    double l = -glm::dot(r, r) * inv;
    if (l > m) {
      double rescale = std::exp(m - l);
      total = total * rescale + 1.0;
      acc = acc * rescale + p;
      m = l;
    } else {
      double w = std::exp(l - m);
      total += w;
      acc += w * p;
    }
  }
  glm::dvec2 d = acc / total;
  double logp = m + std::log(total) - std::log(double(points_.size())) -
                std::log(2.0 * std::numbers::pi * tau * tau);
  return {logp, d, (s * d - x) / (tau * tau)};
}

double EmpiricalModel::memorisedFraction(std::span<const glm::vec2> samples, double radius) const {
  if (samples.empty()) return 0.0;
  size_t close = 0;
  const double r2 = radius * radius;
  for (const auto& q : samples)
    for (const auto& p : points_)
      if (glm::dot(glm::dvec2(q) - p, glm::dvec2(q) - p) <= r2) {
        ++close;
        break;
      }
  return double(close) / double(samples.size());
}

double EmpiricalModel::copiedFraction(std::span<const glm::vec2> samples, double ratio) const {
  if (samples.empty() || points_.size() < 2) return 0.0;
  std::vector<char> copied(samples.size(), 0);
  parallelFor(samples.size(), [&](size_t i) {
    const glm::dvec2 q(samples[i]);
    double d1 = INFINITY, d2 = INFINITY;  // squared, nearest and second nearest
    for (const glm::dvec2& p : points_) {
      const double d = glm::dot(q - p, q - p);
      if (d < d1)
        d2 = d1, d1 = d;
      else if (d < d2)
        d2 = d;
    }
    copied[i] = d1 < ratio * ratio * d2;
  });
  return double(std::count(copied.begin(), copied.end(), 1)) / double(samples.size());
}

}  // namespace flowscope
