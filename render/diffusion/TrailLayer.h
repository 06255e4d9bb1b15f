#pragma once
// Fading trails over the last K states of the first kMaxTrailParticles particles, read by the
// vertex shader straight from the history ring (no copies).
#include "DiffusionFrame.h"
#include "Pipelines.h"
#include "SlotSets.h"

namespace flowscope {

class TrailLayer {
 public:
  static constexpr uint32_t kMaxTrailParticles = 1024;

  TrailLayer(const GpuContext& ctx, VkRenderPass pass, uint32_t frameSlots);
  ~TrailLayer();
  void draw(VkCommandBuffer cmd, const DiffusionFrame& f);
  // Segments drawn a particle: the last K states that the ring still holds.
  static uint32_t segments(const DiffusionFrame& f);

 private:
  const GpuContext& ctx_;
  GraphicsBindings bindings_;
  VkPipeline pipeline_;
  SlotSets sets_;  // bind the run's buffer: one per frame in flight
};

}  // namespace flowscope
