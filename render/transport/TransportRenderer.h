#pragma once
// The Transport lab's frame: the potential heatmap (host-computed c-transform on a node grid,
// drawn by heatmap.vert/frag), the plan's segments, the two clouds, the displacement
// interpolation, the couplings' straight paths, captions and legends (host-built triangles), and
// the plan-matrix inset (matrix.vert/frag in its own viewport). All inside the render pass; the
// host writes frame-in-flight `slot`'s buffers only.
#include <algorithm>
#include <array>
#include <memory>
#include <vector>

#include "CriticVertices.h"
#include "HostHeatmap.h"
#include "InkLayer.h"
#include "LabRenderer.h"
#include "OverlayLayer.h"
#include "Pipelines.h"
#include "TransportLab.h"

namespace flowscope {

class TransportRenderer {
 public:
  static constexpr uint32_t kCellPixels = 12;    // potential heatmap node spacing
  static constexpr uint32_t kInsetPixels = 200;  // the inset's side in a large frame
  // The inset's side in a width x height overlay: 200 px, less in a narrow frame (a quarter of
  // its smaller side, at least 80).
  static uint32_t insetSide(uint32_t width, uint32_t height) {
    return std::clamp(std::min(width, height) / 4, 80u, kInsetPixels);
  }
  static constexpr uint32_t kInsetTop = 120;  // the inset's top edge, below the caption

  TransportRenderer(const GpuContext& ctx, VkRenderPass pass, uint32_t frameSlots);
  ~TransportRenderer();
  // Records the frame's draws over the whole (width, height) framebuffer; uiScale: the overlay's
  // scale (LabFrame::uiScale), the plan-matrix inset's too.
  // Draws into frame `f`'s content rectangle (LabFrame).
  void draw(VkCommandBuffer cmd, const TransportLab& lab, const LabFrame& f);
  // The host-built triangles of a frame (exposed for tests); `potential`: the potential heatmap
  // drawn under them, for its colour bar.
  static std::vector<OverlayVertex> buildVertices(const TransportLab& lab, uint32_t width,
                                                  uint32_t height,
                                                  const ScalarGrid* potential = nullptr,
                                                  const CriticOverlay* critic = nullptr,
                                                  bool planSegments = true);

 private:
  const ScalarGrid& grid(const TransportLab& lab, uint32_t width, uint32_t height);
  // Critic and GAN modes: the field's grid and overlay, recomputed when the lab or view changes.
  const CriticOverlay& critic(const TransportLab& lab, uint32_t width, uint32_t height);
  // The one heatmap shown (the plan's potential or the critic's field) is stale: its key and
  // node spacing are renewed and its version bumped; true when it must be recomputed.
  bool refreshGrid(const TransportLab& lab, uint32_t width, uint32_t height);
  const GpuContext& ctx_;
  std::vector<std::array<float, 4>> magma_;
  GpuBuffer magmaBuffer_;
  OverlayLayer overlay_;
  HostHeatmap heatmap_;  // the potential, viridis
  InkLayer ink_;         // the plan's segments
  // The plan's segments rasterised for the ink layer, when the plan, view, size or scale change.
  void refreshInk(const TransportLab& lab, uint32_t width, uint32_t height, float uiScale);
  struct InkKey {
    uint64_t revision = ~uint64_t(0);
    glm::dvec2 center{0.0};
    double height = 0.0;
    uint32_t width = 0, heightPx = 0;
    float scale = 0.0f;
    bool operator==(const InkKey&) const = default;
  };
  InkKey inkKey_;
  InkImage inkImage_;
  InkImage::Box inkBox_;
  uint64_t inkVersion_ = 0;
  GraphicsBindings matrixBindings_;
  VkPipeline matrixPipeline_ = VK_NULL_HANDLE;
  SlotBuffers matrix_;  // the plan matrix, sqrt scale, per lab revision
  // The grid is recomputed only when what it shows changes.
  struct GridKey {
    uint64_t revision = 0;
    PotentialShown potential = PotentialShown::None;
    TransportMode mode = TransportMode::Plan;
    glm::dvec2 center{0.0};
    double height = 0.0;
    uint32_t width = 0, heightPx = 0;
    bool operator==(const GridKey&) const = default;
  };
  GridKey gridKey_;
  CriticOverlay critic_;
  ScalarGrid grid_;
  uint64_t gridVersion_ = 0;
  uint32_t gridCell_ = kCellPixels;
};

}  // namespace flowscope
