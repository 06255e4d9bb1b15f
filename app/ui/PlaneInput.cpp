#include "PlaneInput.h"

#include <QMouseEvent>
#include <QWheelEvent>

#include <cmath>

namespace flowscope {

bool PlaneInput::handle(const QEvent* event, View2D& camera, const ViewSurface& surface, int width,
                        const PlaneEditor& editor, EditErrors& edits) {
  const int h = surface.height;
  const auto pixel = [&](const QSinglePointEvent* e) { return surface.pixel(e->position()); };
  const auto world = [&](QPointF p) { return camera.pixelToWorld({p.x(), p.y()}, width, h); };
  switch (event->type()) {
    case QEvent::MouseButtonPress: {
      const auto* e = static_cast<const QMouseEvent*>(event);
      if (e->button() != Qt::LeftButton || h <= 0) return true;
      last_ = pixel(e);
      try {
        grabbing_ = editor.press(world(last_), 10.0 / camera.pixelsPerUnit(h), e->modifiers());
      } catch (const InputError& err) {
        edits.report(err.what());
        return true;
      }
      panning_ = !grabbing_;
      return true;
    }
    case QEvent::MouseButtonRelease:
      if (grabbing_) editor.release();
      grabbing_ = panning_ = false;
      return true;
    case QEvent::MouseMove: {
      const QPointF p = pixel(static_cast<const QMouseEvent*>(event));
      if (h <= 0) return true;
      if (grabbing_) {
        try {
          editor.drag(world(p));
        } catch (const InputError& err) {
          edits.report(err.what());
        }
      }
      if (panning_) {
        camera.panPixels({p.x() - last_.x(), p.y() - last_.y()}, h);
        last_ = p;
      }
      if (!grabbing_ && !panning_) editor.hover(world(p));
      return true;
    }
    case QEvent::Wheel: {
      const auto* e = static_cast<const QWheelEvent*>(event);
      if (h <= 0) return true;
      const QPointF p = pixel(e);
      camera.zoomAbout({p.x(), p.y()}, std::pow(1.15, e->angleDelta().y() / 120.0), width, h);
      return true;
    }
    default:
      return false;
  }
}

}  // namespace flowscope
