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
  // s Cov[x0 | x] / tau^2 with the softmax weights of evaluate().
  glm::dmat2 denoiserJacobian(glm::dvec2 x, double s, double tau) const override;
  bool exactJacobian() const override { return true; }
  const std::vector<glm::dvec2>& points() const { return points_; }
  // Fraction of `samples` within `radius` of some data point.
  double memorisedFraction(std::span<const glm::vec2> samples, double radius) const;
  // Fraction of `samples` that copy a data point: nearer to their nearest point than `ratio`
  // times the distance to the second nearest (Yoon et al. 2023, Gu et al. 2023 use 1/3): free of
  // the data's scale and density, so a dense training set does not count as copied.
  double copiedFraction(std::span<const glm::vec2> samples, double ratio = 1.0 / 3.0) const;

 private:
  std::vector<glm::dvec2> points_;
};

}  // namespace flowscope
