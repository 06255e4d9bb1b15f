#pragma once
// The Transport lab's ImGui panel: a view over TransportLab, rebuilt every frame. It writes only
// through the lab's validating setters; a rejected value leaves the lab unchanged and the
// setter's message is shown in red.
#include <map>
#include <optional>
#include <string>

#include "ControlRect.h"
#include "EditErrors.h"
#include "Lab.h"
#include "TransportLab.h"

namespace flowscope {

class TransportPanel {
 public:
  explicit TransportPanel(EditErrors& edits) : edits_(edits) {}
  // Returns the chosen coupling as a request to the Diffusion & Flow lab when the user asked to
  // use it there ("Use in Diffusion & Flow lab").
  std::optional<LabRequest> build(TransportLab& lab, ControlRects& rects);

 private:
  void measureSection(TransportLab& lab, bool target);
  void solverSection(TransportLab& lab, std::map<std::string, ControlRect>& rects);
  void displaySection(TransportLab& lab, std::map<std::string, ControlRect>& rects);
  void stepThroughSection(TransportLab& lab, std::map<std::string, ControlRect>& rects);
  std::optional<LabRequest> couplingSection(TransportLab& lab, ControlRects& rects);
  void criticSection(TransportLab& lab, ControlRects& rects);  // CriticPanel.cpp
  void ganSection(TransportLab& lab, ControlRects& rects);
  EditErrors& edits_;  // the viewport's one error line
  char sourcePath_[512] = "", targetPath_[512] = "", sourceWeights_[512] = "",
       targetWeights_[512] = "";
};

}  // namespace flowscope
