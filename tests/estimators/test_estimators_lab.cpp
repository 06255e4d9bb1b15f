// The Estimators lab: its tables against the estimators called directly, Gumbel-max and the
// relaxed samples against softmax, variance falling as 1/M, the descent lowering the exact loss,
// and its scene files.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <numeric>

#include "EstimatorsLab.h"
#include "InputError.h"

using namespace flowscope;

namespace {

EstimatorsSettings categorical() {
  EstimatorsSettings s;
  s.dist = EstimatorDist::Categorical;
  s.logits = {0.5, -0.5, 1.0};
  s.table = {1.0, 4.0, -2.0};
  s.samples = 4;
  s.repeats = 3000;
  return s;
}

}  // namespace

TEST(EstimatorsLab, RowsAreTheEstimatorsStatistics) {
  EstimatorsLab lab(categorical());
  lab.update();
  ASSERT_EQ(lab.rows().size(), 5u);  // every categorical estimator
  for (const EstimatorRow& r : lab.rows()) {
    EstimatorSpec spec;
    spec.kind = r.kind;
    spec.samples = 4;
    spec.repeats = 3000;
    spec.tau = 0.5;
    const EstimatorStats direct = estimatorStats(lab.problem(), spec);
    EXPECT_EQ(r.stats.mean, direct.mean) << estimatorKindName(r.kind);
    EXPECT_EQ(r.stats.variance, direct.variance);
    EXPECT_EQ(r.estimates.size(), 3000u);
    // Each estimate's component 0 is in the row, in order: their mean is the stats' mean.
    EXPECT_NEAR(std::accumulate(r.estimates.begin(), r.estimates.end(), 0.0) / 3000.0,
                r.stats.mean[0], 1e-12);
  }
  EXPECT_EQ(lab.exact(), exactGradient(lab.problem()));
  // The Gaussian has pathwise and the score-function family; leave-one-out needs 2 samples.
  EstimatorsSettings g;
  g.samples = 1;
  EstimatorsLab gaussian(g);
  gaussian.update();
  EXPECT_EQ(gaussian.rows().size(), 3u);
  ASSERT_EQ(gaussian.skipped().size(), 1u);
  EXPECT_NE(gaussian.skipped()[0].find("reinforce-loo"), std::string::npos);
}

TEST(EstimatorsLab, GumbelMaxAndTheRelaxedSamplesFollowSoftmax) {
  EstimatorsLab lab(categorical());
  lab.update();
  const auto& p = lab.probabilities();
  ASSERT_EQ(p.size(), 3u);
  for (size_t k = 0; k < 3; ++k) {
    const double sd = std::sqrt(p[k] * (1 - p[k]) / 3000.0);
    EXPECT_NEAR(lab.gumbelFrequencies()[k], p[k], 4.0 * sd);
  }
  ASSERT_EQ(lab.simplex().size(), EstimatorsLab::kSimplexTaus.size());
  for (size_t t = 0; t < lab.simplex().size(); ++t) {
    std::vector<double> argmaxFreq(3, 0.0);
    double corner = 0.0;  // how close samples sit to a vertex: mean of the largest coordinate
    for (const auto& y : lab.simplex()[t]) {
      EXPECT_NEAR(y[0] + y[1] + y[2], 1.0, 1e-12);
      for (double v : y) EXPECT_GE(v, 0.0);
      const size_t top = size_t(std::max_element(y.begin(), y.end()) - y.begin());
      argmaxFreq[top] += 1.0 / EstimatorsLab::kSimplexPoints;
      corner += y[top] / EstimatorsLab::kSimplexPoints;
    }
    // The argmax of a relaxed sample is a Gumbel-max draw, whatever tau.
    for (size_t k = 0; k < 3; ++k)
      EXPECT_NEAR(argmaxFreq[k], p[k], 4.0 * std::sqrt(p[k] * (1 - p[k]) / 300.0));
    if (EstimatorsLab::kSimplexTaus[t] <= 0.1) {
      EXPECT_GT(corner, 0.95);  // near the vertices
    }
    if (EstimatorsLab::kSimplexTaus[t] >= 2.0) {
      EXPECT_LT(corner, 0.8);  // spread inside
    }
  }
}

TEST(EstimatorsLab, SweepsShowOneOverMAndTheTemperatureTradeOff) {
  EstimatorsLab lab(categorical());
  lab.update();
  for (const EstimatorRow& r : lab.rows())
    if (r.kind == EstimatorKind::Reinforce) {
      // Independent samples: the variance of a mean of M falls as 1/M (400 estimates each:
      // within 30%).
      for (size_t i = 0; i < EstimatorsLab::kSweepSamples.size(); ++i)
        EXPECT_NEAR(r.varianceBySamples[i] * EstimatorsLab::kSweepSamples[i],
                    r.varianceBySamples[0], 0.3 * r.varianceBySamples[0]);
    }
  ASSERT_TRUE(lab.tauSweep());
  const TauSweep& t = *lab.tauSweep();
  EXPECT_LT(t.bias.front(), 0.25 * t.bias.back());         // bias shrinks as tau -> 0
  EXPECT_GT(t.variance.front(), 4.0 * t.variance.back());  // variance grows
}

TEST(EstimatorsLab, DescentLowersTheExactLossWithEveryEstimator) {
  EstimatorsSettings plane;
  plane.dist = EstimatorDist::Gaussian2d;
  plane.f2 = "x^2+y^2";
  plane.learningRate = 0.01;
  for (const EstimatorsSettings& s : {EstimatorsSettings{}, categorical(), plane}) {
    EstimatorsLab lab(s);
    lab.update();
    EXPECT_EQ(lab.descentSteps(), 0);
    lab.showStep(150);
    EXPECT_EQ(lab.descentSteps(), 150);
    ASSERT_GE(lab.descent().size(), 3u);
    for (const DescentPath& p : lab.descent()) {
      EXPECT_LT(p.loss.back(), p.loss.front() - 0.5) << estimatorKindName(p.kind);
      EXPECT_EQ(p.theta.size(), 151u);
    }
    for (const DescentPath& p : lab.descent()) EXPECT_EQ(p.divergedAt, -1);
    // Space plays it to the target, by the clock.
    lab.togglePlay();
    for (int k = 0; k < 100 && lab.playing(); ++k) lab.tick(0.1);
    EXPECT_EQ(lab.descentSteps(), s.steps);
  }
}

// At a rate too high for it, REINFORCE's steps blow up as sigma shrinks: its path stops, marked,
// every loss finite, while the pathwise path converges.
TEST(EstimatorsLab, ADivergingDescentStopsAndSaysSo) {
  EstimatorsSettings s;
  s.dist = EstimatorDist::Gaussian2d;
  s.f2 = "x^2+y^2";
  s.samples = 1;
  s.learningRate = 0.3;
  s.steps = 300;
  EstimatorsLab lab(s);
  lab.showStep(300);
  bool diverged = false;
  for (const DescentPath& p : lab.descent()) {
    for (double l : p.loss) EXPECT_TRUE(std::isfinite(l)) << estimatorKindName(p.kind);
    if (p.kind == EstimatorKind::Pathwise) {
      EXPECT_EQ(p.divergedAt, -1);
      EXPECT_LT(p.loss.back(), 1e-3);
    }
    diverged |= p.divergedAt > 0;
  }
  EXPECT_TRUE(diverged);
}

TEST(EstimatorsLab, ScenesRoundTripAndErrorsNameTheField) {
  EstimatorsSettings s = categorical();
  s.f = "sin";
  s.component = 2;
  s.tau = 0.3;
  EstimatorsLab lab(s);
  lab.descend(40);
  const std::string text = lab.sceneJson().dump(2);
  EstimatorsLab other;
  other.openScene(nlohmann::json::parse(text), "mem");
  EXPECT_EQ(other.sceneJson().dump(2), text);
  EXPECT_EQ(other.descentSteps(), 40);
  EXPECT_EQ(other.descent()[0].loss, lab.descent()[0].loss);  // replayed, the same draws
  EXPECT_FALSE(lab.editState()["estimators"].contains("descent_steps"));
  const std::string before = other.sceneJson().dump(2);
  auto expectError = [&](const std::function<void(nlohmann::json&)>& edit,
                         const std::string& field) {
    nlohmann::json j = nlohmann::json::parse(text);
    edit(j);
    try {
      other.openScene(j, "e.json");
      ADD_FAILURE() << field;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("e.json"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
    EXPECT_EQ(other.sceneJson().dump(2), before);
  };
  expectError([](auto& j) { j["estimators"]["logits"] = {1.0}; }, "estimators.logits");
  expectError([](auto& j) { j["estimators"]["table"] = {1.0, 2.0}; }, "estimators.table");
  expectError([](auto& j) { j["estimators"]["samples"] = 0; }, "estimators.samples");
  expectError([](auto& j) { j["estimators"]["tau"] = -1.0; }, "estimators.tau");
  expectError([](auto& j) { j["estimators"]["dist"] = "poisson"; }, "estimators.dist");
  expectError([](auto& j) { j["estimators"]["descent_steps"] = 5000; }, "estimators.descent_steps");
  expectError([](auto& j) { j["estimators"]["colour"] = 1; }, "estimators.colour");
  expectError(
      [](auto& j) {
        j["estimators"]["dist"] = "gaussian";
        j["estimators"]["f"] = "x^^2";
      },
      "estimators.f");
  expectError(
      [](auto& j) {
        j["estimators"]["dist"] = "gaussian";
        j["estimators"]["gaussian_theta"] = {0.0, -1.0};
      },
      "estimators.gaussian_theta");
}
