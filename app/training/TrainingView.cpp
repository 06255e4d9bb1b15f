#include "TrainingView.h"

namespace flowscope {

std::unique_ptr<LabView> makeTrainingView(Lab& lab, EditErrors& edits) {
  return std::make_unique<TrainingView>(dynamic_cast<TrainingLab&>(lab), edits);
}

std::optional<LabRequest> TrainingView::buildPanel(ControlRects& rects) {
  return panel_.build(lab_, rects);
}

bool TrainingView::handleInput(const QEvent* event, const ViewSurface& surface) {
  PlaneEditor editor;  // no editing in the plane: drag pans, the wheel zooms
  return plane_.handle(event, lab_.camera(), surface, surface.width, editor, edits_);
}

}  // namespace flowscope
