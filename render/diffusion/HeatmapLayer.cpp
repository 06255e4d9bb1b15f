#include "HeatmapLayer.h"

namespace flowscope {
namespace {
const uint32_t kVert[] =
#include "heatmap.vert.spv.inc"
    ;
const uint32_t kFrag[] =
#include "heatmap.frag.spv.inc"
    ;
}  // namespace

HeatmapLayer::HeatmapLayer(const GpuContext& ctx, VkRenderPass pass, uint32_t frameSlots,
                           const GpuBuffer& colormap, glm::vec4 floorColor)
    : ctx_(ctx),
      colormap_(colormap),
      floorColor_(floorColor),
      kernel_(ctx),
      bindings_(ctx.device(), 2, sizeof(HeatmapPush)),
      computeSets_(frameSlots, [this](VkDescriptorSet s) { kernel_.kernel().freeSet(s); }) {
  pipeline_ = createPulledPipeline(ctx.device(), kVert, kFrag, VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST,
                                   bindings_.layout(), pass, false);
}

HeatmapLayer::~HeatmapLayer() {
  vkDestroyPipeline(ctx_.device(), pipeline_, nullptr);
}

void HeatmapLayer::resize(uint32_t width, uint32_t height) {
  width_ = width;
  height_ = height;
  // Sized for the finer cells; compute() picks the cell size per dataset.
  nx_ = (width + kFineCellPixels - 1) / kFineCellPixels + 1;
  ny_ = (height + kFineCellPixels - 1) / kFineCellPixels + 1;
  computeSets_.clear();
  bindings_.freeSet(drawSet_);
  drawSet_ = VK_NULL_HANDLE;
  grid_ = GpuBuffer(ctx_, VkDeviceSize(nx_) * ny_ * sizeof(float), kStorageUsage,
                    MemoryKind::DeviceLocal);
  const GpuBuffer* drawBuffers[] = {&grid_, &colormap_};
  drawSet_ = bindings_.makeSet(drawBuffers);
  shownSim_ = 0;
  valid_ = false;
}

glm::vec4 HeatmapLayer::clearColor(const DiffusionFrame& f) const {
  return f.params.showHeatmap() ? glm::vec4(glm::vec3(floorColor_), 1.0f) : theme().background;
}

glm::dvec2 HeatmapLayer::levelOf(const DiffusionFrame& f) {
  if (f.params.heatmap() == HeatmapKind::NoisedDensity) return f.fieldLevel();
  // Mixtures and couplings (smoothed by their bandwidth) have a density at tau = 0.
  const Dataset& d = f.sim.data();
  return {1.0, d.mixture || d.coupling ? 0.0 : kPointCloudBandwidth};
}

bool HeatmapLayer::compute(VkCommandBuffer cmd, const DiffusionFrame& f) {
  if (!f.params.showHeatmap() || !grid_.valid()) return false;
  const VkDescriptorSet computeSet = computeSets_.get(f.slot, f.sim.id(), [&] {
    return kernel_.bind(f.sim.gpuModel()->mixture(), grid_, f.sim.gpuModel()->points());
  });
  if (shownSim_ != f.sim.id()) {  // a new run brings a new model
    shownSim_ = f.sim.id();
    valid_ = false;
  }
  const glm::dvec2 level = levelOf(f);
  if (valid_ && level == level_ && f.view.center == view_.center && f.view.height == view_.height)
    return false;
  // Node (i, j) at pixel (i, j) * cellPixels_ from the top-left corner.
  cellPixels_ = f.sim.data().mixture ? kCellPixels : kFineCellPixels;
  nx_ = (width_ + cellPixels_ - 1) / cellPixels_ + 1;
  ny_ = (height_ + cellPixels_ - 1) / cellPixels_ + 1;
  const double worldPerCell = cellPixels_ / f.view.pixelsPerUnit(int(height_));
  GridSpec grid;
  grid.origin = f.view.pixelToWorld({0.0, 0.0}, int(width_), int(height_));
  grid.spacing = {worldPerCell, -worldPerCell};
  grid.nx = nx_;
  grid.ny = ny_;
  const GpuModelData& model = *f.sim.gpuModel();
  kernel_.record(cmd, computeSet, makeDensityPush(grid, model.dataRef(), level.x, level.y));
  valid_ = true;
  view_ = f.view;
  level_ = level;
  vmax_ = f.sim.data().peakLogDensity(level.x, level.y);
  vmin_ = floorOf(f, level, vmax_);
  return true;
}

double HeatmapLayer::floorOf(const DiffusionFrame& f, glm::dvec2 level, double peak) {
  double least = peak;
  const int w = int(f.width), h = int(f.height);
  for (int i = 0; i <= 2; ++i)
    for (int j = 0; j <= 2; ++j) {
      const glm::dvec2 x = f.view.pixelToWorld({0.5 * w * i, 0.5 * h * j}, w, h);
      least = std::min(least, f.sim.data().logDensity(x, level.x, level.y));
    }
  return std::clamp(least, peak - kRangeNats, peak - kMinSpanNats);
}

void HeatmapLayer::draw(VkCommandBuffer cmd, const DiffusionFrame& f) const {
  if (!f.params.showHeatmap() || !valid_) return;
  vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline_);
  bindings_.bind(cmd, drawSet_);
  HeatmapPush push{nx_,
                   ny_,
                   float(vmin_),
                   float(vmax_),
                   1.0f,
                   float(cellPixels_),
                   {float(f.width), float(f.height)}};
  bindings_.push(cmd, &push);
  vkCmdDraw(cmd, 6 * (nx_ - 1) * (ny_ - 1), 1, 0, 0);
}

}  // namespace flowscope
