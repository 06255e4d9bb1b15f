#pragma once
// Host-built triangles in pixel coordinates (Draw2D.h: segments, quads, text), drawn over a lab's
// frame: one host-visible vertex buffer per frame in flight, and the font's atlas. Depends on no
// lab; each lab's renderer builds its own vertices (DiffusionOverlay for the Diffusion & Flow lab).
#include <glm/glm.hpp>

#include <vector>

#include "Draw2D.h"
#include "Pipelines.h"

namespace flowscope {

class OverlayLayer {
 public:
  static constexpr uint32_t kMaxVertices = 1 << 17;

  OverlayLayer(const GpuContext& ctx, VkRenderPass pass, uint32_t frameSlots,
               uint32_t maxVertices = kMaxVertices);
  ~OverlayLayer();
  // The triangles `v`, into frame-in-flight `slot`'s buffer; vertices beyond the capacity are
  // dropped.
  void drawVertices(VkCommandBuffer cmd, uint32_t slot, const std::vector<OverlayVertex>& v,
                    uint32_t width, uint32_t height);

 private:
  const GpuContext& ctx_;
  GraphicsBindings bindings_;
  VkPipeline pipeline_;
  GpuBuffer atlas_;  // OverlayFont's distance field, read by overlay.frag
  VkDescriptorSet atlasSet_;
  // One host-visible vertex buffer per frame in flight: the host writes slot i only after the
  // fence of the frame that last used it (QVulkanWindow's contract; offscreen waits each frame).
  std::vector<GpuBuffer> vertices_;
  uint32_t maxVertices_;
};

}  // namespace flowscope
