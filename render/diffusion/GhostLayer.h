#pragma once
// Ghost points: the x0-prediction D(x) of the first kGhosts particles, each joined to its
// particle by a faint line; recomputed by a compute kernel whenever the shown state changes.
#include "DiffusionFrame.h"
#include "Pipelines.h"
#include "Prediction.h"

namespace flowscope {

class GhostLayer {
 public:
  static constexpr uint32_t kGhosts = 512;

  GhostLayer(const GpuContext& ctx, VkRenderPass pass);
  ~GhostLayer();
  bool compute(VkCommandBuffer cmd, const DiffusionFrame& f);
  void draw(VkCommandBuffer cmd, const DiffusionFrame& f) const;

 private:
  const GpuContext& ctx_;
  PredictKernel kernel_;
  GraphicsBindings bindings_;
  VkPipeline lines_, points_;
  GpuBuffer predictions_;
  VkDescriptorSet computeSet_ = VK_NULL_HANDLE, drawSet_ = VK_NULL_HANDLE;
  uint64_t boundSim_ = 0;
  int state_ = -1;
  uint32_t count_ = 0;
};

}  // namespace flowscope
