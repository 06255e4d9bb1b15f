#pragma once
// Flow matching with a coupling: the velocity model the Diffusion & Flow lab's flow samplers
// integrate when a coupling between the noise and the data is chosen (FlowCoupling.h builds it).
//
// Flow convention of the lab: x_t = (1 - t) x0 + t eps, t = 1 noise, t = 0 data (s = 1 - t,
// tau = t). A coupling pairs K noise points z_k with K data points y_k (equal masses 1/K); pair
// k moves along the straight path mu_k(t) = (1 - t) y_k + t z_k with velocity dx/dt = z_k - y_k.
// Smoothing every path by N(0, bw^2 I) (OT-CFM's constant sigma, Tong et al. 2023) gives the
// marginal path p_t(x) = (1/K) sum_k N(x; mu_k(t), bw^2 I) and its marginal velocity
//   v(x, t) = sum_k w_k(x, t) (z_k - y_k),   w = softmax_k(-|x - mu_k(t)|^2 / (2 bw^2)),
// attention again: x is the query, the moving path points the keys, the displacements the values.
// As an ExactModel of x = s x0 + tau eps it returns D = (x - tau v) / (s + tau), which is exactly
// what makes the flow samplers' velocity (x - D) / t equal v when s + tau = 1, the log density of
// p_t and its score (mu_bar - x) / bw^2. Only flow samplers use it (diffusion samplers keep the
// data's exact model).
//
// Couplings ("none" keeps the ideal velocity E[eps - x0 | x] of the independent coupling of
// N(0, I) and the data): independent (a random pairing of the K points), exact (the optimal
// assignment for the squared distance) and sinkhorn (each noise point draws its partner from its
// row of the entropic plan at epsilon, POT's reg). The noise points are the first K start points
// of the flow run (DiffusionSimulation::initialNoise with the run's seed), so those particles
// start exactly on their pair's path.
#include <glm/glm.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "ExactModel.h"

namespace flowscope {

enum class FlowCoupling : uint32_t { None, Independent, Exact, Sinkhorn };
std::string flowCouplingName(FlowCoupling c);  // "none" | "independent" | "exact" | "sinkhorn"
FlowCoupling parseFlowCoupling(const std::string& name);  // throws InputError listing the names

class CouplingModel : public ExactModel {
 public:
  static constexpr double kMinBandwidth = 1e-3, kMaxBandwidth = 100.0;
  // Pair k: noise[k] -> data[k]. Throws InputError when the sizes differ, are zero, or bw <= 0.
  CouplingModel(FlowCoupling kind, std::vector<glm::dvec2> noise, std::vector<glm::dvec2> data,
                double bandwidth);
  Evaluation evaluate(glm::dvec2 x, double s, double tau) const override;
  size_t terms() const override { return noise_.size(); }
  // The marginal velocity v(x, t) on the path mu_k = s y_k + tau z_k.
  glm::dvec2 velocity(glm::dvec2 x, double s, double tau) const;

  FlowCoupling kind() const { return kind_; }
  const std::vector<glm::dvec2>& noise() const { return noise_; }
  const std::vector<glm::dvec2>& data() const { return data_; }
  double bandwidth() const { return bandwidth_; }
  size_t crossings = 0;            // pairs of straight paths that cross
  double meanSquaredLength = 0.0;  // mean |z_k - y_k|^2
  double timeMs = 0.0;             // building the coupling

 private:
  struct Sums {
    double m, total;
    glm::dvec2 velocity, mean;
  };
  Sums sums(glm::dvec2 x, double s, double tau) const;

  FlowCoupling kind_;
  std::vector<glm::dvec2> noise_, data_;
  double bandwidth_;
};

}  // namespace flowscope
