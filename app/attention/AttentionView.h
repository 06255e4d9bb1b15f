#pragma once
// The Attention lab in the GUI: its panel and windows, and on the plane: click a token to make
// it the query, drag it to move it, Shift+click adds one; in the diffusion-link view drag the
// noisy query; empty space pans, the wheel zooms.
#include <optional>

#include "AttentionLab.h"
#include "AttentionPanel.h"
#include "LabView.h"
#include "PlaneInput.h"

namespace flowscope {

class AttentionView : public LabView {
 public:
  AttentionView(AttentionLab& lab, EditErrors& edits) : lab_(lab), edits_(edits), panel_(edits) {}
  Lab& lab() override { return lab_; }
  std::optional<LabRequest> buildPanel(ControlRects& rects) override;
  bool handleInput(const QEvent* event, const ViewSurface& surface) override;
  bool holdsMouse() const override { return plane_.holdsMouse(); }

 private:
  AttentionLab& lab_;
  EditErrors& edits_;
  AttentionPanel panel_;
  PlaneInput plane_;
  std::optional<size_t> dragged_;
  bool draggingNoisy_ = false;
};

}  // namespace flowscope
