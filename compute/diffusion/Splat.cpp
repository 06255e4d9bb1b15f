#include "Splat.h"

namespace flowscope {
namespace {
const uint32_t kSpirv[] =
#include "splat.comp.spv.inc"
    ;
}  // namespace

SplatPush makeSplatPush(const View2D& view, int width, int height, uint32_t count,
                        uint32_t srcOffset) {
  float s = float(view.pixelsPerUnit(height));
  return {{float(view.center.x), float(view.center.y)},
          {s, s},
          uint32_t(width),
          uint32_t(height),
          count,
          srcOffset};
}

std::vector<uint32_t> splatCpu(std::span<const glm::vec4> points, const View2D& view, int width,
                               int height) {
  // Same float arithmetic as splat.comp, so both bin a point on a pixel edge alike.
  SplatPush p = makeSplatPush(view, width, height, uint32_t(points.size()), 0);
  std::vector<uint32_t> counts(size_t(width) * height, 0);
  for (const auto& q : points) {
    float fx = (q.x - p.center[0]) * p.pixelsPerUnit[0] + 0.5f * float(width);
    float fy = 0.5f * float(height) - (q.y - p.center[1]) * p.pixelsPerUnit[1];
    if (!(fx >= 0.0f && fy >= 0.0f && fx < float(width) && fy < float(height))) continue;
    ++counts[size_t(fy) * width + size_t(fx)];
  }
  return counts;
}

SplatKernel::SplatKernel(const GpuContext& ctx) : kernel_(ctx, kSpirv, 2, sizeof(SplatPush)) {}

VkDescriptorSet SplatKernel::bind(const GpuBuffer& states, const GpuBuffer& counts) {
  const GpuBuffer* buffers[] = {&states, &counts};
  return kernel_.makeSet(buffers);
}

void SplatKernel::record(VkCommandBuffer cmd, VkDescriptorSet set, const GpuBuffer& counts,
                         const SplatPush& push) const {
  vkCmdFillBuffer(cmd, counts.handle(), 0, VK_WHOLE_SIZE, 0);
  bufferBarrier(cmd, counts, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT,
                VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
  kernel_.dispatch(cmd, set, &push, push.count, 256);
}

}  // namespace flowscope
