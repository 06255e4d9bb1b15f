#pragma once
// EDM deterministic samplers (Karras et al. 2022, Algorithm 1) on an exact Gaussian mixture:
// the CPU twin of shaders/edm_step.comp, and the GPU kernel that runs it.
#include <glm/glm.hpp>

#include <span>
#include <string>

#include "ComputeKernel.h"
#include "GaussianMixture.h"

namespace flowscope {

enum class EdmSamplerKind { Euler, Heun };

std::string samplerName(EdmSamplerKind kind);
// "euler" or "heun"; throws InputError listing the valid names.
EdmSamplerKind parseSampler(const std::string& name);

// Denoiser evaluations needed to go from state 0 to state k of an N-step run: Euler uses one a
// step; Heun two, except the last step (to sigma = 0), which is an Euler step: 2N - 1 in all.
int edmEvaluations(EdmSamplerKind kind, int steps, int state);

// One step from sigmaCur to sigmaNext for every particle. Storage is float (the GPU's), the
// arithmetic double. Returns the denoiser evaluations the step made for each particle.
int edmStepCpu(const GaussianMixture& mixture, EdmSamplerKind kind, double sigmaCur,
               double sigmaNext, std::span<const glm::vec2> src, std::span<glm::vec2> dst);

// Push constants of edm_step.comp (std430, 28 bytes).
struct EdmStepPush {
  uint32_t count;
  uint32_t componentCount;
  uint32_t srcOffset;
  uint32_t dstOffset;
  float sigmaCur;
  float sigmaNext;
  uint32_t heun;
};
static_assert(sizeof(EdmStepPush) == 28);

// Binding 0: mixture components; binding 1: the state (history) buffer.
class EdmStepKernel {
 public:
  explicit EdmStepKernel(const GpuContext& ctx);
  VkDescriptorSet bind(const GpuBuffer& mixture, const GpuBuffer& states);
  void record(VkCommandBuffer cmd, VkDescriptorSet set, const EdmStepPush& push) const;

 private:
  ComputeKernel kernel_;
};

}  // namespace flowscope
