#include "InkLayer.h"

#include <algorithm>
#include <cmath>

#include "GpuContext.h"

namespace flowscope {
namespace {

const uint32_t kInkVert[] =
#include "ink.vert.spv.inc"
    ;
const uint32_t kInkFrag[] =
#include "ink.frag.spv.inc"
    ;

struct InkPush {
  float color[4];
  float viewportSize[2];
  uint32_t contentOrigin[2], boxOrigin[2], boxSize[2];
};
static_assert(sizeof(InkPush) == 48);

}  // namespace

void InkImage::clear(uint32_t width, uint32_t height) {
  width_ = width, height_ = height;
  clear_.assign(size_t(width) * height, 1.0f);
  x0_ = width, y0_ = height, x1_ = 0, y1_ = 0;
}

// Along the major axis one pixel column (row) at a time; across it, the pixels whose centres lie
// within width / 2 + 1/2 of the line get the box filter's coverage clamp(w/2 + 1/2 - distance).
void InkImage::segment(glm::vec2 a, glm::vec2 b, float width, float opacity) {
  const bool steep = std::abs(b.y - a.y) > std::abs(b.x - a.x);
  if (steep) std::swap(a.x, a.y), std::swap(b.x, b.y);
  if (a.x > b.x) std::swap(a, b);
  const float dx = b.x - a.x;
  if (dx < 1e-3f) return;
  const float slope = (b.y - a.y) / dx, across = std::sqrt(1.0f + slope * slope);
  const float half = 0.5f * width + 0.5f;
  const int majorLimit = int(steep ? height_ : width_), minorLimit = int(steep ? width_ : height_);
  const int m0 = std::max(0, int(std::ceil(a.x - 0.5f))),
            m1 = std::min(majorLimit - 1, int(std::floor(b.x - 0.5f)));
  for (int m = m0; m <= m1; ++m) {
    const float c = a.y + slope * (float(m) + 0.5f - a.x);
    const int n0 = std::max(0, int(std::floor(c - half * across))),
              n1 = std::min(minorLimit - 1, int(std::ceil(c + half * across)));
    for (int n = n0; n <= n1; ++n) {
      const float cover = std::clamp(half - std::abs(float(n) + 0.5f - c) / across, 0.0f, 1.0f);
      if (cover <= 0.0f) continue;
      const uint32_t x = uint32_t(steep ? n : m), y = uint32_t(steep ? m : n);
      clear_[size_t(y) * width_ + x] *= 1.0f - opacity * cover;
      x0_ = std::min(x0_, x), y0_ = std::min(y0_, y);
      x1_ = std::max(x1_, x + 1), y1_ = std::max(y1_, y + 1);
    }
  }
}

InkImage::Box InkImage::box() const {
  Box b;
  if (x1_ <= x0_ || y1_ <= y0_) return b;
  b.x = x0_, b.y = y0_, b.width = x1_ - x0_, b.height = y1_ - y0_;
  b.coverage.resize(size_t(b.width) * b.height);
  for (uint32_t y = 0; y < b.height; ++y)
    for (uint32_t x = 0; x < b.width; ++x)
      b.coverage[size_t(y) * b.width + x] =
          uint8_t(std::lround(255.0f * (1.0f - clear_[size_t(y + y0_) * width_ + x + x0_])));
  return b;
}

InkLayer::InkLayer(const GpuContext& ctx, VkRenderPass pass, uint32_t slots)
    : ctx_(ctx),
      bindings_(ctx.device(), 1, sizeof(InkPush), slots),
      coverage_(ctx, bindings_, slots, kCapacity) {
  pipeline_ = createPulledPipeline(ctx.device(), kInkVert, kInkFrag,
                                   VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST, bindings_.layout(), pass);
}

InkLayer::~InkLayer() {
  vkDestroyPipeline(ctx_.device(), pipeline_, nullptr);
}

void InkLayer::draw(VkCommandBuffer cmd, uint32_t slot, const InkImage::Box& box, uint64_t version,
                    glm::vec4 color, uint32_t x, uint32_t y, uint32_t width, uint32_t height) {
  if (box.coverage.empty() || box.coverage.size() > kCapacity) return;
  const VkDescriptorSet set = coverage_.set(
      slot, version, [&](GpuBuffer& b) { b.upload(box.coverage.data(), box.coverage.size()); });
  const InkPush push{{color.r, color.g, color.b, color.a},
                     {float(width), float(height)},
                     {x, y},
                     {box.x, box.y},
                     {box.width, box.height}};
  vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline_);
  bindings_.bind(cmd, set);
  bindings_.push(cmd, &push);
  vkCmdDraw(cmd, 6, 1, 0, 0);
}

}  // namespace flowscope
