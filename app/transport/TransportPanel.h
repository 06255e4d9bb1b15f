#pragma once
// The Transport lab's ImGui panel: a view over TransportLab, rebuilt every frame. It writes only
// through the lab's validating setters; a rejected value leaves the lab unchanged and the
// setter's message is shown in red.
#include <map>
#include <string>

#include "DiffusionPanel.h"  // ControlRect
#include "EditErrors.h"
#include "TransportLab.h"

namespace flowscope {

class TransportPanel {
 public:
  explicit TransportPanel(EditErrors& edits) : edits_(edits) {}
  // `diffusion` receives the chosen coupling ("Use in Diffusion & Flow"); returns true when the
  // user asked to switch to that lab.
  bool build(TransportLab& lab, DiffusionLab& diffusion, std::map<std::string, ControlRect>& rects);

 private:
  void measureSection(TransportLab& lab, bool target);
  void solverSection(TransportLab& lab, std::map<std::string, ControlRect>& rects);
  void displaySection(TransportLab& lab, std::map<std::string, ControlRect>& rects);
  void stepThroughSection(TransportLab& lab, std::map<std::string, ControlRect>& rects);
  // Returns true when the coupling was handed to the Diffusion & Flow lab.
  bool couplingSection(TransportLab& lab, DiffusionLab& diffusion,
                       std::map<std::string, ControlRect>& rects);
  EditErrors& edits_;  // the viewport's one error line
  char sourcePath_[512] = "", targetPath_[512] = "", sourceWeights_[512] = "",
       targetWeights_[512] = "";
};

}  // namespace flowscope
