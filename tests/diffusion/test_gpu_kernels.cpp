// Every GPU kernel against its CPU twin on seeded inputs, with the validation layer on.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "ComputeKernel.h"
#include "DiffusionParams.h"
#include "DiffusionSimulation.h"
#include "GpuFixture.h"
#include "MixtureGrids.h"
#include "Prediction.h"
#include "Rng.h"
#include "Splat.h"

using namespace flowscope;
using flowscope::testing::GpuTest;

namespace {

// Float GPU against double CPU: relative agreement to ~1e-4 of the value's scale.
void expectClose(glm::vec2 gpu, glm::vec2 cpu, float scale, const char* what, size_t i) {
  float tol = 2e-4f * std::max(1.0f, scale);
  ASSERT_NEAR(gpu.x, cpu.x, tol) << what << " at " << i;
  ASSERT_NEAR(gpu.y, cpu.y, tol) << what << " at " << i;
}

}  // namespace

class GpuKernels : public GpuTest {};

namespace {

std::shared_ptr<const Dataset> ringData() {
  return resolve(DataSource::ofMixture(GaussianMixture::ring()));
}
std::shared_ptr<const Dataset> moonsData() {
  return resolve(DataSource::ofPreset("moons"));
}
// The exact-OT coupling of 300 start points with moons samples (model 2 of model.glsl).
std::shared_ptr<const Dataset> coupledMoons() {
  FlowCouplingParams p;
  p.kind = FlowCoupling::Exact;
  p.pairs = 300;
  p.bandwidth = 0.1;
  return withFlowCoupling(moonsData(), p, 7);
}

std::vector<ParticleState> randomStates(size_t n, double spread, uint64_t seed) {
  Pcg32 rng(seed);
  std::vector<ParticleState> p(n);
  for (auto& q : p)
    q = ParticleState(float(spread * rng.normal()), float(spread * rng.normal()),
                      float(rng.normal()), float(rng.normal()));
  return p;
}

}  // namespace

TEST_F(GpuKernels, EverySamplerStepMatchesItsCpuTwinOnEveryModel) {
  const uint32_t n = 2000;
  for (auto data : {ringData(), moonsData(), coupledMoons()}) {
    GpuModelData model(*gpu, *data);
    GpuBuffer states(*gpu, 2 * n * sizeof(ParticleState), kStorageUsage, MemoryKind::DeviceLocal);
    for (SamplerKind kind : allSamplers()) {
      SamplerKernel kernel(*gpu, kind);
      VkDescriptorSet set = kernel.bind(model, states);
      SamplerParams sp;
      sp.kind = kind;
      sp.sChurn = 30.0;
      sp.eta = 0.7;
      sp.langevinStepsPerLevel = 5;
      auto levels = buildSchedule(defaultSchedule(compatibleSchedules(kind).front(), 12));
      for (int step : {0, 5, 11}) {  // the noisy start, the middle, the last step (to the data)
        const double spread = std::max(0.5, levels[step].tau);
        auto x = randomStates(n, spread, 100 + step);
        states.upload(std::span<const ParticleState>(x));
        StepContext ctx = makeStepContext(sp, levels, step, 77u);
        gpu->submitAndWait([&](VkCommandBuffer cmd) {
          kernel.record(cmd, set, makeSamplerPush(ctx, model, n, 0, n));
        });
        auto gpuOut = states.read<ParticleState>(n, n * sizeof(ParticleState));
        std::vector<ParticleState> cpuOut(n);
        samplerStepCpu(data->model(), ctx, x, cpuOut);
        // Float against double, every particle: position and auxiliary vector within 2e-4 of
        // the spread (the worst seen is 1.6e-5, edm-stochastic's last step on moons).
        const float tol = 2e-4f * float(std::max(1.0, spread));
        for (size_t i = 0; i < n; ++i) {
          ASSERT_NEAR(gpuOut[i].x, cpuOut[i].x, tol) << samplerKindName(kind) << " step " << step
                                                     << " on " << data->name << ", particle " << i;
          ASSERT_NEAR(gpuOut[i].y, cpuOut[i].y, tol) << samplerKindName(kind) << " particle " << i;
          ASSERT_NEAR(gpuOut[i].z, cpuOut[i].z, tol) << samplerKindName(kind) << " particle " << i;
          ASSERT_NEAR(gpuOut[i].w, cpuOut[i].w, tol) << samplerKindName(kind) << " particle " << i;
        }
      }
    }
  }
}

TEST_F(GpuKernels, WholeRunsOnGpuMatchTheCpuBackendOnIdenticalNoise) {
  for (SamplerKind kind : {SamplerKind::Heun, SamplerKind::Ddpm, SamplerKind::DpmPP2M,
                           SamplerKind::FlowMidpoint, SamplerKind::FlowEuler}) {
    // flow-euler runs on the exact-OT coupling's velocity model
    auto data = kind == SamplerKind::FlowEuler ? coupledMoons() : ringData();
    SamplingConfig c;
    c.sampler.kind = kind;
    c.schedule =
        defaultSchedule(compatibleSchedules(kind).front(), kind == SamplerKind::Ddpm ? 100 : 18);
    c.particleCount = 2048;
    c.seed = 42;
    DiffusionSimulation onGpu(data, c, gpu), onCpu(data, c, nullptr);
    EXPECT_EQ(onGpu.state(0), onCpu.state(0)) << "identical initial noise";
    onGpu.seek(c.schedule.steps);
    onCpu.seek(c.schedule.steps);
    auto a = onGpu.positions(c.schedule.steps), b = onCpu.positions(c.schedule.steps);
    // Every particle within 1e-3 after the whole run (the worst seen is 1.6e-4, ddpm's 100
    // stochastic steps; the noise is identical, the arithmetic float32 against double).
    for (size_t i = 0; i < a.size(); ++i)
      ASSERT_LE(glm::length(a[i] - b[i]), 1e-3f) << samplerKindName(kind) << " particle " << i;
  }
}

TEST_F(GpuKernels, HistoryRingReplayOnGpuIsExact) {
  SamplingConfig c;
  c.particleCount = 2048;
  c.schedule.steps = 12;
  c.sampler.kind = SamplerKind::EdmStochastic;
  c.sampler.sChurn = 40.0;
  DiffusionSimulation small(ringData(), c, gpu, 4 * 2048 * sizeof(ParticleState)),
      full(ringData(), c, gpu);
  small.seek(12);
  full.seek(12);
  small.seek(3);  // older than the ring: replayed from the noise, with the same counter-based noise
  EXPECT_EQ(small.state(3), full.state(3));
  EXPECT_EQ(small.oldestAvailable(), 0);
}

TEST_F(GpuKernels, GridKernelsMatchCpuTwinsOnEveryModel) {
  View2D view;
  GridSpec grid =
      GridSpec::covering(view, 330, 210, 33, 21);  // 693 nodes: a partial last batch of 16
  const uint32_t nodes = grid.nx * grid.ny;
  for (auto data : {ringData(), moonsData(), coupledMoons()}) {
    GpuModelData model(*gpu, *data);
    GpuBuffer density(*gpu, nodes * sizeof(float), kStorageUsage, MemoryKind::DeviceLocal);
    GpuBuffer field(*gpu, fieldBufferBytes(nodes), kStorageUsage, MemoryKind::DeviceLocal);
    LogDensityKernel densityKernel(*gpu);
    FieldGridKernel fieldKernel(*gpu);
    VkDescriptorSet dset = densityKernel.bind(model.mixture(), density, model.points());
    VkDescriptorSet fset = fieldKernel.bind(model.mixture(), field, model.points());
    for (glm::dvec2 level : {glm::dvec2(1.0, 0.3), glm::dvec2(0.6, 0.4), glm::dvec2(0.0, 1.0)}) {
      for (auto kind : {FieldKind::Score, FieldKind::DenoiserDisplacement, FieldKind::Velocity}) {
        gpu->submitAndWait([&](VkCommandBuffer cmd) {
          densityKernel.record(cmd, dset, makeDensityPush(grid, model.dataRef(), level.x, level.y));
          fieldKernel.record(cmd, fset, field,
                             makeGridPush(grid, model.ref(), kind, level.x, level.y, true));
        });
        auto g = density.read<float>(nodes);
        auto c = logDensityGridCpu(data->model(), grid, level.x, level.y);
        for (size_t i = 0; i < nodes; ++i)
          ASSERT_NEAR(g[i], c[i], 3e-4 * std::max(1.0f, std::abs(c[i])))
              << data->name << " node " << i;
        float maxGpu = field.read<float>(1)[0];
        auto gf = field.read<glm::vec4>(nodes, 16);
        auto cf = fieldGridCpu(data->model(), grid, level.x, level.y, kind, true);
        float maxCpu = 0.0f;
        for (size_t i = 0; i < nodes; ++i) {
          const float mag = glm::length(glm::vec2(cf[i].z, cf[i].w));
          maxCpu = std::max(maxCpu, mag);
          expectClose(glm::vec2(gf[i].z, gf[i].w), glm::vec2(cf[i].z, cf[i].w), mag, "field", i);
        }
        EXPECT_NEAR(maxGpu, maxCpu, 3e-4f * maxCpu);
      }
    }
  }
}

TEST_F(GpuKernels, PredictX0MatchesItsCpuTwinOnEveryModel) {
  // predict_x0.comp: (x, D(x)) for `count` particles read from `srcOffset` on, against
  // predictX0Cpu, at a diffusion level (s = 1) and a flow level (s = 0.6, tau = 0.4).
  const uint32_t n = 700, offset = 123;
  for (auto data : {ringData(), moonsData(), coupledMoons()}) {
    GpuModelData model(*gpu, *data);
    auto states = randomStates(offset + n, 1.5, 5);
    GpuBuffer stateBuffer(*gpu, states.size() * sizeof(ParticleState), kStorageUsage,
                          MemoryKind::DeviceLocal);
    stateBuffer.upload(std::span<const ParticleState>(states));
    GpuBuffer predictions(*gpu, n * sizeof(glm::vec4), kStorageUsage, MemoryKind::DeviceLocal);
    PredictKernel kernel(*gpu);
    VkDescriptorSet set = kernel.bind(model, stateBuffer, predictions);
    for (auto [s, tau] : {std::pair{1.0, 0.3}, {0.6, 0.4}}) {
      const PredictPush push{n, offset, float(s), float(tau), model.ref()};
      gpu->submitAndWait([&](VkCommandBuffer cmd) { kernel.record(cmd, set, push); });
      const auto onGpu = predictions.read<glm::vec4>(n);
      const auto onCpu = predictX0Cpu(data->model(), std::span(states).subspan(offset, n), s, tau);
      for (size_t i = 0; i < n; ++i) {
        ASSERT_EQ(glm::vec2(onGpu[i]), glm::vec2(onCpu[i])) << "the particle itself, " << i;
        expectClose(glm::vec2(onGpu[i].z, onGpu[i].w), glm::vec2(onCpu[i].z, onCpu[i].w),
                    glm::length(glm::vec2(onCpu[i].z, onCpu[i].w)), data->name.c_str(), i);
      }
    }
  }
}

TEST(DispatchGrid, SplitsIntoRowsPastTheDeviceLimit) {
  const uint32_t limits[3] = {65535, 65535, 65535};
  EXPECT_EQ(dispatchGrid(10, limits), std::make_pair(10u, 1u));
  EXPECT_EQ(dispatchGrid(65535, limits), std::make_pair(65535u, 1u));
  EXPECT_EQ(dispatchGrid(65536, limits), std::make_pair(65535u, 2u));
  EXPECT_EQ(dispatchGrid(200000, limits), std::make_pair(65535u, 4u));
  const uint32_t tiny[3] = {4, 2, 1};
  EXPECT_EQ(dispatchGrid(8, tiny), std::make_pair(4u, 2u));
  EXPECT_THROW(dispatchGrid(9, tiny), GpuError);
}

TEST_F(GpuKernels, DispatchesPastTheGroupLimitReachEveryInvocation) {
  // More work groups than maxComputeWorkGroupCount[0]: the kernel runs as rows of groups and
  // every particle, the last rows' included, gets its prediction.
  const uint32_t limit = gpu->limits().maxComputeWorkGroupCount[0];
  const uint64_t wanted = uint64_t(limit) * 64 + 777;  // 64: predict_x0's local size
  if (wanted * sizeof(ParticleState) > gpu->limits().maxStorageBufferRange)
    GTEST_SKIP() << "the states would not fit one storage buffer of this device";
  const uint32_t n = uint32_t(wanted);
  auto data = ringData();
  GpuModelData model(*gpu, *data);
  auto states = randomStates(n, 2.0, 11);
  GpuBuffer stateBuffer(*gpu, n * sizeof(ParticleState), kStorageUsage, MemoryKind::DeviceLocal);
  stateBuffer.upload(std::span<const ParticleState>(states));
  GpuBuffer predictions(*gpu, n * sizeof(glm::vec4), kStorageUsage, MemoryKind::DeviceLocal);
  PredictKernel kernel(*gpu);
  VkDescriptorSet set = kernel.bind(model, stateBuffer, predictions);
  const PredictPush push{n, 0, 1.0f, 0.5f, model.ref()};
  gpu->submitAndWait([&](VkCommandBuffer cmd) { kernel.record(cmd, set, push); });
  for (const size_t first : {size_t(0), size_t(limit) * 64 / 2, size_t(n) - 2000}) {
    const auto onGpu = predictions.read<glm::vec4>(2000, first * sizeof(glm::vec4));
    const auto onCpu =
        predictX0Cpu(data->model(), std::span(states).subspan(first, 2000), 1.0, 0.5);
    for (size_t i = 0; i < 2000; ++i) {
      ASSERT_EQ(glm::vec2(onGpu[i]), glm::vec2(onCpu[i])) << "particle " << first + i;
      expectClose(glm::vec2(onGpu[i].z, onGpu[i].w), glm::vec2(onCpu[i].z, onCpu[i].w), 1.0f,
                  "split dispatch", first + i);
    }
  }
}

TEST_F(GpuKernels, EmpiricalDenoiserWithTinySigmaReturnsTheNearestPoint) {
  auto data = moonsData();
  GpuModelData model(*gpu, *data);
  const auto& pts = data->points->points();
  GridSpec grid;  // 16 query nodes placed on data points, nudged by 1e-3
  grid.nx = 16;
  grid.ny = 1;
  grid.origin = pts[7] + glm::dvec2(1e-3, 0.0);
  grid.spacing = {0.0, 0.0};
  GpuBuffer field(*gpu, fieldBufferBytes(16), kStorageUsage, MemoryKind::DeviceLocal);
  FieldGridKernel kernel(*gpu);
  VkDescriptorSet set = kernel.bind(model.mixture(), field, model.points());
  gpu->submitAndWait([&](VkCommandBuffer cmd) {
    kernel.record(cmd, set, field,
                  makeGridPush(grid, model.ref(), FieldKind::DenoiserDisplacement, 1.0, 0.005));
  });
  auto out = field.read<glm::vec4>(16, 16);
  glm::vec2 denoised = glm::vec2(out[0].x + out[0].z, out[0].y + out[0].w);
  EXPECT_NEAR(denoised.x, float(pts[7].x), 1e-4f);
  EXPECT_NEAR(denoised.y, float(pts[7].y), 1e-4f);
}

TEST_F(GpuKernels, SplatCountsMatchCpuTwin) {
  View2D view;
  view.center = {0.25, -0.5};
  view.height = 6.0;
  const int w = 200, h = 120;
  // Points at pixel centres, so float rounding cannot move one across a pixel edge; some repeat
  // (several per pixel) and some fall outside the image.
  std::vector<glm::vec4> pts;
  Pcg32 rng(9);
  for (int i = 0; i < 20000; ++i) {
    int px = int(rng.next() % (w + 40)) - 20, py = int(rng.next() % (h + 40)) - 20;
    glm::dvec2 wpt = view.pixelToWorld({px + 0.5, py + 0.5}, w, h);
    pts.push_back(glm::vec4(float(wpt.x), float(wpt.y), 0.0f, 0.0f));
  }
  GpuBuffer states(*gpu, pts.size() * sizeof(glm::vec4), kStorageUsage, MemoryKind::DeviceLocal);
  states.upload(std::span<const glm::vec4>(pts));
  GpuBuffer counts(*gpu, size_t(w) * h * 4, kStorageUsage, MemoryKind::DeviceLocal);
  SplatKernel kernel(*gpu);
  VkDescriptorSet set = kernel.bind(states, counts);
  gpu->submitAndWait([&](VkCommandBuffer cmd) {
    kernel.record(cmd, set, counts, makeSplatPush(view, w, h, uint32_t(pts.size()), 0));
  });
  auto g = counts.read<uint32_t>(size_t(w) * h);
  auto c = splatCpu(pts, view, w, h);
  EXPECT_EQ(g, c);
  uint64_t inside = 0;
  for (auto v : c) inside += v;
  EXPECT_GT(inside, 10000u);
  EXPECT_LT(inside, 20000u);
}

TEST_F(GpuKernels, ValidationLayerIsOnAndCountsMessages) {
  ASSERT_TRUE(gpu->validationEnabled()) << "ctest sets FLOWSCOPE_VALIDATE=1";
  // A zero-sized buffer is invalid usage (VUID-VkBufferCreateInfo-size-00912): the messenger
  // must count it. Then reset the baseline so TearDown's zero-message check still holds.
  VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  info.size = 0;
  info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
  VkBuffer buffer = VK_NULL_HANDLE;
  uint32_t before = gpu->validationMessageCount();
  VkResult r = vkCreateBuffer(gpu->device(), &info, nullptr, &buffer);
  if (r == VK_SUCCESS && buffer) vkDestroyBuffer(gpu->device(), buffer, nullptr);
  EXPECT_GT(gpu->validationMessageCount(), before);
  messagesBefore = gpu->validationMessageCount();
}

TEST_F(GpuKernels, TrackedPathsOnGpuAreTheDrawnStatesAndPickedReplaysAgree) {
  SamplingConfig c;
  c.sampler.kind = SamplerKind::Ddpm;
  c.schedule = defaultSchedule(ScheduleKind::Linear, 40);
  c.particleCount = 4096;
  DiffusionSimulation sim(ringData(), c, gpu);
  sim.seek(40);
  auto paths = sim.trackedPaths();
  for (int k : {0, 17, 40}) {
    auto state = sim.positions(std::max(k, sim.oldestAvailable()));
    if (k < sim.oldestAvailable()) continue;
    for (size_t i = 0; i < paths.size(); i += 31)
      EXPECT_EQ(glm::vec2(paths[i][k]), state[i]) << "state " << k << " particle " << i;
  }
  auto last = sim.positions(40);
  auto replay = sim.particlePath(2000, 40);  // CPU twin of one particle, same counter-based noise
  EXPECT_NEAR(replay.back().x, last[2000].x, 2e-3);
  EXPECT_NEAR(replay.back().y, last[2000].y, 2e-3);
}
