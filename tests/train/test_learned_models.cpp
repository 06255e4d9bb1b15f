// Learned models: how a trained network is asked for the denoiser (Objective::query / denoised)
// against each objective's own training convention, the float32 forward against the double
// reference, minibatch couplings and reflow pairs against brute force and closed forms, and a
// trained network's samples against the data.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "DiffusionSimulation.h"
#include "GaussianMixture.h"
#include "InputError.h"
#include "LearnedModel.h"
#include "Metrics.h"
#include "ReferenceMlp.h"
#include "Rng.h"
#include "Trainer.h"

using namespace flowscope;

namespace {

const ObjectiveKind kObjectives[] = {ObjectiveKind::Edm, ObjectiveKind::DdpmEpsilon,
                                     ObjectiveKind::DdpmV, ObjectiveKind::Flow};

Objective objectiveOf(ObjectiveKind k) {
  ObjectiveSpec s;
  s.kind = k;
  return Objective(s);
}

MlpWeights randomWeights(ObjectiveKind k, Activation a, bool residual, EmbeddingKind e,
                         int width = 32, int depth = 3) {
  MlpWeights w;
  w.spec.width = width;
  w.spec.depth = depth;
  w.spec.activation = a;
  w.spec.residual = residual;
  w.spec.embedding.kind = e;
  w.spec.embedding.width = e == EmbeddingKind::None ? 0 : 16;
  w.spec.embedding.scale = 2.0;
  w.spec.seed = 5;
  w.parameters = initialParameters(w.spec);
  for (double& p : w.parameters) p *= 1.5;  // larger than at initialisation: non-trivial outputs
  ObjectiveSpec o;
  o.kind = k;
  w.objective = o;
  return w;
}

}  // namespace

// At a training sample's own noisy point, the query gives the network exactly the input and
// level it was trained with (for DDPM at an integer step), and D from the training target F*
// is the clean sample: the conversions invert each objective's convention.
TEST(LearnedObjective, QueryAndDenoisedInvertEachObjectivesTrainingSample) {
  const std::vector<glm::dvec2> x0{{1.5, -0.5}, {-1.0, 2.0}, {0.0, 0.25}, {3.0, 1.0}};
  for (ObjectiveKind k : kObjectives) {
    const Objective o = objectiveOf(k);
    Pcg32 rng(21);
    const RegressionBatch b = o.batch(x0, rng);
    for (size_t r = 0; r < x0.size(); ++r) {
      const glm::dvec2 noisy(b.noisy[2 * r], b.noisy[2 * r + 1]);
      const Objective::Query q = o.query(noisy, b.s[r], b.tau[r]);
      EXPECT_NEAR(q.input.x, b.input[2 * r], 1e-9) << objectiveName(k) << " sample " << r;
      EXPECT_NEAR(q.input.y, b.input[2 * r + 1], 1e-9) << objectiveName(k);
      EXPECT_NEAR(q.level, b.level[r], 1e-9) << objectiveName(k);
      const glm::dvec2 f(b.target[2 * r], b.target[2 * r + 1]);
      const glm::dvec2 d = o.denoised(noisy, b.s[r], b.tau[r], f);
      EXPECT_NEAR(d.x, x0[r].x, 1e-9) << objectiveName(k);
      EXPECT_NEAR(d.y, x0[r].y, 1e-9) << objectiveName(k);
    }
  }
}

// Asked at the same sigma on any process (x, s, tau scaled together: VP, VE, flow points of one
// noise level), the network sees the same input and level, so every sampler can use it.
TEST(LearnedObjective, TheQueryDependsOnlyOnTheNoiseLevelNotTheProcess) {
  for (ObjectiveKind k : kObjectives) {
    const Objective o = objectiveOf(k);
    const glm::dvec2 x(0.7, -1.3);
    const Objective::Query a = o.query(x, 0.8, 0.6), b = o.query(2.5 * x, 2.0, 1.5);
    EXPECT_NEAR(a.input.x, b.input.x, 1e-12) << objectiveName(k);
    EXPECT_NEAR(a.input.y, b.input.y, 1e-12) << objectiveName(k);
    EXPECT_NEAR(a.level, b.level, 1e-12) << objectiveName(k);
    const glm::dvec2 f(0.3, 0.9);
    const glm::dvec2 da = o.denoised(x, 0.8, 0.6, f), db = o.denoised(2.5 * x, 2.0, 1.5, f);
    EXPECT_NEAR(da.x, db.x, 1e-12) << objectiveName(k);
    EXPECT_NEAR(da.y, db.y, 1e-12) << objectiveName(k);
  }
}

TEST(LearnedObjective, DdpmStepInterpolatesTheAlphaBarTable) {
  const Objective o = objectiveOf(ObjectiveKind::DdpmEpsilon);
  const auto& a = o.alphaBar();
  EXPECT_DOUBLE_EQ(o.ddpmStep(a[417]), 417.0);
  EXPECT_NEAR(o.ddpmStep(0.25 * a[10] + 0.75 * a[11]), 10.75, 1e-9);
  EXPECT_EQ(o.ddpmStep(1.0), 0.0);
  EXPECT_EQ(o.ddpmStep(0.0), double(a.size() - 1));
}

// The learned model's float32 forward (Eigen) against the double reference, every activation,
// with and without residual connections and embeddings.
TEST(LearnedModel, NetworkMatchesTheDoubleReference) {
  for (Activation act :
       {Activation::Relu, Activation::Silu, Activation::Gelu, Activation::Tanh, Activation::Elu})
    for (bool residual : {false, true})
      for (EmbeddingKind e :
           {EmbeddingKind::None, EmbeddingKind::Sinusoidal, EmbeddingKind::RandomFourier}) {
        const MlpWeights w = randomWeights(ObjectiveKind::Flow, act, residual, e);
        const LearnedModel model(w);
        ReferenceMlp ref(w.spec);
        Pcg32 rng(9);
        for (int i = 0; i < 20; ++i) {
          const glm::dvec2 x(2.0 * rng.normal(), 2.0 * rng.normal());
          const double c = rng.uniform();
          const std::vector<double> y =
              ref.forward(w.parameters, std::vector<double>{x.x, x.y}, std::vector<double>{c});
          const glm::dvec2 got = model.network(x, c);
          const double scale = 1.0 + std::abs(y[0]) + std::abs(y[1]);
          ASSERT_NEAR(got.x, y[0], 2e-5 * scale) << activationName(act) << " " << residual;
          ASSERT_NEAR(got.y, y[1], 2e-5 * scale) << activationName(act) << " " << residual;
        }
      }
}

TEST(LearnedModel, EvaluateIsTheObjectivesDenoiserWithScoreAndNoDensity) {
  const LearnedModel model(
      randomWeights(ObjectiveKind::Edm, Activation::Silu, false, EmbeddingKind::RandomFourier));
  const glm::dvec2 x(0.4, -0.2);
  const double s = 0.9, tau = 0.5;
  const Objective::Query q = model.objective().query(x, s, tau);
  const glm::dvec2 d = model.objective().denoised(x, s, tau, model.network(q.input, q.level));
  const ExactModel::Evaluation e = model.evaluate(x, s, tau);
  EXPECT_NEAR(e.denoised.x, d.x, 1e-12);
  EXPECT_NEAR(e.score.y, (s * d.y - x.y) / (tau * tau), 1e-9);
  EXPECT_TRUE(std::isnan(e.logp));
  EXPECT_EQ(model.evaluate(x, s, 0.0).denoised, x / s);  // tau = 0: the point itself
}

TEST(LearnedModel, RefusesNetworksThatAreNoModelOf2dData) {
  MlpWeights w = randomWeights(ObjectiveKind::Flow, Activation::Silu, false, EmbeddingKind::None);
  w.objective.reset();
  EXPECT_THROW(LearnedModel(w, "m.safetensors"), InputError);
  try {
    LearnedModel m(w, "m.safetensors");
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("m.safetensors: no metadata flowscope_objective"),
              std::string::npos)
        << e.what();
  }
  MlpWeights wide =
      randomWeights(ObjectiveKind::Flow, Activation::Silu, false, EmbeddingKind::None);
  wide.spec.outputs = 3;
  wide.parameters = initialParameters(wide.spec);
  EXPECT_THROW(LearnedModel(wide, "m.safetensors"), InputError);
}

// Exact minibatch OT is the optimal assignment: on 6 points its cost equals the minimum over
// all 720 permutations; Sinkhorn at a small eps comes close, independent leaves the order.
TEST(MinibatchCoupling, ExactIsTheBestOfAllPermutations) {
  Pcg32 rng(4);
  std::vector<glm::dvec2> x0(6), eps(6);
  for (auto& p : x0) p = glm::dvec2(2.0 * rng.normal() + 1.0, rng.normal());
  for (auto& p : eps) p = glm::dvec2(rng.normal(), rng.normal());
  auto cost = [&](const std::vector<glm::dvec2>& y) {
    double c = 0.0;
    for (size_t k = 0; k < y.size(); ++k) c += glm::dot(y[k] - eps[k], y[k] - eps[k]);
    return c;
  };
  std::vector<size_t> perm(6);
  std::iota(perm.begin(), perm.end(), 0);
  double best = 1e300;
  do {
    std::vector<glm::dvec2> y(6);
    for (size_t k = 0; k < 6; ++k) y[k] = x0[perm[k]];
    best = std::min(best, cost(y));
  } while (std::next_permutation(perm.begin(), perm.end()));
  EXPECT_NEAR(cost(coupledData(x0, eps, MinibatchCoupling::Exact, 0.05, 1)), best, 1e-9);
  EXPECT_EQ(coupledData(x0, eps, MinibatchCoupling::Independent, 0.05, 1), x0);
  const auto sinkhorn = coupledData(x0, eps, MinibatchCoupling::Sinkhorn, 1e-3, 1);
  EXPECT_LT(cost(sinkhorn), 1.05 * best);
}

TEST(MinibatchCoupling, OnlyFlowMatchingPairsNoiseAndData) {
  TrainingSpec s;
  s.objective.kind = ObjectiveKind::Edm;
  s.coupling = MinibatchCoupling::Exact;
  EXPECT_THROW(validate(s), InputError);
  s.objective.kind = ObjectiveKind::Flow;
  EXPECT_NO_THROW(validate(s));
  s.batch = 8192;
  EXPECT_THROW(validate(s), InputError);
}

// Reflow on a deterministic coupling y = z + a: every path is straight with velocity eps - x0 =
// -a, so the irreducible loss is 0 and a network trained on the pairs reaches it; the same data
// drawn independently of the noise keeps a floor far above (the variance of eps - x0).
TEST(Reflow, TrainingOnPairsOfAStraightCouplingReachesZeroLoss) {
  TrainingSpec s;
  s.network.width = 32;
  s.network.depth = 2;
  s.network.embedding.width = 8;
  s.network.embedding.scale = 1.0;
  s.adam.learningRate = 3e-3;
  s.adam.totalSteps = 1500;
  s.batch = 128;
  s.emaDecay = 0.9;
  Pcg32 rng(3);
  const glm::dvec2 shift(1.5, -0.5);
  std::vector<glm::dvec2> z(2000), y(2000);
  for (size_t k = 0; k < z.size(); ++k) {
    z[k] = glm::dvec2(rng.normal(), rng.normal());
    y[k] = z[k] + shift;
  }
  FastCpuTrainer paired(s, y), independent(s, y);
  paired.setPairs(z, y);
  EXPECT_TRUE(paired.reflowing());
  double lastPaired = 0.0, lastIndependent = 0.0;
  for (int k = 0; k < 1500; ++k) {
    lastPaired = paired.step();
    lastIndependent = independent.step();
  }
  EXPECT_LT(lastPaired, 0.01);
  EXPECT_GT(lastIndependent, 1.0);  // the independent pairing's floor (its paths cross)
  EXPECT_THROW(paired.setPairs(z, {y.begin(), y.begin() + 5}), InputError);
}

// The end-to-end check: a network trained with flow matching on the 8-Gaussian ring,
// sampled with flow-heun (20 steps) as a learned model, reaches the data: its energy distance to
// fresh data is below a fixed threshold, as is the exact model's (the same sampler on the
// closed form), while the initial network's samples are far off.
TEST(LearnedModel, ATrainedFlowSamplesTheRingWithinAFixedEnergyDistance) {
  const auto ring = resolve(DataSource::ofMixture(GaussianMixture::ring()));
  TrainingSpec s;
  s.adam.learningRate = 3e-3;
  s.adam.totalSteps = 3000;
  s.adam.warmupSteps = 100;
  s.batch = 256;
  s.emaDecay = 0.99;
  FastCpuTrainer trainer(s, ring->sample(8192, 11));
  auto samplesOf = [&](const std::vector<float>& weights) {
    MlpWeights w{s.network, {weights.begin(), weights.end()}, s.objective};
    SamplingConfig c;
    c.sampler.kind = SamplerKind::FlowHeun;
    c.schedule.kind = ScheduleKind::Flow;
    c.schedule.steps = 20;
    c.particleCount = 2000;
    c.seed = 5;
    DiffusionSimulation sim(withLearnedModel(ring, std::make_shared<LearnedModel>(w), "t"), c,
                            nullptr);
    sim.seek(20);
    std::vector<glm::dvec2> out;
    for (glm::vec2 p : sim.positions(20)) out.push_back(glm::dvec2(p));
    return out;
  };
  const std::vector<glm::dvec2> reference = ring->sample(2000, 99);
  const double before = energyDistance(samplesOf(trainer.averaged()), reference);
  for (int k = 0; k < 3000; ++k) trainer.step();
  const double after = energyDistance(samplesOf(trainer.averaged()), reference);
  SamplingConfig c;
  c.sampler.kind = SamplerKind::FlowHeun;
  c.schedule.kind = ScheduleKind::Flow;
  c.schedule.steps = 20;
  c.particleCount = 2000;
  DiffusionSimulation exact(ring, c, nullptr);
  exact.seek(20);
  std::vector<glm::dvec2> exactSamples;
  for (glm::vec2 p : exact.positions(20)) exactSamples.push_back(glm::dvec2(p));
  const double floor = energyDistance(exactSamples, reference);
  std::printf("energy distance: initial %.4f, trained %.4f, exact model %.4f\n", before, after,
              floor);
  EXPECT_GT(before, 0.2);  // 0.48 seen
  EXPECT_LT(after, 0.03);  // 0.0063 seen
  EXPECT_LT(floor, 0.03);  // 0.0022 seen
}
