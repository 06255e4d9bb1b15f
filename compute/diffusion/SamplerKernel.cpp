#include "SamplerKernel.h"

#include <array>

namespace flowscope {
namespace {
const uint32_t kSpirv[] =
#include "sampler_step.comp.spv.inc"
    ;
const uint32_t kLearnedSpirv[] =
#include "sampler_step.comp.learned.spv.inc"
    ;
}  // namespace

SamplerPush makeSamplerPush(const StepContext& c, const GpuModelData& model, uint32_t count,
                            uint32_t srcOffset, uint32_t dstOffset) {
  return {uint32_t(c.kind),
          count,
          srcOffset,
          dstOffset,
          c.seed,
          uint32_t(c.step),
          float(c.cur.s),
          float(c.cur.tau),
          float(c.next.s),
          float(c.next.tau),
          float(c.cur.t),
          float(c.next.t),
          float(c.eta),
          float(c.churnGamma),
          float(c.sNoise),
          float(c.hLast),
          float(c.langevinAlpha),
          uint32_t(c.langevinSteps),
          model.ref()};
}

SamplerKernel::SamplerKernel(const GpuContext& ctx, SamplerKind kind, bool learned)
    : kind_(kind),
      learned_(learned),
      kernel_(ctx, learned ? std::span<const uint32_t>(kLearnedSpirv) : kSpirv, 3,
              sizeof(SamplerPush), 16, std::array<uint32_t, 1>{uint32_t(kind)}) {}

VkDescriptorSet SamplerKernel::bind(const GpuModelData& model, const GpuBuffer& states) {
  const GpuBuffer* buffers[] = {&model.mixture(), &states, &model.points()};
  return kernel_.makeSet(buffers);
}

void SamplerKernel::record(VkCommandBuffer cmd, VkDescriptorSet set,
                           const SamplerPush& push) const {
  if (push.kind != uint32_t(kind_))
    throw GpuError("SamplerKernel::record: push constants of another sampler");
  requireModelVariant(push.model.kind, learned_, "SamplerKernel");
  kernel_.dispatch(cmd, set, &push, push.count, kLocalSize);
}

}  // namespace flowscope
