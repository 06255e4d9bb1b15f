#pragma once
// The Attention lab's ImGui panel and windows, views over AttentionLab rebuilt every frame: the
// controls (tokens, projections, variant), the attention matrix heatmap (hover a cell to
// highlight its query and key in the plane, click to select the query), row entropies, the
// softmax-vs-linear comparison, the sqrt(d) and RoPE lessons, the measured cost chart and the
// diffusion link. Writes only through the lab's validating setters; a rejected value leaves the
// lab unchanged and its message is shown in red.
#include <map>
#include <string>

#include "AttentionLab.h"
#include "ControlRect.h"
#include "EditErrors.h"

namespace flowscope {

class AttentionPanel {
 public:
  explicit AttentionPanel(EditErrors& edits) : edits_(edits) {}
  void build(AttentionLab& lab, std::map<std::string, ControlRect>& rects);

 private:
  void tokensSection(AttentionLab& lab, std::map<std::string, ControlRect>& rects);
  void projectionSection(AttentionLab& lab);
  void variantSection(AttentionLab& lab, std::map<std::string, ControlRect>& rects);
  void displaySection(AttentionLab& lab, std::map<std::string, ControlRect>& rects);
  void matrixWindow(AttentionLab& lab, std::map<std::string, ControlRect>& rects);
  void lessonsWindow(AttentionLab& lab, std::map<std::string, ControlRect>& rects);
  EditErrors& edits_;  // the viewport's one error line
  char tokensPath_[512] = "";
  char projectionPath_[3][512] = {"", "", ""};
};

}  // namespace flowscope
