#pragma once
// The Diffusion & Flow lab as a LabRenderer: its run (and the split view's comparison run, drawn
// in the right half) advanced to the shown step in the frame's command buffer, then its layers.
// A replaced run goes to the frame's deletion queue; switching the split view swaps between
// renderers sized for the whole width and for the halves (made on first use), so no edit
// reallocates buffers a frame in flight may read.
#include <memory>
#include <vector>

#include "DiffusionLab.h"
#include "DiffusionRenderer.h"
#include "LabRenderer.h"

namespace flowscope {

class DiffusionLabRenderer : public LabRenderer {
 public:
  DiffusionLabRenderer(const GpuContext& ctx, VkRenderPass pass, uint32_t frameSlots,
                       DiffusionLab& lab);
  void resize(uint32_t width, uint32_t height) override;
  // Throws InputError when the lab's parameters cannot run (the lab keeps its state).
  void prepare(VkCommandBuffer cmd, const LabFrame& frame) override;
  glm::vec4 clearColor() const override;
  void draw(VkCommandBuffer cmd, const LabFrame& frame) override;

 private:
  DiffusionRenderer& renderer(std::unique_ptr<DiffusionRenderer>& r, uint32_t width);

  const GpuContext& ctx_;
  VkRenderPass pass_;
  uint32_t slots_;
  DiffusionLab& lab_;
  uint32_t width_ = 0, height_ = 0;
  // The whole width; the split view's left and right halves.
  std::unique_ptr<DiffusionRenderer> full_, left_, right_;
  // What prepare() set up for draw(): each drawn run with its renderer.
  std::vector<DiffusionFrame> frames_;
  std::vector<DiffusionRenderer*> renderers_;
};

}  // namespace flowscope
