#pragma once
// The Training lab in the GUI: its panel, curves and neurons windows; in the plane, drag pans and
// the wheel zooms.
#include "LabView.h"
#include "PlaneInput.h"
#include "TrainingLab.h"
#include "TrainingPanel.h"

namespace flowscope {

class TrainingView : public LabView {
 public:
  TrainingView(TrainingLab& lab, EditErrors& edits) : lab_(lab), edits_(edits), panel_(edits) {}
  Lab& lab() override { return lab_; }
  std::optional<LabRequest> buildPanel(ControlRects& rects) override;
  bool handleInput(const QEvent* event, const ViewSurface& surface) override;
  bool holdsMouse() const override { return plane_.holdsMouse(); }

 private:
  TrainingLab& lab_;
  EditErrors& edits_;
  TrainingPanel panel_;
  PlaneInput plane_;
};

}  // namespace flowscope
