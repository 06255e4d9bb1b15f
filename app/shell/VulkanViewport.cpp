#include "VulkanViewport.h"

#include <QKeyEvent>

#include "ImGuiLayer.h"
#include "LabCatalog.h"
#include "UiScale.h"
#include "ViewCatalog.h"
#include "ViewportRenderer.h"

namespace flowscope {

VulkanViewport::VulkanViewport(std::vector<std::unique_ptr<Lab>> labs) : labs_(std::move(labs)) {
  for (const auto& lab : labs_) {
    lab->setBackgroundWork(true);  // a drag or a slider never waits for a solve
    views_.push_back(makeView(*lab, edits_));
  }
  fits_.resize(labs_.size());
  // UNORM, not Qt's sRGB default: ImGui and the colormaps are authored for UNORM output.
  setPreferredColorFormats({VK_FORMAT_B8G8R8A8_UNORM, VK_FORMAT_R8G8B8A8_UNORM});
  installEventFilter(this);  // on the QVulkanWindow itself, not its container widget
}

// The renderer's releaseResources (on the surface's end) reaches the labs: it runs here, while
// they are alive.
VulkanViewport::~VulkanViewport() {
  destroy();
}

QVulkanWindowRenderer* VulkanViewport::createRenderer() {
  return new ViewportRenderer(this);
}

void VulkanViewport::show(size_t index) {
  if (index != shown_) edits_.clear();
  shown_ = index;
}

void VulkanViewport::deliver(const LabRequest& request) {
  try {
    const size_t index = labIndex(request.lab);
    lab(index).receive(request.content);
    edits_.clear();
    emit labRequested(int(index));
  } catch (const InputError& e) {
    edits_.report(e.what());
  }
}

void VulkanViewport::setUiScale(float scale) {
  const float snapped = nearestUiScale(scale);
  if (snapped == uiScale_) return;
  uiScale_ = snapped;
  emit uiScaleChanged(snapped);
  requestUpdate();
}

QString VulkanViewport::deviceName() const {
  const VkPhysicalDeviceProperties* props = isValid() ? physicalDeviceProperties() : nullptr;
  return props ? QString(props->deviceName) : QString("no device");
}

QImage VulkanViewport::grabRgb(bool withPanel) {
  setPanelHidden(!withPanel);
  QImage image = grab();
  setPanelHidden(false);
  return colorFormat() == VK_FORMAT_B8G8R8A8_UNORM ? image.rgbSwapped() : image;
}

bool VulkanViewport::eventFilter(QObject* watched, QEvent* event) {
  if (watched != this) return QVulkanWindow::eventFilter(watched, event);
  switch (event->type()) {
    case QEvent::MouseMove:
    case QEvent::MouseButtonPress:
    case QEvent::MouseButtonRelease:
    case QEvent::MouseButtonDblClick:
    case QEvent::Wheel:
    case QEvent::KeyPress:
    case QEvent::KeyRelease: {
      const bool imguiWants = imgui_ && imgui_->queueEvent(event, devicePixelRatio());
      if (imguiWants && !shownView().holdsMouse()) {
        requestUpdate();
        return true;
      }
      return handleSceneInput(event);
    }
    default:
      return QVulkanWindow::eventFilter(watched, event);
  }
}

// Keys are the window's shortcuts, acting on the lab shown; the mouse goes to the lab's view.
bool VulkanViewport::handleSceneInput(QEvent* event) {
  if (event->type() == QEvent::KeyPress)
    return shortcutHandler && shortcutHandler(static_cast<QKeyEvent*>(event));
  if (event->type() == QEvent::KeyRelease) return false;
  return shownView().handleInput(event, {int(content_.width), int(content_.height),
                                         devicePixelRatio(), content_.x, content_.y});
}

}  // namespace flowscope
