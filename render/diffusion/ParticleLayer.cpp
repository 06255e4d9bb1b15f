#include "ParticleLayer.h"

#include <algorithm>

#include "GuidanceOverlay.h"

namespace flowscope {
namespace {
const uint32_t kPointVert[] =
#include "points.vert.spv.inc"
    ;
const uint32_t kColorFrag[] =
#include "color.frag.spv.inc"
    ;
const uint32_t kFullscreenVert[] =
#include "fullscreen.vert.spv.inc"
    ;
const uint32_t kSplatFrag[] =
#include "ShaderLayout.h"
#include "splat_view.frag.spv.inc"
    ;
struct PointPush {
  float center[2];
  float ndcPerUnit[2];
  float color[4];
  float pointSize;
};
FLOWSCOPE_SHADER_SIZE(PointPush, 36);  // = points.vert
FLOWSCOPE_SHADER_OFFSET(PointPush, center, 0);
FLOWSCOPE_SHADER_OFFSET(PointPush, ndcPerUnit, 8);
FLOWSCOPE_SHADER_OFFSET(PointPush, color, 16);
FLOWSCOPE_SHADER_OFFSET(PointPush, pointSize, 32);
struct SplatViewPush {
  float color[4];
  uint32_t width, height;
  float saturation;
};
FLOWSCOPE_SHADER_SIZE(SplatViewPush, 28);  // = splat_view.frag
FLOWSCOPE_SHADER_OFFSET(SplatViewPush, color, 0);
FLOWSCOPE_SHADER_OFFSET(SplatViewPush, width, 16);
FLOWSCOPE_SHADER_OFFSET(SplatViewPush, height, 20);
FLOWSCOPE_SHADER_OFFSET(SplatViewPush, saturation, 24);
}  // namespace

ParticleLayer::ParticleLayer(const GpuContext& ctx, VkRenderPass pass, uint32_t frameSlots)
    : ctx_(ctx),
      splat_(ctx),
      pointBindings_(ctx.device(), 0, sizeof(PointPush)),
      splatBindings_(ctx.device(), 1, sizeof(SplatViewPush)),
      splatComputeSets_(frameSlots, [this](VkDescriptorSet s) { splat_.kernel().freeSet(s); }) {
  GraphicsPipelineDesc points;
  points.vertexSpirv = kPointVert;
  points.fragmentSpirv = kColorFrag;
  points.topology = VK_PRIMITIVE_TOPOLOGY_POINT_LIST;
  points.bindings = {
      {0, sizeof(ParticleState), VK_VERTEX_INPUT_RATE_VERTEX}};  // vec4 states, xy read
  points.attributes = {{0, 0, VK_FORMAT_R32G32_SFLOAT, 0}};
  points.layout = pointBindings_.layout();
  points.renderPass = pass;
  pointPipeline_ = createGraphicsPipeline(ctx.device(), points);
  splatPipeline_ =
      createPulledPipeline(ctx.device(), kFullscreenVert, kSplatFrag,
                           VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST, splatBindings_.layout(), pass);
  // 2 px points where the device has wide points (largePoints enabled by GpuContext::create).
  const float* range = ctx.limits().pointSizeRange;
  pointSize_ = std::clamp(2.0f, range[0], range[1]);
}

ParticleLayer::~ParticleLayer() {
  vkDestroyPipeline(ctx_.device(), pointPipeline_, nullptr);
  vkDestroyPipeline(ctx_.device(), splatPipeline_, nullptr);
}

void ParticleLayer::resize(uint32_t width, uint32_t height) {
  width_ = width;
  height_ = height;
  splatComputeSets_.clear();
  splatBindings_.freeSet(splatDrawSet_);
  counts_ = GpuBuffer(ctx_, VkDeviceSize(width) * height * sizeof(uint32_t), kStorageUsage,
                      MemoryKind::DeviceLocal);
  const GpuBuffer* drawBuffers[] = {&counts_};
  splatDrawSet_ = splatBindings_.makeSet(drawBuffers);
  shownSim_ = 0;
  valid_ = false;
}

bool ParticleLayer::compute(VkCommandBuffer cmd, const DiffusionFrame& f) {
  if (!f.params.showParticles() || !splats(f) || !counts_.valid()) return false;
  const VkDescriptorSet computeSet = splatComputeSets_.get(
      f.slot, f.sim.id(), [&] { return splat_.bind(*f.sim.historyBuffer(), counts_); });
  if (shownSim_ != f.sim.id()) {
    shownSim_ = f.sim.id();
    valid_ = false;
  }
  if (valid_ && state_ == f.sim.current() && f.view.center == view_.center &&
      f.view.height == view_.height)
    return false;
  const uint32_t n = uint32_t(f.sim.config().particleCount);
  splat_.record(
      cmd, computeSet, counts_,
      makeSplatPush(f.view, int(width_), int(height_), n, f.sim.slotOf(f.sim.current()) * n));
  valid_ = true;
  state_ = f.sim.current();
  view_ = f.view;
  return true;
}

void ParticleLayer::draw(VkCommandBuffer cmd, const DiffusionFrame& f) const {
  if (!f.params.showParticles()) return;
  const glm::vec4 c = particleColor(f);
  if (splats(f)) {
    if (!valid_) return;
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, splatPipeline_);
    splatBindings_.bind(cmd, splatDrawSet_);
    // Saturate where a pixel holds ~0.1% of the cloud's particles.
    float saturation = std::max(4.0f, f.sim.config().particleCount / 1000.0f);
    SplatViewPush push{{c.r, c.g, c.b, 1.0f}, width_, height_, saturation};
    splatBindings_.push(cmd, &push);
    vkCmdDraw(cmd, 3, 1, 0, 0);
    return;
  }
  const uint32_t n = uint32_t(f.sim.config().particleCount);
  vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pointPipeline_);
  VkBuffer vb = f.sim.historyBuffer()->handle();
  VkDeviceSize offset = VkDeviceSize(f.sim.slotOf(f.sim.current())) * n * sizeof(ParticleState);
  vkCmdBindVertexBuffers(cmd, 0, 1, &vb, &offset);
  glm::vec2 center = f.center(), s = f.ndcPerUnit();
  PointPush push{{center.x, center.y}, {s.x, s.y}, {c.r, c.g, c.b, c.a}, pointSize_};
  pointBindings_.push(cmd, &push);
  vkCmdDraw(cmd, n, 1, 0, 0);
}

}  // namespace flowscope
