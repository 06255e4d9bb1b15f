#pragma once
// DiffusionRenderer: the lab's render layers over the buffers compute/ fills, in one command
// buffer.
//
// Per frame, in this order (all on one queue):
//   beginCompute(cmd)      execution barrier: earlier frames' vertex/fragment reads -> this
//                          frame's compute and transfer writes (write-after-read);
//   sim.seek(target, cmd)  sampler steps write the history ring;
//   recordCompute(cmd, f)  heatmap / field / splat kernels (compute->compute barrier first), then
//                          one barrier from compute+transfer writes to vertex input, vertex and
//                          fragment shader reads;
//   [render pass begins]
//   recordDraw(cmd, f)     heatmap, field arrows, tracked paths, trails, ghosts, particles, overlay
//                          (in the viewport at f.xOffset: the split view draws two frames).
//
// Replacing the run needs no device wait: the run replaced stays alive until the frames in flight
// are done (DeletionQueue), and every layer binds a run's buffers through one descriptor set per
// frame slot (SlotSets). Resizing reallocates the layers' buffers: the device must be idle
// (QVulkanWindow's swapchain callback guarantees it).
#include <array>
#include <memory>
#include <vector>

#include "DiffusionOverlay.h"
#include "FieldLayer.h"
#include "GhostLayer.h"
#include "HeatmapLayer.h"
#include "ParticleLayer.h"
#include "TrackLayer.h"
#include "TrailLayer.h"

namespace flowscope {

class DiffusionRenderer {
 public:
  DiffusionRenderer(const GpuContext& ctx, VkRenderPass pass, uint32_t frameSlots);
  ~DiffusionRenderer();
  void resize(uint32_t width, uint32_t height);
  static void beginCompute(VkCommandBuffer cmd);
  void recordCompute(VkCommandBuffer cmd, const DiffusionFrame& f);
  void recordDraw(VkCommandBuffer cmd, const DiffusionFrame& f);
  // What the render pass must clear to for this frame (see HeatmapLayer::clearColor).
  glm::vec4 clearColor(const DiffusionFrame& f) const { return heatmap_->clearColor(f); }

 private:
  const GpuContext& ctx_;
  uint32_t slots_;
  VkRenderPass pass_ = VK_NULL_HANDLE;
  std::vector<std::array<float, 4>> lut_;
  GpuBuffer colormap_;
  std::unique_ptr<HeatmapLayer> heatmap_;
  std::unique_ptr<FieldLayer> field_;
  std::unique_ptr<TrailLayer> trails_;
  std::unique_ptr<ParticleLayer> particles_;
  std::unique_ptr<GhostLayer> ghosts_;
  std::unique_ptr<TrackLayer> tracks_;
  std::unique_ptr<DiffusionOverlay> overlay_;
};

}  // namespace flowscope
