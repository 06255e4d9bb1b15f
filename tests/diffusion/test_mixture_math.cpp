// CPU reference math against closed forms.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cmath>

#include "Dataset.h"
#include "DiffusionSimulation.h"
#include "GaussianMixture.h"
#include "InputError.h"
#include "KarrasSchedule.h"
#include "Metrics.h"
#include "Samplers.h"

using namespace flowscope;

namespace {

GaussianMixture threeComponents() {
  std::vector<MixtureComponent> c(3);
  c[0] = {0.5, {-1.0, 0.5}, 0.30, 0.10, 0.20};
  c[1] = {0.3, {1.5, -0.5}, 0.05, -0.02, 0.40};
  c[2] = {0.2, {0.0, 2.0}, 0.50, 0.00, 0.05};
  return GaussianMixture(c);
}

// log N(x; mu, S) for a 2x2 S, written independently of GaussianMixture::evaluate.
double logNormal(glm::dvec2 x, glm::dvec2 mu, double a, double b, double c) {
  double det = a * c - b * b;
  glm::dvec2 r = x - mu;
  double q = (c * r.x * r.x - 2 * b * r.x * r.y + a * r.y * r.y) / det;
  return -std::log(2 * M_PI) - 0.5 * std::log(det) - 0.5 * q;
}

}  // namespace

TEST(GaussianMixture, LogDensityMatchesDirectSum) {
  GaussianMixture m = threeComponents();
  for (double sigma : {0.0, 0.1, 1.0, 10.0}) {
    for (glm::dvec2 x : {glm::dvec2(0, 0), glm::dvec2(1.2, -0.3), glm::dvec2(-3, 4)}) {
      double p = 0.0;
      for (const auto& k : m.components())
        p += k.weight *
             std::exp(logNormal(x, k.mean, k.a + sigma * sigma, k.b, k.c + sigma * sigma));
      EXPECT_NEAR(m.logDensity(x, sigma), std::log(p), 1e-12) << "sigma " << sigma;
    }
  }
}

TEST(GaussianMixture, ScoreMatchesFiniteDifferencesOfLogDensity) {
  GaussianMixture m = threeComponents();
  const double h = 1e-5;
  for (double sigma : {0.0, 0.05, 0.7, 5.0}) {
    for (glm::dvec2 x : {glm::dvec2(0.1, 0.2), glm::dvec2(1.4, -0.6), glm::dvec2(-2.0, 3.0)}) {
      glm::dvec2 fd(
          (m.logDensity(x + glm::dvec2(h, 0), sigma) - m.logDensity(x - glm::dvec2(h, 0), sigma)) /
              (2 * h),
          (m.logDensity(x + glm::dvec2(0, h), sigma) - m.logDensity(x - glm::dvec2(0, h), sigma)) /
              (2 * h));
      glm::dvec2 s = m.score(x, sigma);
      double scale = std::max(1.0, glm::length(s));
      EXPECT_NEAR(s.x, fd.x, 1e-6 * scale) << "sigma " << sigma;
      EXPECT_NEAR(s.y, fd.y, 1e-6 * scale) << "sigma " << sigma;
    }
  }
}

TEST(GaussianMixture, TweedieLinksDenoiserAndScore) {
  // Tweedie's formula: D(x; sigma) = x + sigma^2 grad log p_sigma(x).
  GaussianMixture m = threeComponents();
  for (double sigma : {0.01, 0.5, 3.0, 80.0}) {
    glm::dvec2 x(0.3, -1.1);
    glm::dvec2 d = m.denoise(x, sigma), viaScore = x + sigma * sigma * m.score(x, sigma);
    EXPECT_NEAR(d.x, viaScore.x, 1e-9 * std::max(1.0, sigma * sigma));
    EXPECT_NEAR(d.y, viaScore.y, 1e-9 * std::max(1.0, sigma * sigma));
  }
}

TEST(GaussianMixture, SingleGaussianDenoiserIsLinear) {
  // For N(mu, C): D(x) = mu + C (C + s^2 I)^-1 (x - mu).
  GaussianMixture g({{1.0, {1.0, -2.0}, 2.0, 0.0, 0.5}});
  double s = 1.5;
  glm::dvec2 x(3.0, 1.0);
  glm::dvec2 d = g.denoise(x, s);
  EXPECT_NEAR(d.x, 1.0 + 2.0 / (2.0 + s * s) * 2.0, 1e-12);
  EXPECT_NEAR(d.y, -2.0 + 0.5 / (0.5 + s * s) * 3.0, 1e-12);
}

TEST(GaussianMixture, RejectsBadFilesNamingTheField) {
  auto parse = [](const char* text) {
    return GaussianMixture::fromJson(nlohmann::json::parse(text), "mix.json");
  };
  EXPECT_NO_THROW(parse(R"({"type":"gmm","weights":[2,2],"means":[[0,0],[1,1]],
                            "covariances":[[[1,0],[0,1]],[[1,0.5],[0.5,1]]]})"));
  auto g = parse(R"({"type":"gmm","weights":[2,6],"means":[[0,0],[1,1]],
                     "covariances":[[[1,0],[0,1]],[[1,0],[0,1]]]})");
  EXPECT_DOUBLE_EQ(g.components()[1].weight, 0.75);
  try {
    parse(R"({"type":"gmm","weights":[1,1],"means":[[0,0],[1,1]],
              "covariances":[[[1,0],[0,1]],[[1,2],[2,1]]]})");
    FAIL() << "accepted an indefinite covariance";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("component 1"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("mix.json"), std::string::npos) << e.what();
  }
  EXPECT_THROW(
      parse(R"({"type":"gmm","weights":[1],"means":[[0,0]],"covariances":[[[1,0.3],[0.2,1]]]})"),
      InputError);
  EXPECT_THROW(
      parse(R"({"type":"gmm","weights":[-1],"means":[[0,0]],"covariances":[[[1,0],[0,1]]]})"),
      InputError);
  EXPECT_THROW(
      parse(R"({"type":"gmm","weights":[0],"means":[[0,0]],"covariances":[[[1,0],[0,1]]]})"),
      InputError);
  EXPECT_THROW(
      parse(R"({"type":"gmm","weights":[1,1],"means":[[0,0]],"covariances":[[[1,0],[0,1]]]})"),
      InputError);
  EXPECT_THROW(parse(R"({"type":"gauss"})"), InputError);
}

TEST(KarrasSchedule, EndpointsAndLength) {
  KarrasParams p;  // 0.002, 80, 7, 18
  auto s = karrasSigmas(p);
  ASSERT_EQ(s.size(), 19u);
  EXPECT_DOUBLE_EQ(s.front(), 80.0);
  EXPECT_NEAR(s[17], 0.002, 1e-15);
  EXPECT_EQ(s.back(), 0.0);
  for (size_t i = 1; i < s.size(); ++i) EXPECT_LT(s[i], s[i - 1]);
  // rho = 1 is a linear ramp.
  p.rho = 1.0;
  p.steps = 5;
  auto lin = karrasSigmas(p);
  EXPECT_NEAR(lin[2], 0.5 * (80.0 + 0.002), 1e-12);
  p.steps = 0;
  EXPECT_THROW(karrasSigmas(p), InputError);
}

namespace {
// Counts every model evaluation a sampler makes.
struct CountingModel : ExactModel {
  const ExactModel& inner;
  mutable std::atomic<int> calls{0};
  explicit CountingModel(const ExactModel& m) : inner(m) {}
  Evaluation evaluate(glm::dvec2 x, double s, double tau) const override {
    ++calls;
    return inner.evaluate(x, s, tau);
  }
  size_t terms() const override { return inner.terms(); }
};
}  // namespace

TEST(EdmSampler, HeunUsesTwoNMinusOneEvaluations) {
  GaussianMixture m = threeComponents();
  for (auto kind : {SamplerKind::Heun, SamplerKind::Euler}) {
    SamplerParams sp;
    sp.kind = kind;
    ScheduleParams p;
    p.steps = 7;
    auto levels = buildSchedule(p);
    CountingModel counting(m);
    std::vector<ParticleState> a(1, ParticleState(1.0f)), b(1);
    for (int i = 0; i < p.steps; ++i) {
      samplerStepCpu(counting, makeStepContext(sp, levels, i, 1), a, b);
      std::swap(a, b);
    }
    int expected = kind == SamplerKind::Heun ? 2 * p.steps - 1 : p.steps;
    EXPECT_EQ(counting.calls.load(), expected);
    int declared = 0;
    for (int i = 0; i < p.steps; ++i) declared += stepEvaluations(sp, levels, i);
    EXPECT_EQ(declared, expected);
  }
}

namespace {
std::shared_ptr<const Dataset> dataOf(const GaussianMixture& m) {
  return resolve(DataSource::ofMixture(m));
}

std::vector<glm::dvec2> runToEnd(const GaussianMixture& m, SamplingConfig c) {
  DiffusionSimulation sim(dataOf(m), c, nullptr);
  sim.seek(c.schedule.steps);
  auto f = sim.positions(c.schedule.steps);
  return {f.begin(), f.end()};
}
}  // namespace

TEST(EdmSampler, HeunSamplesASingleGaussianWithTheRightMoments) {
  GaussianMixture g({{1.0, {1.0, -0.5}, 0.6, 0.25, 0.3}});
  SamplingConfig c;
  c.schedule.steps = 200;
  c.particleCount = 40000;
  c.seed = 3;
  auto x = runToEnd(g, c);
  glm::dvec2 mean(0.0);
  for (auto& p : x) mean += p;
  mean /= double(x.size());
  double a = 0, b = 0, cc = 0;
  for (auto& p : x) {
    a += (p.x - mean.x) * (p.x - mean.x);
    b += (p.x - mean.x) * (p.y - mean.y);
    cc += (p.y - mean.y) * (p.y - mean.y);
  }
  a /= x.size(), b /= x.size(), cc /= x.size();
  // Standard errors at n = 40000: mean ~0.004, covariance entries ~0.005.
  EXPECT_NEAR(mean.x, 1.0, 0.02);
  EXPECT_NEAR(mean.y, -0.5, 0.02);
  EXPECT_NEAR(a, 0.6, 0.03);
  EXPECT_NEAR(b, 0.25, 0.02);
  EXPECT_NEAR(cc, 0.3, 0.02);
}

TEST(EdmSampler, Heun18StepsMatchesTheMixtureInEnergyDistance) {
  GaussianMixture m = GaussianMixture::ring();
  SamplingConfig c;
  c.schedule.steps = 18;
  c.particleCount = 2000;
  c.seed = 11;
  auto sampled = runToEnd(m, c);
  auto reference = m.sample(2000, 5);
  auto other = m.sample(2000, 6);
  double ed = energyDistance(sampled, reference);
  double baseline = energyDistance(other, reference);  // two exact samples: pure sampling noise
  auto wrong = GaussianMixture::ring(8, 2.0).sample(2000, 7);  // a ring 20% too small
  double wrongEd = energyDistance(wrong, reference);
  EXPECT_LT(ed, 3.0 * baseline + 1e-3) << "baseline " << baseline;
  EXPECT_GT(wrongEd, 10.0 * ed) << "the test must be able to tell distributions apart";
}

TEST(DiffusionSimulation, StepBackPastTheRingReplaysExactly) {
  GaussianMixture m = GaussianMixture::ring();
  SamplingConfig c;
  c.schedule.steps = 10;
  c.particleCount = 1000;
  // Budget for 3 states only: stepping back from 10 to 2 must replay from the noise.
  DiffusionSimulation small(dataOf(m), c, nullptr, 3 * 1000 * sizeof(ParticleState));
  DiffusionSimulation full(dataOf(m), c, nullptr);
  EXPECT_EQ(small.slotCount(), 3u);
  EXPECT_EQ(full.slotCount(), 11u);
  small.seek(10);
  full.seek(10);
  EXPECT_EQ(small.oldestAvailable(), 8);
  small.stepBack();
  EXPECT_EQ(small.current(), 9);
  small.seek(2);
  EXPECT_EQ(small.current(), 2);
  EXPECT_EQ(small.state(2), full.state(2));
  EXPECT_EQ(small.state(0), DiffusionSimulation::initialNoise(1000, c.seed, c.schedule.sigmaMax));
  c.sampler.kind = SamplerKind::EulerMaruyama;  // stochastic: the replay draws the same noise
  DiffusionSimulation smallSde(dataOf(m), c, nullptr, 3 * 1000 * sizeof(ParticleState)),
      fullSde(dataOf(m), c, nullptr);
  smallSde.seek(10);
  fullSde.seek(10);
  smallSde.seek(4);
  EXPECT_EQ(smallSde.state(4), fullSde.state(4));
  small.seek(10);
  EXPECT_EQ(small.state(10), full.state(10));
}
