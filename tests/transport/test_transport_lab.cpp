// The Transport lab's compute side: the stored-kernel Sinkhorn against the log-domain reference,
// warm restarts after a drag, the primal-dual gap, potentials' extension, exact duals, couplings.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

#include "BackgroundJob.h"
#include "DenseSinkhorn.h"
#include "DiffusionScene.h"
#include "ExactTransport.h"
#include "InputError.h"
#include "Rng.h"
#include "TransportLab.h"
#include "TransportScene.h"

using namespace flowscope;

namespace {

Measure randomMeasure(size_t n, uint64_t seed, glm::dvec2 shift, bool weighted) {
  Pcg32 rng(seed);
  std::vector<glm::dvec2> p(n);
  std::vector<double> w(n);
  for (size_t k = 0; k < n; ++k) {
    p[k] = glm::dvec2(rng.normal(), rng.normal()) * 0.7 + shift;
    w[k] = weighted ? 0.2 + rng.uniform() : 1.0;
  }
  return Measure::weighted(p, w, "test");
}

}  // namespace

TEST(DenseSinkhorn, MatchesPotsDocumentedExample) {
  Measure a = Measure::uniform({{0.0, 0.0}, {1.0, 0.0}}), b = a;
  DenseSinkhorn s(a, b, CostKind::SqEuclidean);
  SinkhornOptions o;
  o.epsilon = 1.0;
  o.tolerance = 1e-13;
  SinkhornResult r = s.solve(o, false);
  ASSERT_EQ(r.status, SolveStatus::Converged) << r.message;
  const auto p = s.plan();
  EXPECT_NEAR(p[0], 0.36552929, 1e-8);
  EXPECT_NEAR(p[1], 0.13447071, 1e-8);
  EXPECT_NEAR(p[2], 0.13447071, 1e-8);
  EXPECT_NEAR(p[3], 0.36552929, 1e-8);
  EXPECT_NEAR(r.cost, 0.26894142136999516, 1e-12);
}

TEST(DenseSinkhorn, AgreesWithTheLogDomainReference) {
  // Unequal sizes and weights; small eps forces absorptions (scalings leave [1e-100, 1e100]).
  for (CostKind cost : {CostKind::SqEuclidean, CostKind::Euclidean})
    for (double eps : {0.5, 0.05, 0.005}) {
      Measure a = randomMeasure(70, 1, {0.0, 0.0}, true);
      Measure b = randomMeasure(55, 2, {1.0, 0.5}, true);
      SinkhornOptions o;
      o.epsilon = eps;
      o.tolerance = 1e-9;
      o.maxIterations = 200000;
      SinkhornResult ref = sinkhornCpu(a, b, cost, o);
      DenseSinkhorn s(a, b, cost);
      SinkhornResult r = s.solve(o, false);
      ASSERT_EQ(r.status, SolveStatus::Converged) << r.message;
      ASSERT_EQ(ref.status, SolveStatus::Converged) << ref.message;
      EXPECT_LT(r.marginalError, 1e-9);
      EXPECT_NEAR(r.cost, ref.cost, 1e-7 * (1.0 + ref.cost)) << "eps " << eps;
      // Potentials are defined up to (f + c, g - c): compare f_i + g_j.
      for (size_t i = 0; i < 70; i += 7)
        for (size_t j = 0; j < 55; j += 5)
          EXPECT_NEAR(r.f[i] + r.g[j], ref.f[i] + ref.g[j], 1e-6 + 1e-4 * eps);
    }
}

TEST(DenseSinkhorn, WarmRestartAfterAMoveMatchesAColdSolve) {
  Measure a = randomMeasure(120, 3, {0.0, 0.0}, false);
  Measure b = randomMeasure(100, 4, {2.0, 0.0}, false);
  SinkhornOptions o;
  o.epsilon = 0.05;
  o.tolerance = 1e-8;
  DenseSinkhorn warm(a, b, CostKind::SqEuclidean);
  SinkhornResult first = warm.solve(o, false);
  ASSERT_EQ(first.status, SolveStatus::Converged);
  warm.movePoint(false, 7, {0.4, -0.3});
  warm.movePoint(true, 11, {2.5, 1.0});
  SinkhornResult w = warm.solve(o, true);
  a.points[7] = {0.4, -0.3};
  b.points[11] = {2.5, 1.0};
  DenseSinkhorn cold(a, b, CostKind::SqEuclidean);
  SinkhornResult c = cold.solve(o, false);
  ASSERT_EQ(w.status, SolveStatus::Converged) << w.message;
  EXPECT_NEAR(w.cost, c.cost, 1e-7);
  EXPECT_LT(w.iterations, c.iterations);  // the point of warm starts
}

TEST(DenseSinkhorn, GapIsNonNegativeAndVanishesAndErrorsDecrease) {
  Measure a = randomMeasure(40, 5, {0.0, 0.0}, true);
  Measure b = randomMeasure(50, 6, {1.0, 0.0}, false);
  DenseSinkhorn s(a, b, CostKind::SqEuclidean);
  SinkhornOptions o;
  o.epsilon = 0.1;
  o.tolerance = 1e-10;
  o.annealing = false;
  std::vector<SinkhornRecord> history;
  SinkhornResult r = s.solve(o, false, &history);
  ASSERT_EQ(r.status, SolveStatus::Converged);
  ASSERT_EQ(int(history.size()), r.iterations);
  for (const auto& h : history) EXPECT_GE(h.gap, -1e-12);
  EXPECT_GT(history.front().gap, 1e-4);
  EXPECT_LT(history.back().gap, 1e-8);
  EXPECT_LT(history.back().marginalError, history.front().marginalError);
  // The gap at the solution, independently: <P,C> + eps KL(P|ab) minus the dual at exact marginals.
  EXPECT_NEAR(history.back().cost, r.cost, 1e-9);
}

TEST(ExactTransport, DualPotentialsAreFeasibleAndTight) {
  Measure a = randomMeasure(60, 7, {0.0, 0.0}, true);
  Measure b = randomMeasure(45, 8, {1.0, 1.0}, true);
  ExactResult r = exactTransport(a, b, CostKind::SqEuclidean);
  ASSERT_EQ(r.status, SolveStatus::Converged);
  double dual = 0.0;
  for (size_t i = 0; i < 60; ++i) dual += a.weights[i] * r.u[i];
  for (size_t j = 0; j < 45; ++j) dual += b.weights[j] * r.v[j];
  EXPECT_NEAR(dual, r.cost, 1e-10);
  for (size_t i = 0; i < 60; ++i)
    for (size_t j = 0; j < 45; ++j)
      EXPECT_LE(r.u[i] + r.v[j], costOf(CostKind::SqEuclidean, a.points[i], b.points[j]) + 1e-9);
}

TEST(TransportLab, PotentialGridIsTheCTransformAndMatchesThePotentialsOnThePoints) {
  for (OtMethod method : {OtMethod::Sinkhorn, OtMethod::Exact}) {
    TransportSettings s;
    s.source.count = 50;
    s.target.name = "moons";
    s.target.count = 40;
    s.method = method;
    s.tolerance = 1e-9;
    s.potential = PotentialShown::Source;
    TransportLab lab(s);
    lab.update();
    ASSERT_EQ(lab.solution().status, SolveStatus::Converged) << lab.solution().message;
    // A 1 x 1-pixel view centred on source point k: its centre node is f(x_k).
    for (size_t k : {0u, 13u, 49u}) {
      View2D v;
      v.center = lab.source().points[k];
      v.height = 1e-9;
      ScalarGrid g = lab.potentialGrid(v, 2, 2, 1);
      ASSERT_EQ(g.nx, 4u);
      // Node (1, 1) sits at pixel (1, 1) = the centre of a 2 x 2 view.
      EXPECT_NEAR(g.values[1 * g.nx + 1], lab.solution().f[k], 1e-4);
    }
  }
}

TEST(TransportLab, InterpolationStartsAtTheSourceAndEndsAtTheTarget) {
  TransportSettings s;
  s.source.count = 30;
  s.target.name = "rings";
  s.target.count = 30;
  s.method = OtMethod::Exact;
  TransportLab lab(s);
  lab.update();
  // Exact OT between uniform clouds of equal size: a permutation, so t = 0 and t = 1 give back
  // the two clouds exactly (as sets).
  auto sorted = [](std::vector<glm::dvec2> v) {
    std::sort(v.begin(), v.end(),
              [](auto p, auto q) { return p.x != q.x ? p.x < q.x : p.y < q.y; });
    return v;
  };
  ASSERT_EQ(lab.drawnEntries().size(), 30u);
  EXPECT_EQ(sorted(lab.interpolated(0.0)), sorted(lab.source().points));
  EXPECT_EQ(sorted(lab.interpolated(1.0)), sorted(lab.target().points));
  // The W2 geodesic has constant speed: W2(mu_0, mu_t) = t W2(mu_0, mu_1).
  Measure mid = Measure::uniform(lab.interpolated(0.3));
  ExactResult part = exactTransport(lab.source(), mid, CostKind::SqEuclidean);
  EXPECT_NEAR(std::sqrt(part.cost), 0.3 * lab.solution().w, 1e-9);
}

TEST(TransportLab, DragReSolvesWarmAndBadInputLeavesTheStateUnchanged) {
  TransportSettings s;
  s.source.count = 80;
  s.target.name = "moons";
  s.target.count = 80;
  s.epsilon = 0.05;
  TransportLab lab(s);
  lab.update();
  const double before = lab.solution().cost;
  auto p = lab.pointAt(lab.source().points[5], 1e-6);
  ASSERT_TRUE(p && !p->target && p->index == 5);
  lab.movePoint(*p, {-10.0, -10.0});  // far from every target point
  lab.update();
  EXPECT_EQ(lab.solution().status, SolveStatus::Converged);
  EXPECT_GT(lab.solution().cost, before);
  // The same problem solved cold.
  DenseSinkhorn cold(lab.source(), lab.target(), CostKind::SqEuclidean);
  SinkhornOptions o;
  o.epsilon = 0.05;
  SinkhornResult c = cold.solve(o, false);
  EXPECT_NEAR(lab.solution().cost, c.cost, 1e-3 * c.cost);
  EXPECT_THROW(lab.setEpsilon(-1.0), InputError);
  EXPECT_THROW(lab.setEpsilon(NAN), InputError);
  EXPECT_THROW(lab.setT(1.5), InputError);
  MeasureSpec bad;
  bad.name = "/nonexistent/points.csv";
  EXPECT_THROW(lab.setSource(bad), InputError);
  EXPECT_EQ(lab.settings().epsilon, 0.05);
  EXPECT_EQ(lab.settings().source.name, "gaussian");
  EXPECT_EQ(lab.source().points.size(), 80u);
}

TEST(Couplings, CrossingsCountedByBruteForceOnHandMadeCases) {
  // Two paths: (0,0)->(1,1) and (0,1)->(1,0) cross; swapping partners removes the crossing.
  std::vector<glm::dvec2> from = {{0, 0}, {0, 1}}, to = {{1, 1}, {1, 0}};
  EXPECT_EQ(countCrossings(from, to, {0, 1}), 1u);
  EXPECT_EQ(countCrossings(from, to, {1, 0}), 0u);
  // n parallel horizontal paths reversed: every pair crosses.
  std::vector<glm::dvec2> f2, t2;
  std::vector<uint32_t> rev;
  for (int k = 0; k < 6; ++k) f2.push_back({0.0, k}), t2.push_back({1.0, k}), rev.push_back(5 - k);
  EXPECT_EQ(countCrossings(f2, t2, rev), 15u);
}

TEST(Couplings, ExactIsTheBestPermutation) {
  Pcg32 rng(11);
  std::vector<glm::dvec2> noise(7), data(7);
  for (auto& p : noise) p = {rng.normal(), rng.normal()};
  for (auto& p : data) p = {2.0 + rng.normal(), rng.normal()};
  Coupling c = makeCoupling(noise, data, CouplingKind::Exact, 0.0, 1);
  std::vector<uint32_t> perm(7);
  std::iota(perm.begin(), perm.end(), 0u);
  double best = INFINITY;
  do {
    double s = 0.0;
    for (size_t k = 0; k < 7; ++k)
      s += glm::dot(data[perm[k]] - noise[k], data[perm[k]] - noise[k]);
    best = std::min(best, s / 7.0);
  } while (std::next_permutation(perm.begin(), perm.end()));
  EXPECT_NEAR(c.meanSquaredLength, best, 1e-12);
  std::vector<uint32_t> sorted = c.partner;
  std::sort(sorted.begin(), sorted.end());
  for (uint32_t k = 0; k < 7; ++k) EXPECT_EQ(sorted[k], k);
}

TEST(Couplings, OrderingOfPathLengthsAndCrossings) {
  std::vector<glm::dvec2> noise = loadMeasure({"gaussian", "", 300}, 1).points;
  std::vector<glm::dvec2> data = loadMeasure({"moons", "", 300}, 2).points;
  Coupling ind = makeCoupling(noise, data, CouplingKind::Independent, 0.0, 1);
  Coupling ot = makeCoupling(noise, data, CouplingKind::Exact, 0.0, 1);
  Coupling sk = makeCoupling(noise, data, CouplingKind::Sinkhorn, 0.05, 1);
  // Independent pairs: E|x - y|^2 = E|x|^2 + E|y|^2 - 2 E x . E y, to sampling error.
  double ex = 0, ey = 0;
  glm::dvec2 mx(0), my(0);
  for (auto& p : noise) ex += glm::dot(p, p), mx += p;
  for (auto& p : data) ey += glm::dot(p, p), my += p;
  const double expected = (ex + ey) / 300.0 - 2.0 * glm::dot(mx / 300.0, my / 300.0);
  EXPECT_NEAR(ind.meanSquaredLength, expected, 0.15 * expected);
  EXPECT_LT(ot.meanSquaredLength, sk.meanSquaredLength);
  EXPECT_LT(sk.meanSquaredLength, ind.meanSquaredLength);
  // Segments of a W2 assignment may still cross as sets (particles never meet at the same time),
  // but far less often than independent pairs.
  EXPECT_LT(ot.crossings, sk.crossings);
  EXPECT_LT(10 * sk.crossings, ind.crossings);
}

// A scene reproduces what was on screen: edited points, weights, settings and camera; loading
// then saving gives the same bytes, and the re-solved plan is the same.
TEST(TransportScene, EditedLabRoundTripsByteForByte) {
  TransportLab lab;
  lab.update();
  lab.movePoint({false, 3}, {-1.25, 0.5});
  lab.addPoint(true, {2.5, -1.0});
  lab.setEpsilon(0.05);
  lab.setT(0.3);
  lab.setPotential(PotentialShown::Target);
  lab.setCouplingCount(100);
  lab.camera().height = 6.5;
  lab.update();
  const std::string text = transportSceneToString(lab.snapshot());
  const TransportScene back = transportSceneFromJson(nlohmann::json::parse(text), "mem");
  TransportLab other;
  other.replaceScene(back);
  EXPECT_EQ(transportSceneToString(other.snapshot()), text);
  EXPECT_EQ(other.source().points[3], glm::dvec2(-1.25, 0.5));
  ASSERT_EQ(other.target().points.size(), lab.target().points.size());
  EXPECT_EQ(other.target().weights, lab.target().weights);
  EXPECT_EQ(other.settings().potential, PotentialShown::Target);
  EXPECT_EQ(other.camera().height, 6.5);
  other.update();
  EXPECT_NEAR(other.solution().w, lab.solution().w, 1e-9);
  EXPECT_EQ(sceneTag(nlohmann::json::parse(text), "mem"), "transport");
}

TEST(TransportScene, ErrorsNameTheFieldAndLeaveTheLabUnchanged) {
  TransportLab lab;
  const std::string text = transportSceneToString(lab.snapshot());
  auto expectError = [&](const std::function<void(nlohmann::json&)>& edit,
                         const std::string& field) {
    nlohmann::json j = nlohmann::json::parse(text);
    edit(j);
    try {
      lab.replaceScene(transportSceneFromJson(j, "t.json"));
      ADD_FAILURE() << field;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("t.json"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
    EXPECT_EQ(transportSceneToString(lab.snapshot()), text);
  };
  expectError([](auto& j) { j["transport"]["epsilon"] = 0.0; }, "transport.epsilon");
  expectError([](auto& j) { j["transport"]["mode"] = "movie"; }, "transport.mode");
  expectError([](auto& j) { j["transport"]["max_iterations"] = 0; }, "transport.max_iterations");
  expectError([](auto& j) { j["transport"]["coupling_count"] = 5000; }, "transport.coupling_count");
  expectError([](auto& j) { j["transport"]["source"]["scale"] = -1.0; }, "transport.source.scale");
  expectError([](auto& j) { j["transport"]["target"]["weights"][3] = -0.5; },
              "transport.target.weights[3]");
  expectError([](auto& j) { j["transport"]["target"]["weights"].erase(0); },
              "transport.target.weights");
  expectError([](auto& j) { j["transport"]["source"]["points"][7] = {1.0}; },
              "transport.source.points[7]");
  expectError([](auto& j) { j["transport"]["shiny"] = true; }, "transport.shiny");
  expectError([](auto& j) { j["camera"]["height"] = 0.0; }, "camera.height");
  expectError([](auto& j) { j["lab"] = "attention"; }, "lab");
  // A Transport scene given to the Diffusion & Flow reader says what it is.
  try {
    diffusionSceneFromJson(nlohmann::json::parse(text), "t.json");
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("Transport lab scene"), std::string::npos) << e.what();
  }
}

// The solver's monitor: it sees every iteration and the eps going down, its fraction ends near
// one when the solve converges, and its stop ends a solve at once, marked cancelled.
TEST(DenseSinkhorn, MonitorFollowsTheSolveAndStopsIt) {
  const Measure a = randomMeasure(60, 3, {-1.0, 0.0}, true),
                b = randomMeasure(70, 4, {1.0, 0.5}, false);
  DenseSinkhorn s(a, b, CostKind::SqEuclidean);
  SinkhornOptions o;
  o.epsilon = 0.02;
  JobMonitor monitor;
  o.monitor = &monitor;
  const SinkhornResult r = s.solve(o, false);
  ASSERT_EQ(r.status, SolveStatus::Converged);
  EXPECT_FALSE(r.cancelled);
  EXPECT_EQ(monitor.iterations.load(), r.iterations - 1);  // reported before each iteration
  EXPECT_DOUBLE_EQ(monitor.epsilon.load(), 0.02);
  EXPECT_GT(monitor.fraction.load(), 0.9);
  EXPECT_LE(monitor.fraction.load(), 1.0);
  monitor.stop = true;
  const SinkhornResult stopped = s.solve(o, false);
  EXPECT_TRUE(stopped.cancelled);
  EXPECT_EQ(stopped.status, SolveStatus::NotConverged);
  EXPECT_EQ(stopped.iterations, 0);
}

namespace {

TransportSettings smallScene(int count, double eps) {
  TransportSettings s;
  s.source.count = count;
  s.target.name = "moons";
  s.target.count = count;
  s.epsilon = eps;
  return s;
}

void expectSameSolution(const TransportLab& x, const TransportLab& y) {
  EXPECT_EQ(x.solution().status, y.solution().status);
  EXPECT_EQ(x.solution().iterations, y.solution().iterations);
  EXPECT_NEAR(x.solution().cost, y.solution().cost, 1e-12 * std::abs(y.solution().cost));
  ASSERT_EQ(x.solution().f.size(), y.solution().f.size());
  for (size_t i = 0; i < x.solution().f.size(); ++i)
    EXPECT_NEAR(x.solution().f[i], y.solution().f[i], 1e-10);
  EXPECT_EQ(x.drawnEntries().size(), y.drawnEntries().size());
}

}  // namespace

// Off the frame: update() returns with the solve in flight (progress says so, the previous
// solution stays), settle() takes the result, equal to the in-place solve's.
TEST(TransportLab, BackgroundSolveMatchesTheInPlaceOne) {
  TransportLab inPlace(smallScene(120, 0.02)), background(smallScene(120, 0.02));
  inPlace.update();
  background.setBackgroundWork(true);
  background.update();
  ASSERT_TRUE(background.progress().has_value());
  EXPECT_NE(background.progress()->what.find("Sinkhorn"), std::string::npos);
  EXPECT_EQ(background.solution().iterations, 0);  // nothing adopted yet
  EXPECT_FALSE(inPlace.progress().has_value());
  background.settle({});
  EXPECT_FALSE(background.progress().has_value());
  expectSameSolution(background, inPlace);
}

// A drag while the solve runs: the point moves at once, the move reaches the solver when the job
// comes back, and the warm re-solve that follows gives what the in-place lab gives.
TEST(TransportLab, PointMovedDuringABackgroundSolveIsSolvedWarmAfterIt) {
  TransportLab inPlace(smallScene(100, 0.03)), background(smallScene(100, 0.03));
  background.setBackgroundWork(true);
  inPlace.update();
  background.update();  // the cold solve in flight
  const TransportLab::PointRef p{true, 7};
  inPlace.movePoint(p, {3.0, -2.0});
  background.movePoint(p, {3.0, -2.0});
  EXPECT_EQ(background.target().points[7], glm::dvec2(3.0, -2.0));
  inPlace.update();
  background.settle({});
  expectSameSolution(background, inPlace);
}

// A new problem (here new source points, a larger eps) while a long solve runs stops it; what
// is adopted is the new problem's solution, never the stopped one's.
TEST(TransportLab, NewProblemStopsTheSolveInFlight) {
  TransportSettings long_ = smallScene(1500, 1e-4);
  long_.tolerance = 1e-9;
  long_.maxIterations = 1000000;
  TransportLab background(long_);
  background.setBackgroundWork(true);
  background.update();
  ASSERT_TRUE(background.progress().has_value());
  MeasureSpec small = long_.source;
  small.count = 50;
  background.setSource(small);
  background.setEpsilon(0.05);
  background.setTolerance(1e-4);
  background.settle({});  // returns soon only if the long solve stopped
  TransportSettings expected = long_;
  expected.source.count = 50;
  expected.epsilon = 0.05;
  expected.tolerance = 1e-4;
  TransportLab inPlace(expected);
  inPlace.update();
  EXPECT_EQ(background.source().points.size(), 50u);
  EXPECT_EQ(background.solution().status, SolveStatus::Converged);
  expectSameSolution(background, inPlace);
}

// The animation of each mode: McCann's t from the source (0) to the target (1) in plan mode; in
// coupling mode the flow paths in the sampling direction, from the noise (t = 1) to the data.
TEST(TransportLab, AnimationRunsMcCannForwardAndTheFlowPathsFromTheNoise) {
  TransportLab lab(smallScene(40, 0.05));
  ASSERT_TRUE(lab.showAnimation(0.25));
  EXPECT_TRUE(lab.settings().showInterpolation);
  EXPECT_DOUBLE_EQ(lab.settings().t, 0.25);
  lab.setMode(TransportMode::Coupling);
  lab.update();
  ASSERT_TRUE(lab.showAnimation(0.0));
  EXPECT_DOUBLE_EQ(lab.settings().t, 1.0);
  lab.showAnimation(0.25);
  EXPECT_DOUBLE_EQ(lab.settings().t, 0.75);
  lab.showAnimation(1.0);
  EXPECT_DOUBLE_EQ(lab.settings().t, 0.0);
}
