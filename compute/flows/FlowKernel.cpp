#include "FlowKernel.h"

#include <algorithm>

#include "GpuContext.h"
#include "InputError.h"
#include "ShaderLayout.h"

namespace flowscope {
namespace {

const uint32_t kTraceSpv[] =
#include "flow_trace.comp.spv.inc"
    ;
constexpr uint32_t kLocal = 64, kLayerFloats = 8;

struct Push {  // = flow_trace.comp
  uint32_t n, layers, inverse, bins;
  float tailBound;
  uint32_t width, depth, activation;
};
FLOWSCOPE_SHADER_SIZE(Push, 32);
FLOWSCOPE_SHADER_OFFSET(Push, tailBound, 16);
FLOWSCOPE_SHADER_OFFSET(Push, activation, 28);

enum Slot : size_t { kParams, kPoints, kStates, kLogDets };

}  // namespace

std::vector<float> gpuFlowPacking(const FlowLayout& layout, std::span<const float> params) {
  const size_t table = layout.layers.size() * kLayerFloats;
  std::vector<float> out(table, 0.0f);
  for (size_t i = 0; i < layout.layers.size(); ++i) {
    const FlowLayer& l = layout.layers[i];
    float* t = &out[i * kLayerFloats];
    t[0] = float(int(l.type));
    t[1] = float(l.cond);
    t[2] = float(table + l.offset);
    t[3] = float(l.net.outputs);
    t[4] = l.swap ? 1.0f : 0.0f;
    t[5] = float(l.sign0);
    t[6] = float(l.sign1);
  }
  out.insert(out.end(), params.begin(), params.end());
  return out;
}

GpuFlow::GpuFlow(const GpuContext& ctx)
    : ctx_(ctx),
      kernel_(std::make_unique<ComputeKernel>(ctx, kTraceSpv, 4, sizeof(Push), 2)),
      workspace_(ctx) {}
GpuFlow::~GpuFlow() = default;

FlowTrace<float> GpuFlow::trace(const FlowSpec& spec, std::span<const float> params,
                                std::span<const float> points, bool inverse) {
  const FlowLayout layout = flowLayout(spec);
  if (params.size() != layout.count) throw InputError("parameters: the flow's count differs");
  const size_t n = points.size() / 2, L = layout.layers.size();
  if (L == 0 || L > 1024) throw InputError("layers: the flow has none or too many");
  const std::vector<float> packed = gpuFlowPacking(layout, params);
  const VkDeviceSize stateBytes = VkDeviceSize(L + 1) * n * 8, logBytes = VkDeviceSize(L) * n * 4;
  if (std::max(stateBytes, VkDeviceSize(packed.size()) * 4) > ctx_.limits().maxStorageBufferRange)
    throw InputError("points: " + std::to_string(n) + " points through " + std::to_string(L) +
                     " layers exceed this device's storage-buffer range");
  if (n == 0) throw InputError("points: none to trace");
  const GpuBuffer &prm = workspace_.buffer(kParams, packed.size() * 4),
                  &pts = workspace_.buffer(kPoints, points.size() * 4),
                  &states = workspace_.buffer(kStates, stateBytes),
                  &logs = workspace_.buffer(kLogDets, std::max<VkDeviceSize>(4, logBytes));
  const KernelWorkspace::Upload up[] = {{&prm, packed.data(), packed.size() * 4},
                                        {&pts, points.data(), points.size() * 4}};
  workspace_.upload(up);
  const VkDescriptorSet set = workspace_.set(*kernel_, {&prm, &pts, &states, &logs});
  Push q{uint32_t(n),           uint32_t(L),
         inverse ? 1u : 0u,     uint32_t(spec.bins),
         float(spec.tailBound), uint32_t(spec.width),
         uint32_t(spec.depth),  uint32_t(int(spec.activation))};
  ctx_.submitAndWait([&](VkCommandBuffer cmd) { kernel_->dispatch(cmd, set, &q, q.n, kLocal); });
  std::vector<float> s((L + 1) * n * 2), ld(std::max<size_t>(1, L * n));
  const KernelWorkspace::Download down[] = {{&states, s.data(), stateBytes},
                                            {&logs, ld.data(), logBytes}};
  workspace_.download(std::span(down, L > 0 ? 2 : 1));
  FlowTrace<float> t;
  t.states.assign(L + 1, std::vector<float>(n * 2));
  t.logDets.assign(L, std::vector<float>(n));
  for (size_t k = 0; k <= L; ++k) std::copy_n(s.data() + k * n * 2, n * 2, t.states[k].data());
  for (size_t k = 0; k < L; ++k) std::copy_n(ld.data() + k * n, n, t.logDets[k].data());
  return t;
}

}  // namespace flowscope
