#pragma once
// Fading trails over the last K states of the first kMaxTrailParticles particles, read by the
// vertex shader straight from the history ring (no copies).
#include "DiffusionFrame.h"
#include "Pipelines.h"

namespace flowscope {

class TrailLayer {
 public:
  static constexpr uint32_t kMaxTrailParticles = 1024;

  TrailLayer(const GpuContext& ctx, VkRenderPass pass);
  ~TrailLayer();
  void draw(VkCommandBuffer cmd, const DiffusionFrame& f);
  // Segments drawn a particle: the last K states that the ring still holds.
  static uint32_t segments(const DiffusionFrame& f);

 private:
  const GpuContext& ctx_;
  GraphicsBindings bindings_;
  VkPipeline pipeline_;
  VkDescriptorSet set_ = VK_NULL_HANDLE;
  uint64_t boundSim_ = 0;
};

}  // namespace flowscope
