// GPU Sinkhorn against its CPU twin, validation-clean.
#include <gtest/gtest.h>

#include "GpuFixture.h"
#include "Rng.h"
#include "DenseSinkhorn.h"
#include "FastSinkhorn.h"
#include "SinkhornKernel.h"

using namespace flowscope;
using flowscope::testing::GpuTest;

class GpuSinkhornTest : public GpuTest {};

TEST_F(GpuSinkhornTest, PotsExampleOnTheGpu) {
  Measure a = Measure::uniform({{0.0, 0.0}, {1.0, 0.0}}), b = a;
  SinkhornOptions o;
  o.epsilon = 1.0;
  o.tolerance = 1e-6;
  SinkhornResult r = GpuSinkhorn(*gpu, a, b, CostKind::SqEuclidean).solve(o);
  ASSERT_EQ(r.status, SolveStatus::Converged) << r.message;
  EXPECT_NEAR(r.cost, 0.26894142136999516, 1e-6);
  EXPECT_NEAR(planEntry(a, b, CostKind::SqEuclidean, r, 1.0, 0, 0), 0.36552929, 1e-6);
}

TEST_F(GpuSinkhornTest, MatchesTheCpuTwinOnWeightedCloudsOfUnequalSizes) {
  Pcg32 rng(8);
  std::vector<glm::dvec2> x(333), y(190);
  std::vector<double> wx(x.size()), wy(y.size());
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = {rng.normal(), 0.5 * rng.normal()}, wx[i] = 0.1 + rng.uniform();
  for (size_t j = 0; j < y.size(); ++j)
    y[j] = {1.0 + 0.3 * rng.normal(), rng.normal()}, wy[j] = 0.1 + rng.uniform();
  Measure a = Measure::weighted(x, wx, "x"), b = Measure::weighted(y, wy, "y");
  for (auto cost : {CostKind::SqEuclidean, CostKind::Euclidean}) {
    SinkhornOptions o;
    o.epsilon = 0.05;
    o.tolerance = 1e-4;
    SinkhornResult cpu = sinkhornCpu(a, b, cost, o), onGpu = GpuSinkhorn(*gpu, a, b, cost).solve(o);
    ASSERT_EQ(cpu.status, SolveStatus::Converged) << cpu.message;
    ASSERT_EQ(onGpu.status, SolveStatus::Converged) << onGpu.message;
    EXPECT_LT(onGpu.marginalError, 1e-4);
    EXPECT_NEAR(onGpu.cost, cpu.cost, 1e-3 * cpu.cost) << costName(cost);
    // The potentials are defined up to a constant shared by f and -g; compare f_i + g_j.
    for (size_t i = 0; i < x.size(); i += 37)
      for (size_t j = 0; j < y.size(); j += 29)
        EXPECT_NEAR(onGpu.f[i] + onGpu.g[j], cpu.f[i] + cpu.g[j], 5e-3) << costName(cost);
    // The GPU's own error report agrees with a double-precision recount of its potentials.
    auto [err, c] = sinkhornErrorAndCost(a, b, cost, onGpu.f, onGpu.g, o.epsilon);
    EXPECT_LT(err, 2e-4);
    EXPECT_NEAR(c, onGpu.cost, 1e-4 * c);
  }
}

// The three paths on the same seeded clouds: Vulkan (float32 log-domain), the fast CPU path
// (float32 stored kernel) and the double reference, to the same tolerance.
TEST_F(GpuSinkhornTest, GpuFastCpuAndReferenceAgree) {
  Pcg32 rng(12);
  std::vector<glm::dvec2> x(400), y(350);
  for (auto& p : x) p = {rng.uniform(), rng.uniform()};
  for (auto& p : y) p = {rng.uniform(), rng.uniform()};
  const Measure a = Measure::uniform(x), b = Measure::uniform(y);
  SinkhornOptions o;
  o.epsilon = 0.01;
  o.tolerance = 1e-4;
  const SinkhornResult ref = DenseSinkhorn(a, b, CostKind::SqEuclidean).solve(o, false),
                       fast = FastSinkhorn(a, b, CostKind::SqEuclidean).solve(o),
                       onGpu = GpuSinkhorn(*gpu, a, b, CostKind::SqEuclidean).solve(o);
  for (const SinkhornResult* r : {&ref, &fast, &onGpu}) {
    ASSERT_EQ(r->status, SolveStatus::Converged) << r->message;
    EXPECT_LT(r->marginalError, 1e-4);
    EXPECT_NEAR(r->cost, ref.cost, 2e-3 * ref.cost);
  }
  EXPECT_NEAR(fast.cost, onGpu.cost, 2e-3 * ref.cost);
  for (size_t i = 0; i < x.size(); i += 41)
    for (size_t j = 0; j < y.size(); j += 31) {
      EXPECT_NEAR(fast.f[i] + fast.g[j], ref.f[i] + ref.g[j], 2e-3);
      EXPECT_NEAR(onGpu.f[i] + onGpu.g[j], ref.f[i] + ref.g[j], 5e-3);
    }
}

TEST_F(GpuSinkhornTest, Float32StallsAboveItsFloorAndTheCpuFinishesFromThere) {
  // 300 points at eps 0.1 to 1e-7: float32 cannot get there. The GPU solve stops, flagged
  // stalled, within a few thousand iterations; the CPU warm-started from its potentials converges
  // to the cold CPU solve's cost.
  Pcg32 rng(9);
  std::vector<glm::dvec2> x(300), y(300);
  for (auto& p : x) p = {rng.normal(), rng.normal()};
  for (auto& p : y) p = {2.0 + rng.normal(), rng.normal()};
  const Measure a = Measure::uniform(x), b = Measure::uniform(y);
  SinkhornOptions o;
  o.epsilon = 0.1;
  o.tolerance = 1e-7;
  o.maxIterations = 1000000;
  const SinkhornResult onGpu = GpuSinkhorn(*gpu, a, b, CostKind::SqEuclidean).solve(o);
  ASSERT_EQ(onGpu.status, SolveStatus::NotConverged);
  EXPECT_TRUE(onGpu.stalled);
  EXPECT_LT(onGpu.iterations, 20000);
  EXPECT_GT(onGpu.marginalError, o.tolerance);
  EXPECT_NE(onGpu.message.find("the CPU backend (double) goes further"), std::string::npos);
  const SinkhornResult finished = sinkhornCpu(a, b, CostKind::SqEuclidean, o, &onGpu);
  const SinkhornResult cold = sinkhornCpu(a, b, CostKind::SqEuclidean, o);
  ASSERT_EQ(finished.status, SolveStatus::Converged) << finished.message;
  EXPECT_LT(finished.marginalError, o.tolerance);
  // Two plans within the tolerance of the same marginals differ in <P, C> by at most about
  // tol * max C.
  EXPECT_NEAR(finished.cost, cold.cost, 2.0 * o.tolerance * costBound(a, b, CostKind::SqEuclidean));
}
