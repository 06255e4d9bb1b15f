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
      if (imguiWants && !dragging_ && !grabbing_) {
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

// The plane of a point-editing lab (Transport, Attention). A left press either goes to the lab
// (`press` returns true when it grabbed or edited something under the cursor; the moves until the
// release then go to `drag`) or starts a pan; the wheel zooms about the cursor. An edit the lab
// refuses is reported, never thrown.
bool VulkanViewport::handlePlaneInput(QEvent* event, View2D& camera, const PlaneEditor& editor) {
  const int w = swapChainImageSize().width(), h = swapChainImageSize().height();
  const double dpr = devicePixelRatio();
  const auto world = [&](QPointF p) { return camera.pixelToWorld({p.x(), p.y()}, w, h); };
  switch (event->type()) {
    case QEvent::MouseButtonPress: {
      auto* e = static_cast<QMouseEvent*>(event);
      if (e->button() != Qt::LeftButton || h <= 0) return true;
      const QPointF p = e->position() * dpr;
      try {
        grabbing_ = editor.press(world(p), 10.0 / camera.pixelsPerUnit(h), e->modifiers());
      } catch (const std::exception& err) {
        emit renderError(QString::fromStdString(err.what()));
        return true;
      }
      dragging_ = !grabbing_;
      lastMouse_ = p;
      return true;
    }
    case QEvent::MouseButtonRelease:
      if (grabbing_) editor.release();
      grabbing_ = dragging_ = false;
      return true;
    case QEvent::MouseMove: {
      const QPointF p = static_cast<QMouseEvent*>(event)->position() * dpr;
      if (grabbing_) editor.drag(world(p));
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

// Transport: drag a point to move it; Shift+click adds a source point, Ctrl+click a target point.
bool VulkanViewport::handleTransportInput(QEvent* event) {
  return handlePlaneInput(event, transport_.camera(),
                          {[&](glm::dvec2 p, double radius, Qt::KeyboardModifiers mods) {
                             if (mods & (Qt::ShiftModifier | Qt::ControlModifier)) {
                               transport_.addPoint(bool(mods & Qt::ControlModifier), p);
                               return true;
                             }
                             draggedPoint_ = transport_.pointAt(p, radius);
                             return draggedPoint_.has_value();
                           },
                           [&](glm::dvec2 p) {
                             if (draggedPoint_) transport_.movePoint(*draggedPoint_, p);
                           },
                           [&] { draggedPoint_.reset(); }});
}

// Attention: click a token to select it as the query, drag it to move it, Shift+click to add one;
// in the diffusion-link view drag the noisy query.
bool VulkanViewport::handleAttentionInput(QEvent* event) {
  return handlePlaneInput(event, attention_.camera(),
                          {[&](glm::dvec2 p, double radius, Qt::KeyboardModifiers mods) {
                             if (mods & Qt::ShiftModifier) {
                               attention_.addToken(p);
                               return true;
                             }
                             const AttentionSettings& s = attention_.settings();
                             draggingNoisy_ =
                                 s.diffusionLink && glm::length(p - s.noisy) <= 2 * radius;
                             if (!draggingNoisy_ && (draggedToken_ = attention_.tokenAt(p, radius)))
                               attention_.setSelected(int(*draggedToken_));
                             return draggingNoisy_ || draggedToken_.has_value();
                           },
                           [&](glm::dvec2 p) {
                             if (draggingNoisy_) attention_.setNoisy(p);
                             if (draggedToken_) attention_.moveToken(*draggedToken_, p);
                           },
                           [&] {
                             draggedToken_.reset();
                             draggingNoisy_ = false;
                           }});
}

// Receptive Field: hovering the image shows the selected layer's unit there; a press on the image
// pins that unit (dragging keeps pinning the unit under the cursor), elsewhere it pans. Input
// pixel (row, col) sits at world (col, -row).
bool VulkanViewport::handleRfInput(QEvent* event) {
  const auto inside = [&](glm::dvec2 p) {
    const Architecture& a = rf_.architecture();
    return -p.y >= -0.5 && -p.y < a.height - 0.5 && p.x >= -0.5 && p.x < a.width - 0.5;
  };
  const auto pin = [&](glm::dvec2 p) {
    const auto [row, col] = rf_.unitNear(-p.y, p.x);
    rf_.pinUnit(row, col);
  };
  if (event->type() == QEvent::MouseMove && !grabbing_ && !dragging_) {
    const int w = swapChainImageSize().width(), h = swapChainImageSize().height();
    const QPointF q = static_cast<QMouseEvent*>(event)->position() * devicePixelRatio();
    const glm::dvec2 p = rf_.camera().pixelToWorld({q.x(), q.y()}, w, h);
    if (inside(p)) {
      const auto [row, col] = rf_.unitNear(-p.y, p.x);
      rf_.setHover(row, col);
    } else {
      rf_.clearHover();
    }
  }
  return handlePlaneInput(event, rf_.camera(),
                          {[&](glm::dvec2 p, double, Qt::KeyboardModifiers) {
                             if (!inside(p)) return false;
                             pin(p);
                             return true;
                           },
                           [&](glm::dvec2 p) {
                             if (inside(p)) pin(p);
                           },
                           [] {}});
}

bool VulkanViewport::handleViewportInput(QEvent* event) {
  if (transportActive()) return handleTransportInput(event);
  if (attentionActive()) return handleAttentionInput(event);
  if (rfActive()) return handleRfInput(event);
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
