#include "TrackLayer.h"

namespace flowscope {
namespace {
const uint32_t kVert[] =
#include "tracks.vert.spv.inc"
    ;
const uint32_t kFrag[] =
#include "ShaderLayout.h"
#include "color.frag.spv.inc"
    ;
struct TrackPush {
  float center[2];
  float ndcPerUnit[2];
  float color[4];
  uint32_t trackedCount, current, mode;
};
FLOWSCOPE_SHADER_SIZE(TrackPush, 44);  // = tracks.vert
FLOWSCOPE_SHADER_OFFSET(TrackPush, center, 0);
FLOWSCOPE_SHADER_OFFSET(TrackPush, ndcPerUnit, 8);
FLOWSCOPE_SHADER_OFFSET(TrackPush, color, 16);
FLOWSCOPE_SHADER_OFFSET(TrackPush, trackedCount, 32);
FLOWSCOPE_SHADER_OFFSET(TrackPush, current, 36);
FLOWSCOPE_SHADER_OFFSET(TrackPush, mode, 40);
}  // namespace

TrackLayer::TrackLayer(const GpuContext& ctx, VkRenderPass pass, uint32_t frameSlots)
    : ctx_(ctx),
      bindings_(ctx.device(), 1, sizeof(TrackPush), frameSlots),
      sets_(frameSlots, [this](VkDescriptorSet s) { bindings_.freeSet(s); }) {
  pipeline_ = createPulledPipeline(ctx.device(), kVert, kFrag, VK_PRIMITIVE_TOPOLOGY_LINE_LIST,
                                   bindings_.layout(), pass);
}

TrackLayer::~TrackLayer() {
  vkDestroyPipeline(ctx_.device(), pipeline_, nullptr);
}

void TrackLayer::draw(VkCommandBuffer cmd, const DiffusionFrame& f) {
  const bool paths = f.params.showPaths(), coupling = f.params.showCoupling();
  const uint32_t current = uint32_t(f.sim.current());
  if ((!paths && !coupling) || current == 0) return;
  const VkDescriptorSet set = sets_.get(f.slot, f.sim.id(), [&] {
    const GpuBuffer* buffers[] = {f.sim.trackBuffer()};
    return bindings_.makeSet(buffers);
  });
  vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline_);
  bindings_.bind(cmd, set);
  const glm::vec2 c = f.center(), s = f.ndcPerUnit();
  const uint32_t k = f.sim.trackedCount();
  if (coupling) {
    const glm::vec4 col = kCouplingColor;
    TrackPush push{{c.x, c.y}, {s.x, s.y}, {col.r, col.g, col.b, col.a}, k, current, 1};
    bindings_.push(cmd, &push);
    vkCmdDraw(cmd, 2 * k, 1, 0, 0);
  }
  if (paths) {
    const glm::vec4 col = kPathColor;
    TrackPush push{{c.x, c.y}, {s.x, s.y}, {col.r, col.g, col.b, col.a}, k, current, 0};
    bindings_.push(cmd, &push);
    vkCmdDraw(cmd, 2 * k * current, 1, 0, 0);
  }
}

}  // namespace flowscope
