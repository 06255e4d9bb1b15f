#pragma once
// The Estimators lab in the GUI: its panel (left: the distribution and f, theta, which component,
// samples, repeats, tau, the descent) over the lab's validating setters; the frame is charts, so
// the mouse does nothing there.
#include "ControlRect.h"
#include "EditErrors.h"
#include "EstimatorsLab.h"
#include "LabView.h"

namespace flowscope {

class EstimatorsView : public LabView {
 public:
  EstimatorsView(EstimatorsLab& lab, EditErrors& edits) : lab_(lab), edits_(edits) {}
  Lab& lab() override { return lab_; }
  std::optional<LabRequest> buildPanel(ControlRects& rects) override;
  bool handleInput(const QEvent*, const ViewSurface&) override { return false; }
  bool holdsMouse() const override { return false; }

 private:
  void problemSection(ControlRects& rects);
  void estimatorSection(ControlRects& rects);
  void descentSection(ControlRects& rects);
  EstimatorsLab& lab_;
  EditErrors& edits_;
  char expression_[256] = "x^2", plane_[256] = "x^2 + 3*y";
};

}  // namespace flowscope
