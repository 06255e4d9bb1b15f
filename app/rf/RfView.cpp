#include "RfView.h"

namespace flowscope {

std::unique_ptr<LabView> makeRfView(Lab& lab, EditErrors& edits) {
  return std::make_unique<RfView>(dynamic_cast<RfLab&>(lab), edits);
}

std::optional<LabRequest> RfView::buildPanel(ControlRects& rects) {
  panel_.build(lab_, rects);
  return std::nullopt;
}

bool RfView::inside(glm::dvec2 p) const {
  const Architecture& a = lab_.architecture();
  return -p.y >= -0.5 && -p.y < a.height - 0.5 && p.x >= -0.5 && p.x < a.width - 0.5;
}

bool RfView::handleInput(const QEvent* event, const ViewSurface& surface) {
  const auto pin = [&](glm::dvec2 p) {
    const auto [row, col] = lab_.unitNear(-p.y, p.x);
    lab_.pinUnit(row, col);
  };
  PlaneEditor editor;
  editor.press = [&](glm::dvec2 p, double, Qt::KeyboardModifiers) {
    if (!inside(p)) return false;
    pin(p);
    return true;
  };
  editor.drag = [&](glm::dvec2 p) {
    if (inside(p)) pin(p);
  };
  editor.hover = [&](glm::dvec2 p) {
    if (!inside(p)) return lab_.clearHover();
    const auto [row, col] = lab_.unitNear(-p.y, p.x);
    lab_.setHover(row, col);
  };
  return plane_.handle(event, lab_.camera(), surface, surface.width, editor, edits_);
}

}  // namespace flowscope
