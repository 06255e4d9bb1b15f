#include "EstimatorKernel.h"

#include <algorithm>

#include "GpuContext.h"
#include "InputError.h"
#include "ShaderLayout.h"

namespace flowscope {
namespace {

const uint32_t kSpv[] =
#include "estimator_samples.comp.spv.inc"
    ;
constexpr uint32_t kLocal = 64;

struct Push {  // = estimator_samples.comp
  uint32_t estimates, samples, stride, n;
  uint32_t dist, kind, f;
  float tau;
};
FLOWSCOPE_SHADER_SIZE(Push, 32);
FLOWSCOPE_SHADER_OFFSET(Push, tau, 28);

enum Slot : size_t { kParams, kNoise, kOut };

}  // namespace

GpuEstimator::GpuEstimator(const GpuContext& ctx)
    : ctx_(ctx),
      kernel_(std::make_unique<ComputeKernel>(ctx, kSpv, 3, sizeof(Push), 2)),
      workspace_(ctx) {}
GpuEstimator::~GpuEstimator() = default;

std::vector<float> GpuEstimator::estimates(const EstimatorProblem& p, const EstimatorSpec& s,
                                           std::span<const float> noise) {
  validate(p);
  validate(s);
  checkApplies(s.kind, p.dist);
  if (p.expression)
    throw InputError("f: a typed expression runs on the CPU only (the kernel has the named ones)");
  const size_t stride = noiseStride(p, s), per = size_t(s.samples) * stride;
  if (noise.empty() || noise.size() % per != 0)
    throw InputError("noise: a multiple of " + std::to_string(per) + " values expected");
  const size_t r = noise.size() / per, n = p.theta.size();
  if (VkDeviceSize(noise.size()) * 4 > ctx_.limits().maxStorageBufferRange)
    throw InputError("noise: above this device's storage-buffer range");
  std::vector<float> params(16, 0.0f);
  for (size_t k = 0; k < n; ++k) params[k] = float(p.theta[k]);
  for (size_t k = 0; k < p.table.size(); ++k) params[8 + k] = float(p.table[k]);
  const GpuBuffer &prm = workspace_.buffer(kParams, params.size() * 4),
                  &nz = workspace_.buffer(kNoise, noise.size() * 4),
                  &out = workspace_.buffer(kOut, r * n * 4);
  const KernelWorkspace::Upload up[] = {{&prm, params.data(), params.size() * 4},
                                        {&nz, noise.data(), noise.size() * 4}};
  workspace_.upload(up);
  const VkDescriptorSet set = workspace_.set(*kernel_, {&prm, &nz, &out});
  const uint32_t f = p.dist == EstimatorDist::Gaussian2d ? uint32_t(p.f2) : uint32_t(p.f);
  Push q{uint32_t(r), uint32_t(s.samples), uint32_t(stride),
         uint32_t(n), uint32_t(p.dist),    uint32_t(s.kind),
         f,           float(s.tau)};
  ctx_.submitAndWait(
      [&](VkCommandBuffer cmd) { kernel_->dispatch(cmd, set, &q, q.estimates, kLocal); });
  std::vector<float> g(r * n);
  const KernelWorkspace::Download down[] = {{&out, g.data(), g.size() * 4}};
  workspace_.download(down);
  return g;
}

}  // namespace flowscope
