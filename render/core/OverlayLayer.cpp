#include "OverlayLayer.h"

#include <algorithm>

#include "OverlayFont.h"
#include "SvgRecorder.h"

namespace flowscope {
namespace {

const uint32_t kVert[] =
#include "overlay.vert.spv.inc"
    ;
const uint32_t kFrag[] =
#include "overlay.frag.spv.inc"
    ;

struct OverlayPush {
  glm::vec2 viewportSize;
  uint32_t atlasSize[2];
};
FLOWSCOPE_SHADER_SIZE(OverlayPush, 16);  // = overlay.vert and overlay.frag

GpuBuffer uploadAtlas(const GpuContext& ctx) {
  const std::vector<uint8_t>& texels = OverlayFont::instance().atlas();
  GpuBuffer buffer(ctx, texels.size(), VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, MemoryKind::HostVisible);
  buffer.upload(texels.data(), texels.size());
  return buffer;
}

}  // namespace

OverlayLayer::OverlayLayer(const GpuContext& ctx, VkRenderPass pass, uint32_t slots,
                           uint32_t maxVertices)
    : ctx_(ctx),
      bindings_(ctx.device(), 1, sizeof(OverlayPush)),
      atlas_(uploadAtlas(ctx)),
      maxVertices_(maxVertices) {
  const GpuBuffer* buffers[] = {&atlas_};
  atlasSet_ = bindings_.makeSet(buffers);
  GraphicsPipelineDesc desc;
  desc.vertexSpirv = kVert;
  desc.fragmentSpirv = kFrag;
  desc.bindings = {{0, sizeof(OverlayVertex), VK_VERTEX_INPUT_RATE_VERTEX}};
  desc.attributes = {{0, 0, VK_FORMAT_R32G32_SFLOAT, 0},
                     {1, 0, VK_FORMAT_R32G32B32A32_SFLOAT, offsetof(OverlayVertex, color)},
                     {2, 0, VK_FORMAT_R32G32_SFLOAT, offsetof(OverlayVertex, atlas)}};
  desc.layout = bindings_.layout();
  desc.renderPass = pass;
  pipeline_ = createGraphicsPipeline(ctx.device(), desc);
  for (uint32_t i = 0; i < slots; ++i)
    vertices_.emplace_back(ctx, size_t(maxVertices_) * sizeof(OverlayVertex),
                           VK_BUFFER_USAGE_VERTEX_BUFFER_BIT, MemoryKind::HostVisible);
}

OverlayLayer::~OverlayLayer() {
  vkDestroyPipeline(ctx_.device(), pipeline_, nullptr);
}

void OverlayLayer::drawVertices(VkCommandBuffer cmd, uint32_t slot,
                                const std::vector<OverlayVertex>& v, uint32_t width,
                                uint32_t height) {
  const uint32_t count = uint32_t(std::min<size_t>(v.size(), maxVertices_));
  if (count == 0 || SvgRecorder::active()) return;  // an SVG takes the overlay as vectors
  GpuBuffer& buffer = vertices_.at(slot);
  buffer.upload(v.data(), count * sizeof(OverlayVertex));
  vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline_);
  VkBuffer vb = buffer.handle();
  VkDeviceSize offset = 0;
  vkCmdBindVertexBuffers(cmd, 0, 1, &vb, &offset);
  const OverlayFont& font = OverlayFont::instance();
  const OverlayPush push{{float(width), float(height)}, {font.atlasWidth(), font.atlasHeight()}};
  bindings_.bind(cmd, atlasSet_);
  bindings_.push(cmd, &push);
  vkCmdDraw(cmd, count, 1, 0, 0);
}

}  // namespace flowscope
