#include "TrailLayer.h"

#include <algorithm>

namespace flowscope {
namespace {
const uint32_t kVert[] =
#include "trails.vert.spv.inc"
    ;
const uint32_t kFrag[] =
#include "ShaderLayout.h"
#include "color.frag.spv.inc"
    ;
struct TrailPush {
  float center[2];
  float ndcPerUnit[2];
  float color[4];
  uint32_t particleCount, slotCount, newestState, segments;
};
FLOWSCOPE_SHADER_SIZE(TrailPush, 48);  // = trails.vert
FLOWSCOPE_SHADER_OFFSET(TrailPush, center, 0);
FLOWSCOPE_SHADER_OFFSET(TrailPush, ndcPerUnit, 8);
FLOWSCOPE_SHADER_OFFSET(TrailPush, color, 16);
FLOWSCOPE_SHADER_OFFSET(TrailPush, particleCount, 32);
FLOWSCOPE_SHADER_OFFSET(TrailPush, slotCount, 36);
FLOWSCOPE_SHADER_OFFSET(TrailPush, newestState, 40);
FLOWSCOPE_SHADER_OFFSET(TrailPush, segments, 44);
}  // namespace

TrailLayer::TrailLayer(const GpuContext& ctx, VkRenderPass pass, uint32_t frameSlots)
    : ctx_(ctx),
      bindings_(ctx.device(), 1, sizeof(TrailPush), frameSlots),
      sets_(frameSlots, [this](VkDescriptorSet s) { bindings_.freeSet(s); }) {
  pipeline_ = createPulledPipeline(ctx.device(), kVert, kFrag, VK_PRIMITIVE_TOPOLOGY_LINE_LIST,
                                   bindings_.layout(), pass);
}

TrailLayer::~TrailLayer() {
  vkDestroyPipeline(ctx_.device(), pipeline_, nullptr);
}

uint32_t TrailLayer::segments(const DiffusionFrame& f) {
  int available = f.sim.current() - f.sim.oldestAvailable();
  return uint32_t(std::clamp(std::min(f.params.trailLength(), available), 0, 1 << 16));
}

void TrailLayer::draw(VkCommandBuffer cmd, const DiffusionFrame& f) {
  const uint32_t segs = segments(f);
  if (!f.params.showTrails() || segs == 0) return;
  const VkDescriptorSet set = sets_.get(f.slot, f.sim.id(), [&] {
    const GpuBuffer* buffers[] = {f.sim.historyBuffer()};
    return bindings_.makeSet(buffers);
  });
  const uint32_t n = uint32_t(f.sim.config().particleCount);
  const uint32_t drawn = std::min(n, kMaxTrailParticles);
  vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline_);
  bindings_.bind(cmd, set);
  glm::vec2 c = f.center(), s = f.ndcPerUnit();
  const glm::vec4 col = activeTheme() == ThemeKind::Light ? kTrailColorLight : kTrailColor;
  TrailPush push{{c.x, c.y}, {s.x, s.y},        {col.r, col.g, col.b, col.a},
                 n,          f.sim.slotCount(), uint32_t(f.sim.current()),
                 segs};
  bindings_.push(cmd, &push);
  vkCmdDraw(cmd, drawn * segs * 2, 1, 0, 0);
}

}  // namespace flowscope
