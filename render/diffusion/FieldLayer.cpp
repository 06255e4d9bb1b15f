#include "FieldLayer.h"

#include <algorithm>
#include <cmath>

namespace flowscope {
namespace {
const uint32_t kVert[] =
#include "arrows.vert.spv.inc"
    ;
const uint32_t kFrag[] =
#include "ShaderLayout.h"
#include "color.frag.spv.inc"
    ;
struct ArrowPush {
  float center[2];
  float ndcPerUnit[2];
  float color[4];
  float maxLength;
};
FLOWSCOPE_SHADER_SIZE(ArrowPush, 36);  // = arrows.vert
FLOWSCOPE_SHADER_OFFSET(ArrowPush, center, 0);
FLOWSCOPE_SHADER_OFFSET(ArrowPush, ndcPerUnit, 8);
FLOWSCOPE_SHADER_OFFSET(ArrowPush, color, 16);
FLOWSCOPE_SHADER_OFFSET(ArrowPush, maxLength, 32);
}  // namespace

FieldLayer::FieldLayer(const GpuContext& ctx, VkRenderPass pass, uint32_t frameSlots)
    : ctx_(ctx), kernels_(ctx, frameSlots), bindings_(ctx.device(), 1, sizeof(ArrowPush)) {
  pipeline_ = createPulledPipeline(ctx.device(), kVert, kFrag, VK_PRIMITIVE_TOPOLOGY_LINE_LIST,
                                   bindings_.layout(), pass);
}

FieldLayer::~FieldLayer() {
  vkDestroyPipeline(ctx_.device(), pipeline_, nullptr);
}

void FieldLayer::resize(uint32_t width, uint32_t height) {
  width_ = width;
  height_ = height;
  // Sized once for the densest grid, so changing the arrow count never reallocates.
  const uint32_t maxNodes = uint32_t(DiffusionParams::kMaxArrows) * DiffusionParams::kMaxArrows;
  kernels_.clear();
  bindings_.freeSet(drawSet_);
  field_ = GpuBuffer(ctx_, fieldBufferBytes(maxNodes), kStorageUsage, MemoryKind::DeviceLocal);
  const GpuBuffer* drawBuffers[] = {&field_};
  drawSet_ = bindings_.makeSet(drawBuffers);
  shownSim_ = 0;
  valid_ = false;
}

GridSpec FieldLayer::arrowGrid(const DiffusionFrame& f, uint32_t width, uint32_t height) {
  const uint32_t nx = uint32_t(f.params.arrowsAcross());
  const uint32_t ny = std::clamp(uint32_t(std::lround(double(nx) * height / std::max(1u, width))),
                                 2u, uint32_t(DiffusionParams::kMaxArrows));
  return GridSpec::covering(f.view, int(width), int(height), nx, ny);
}

bool FieldLayer::compute(VkCommandBuffer cmd, const DiffusionFrame& f) {
  if (!f.params.showField() || !field_.valid()) return false;
  const GpuModelData& model = *f.sim.gpuModel();
  const bool learned = model.kind() == GpuModel::Learned;
  const VkDescriptorSet computeSet = kernels_.set(
      f.slot, f.sim.id(), learned,
      [&](FieldGridKernel& k) { return k.bind(model.mixture(), field_, model.points()); });
  if (shownSim_ != f.sim.id()) {
    shownSim_ = f.sim.id();
    valid_ = false;
  }
  const glm::dvec2 level = f.fieldLevel();
  const GridSpec grid = arrowGrid(f, width_, height_);
  if (valid_ && level == level_ && grid.nx == nx_ && grid.ny == ny_ && kind_ == f.params.field() &&
      f.view.center == view_.center && f.view.height == view_.height)
    return false;
  nx_ = grid.nx;
  ny_ = grid.ny;
  kernels_.kernel(learned).record(
      cmd, computeSet, field_,
      makeGridPush(grid, model.ref(), f.params.field(), level.x, level.y,
                   f.sim.config().schedule.kind == ScheduleKind::Flow));
  valid_ = true;
  view_ = f.view;
  level_ = level;
  kind_ = f.params.field();
  return true;
}

void FieldLayer::draw(VkCommandBuffer cmd, const DiffusionFrame& f) const {
  if (!f.params.showField() || !valid_) return;
  vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline_);
  bindings_.bind(cmd, drawSet_);
  glm::vec2 c = f.center(), s = f.ndcPerUnit();
  float cell = float(f.view.height / ny_);
  ArrowPush push{{c.x, c.y},
                 {s.x, s.y},
                 {theme().ink.r, theme().ink.g, theme().ink.b, kArrowColor.a},
                 0.9f * cell};
  bindings_.push(cmd, &push);
  vkCmdDraw(cmd, 6 * nx_ * ny_, 1, 0, 0);
}

}  // namespace flowscope
