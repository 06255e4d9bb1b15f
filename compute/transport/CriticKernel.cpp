#include "CriticKernel.h"

#include <algorithm>

#include "GpuContext.h"
#include "InputError.h"
#include "ShaderLayout.h"

namespace flowscope {
namespace {

const uint32_t kFieldSpv[] =
#include "critic_field.comp.spv.inc"
    ;
constexpr uint32_t kLocal = 64;

struct Push {  // = critic_field.comp
  uint32_t n, width, depth, activation;
};
FLOWSCOPE_SHADER_SIZE(Push, 16);

enum Slot : size_t { kParams, kPoints, kValues };

}  // namespace

GpuCritic::GpuCritic(const GpuContext& ctx)
    : ctx_(ctx),
      kernel_(std::make_unique<ComputeKernel>(ctx, kFieldSpv, 3, sizeof(Push), 2)),
      workspace_(ctx) {}
GpuCritic::~GpuCritic() = default;

CriticMlpT<float>::Evaluation GpuCritic::evaluate(const MlpSpec& spec,
                                                  std::span<const float> params,
                                                  std::span<const float> points) {
  validateCritic(spec);
  if (spec.inputs != 2)
    throw InputError("inputs: the critic kernel evaluates critics of the plane");
  if (params.size() != layoutOf(spec).count)
    throw InputError("parameters: the critic's count differs");
  const size_t n = points.size() / 2;
  if (n == 0) throw InputError("points: none to evaluate");
  const VkDeviceSize outBytes = VkDeviceSize(n) * 16;
  if (std::max(outBytes, VkDeviceSize(params.size()) * 4) > ctx_.limits().maxStorageBufferRange)
    throw InputError("points: " + std::to_string(n) +
                     " points exceed this device's storage-buffer range");
  const GpuBuffer &prm = workspace_.buffer(kParams, params.size() * 4),
                  &pts = workspace_.buffer(kPoints, n * 8),
                  &out = workspace_.buffer(kValues, outBytes);
  const KernelWorkspace::Upload up[] = {{&prm, params.data(), params.size() * 4},
                                        {&pts, points.data(), n * 8}};
  workspace_.upload(up);
  const VkDescriptorSet set = workspace_.set(*kernel_, {&prm, &pts, &out});
  Push q{uint32_t(n), uint32_t(spec.width), uint32_t(spec.depth), uint32_t(int(spec.activation))};
  ctx_.submitAndWait([&](VkCommandBuffer cmd) { kernel_->dispatch(cmd, set, &q, q.n, kLocal); });
  std::vector<float> v(n * 4);
  const KernelWorkspace::Download down[] = {{&out, v.data(), outBytes}};
  workspace_.download(down);
  CriticMlpT<float>::Evaluation e;
  e.values.resize(n);
  e.gradients.resize(2 * n);
  for (size_t i = 0; i < n; ++i) {
    e.values[i] = v[4 * i];
    e.gradients[2 * i] = v[4 * i + 1];
    e.gradients[2 * i + 1] = v[4 * i + 2];
  }
  return e;
}

}  // namespace flowscope
