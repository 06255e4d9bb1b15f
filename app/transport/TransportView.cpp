#include "TransportView.h"

namespace flowscope {

std::unique_ptr<LabView> makeTransportView(Lab& lab, EditErrors& edits) {
  return std::make_unique<TransportView>(dynamic_cast<TransportLab&>(lab), edits);
}

std::optional<LabRequest> TransportView::buildPanel(ControlRects& rects) {
  return panel_.build(lab_, rects);
}

bool TransportView::handleInput(const QEvent* event, const ViewSurface& surface) {
  PlaneEditor editor;
  editor.press = [&](glm::dvec2 p, double radius, Qt::KeyboardModifiers mods) {
    if (mods & (Qt::ShiftModifier | Qt::ControlModifier)) {
      lab_.addPoint(bool(mods & Qt::ControlModifier), p);
      return true;
    }
    dragged_ = lab_.pointAt(p, radius);
    return dragged_.has_value();
  };
  editor.drag = [&](glm::dvec2 p) {
    if (dragged_) lab_.movePoint(*dragged_, p);
  };
  editor.release = [&] { dragged_.reset(); };
  return plane_.handle(event, lab_.camera(), surface, surface.width, editor, edits_);
}

}  // namespace flowscope
