// Every GPU kernel against its CPU twin on seeded inputs, with the validation layer on.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "DiffusionSimulation.h"
#include "GpuFixture.h"
#include "MixtureGrids.h"
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

std::vector<glm::vec2> randomPoints(size_t n, double spread, uint64_t seed) {
  Pcg32 rng(seed);
  std::vector<glm::vec2> p(n);
  for (auto& q : p) q = glm::vec2(float(spread * rng.normal()), float(spread * rng.normal()));
  return p;
}

}  // namespace

class GpuKernels : public GpuTest {};

TEST_F(GpuKernels, EdmStepMatchesCpuTwinForEulerAndHeun) {
  GaussianMixture m = GaussianMixture::ring();
  KarrasParams sched;
  auto sigmas = karrasSigmas(sched);
  const uint32_t n = 5000;
  auto comps = m.gpuComponents();
  GpuBuffer mix(*gpu, comps.size() * sizeof(GpuMixtureComponent),
                VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, MemoryKind::HostVisible);
  mix.upload(std::span<const GpuMixtureComponent>(comps));
  GpuBuffer states(*gpu, 2 * n * sizeof(glm::vec2), kStorageUsage, MemoryKind::DeviceLocal);
  EdmStepKernel kernel(*gpu);
  VkDescriptorSet set = kernel.bind(mix, states);
  for (auto kind : {EdmSamplerKind::Euler, EdmSamplerKind::Heun}) {
    for (int step : {0, 9, 16, 17}) {  // high noise, middle, last Heun step, final Euler step
      double spread = std::max(0.5, sigmas[step]);
      auto x = randomPoints(n, spread, 100 + step);
      states.upload(std::span<const glm::vec2>(x));
      EdmStepPush push{n,
                       uint32_t(comps.size()),
                       0,
                       n,
                       float(sigmas[step]),
                       float(sigmas[step + 1]),
                       kind == EdmSamplerKind::Heun ? 1u : 0u};
      gpu->submitAndWait([&](VkCommandBuffer cmd) { kernel.record(cmd, set, push); });
      auto gpuOut = states.read<glm::vec2>(n, n * sizeof(glm::vec2));
      std::vector<glm::vec2> cpuOut(n);
      edmStepCpu(m, kind, sigmas[step], sigmas[step + 1], x, cpuOut);
      for (size_t i = 0; i < n; ++i)
        expectClose(gpuOut[i], cpuOut[i], float(spread), "edm step", i);
    }
  }
}

TEST_F(GpuKernels, WholeRunOnGpuMatchesCpuBackend) {
  GaussianMixture m = GaussianMixture::ring();
  SamplingConfig c;
  c.particleCount = 4096;
  c.seed = 42;
  for (auto kind : {EdmSamplerKind::Euler, EdmSamplerKind::Heun}) {
    c.sampler = kind;
    DiffusionSimulation onGpu(m, c, gpu), onCpu(m, c, nullptr);
    EXPECT_EQ(onGpu.state(0), onCpu.state(0)) << "identical initial noise";
    onGpu.seek(c.schedule.steps);
    onCpu.seek(c.schedule.steps);
    auto a = onGpu.state(c.schedule.steps), b = onCpu.state(c.schedule.steps);
    size_t far = 0;
    for (size_t i = 0; i < a.size(); ++i) far += glm::length(a[i] - b[i]) > 1e-3f;
    // 18 float steps against double: all but a handful of particles agree to 1e-3.
    EXPECT_LE(far, a.size() / 500) << samplerName(kind);
  }
}

TEST_F(GpuKernels, HistoryRingReplayOnGpuIsExact) {
  GaussianMixture m = GaussianMixture::ring();
  SamplingConfig c;
  c.particleCount = 2048;
  c.schedule.steps = 12;
  DiffusionSimulation small(m, c, gpu, 4 * 2048 * sizeof(glm::vec2)), full(m, c, gpu);
  small.seek(12);
  full.seek(12);
  small.seek(3);  // older than the ring: replayed from the noise
  EXPECT_EQ(small.state(3), full.state(3));
  EXPECT_EQ(small.oldestAvailable(), 0);
}

TEST_F(GpuKernels, LogDensityGridMatchesCpuTwin) {
  GaussianMixture m = GaussianMixture::ring();
  View2D view;
  GridSpec grid = GridSpec::covering(view, 320, 200, 64, 40);
  auto comps = m.gpuComponents();
  GpuBuffer mix(*gpu, comps.size() * sizeof(GpuMixtureComponent),
                VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, MemoryKind::HostVisible);
  mix.upload(std::span<const GpuMixtureComponent>(comps));
  GpuBuffer out(*gpu, grid.nx * grid.ny * sizeof(float), kStorageUsage, MemoryKind::DeviceLocal);
  LogDensityKernel kernel(*gpu);
  VkDescriptorSet set = kernel.bind(mix, out);
  for (double sigma : {0.0, 0.3, 5.0}) {
    gpu->submitAndWait([&](VkCommandBuffer cmd) {
      kernel.record(cmd, set, makeDensityPush(grid, uint32_t(comps.size()), sigma));
    });
    auto g = out.read<float>(grid.nx * grid.ny);
    auto c = logDensityGridCpu(m, grid, sigma);
    for (size_t i = 0; i < g.size(); ++i)
      ASSERT_NEAR(g[i], c[i], 2e-4 * std::max(1.0f, std::abs(c[i])))
          << "sigma " << sigma << " node " << i;
  }
}

TEST_F(GpuKernels, FieldGridMatchesCpuTwinAndReportsMaxMagnitude) {
  GaussianMixture m = GaussianMixture::ring();
  View2D view;
  GridSpec grid = GridSpec::covering(view, 320, 200, 32, 20);
  auto comps = m.gpuComponents();
  GpuBuffer mix(*gpu, comps.size() * sizeof(GpuMixtureComponent),
                VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, MemoryKind::HostVisible);
  mix.upload(std::span<const GpuMixtureComponent>(comps));
  const uint32_t nodes = grid.nx * grid.ny;
  GpuBuffer out(*gpu, fieldBufferBytes(nodes), kStorageUsage, MemoryKind::DeviceLocal);
  FieldGridKernel kernel(*gpu);
  VkDescriptorSet set = kernel.bind(mix, out);
  for (auto kind : {FieldKind::Score, FieldKind::DenoiserDisplacement}) {
    double sigma = 0.4;
    gpu->submitAndWait([&](VkCommandBuffer cmd) {
      kernel.record(cmd, set, out, makeGridPush(grid, uint32_t(comps.size()), kind, sigma));
    });
    float maxGpu = out.read<float>(1)[0];
    auto g = out.read<glm::vec4>(nodes, 16);
    auto c = fieldGridCpu(m, grid, sigma, kind);
    float maxCpu = 0.0f;
    for (size_t i = 0; i < nodes; ++i) {
      maxCpu = std::max(maxCpu, glm::length(glm::vec2(c[i].z, c[i].w)));
      expectClose(glm::vec2(g[i]), glm::vec2(c[i]), 4.0f, "node", i);
      expectClose(glm::vec2(g[i].z, g[i].w), glm::vec2(c[i].z, c[i].w),
                  glm::length(glm::vec2(c[i].z, c[i].w)), "field", i);
    }
    EXPECT_NEAR(maxGpu, maxCpu, 2e-4f * maxCpu);
  }
}

TEST_F(GpuKernels, SplatCountsMatchCpuTwin) {
  View2D view;
  view.center = {0.25, -0.5};
  view.height = 6.0;
  const int w = 200, h = 120;
  // Points at pixel centres, so float rounding cannot move one across a pixel edge; some repeat
  // (several per pixel) and some fall outside the image.
  std::vector<glm::vec2> pts;
  Pcg32 rng(9);
  for (int i = 0; i < 20000; ++i) {
    int px = int(rng.next() % (w + 40)) - 20, py = int(rng.next() % (h + 40)) - 20;
    glm::dvec2 wpt = view.pixelToWorld({px + 0.5, py + 0.5}, w, h);
    pts.push_back(glm::vec2(wpt));
  }
  GpuBuffer states(*gpu, pts.size() * sizeof(glm::vec2), kStorageUsage, MemoryKind::DeviceLocal);
  states.upload(std::span<const glm::vec2>(pts));
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
