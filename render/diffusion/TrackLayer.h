#pragma once
// The tracked particles (DiffusionSimulation::kTracked) drawn from the simulation's track buffer:
// their full paths from the noise to the shown state, and the straight start -> shown-state lines
// (the noise-to-sample coupling).
#include "DiffusionFrame.h"
#include "Pipelines.h"
#include "SlotSets.h"

namespace flowscope {

class TrackLayer {
 public:
  TrackLayer(const GpuContext& ctx, VkRenderPass pass, uint32_t frameSlots);
  ~TrackLayer();
  void draw(VkCommandBuffer cmd, const DiffusionFrame& f);

 private:
  const GpuContext& ctx_;
  GraphicsBindings bindings_;
  VkPipeline pipeline_;
  SlotSets sets_;  // bind the run's buffer: one per frame in flight
};

}  // namespace flowscope
