// Conditional models and guidance (compute/diffusion/Guidance.h): gamma 0 and 1 are the
// unconditional and conditional samplers exactly; the guided score is the gradient of the tilted
// density, checked by finite differences of closed-form log densities written here; one class
// makes guidance a no-op; a large gamma pushes a class away from the others and sharpens it; the
// interval and autoguidance; a learned conditional network; the GPU kernels against the CPU twin.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "DiffusionParams.h"
#include "DiffusionSimulation.h"
#include "ErrorText.h"
#include "GpuFixture.h"
#include "Guidance.h"
#include "GuidanceTarget.h"
#include "InputError.h"
#include "LearnedModel.h"
#include "MixtureGrids.h"
#include "Prediction.h"
#include "ReferenceMlp.h"
#include "Rng.h"
#include "SamplerKernel.h"

using namespace flowscope;
using flowscope::testing::errorOf;
using flowscope::testing::GpuTest;

namespace {

std::shared_ptr<const Dataset> gmm8() {
  return resolve(DataSource::ofPreset("gmm8"));
}

GuidanceSpec guidance(int label, double gamma) {
  GuidanceSpec g;
  g.classLabel = label;
  g.scale = gamma;
  return g;
}

SamplingConfig configFor(SamplerKind kind, int steps, int particles) {
  SamplingConfig c;
  c.sampler.kind = kind;
  c.sampler.langevinStepsPerLevel = 3;
  c.sampler.sChurn = 20.0;
  c.sampler.eta = 0.5;
  c.schedule = defaultSchedule(customarySchedule(kind), steps);
  c.particleCount = particles;
  c.seed = 5;
  return c;
}

std::vector<glm::vec2> samples(std::shared_ptr<const Dataset> data, const SamplingConfig& c,
                               const GpuContext* gpu = nullptr) {
  DiffusionSimulation sim(std::move(data), c, gpu);
  sim.seek(c.schedule.steps);
  return sim.positions(c.schedule.steps);
}

// log of sum_k w_k N(x; s mu_k, s^2 C_k + tau^2 I) over the components `keep` accepts, minus the
// log of their total weight: the class's normalised density, written out independently.
double logMixture(const GaussianMixture& m, const std::function<bool(size_t)>& keep, glm::dvec2 x,
                  double s, double tau) {
  double total = 0.0, weight = 0.0;
  for (size_t k = 0; k < m.components().size(); ++k) {
    if (!keep(k)) continue;
    const auto& c = m.components()[k];
    const double a = s * s * c.a + tau * tau, b = s * s * c.b, d = s * s * c.c + tau * tau;
    const double det = a * d - b * b;
    const glm::dvec2 r = x - s * c.mean;
    const double q = (d * r.x * r.x - 2.0 * b * r.x * r.y + a * r.y * r.y) / det;
    total += c.weight * std::exp(-0.5 * q) / (2.0 * M_PI * std::sqrt(det));
    weight += c.weight;
  }
  return std::log(total / weight);
}

glm::dvec2 gradient(const std::function<double(glm::dvec2)>& f, glm::dvec2 x) {
  const double h = 1e-5;
  return {(f(x + glm::dvec2(h, 0)) - f(x - glm::dvec2(h, 0))) / (2 * h),
          (f(x + glm::dvec2(0, h)) - f(x - glm::dvec2(0, h))) / (2 * h)};
}

// Two round classes, at (-2, 0) and (2, 0): they overlap once the noise is about 1.
std::shared_ptr<const Dataset> twoClasses() {
  std::vector<MixtureComponent> comps(2);
  comps[0].mean = {-2.0, 0.0};
  comps[1].mean = {2.0, 0.0};
  for (auto& c : comps) c.a = c.c = 0.5;
  GaussianMixture m(comps, "two classes");
  m.setLabels({0, 1});
  return resolve(DataSource::ofMixture(m));
}

}  // namespace

TEST(Guidance, PresetsCarryTheirClasses) {
  EXPECT_EQ(gmm8()->classCount(), 4);
  EXPECT_EQ(gmm8()->mixture->labels(), (std::vector<int>{0, 0, 1, 1, 2, 2, 3, 3}));
  const auto grid = resolve(DataSource::ofPreset("grid25"));
  EXPECT_EQ(grid->classCount(), 2);
  for (size_t k = 0; k < 25; ++k) {  // a checkerboard: the label is (i + j) mod 2
    const glm::dvec2 m = grid->mixture->components()[k].mean;
    EXPECT_EQ(grid->mixture->labels()[k], int(std::lround(m.x + m.y + 4.0)) % 2) << k;
  }
  const auto moons = resolve(DataSource::ofPreset("moons"));
  ASSERT_EQ(moons->pointLabels.size(), moons->points->points().size());
  double y[2] = {0.0, 0.0}, count[2] = {0.0, 0.0};  // class 1 is the upper moon
  for (size_t i = 0; i < moons->pointLabels.size(); ++i) {
    y[moons->pointLabels[i]] += moons->points->points()[i].y;
    count[moons->pointLabels[i]] += 1.0;
  }
  EXPECT_EQ(count[0], count[1]);
  EXPECT_GT(y[1] / count[1], y[0] / count[0] + 0.5);
  EXPECT_EQ(resolve(DataSource::ofPreset("pinwheel"))->classCount(), 0);
}

// Every sampler: gamma = 0 is the unconditional run, gamma = 1 the run on class c's own model
// (built here from the components or points of that class), bit for bit with the same noise.
TEST(Guidance, GammaZeroAndOneAreTheUnconditionalAndConditionalSamplersExactly) {
  const auto data = gmm8();
  std::vector<MixtureComponent> own = {data->mixture->components()[4],
                                       data->mixture->components()[5]};
  const auto classTwo = resolve(DataSource::ofMixture(GaussianMixture(own, "class 2")));
  const auto moons = resolve(DataSource::ofPreset("moons"));
  std::vector<glm::dvec2> upper;
  for (size_t i = 0; i < moons->pointLabels.size(); ++i)
    if (moons->pointLabels[i] == 1) upper.push_back(moons->points->points()[i]);
  const auto upperMoon = resolve(DataSource::ofPoints(upper));
  for (SamplerKind kind : allSamplers()) {
    const SamplingConfig c = configFor(kind, 6, 48);
    const std::string name = samplerKindName(kind);
    EXPECT_EQ(samples(withGuidance(data, guidance(2, 0.0)), c), samples(data, c)) << name;
    EXPECT_EQ(samples(withGuidance(data, guidance(2, 1.0)), c), samples(classTwo, c)) << name;
    EXPECT_EQ(samples(withGuidance(moons, guidance(1, 0.0)), c), samples(moons, c)) << name;
    EXPECT_EQ(samples(withGuidance(moons, guidance(1, 1.0)), c), samples(upperMoon, c)) << name;
  }
}

// The guided score is grad [gamma log p(x|c) + (1 - gamma) log p(x)], its logp that tilted log
// density, and the conditional score grad log p(x|c), at several levels of x = s x0 + tau eps.
TEST(Guidance, GuidedScoreIsTheGradientOfTheTiltedDensity) {
  const auto data = gmm8();
  const GaussianMixture& m = *data->mixture;
  const int label = 1;
  auto inClass = [&](size_t k) { return m.labels()[k] == label; };
  auto all = [](size_t) { return true; };
  Pcg32 rng(3);
  for (double gamma : {1.0, 2.5, 0.3}) {
    const auto guided = withGuidance(data, guidance(label, gamma));
    for (glm::dvec2 level : {glm::dvec2(1.0, 0.4), glm::dvec2(0.8, 0.6), glm::dvec2(1.0, 2.0)}) {
      const double s = level.x, tau = level.y;
      auto tilted = [&](glm::dvec2 x) {
        return gamma * logMixture(m, inClass, x, s, tau) +
               (1.0 - gamma) * logMixture(m, all, x, s, tau);
      };
      for (int i = 0; i < 20; ++i) {
        const glm::dvec2 x(2.0 * rng.normal(), 2.0 * rng.normal());
        const auto e = guided->model().evaluate(x, s, tau);
        const glm::dvec2 g = gradient(tilted, x);
        EXPECT_NEAR(e.score.x, g.x, 1e-5 * std::max(1.0, std::abs(g.x))) << gamma;
        EXPECT_NEAR(e.score.y, g.y, 1e-5 * std::max(1.0, std::abs(g.y))) << gamma;
        EXPECT_NEAR(e.logp, tilted(x), 1e-9 * std::max(1.0, std::abs(e.logp)));
        const glm::dvec2 fromD = (s * e.denoised - x) / (tau * tau);  // Tweedie
        EXPECT_NEAR(glm::length(fromD - e.score), 0.0, 1e-9 * std::max(1.0, glm::length(g)));
      }
    }
  }
}

TEST(Guidance, WithOneClassGuidanceChangesNothing) {
  std::vector<MixtureComponent> comps = GaussianMixture::ring(5).components();
  GaussianMixture m(comps, "one class");
  m.setLabels(std::vector<int>(comps.size(), 0));
  const auto data = resolve(DataSource::ofMixture(m));
  Pcg32 rng(8);
  for (double gamma : {0.0, 0.5, 3.0, 12.0}) {
    const auto guided = withGuidance(data, guidance(0, gamma));
    for (int i = 0; i < 50; ++i) {
      const glm::dvec2 x(3.0 * rng.normal(), 3.0 * rng.normal());
      const auto e = guided->model().evaluate(x, 0.9, 0.5), u = m.evaluate(x, 0.9, 0.5);
      EXPECT_NEAR(glm::length(e.denoised - u.denoised), 0.0, 1e-12 * (1.0 + glm::length(x)));
      EXPECT_NEAR(e.logp, u.logp, 1e-12 * std::abs(u.logp));
    }
    const SamplingConfig c = configFor(SamplerKind::Heun, 12, 200);
    const auto a = samples(guided, c), b = samples(data, c);
    for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(glm::length(a[i] - b[i]), 0.0, 1e-5) << i;
  }
}

// Class 1 sits at (2, 0), class 0 at (-2, 0): guidance pushes class 1's samples to larger x
// (away from class 0) and shrinks their spread; gamma = 1 samples N((2, 0), 0.5 I) itself.
TEST(Guidance, LargeGammaMovesTheClassAwayFromTheOthersAndSharpensIt) {
  const auto data = twoClasses();
  const SamplingConfig c = configFor(SamplerKind::Heun, 32, 4000);
  auto stats = [&](double gamma) {
    const auto x = samples(withGuidance(data, guidance(1, gamma)), c);
    glm::dvec2 mean(0.0);
    for (auto p : x) mean += glm::dvec2(p);
    mean /= double(x.size());
    double var = 0.0;
    for (auto p : x) var += glm::dot(glm::dvec2(p) - mean, glm::dvec2(p) - mean) / 2.0;
    return std::pair{mean, var / double(x.size())};
  };
  const auto [m1, v1] = stats(1.0);
  EXPECT_NEAR(m1.x, 2.0, 0.05);
  EXPECT_NEAR(v1, 0.5, 0.05);
  double lastX = m1.x, lastVar = v1;
  for (double gamma : {2.0, 4.0, 8.0}) {
    const auto [m, v] = stats(gamma);
    EXPECT_GT(m.x, lastX + 0.01) << gamma;
    EXPECT_LT(v, lastVar) << gamma;
    EXPECT_NEAR(m.y, 0.0, 0.05) << gamma;
    lastX = m.x, lastVar = v;
  }
}

TEST(Guidance, IntervalGuidesOnlyInsideAndAutoguidanceUsesTheInflatedClass) {
  const auto data = gmm8();
  GuidanceSpec g = guidance(3, 4.0);
  g.sigmaLo = 0.5;
  g.sigmaHi = 2.0;
  const auto windowed = withGuidance(data, g), everywhere = withGuidance(data, guidance(3, 4.0));
  const auto conditional = withGuidance(data, guidance(3, 1.0));
  const glm::dvec2 x(0.3, -1.2);
  for (double sigma : {0.2, 0.49, 0.51, 1.0, 1.99, 2.01, 5.0}) {
    const auto w = windowed->model().evaluate(x, 1.0, sigma);
    const bool inside = sigma >= 0.5 && sigma <= 2.0;
    const auto expected = (inside ? everywhere : conditional)->model().evaluate(x, 1.0, sigma);
    EXPECT_EQ(w.denoised, expected.denoised) << sigma;
  }
  // Autoguidance: D_weak + gamma (D_c - D_weak), D_weak class 3's mixture with covariances x 3.
  GuidanceSpec a = guidance(3, 2.0);
  a.autoguidance = 3.0;
  const auto auto3 = withGuidance(data, a);
  std::vector<MixtureComponent> weak = {data->mixture->components()[6],
                                        data->mixture->components()[7]};
  for (auto& c : weak) c.a *= 3.0, c.b *= 3.0, c.c *= 3.0;
  const GaussianMixture weakModel(weak, "weak");
  const auto c = conditional->model().evaluate(x, 1.0, 0.7);
  const auto u = weakModel.evaluate(x, 1.0, 0.7);
  const glm::dvec2 expected = u.denoised + 2.0 * (c.denoised - u.denoised);
  EXPECT_NEAR(glm::length(auto3->model().evaluate(x, 1.0, 0.7).denoised - expected), 0.0, 1e-12);
}

TEST(Guidance, BadRequestsNameTheField) {
  const auto data = gmm8();
  EXPECT_NE(errorOf([&] { withGuidance(data, guidance(4, 2.0)); }).find("class: 4"),
            std::string::npos);
  EXPECT_NE(errorOf([&] {
              withGuidance(resolve(DataSource::ofPreset("pinwheel")), guidance(0, 2.0));
            }).find("class: the data has no class labels"),
            std::string::npos);
  EXPECT_EQ(errorOf([&] { withGuidance(data, guidance(0, 25.0)); }).rfind("guidance:", 0), 0u);
  GuidanceSpec g = guidance(0, 2.0);
  g.sigmaLo = 3.0, g.sigmaHi = 1.0;
  EXPECT_EQ(errorOf([&] { withGuidance(data, g); }).rfind("guidance_interval:", 0), 0u);
  g = guidance(1, 2.0);
  g.autoguidance = 2.0;
  EXPECT_EQ(errorOf([&] {
              withGuidance(resolve(DataSource::ofPreset("moons")), g);
            }).rfind("autoguidance:", 0),
            0u);
  EXPECT_EQ(errorOf([&] { withGuidance(data, guidance(-1, 3.0)); }).rfind("class:", 0), 0u);
  GaussianMixture three = GaussianMixture::ring(3);
  EXPECT_NE(errorOf([&] { three.setLabels({0, 1}); }).find("field 'labels'"), std::string::npos);
}

namespace {

// An untrained class-conditional flow network (3 classes): guidance's arithmetic does not need a
// trained one.
std::shared_ptr<const LearnedModel> conditionalNetwork() {
  MlpWeights w;
  w.spec.width = 16;
  w.spec.depth = 2;
  w.spec.classes = 3;
  w.spec.embedding.width = 8;
  w.spec.embedding.scale = 1.0;
  w.parameters = initialParameters(w.spec);
  w.objective = ObjectiveSpec{};
  return std::make_shared<const LearnedModel>(w, "net");
}

}  // namespace

TEST(Guidance, LearnedConditionalNetworkIsGuidedTheSameWay) {
  const auto net = conditionalNetwork();
  const auto data = withLearnedModel(gmm8(), net, "net");
  const auto g0 = withGuidance(data, guidance(2, 0.0)), g1 = withGuidance(data, guidance(2, 1.0));
  const auto g3 = withGuidance(data, guidance(2, 3.0));
  const auto c = net->forClass(2), u = net->forClass(3);
  const glm::dvec2 x(0.4, -0.7);
  EXPECT_EQ(g0->model().denoise(x, 0.6, 0.4), u->denoise(x, 0.6, 0.4));
  EXPECT_EQ(g1->model().denoise(x, 0.6, 0.4), c->denoise(x, 0.6, 0.4));
  const glm::dvec2 dc = c->denoise(x, 0.6, 0.4), du = u->denoise(x, 0.6, 0.4);
  EXPECT_NEAR(glm::length(g3->model().denoise(x, 0.6, 0.4) - (du + 3.0 * (dc - du))), 0.0, 1e-12);
  EXPECT_NE(errorOf([&] { withGuidance(data, guidance(3, 2.0)); }).find("class: 3"),
            std::string::npos);
}

class GuidanceGpu : public GpuTest {};

namespace {

std::vector<std::shared_ptr<const Dataset>> guidedCases() {
  GuidanceSpec interval = guidance(1, 2.5);
  interval.sigmaLo = 0.1, interval.sigmaHi = 2.0;
  GuidanceSpec autoguided = guidance(0, 2.0);
  autoguided.autoguidance = 2.0;
  return {withGuidance(gmm8(), guidance(1, 3.0)), withGuidance(gmm8(), autoguided),
          withGuidance(resolve(DataSource::ofPreset("moons")), interval)};
}

}  // namespace

TEST_F(GuidanceGpu, GuidedStepsFieldsAndPredictionsMatchTheCpuTwin) {
  const uint32_t n = 1000;
  Pcg32 rng(4);
  for (const auto& data : guidedCases()) {
    GpuModelData model(*gpu, *data);
    GpuBuffer states(*gpu, 2 * n * sizeof(ParticleState), kStorageUsage, MemoryKind::DeviceLocal);
    for (SamplerKind kind : {SamplerKind::Heun, SamplerKind::Ddim, SamplerKind::EulerMaruyama,
                             SamplerKind::DpmPP2M, SamplerKind::FlowHeun}) {
      SamplerKernel kernel(*gpu, kind);
      VkDescriptorSet set = kernel.bind(model, states);
      SamplerParams sp;
      sp.kind = kind;
      sp.eta = 0.5;
      const auto levels = buildSchedule(defaultSchedule(customarySchedule(kind), 10));
      for (int step : {0, 4, 9}) {
        const double spread = std::max(0.5, levels[step].tau);
        std::vector<ParticleState> x(n);
        for (auto& p : x)
          p = ParticleState(float(spread * rng.normal()), float(spread * rng.normal()),
                            float(rng.normal()), float(rng.normal()));
        states.upload(std::span<const ParticleState>(x));
        const StepContext ctx = makeStepContext(sp, levels, step, 9u);
        gpu->submitAndWait([&](VkCommandBuffer cmd) {
          kernel.record(cmd, set, makeSamplerPush(ctx, model, n, 0, n));
        });
        const auto g = states.read<ParticleState>(n, n * sizeof(ParticleState));
        std::vector<ParticleState> c(n);
        samplerStepCpu(data->model(), ctx, x, c);
        const float tol = 5e-4f * float(std::max(1.0, spread));
        for (size_t i = 0; i < n; ++i)
          ASSERT_NEAR(glm::length(glm::vec2(g[i]) - glm::vec2(c[i])), 0.0f, tol)
              << samplerKindName(kind) << " step " << step << " on " << data->name << " at " << i;
      }
    }
    View2D view;
    const GridSpec grid = GridSpec::covering(view, 330, 210, 33, 21);
    const uint32_t nodes = grid.nx * grid.ny;
    GpuBuffer field(*gpu, fieldBufferBytes(nodes), kStorageUsage, MemoryKind::DeviceLocal);
    FieldGridKernel fieldKernel(*gpu);
    VkDescriptorSet fset = fieldKernel.bind(model.mixture(), field, model.points());
    for (glm::dvec2 level : {glm::dvec2(1.0, 0.3), glm::dvec2(1.0, 1.5)}) {
      gpu->submitAndWait([&](VkCommandBuffer cmd) {
        fieldKernel.record(cmd, fset, field,
                           makeGridPush(grid, model.ref(), FieldKind::Score, level.x, level.y));
      });
      const auto gf = field.read<glm::vec4>(nodes, 16);
      const auto cf = fieldGridCpu(data->model(), grid, level.x, level.y, FieldKind::Score);
      for (size_t i = 0; i < nodes; ++i) {
        const glm::vec2 cv(cf[i].z, cf[i].w);
        ASSERT_NEAR(glm::length(glm::vec2(gf[i].z, gf[i].w) - cv), 0.0f,
                    3e-4f * std::max(1.0f, glm::length(cv)))
            << data->name << " node " << i;
      }
    }
  }
}

// The learned build: two networks in one buffer (the class's and the unconditional one).
TEST_F(GuidanceGpu, GuidedLearnedPredictionsMatchTheCpuTwin) {
  const auto data =
      withGuidance(withLearnedModel(gmm8(), conditionalNetwork(), "net"), guidance(1, 2.5));
  GpuModelData model(*gpu, *data);
  const uint32_t n = 300;
  Pcg32 rng(6);
  std::vector<ParticleState> x(n);
  for (auto& p : x) p = ParticleState(float(rng.normal()), float(rng.normal()), 0.0f, 0.0f);
  GpuBuffer states(*gpu, n * sizeof(ParticleState), kStorageUsage, MemoryKind::DeviceLocal);
  states.upload(std::span<const ParticleState>(x));
  GpuBuffer predictions(*gpu, n * sizeof(glm::vec4), kStorageUsage, MemoryKind::DeviceLocal);
  PredictKernel kernel(*gpu, true);
  VkDescriptorSet set = kernel.bind(model, states, predictions);
  const PredictPush push{n, 0, 0.7f, 0.5f, model.ref()};
  gpu->submitAndWait([&](VkCommandBuffer cmd) { kernel.record(cmd, set, push); });
  const auto g = predictions.read<glm::vec4>(n);
  const auto c = predictX0Cpu(data->model(), x, 0.7, 0.5);
  for (size_t i = 0; i < n; ++i)
    ASSERT_NEAR(glm::length(glm::vec2(g[i].z, g[i].w) - glm::vec2(c[i].z, c[i].w)), 0.0f, 1e-4f)
        << i;
}

// gamma 0 and 1 on the GPU backend: the unconditional and the class's own runs, bit for bit.
TEST_F(GuidanceGpu, GammaZeroAndOneAreExactOnTheGpuToo) {
  const auto data = gmm8();
  std::vector<MixtureComponent> own = {data->mixture->components()[2],
                                       data->mixture->components()[3]};
  const auto classOne = resolve(DataSource::ofMixture(GaussianMixture(own, "class 1")));
  for (SamplerKind kind : {SamplerKind::Heun, SamplerKind::Ddpm, SamplerKind::FlowEuler}) {
    const SamplingConfig c = configFor(kind, 8, 256);
    EXPECT_EQ(samples(withGuidance(data, guidance(1, 0.0)), c, gpu), samples(data, c, gpu));
    EXPECT_EQ(samples(withGuidance(data, guidance(1, 1.0)), c, gpu), samples(classOne, c, gpu));
  }
}

// Autoguidance with a one-Gaussian class N(mu, v I) and its weak model N(mu, F v I): the tilted
// target is N(mu, v / (gamma + (1 - gamma) / F) I) in closed form; the grid's moments and its
// draws' moments must match it.
TEST(GuidanceTarget, TiltedTargetOfAutoguidanceIsTheClosedFormGaussian) {
  std::vector<MixtureComponent> comps(2);
  comps[0].mean = {1.0, 0.0};
  comps[0].a = comps[0].c = 0.3;
  comps[1].mean = {-2.0, 1.0};
  comps[1].a = comps[1].c = 0.5;
  GaussianMixture m(comps, "two");
  m.setLabels({0, 1});
  const auto data = resolve(DataSource::ofMixture(m));
  GuidanceSpec g = guidance(0, 3.0);
  g.autoguidance = 2.0;
  const double variance = 0.3 / (3.0 + (1.0 - 3.0) / 2.0);
  const DensityGrid q = tiltedTarget(*data, g, gridAround(*data, 160));
  glm::dvec2 mean(0.0), second(0.0);
  for (int j = 0; j < q.n; ++j)
    for (int i = 0; i < q.n; ++i) {
      const double w = q.mass[size_t(j) * q.n + i];
      mean += w * q.centre(i, j);
      second += w * q.centre(i, j) * q.centre(i, j);
    }
  EXPECT_NEAR(mean.x, 1.0, 1e-6);
  EXPECT_NEAR(mean.y, 0.0, 1e-6);
  // A Gaussian sampled at the cell centres keeps its variance (up to exponentially small terms).
  EXPECT_NEAR(second.x - mean.x * mean.x, variance, 1e-5);
  EXPECT_NEAR(second.y - mean.y * mean.y, variance, 1e-5);
  const auto draws = sampleGrid(q, 20000, 3);
  glm::dvec2 dm(0.0), dv(0.0);
  for (const auto& x : draws) dm += x / double(draws.size());
  for (const auto& x : draws) dv += (x - dm) * (x - dm) / double(draws.size());
  EXPECT_NEAR(dm.x, 1.0, 0.02);
  EXPECT_NEAR(dv.x, variance, 0.01);
  EXPECT_NEAR(dv.y, variance, 0.01);
}

// The gamma sweep on gmm8's class 0: the samples are nearest the class's distribution at
// gamma = 1, their spread shrinks as gamma grows, and gamma 0 and 1 reach their tilted targets
// (p and p(x | c)) while gamma = 4 does not reach p_c^4 p^-3.
TEST(GuidanceTarget, SweepShowsOverSharpening) {
  const auto data = gmm8();
  const SamplingConfig c = configFor(SamplerKind::Heun, 18, 2000);
  const double gammas[] = {0.0, 1.0, 2.0, 4.0};
  const auto rows = guidanceSweep(data, guidance(0, 1.0), c, gammas);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_LT(rows[1].readout.energyToClass, 0.02);
  for (size_t k : {0u, 2u, 3u}) EXPECT_GT(rows[k].readout.energyToClass, 0.03) << k;
  for (size_t k = 1; k < 4; ++k) EXPECT_LT(rows[k].readout.spread, rows[k - 1].readout.spread);
  EXPECT_LT(rows[0].readout.energyToTilted, 0.02);
  EXPECT_LT(rows[1].readout.energyToTilted, 0.02);
  EXPECT_GT(rows[3].readout.energyToTilted, 0.1);
}
