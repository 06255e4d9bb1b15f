// The learned model on the GPU (model 3 of model.glsl) against its CPU twin (LearnedModel), for
// every objective: sampler steps, the field grid and x0-predictions; kernels built without the
// network refuse a learned model (modelSpecialization); and the CPU-stepped run on a GPU device
// (SamplingConfig::stepsOnCpu) uploads exactly the CPU backend's states into the drawn history.
// Validation layer on.
#include <gtest/gtest.h>

#include "DiffusionParams.h"
#include "DiffusionSimulation.h"
#include "GpuFixture.h"
#include "LearnedModel.h"
#include "MixtureGrids.h"
#include "Prediction.h"
#include "ReferenceMlp.h"
#include "Rng.h"

using namespace flowscope;
using flowscope::testing::GpuTest;

namespace {

std::shared_ptr<const Dataset> learnedRing(ObjectiveKind k, Activation a, bool residual) {
  MlpWeights w;
  w.spec.width = 16;
  w.spec.depth = 2;
  w.spec.activation = a;
  w.spec.residual = residual;
  w.spec.embedding.width = 8;
  w.spec.embedding.scale = 1.0;
  w.parameters = initialParameters(w.spec);
  ObjectiveSpec o;
  o.kind = k;
  w.objective = o;
  auto ring = resolve(DataSource::ofMixture(GaussianMixture::ring()));
  return withLearnedModel(ring, std::make_shared<LearnedModel>(w), "random");
}

}  // namespace

class LearnedGpu : public GpuTest {};

TEST_F(LearnedGpu, SamplerStepsMatchTheCpuTwinForEveryObjective) {
  const uint32_t n = 256;
  const std::pair<ObjectiveKind, SamplerKind> cases[] = {
      {ObjectiveKind::Edm, SamplerKind::Heun},
      {ObjectiveKind::DdpmEpsilon, SamplerKind::Ddim},
      {ObjectiveKind::DdpmV, SamplerKind::Ddpm},
      {ObjectiveKind::Flow, SamplerKind::FlowHeun}};
  const Activation acts[] = {Activation::Gelu, Activation::Elu, Activation::Silu, Activation::Tanh};
  for (size_t c = 0; c < 4; ++c) {
    const auto [objective, kind] = cases[c];
    auto data = learnedRing(objective, acts[c], c % 2 == 1);
    GpuModelData model(*gpu, *data);
    ASSERT_EQ(model.kind(), GpuModel::Learned);
    GpuBuffer states(*gpu, 2 * n * sizeof(ParticleState), kStorageUsage, MemoryKind::DeviceLocal);
    SamplerKernel kernel(*gpu, kind, true);
    VkDescriptorSet set = kernel.bind(model, states);
    SamplerParams sp;
    sp.kind = kind;
    const auto levels = buildSchedule(defaultSchedule(compatibleSchedules(kind).front(), 12));
    for (int step : {0, 6, 11}) {
      Pcg32 rng(50 + step);
      std::vector<ParticleState> x(n);
      const double spread = std::max(1.0, levels[step].tau);
      for (auto& p : x) p = ParticleState(spread * rng.normal(), spread * rng.normal(), 0, 0);
      states.upload(std::span<const ParticleState>(x));
      const StepContext ctx = makeStepContext(sp, levels, step, 7u);
      gpu->submitAndWait([&](VkCommandBuffer cmd) {
        kernel.record(cmd, set, makeSamplerPush(ctx, model, n, 0, n));
      });
      const auto gpuOut = states.read<ParticleState>(n, n * sizeof(ParticleState));
      std::vector<ParticleState> cpuOut(n);
      samplerStepCpu(data->model(), ctx, x, cpuOut);
      const float tol = 2e-4f * float(spread);
      for (size_t i = 0; i < n; ++i) {
        ASSERT_NEAR(gpuOut[i].x, cpuOut[i].x, tol)
            << objectiveName(objective) << " step " << step << " particle " << i;
        ASSERT_NEAR(gpuOut[i].y, cpuOut[i].y, tol) << objectiveName(objective);
      }
    }
  }
}

TEST_F(LearnedGpu, FieldGridMatchesTheCpuTwin) {
  View2D view;
  const GridSpec grid = GridSpec::covering(view, 330, 210, 17, 11);
  const uint32_t nodes = grid.nx * grid.ny;
  auto data = learnedRing(ObjectiveKind::Edm, Activation::Silu, true);
  GpuModelData model(*gpu, *data);
  GpuBuffer field(*gpu, fieldBufferBytes(nodes), kStorageUsage, MemoryKind::DeviceLocal);
  FieldGridKernel kernel(*gpu, true);
  VkDescriptorSet set = kernel.bind(model.mixture(), field, model.points());
  for (auto kind : {FieldKind::Score, FieldKind::DenoiserDisplacement}) {
    gpu->submitAndWait([&](VkCommandBuffer cmd) {
      kernel.record(cmd, set, field, makeGridPush(grid, model.ref(), kind, 1.0, 0.7, true));
    });
    const auto g = field.read<glm::vec4>(nodes, 16);
    const auto c = fieldGridCpu(data->model(), grid, 1.0, 0.7, kind, true);
    for (size_t i = 0; i < nodes; ++i) {
      const float scale = 1.0f + glm::length(glm::vec2(c[i].z, c[i].w));
      ASSERT_NEAR(g[i].z, c[i].z, 2e-4f * scale) << "node " << i;
      ASSERT_NEAR(g[i].w, c[i].w, 2e-4f * scale) << "node " << i;
    }
  }
}

TEST_F(LearnedGpu, PredictionsMatchTheCpuTwin) {
  const uint32_t n = 300;
  auto data = learnedRing(ObjectiveKind::DdpmV, Activation::Gelu, true);
  GpuModelData model(*gpu, *data);
  std::vector<ParticleState> states(n);
  Pcg32 rng(11);
  for (auto& p : states) p = ParticleState(2 * rng.normal(), 2 * rng.normal(), 0.0, 0.0);
  GpuBuffer stateBuffer(*gpu, n * sizeof(ParticleState), kStorageUsage, MemoryKind::DeviceLocal);
  stateBuffer.upload(std::span<const ParticleState>(states));
  GpuBuffer predictions(*gpu, n * sizeof(glm::vec4), kStorageUsage, MemoryKind::DeviceLocal);
  PredictKernel kernel(*gpu, true);
  VkDescriptorSet set = kernel.bind(model, stateBuffer, predictions);
  const PredictPush push{n, 0, 0.8f, 0.6f, model.ref()};
  gpu->submitAndWait([&](VkCommandBuffer cmd) { kernel.record(cmd, set, push); });
  const auto g = predictions.read<glm::vec4>(n);
  const auto c = predictX0Cpu(data->model(), states, 0.8f, 0.6f);
  for (size_t i = 0; i < n; ++i) {
    const float scale = 1.0f + glm::length(glm::vec2(c[i].z, c[i].w));
    ASSERT_NEAR(g[i].z, c[i].z, 2e-4f * scale) << "particle " << i;
    ASSERT_NEAR(g[i].w, c[i].w, 2e-4f * scale) << "particle " << i;
  }
}

TEST_F(LearnedGpu, KernelsWithoutTheNetworkRefuseALearnedModel) {
  auto data = learnedRing(ObjectiveKind::Edm, Activation::Relu, false);
  GpuModelData model(*gpu, *data);
  ASSERT_EQ(model.kind(), GpuModel::Learned);
  GpuBuffer field(*gpu, fieldBufferBytes(4), kStorageUsage, MemoryKind::DeviceLocal);
  FieldGridKernel exact(*gpu);
  EXPECT_FALSE(exact.learned());
  VkDescriptorSet set = exact.bind(model.mixture(), field, model.points());
  const GridSpec grid = GridSpec::covering(View2D{}, 100, 100, 2, 2);
  const GridPush push = makeGridPush(grid, model.ref(), FieldKind::Score, 1.0, 0.5, false);
  EXPECT_THROW(
      gpu->submitAndWait([&](VkCommandBuffer cmd) { exact.record(cmd, set, field, push); }),
      GpuError);
  SamplerKernel sampler(*gpu, SamplerKind::Heun);
  VkDescriptorSet states = sampler.bind(model, field);
  StepContext ctx;
  ctx.kind = SamplerKind::Heun;
  EXPECT_THROW(gpu->submitAndWait([&](VkCommandBuffer cmd) {
    sampler.record(cmd, states, makeSamplerPush(ctx, model, 1, 0, 1));
  }),
               GpuError);
}

TEST_F(LearnedGpu, CpuSteppedRunsUploadTheCpuBackendsStates) {
  SamplingConfig c;
  c.sampler.kind = SamplerKind::FlowHeun;
  c.schedule = defaultSchedule(ScheduleKind::Flow, 8);
  c.particleCount = 5000;  // more than one vkCmdUpdateBuffer of 64 KiB a state
  c.seed = 3;
  auto data = learnedRing(ObjectiveKind::Flow, Activation::Silu, false);
  DiffusionSimulation onCpu(data, c, nullptr);
  c.stepsOnCpu = true;
  DiffusionSimulation hybrid(data, c, gpu);
  EXPECT_TRUE(hybrid.stepsOnCpu());
  onCpu.seek(8);
  gpu->submitAndWait([&](VkCommandBuffer cmd) { hybrid.seek(8, cmd); });
  EXPECT_EQ(hybrid.state(8), onCpu.state(8));
  const size_t n = size_t(c.particleCount);
  const auto drawn =
      hybrid.historyBuffer()->read<ParticleState>(n, hybrid.slotOf(8) * n * sizeof(ParticleState));
  EXPECT_EQ(drawn, onCpu.state(8));
  const auto tracked = hybrid.trackBuffer()->read<ParticleState>(
      hybrid.trackedCount(), 8 * hybrid.trackedCount() * sizeof(ParticleState));
  EXPECT_EQ(tracked[5], onCpu.state(8)[5]);
}
