#pragma once
// The Normalizing Flows lab's frame: the heatmap (magma for densities, viridis for log-dets and
// divergences; split at the view's middle: model left, data right), the grid lines and points
// after the shown number of layers (interpolated between two layers while animating), captions,
// the topology note and the colour bar.
#include <vector>

#include "FlowsLab.h"
#include "HostHeatmap.h"
#include "LabRenderer.h"
#include "OverlayLayer.h"

namespace flowscope {

class FlowsRenderer {
 public:
  FlowsRenderer(const GpuContext& ctx, VkRenderPass pass, uint32_t frameSlots);
  void draw(VkCommandBuffer cmd, const FlowsLab& lab, const LabFrame& f);
  static std::vector<OverlayVertex> buildVertices(const FlowsLab& lab, uint32_t width,
                                                  uint32_t height);

 private:
  OverlayLayer overlay_;
  HostHeatmap density_, signedMap_;
};

}  // namespace flowscope
