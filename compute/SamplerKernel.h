#pragma once
// The GPU kernel of every sampler (shaders/sampler_step.comp); CPU twin: samplerStepCpu.
// Bindings: 0 mixture, 1 states (vec4 history ring), 2 dataset points.
#include "ComputeKernel.h"
#include "GpuModel.h"
#include "Samplers.h"

namespace flowscope {

// std430 push constants of sampler_step.comp.
struct SamplerPush {
  uint32_t kind, model, count, modelCount;
  uint32_t srcOffset, dstOffset, seed, step;
  float s, tau, sNext, tauNext;
  float t, tNext, eta, churnGamma;
  float sNoise, hLast, langevinAlpha;
  uint32_t langevinSteps;
};
static_assert(sizeof(SamplerPush) == 80);

SamplerPush makeSamplerPush(const StepContext& c, const GpuModelData& model, uint32_t count,
                            uint32_t srcOffset, uint32_t dstOffset);

class SamplerKernel {
 public:
  static constexpr uint32_t kLocalSize = 64;  // = kTile in shaders/model.glsl
  // The kernel of one sampler (its kind is a specialization constant of the shader).
  SamplerKernel(const GpuContext& ctx, SamplerKind kind);
  SamplerKind kind() const { return kind_; }
  VkDescriptorSet bind(const GpuModelData& model, const GpuBuffer& states);
  // push.kind must be this kernel's kind.
  void record(VkCommandBuffer cmd, VkDescriptorSet set, const SamplerPush& push) const;

 private:
  SamplerKind kind_;
  ComputeKernel kernel_;
};

}  // namespace flowscope
