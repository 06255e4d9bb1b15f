#pragma once
// The Receptive Field lab in the GUI: its panel and table, and on the image: hovering shows the
// selected layer's unit there; a press pins that unit (dragging keeps pinning the unit under the
// cursor); elsewhere a press pans, the wheel zooms. Input pixel (row, col) sits at world
// (col, -row).
#include "LabView.h"
#include "PlaneInput.h"
#include "RfLab.h"
#include "RfPanel.h"

namespace flowscope {

class RfView : public LabView {
 public:
  RfView(RfLab& lab, EditErrors& edits) : lab_(lab), edits_(edits), panel_(edits) {}
  Lab& lab() override { return lab_; }
  std::optional<LabRequest> buildPanel(ControlRects& rects) override;
  bool handleInput(const QEvent* event, const ViewSurface& surface) override;
  bool holdsMouse() const override { return plane_.holdsMouse(); }

 private:
  bool inside(glm::dvec2 world) const;
  RfLab& lab_;
  EditErrors& edits_;
  RfPanel panel_;
  PlaneInput plane_;
};

}  // namespace flowscope
