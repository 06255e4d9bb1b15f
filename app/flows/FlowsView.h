#pragma once
// The Normalizing Flows lab in the GUI: its panel (left: training, flow, what is shown, the
// continuous flow) and its curves window (right: NLL curves, each layer's share of the NLL, the
// ODE likelihood along a line against the closed form and the solvers' errors); drag pans, the
// wheel zooms.
#include "ControlRect.h"
#include "EditErrors.h"
#include "FlowsLab.h"
#include "LabView.h"
#include "PlaneInput.h"

namespace flowscope {

class FlowsView : public LabView {
 public:
  FlowsView(FlowsLab& lab, EditErrors& edits) : lab_(lab), edits_(edits) {}
  Lab& lab() override { return lab_; }
  std::optional<LabRequest> buildPanel(ControlRects& rects) override;
  bool handleInput(const QEvent* event, const ViewSurface& surface) override;
  bool holdsMouse() const override { return plane_.holdsMouse(); }

 private:
  void trainingSection(ControlRects& rects);
  void flowSection();
  void shownSection(ControlRects& rects);
  void continuousSection(ControlRects& rects);
  void curvesWindow();
  FlowsLab& lab_;
  EditErrors& edits_;
  PlaneInput plane_;
  char path_[512] = "flow.safetensors";
  char odeModel_[512] = "";
};

}  // namespace flowscope
