#include "VulkanViewport.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QWheelEvent>

#include <cmath>

#include "ImGuiLayer.h"
#include "ViewportRenderer.h"

namespace flowscope {

VulkanViewport::VulkanViewport(DiffusionLab& lab) : lab_(lab) {
  // UNORM, not Qt's sRGB default: ImGui and the colormaps are authored for UNORM output.
  setPreferredColorFormats({VK_FORMAT_B8G8R8A8_UNORM, VK_FORMAT_R8G8B8A8_UNORM});
  installEventFilter(this);  // on the QVulkanWindow itself, not its container widget
}

QVulkanWindowRenderer* VulkanViewport::createRenderer() {
  return new ViewportRenderer(this);
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
      bool imguiWants = imgui_ && imgui_->queueEvent(event, devicePixelRatio());
      if (imguiWants && !dragging_) {
        requestUpdate();
        return true;
      }
      return handleViewportInput(event);
    }
    default:
      return QVulkanWindow::eventFilter(watched, event);
  }
}

bool VulkanViewport::handleViewportInput(QEvent* event) {
  const int w = swapChainImageSize().width(), h = swapChainImageSize().height();
  const double dpr = devicePixelRatio();
  View2D& camera = lab_.camera();
  switch (event->type()) {
    case QEvent::MouseButtonPress: {
      auto* e = static_cast<QMouseEvent*>(event);
      if (e->button() == Qt::LeftButton) {
        dragging_ = true;
        lastMouse_ = e->position() * dpr;
      }
      return true;
    }
    case QEvent::MouseButtonRelease:
      dragging_ = false;
      return true;
    case QEvent::MouseMove: {
      auto* e = static_cast<QMouseEvent*>(event);
      if (dragging_ && h > 0) {
        QPointF p = e->position() * dpr;
        camera.panPixels({p.x() - lastMouse_.x(), p.y() - lastMouse_.y()}, h);
        lastMouse_ = p;
      }
      return true;
    }
    case QEvent::Wheel: {
      auto* e = static_cast<QWheelEvent*>(event);
      if (h > 0) {
        QPointF p = e->position() * dpr;
        camera.zoomAbout({p.x(), p.y()}, std::pow(1.15, e->angleDelta().y() / 120.0), w, h);
      }
      return true;
    }
    case QEvent::KeyPress:
      return shortcutHandler && shortcutHandler(static_cast<QKeyEvent*>(event));
    default:
      return false;
  }
}

}  // namespace flowscope
