#pragma once
// The density heatmap: log p_0 (the data) or log p_sigma (the current noise level) evaluated by
// a compute kernel at the corners of square cells (kCellPixels, or kFineCellPixels for point
// clouds) covering the view (only when the
// view or sigma changes), drawn as a mesh interpolating linearly inside each cell, through the
// viridis colormap from the lowest log density in view (at least peak - kRangeNats, at most
// peak - kMinSpanNats) to the peak: a nearly flat p_t at a large sigma still shows its shape,
// and the colour bar gives the range.
#include <memory>

#include "DiffusionFrame.h"
#include "MixtureGrids.h"
#include "Pipelines.h"
#include "SlotSets.h"

namespace flowscope {

class HeatmapLayer {
 public:
  static constexpr double kRangeNats = 12.0, kMinSpanNats = 0.01;
  // Mixtures' log densities are smooth: 16-px cells suffice. Point clouds' (a kernel density at
  // kPointCloudBandwidth) have sharp edges: 8-px cells.
  static constexpr uint32_t kCellPixels = 16, kFineCellPixels = 8;

  HeatmapLayer(const GpuContext& ctx, VkRenderPass pass, uint32_t frameSlots,
               const GpuBuffer& colormap, glm::vec4 floorColor);
  ~HeatmapLayer();
  void resize(uint32_t width, uint32_t height);
  void invalidate() { valid_ = false; }
  // Returns true if it recorded a dispatch.
  bool compute(VkCommandBuffer cmd, const DiffusionFrame& f);
  void draw(VkCommandBuffer cmd, const DiffusionFrame& f) const;
  // (s, tau) the heatmap shows: the data (tau = 0; point clouds at kPointCloudBandwidth) or the
  // shown state's noise level.
  static glm::dvec2 levelOf(const DiffusionFrame& f);
  // The colour the frame must be cleared to: the colormap's bottom when the heatmap is shown
  // (cells entirely at the bottom of the range are not drawn), else the plain background.
  glm::vec4 clearColor(const DiffusionFrame& f) const;
  // The top of the drawn range (log p, nats): NaN while nothing is drawn.
  double peak(const DiffusionFrame& f) const {
    return f.params.showHeatmap() && valid_ ? vmax_ : std::numeric_limits<double>::quiet_NaN();
  }
  double floor(const DiffusionFrame& f) const {
    return f.params.showHeatmap() && valid_ ? vmin_ : std::numeric_limits<double>::quiet_NaN();
  }
  // The colour range's bottom for a view: the least log density at its corners, edge midpoints
  // and centre, within [peak - kRangeNats, peak - kMinSpanNats].
  static double floorOf(const DiffusionFrame& f, glm::dvec2 level, double peak);

 private:
  const GpuContext& ctx_;
  const GpuBuffer& colormap_;
  glm::vec4 floorColor_;
  LogDensityKernel kernel_;
  GraphicsBindings bindings_;
  VkPipeline pipeline_;
  GpuBuffer grid_;
  uint32_t width_ = 0, height_ = 0, nx_ = 0, ny_ = 0, cellPixels_ = kCellPixels;
  VkDescriptorSet drawSet_ = VK_NULL_HANDLE;
  SlotSets computeSets_;   // bind the run's model buffers: one per frame in flight
  uint64_t shownSim_ = 0;  // the run whose density the grid holds
  // Cache key of the grid's contents.
  bool valid_ = false;
  View2D view_;
  glm::dvec2 level_{-1.0};
  double vmax_ = 0.0, vmin_ = -kRangeNats;
};

}  // namespace flowscope
