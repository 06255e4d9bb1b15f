#include "Prediction.h"

namespace flowscope {
namespace {
const uint32_t kSpirv[] =
#include "predict_x0.comp.spv.inc"
    ;
const uint32_t kLearnedSpirv[] =
#include "predict_x0.comp.learned.spv.inc"
    ;
}  // namespace

std::vector<glm::vec4> predictX0Cpu(const ExactModel& model, std::span<const ParticleState> states,
                                    double s, double tau) {
  std::vector<glm::vec4> out(states.size());
  for (size_t i = 0; i < states.size(); ++i) {
    glm::dvec2 d = model.denoise(glm::dvec2(states[i].x, states[i].y), s, tau);
    out[i] = glm::vec4(states[i].x, states[i].y, float(d.x), float(d.y));
  }
  return out;
}

PredictKernel::PredictKernel(const GpuContext& ctx, bool learned)
    : learned_(learned),
      kernel_(ctx, learned ? std::span<const uint32_t>(kLearnedSpirv) : kSpirv, 4,
              sizeof(PredictPush)) {}

VkDescriptorSet PredictKernel::bind(const GpuModelData& model, const GpuBuffer& states,
                                    const GpuBuffer& predictions) {
  const GpuBuffer* buffers[] = {&model.mixture(), &states, &model.points(), &predictions};
  return kernel_.makeSet(buffers);
}

void PredictKernel::record(VkCommandBuffer cmd, VkDescriptorSet set,
                           const PredictPush& push) const {
  requireModelVariant(push.model.kind, learned_, "PredictKernel");
  kernel_.dispatch(cmd, set, &push, push.count, 64);
}

}  // namespace flowscope
