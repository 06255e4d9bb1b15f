#pragma once
// Particles of the current state, drawn straight from the simulation's STORAGE|VERTEX history
// buffer: as point primitives up to kPointLimit particles, above that splatted into a per-pixel
// count image by a compute kernel and shown through a fullscreen pass (STACK-NOTES: drawing 1M
// points costs ~180 ms on lavapipe, splatting ~10 ms).
#include "DiffusionFrame.h"
#include "Pipelines.h"
#include "SlotSets.h"
#include "Splat.h"

namespace flowscope {

class ParticleLayer {
 public:
  static constexpr int kPointLimit = 65536;

  ParticleLayer(const GpuContext& ctx, VkRenderPass pass, uint32_t frameSlots);
  ~ParticleLayer();
  void resize(uint32_t width, uint32_t height);
  bool compute(VkCommandBuffer cmd, const DiffusionFrame& f);
  void draw(VkCommandBuffer cmd, const DiffusionFrame& f) const;
  static bool splats(const DiffusionFrame& f) { return f.sim.config().particleCount > kPointLimit; }

 private:
  const GpuContext& ctx_;
  SplatKernel splat_;
  GraphicsBindings pointBindings_, splatBindings_;
  VkPipeline pointPipeline_, splatPipeline_;
  float pointSize_ = 1.0f;
  GpuBuffer counts_;
  uint32_t width_ = 0, height_ = 0;
  VkDescriptorSet splatDrawSet_ = VK_NULL_HANDLE;
  SlotSets splatComputeSets_;  // bind the run's history: one per frame in flight
  uint64_t shownSim_ = 0;      // the run whose splat the counts hold
  bool valid_ = false;
  View2D view_;
  int state_ = -1;
};

}  // namespace flowscope
