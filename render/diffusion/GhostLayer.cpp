#include "GhostLayer.h"

#include <algorithm>

namespace flowscope {
namespace {
const uint32_t kVert[] =
#include "ghosts.vert.spv.inc"
    ;
const uint32_t kFrag[] =
#include "ShaderLayout.h"
#include "color.frag.spv.inc"
    ;
struct GhostPush {
  float center[2];
  float ndcPerUnit[2];
  float color[4];
  uint32_t mode;
  float pointSize;
};
FLOWSCOPE_SHADER_SIZE(GhostPush, 40);  // = ghosts.vert
FLOWSCOPE_SHADER_OFFSET(GhostPush, center, 0);
FLOWSCOPE_SHADER_OFFSET(GhostPush, ndcPerUnit, 8);
FLOWSCOPE_SHADER_OFFSET(GhostPush, color, 16);
FLOWSCOPE_SHADER_OFFSET(GhostPush, mode, 32);
FLOWSCOPE_SHADER_OFFSET(GhostPush, pointSize, 36);
}  // namespace

GhostLayer::GhostLayer(const GpuContext& ctx, VkRenderPass pass, uint32_t frameSlots)
    : ctx_(ctx),
      kernels_(ctx, frameSlots),
      bindings_(ctx.device(), 1, sizeof(GhostPush)),
      predictions_(ctx, kGhosts * sizeof(glm::vec4), kStorageUsage, MemoryKind::DeviceLocal) {
  lines_ = createPulledPipeline(ctx.device(), kVert, kFrag, VK_PRIMITIVE_TOPOLOGY_LINE_LIST,
                                bindings_.layout(), pass);
  points_ = createPulledPipeline(ctx.device(), kVert, kFrag, VK_PRIMITIVE_TOPOLOGY_POINT_LIST,
                                 bindings_.layout(), pass);
  const GpuBuffer* buffers[] = {&predictions_};
  drawSet_ = bindings_.makeSet(buffers);
}

GhostLayer::~GhostLayer() {
  vkDestroyPipeline(ctx_.device(), lines_, nullptr);
  vkDestroyPipeline(ctx_.device(), points_, nullptr);
}

bool GhostLayer::compute(VkCommandBuffer cmd, const DiffusionFrame& f) {
  if (!f.params.showGhosts()) return false;
  const GpuModelData& model = *f.sim.gpuModel();
  const bool learned = model.kind() == GpuModel::Learned;
  const VkDescriptorSet computeSet = kernels_.set(
      f.slot, f.sim.id(), learned,
      [&](PredictKernel& k) { return k.bind(model, *f.sim.historyBuffer(), predictions_); });
  if (shownSim_ != f.sim.id()) {
    shownSim_ = f.sim.id();
    state_ = -1;
  }
  if (state_ == f.sim.current()) return false;
  const NoiseLevel& l = f.levelShown();
  count_ = std::min<uint32_t>(kGhosts, uint32_t(f.sim.config().particleCount));
  const uint32_t n = uint32_t(f.sim.config().particleCount);
  kernels_.kernel(learned).record(cmd, computeSet,
                                  {count_, f.sim.slotOf(f.sim.current()) * n, float(l.s),
                                   float(std::max(l.tau, 1e-6)), model.ref()});
  state_ = f.sim.current();
  return true;
}

void GhostLayer::draw(VkCommandBuffer cmd, const DiffusionFrame& f) const {
  if (!f.params.showGhosts() || state_ < 0 || shownSim_ != f.sim.id()) return;
  glm::vec2 c = f.center(), s = f.ndcPerUnit();
  GhostPush push{{c.x, c.y},
                 {s.x, s.y},
                 {kGhostColor.r, kGhostColor.g, kGhostColor.b, kGhostColor.a},
                 0,
                 3.0f};
  bindings_.bind(cmd, drawSet_);
  vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, lines_);
  bindings_.push(cmd, &push);
  vkCmdDraw(cmd, 2 * count_, 1, 0, 0);
  push.mode = 1;
  push.pointSize =
      std::clamp(3.0f, ctx_.limits().pointSizeRange[0], ctx_.limits().pointSizeRange[1]);
  vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, points_);
  bindings_.push(cmd, &push);
  vkCmdDraw(cmd, count_, 1, 0, 0);
}

}  // namespace flowscope
