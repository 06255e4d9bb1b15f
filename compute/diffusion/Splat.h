#pragma once
// Splatting particles (vec4 states, xy the position) into a per-pixel count image: how large clouds
// are drawn (STACK-NOTES: ~17x cheaper than point primitives on a CPU driver). CPU twin and GPU
// kernel.
#include <glm/glm.hpp>

#include <span>
#include <vector>

#include "ComputeKernel.h"
#include "ShaderLayout.h"
#include "View2D.h"

namespace flowscope {

std::vector<uint32_t> splatCpu(std::span<const glm::vec4> points, const View2D& view, int width,
                               int height);

struct SplatPush {
  float center[2];
  float pixelsPerUnit[2];
  uint32_t width, height, count, srcOffset;
};
FLOWSCOPE_SHADER_SIZE(SplatPush, 32);  // = splat.comp
FLOWSCOPE_SHADER_OFFSET(SplatPush, center, 0);
FLOWSCOPE_SHADER_OFFSET(SplatPush, pixelsPerUnit, 8);
FLOWSCOPE_SHADER_OFFSET(SplatPush, width, 16);
FLOWSCOPE_SHADER_OFFSET(SplatPush, height, 20);
FLOWSCOPE_SHADER_OFFSET(SplatPush, count, 24);
FLOWSCOPE_SHADER_OFFSET(SplatPush, srcOffset, 28);

SplatPush makeSplatPush(const View2D& view, int width, int height, uint32_t count,
                        uint32_t srcOffset);

class SplatKernel {
 public:
  explicit SplatKernel(const GpuContext& ctx);
  ComputeKernel& kernel() { return kernel_; }
  VkDescriptorSet bind(const GpuBuffer& states, const GpuBuffer& counts);
  // Zeroes `counts` (transfer), then splats. `counts` must be the buffer bound in `set`.
  void record(VkCommandBuffer cmd, VkDescriptorSet set, const GpuBuffer& counts,
              const SplatPush& push) const;

 private:
  ComputeKernel kernel_;
};

}  // namespace flowscope
