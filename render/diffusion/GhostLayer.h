#pragma once
// Ghost points: the x0-prediction D(x) of the first kGhosts particles, each joined to its
// particle by a faint line; recomputed by a compute kernel whenever the shown state changes.
#include "DiffusionFrame.h"
#include "ModelKernels.h"
#include "Pipelines.h"
#include "Prediction.h"

namespace flowscope {

class GhostLayer {
 public:
  static constexpr uint32_t kGhosts = 512;

  GhostLayer(const GpuContext& ctx, VkRenderPass pass, uint32_t frameSlots);
  ~GhostLayer();
  bool compute(VkCommandBuffer cmd, const DiffusionFrame& f);
  void draw(VkCommandBuffer cmd, const DiffusionFrame& f) const;

 private:
  const GpuContext& ctx_;
  ModelKernels<PredictKernel> kernels_;  // with their sets: one per frame in flight
  GraphicsBindings bindings_;
  VkPipeline lines_, points_;
  GpuBuffer predictions_;
  VkDescriptorSet drawSet_ = VK_NULL_HANDLE;
  uint64_t shownSim_ = 0;  // the run whose predictions the buffer holds
  int state_ = -1;
  uint32_t count_ = 0;
};

}  // namespace flowscope
