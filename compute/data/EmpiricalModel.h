#pragma once
// The exact model of a finite dataset {x_i}: p_data is the empirical measure, so x = s x0 + tau eps
// is a mixture of N(s x_i, tau^2 I), and the ideal denoiser is softmax attention over the data:
//   D(x) = sum_i softmax_i(-|x - s x_i|^2 / (2 tau^2)) x_i.
// Samplers that use it reproduce training points (memorisation); memorisedFraction measures that.
#include <glm/glm.hpp>

#include <span>
#include <string>
#include <vector>

#include "ExactModel.h"

namespace flowscope {

class EmpiricalModel : public ExactModel {
 public:
  static constexpr size_t kMaxPoints = 1u << 20;

  // Throws InputError naming `source` when there are no points or a point is not finite.
  EmpiricalModel(std::vector<glm::dvec2> points, const std::string& source);
  // One streaming pass with an online softmax (no N x M matrix). tau = 0 returns the nearest point.
  Evaluation evaluate(glm::dvec2 x, double s, double tau) const override;
  size_t terms() const override { return points_.size(); }
  const std::vector<glm::dvec2>& points() const { return points_; }
  // Fraction of `samples` within `radius` of some data point.
  double memorisedFraction(std::span<const glm::vec2> samples, double radius) const;

 private:
  std::vector<glm::dvec2> points_;
};

}  // namespace flowscope
