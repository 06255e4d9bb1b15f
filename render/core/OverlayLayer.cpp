#include "OverlayLayer.h"

#include <algorithm>

namespace flowscope {
namespace {

const uint32_t kVert[] =
#include "overlay.vert.spv.inc"
    ;
const uint32_t kFrag[] =
#include "color.frag.spv.inc"
    ;

}  // namespace

OverlayLayer::OverlayLayer(const GpuContext& ctx, VkRenderPass pass, uint32_t slots,
                           uint32_t maxVertices)
    : ctx_(ctx), bindings_(ctx.device(), 0, sizeof(glm::vec2)), maxVertices_(maxVertices) {
  GraphicsPipelineDesc desc;
  desc.vertexSpirv = kVert;
  desc.fragmentSpirv = kFrag;
  desc.bindings = {{0, sizeof(OverlayVertex), VK_VERTEX_INPUT_RATE_VERTEX}};
  desc.attributes = {{0, 0, VK_FORMAT_R32G32_SFLOAT, 0},
                     {1, 0, VK_FORMAT_R32G32B32A32_SFLOAT, offsetof(OverlayVertex, color)}};
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
  if (count == 0) return;
  GpuBuffer& buffer = vertices_.at(slot);
  buffer.upload(v.data(), count * sizeof(OverlayVertex));
  vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline_);
  VkBuffer vb = buffer.handle();
  VkDeviceSize offset = 0;
  vkCmdBindVertexBuffers(cmd, 0, 1, &vb, &offset);
  const glm::vec2 size{float(width), float(height)};
  bindings_.push(cmd, &size);
  vkCmdDraw(cmd, count, 1, 0, 0);
}

}  // namespace flowscope
