#pragma once
// Gradient estimators for L(theta) = E_{z ~ p_theta}[f(z)] (Mohamed et al. 2020, "Monte Carlo
// gradient estimation in machine learning"; Jang et al. 2017; Maddison et al. 2017), each against
// the exact gradient:
//   gaussian:    z ~ N(mu, sigma^2), theta = (mu, sigma), f one of a few functions of z (exact
//                L and grad L in closed form: Gaussian integrals) or a typed expression
//                (quadrature);
//   gaussian2d:  z ~ N(mu, sigma^2 I) in the plane, theta = (mu1, mu2, sigma), f one of a few
//                functions of the plane (closed forms) or an expression in x and y (quadrature
//                on a 401 x 401 grid over +-8 sigma);
//   categorical: z ~ softmax(logits) over K <= 8 classes, theta = the logits, f a table
//                (exact grad_j L = p_j (f_j - L), by enumeration).
// The estimators (one sample's gradient; an estimate averages `samples` of them):
//   pathwise            z = mu + sigma eps: f'(z) (1, eps)  (2-D: grad f, grad f . eps) (gaussians)
//   reinforce           f(z) grad log p(z)                                            (both)
//   reinforce-baseline  (f(z_i) - b_i) grad log p(z_i), b_i the mean of f over the estimate's
//                       earlier samples (0 for the first): independent of z_i, so unbiased
//   reinforce-loo       (f(z_i) - mean of the other samples' f) grad log p(z_i)  (samples >= 2)
//   gumbel-softmax      y = softmax((logits + g) / tau), g Gumbel; the gradient of the relaxed
//                       f(y) = sum_k y_k f_k: (1 / tau) y_j (f_j - f(y))          (categorical;
//                       biased, the bias vanishing and the variance growing as tau -> 0)
//   straight-through    the forward value f(argmax y) with gumbel-softmax's backward: for this
//                       linear relaxation its gradient equals gumbel-softmax's
// Gumbel-max: argmax_k (logits_k + g_k) is an exact draw of softmax(logits).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <optional>

#include "Expression.h"
#include "Rng.h"

namespace flowscope {

enum class EstimatorDist { Gaussian, Categorical, Gaussian2d };
enum class EstimatorKind {
  Pathwise,
  Reinforce,
  ReinforceBaseline,
  ReinforceLoo,
  GumbelSoftmax,
  StraightThrough
};
enum class GaussianF { Square, Sin, Cos, Step, Abs };
// Functions of the plane for the 2-D Gaussian, each with L and grad L in closed form.
enum class Gaussian2F { Bowl, Product, Wave, Quadrant };
std::string estimatorDistName(EstimatorDist d);
EstimatorDist parseEstimatorDist(const std::string& name);  // InputError naming "dist"
std::string estimatorKindName(EstimatorKind k);
EstimatorKind parseEstimatorKind(const std::string& name);  // "estimator"
std::string gaussianFName(GaussianF f);                     // "x^2", "sin", "cos", "step", "abs"
GaussianF parseGaussianF(const std::string& name);          // "f"
double gaussianFValue(GaussianF f, double z);               // f(z) of a named function
// "x^2+y^2", "x*y", "sin(x)*cos(y)", "step(x)*step(y)"
std::string gaussian2FName(Gaussian2F f);
double gaussian2FValue(Gaussian2F f, double x, double y);
const std::vector<EstimatorKind>& allEstimators();

struct EstimatorProblem {
  EstimatorDist dist = EstimatorDist::Gaussian;
  std::vector<double> theta{0.5, 1.0};  // gaussian: mu, sigma (> 0); categorical: K logits
  GaussianF f = GaussianF::Square;      // gaussian
  Gaussian2F f2 = Gaussian2F::Bowl;  // gaussian2d: theta = (mu1, mu2, sigma), z ~ N(mu, sigma^2 I)
  // gaussian: f typed as an expression instead (Expression.h); its exact L and gradient by
  // quadrature: the score-function integrals of f against N(0, 1) on [-12, 12], 24,001 points.
  std::optional<Expression> expression;
  std::vector<double> table;  // categorical: f(0..K-1)
};
// InputError naming "theta" or "f": two values with sigma > 0 for the Gaussian; 2..8 logits and a
// table of as many values for the categorical; every value finite.
void validate(const EstimatorProblem& p);
// Whether the estimator applies to the problem's distribution (InputError naming "estimator").
void checkApplies(EstimatorKind k, EstimatorDist d);

double objective(const EstimatorProblem& p);                   // L(theta), exact
std::vector<double> exactGradient(const EstimatorProblem& p);  // grad L, exact

struct EstimatorSpec {
  EstimatorKind kind = EstimatorKind::Reinforce;
  double tau = 0.5;    // gumbel-softmax, straight-through: > 0
  int samples = 1;     // single-sample gradients an estimate averages, 1..1,000,000
  int repeats = 1000;  // independent estimates, 2..1,000,000
  uint64_t seed = 0;
};
void validate(const EstimatorSpec& s);  // InputError naming "tau", "samples", "repeats"

// One estimate of grad L: the mean of spec.samples single-sample gradients drawn from rng.
std::vector<double> estimateGradient(const EstimatorProblem& p, const EstimatorSpec& s, Pcg32& rng);
// The same from given noise: noiseStride values a sample (the Gaussian: eps; the 2-D Gaussian:
// eps1, eps2; categorical: a uniform u for the score-function estimators, the K Gumbel draws
// g_k for the relaxed ones), as drawNoise draws them from rng. The GPU twin reads the same noise.
size_t noiseStride(const EstimatorProblem& p, const EstimatorSpec& s);
std::vector<double> drawNoise(const EstimatorProblem& p, const EstimatorSpec& s, Pcg32& rng);
std::vector<double> estimateFromNoise(const EstimatorProblem& p, const EstimatorSpec& s,
                                      std::span<const double> noise);

// Per component of theta, over spec.repeats estimates: the exact gradient, their mean, variance
// (unbiased), bias (mean - exact) and standard error of the mean (sqrt(variance / repeats)).
struct EstimatorStats {
  std::vector<double> exact, mean, variance, bias, standardError;
};
EstimatorStats estimatorStats(const EstimatorProblem& p, const EstimatorSpec& s);
// The spec.repeats estimates themselves (estimate r from Pcg32(seed, 1000 + r)), validated as
// estimatorStats validates; and the statistics of given estimates (at least 2).
std::vector<std::vector<double>> gradientEstimates(const EstimatorProblem& p,
                                                   const EstimatorSpec& s);
EstimatorStats statsOf(const EstimatorProblem& p,
                       const std::vector<std::vector<double>>& estimates);
// A relaxed Gumbel-softmax sample: y = softmax((logits + g) / tau), a point of the simplex.
std::vector<double> relaxedSample(const std::vector<double>& logits, double tau, Pcg32& rng);

// A Gumbel-max draw: argmax_k (logits_k + g_k), g_k = -log(-log u_k).
int gumbelMax(const std::vector<double>& logits, Pcg32& rng);

}  // namespace flowscope
