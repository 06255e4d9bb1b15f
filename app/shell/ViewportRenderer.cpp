#include "ViewportRenderer.h"

#include <QVulkanFunctions>

#include <algorithm>
#include <cmath>

#include "InputError.h"
#include "LessonWindow.h"
#include "Pipelines.h"
#include "ProgressWindow.h"
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
  window_->setGpu(gpu_.get());
  ImGuiDeviceInfo info{
      gpu_.get(),
      window_->defaultRenderPass(),
      uint32_t(std::max(window_->concurrentFrameCount(), window_->swapChainImageCount())),
      assetPath("fonts/DejaVuSans.ttf"),
      kBaseFontPixels,
      window_->devicePixelRatio(),
      window_->savedLayout().toStdString()};
  imgui_ = std::make_unique<ImGuiLayer>(info);
  ImGui::GetIO().UserData = &window_->dockLayout();  // DockLayout::current()
  window_->setImGui(imgui_.get());
  appliedScale_ = 0.0f;
  appliedTheme_ = -1;
  renderers_.resize(window_->labCount());
  sizes_.assign(window_->labCount(), {0, 0});
  retired_ = std::make_unique<DeletionQueue>(uint32_t(window_->concurrentFrameCount()));
}

// Qt calls it with the device idle: the renderers are resized to the content area on their next
// frame.
void ViewportRenderer::initSwapChainResources() {
  sizes_.assign(window_->labCount(), {0, 0});
}

void ViewportRenderer::releaseResources() {
  gpu_->waitIdle();
  emit window_->layoutChanged(QString::fromStdString(imgui_->layout()));  // kept across starts
  window_->setImGui(nullptr);
  imgui_.reset();
  retired_->clear();
  renderers_.clear();
  for (size_t i = 0; i < window_->labCount(); ++i)
    window_->lab(i).useGpu(nullptr);  // what they made lives on this device
  window_->setGpu(nullptr);
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
    sizes_[lab] = {0, 0};
  }
  return *renderers_[lab];
}

// A renderer's buffers follow the content area's size; frames in flight may read them, so the
// device finishes first (a resize is rare: the window, the panels, the UI scale).
void ViewportRenderer::sizeRenderer(size_t lab, uint32_t width, uint32_t height) {
  if (sizes_[lab] == std::pair{width, height}) return;
  gpu_->waitIdle();
  renderers_[lab]->resize(width, height);
  sizes_[lab] = {width, height};
}

// The content area in whole framebuffer pixels: what the docked panels leave, or the whole
// frame while no panel is drawn.
ContentRect ViewportRenderer::contentArea(uint32_t w, uint32_t h) const {
  if (!window_->panelsShown() || window_->panelHidden()) return {0.0f, 0.0f, float(w), float(h)};
  const ContentRect c = window_->dockLayout().content();
  const float x = std::clamp(std::round(c.x), 0.0f, float(w) - 1.0f),
              y = std::clamp(std::round(c.y), 0.0f, float(h) - 1.0f);
  return {x, y, std::clamp(std::round(c.width), 1.0f, float(w) - x),
          std::clamp(std::round(c.height), 1.0f, float(h) - y)};
}

// The camera fits the content area when it changes (while the camera is where the last fit put
// it) and on Home.
void ViewportRenderer::followContent(Lab& lab, VulkanViewport::CameraFit& fit, uint32_t width,
                                     uint32_t height) {
  if (fit.fitted &&
      !(lab.camera().center == fit.fitted->center && lab.camera().height == fit.fitted->height))
    fit.follow = false;  // the user moved it, or a scene set it
  const bool resized = width != fit.width || height != fit.height;
  fit.width = width, fit.height = height;
  if (!fit.refit && !(fit.follow && resized)) return;
  lab.setViewport(width, height);
  lab.resetCamera();
  fit.fitted = lab.camera();
  fit.follow = true, fit.refit = false;
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
  if (appliedTheme_ != int(window_->theme())) {
    appliedTheme_ = int(window_->theme());
    imgui_->setLight(window_->theme() == ThemeKind::Light);
  }
  setTheme(window_->theme());  // what this frame draws around the data
  imgui_->newFrame(float(w), float(h), seconds);
  window_->dockLayout().beginFrame(float(w), float(h), window_->panelsDocked());
  if (window_->panelsShown()) {
    if (auto request = view.buildPanel(window_->controlRects())) window_->deliver(*request);
    if (const int step = buildLessonWindow(*window_)) emit window_->lessonStepRequested(step);
  }
  const ContentRect area = contentArea(w, h);
  window_->setContent(area);
  const uint32_t cx = uint32_t(area.x), cy = uint32_t(area.y), cw = uint32_t(area.width),
                 ch = uint32_t(area.height);
  followContent(lab, window_->cameraFit(index), cw, ch);
  lab.setViewport(cw, ch);
  try {
    lab.update();
  } catch (const std::exception& e) {
    reportFailure(e);
  }
  buildProgressWindow(*window_, lab, area);
  LabRenderer& r = renderer(index);
  sizeRenderer(index, cw, ch);
  // The overlays at the UI scale, on top of the screen's device pixel ratio.
  const LabFrame frame{
      cw, ch, slot, retired_.get(), window_->uiScale() * float(window_->devicePixelRatio()),
      cx, cy};
  bool prepared = false;
  try {
    r.prepare(cmd, frame);
    prepared = true;
  } catch (const std::exception& e) {
    reportFailure(e);  // nothing drawn: the frame below still clears and presents
  }
  beginPass(cmd, prepared ? r.clearColor() : theme().background);
  if (prepared) {
    setViewportAndScissor(cmd, cx, cw, ch, cy);
    r.draw(cmd, frame);
  }
  setViewportAndScissor(cmd, 0, w, h);
  imgui_->render(cmd, !window_->panelHidden());
  if (auto layout = imgui_->takeLayoutChange())
    emit window_->layoutChanged(QString::fromStdString(*layout));
  QVulkanDeviceFunctions* df = window_->vulkanInstance()->deviceFunctions(window_->device());
  df->vkCmdEndRenderPass(cmd);
}

}  // namespace flowscope
