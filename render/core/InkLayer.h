#pragma once
// Many thin translucent lines of one colour (the Transport lab's thousands of plan segments),
// rasterised on the host into a coverage image when they change, and drawn each frame as one quad
// over their bounding box (ink.vert/frag). On a CPU rasteriser (lavapipe) each long thin triangle
// costs its whole bounding box in 4 x 4 blocks: 2,264 segments took 25 ms a frame as triangles;
// the quad reads one byte a pixel.
#include <glm/glm.hpp>

#include <cstdint>
#include <vector>

#include "GpuBuffer.h"
#include "Pipelines.h"
#include "SlotBuffers.h"

namespace flowscope {

class InkImage {
 public:
  void clear(uint32_t width, uint32_t height);  // the content's size in pixels, all transparent
  // A segment `width` pixels wide (box-filtered edges) at opacity `opacity` in (0, 1], composited
  // over what is there: one colour, so the order does not matter (1 - (1 - A)(1 - opacity c)).
  void segment(glm::vec2 a, glm::vec2 b, float width, float opacity);
  // The inked bounding box and its coverage, packed row by row (bytes 0..255).
  struct Box {
    uint32_t x = 0, y = 0, width = 0, height = 0;
    std::vector<uint8_t> coverage;
  };
  Box box() const;
  uint32_t width() const { return width_; }
  uint32_t height() const { return height_; }

 private:
  uint32_t width_ = 0, height_ = 0;
  std::vector<float> clear_;  // 1 - coverage
  uint32_t x0_ = 0, y0_ = 0, x1_ = 0, y1_ = 0;
};

class InkLayer {
 public:
  static constexpr size_t kCapacity = size_t(3840) * 2160;  // bytes of coverage a frame slot
  InkLayer(const GpuContext& ctx, VkRenderPass pass, uint32_t slots);
  ~InkLayer();
  InkLayer(const InkLayer&) = delete;
  // Draws `box` (InkImage::box) in `color` into the bound viewport (the content: width x height
  // pixels from framebuffer pixel (x, y)) in frame slot `slot`; `version` changes with the box.
  void draw(VkCommandBuffer cmd, uint32_t slot, const InkImage::Box& box, uint64_t version,
            glm::vec4 color, uint32_t x, uint32_t y, uint32_t width, uint32_t height);

 private:
  const GpuContext& ctx_;
  GraphicsBindings bindings_;
  VkPipeline pipeline_ = VK_NULL_HANDLE;
  SlotBuffers coverage_;
};

}  // namespace flowscope
