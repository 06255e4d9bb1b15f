#include "ViewportRenderer.h"

#include <QVulkanFunctions>

#include <optional>

#include "InputError.h"
#include "Resources.h"
#include "VulkanViewport.h"

namespace flowscope {

void ViewportRenderer::initResources() {
  QVulkanInstance* inst = window_->vulkanInstance();
  AdoptedDevice adopted{inst->vkInstance(), window_->physicalDevice(), window_->device(),
                        window_->graphicsQueue(), window_->graphicsQueueFamilyIndex()};
  gpu_ = std::make_unique<GpuContext>(GpuContext::adopt(adopted));
  scene_ = std::make_unique<SceneRenderer>(*gpu_, window_->defaultRenderPass(),
                                           window_->concurrentFrameCount());
  ImGuiDeviceInfo info{
      gpu_.get(), window_->defaultRenderPass(),
      uint32_t(std::max(window_->concurrentFrameCount(), window_->swapChainImageCount())),
      assetPath("fonts/DejaVuSans.ttf"), 17.0f};
  imgui_ = std::make_unique<ImGuiLayer>(info);
  window_->setImGui(imgui_.get());
}

void ViewportRenderer::initSwapChainResources() {
  QSize size = window_->swapChainImageSize();
  scene_->resize(uint32_t(size.width()), uint32_t(size.height()));
}

void ViewportRenderer::releaseResources() {
  gpu_->waitIdle();
  window_->setImGui(nullptr);
  imgui_.reset();
  window_->lab().releaseSimulation();  // its buffers live on this device
  scene_.reset();
  gpu_.reset();
}

void ViewportRenderer::startNextFrame() {
  double seconds = window_->stats().tick();
  recordFrame(window_->currentCommandBuffer(), seconds);
  window_->frameReady();
  window_->requestUpdate();
  emit window_->frameFinished();
}

void ViewportRenderer::recordFrame(VkCommandBuffer cmd, double seconds) {
  DiffusionLab& lab = window_->lab();
  const QSize size = window_->swapChainImageSize();
  const uint32_t w = uint32_t(size.width()), h = uint32_t(size.height());
  lab.tick(seconds);

  // The panel first: what it changes applies to this very frame.
  imgui_->newFrame(float(w), float(h), seconds);
  if (const DiffusionSimulation* sim = lab.currentSimulation())
    panel_.build(lab, *sim, window_->controlRects());
  DiffusionSimulation* sim = nullptr;
  try {
    sim = &lab.simulation(gpu_.get(), [this] { gpu_->waitIdle(); });
  } catch (const std::exception& e) {
    // Nothing recorded yet: the frame below still clears and presents, with the error shown.
    emit window_->renderError(QString::fromStdString(e.what()));
  }
  std::optional<RenderFrame> frame;
  if (sim) {
    frame.emplace(
        RenderFrame{*sim, lab.params(), lab.camera(), w, h, uint32_t(window_->currentFrame())});
    SceneRenderer::beginCompute(cmd);
    sim->seek(lab.playback().target(), cmd);
    scene_->recordCompute(cmd, *frame);
  }

  VkClearValue clear[2] = {};
  const glm::vec4 background = frame ? scene_->clearColor(*frame) : kBackground;
  clear[0].color = {{background.r, background.g, background.b, 1.0f}};
  clear[1].depthStencil = {1.0f, 0};
  VkRenderPassBeginInfo begin{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
  begin.renderPass = window_->defaultRenderPass();
  begin.framebuffer = window_->currentFramebuffer();
  begin.renderArea = {{0, 0}, {w, h}};
  begin.clearValueCount = 2;
  begin.pClearValues = clear;
  // Qt's Vulkan headers hide the prototypes (VK_NO_PROTOTYPES): call through its table.
  QVulkanDeviceFunctions* df = window_->vulkanInstance()->deviceFunctions(window_->device());
  df->vkCmdBeginRenderPass(cmd, &begin, VK_SUBPASS_CONTENTS_INLINE);
  if (frame) scene_->recordDraw(cmd, *frame);
  imgui_->render(cmd, !window_->panelHidden());
  df->vkCmdEndRenderPass(cmd);
}

}  // namespace flowscope
