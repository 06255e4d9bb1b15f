#pragma once
// The Training lab's frame: the difference |learned - exact| of the fields at the level as a
// heatmap (magma, to its 95th percentile), the training set (grey), the learned model's samples
// (orange), the learned field's arrows (cyan) over the exact one's (ink), captions and legends.
// The panel draws the curves and neurons (app/training).
#include <vector>

#include "HostHeatmap.h"
#include "LabRenderer.h"
#include "OverlayLayer.h"
#include "TrainingLab.h"

namespace flowscope {

class TrainingRenderer {
 public:
  TrainingRenderer(const GpuContext& ctx, VkRenderPass pass, uint32_t frameSlots);
  void draw(VkCommandBuffer cmd, const TrainingLab& lab, const LabFrame& f);
  // The host-built triangles of a frame (exposed for tests).
  static std::vector<OverlayVertex> buildVertices(const TrainingLab& lab, uint32_t width,
                                                  uint32_t height);

 private:
  OverlayLayer overlay_;
  HostHeatmap heatmap_;
};

}  // namespace flowscope
