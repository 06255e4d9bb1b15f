#include "EdmSampler.h"

#include <atomic>

#include "InputError.h"
#include "Parallel.h"

namespace flowscope {
namespace {
const uint32_t kSpirv[] =
#include "edm_step.comp.spv.inc"
    ;
}  // namespace

std::string samplerName(EdmSamplerKind kind) {
  return kind == EdmSamplerKind::Euler ? "euler" : "heun";
}

EdmSamplerKind parseSampler(const std::string& name) {
  if (name == "euler") return EdmSamplerKind::Euler;
  if (name == "heun") return EdmSamplerKind::Heun;
  throw InputError("sampler: unknown '" + name + "' (valid: euler, heun)");
}

int edmEvaluations(EdmSamplerKind kind, int steps, int state) {
  if (kind == EdmSamplerKind::Euler) return state;
  return state < steps ? 2 * state : 2 * steps - 1;
}

int edmStepCpu(const GaussianMixture& mixture, EdmSamplerKind kind, double sigmaCur,
               double sigmaNext, std::span<const glm::vec2> src, std::span<glm::vec2> dst) {
  const double h = sigmaNext - sigmaCur;
  const bool heun = kind == EdmSamplerKind::Heun && sigmaNext > 0.0;
  std::atomic<int> evaluationsOfFirst{0};
  parallelFor(src.size(), [&](size_t i) {
    int evaluations = 1;
    glm::dvec2 x(src[i]);
    glm::dvec2 d = (x - mixture.denoise(x, sigmaCur)) / sigmaCur;
    glm::dvec2 next = x + h * d;
    if (heun) {
      glm::dvec2 d2 = (next - mixture.denoise(next, sigmaNext)) / sigmaNext;
      ++evaluations;
      next = x + h * (0.5 * d + 0.5 * d2);
    }
    dst[i] = glm::vec2(next);
    if (i == 0) evaluationsOfFirst = evaluations;
  });
  return evaluationsOfFirst;
}

EdmStepKernel::EdmStepKernel(const GpuContext& ctx)
    : kernel_(ctx, kSpirv, 2, sizeof(EdmStepPush)) {}

VkDescriptorSet EdmStepKernel::bind(const GpuBuffer& mixture, const GpuBuffer& states) {
  const GpuBuffer* buffers[] = {&mixture, &states};
  return kernel_.makeSet(buffers);
}

void EdmStepKernel::record(VkCommandBuffer cmd, VkDescriptorSet set,
                           const EdmStepPush& push) const {
  kernel_.dispatch(cmd, set, &push, push.count, 256);
}

}  // namespace flowscope
