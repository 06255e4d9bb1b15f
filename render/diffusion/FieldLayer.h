#pragma once
// Arrow glyphs of the chosen field at the shown state's (s, tau) on a grid of
// DiffusionParams::arrowsAcross() columns (rows by aspect), evaluated by a compute kernel
// whenever the view, the level, the field or the grid changes.
#include "DiffusionFrame.h"
#include "MixtureGrids.h"
#include "ModelKernels.h"
#include "Pipelines.h"

namespace flowscope {

class FieldLayer {
 public:
  FieldLayer(const GpuContext& ctx, VkRenderPass pass, uint32_t frameSlots);
  ~FieldLayer();
  void resize(uint32_t width, uint32_t height);
  bool compute(VkCommandBuffer cmd, const DiffusionFrame& f);
  // The arrows' nodes: arrowsAcross() columns over the view, rows by the aspect.
  static GridSpec arrowGrid(const DiffusionFrame& f, uint32_t width, uint32_t height);
  void draw(VkCommandBuffer cmd, const DiffusionFrame& f) const;

 private:
  const GpuContext& ctx_;
  ModelKernels<FieldGridKernel> kernels_;  // with their sets: one per frame in flight
  GraphicsBindings bindings_;
  VkPipeline pipeline_;
  GpuBuffer field_;
  uint32_t width_ = 0, height_ = 0, nx_ = 0, ny_ = 0;
  VkDescriptorSet drawSet_ = VK_NULL_HANDLE;
  uint64_t shownSim_ = 0;  // the run whose field the buffer holds
  bool valid_ = false;
  View2D view_;
  glm::dvec2 level_{-1.0};
  FieldKind kind_ = FieldKind::Score;
};

}  // namespace flowscope
