#pragma once
// An exact model of the data: for x = s * x0 + tau * eps, eps ~ N(0, I), the density of x, the
// ideal denoiser D = E[x0 | x] and the score grad_x log p(x), in closed form. Every prediction a
// sampler needs follows exactly (see Predictions below).
#include <glm/glm.hpp>

#include <cstddef>

namespace flowscope {

class ExactModel {
 public:
  struct Evaluation {
    double logp;          // log density of x
    glm::dvec2 denoised;  // D = E[x0 | x]
    glm::dvec2 score;     // grad_x log p(x) = (s D - x) / tau^2
  };
  virtual ~ExactModel() = default;
  virtual Evaluation evaluate(glm::dvec2 x, double s, double tau) const = 0;
  // Terms one evaluation sums (mixture components, data points, coupling pairs): its cost.
  virtual size_t terms() const = 0;
  glm::dvec2 denoise(glm::dvec2 x, double s, double tau) const {
    return evaluate(x, s, tau).denoised;
  }
};

// Exact conversions between the x0-, eps-, score- and velocity-predictions at a point x of a
// process x = s x0 + tau eps (tau > 0):
//   eps = (x - s x0) / tau,   score = -eps / tau,
//   velocity (flow, x = (1-t) x0 + t eps): dx/dt = eps - x0;
//   velocity (diffusion, EDM form): d(x/s)/d sigma = eps.
struct Predictions {
  glm::dvec2 x0, eps, score;
  static Predictions fromDenoised(glm::dvec2 x, double s, double tau, glm::dvec2 x0) {
    glm::dvec2 eps = (x - s * x0) / tau;
    return {x0, eps, -eps / tau};
  }
};

}  // namespace flowscope
