// The estimators' kernel (shaders/estimators/estimator_samples.comp) against its CPU twin
// (estimateFromNoise, double) on the same seeded noise: every estimator of every family and named
// function; validation-clean.
#include <gtest/gtest.h>

#include <cmath>

#include "EstimatorKernel.h"
#include "Estimators.h"
#include "GpuFixture.h"
#include "InputError.h"
#include "Rng.h"

namespace flowscope {
namespace {

using testing::GpuTest;

class EstimatorGpu : public GpuTest {};

void compare(GpuEstimator& kernel, const EstimatorProblem& p, EstimatorKind kind) {
  EstimatorSpec s;
  s.kind = kind;
  s.samples = 5;
  s.tau = 0.4;
  constexpr int kEstimates = 300;
  std::vector<double> noise;
  for (int r = 0; r < kEstimates; ++r) {
    Pcg32 rng(11, 1000u + uint64_t(r));
    const auto e = drawNoise(p, s, rng);
    noise.insert(noise.end(), e.begin(), e.end());
  }
  const std::vector<float> noiseF(noise.begin(), noise.end());
  const std::vector<float> gpu = kernel.estimates(p, s, noiseF);
  const size_t per = noise.size() / kEstimates, n = p.theta.size();
  ASSERT_EQ(gpu.size(), kEstimates * n);
  double worst = 0.0;
  for (int r = 0; r < kEstimates; ++r) {
    // The twin on the noise as the kernel saw it (float).
    const std::vector<double> e(noiseF.begin() + long(r * per),
                                noiseF.begin() + long((r + 1) * per));
    const std::vector<double> cpu = estimateFromNoise(p, s, e);
    for (size_t j = 0; j < n; ++j)
      worst = std::max(worst, std::abs(gpu[r * n + j] - cpu[j]) / (1.0 + std::abs(cpu[j])));
  }
  EXPECT_LT(worst, 2e-4) << estimatorDistName(p.dist) << " " << estimatorKindName(kind);
}

TEST_F(EstimatorGpu, EstimatesMatchTheCpuTwinOnTheSameNoise) {
  GpuEstimator kernel(*gpu);
  for (GaussianF f :
       {GaussianF::Square, GaussianF::Sin, GaussianF::Cos, GaussianF::Step, GaussianF::Abs}) {
    EstimatorProblem p;
    p.theta = {0.4, 1.3};
    p.f = f;
    for (EstimatorKind k : {EstimatorKind::Pathwise, EstimatorKind::Reinforce,
                            EstimatorKind::ReinforceBaseline, EstimatorKind::ReinforceLoo})
      compare(kernel, p, k);
  }
  for (Gaussian2F f :
       {Gaussian2F::Bowl, Gaussian2F::Product, Gaussian2F::Wave, Gaussian2F::Quadrant}) {
    EstimatorProblem p;
    p.dist = EstimatorDist::Gaussian2d;
    p.theta = {0.4, -0.7, 0.9};
    p.f2 = f;
    for (EstimatorKind k : {EstimatorKind::Pathwise, EstimatorKind::Reinforce,
                            EstimatorKind::ReinforceBaseline, EstimatorKind::ReinforceLoo})
      compare(kernel, p, k);
  }
  EstimatorProblem c;
  c.dist = EstimatorDist::Categorical;
  c.theta = {0.5, -0.5, 1.0, 0.2};
  c.table = {1.0, 4.0, -2.0, 0.5};
  for (EstimatorKind k :
       {EstimatorKind::Reinforce, EstimatorKind::ReinforceBaseline, EstimatorKind::ReinforceLoo,
        EstimatorKind::GumbelSoftmax, EstimatorKind::StraightThrough})
    compare(kernel, c, k);
  EstimatorProblem typed;
  typed.expression = Expression::parse("x^3");
  EXPECT_THROW(kernel.estimates(typed, EstimatorSpec{}, std::vector<float>(1, 0.0f)), InputError);
}

}  // namespace
}  // namespace flowscope
