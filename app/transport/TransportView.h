#pragma once
// The Transport lab in the GUI: its panel, and on the plane: drag a point to move it,
// Shift+click adds a source point, Ctrl+click a target point; empty space pans, the wheel zooms.
#include <optional>

#include "LabView.h"
#include "PlaneInput.h"
#include "TransportLab.h"
#include "TransportPanel.h"

namespace flowscope {

class TransportView : public LabView {
 public:
  TransportView(TransportLab& lab, EditErrors& edits) : lab_(lab), edits_(edits), panel_(edits) {}
  Lab& lab() override { return lab_; }
  std::optional<LabRequest> buildPanel(ControlRects& rects) override;
  bool handleInput(const QEvent* event, const ViewSurface& surface) override;
  bool holdsMouse() const override { return plane_.holdsMouse(); }

 private:
  TransportLab& lab_;
  EditErrors& edits_;
  TransportPanel panel_;
  PlaneInput plane_;
  std::optional<TransportLab::PointRef> dragged_;
};

}  // namespace flowscope
