// Flow matching with a coupling (CouplingModel): the marginal velocity of smoothed straight paths
// against closed forms, the flow samplers integrating it, the straightness an OT coupling buys,
// and its place in the Diffusion & Flow lab (runs, scenes).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <numbers>

#include "DiffusionLab.h"
#include "DiffusionScene.h"
#include "DiffusionSimulation.h"
#include "FlowCoupling.h"
#include "InputError.h"
#include "Rng.h"
#include "Samplers.h"

using namespace flowscope;

namespace {

std::vector<glm::dvec2> gaussianPoints(size_t n, double spread, uint64_t seed) {
  Pcg32 rng(seed, 5u);
  std::vector<glm::dvec2> p(n);
  for (auto& x : p) x = spread * glm::dvec2(rng.normal(), rng.normal());
  return p;
}

double logNormal(glm::dvec2 x, glm::dvec2 mu, double bw) {
  const glm::dvec2 d = x - mu;
  return -glm::dot(d, d) / (2 * bw * bw) - std::log(2 * std::numbers::pi * bw * bw);
}

FlowCouplingParams couplingOf(FlowCoupling kind, int pairs) {
  FlowCouplingParams p;
  p.kind = kind;
  p.pairs = pairs;
  return p;
}

}  // namespace

TEST(CouplingModel, OnePairMovesRigidlyAlongItsPath) {
  const glm::dvec2 z(1.0, 2.0), y(-1.0, 0.5);
  CouplingModel m(FlowCoupling::Exact, {z}, {y}, 0.3);
  for (glm::dvec2 x : {glm::dvec2(0.0), glm::dvec2(3.0, -2.0), glm::dvec2(-0.4, 0.9)})
    for (double t : {1.0, 0.7, 0.25, 0.0}) {
      const double s = 1.0 - t;
      const auto e = m.evaluate(x, s, t);
      const glm::dvec2 v = m.velocity(x, s, t), mu = s * y + t * z;
      EXPECT_NEAR(v.x, z.x - y.x, 1e-15);
      EXPECT_NEAR(v.y, z.y - y.y, 1e-15);
      // The flow samplers' velocity (x - D) / t is v; D = x - t v.
      EXPECT_NEAR(e.denoised.x, x.x - t * v.x, 1e-14);
      EXPECT_NEAR(e.denoised.y, x.y - t * v.y, 1e-14);
      EXPECT_NEAR(e.logp, logNormal(x, mu, 0.3), 1e-12);
      EXPECT_NEAR(e.score.x, (mu.x - x.x) / 0.09, 1e-12);
      EXPECT_NEAR(e.score.y, (mu.y - x.y) / 0.09, 1e-12);
    }
}

TEST(CouplingModel, VelocityIsTheSoftmaxWeightedMeanOfDisplacements) {
  const auto z = gaussianPoints(40, 1.0, 1), y = gaussianPoints(40, 0.7, 2);
  const double bw = 0.4;
  CouplingModel m(FlowCoupling::Independent, z, y, bw);
  for (glm::dvec2 x : gaussianPoints(10, 1.0, 3))
    for (double t : {0.9, 0.5, 0.1}) {
      // Direct sums in long double, without the online rescaling.
      long double total = 0.0L, vx = 0.0L, vy = 0.0L;
      for (size_t k = 0; k < z.size(); ++k) {
        const glm::dvec2 mu = (1 - t) * y[k] + t * z[k];
        const long double w = std::exp((long double)(logNormal(x, mu, bw)));
        total += w;
        vx += w * (z[k].x - y[k].x);
        vy += w * (z[k].y - y[k].y);
      }
      const glm::dvec2 v = m.velocity(x, 1 - t, t);
      EXPECT_NEAR(v.x, double(vx / total), 1e-12);
      EXPECT_NEAR(v.y, double(vy / total), 1e-12);
      EXPECT_NEAR(m.evaluate(x, 1 - t, t).logp, double(std::log(total / z.size())), 1e-10);
    }
}

TEST(CouplingModel, ScoreIsTheGradientOfTheLogDensity) {
  CouplingModel m(FlowCoupling::Exact, gaussianPoints(60, 1.0, 4), gaussianPoints(60, 1.5, 5),
                  0.25);
  const double h = 1e-6;
  for (glm::dvec2 x : gaussianPoints(8, 1.0, 6)) {
    const auto e = m.evaluate(x, 0.6, 0.4);
    const double gx = (m.evaluate(x + glm::dvec2(h, 0), 0.6, 0.4).logp -
                       m.evaluate(x - glm::dvec2(h, 0), 0.6, 0.4).logp) /
                      (2 * h);
    const double gy = (m.evaluate(x + glm::dvec2(0, h), 0.6, 0.4).logp -
                       m.evaluate(x - glm::dvec2(0, h), 0.6, 0.4).logp) /
                      (2 * h);
    EXPECT_NEAR(e.score.x, gx, 1e-5 * std::max(1.0, std::abs(gx)));
    EXPECT_NEAR(e.score.y, gy, 1e-5 * std::max(1.0, std::abs(gy)));
  }
}

TEST(CouplingModel, BadInputIsRefused) {
  EXPECT_THROW(CouplingModel(FlowCoupling::Exact, {{0, 0}}, {}, 0.1), InputError);
  EXPECT_THROW(CouplingModel(FlowCoupling::Exact, {{0, 0}}, {{1, 1}}, 0.0), InputError);
  FlowCouplingParams p = couplingOf(FlowCoupling::Exact, 8);
  EXPECT_THROW(validate(p), InputError);
  p.pairs = 100;
  p.bandwidth = -1.0;
  EXPECT_THROW(validate(p), InputError);
  p.bandwidth = 0.1;
  p.epsilon = NAN;
  EXPECT_THROW(validate(p), InputError);
  EXPECT_THROW(parseFlowCoupling("optimal"), InputError);
  EXPECT_EQ(parseFlowCoupling("sinkhorn"), FlowCoupling::Sinkhorn);
}

// One flow-euler step from t = 1 to 0 is x - v(x, 1): the sampler integrates the coupling's
// velocity (through D), not the independent coupling's.
TEST(CouplingModel, FlowEulerStepsAlongTheCouplingVelocity) {
  auto data = resolve(DataSource::ofPreset("moons"));
  auto coupled = withFlowCoupling(data, couplingOf(FlowCoupling::Exact, 200), 9);
  ASSERT_TRUE(coupled->coupling.has_value());
  SamplerParams sp;
  sp.kind = SamplerKind::FlowEuler;
  const auto levels = buildSchedule(defaultSchedule(ScheduleKind::Flow, 1));
  const StepContext ctx = makeStepContext(sp, levels, 0, 1u);
  std::vector<ParticleState> src(50), dst(50);
  const auto x = gaussianPoints(50, 1.0, 10);
  for (size_t i = 0; i < 50; ++i) src[i] = ParticleState(float(x[i].x), float(x[i].y), 0, 0);
  samplerStepCpu(coupled->model(), ctx, src, dst);
  for (size_t i = 0; i < 50; ++i) {
    const glm::dvec2 xi(src[i].x, src[i].y);
    const glm::dvec2 expect = xi - coupled->coupling->velocity(xi, 0.0, 1.0);
    EXPECT_NEAR(dst[i].x, expect.x, 1e-5);
    EXPECT_NEAR(dst[i].y, expect.y, 1e-5);
  }
}

// The coupling's noise points are the run's first start points, so with the exact coupling those
// particles ride their own straight paths to their partners; the independent coupling's paths
// cross and average out.
TEST(CouplingModel, OtCoupledParticlesStartOnTheirPathsAndLandOnTheirPartners) {
  auto data = resolve(DataSource::ofPreset("moons"));
  const uint64_t seed = 21;
  SamplingConfig c;
  c.sampler.kind = SamplerKind::FlowEuler;
  c.schedule = defaultSchedule(ScheduleKind::Flow, 16);
  c.particleCount = 1000;
  c.seed = seed;
  double landed[2];
  for (int which = 0; which < 2; ++which) {
    auto coupled = withFlowCoupling(
        data, couplingOf(which == 0 ? FlowCoupling::Exact : FlowCoupling::Independent, 300), seed);
    const CouplingModel& m = *coupled->coupling;
    DiffusionSimulation sim(coupled, c, nullptr);
    const auto start = sim.positions(0);
    for (size_t k = 0; k < 300; ++k) {
      ASSERT_EQ(start[k].x, float(m.noise()[k].x));
      ASSERT_EQ(start[k].y, float(m.noise()[k].y));
    }
    sim.seek(16);
    const auto end = sim.positions(16);
    double sum = 0.0;
    for (size_t k = 0; k < 300; ++k) {
      const glm::dvec2 d = glm::dvec2(end[k]) - m.data()[k];
      sum += glm::dot(d, d);
    }
    landed[which] = sum / 300.0;
  }
  EXPECT_LT(landed[0], 0.01) << "exact";  // within ~bw of the partner
  EXPECT_GT(landed[1], 20.0 * landed[0]) << "independent";
}

TEST(CouplingModel, CouplingsOrderedByCrossingsAndLength) {
  auto data = resolve(DataSource::ofPreset("moons"));
  auto exact = withFlowCoupling(data, couplingOf(FlowCoupling::Exact, 400), 3);
  auto sinkhorn = withFlowCoupling(data, couplingOf(FlowCoupling::Sinkhorn, 400), 3);
  auto independent = withFlowCoupling(data, couplingOf(FlowCoupling::Independent, 400), 3);
  EXPECT_LE(exact->coupling->meanSquaredLength, sinkhorn->coupling->meanSquaredLength);
  EXPECT_LT(sinkhorn->coupling->meanSquaredLength, independent->coupling->meanSquaredLength);
  EXPECT_LT(exact->coupling->crossings, independent->coupling->crossings);
  // "none" leaves the data (and its exact model) as it is.
  EXPECT_EQ(withFlowCoupling(data, FlowCouplingParams{}, 3), data);
}

TEST(DiffusionLab, FlowSamplersRunOnTheChosenCouplingOthersOnTheData) {
  DiffusionLab lab(defaultDiffusionScene());
  lab.params().setFlowCoupling(couplingOf(FlowCoupling::Exact, 128));
  EXPECT_EQ(lab.runData(SamplerKind::Heun), lab.datasetPtr());
  auto a = lab.runData(SamplerKind::FlowEuler);
  ASSERT_TRUE(a->coupling.has_value());
  EXPECT_EQ(a->coupling->noise().size(), 128u);
  EXPECT_EQ(lab.runData(SamplerKind::FlowHeun), a) << "built once per data, coupling and seed";
  lab.params().setSeed(2);
  EXPECT_NE(lab.runData(SamplerKind::FlowHeun), a);
  lab.params().chooseSampler(SamplerKind::FlowMidpoint);
  EXPECT_TRUE(lab.simulation(nullptr).data().coupling.has_value());
  const FlowCouplingParams before = lab.params().flowCoupling();
  FlowCouplingParams bad = before;
  bad.bandwidth = 0.0;
  EXPECT_THROW(lab.params().setFlowCoupling(bad), InputError);
  EXPECT_EQ(lab.params().flowCoupling(), before);
}

TEST(DiffusionScene, FlowCouplingRoundTripsAndErrorsNameTheField) {
  DiffusionScene s = defaultDiffusionScene();
  s.params.chooseSampler(SamplerKind::FlowHeun);
  FlowCouplingParams c = couplingOf(FlowCoupling::Sinkhorn, 300);
  c.epsilon = 0.02;
  c.bandwidth = 0.2;
  s.params.setFlowCoupling(c);
  const std::string text = diffusionSceneToString(s);
  const DiffusionScene back = diffusionSceneFromJson(nlohmann::json::parse(text), "mem");
  EXPECT_EQ(back.params.flowCoupling(), c);
  EXPECT_EQ(diffusionSceneToString(back), text);
  auto expectError = [&](const char* key, const nlohmann::json& value, const std::string& field) {
    nlohmann::json j = nlohmann::json::parse(text);
    j["sampling"]["coupling"][key] = value;
    try {
      diffusionSceneFromJson(j, "s.json");
      ADD_FAILURE() << key;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("s.json"), std::string::npos) << e.what();
    }
  };
  expectError("pairs", 3, "sampling.coupling.pairs");
  expectError("bandwidth", -1.0, "sampling.coupling.bandwidth");
  expectError("epsilon", "big", "sampling.coupling.epsilon");
  expectError("kind", "optimal", "sampling.coupling.kind");
  expectError("colour", 1, "sampling.coupling.colour");
  // Scenes written before couplings existed still load, with none.
  nlohmann::json old = nlohmann::json::parse(text);
  old["sampling"].erase("coupling");
  EXPECT_EQ(diffusionSceneFromJson(old, "old.json").params.flowCoupling(), FlowCouplingParams{});
}
