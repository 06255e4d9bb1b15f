#include "ViewportRenderer.h"

#include <QVulkanFunctions>

#include <optional>

#include "InputError.h"
#include "Resources.h"
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

ViewportRenderer::ViewportRenderer(VulkanViewport* window)
    : window_(window),
      panel_(window->edits()),
      transportPanel_(window->edits()),
      attentionPanel_(window->edits()),
      rfPanel_(window->edits()) {}

void ViewportRenderer::initResources() {
  QVulkanInstance* inst = window_->vulkanInstance();
  AdoptedDevice adopted{inst->vkInstance(), window_->physicalDevice(), window_->device(),
                        window_->graphicsQueue(), window_->graphicsQueueFamilyIndex()};
  gpu_ = std::make_unique<GpuContext>(GpuContext::adopt(adopted));
  scene_ = std::make_unique<DiffusionRenderer>(*gpu_, window_->defaultRenderPass(),
                                               window_->concurrentFrameCount());
  ImGuiDeviceInfo info{
      gpu_.get(), window_->defaultRenderPass(),
      uint32_t(std::max(window_->concurrentFrameCount(), window_->swapChainImageCount())),
      assetPath("fonts/DejaVuSans.ttf"), 17.0f};
  imgui_ = std::make_unique<ImGuiLayer>(info);
  window_->setImGui(imgui_.get());
}

void ViewportRenderer::initSwapChainResources() {
  layoutFor(window_->lab().params().splitView());
}

// The split view gives each run half the width. Resizing reallocates the layers' buffers, so the
// device must be idle (Qt guarantees it in initSwapChainResources; elsewhere we wait).
void ViewportRenderer::layoutFor(bool split) {
  const QSize size = window_->swapChainImageSize();
  const uint32_t w = uint32_t(size.width()), h = uint32_t(size.height());
  scene_->resize(split ? w / 2 : w, h);
  if (split) {
    // Built on first use: a second set of pipelines costs start-up time nobody needs otherwise.
    if (!compareScene_)
      compareScene_ = std::make_unique<DiffusionRenderer>(*gpu_, window_->defaultRenderPass(),
                                                          window_->concurrentFrameCount());
    compareScene_->resize(w - w / 2, h);
  }
  splitLayout_ = split;
}

void ViewportRenderer::updateMetrics() {
  // Runs before this frame records anything: the state it measures was computed by a frame that
  // is already submitted, and the downloads queue behind it.
  const DiffusionSimulation* sim = window_->lab().currentSimulation();
  if (!sim || !window_->metricsWanted()) return;
  LiveMetrics& m = window_->metrics();
  if (m.state == sim->current() && window_->metricsSim() == sim->id()) return;
  m = computeLiveMetrics(*sim, window_->lab().params().seed() + 1000);
  window_->setMetricsSim(sim->id());
}

void ViewportRenderer::releaseResources() {
  gpu_->waitIdle();
  window_->setImGui(nullptr);
  imgui_.reset();
  window_->lab().releaseSimulation();  // its buffers live on this device
  transport_.reset();
  attention_.reset();
  window_->attention().useGpu(nullptr);  // its kernels live on this device
  rf_.reset();
  window_->rf().useGpu(nullptr);
  scene_.reset();
  compareScene_.reset();
  gpu_.reset();
}

void ViewportRenderer::startNextFrame() {
  double seconds = window_->stats().tick();
  recordFrame(window_->currentCommandBuffer(), seconds);
  window_->frameReady();
  window_->requestUpdate();
  emit window_->frameFinished();
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

// The Transport lab: the solvers run on the host (between frames, in the panel's setters and
// update()), so the frame is one render pass.
void ViewportRenderer::recordTransportFrame(VkCommandBuffer cmd, double seconds) {
  TransportLab& lab = window_->transport();
  const QSize size = window_->swapChainImageSize();
  const uint32_t w = uint32_t(size.width()), h = uint32_t(size.height());
  lab.tick(seconds);
  imgui_->newFrame(float(w), float(h), seconds);
  if (transportPanel_.build(lab, window_->lab(), window_->controlRects()))
    emit window_->labRequested(false);
  try {
    lab.update();
  } catch (const std::exception& e) {
    reportFailure(e);
  }
  if (!transport_)
    transport_ = std::make_unique<TransportRenderer>(*gpu_, window_->defaultRenderPass(),
                                                     uint32_t(window_->concurrentFrameCount()));
  beginPass(cmd, kBackground);
  transport_->draw(cmd, lab, w, h, uint32_t(window_->currentFrame()));
  setViewportAndScissor(cmd, 0, w, h);
  imgui_->render(cmd, !window_->panelHidden());
  QVulkanDeviceFunctions* df = window_->vulkanInstance()->deviceFunctions(window_->device());
  df->vkCmdEndRenderPass(cmd);
}

// The Attention lab: kernels run between frames on the adopted device (the lab's GpuAttention
// submits and waits) only when an edit made the results stale; the frame is one render pass.
void ViewportRenderer::recordAttentionFrame(VkCommandBuffer cmd, double seconds) {
  AttentionLab& lab = window_->attention();
  const QSize size = window_->swapChainImageSize();
  const uint32_t w = uint32_t(size.width()), h = uint32_t(size.height());
  lab.useGpu(gpu_.get());
  imgui_->newFrame(float(w), float(h), seconds);
  attentionPanel_.build(lab, window_->controlRects());
  const View2D& view = lab.camera();
  lab.setFieldView(view.pixelToWorld({0.0, double(h)}, int(w), int(h)),
                   view.pixelToWorld({double(w), 0.0}, int(w), int(h)));
  try {
    lab.update();
  } catch (const std::exception& e) {
    reportFailure(e);
  }
  if (!attention_)
    attention_ = std::make_unique<AttentionRenderer>(*gpu_, window_->defaultRenderPass(),
                                                     uint32_t(window_->concurrentFrameCount()));
  beginPass(cmd, kBackground);
  setViewportAndScissor(cmd, 0, w, h);
  attention_->draw(cmd, lab, w, h, uint32_t(window_->currentFrame()));
  imgui_->render(cmd, !window_->panelHidden());
  QVulkanDeviceFunctions* df = window_->vulkanInstance()->deviceFunctions(window_->device());
  df->vkCmdEndRenderPass(cmd);
}

// The Receptive Field lab: an edit recomputes the table at once and the effective receptive field
// in update(), on the adopted device (GpuReceptiveField submits and waits), before this frame is
// recorded: the frame that follows an edit shows its result.
void ViewportRenderer::recordRfFrame(VkCommandBuffer cmd, double seconds) {
  RfLab& lab = window_->rf();
  const QSize size = window_->swapChainImageSize();
  const uint32_t w = uint32_t(size.width()), h = uint32_t(size.height());
  lab.useGpu(gpu_.get());
  imgui_->newFrame(float(w), float(h), seconds);
  rfPanel_.build(lab, window_->controlRects());
  try {
    lab.update();
  } catch (const std::exception& e) {
    reportFailure(e);
  }
  if (!rf_)
    rf_ = std::make_unique<RfRenderer>(*gpu_, window_->defaultRenderPass(),
                                       uint32_t(window_->concurrentFrameCount()));
  beginPass(cmd, kBackground);
  setViewportAndScissor(cmd, 0, w, h);
  rf_->draw(cmd, lab, w, h, uint32_t(window_->currentFrame()));
  imgui_->render(cmd, !window_->panelHidden());
  QVulkanDeviceFunctions* df = window_->vulkanInstance()->deviceFunctions(window_->device());
  df->vkCmdEndRenderPass(cmd);
}

void ViewportRenderer::recordFrame(VkCommandBuffer cmd, double seconds) {
  if (window_->transportActive()) return recordTransportFrame(cmd, seconds);
  if (window_->attentionActive()) return recordAttentionFrame(cmd, seconds);
  if (window_->rfActive()) return recordRfFrame(cmd, seconds);
  DiffusionLab& lab = window_->lab();
  const QSize size = window_->swapChainImageSize();
  const uint32_t w = uint32_t(size.width()), h = uint32_t(size.height());
  lab.tick(seconds);
  updateMetrics();

  // The panel first: what it changes applies to this very frame.
  imgui_->newFrame(float(w), float(h), seconds);
  if (const DiffusionSimulation* sim = lab.currentSimulation())
    panel_.build(lab, *sim, window_->controlRects(), window_->panelContext());
  const auto waitIdle = [this] { gpu_->waitIdle(); };
  DiffusionSimulation* sim = nullptr;
  DiffusionSimulation* compare = nullptr;
  try {
    sim = &lab.simulation(gpu_.get(), waitIdle);
    compare = lab.compareSimulation(gpu_.get(), waitIdle);
  } catch (const std::exception& e) {
    reportFailure(e);  // nothing recorded yet: the frame below still clears and presents
  }
  const bool split = compare != nullptr;
  if (split != splitLayout_) {
    gpu_->waitIdle();
    layoutFor(split);
  }
  std::vector<DiffusionFrame> frames;
  if (sim) {
    const uint32_t left = split ? w / 2 : w;
    View2D view = lab.camera();
    frames.push_back(
        DiffusionFrame{*sim, lab.params(), view, left, h, uint32_t(window_->currentFrame())});
    frames.back().picked = &lab.pickedPaths();
    frames.back().painted = lab.painting() ? &lab.painted() : nullptr;
    if (split) {
      frames.back().title = samplerKindName(sim->config().sampler.kind) + " on " +
                            scheduleName(sim->config().schedule.kind);
      frames.push_back(DiffusionFrame{*compare, lab.params(), view, w - left, h,
                                      uint32_t(window_->currentFrame())});
      frames.back().xOffset = left;
      frames.back().title = samplerKindName(compare->config().sampler.kind) + " on " +
                            scheduleName(compare->config().schedule.kind);
    }
    DiffusionRenderer::beginCompute(cmd);
    sim->seek(lab.playback().target(), cmd);
    if (compare) compare->seek(lab.playback().target(), cmd);
    scene_->recordCompute(cmd, frames[0]);
    if (split) compareScene_->recordCompute(cmd, frames[1]);
  }

  beginPass(cmd, sim ? scene_->clearColor(frames[0]) : kBackground);
  QVulkanDeviceFunctions* df = window_->vulkanInstance()->deviceFunctions(window_->device());
  if (!frames.empty()) scene_->recordDraw(cmd, frames[0]);
  if (frames.size() > 1) compareScene_->recordDraw(cmd, frames[1]);
  setViewportAndScissor(cmd, 0, w, h);
  imgui_->render(cmd, !window_->panelHidden());
  df->vkCmdEndRenderPass(cmd);
}
}  // namespace flowscope
