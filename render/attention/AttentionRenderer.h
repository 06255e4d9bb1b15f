#pragma once
// The Attention lab's plane view, host-built triangles drawn by OverlayLayer: axes, the attention
// field (a query anywhere, an arrow to its output), the selected (or hovered) query's lines to
// every key with width by weight (mean over heads), the tokens (hovered row and column
// highlighted), the selected query's output arrow, and in the diffusion-link view the data as
// keys, the noisy query, its sigma circle and the arrow to E[y | x]. Captions name the settings.
#include <vector>

#include "AttentionLab.h"
#include "LabRenderer.h"
#include "OverlayLayer.h"

namespace flowscope {

class AttentionRenderer {
 public:
  AttentionRenderer(const GpuContext& ctx, VkRenderPass pass, uint32_t frameSlots);
  // uiScale: the overlay's scale (LabFrame::uiScale).
  // Draws into frame `f`'s content rectangle (LabFrame).
  void draw(VkCommandBuffer cmd, const AttentionLab& lab, const LabFrame& f);
  static std::vector<OverlayVertex> buildVertices(const AttentionLab& lab, uint32_t width,
                                                  uint32_t height);

 private:
  OverlayLayer overlay_;
};

}  // namespace flowscope
