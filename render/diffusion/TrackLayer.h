#pragma once
// The tracked particles (DiffusionSimulation::kTracked) drawn from the simulation's track buffer:
// their full paths from the noise to the shown state, and the straight start -> shown-state lines
// (the noise-to-sample coupling).
#include "DiffusionFrame.h"
#include "Pipelines.h"

namespace flowscope {

class TrackLayer {
 public:
  TrackLayer(const GpuContext& ctx, VkRenderPass pass);
  ~TrackLayer();
  void draw(VkCommandBuffer cmd, const DiffusionFrame& f);

 private:
  const GpuContext& ctx_;
  GraphicsBindings bindings_;
  VkPipeline pipeline_;
  VkDescriptorSet set_ = VK_NULL_HANDLE;
  uint64_t boundSim_ = 0;
};

}  // namespace flowscope
