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
  // The denoiser's Jacobian dD/dx at x (glm's column-major: J[c][r] = dD_r / dx_c), what the
  // probability-flow ODE's divergence needs. Exact where a model has it in closed form
  // (exactJacobian(): mixtures and point clouds by Tweedie's second moment, dD/dx =
  // s Cov[x0 | x] / tau^2; networks by forward-mode through their layers); otherwise central
  // differences of denoise() with the step 1e-5 (1 + |x|).
  virtual glm::dmat2 denoiserJacobian(glm::dvec2 x, double s, double tau) const {
    const double h = 1e-5 * (1.0 + glm::length(x));
    glm::dmat2 j;
    for (int c = 0; c < 2; ++c) {
      glm::dvec2 e(0.0);
      e[c] = h;
      j[c] = (denoise(x + e, s, tau) - denoise(x - e, s, tau)) / (2.0 * h);
    }
    return j;
  }
  virtual bool exactJacobian() const { return false; }
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
