#include "ReceptiveFieldKernel.h"

#include <algorithm>
#include <chrono>

#include "InputError.h"
#include "Limits.h"
#include "ShaderLayout.h"

namespace flowscope {
namespace {
const uint32_t kForwardSpv[] =
#include "rf_forward.comp.spv.inc"
    ;
const uint32_t kBackwardSpv[] =
#include "rf_backward.comp.spv.inc"
    ;
constexpr uint32_t kLocal = 64;

struct Push {  // = rf.glsl
  uint32_t kind, inOff, outOff, inH, inW, outH, outW;
  uint32_t kernel, stride, padding, dilation, wOff, relu, accumulate, unit;
  float scale;
};
FLOWSCOPE_SHADER_SIZE(Push, 64);  // = rf.glsl
FLOWSCOPE_SHADER_OFFSET(Push, kind, 0);
FLOWSCOPE_SHADER_OFFSET(Push, inOff, 4);
FLOWSCOPE_SHADER_OFFSET(Push, outOff, 8);
FLOWSCOPE_SHADER_OFFSET(Push, inH, 12);
FLOWSCOPE_SHADER_OFFSET(Push, inW, 16);
FLOWSCOPE_SHADER_OFFSET(Push, outH, 20);
FLOWSCOPE_SHADER_OFFSET(Push, outW, 24);
FLOWSCOPE_SHADER_OFFSET(Push, kernel, 28);
FLOWSCOPE_SHADER_OFFSET(Push, stride, 32);
FLOWSCOPE_SHADER_OFFSET(Push, padding, 36);
FLOWSCOPE_SHADER_OFFSET(Push, dilation, 40);
FLOWSCOPE_SHADER_OFFSET(Push, wOff, 44);
FLOWSCOPE_SHADER_OFFSET(Push, relu, 48);
FLOWSCOPE_SHADER_OFFSET(Push, accumulate, 52);
FLOWSCOPE_SHADER_OFFSET(Push, unit, 56);
FLOWSCOPE_SHADER_OFFSET(Push, scale, 60);
enum : uint32_t { kSeed = 5, kAbsAdd = 6 };

}  // namespace

GpuReceptiveField::GpuReceptiveField(const GpuContext& ctx) : ctx_(ctx), workspace_(ctx) {
  forward_ = std::make_unique<ComputeKernel>(ctx, kForwardSpv, 3, sizeof(Push), 4);
  backward_ = std::make_unique<ComputeKernel>(ctx, kBackwardSpv, 4, sizeof(Push), 4);
}
GpuReceptiveField::~GpuReceptiveField() = default;

ErfResult GpuReceptiveField::run(const Architecture& a, const ErfOptions& o) {
  const RfProgram p = compileRfProgram(a, o);
  const size_t hw = size_t(a.height) * a.width, seeds = size_t(o.seeds);
  const size_t actFloats = p.needsForward ? p.planeFloats + seeds * hw : 1;
  const size_t gradFloats = p.planeFloats + hw;  // every plane's gradient, then the ERF
  const size_t perSeed = size_t(std::max(p.weightCount, 1));  // = rfSeedWeights' size
  const size_t weightFloats = seeds * perSeed;
  const size_t argFloats = p.needsForward ? p.planeFloats : 1;
  const VkDeviceSize range = ctx_.limits().maxStorageBufferRange;
  for (size_t floats : {actFloats, gradFloats, weightFloats, argFloats})
    if (floats * 4 > range)
      throw InputError("--backend gpu: a buffer of " + std::to_string((floats * 4) >> 20) +
                       " MiB exceeds this device's storage-buffer range of " +
                       std::to_string(range >> 20) +
                       " MiB (a smaller input, fewer seeds or --backend cpu)");
  deviceBytes_ = (actFloats + gradFloats + weightFloats + argFloats) * 4;
  // Every buffer before any set (a grown buffer drops the cached sets).
  const GpuBuffer &act = workspace_.buffer(kActivations, actFloats * 4),
                  &grad = workspace_.buffer(kGradients, gradFloats * 4),
                  &weights = workspace_.buffer(kWeights, weightFloats * 4),
                  &argmax = workspace_.buffer(kArgmax, argFloats * 4);
  std::vector<float> w(weightFloats, 0.0f);
  for (size_t s = 0; s < seeds; ++s) {
    const auto ws = rfSeedWeights(p, o, int(s));
    std::copy(ws.begin(), ws.end(), w.begin() + s * perSeed);
  }
  std::vector<KernelWorkspace::Upload> uploads = {{&weights, w.data(), w.size() * 4}};
  std::vector<float> inputs;
  if (p.needsForward) {
    inputs.resize(seeds * hw);
    for (size_t s = 0; s < seeds; ++s) {
      const auto x = rfSeedInput(a, o, int(s));
      std::copy(x.begin(), x.end(), inputs.begin() + s * hw);
    }
    uploads.push_back({&act, inputs.data(), inputs.size() * 4, p.planeFloats * 4});
  }
  workspace_.upload(uploads);  // one submission
  VkDescriptorSet fset = workspace_.set(*forward_, {&act, &weights, &argmax}),
                  bset = workspace_.set(*backward_, {&grad, &weights, &argmax, &act});

  const RfPlane& target = p.planes[p.target];
  const uint32_t erfOff = uint32_t(p.planeFloats);
  auto opPush = [&](const RfOp& op) {
    const RfPlane &in = p.planes[op.in], &out = p.planes[op.out];
    Push q{};
    q.kind = uint32_t(op.kind), q.inOff = uint32_t(in.offset), q.outOff = uint32_t(out.offset);
    q.inH = in.height, q.inW = in.width, q.outH = out.height, q.outW = out.width;
    q.kernel = op.kernel, q.stride = op.stride, q.padding = op.padding;
    q.dilation = op.dilation, q.wOff = op.weightOffset;
    return q;
  };
  const auto start = std::chrono::steady_clock::now();
  ctx_.submitAndWait([&](VkCommandBuffer cmd) {
    for (uint32_t s = 0; s < seeds; ++s) {
      const uint32_t wBase = s * uint32_t(perSeed);
      if (p.needsForward)
        for (const RfOp& op : p.ops) {
          Push q = opPush(op);
          if (op.in == 0) q.inOff = uint32_t(p.planeFloats + s * hw);
          q.wOff += wBase, q.relu = op.relu, q.accumulate = op.accumulate;
          forward_->dispatch(cmd, fset, &q, q.outH * q.outW, kLocal);
          computeBarrier(cmd);
        }
      Push seed{};
      seed.kind = kSeed, seed.inOff = uint32_t(target.offset), seed.inH = target.height;
      seed.inW = target.width, seed.unit = uint32_t(p.unit);
      backward_->dispatch(cmd, bset, &seed, seed.inH * seed.inW, kLocal);
      computeBarrier(cmd);
      for (const auto& step : p.backward) {
        Push q = opPush(p.ops[step.op]);
        q.wOff += wBase, q.relu = step.mask, q.accumulate = step.accumulate;
        backward_->dispatch(cmd, bset, &q, q.inH * q.inW, kLocal);
        computeBarrier(cmd);
      }
      Push acc{};
      acc.kind = kAbsAdd, acc.inOff = 0, acc.outOff = erfOff, acc.inH = a.height;
      acc.inW = a.width, acc.accumulate = s > 0, acc.scale = float(1.0 / double(seeds));
      backward_->dispatch(cmd, bset, &acc, uint32_t(hw), kLocal);
      computeBarrier(cmd);
    }
  });
  ErfResult r;
  r.computeMs =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::vector<float> values(hw);
  const KernelWorkspace::Download erf{&grad, values.data(), hw * 4, VkDeviceSize(erfOff) * 4};
  workspace_.download(std::span(&erf, 1));
  requireFinite(std::span(values), "ERF of layer '" + o.layer + "' on the GPU",
                ": the gradient overflowed float32; the CPU backend computes in double, or use "
                "smaller weights");
  r.height = a.height, r.width = a.width;
  r.values.assign(values.begin(), values.end());
  r.box = p.box;
  r.unitRow = p.unit / p.planes[p.target].width, r.unitCol = p.unit % p.planes[p.target].width;
  r.defaulted = p.defaulted;
  return r;
}

}  // namespace flowscope
