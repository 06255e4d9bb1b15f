#pragma once
// The Receptive Field lab's plane: the input image with the effective receptive field of the
// pinned unit over it (rf_image.frag), and host-built overlays (OverlayLayer): the image's border,
// the grid of unit centres of the selected layer, the hovered unit's receptive field box with the
// part that reaches into the padding shaded, the pinned unit's box, and captions naming the layer,
// its size, jump and start, and the ERF's spread and 95% area.
#include <vector>

#include "LabRenderer.h"
#include "OverlayLayer.h"
#include "RfLab.h"

namespace flowscope {

class RfRenderer {
 public:
  RfRenderer(const GpuContext& ctx, VkRenderPass pass, uint32_t frameSlots);
  ~RfRenderer();
  // uiScale: the overlay's scale (LabFrame::uiScale).
  // Draws into frame `f`'s content rectangle (LabFrame).
  void draw(VkCommandBuffer cmd, const RfLab& lab, const LabFrame& f);
  static std::vector<OverlayVertex> buildVertices(const RfLab& lab, uint32_t width,
                                                  uint32_t height);

 private:
  // The image and ERF as one frame slot draws them (a copy per frame in flight).
  struct Slot {
    GpuBuffer image, erf;
    VkDescriptorSet set = VK_NULL_HANDLE;
    uint64_t revision = ~0ull;
    float peak = 0.0f;
  };
  Slot& upload(const RfLab& lab, uint32_t slot);
  const GpuContext& ctx_;
  GraphicsBindings bindings_;
  VkPipeline pipeline_;
  GpuBuffer colormap_;
  std::vector<Slot> slots_;
  OverlayLayer overlay_;
};

}  // namespace flowscope
