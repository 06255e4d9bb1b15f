#pragma once
// Axes, grid, tick labels, a caption (step, t, s, sigma, sampler, NFE, particle count), a legend,
// the time/sigma strip, streamlines, picked particles' paths and painted points, built on the
// host in pixel coordinates each frame and drawn as triangles.
// Text uses stb_easy_font, so the headless render carries the same labels as the window.
#include <glm/glm.hpp>

#include <string>
#include <vector>

#include "Draw2D.h"
#include "Pipelines.h"
#include "RenderFrame.h"

namespace flowscope {

std::vector<OverlayVertex> buildOverlay(
    const RenderFrame& f, const std::vector<std::vector<glm::dvec2>>* streamlines = nullptr);
std::string captionOf(const RenderFrame& f);

class OverlayLayer {
 public:
  static constexpr uint32_t kMaxVertices = 1 << 17;

  OverlayLayer(const GpuContext& ctx, VkRenderPass pass, uint32_t slots,
               uint32_t maxVertices = kMaxVertices);
  ~OverlayLayer();
  void draw(VkCommandBuffer cmd, const RenderFrame& f);
  // Any host-built triangles (the Transport lab's layers), into frame-in-flight `slot`'s buffer;
  // vertices beyond the capacity are dropped.
  void drawVertices(VkCommandBuffer cmd, uint32_t slot, const std::vector<OverlayVertex>& v,
                    uint32_t width, uint32_t height);

 private:
  const GpuContext& ctx_;
  GraphicsBindings bindings_;
  VkPipeline pipeline_;
  // One host-visible vertex buffer per frame in flight: the host writes slot i only after the
  // fence of the frame that last used it (QVulkanWindow's contract; offscreen waits each frame).
  std::vector<GpuBuffer> vertices_;
  uint32_t maxVertices_;

  // Streamlines are traced on the CPU only when what they depend on changes.
  struct StreamKey {
    uint64_t sim = 0;
    glm::dvec2 level{-1.0};
    FieldKind field = FieldKind::Score;
    glm::dvec2 center{0.0};
    double viewHeight = 0.0;
    uint32_t widthPx = 0, heightPx = 0;
    bool operator==(const StreamKey&) const = default;
  };
  const std::vector<std::vector<glm::dvec2>>* streamlines(const RenderFrame& f);
  StreamKey streamKey_;
  std::vector<std::vector<glm::dvec2>> streamlines_;
};

}  // namespace flowscope
