#pragma once
// The GPU kernel of every sampler (shaders/sampler_step.comp); CPU twin: samplerStepCpu.
// Bindings: 0 mixture, 1 states (vec4 history ring), 2 dataset points.
#include "ComputeKernel.h"
#include "GpuModel.h"
#include "Samplers.h"
#include "ShaderLayout.h"

namespace flowscope {

// std430 push constants of sampler_step.comp.
struct SamplerPush {
  uint32_t kind, count;
  uint32_t srcOffset, dstOffset, seed, step;
  float s, tau, sNext, tauNext;
  float t, tNext, eta, churnGamma;
  float sNoise, hLast, langevinAlpha;
  uint32_t langevinSteps;
  GpuModelRef model;
};
FLOWSCOPE_SHADER_SIZE(SamplerPush, 104);  // = sampler_step.comp
FLOWSCOPE_SHADER_OFFSET(SamplerPush, kind, 0);
FLOWSCOPE_SHADER_OFFSET(SamplerPush, count, 4);
FLOWSCOPE_SHADER_OFFSET(SamplerPush, srcOffset, 8);
FLOWSCOPE_SHADER_OFFSET(SamplerPush, dstOffset, 12);
FLOWSCOPE_SHADER_OFFSET(SamplerPush, seed, 16);
FLOWSCOPE_SHADER_OFFSET(SamplerPush, step, 20);
FLOWSCOPE_SHADER_OFFSET(SamplerPush, s, 24);
FLOWSCOPE_SHADER_OFFSET(SamplerPush, tau, 28);
FLOWSCOPE_SHADER_OFFSET(SamplerPush, sNext, 32);
FLOWSCOPE_SHADER_OFFSET(SamplerPush, tauNext, 36);
FLOWSCOPE_SHADER_OFFSET(SamplerPush, t, 40);
FLOWSCOPE_SHADER_OFFSET(SamplerPush, tNext, 44);
FLOWSCOPE_SHADER_OFFSET(SamplerPush, eta, 48);
FLOWSCOPE_SHADER_OFFSET(SamplerPush, churnGamma, 52);
FLOWSCOPE_SHADER_OFFSET(SamplerPush, sNoise, 56);
FLOWSCOPE_SHADER_OFFSET(SamplerPush, hLast, 60);
FLOWSCOPE_SHADER_OFFSET(SamplerPush, langevinAlpha, 64);
FLOWSCOPE_SHADER_OFFSET(SamplerPush, langevinSteps, 68);
FLOWSCOPE_SHADER_OFFSET(SamplerPush, model, 72);

SamplerPush makeSamplerPush(const StepContext& c, const GpuModelData& model, uint32_t count,
                            uint32_t srcOffset, uint32_t dstOffset);

class SamplerKernel {
 public:
  static constexpr uint32_t kLocalSize = 64;  // = kTile in shaders/model.glsl
  // The kernel of one sampler (its kind is a specialization constant of the shader); `learned`:
  // the build that can step a learned model (requireModelVariant).
  SamplerKernel(const GpuContext& ctx, SamplerKind kind, bool learned = false);
  SamplerKind kind() const { return kind_; }
  bool learned() const { return learned_; }
  VkDescriptorSet bind(const GpuModelData& model, const GpuBuffer& states);
  // push.kind must be this kernel's kind.
  void record(VkCommandBuffer cmd, VkDescriptorSet set, const SamplerPush& push) const;

 private:
  SamplerKind kind_;
  bool learned_;
  ComputeKernel kernel_;
};

}  // namespace flowscope
