#include "ViewportRenderer.h"

#include <QVulkanFunctions>

#include "InputError.h"
#include "Pipelines.h"
#include "RendererCatalog.h"
#include "Resources.h"
#include "UiUnits.h"
#include "VulkanViewport.h"

namespace flowscope {

void ViewportRenderer::reportFailure(const std::exception& e) {
  // What the inputs cannot make (over a work budget, a result that overflows) stays on the
  // panel's red line until an edit makes it possible; anything else is a device error.
  if (dynamic_cast<const InputError*>(&e))
    window_->edits().report(e.what());
  else
    emit window_->renderError(QString::fromStdString(e.what()));
}

ViewportRenderer::ViewportRenderer(VulkanViewport* window) : window_(window) {}

void ViewportRenderer::initResources() {
  QVulkanInstance* inst = window_->vulkanInstance();
  AdoptedDevice adopted{inst->vkInstance(), window_->physicalDevice(), window_->device(),
                        window_->graphicsQueue(), window_->graphicsQueueFamilyIndex()};
  gpu_ = std::make_unique<GpuContext>(GpuContext::adopt(adopted));
  ImGuiDeviceInfo info{
      gpu_.get(),
      window_->defaultRenderPass(),
      uint32_t(std::max(window_->concurrentFrameCount(), window_->swapChainImageCount())),
      assetPath("fonts/DejaVuSans.ttf"),
      kBaseFontPixels,
      window_->devicePixelRatio()};
  imgui_ = std::make_unique<ImGuiLayer>(info);
  window_->setImGui(imgui_.get());
  appliedScale_ = 0.0f;
  renderers_.resize(window_->labCount());
  retired_ = std::make_unique<DeletionQueue>(uint32_t(window_->concurrentFrameCount()));
}

// Qt calls it with the device idle: the renderers resize their framebuffer-sized buffers.
void ViewportRenderer::initSwapChainResources() {
  const QSize size = window_->swapChainImageSize();
  for (auto& r : renderers_)
    if (r) r->resize(uint32_t(size.width()), uint32_t(size.height()));
}

void ViewportRenderer::releaseResources() {
  gpu_->waitIdle();
  window_->setImGui(nullptr);
  imgui_.reset();
  retired_->clear();
  renderers_.clear();
  for (size_t i = 0; i < window_->labCount(); ++i)
    window_->lab(i).useGpu(nullptr);  // what they made lives on this device
  gpu_.reset();
}

void ViewportRenderer::startNextFrame() {
  double seconds = window_->stats().tick();
  recordFrame(window_->currentCommandBuffer(), seconds);
  window_->frameReady();
  window_->requestUpdate();
  emit window_->frameFinished();
}

LabRenderer& ViewportRenderer::renderer(size_t lab) {
  if (!renderers_[lab]) {
    renderers_[lab] = makeRenderer(window_->lab(lab), *gpu_, window_->defaultRenderPass(),
                                   uint32_t(window_->concurrentFrameCount()));
    const QSize size = window_->swapChainImageSize();
    renderers_[lab]->resize(uint32_t(size.width()), uint32_t(size.height()));
  }
  return *renderers_[lab];
}

void ViewportRenderer::beginPass(VkCommandBuffer cmd, glm::vec4 background) {
  const QSize size = window_->swapChainImageSize();
  VkClearValue clear[2] = {};
  clear[0].color = {{background.r, background.g, background.b, 1.0f}};
  clear[1].depthStencil = {1.0f, 0};
  VkRenderPassBeginInfo begin{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
  begin.renderPass = window_->defaultRenderPass();
  begin.framebuffer = window_->currentFramebuffer();
  begin.renderArea = {{0, 0}, {uint32_t(size.width()), uint32_t(size.height())}};
  begin.clearValueCount = 2;
  begin.pClearValues = clear;
  // Qt's Vulkan headers hide the prototypes (VK_NO_PROTOTYPES): call through its table.
  QVulkanDeviceFunctions* df = window_->vulkanInstance()->deviceFunctions(window_->device());
  df->vkCmdBeginRenderPass(cmd, &begin, VK_SUBPASS_CONTENTS_INLINE);
}

// The panel first: what it changes applies to this very frame. Labs whose kernels run between
// frames (Attention, Receptive Field: submit and wait on the adopted device) do so in update(),
// so the frame after an edit shows its result; the Diffusion lab's run records into this frame's
// command buffer in prepare().
void ViewportRenderer::recordFrame(VkCommandBuffer cmd, double seconds) {
  const uint32_t slot = uint32_t(window_->currentFrame());
  retired_->collect(slot);  // Qt waited this slot's fence: its frame no longer reads them
  const size_t index = window_->shown();
  Lab& lab = window_->lab(index);
  LabView& view = window_->shownView();
  const QSize size = window_->swapChainImageSize();
  const uint32_t w = uint32_t(size.width()), h = uint32_t(size.height());
  lab.useGpu(gpu_.get());
  lab.tick(seconds);
  view.beforePanel();
  if (appliedScale_ != window_->uiScale()) {  // between ImGui frames
    appliedScale_ = window_->uiScale();
    imgui_->setScale(appliedScale_);
  }
  imgui_->newFrame(float(w), float(h), seconds);
  if (window_->panelsShown())
    if (auto request = view.buildPanel(window_->controlRects())) window_->deliver(*request);
  lab.setViewport(w, h);
  try {
    lab.update();
  } catch (const std::exception& e) {
    reportFailure(e);
  }
  LabRenderer& r = renderer(index);
  // The overlays at the UI scale, on top of the screen's device pixel ratio.
  const LabFrame frame{w, h, slot, retired_.get(),
                       window_->uiScale() * float(window_->devicePixelRatio())};
  bool prepared = false;
  try {
    r.prepare(cmd, frame);
    prepared = true;
  } catch (const std::exception& e) {
    reportFailure(e);  // nothing drawn: the frame below still clears and presents
  }
  beginPass(cmd, prepared ? r.clearColor() : kBackground);
  if (prepared) {
    setViewportAndScissor(cmd, 0, w, h);
    r.draw(cmd, frame);
  }
  setViewportAndScissor(cmd, 0, w, h);
  imgui_->render(cmd, !window_->panelHidden());
  QVulkanDeviceFunctions* df = window_->vulkanInstance()->deviceFunctions(window_->device());
  df->vkCmdEndRenderPass(cmd);
}

}  // namespace flowscope
