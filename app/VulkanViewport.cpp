#include "VulkanViewport.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QWheelEvent>

#include <cmath>

#include "ImGuiLayer.h"
#include "ViewportRenderer.h"

namespace flowscope {

VulkanViewport::VulkanViewport(DiffusionLab& lab, TransportLab& transport)
    : lab_(lab), transport_(transport) {
  panelContext_.metrics = &metrics_;
  panelContext_.sweep = &sweep_;
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
      if (imguiWants && !dragging_ && !draggedPoint_) {
        requestUpdate();
        return true;
      }
      return handleViewportInput(event);
    }
    default:
      return QVulkanWindow::eventFilter(watched, event);
  }
}

int VulkanViewport::primaryWidth() const {
  const int w = swapChainImageSize().width();
  return lab_.currentCompare() ? w / 2 : w;
}

void VulkanViewport::pickAt(QPointF pixel) {
  const DiffusionSimulation* sim = lab_.currentSimulation();
  const int w = primaryWidth(), h = swapChainImageSize().height();
  if (!sim || pixel.x() >= w) return;
  // Between frames: the download queues behind the submitted frame that computed the state.
  auto positions = sim->positions(sim->current());
  const glm::dvec2 at = lab_.camera().pixelToWorld({pixel.x(), pixel.y()}, w, h);
  const double radius = 12.0 / lab_.camera().pixelsPerUnit(h);
  double best = radius * radius;
  int chosen = -1;
  for (size_t i = 0; i < positions.size(); ++i) {
    const glm::dvec2 d = glm::dvec2(positions[i]) - at;
    if (glm::dot(d, d) < best) best = glm::dot(d, d), chosen = int(i);
  }
  if (chosen >= 0) lab_.pick(uint32_t(chosen));
}

void VulkanViewport::paintAt(QPointF pixel) {
  const int w = primaryWidth(), h = swapChainImageSize().height();
  const glm::dvec2 at = lab_.camera().pixelToWorld({pixel.x(), pixel.y()}, w, h);
  const auto& painted = lab_.painted();
  const double spacing = 4.0 / lab_.camera().pixelsPerUnit(h);  // one point per 4 pixels of stroke
  if (painted.empty() || glm::length(painted.back() - at) >= spacing) lab_.paint(at);
}

// One wheel notch (120) zooms by 15% about the cursor.
void VulkanViewport::zoomWithWheel(View2D& camera, const QWheelEvent* e, int width, int height) {
  if (height <= 0) return;
  const QPointF p = e->position() * devicePixelRatio();
  camera.zoomAbout({p.x(), p.y()}, std::pow(1.15, e->angleDelta().y() / 120.0), width, height);
}

bool VulkanViewport::handleTransportInput(QEvent* event) {
  const int w = swapChainImageSize().width(), h = swapChainImageSize().height();
  const double dpr = devicePixelRatio();
  View2D& camera = transport_.camera();
  const auto world = [&](QPointF p) { return camera.pixelToWorld({p.x(), p.y()}, w, h); };
  switch (event->type()) {
    case QEvent::MouseButtonPress: {
      auto* e = static_cast<QMouseEvent*>(event);
      if (e->button() != Qt::LeftButton || h <= 0) return true;
      const QPointF p = e->position() * dpr;
      try {
        if (e->modifiers() & (Qt::ShiftModifier | Qt::ControlModifier)) {
          transport_.addPoint(bool(e->modifiers() & Qt::ControlModifier), world(p));
          return true;
        }
      } catch (const std::exception& err) {
        emit renderError(QString::fromStdString(err.what()));
        return true;
      }
      draggedPoint_ = transport_.pointAt(world(p), 10.0 / camera.pixelsPerUnit(h));
      dragging_ = !draggedPoint_;
      lastMouse_ = p;
      return true;
    }
    case QEvent::MouseButtonRelease:
      draggedPoint_.reset();
      dragging_ = false;
      return true;
    case QEvent::MouseMove: {
      auto* e = static_cast<QMouseEvent*>(event);
      const QPointF p = e->position() * dpr;
      if (draggedPoint_) transport_.movePoint(*draggedPoint_, world(p));
      if (dragging_ && h > 0) {
        camera.panPixels({p.x() - lastMouse_.x(), p.y() - lastMouse_.y()}, h);
        lastMouse_ = p;
      }
      return true;
    }
    case QEvent::Wheel:
      zoomWithWheel(camera, static_cast<QWheelEvent*>(event), w, h);
      return true;
    case QEvent::KeyPress:
      return shortcutHandler && shortcutHandler(static_cast<QKeyEvent*>(event));
    default:
      return false;
  }
}

// The Attention lab: click a token to select it as the query, drag it to move it, Shift+click to
// add one; in the diffusion-link view drag the noisy query. Empty space pans, the wheel zooms.
bool VulkanViewport::handleAttentionInput(QEvent* event) {
  const int w = swapChainImageSize().width(), h = swapChainImageSize().height();
  const double dpr = devicePixelRatio();
  View2D& camera = attention_.camera();
  const auto world = [&](QPointF p) { return camera.pixelToWorld({p.x(), p.y()}, w, h); };
  switch (event->type()) {
    case QEvent::MouseButtonPress: {
      auto* e = static_cast<QMouseEvent*>(event);
      if (e->button() != Qt::LeftButton || h <= 0) return true;
      const QPointF p = e->position() * dpr;
      const double radius = 10.0 / camera.pixelsPerUnit(h);
      try {
        if (e->modifiers() & Qt::ShiftModifier) {
          attention_.addToken(world(p));
          return true;
        }
      } catch (const std::exception& err) {
        emit renderError(QString::fromStdString(err.what()));
        return true;
      }
      if (attention_.settings().diffusionLink &&
          glm::length(world(p) - attention_.settings().noisy) <= 2 * radius) {
        draggingNoisy_ = true;
      } else if ((draggedToken_ = attention_.tokenAt(world(p), radius))) {
        attention_.setSelected(int(*draggedToken_));
      }
      dragging_ = !draggedToken_ && !draggingNoisy_;
      lastMouse_ = p;
      return true;
    }
    case QEvent::MouseButtonRelease:
      draggedToken_.reset();
      dragging_ = draggingNoisy_ = false;
      return true;
    case QEvent::MouseMove: {
      auto* e = static_cast<QMouseEvent*>(event);
      const QPointF p = e->position() * dpr;
      if (draggingNoisy_) attention_.setNoisy(world(p));
      if (draggedToken_) attention_.moveToken(*draggedToken_, world(p));
      if (dragging_ && h > 0) {
        camera.panPixels({p.x() - lastMouse_.x(), p.y() - lastMouse_.y()}, h);
        lastMouse_ = p;
      }
      return true;
    }
    case QEvent::Wheel:
      zoomWithWheel(camera, static_cast<QWheelEvent*>(event), w, h);
      return true;
    case QEvent::KeyPress:
      return shortcutHandler && shortcutHandler(static_cast<QKeyEvent*>(event));
    default:
      return false;
  }
}

bool VulkanViewport::handleViewportInput(QEvent* event) {
  if (transportActive()) return handleTransportInput(event);
  if (attentionActive()) return handleAttentionInput(event);
  const int h = swapChainImageSize().height();
  const double dpr = devicePixelRatio();
  View2D& camera = lab_.camera();
  switch (event->type()) {
    case QEvent::MouseButtonPress: {
      auto* e = static_cast<QMouseEvent*>(event);
      if (e->button() != Qt::LeftButton) return true;
      if (e->modifiers() & Qt::ControlModifier) {
        pickAt(e->position() * dpr);
      } else if (lab_.painting()) {
        paintingStroke_ = true;
        paintAt(e->position() * dpr);
      } else {
        dragging_ = true;
        lastMouse_ = e->position() * dpr;
      }
      return true;
    }
    case QEvent::MouseButtonRelease:
      dragging_ = paintingStroke_ = false;
      return true;
    case QEvent::MouseMove: {
      auto* e = static_cast<QMouseEvent*>(event);
      if (paintingStroke_) paintAt(e->position() * dpr);
      if (dragging_ && h > 0) {
        QPointF p = e->position() * dpr;
        camera.panPixels({p.x() - lastMouse_.x(), p.y() - lastMouse_.y()}, h);
        lastMouse_ = p;
      }
      return true;
    }
    case QEvent::Wheel:
      zoomWithWheel(camera, static_cast<QWheelEvent*>(event), primaryWidth(), h);
      return true;
    case QEvent::KeyPress:
      return shortcutHandler && shortcutHandler(static_cast<QKeyEvent*>(event));
    default:
      return false;
  }
}

}  // namespace flowscope
