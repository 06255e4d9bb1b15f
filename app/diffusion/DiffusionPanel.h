#pragma once
// The Diffusion lab's ImGui panel: a function of the lab's state, rebuilt every frame. It reads
// the parameters and writes only through their validating setters; a rejected value leaves the
// state unchanged and shows the setter's message.
#include <map>
#include <string>

#include "BackgroundJob.h"
#include "ControlRect.h"
#include "DiffusionLab.h"
#include "EditErrors.h"
#include "GuidanceTarget.h"
#include "Sweep.h"

namespace flowscope {

class SweepController;
struct LiveMetrics;

// What the panel shows beside the lab's own state: the metrics and sweep windows.
struct PanelContext {
  LiveMetrics* metrics = nullptr;
  SweepController* sweep = nullptr;
  bool metricsOpen = false;
  bool sweepOpen = false;
  bool guidanceOpen = false;
};

class DiffusionPanel {
 public:
  explicit DiffusionPanel(EditErrors& edits) : edits_(edits) {}
  // Builds the panel; records the rectangle of each named control (used by GUI tests).
  void build(DiffusionLab& lab, const DiffusionSimulation& sim,
             std::map<std::string, ControlRect>& rects, PanelContext& context);
  size_t guidanceSweepRows() const { return guidanceSweep_.size(); }  // the last gamma sweep's

 private:
  void playbackSection(DiffusionLab& lab, const DiffusionSimulation& sim,
                       std::map<std::string, ControlRect>& rects);
  void dataSection(DiffusionLab& lab);
  void modelChoice(DiffusionLab& lab);
  void samplerSection(DiffusionLab& lab, std::map<std::string, ControlRect>& rects);
  void couplingSection(DiffusionLab& lab, const DiffusionSimulation& sim);
  void displaySection(DiffusionLab& lab, ControlRects& rects);
  void paintSection(DiffusionLab& lab);
  void metricsWindow(const DiffusionLab& lab, const DiffusionSimulation& sim,
                     PanelContext& context);
  void sweepWindow(DiffusionLab& lab, PanelContext& context);
  void sweepPlot(const std::vector<SweepRow>& rows);
  // GuidancePanel.cpp.
  void guidanceSection(DiffusionLab& lab);
  void guidanceWindow(DiffusionLab& lab, PanelContext& context, ControlRects& rects);
  void startGuidanceSweep(DiffusionLab& lab);
  void guidanceSweepPlot(glm::vec4 classColour);
  GuidanceSpec guidanceDraft_{};
  bool guidanceEditing_ = false;
  std::vector<GuidanceSweepRow> guidanceSweep_;
  BackgroundJob<std::vector<GuidanceSweepRow>> guidanceJob_;  // the sweep, off the GUI thread
  EditErrors& edits_;                                         // the viewport's one error line
  std::string notice_;
  FlowCouplingParams couplingDraft_{};
  bool couplingEditing_ = false;
  std::vector<bool> sweepSamplers_ = {
      false, true,  true, true,  false, false,
      true,  false, true, false, true};  // e.g. "ddim needs another schedule: switched to linear"
  char learnedPath_[512] = "model.safetensors";
};

}  // namespace flowscope
