#include "AttentionView.h"

namespace flowscope {

std::unique_ptr<LabView> makeAttentionView(Lab& lab, EditErrors& edits) {
  return std::make_unique<AttentionView>(dynamic_cast<AttentionLab&>(lab), edits);
}

std::optional<LabRequest> AttentionView::buildPanel(ControlRects& rects) {
  panel_.build(lab_, rects);
  return std::nullopt;
}

bool AttentionView::handleInput(const QEvent* event, const ViewSurface& surface) {
  PlaneEditor editor;
  editor.press = [&](glm::dvec2 p, double radius, Qt::KeyboardModifiers mods) {
    if (mods & Qt::ShiftModifier) {
      lab_.addToken(p);
      return true;
    }
    const AttentionSettings& s = lab_.settings();
    draggingNoisy_ = s.diffusionLink && glm::length(p - s.noisy) <= 2 * radius;
    if (!draggingNoisy_ && (dragged_ = lab_.tokenAt(p, radius))) lab_.setSelected(int(*dragged_));
    return draggingNoisy_ || dragged_.has_value();
  };
  editor.drag = [&](glm::dvec2 p) {
    if (draggingNoisy_) lab_.setNoisy(p);
    if (dragged_) lab_.moveToken(*dragged_, p);
  };
  editor.release = [&] {
    dragged_.reset();
    draggingNoisy_ = false;
  };
  return plane_.handle(event, lab_.camera(), surface, surface.width, editor, edits_);
}

}  // namespace flowscope
