// Optimal transport: POT's documented values and closed forms.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "DenseSinkhorn.h"
#include "ExactTransport.h"
#include "FastSinkhorn.h"
#include "InputError.h"
#include "Rng.h"
#include "Transport.h"

using namespace flowscope;

TEST(Sinkhorn, MatchesPotsDocumentedExample) {
  // POT: a = b = [0.5, 0.5], M = [[0, 1], [1, 0]], reg = 1 -> plan [[0.36552929, 0.13447071], ...],
  // sinkhorn2 = 0.26894142136999516. Points at 0 and 1 give M under the squared Euclidean cost.
  Measure a = Measure::uniform({{0.0, 0.0}, {1.0, 0.0}}), b = a;
  SinkhornOptions o;
  o.epsilon = 1.0;
  o.tolerance = 1e-12;
  SinkhornResult r = sinkhornCpu(a, b, CostKind::SqEuclidean, o);
  ASSERT_EQ(r.status, SolveStatus::Converged) << r.message;
  EXPECT_NEAR(planEntry(a, b, CostKind::SqEuclidean, r, 1.0, 0, 0), 0.36552929, 1e-8);
  EXPECT_NEAR(planEntry(a, b, CostKind::SqEuclidean, r, 1.0, 0, 1), 0.13447071, 1e-8);
  EXPECT_NEAR(r.cost, 0.26894142136999516, 1e-12);
}

TEST(Sinkhorn, CostTendsToTheExactCostAsEpsilonShrinks) {
  // 1-D supports embedded in the plane: the exact cost is the sorted (quantile) coupling's.
  Pcg32 rng(3);
  std::vector<glm::dvec2> x, y;
  std::vector<double> x1, y1;
  for (int i = 0; i < 60; ++i) {
    x1.push_back(rng.normal());
    y1.push_back(2.0 + 0.5 * rng.normal());
    x.push_back({x1.back(), 0.0});
    y.push_back({y1.back(), 0.0});
  }
  const double exact = transport1d(x1, std::vector<double>(60, 1.0), y1,
                                   std::vector<double>(60, 1.0), CostKind::SqEuclidean);
  double previous = INFINITY;
  for (double eps : {1.0, 0.1, 0.01}) {
    SinkhornOptions o;
    o.epsilon = eps;
    o.tolerance = 1e-9;
    SinkhornResult r =
        sinkhornCpu(Measure::uniform(x), Measure::uniform(y), CostKind::SqEuclidean, o);
    ASSERT_EQ(r.status, SolveStatus::Converged) << r.message;
    EXPECT_LT(r.marginalError, 1e-9);
    const double gap = std::abs(r.cost - exact);
    EXPECT_LT(gap, previous) << eps;
    previous = gap;
  }
  EXPECT_LT(previous, 0.02 * exact);
}

TEST(ClosedForms, GaussianBuresWassersteinAndMongeMap) {
  Gaussian2 p{{0.0, 0.0}, glm::dmat2(1.0)}, q{{3.0, 4.0}, glm::dmat2(4.0)};
  EXPECT_NEAR(gaussianW2Squared(p, q), 25.0 + 2.0, 1e-12);  // |m|^2 + tr(I + 4I - 2 * 2I)
  glm::dmat2 a = gaussianMongeMatrix(p, q);
  EXPECT_NEAR(a[0][0], 2.0, 1e-12);
  EXPECT_NEAR(a[1][0], 0.0, 1e-12);
  glm::dmat2 s(2.0, 0.5, 0.5, 1.0);
  glm::dmat2 r = sqrtSpd(s);
  glm::dmat2 back = r * r;
  for (int c = 0; c < 2; ++c)
    for (int k = 0; k < 2; ++k) EXPECT_NEAR(back[c][k], s[c][k], 1e-12);
  // The Monge map pushes p to q: A S1 A^T = S2.
  Gaussian2 u{{0, 0}, glm::dmat2(1.5, 0.3, 0.3, 0.7)}, v{{1, 1}, glm::dmat2(0.5, -0.2, -0.2, 2.0)};
  glm::dmat2 m = gaussianMongeMatrix(u, v);
  glm::dmat2 pushed = m * u.cov * glm::transpose(m);
  for (int c = 0; c < 2; ++c)
    for (int k = 0; k < 2; ++k) EXPECT_NEAR(pushed[c][k], v.cov[c][k], 1e-12);
}

TEST(ClosedForms, OneDimensionalWithWeights) {
  // Mass 1 at 0 against half at 1 and half at 3: W2^2 = 0.5 * 1 + 0.5 * 9 = 5, W1 = 2.
  EXPECT_NEAR(transport1d({0.0}, {1.0}, {3.0, 1.0}, {1.0, 1.0}, CostKind::SqEuclidean), 5.0, 1e-12);
  EXPECT_NEAR(transport1d({0.0}, {2.0}, {1.0, 3.0}, {1.0, 1.0}, CostKind::Euclidean), 2.0, 1e-12);
}

TEST(Measures, WeightsAreNormalisedAndBadOnesNameTheRow) {
  Measure m = Measure::weighted({{0, 0}, {1, 1}}, {1.0, 3.0}, "w.csv");
  EXPECT_DOUBLE_EQ(m.weights[1], 0.75);
  try {
    Measure::weighted({{0, 0}, {1, 1}}, {1.0, -3.0}, "w.csv");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("w.csv: line 3"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Measure::weighted({{0, 0}}, {0.0}, "w.csv"), InputError);
  EXPECT_THROW(parseCost("manhattan"), InputError);
}

TEST(ExactTransport, MatchesBruteForceOverPermutationsAndPotsExample) {
  // POT: exact plan for the documented example is [[0.5, 0], [0, 0.5]].
  Measure two = Measure::uniform({{0.0, 0.0}, {1.0, 0.0}});
  ExactResult e = exactTransport(two, two, CostKind::SqEuclidean);
  ASSERT_EQ(e.plan.size(), 2u);
  EXPECT_EQ(e.plan[0].i, 0u);
  EXPECT_EQ(e.plan[0].j, 0u);
  EXPECT_NEAR(e.plan[0].mass, 0.5, 1e-15);
  EXPECT_NEAR(e.cost, 0.0, 1e-15);
  Pcg32 rng(17);
  for (int n = 2; n <= 8; ++n) {
    for (auto cost : {CostKind::SqEuclidean, CostKind::Euclidean}) {
      std::vector<glm::dvec2> x(n), y(n);
      for (auto& p : x) p = {rng.normal(), rng.normal()};
      for (auto& p : y) p = {rng.normal() + 1.0, rng.normal()};
      std::vector<int> perm(n);
      std::iota(perm.begin(), perm.end(), 0);
      double best = INFINITY;
      do {
        double s = 0.0;
        for (int i = 0; i < n; ++i) s += costOf(cost, x[i], y[perm[i]]);
        best = std::min(best, s / n);
      } while (std::next_permutation(perm.begin(), perm.end()));
      ExactResult r = exactTransport(Measure::uniform(x), Measure::uniform(y), cost);
      ASSERT_EQ(r.status, SolveStatus::Converged);
      EXPECT_NEAR(r.cost, best, 1e-12) << "n = " << n << " " << costName(cost);
      EXPECT_LT(r.marginalError, 1e-12);
    }
  }
}

TEST(ExactTransport, UnequalSizesAndWeightsAgreeWithOneDimensionalSorting) {
  Pcg32 rng(5);
  std::vector<double> x1, y1, wx, wy;
  std::vector<glm::dvec2> x, y;
  for (int i = 0; i < 37; ++i)
    x1.push_back(rng.normal()), wx.push_back(rng.uniform()), x.push_back({x1.back(), 0});
  for (int j = 0; j < 53; ++j)
    y1.push_back(1.0 + 2 * rng.normal()), wy.push_back(rng.uniform()), y.push_back({y1.back(), 0});
  for (auto cost : {CostKind::SqEuclidean, CostKind::Euclidean}) {
    ExactResult r =
        exactTransport(Measure::weighted(x, wx, "x"), Measure::weighted(y, wy, "y"), cost);
    ASSERT_EQ(r.status, SolveStatus::Converged);
    EXPECT_NEAR(r.cost, transport1d(x1, wx, y1, wy, cost), 1e-10) << costName(cost);
    EXPECT_LT(r.marginalError, 1e-12);
  }
}

TEST(ExactTransport, GaussianSamplesApproachTheBuresWassersteinDistance) {
  Gaussian2 p{{0, 0}, glm::dmat2(1.0, 0.3, 0.3, 0.5)},
      q{{1.5, -0.5}, glm::dmat2(0.4, -0.1, -0.1, 1.2)};
  auto draw = [](const Gaussian2& g, int n, uint64_t seed) {
    Pcg32 rng(seed);
    glm::dmat2 l = sqrtSpd(g.cov);
    std::vector<glm::dvec2> out(n);
    for (auto& x : out) x = g.mean + l * glm::dvec2(rng.normal(), rng.normal());
    return out;
  };
  ExactResult r = exactTransport(Measure::uniform(draw(p, 600, 1)),
                                 Measure::uniform(draw(q, 600, 2)), CostKind::SqEuclidean);
  ASSERT_EQ(r.status, SolveStatus::Converged);
  // The empirical W2^2 overshoots the population one by O(n^-1/2) in 2-D; 600 points: within ~15%.
  EXPECT_NEAR(r.cost, gaussianW2Squared(p, q), 0.15 * gaussianW2Squared(p, q));
}

TEST(StallDetector, StopsOnlyAfterFiveHundredIterationsWithoutAOnePercentGain) {
  StallDetector steady;  // a linear rate of 0.1% per iteration: never stalls
  double err = 1.0;
  for (int it = 10; it <= 20000; it += 10) ASSERT_FALSE(steady.observe(err *= 0.99, it)) << it;
  StallDetector flat;  // falls to 1e-5, then wobbles there
  int stopped = -1;
  for (int it = 10; it <= 5000 && stopped < 0; it += 10) {
    const double e =
        it <= 1000 ? std::pow(10.0, -5.0 * it / 1000.0) : 1e-5 * (1.0 + 0.005 * (it % 20 == 0));
    if (flat.observe(e, it)) stopped = it;
  }
  EXPECT_EQ(stopped, 1000 + StallDetector::kIterations);
  EXPECT_NE(flat.describe(1e-6, stopped).find("stopped falling at 1e-05"), std::string::npos);
}

TEST(Sinkhorn, BothCpuSolversStopWhereDoublePrecisionStopsImproving) {
  // A tolerance below double precision's floor: each solver stops, says so, long before its
  // iteration limit (the GPU's float32 floor is in test_transport_gpu).
  Pcg32 rng(5);
  std::vector<glm::dvec2> x(120), y(100);
  for (auto& p : x) p = {rng.normal(), rng.normal()};
  for (auto& p : y) p = {2.0 + rng.normal(), rng.normal()};
  const Measure a = Measure::uniform(x), b = Measure::uniform(y);
  SinkhornOptions o;
  o.epsilon = 0.1;
  o.tolerance = 1e-18;
  o.maxIterations = 1000000;
  DenseSinkhorn dense(a, b, CostKind::SqEuclidean);
  for (const SinkhornResult& r :
       {sinkhornCpu(a, b, CostKind::SqEuclidean, o), dense.solve(o, false)}) {
    EXPECT_EQ(r.status, SolveStatus::NotConverged);
    EXPECT_TRUE(r.stalled);
    EXPECT_LT(r.iterations, 20000);
    EXPECT_LT(r.marginalError, 1e-12) << "it stopped at the floor, not before";
    EXPECT_NE(r.message.find("stopped falling"), std::string::npos) << r.message;
  }
}

TEST(Sinkhorn, WarmStartContinuesFromGivenPotentials) {
  // Finishing from a coarse solve reaches the cold solve's answer, in fewer new iterations.
  Pcg32 rng(6);
  std::vector<glm::dvec2> x(80), y(90);
  for (auto& p : x) p = {rng.normal(), rng.normal()};
  for (auto& p : y) p = {1.0 + rng.normal(), 0.5 * rng.normal()};
  const Measure a = Measure::uniform(x), b = Measure::uniform(y);
  SinkhornOptions o;
  o.epsilon = 0.05;
  o.tolerance = 1e-10;
  const SinkhornResult cold = sinkhornCpu(a, b, CostKind::SqEuclidean, o);
  SinkhornOptions coarse = o;
  coarse.tolerance = 1e-3;
  const SinkhornResult start = sinkhornCpu(a, b, CostKind::SqEuclidean, coarse);
  const SinkhornResult warm = sinkhornCpu(a, b, CostKind::SqEuclidean, o, &start);
  ASSERT_EQ(warm.status, SolveStatus::Converged) << warm.message;
  EXPECT_NEAR(warm.cost, cold.cost, 1e-9);
  EXPECT_GT(warm.iterations, start.iterations);
  EXPECT_LE(warm.iterations, cold.iterations + o.checkEvery);
}

// The fast CPU path (float32 stored kernel) against the double solvers.
namespace {

Measure weightedCloud(size_t n, uint64_t seed, glm::dvec2 shift) {
  Pcg32 rng(seed);
  std::vector<glm::dvec2> x(n);
  std::vector<double> w(n);
  for (size_t i = 0; i < n; ++i)
    x[i] = shift + glm::dvec2(rng.normal(), 0.6 * rng.normal()), w[i] = 0.1 + rng.uniform();
  return Measure::weighted(x, w, "cloud");
}

}  // namespace

TEST(FastSinkhorn, MatchesPotsDocumentedExample) {
  Measure a = Measure::uniform({{0.0, 0.0}, {1.0, 0.0}}), b = a;
  SinkhornOptions o;
  o.epsilon = 1.0;
  o.tolerance = 1e-6;
  const SinkhornResult r = FastSinkhorn(a, b, CostKind::SqEuclidean).solve(o);
  ASSERT_EQ(r.status, SolveStatus::Converged) << r.message;
  EXPECT_NEAR(r.cost, 0.26894142136999516, 1e-6);
  EXPECT_NEAR(planEntry(a, b, CostKind::SqEuclidean, r, 1.0, 0, 0), 0.36552929, 1e-6);
}

// Weighted clouds of unequal sizes, both costs, with and without annealing (eps = 0.02 is below
// max C / 64 here, so annealing runs its stages, by squaring the kernel): the same cost and
// potentials as the double stored kernel, and the reported error is a double recount's. Cold at
// eps = 0.02, rows of outlying points have every entry below float's range: annealing's case.
TEST(FastSinkhorn, AgreesWithTheDoubleSolverOnWeightedClouds) {
  const Measure a = weightedCloud(333, 5, {0.0, 0.0}), b = weightedCloud(190, 6, {1.0, 0.5});
  for (auto cost : {CostKind::SqEuclidean, CostKind::Euclidean})
    for (bool annealing : {true, false})
      for (double eps : {0.2, 0.02}) {
        if (!annealing && eps < 0.1) continue;  // cold, outlying rows underflow float (below)
        SinkhornOptions o;
        o.epsilon = eps, o.tolerance = 1e-5, o.annealing = annealing;
        const std::string what = costName(cost) + (annealing ? " annealed" : " cold") +
                                 " eps " + std::to_string(eps);
        const SinkhornResult fast = FastSinkhorn(a, b, cost).solve(o),
                             ref = DenseSinkhorn(a, b, cost).solve(o, false);
        ASSERT_EQ(fast.status, SolveStatus::Converged) << fast.message << what;
        ASSERT_EQ(ref.status, SolveStatus::Converged) << ref.message << what;
        EXPECT_NEAR(fast.cost, ref.cost, 1e-4 * ref.cost) << what;
        for (size_t i = 0; i < a.points.size(); i += 37)
          for (size_t j = 0; j < b.points.size(); j += 29)
            EXPECT_NEAR(fast.f[i] + fast.g[j], ref.f[i] + ref.g[j], 2e-3 * (1.0 + eps)) << what;
        const auto [err, c] = sinkhornErrorAndCost(a, b, cost, fast.f, fast.g, eps);
        EXPECT_LT(err, 2e-5) << what;
        EXPECT_NEAR(c, fast.cost, 1e-4 * c) << what;
      }
}

// Clouds 30 apart at eps = 0.05: a cold float kernel would be all zeros (exp(-900 / 0.05)); eps is
// far below max C / 64, so the solve anneals from max C and converges to the double solver's cost.
TEST(FastSinkhorn, FarCloudsAnnealInsteadOfUnderflowing) {
  const Measure a = weightedCloud(80, 7, {0.0, 0.0}), b = weightedCloud(90, 8, {30.0, 0.0});
  SinkhornOptions o;
  o.epsilon = 0.05;
  o.tolerance = 1e-5;
  const SinkhornResult fast = FastSinkhorn(a, b, CostKind::SqEuclidean).solve(o),
                       ref = DenseSinkhorn(a, b, CostKind::SqEuclidean).solve(o, false);
  ASSERT_EQ(fast.status, SolveStatus::Converged) << fast.message;
  EXPECT_NEAR(fast.cost, ref.cost, 1e-5 * ref.cost);
  o.annealing = false;  // without it the float kernel has nothing left: a numerical failure
  EXPECT_EQ(FastSinkhorn(a, b, CostKind::SqEuclidean).solve(o).status,
            SolveStatus::NumericalFailure);
}

// An iteration limit too small says so instead of claiming convergence; sizes beyond the kernel's
// limit and empty measures are input errors.
TEST(FastSinkhorn, ReportsWhatItCouldNotDo) {
  const Measure a = weightedCloud(50, 9, {0.0, 0.0}), b = weightedCloud(60, 10, {2.0, 0.0});
  SinkhornOptions o;
  o.epsilon = 0.01, o.tolerance = 1e-6, o.maxIterations = 3;
  const SinkhornResult r = FastSinkhorn(a, b, CostKind::SqEuclidean).solve(o);
  EXPECT_EQ(r.status, SolveStatus::NotConverged);
  EXPECT_NE(r.message.find("iteration limit"), std::string::npos) << r.message;
  EXPECT_THROW(FastSinkhorn(Measure{}, b, CostKind::SqEuclidean), InputError);
}

// Over-relaxation (omega from the measured rate): at a small eps, fewer than half the passes of
// the plain double solver, to the same plan (its cost and potentials) within the tolerance.
TEST(FastSinkhorn, OverRelaxationReachesTheSameFixedPointInFewerPasses) {
  Pcg32 rng(31);
  std::vector<glm::dvec2> x(300), y(300);
  for (auto& p : x) p = {rng.uniform(), rng.uniform()};
  for (auto& p : y) p = {rng.uniform(), rng.uniform()};
  const Measure a = Measure::uniform(x), b = Measure::uniform(y);
  SinkhornOptions o;
  o.epsilon = 0.0005;
  o.tolerance = 1e-4;
  const SinkhornResult fast = FastSinkhorn(a, b, CostKind::SqEuclidean).solve(o),
                       ref = DenseSinkhorn(a, b, CostKind::SqEuclidean).solve(o, false);
  ASSERT_EQ(fast.status, SolveStatus::Converged) << fast.message;
  ASSERT_EQ(ref.status, SolveStatus::Converged) << ref.message;
  EXPECT_LT(2 * fast.iterations, ref.iterations) << fast.iterations << " vs " << ref.iterations;
  EXPECT_NEAR(fast.cost, ref.cost, 2e-3 * ref.cost);
  for (size_t i = 0; i < x.size(); i += 23)
    for (size_t j = 0; j < y.size(); j += 19)
      EXPECT_NEAR(fast.f[i] + fast.g[j], ref.f[i] + ref.g[j], 1e-4);
  const auto [err, c] = sinkhornErrorAndCost(a, b, CostKind::SqEuclidean, fast.f, fast.g, 0.0005);
  EXPECT_LT(err, 2e-4);
}
