#pragma once
// How a lab is drawn: one renderer per lab (LabList.h), made for a render pass and a number of
// frames in flight, drawing from the lab it was made for. The GUI's frame and the headless render
// call it the same way: the lab's update(), then prepare() (work before the render pass), then
// draw() inside it.
#include <vulkan/vulkan.h>

#include <glm/glm.hpp>

#include "DeletionQueue.h"
#include "Draw2D.h"

namespace flowscope {

struct LabFrame {
  uint32_t width = 0, height = 0;  // the framebuffer, pixels
  uint32_t slot = 0;               // frame-in-flight index, below the renderer's slot count
  // Where objects the GPU may still read go when replaced (null: headless, which waits each frame
  // and destroys them at once).
  DeletionQueue* retired = nullptr;
  // The size of the overlays' text, lines and margins: one of their pixels is `uiScale`
  // framebuffer pixels (the GUI's UI scale times the screen's device pixel ratio; the CLI's
  // render --scale). World-anchored drawing stays where the camera puts it.
  float uiScale = 1.0f;
  // The lab's content rectangle's top-left in the framebuffer (width x height from there): the
  // area the docked panels leave (the GUI), the whole image headless. The pass's viewport and
  // scissor are set to it before draw().
  uint32_t x = 0, y = 0;
};

class LabRenderer {
 public:
  virtual ~LabRenderer() = default;
  // The framebuffer's size changed; the device is idle (QVulkanWindow's swapchain callback, or a
  // new offscreen target).
  virtual void resize(uint32_t width, uint32_t height) {
    (void)width;
    (void)height;
  }
  // Work recorded before the render pass (compute dispatches, uploads).
  virtual void prepare(VkCommandBuffer cmd, const LabFrame& frame) {
    (void)cmd;
    (void)frame;
  }
  virtual glm::vec4 clearColor() const { return theme().background; }
  // Draws inside the open render pass, into the frame's content rectangle (viewport and scissor
  // set to it).
  virtual void draw(VkCommandBuffer cmd, const LabFrame& frame) = 0;
};

class GpuContext;

// A lab drawn by `Renderer` inside the render pass alone (Renderer(ctx, pass, frameSlots) and
// draw(cmd, lab, frame)), with nothing recorded before it: the labs whose
// kernels run between frames in their update().
template <typename Renderer, typename LabType>
class DrawnLabRenderer : public LabRenderer {
 public:
  DrawnLabRenderer(const GpuContext& ctx, VkRenderPass pass, uint32_t frameSlots,
                   const LabType& lab)
      : renderer_(ctx, pass, frameSlots), lab_(lab) {}
  void draw(VkCommandBuffer cmd, const LabFrame& f) override { renderer_.draw(cmd, lab_, f); }

 private:
  Renderer renderer_;
  const LabType& lab_;
};

}  // namespace flowscope
