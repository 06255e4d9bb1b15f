// The training objectives against their definitions, and a whole training run of the reference:
// flow matching on one Gaussian learns the closed-form velocity E[eps - x0 | x_t].
#include <gtest/gtest.h>

#include <cmath>

#include "GaussianMixture.h"
#include "InputError.h"
#include "Objective.h"
#include "Rng.h"
#include "Trainer.h"

using namespace flowscope;

// EDM: D = c_skip x + c_out F recovers x0 exactly when F is the target; c_in scales the noisy
// input to unit variance for data of variance sigma_data^2; c_noise = ln(sigma) / 4.
TEST(Objective, EdmPreconditioningRecoversTheCleanSample) {
  ObjectiveSpec s;
  s.kind = ObjectiveKind::Edm;
  const Objective edm(s);
  const auto c = edm.edm(2.0);
  EXPECT_NEAR(c.skip, 0.25 / 4.25, 1e-15);
  EXPECT_NEAR(c.out, 2.0 * 0.5 / std::sqrt(4.25), 1e-15);
  EXPECT_NEAR(c.in * c.in * (0.25 + 4.0), 1.0, 1e-15);
  EXPECT_NEAR(c.noise, std::log(2.0) / 4.0, 1e-15);
  Pcg32 rng(3);
  const std::vector<glm::dvec2> x0{{1.0, -2.0}, {0.3, 0.4}};
  const RegressionBatch b = edm.batch(x0, rng);
  for (size_t r = 0; r < x0.size(); ++r) {
    const double sigma = std::exp(4.0 * b.level[r]);
    const auto p = edm.edm(sigma);
    for (size_t j = 0; j < 2; ++j) {
      const double noisy = b.input[2 * r + j] / p.in;
      EXPECT_NEAR(p.skip * noisy + p.out * b.target[2 * r + j], x0[r][int(j)], 1e-12);
    }
    EXPECT_EQ(b.weight[r], 1.0);
  }
}

// DDPM: eps and v targets are consistent with the noisy input: x0 = sqrt(ab) x - sqrt(1 - ab) v
// and x = sqrt(ab) x0 + sqrt(1 - ab) eps, at the batch's own t.
TEST(Objective, DdpmEpsilonAndVAgreeWithTheNoisyInput) {
  ScheduleParams sp;
  sp.kind = ScheduleKind::Linear;  // the objectives' default
  const std::vector<double> alphaBar = discreteAlphaBar(sp);
  const std::vector<glm::dvec2> x0{{1.5, -0.5}, {-1.0, 2.0}, {0.0, 0.25}};
  for (ObjectiveKind k : {ObjectiveKind::DdpmEpsilon, ObjectiveKind::DdpmV}) {
    ObjectiveSpec s;
    s.kind = k;
    const Objective o(s);
    Pcg32 rng(8);
    const RegressionBatch b = o.batch(x0, rng);
    for (size_t r = 0; r < x0.size(); ++r) {
      const double ab = alphaBar[size_t(std::lround(b.level[r] * 1000.0))];
      const double a = std::sqrt(ab), sd = std::sqrt(1.0 - ab);
      for (int j = 0; j < 2; ++j) {
        const double x = b.input[2 * r + size_t(j)], target = b.target[2 * r + size_t(j)];
        if (k == ObjectiveKind::DdpmEpsilon)
          EXPECT_NEAR(a * x0[r][j] + sd * target, x, 1e-12);
        else
          EXPECT_NEAR(a * x - sd * target, x0[r][j], 1e-12);
      }
    }
  }
  ObjectiveSpec bad;
  bad.kind = ObjectiveKind::DdpmEpsilon;
  bad.schedule = ScheduleKind::Karras;
  EXPECT_THROW(Objective{bad}, InputError);
}

// Flow matching: x_t - (1 - t) x0 = t eps with target eps - x0; logit-normal times lie in (0, 1)
// with their median at sigmoid(m).
TEST(Objective, FlowMatchingPathsAndLogitNormalTimes) {
  ObjectiveSpec s;
  s.kind = ObjectiveKind::Flow;
  const Objective flow(s);
  Pcg32 rng(4);
  const std::vector<glm::dvec2> x0(64, glm::dvec2(2.0, -1.0));
  const RegressionBatch b = flow.batch(x0, rng);
  for (size_t r = 0; r < x0.size(); ++r) {
    const double t = b.level[r];
    for (int j = 0; j < 2; ++j) {
      const double eps = b.target[2 * r + size_t(j)] + x0[r][j];
      EXPECT_NEAR(b.input[2 * r + size_t(j)], (1.0 - t) * x0[r][j] + t * eps, 1e-12);
    }
  }
  s.timeSampling = TimeSampling::LogitNormal;
  s.tMean = 1.0;
  const Objective logit(s);
  const std::vector<glm::dvec2> many(4001, glm::dvec2(0.0));
  std::vector<double> t = logit.batch(many, rng).level;
  std::nth_element(t.begin(), t.begin() + 2000, t.end());
  EXPECT_NEAR(t[2000], 1.0 / (1.0 + std::exp(-1.0)), 0.02);
  for (double v : t) EXPECT_TRUE(v > 0.0 && v < 1.0);
}

// A whole run of the reference: flow matching on N((1, -0.5), 0.5^2 I) with a 2 x 32 SiLU network
// learns the closed-form velocity E[eps - x0 | x_t] = (a x_t - b mu) / (t^2 + (1 - t)^2 s^2) with
// a = t - (1 - t) s^2, b = t: the EMA weights' mean error over a grid at t = 0.3, 0.6, 0.9 is a
// small fraction of the velocity's size.
TEST(ReferenceTrainer, FlowMatchingOnAGaussianLearnsTheClosedFormVelocity) {
  const glm::dvec2 mu(1.0, -0.5);
  const double s = 0.5;
  Pcg32 rng(21);
  std::vector<glm::dvec2> data(2000);
  for (auto& p : data) p = mu + s * glm::dvec2(rng.normal(), rng.normal());
  TrainingSpec spec;
  spec.network.width = 32;
  spec.network.depth = 2;
  spec.network.embedding.kind = EmbeddingKind::RandomFourier;
  spec.network.embedding.width = 16;
  spec.network.embedding.scale = 1.0;
  spec.adam.learningRate = 3e-3;
  spec.adam.totalSteps = 1500;
  spec.adam.minRate = 1e-4;
  spec.emaDecay = 0.99;
  spec.batch = 256;
  ReferenceTrainer trainer(spec, data);
  double first = 0.0, last = 0.0;
  for (int k = 0; k < 1500; ++k) {
    const double loss = trainer.step();
    if (k == 0) first = loss;
    last = loss;
  }
  EXPECT_LT(last, first);
  // The trained network's loss on fresh batches approaches the exact model's (the floor).
  Pcg32 fresh(77);
  std::vector<glm::dvec2> held(20000);
  for (auto& p : held) p = mu + s * glm::dvec2(fresh.normal(), fresh.normal());
  const GaussianMixture gauss({MixtureComponent{1.0, mu, s * s, 0.0, s * s}});
  Pcg32 a(5), b(5);
  const Objective objective(spec.objective);
  const double floor = irreducibleLoss(objective, gauss, held, a);
  const RegressionBatch batch = objective.batch(held, b);  // the same draws as the floor's
  const std::vector<double> y = trainer.evaluate(trainer.averaged(), batch.input, batch.level);
  double learned = 0.0;
  for (size_t k = 0; k < y.size(); ++k)
    learned += (y[k] - batch.target[k]) * (y[k] - batch.target[k]) / double(held.size());
  std::printf("loss %.4f against the irreducible %.4f\n", learned, floor);
  EXPECT_GT(learned, floor - 0.02 * floor);
  EXPECT_LT(learned, 1.05 * floor);
  std::vector<double> grid, times;
  for (double t : {0.3, 0.6, 0.9})
    for (double x = -1.0; x <= 2.01; x += 0.5)
      for (double y = -2.0; y <= 1.01; y += 0.5)
        grid.insert(grid.end(), {x, y}), times.push_back(t);
  const std::vector<double> v = trainer.evaluate(trainer.averaged(), grid, times);
  double error = 0.0, size = 0.0;
  for (size_t r = 0; r < times.size(); ++r) {
    const double t = times[r], d = t * t + (1.0 - t) * (1.0 - t) * s * s;
    const glm::dvec2 xt(grid[2 * r], grid[2 * r + 1]);
    const glm::dvec2 exact = ((t - (1.0 - t) * s * s) * xt - t * mu) / d;
    error += glm::length(glm::dvec2(v[2 * r], v[2 * r + 1]) - exact);
    size += glm::length(exact);
  }
  RecordProperty("relative_velocity_error", std::to_string(error / size));
  std::printf("mean |v_learned - v_exact| / mean |v_exact| = %.4f\n", error / size);
  EXPECT_LT(error / size, 0.1);
}

// The irreducible loss of flow matching on one Gaussian N(mu, s^2 I): per dimension the
// conditional variance of eps - x0 given x_t, (1 + s^2) - (t - (1 - t) s^2)^2 / ((1 - t)^2 s^2 +
// t^2), integrated over t in (0, 1) (midpoint rule) and doubled; the Monte Carlo estimate from the
// exact model agrees within its error, for every objective it is below the loss of predicting
// zero, and the trained reference's loss approaches it.
TEST(Objective, IrreducibleLossOfAGaussianMatchesItsClosedForm) {
  const double s = 0.5;
  const GaussianMixture gauss({MixtureComponent{1.0, {1.0, -0.5}, s * s, 0.0, s * s}});
  double exact = 0.0;
  const int n = 100000;
  for (int k = 0; k < n; ++k) {
    const double t = (k + 0.5) / n, d = (1 - t) * (1 - t) * s * s + t * t;
    const double c = t - (1 - t) * s * s;
    exact += 2.0 * ((1.0 + s * s) - c * c / d) / n;
  }
  Pcg32 rng(9);
  std::vector<glm::dvec2> x0(200000);
  for (auto& p : x0) p = glm::dvec2(1.0, -0.5) + s * glm::dvec2(rng.normal(), rng.normal());
  ObjectiveSpec spec;
  const double mc = irreducibleLoss(Objective(spec), gauss, x0, rng);
  EXPECT_NEAR(mc, exact, 0.01 * exact);
  for (ObjectiveKind k : {ObjectiveKind::Edm, ObjectiveKind::DdpmEpsilon, ObjectiveKind::DdpmV}) {
    spec.kind = k;
    const Objective o(spec);
    const std::vector<glm::dvec2> few(x0.begin(), x0.begin() + 20000);
    const RegressionBatch b = o.batch(few, rng);
    double zero = 0.0;
    for (double v : b.target) zero += v * v / double(few.size());
    const double floor = irreducibleLoss(o, gauss, few, rng);
    EXPECT_GT(floor, 0.0) << objectiveName(k);
    EXPECT_LT(floor, zero) << objectiveName(k);
  }
}
