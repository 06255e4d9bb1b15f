#pragma once
// Mouse input on a lab's plane, shared by the labs' views: a left press either goes to the lab
// (the editor's `press` returns true when it took it: grabbed a point, picked, started a stroke;
// the moves until the release then go to `drag`) or starts a pan; moves with no button held go to
// `hover`; one wheel notch (120) zooms by 15% about the cursor. A press the lab refuses
// (InputError) is reported on the panel's error line.
#include <QEvent>
#include <QPointF>

#include <functional>

#include <glm/glm.hpp>

#include "EditErrors.h"
#include "LabView.h"
#include "View2D.h"

namespace flowscope {

struct PlaneEditor {
  // world: the cursor on the plane; radius: 10 pixels there (the reach of a click).
  std::function<bool(glm::dvec2 world, double radius, Qt::KeyboardModifiers mods)> press;
  std::function<void(glm::dvec2 world)> drag = [](glm::dvec2) {};
  std::function<void()> release = [] {};
  std::function<void(glm::dvec2 world)> hover = [](glm::dvec2) {};
};

class PlaneInput {
 public:
  // `width`: the part of the framebuffer the camera maps (LabView::cameraWidth). True when used.
  bool handle(const QEvent* event, View2D& camera, const ViewSurface& surface, int width,
              const PlaneEditor& editor, EditErrors& edits);
  bool holdsMouse() const { return grabbing_ || panning_; }

 private:
  bool grabbing_ = false;  // the lab took the press: moves go to drag until the release
  bool panning_ = false;
  QPointF last_;
};

}  // namespace flowscope
