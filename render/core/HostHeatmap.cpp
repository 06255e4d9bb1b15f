#include "HostHeatmap.h"

#include "GpuContext.h"
#include "Resources.h"

namespace flowscope {
namespace {

const uint32_t kHeatVert[] =
#include "heatmap.vert.spv.inc"
    ;
const uint32_t kHeatFrag[] =
#include "heatmap.frag.spv.inc"
    ;

}  // namespace

HostHeatmap::HostHeatmap(const GpuContext& ctx, VkRenderPass pass, uint32_t slots,
                         const std::string& colormap)
    : ctx_(ctx),
      lut_(loadColormap(colormap)),
      lutBuffer_(uploadColormap(ctx, lut_)),
      bindings_(ctx.device(), 2, sizeof(HeatmapPush), slots),
      values_(ctx, bindings_, slots, kCapacity * sizeof(float), {&lutBuffer_}) {
  pipeline_ =
      createPulledPipeline(ctx.device(), kHeatVert, kHeatFrag, VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST,
                           bindings_.layout(), pass, false);
}

HostHeatmap::~HostHeatmap() {
  vkDestroyPipeline(ctx_.device(), pipeline_, nullptr);
}

void HostHeatmap::draw(VkCommandBuffer cmd, uint32_t slot, const ScalarGrid& g, uint64_t version,
                       float cellPixels, uint32_t width, uint32_t height, float opacity) {
  if (g.values.empty() || g.values.size() > kCapacity || g.nx < 2 || g.ny < 2) return;
  const VkDescriptorSet set = values_.set(slot, version, [&](GpuBuffer& b) {
    b.upload(g.values.data(), g.values.size() * sizeof(float));
  });
  HeatmapPush push{g.nx, g.ny, g.lo, g.hi, opacity, cellPixels, {float(width), float(height)}};
  vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline_);
  bindings_.bind(cmd, set);
  bindings_.push(cmd, &push);
  vkCmdDraw(cmd, (g.nx - 1) * (g.ny - 1) * 6, 1, 0, 0);
}

}  // namespace flowscope
