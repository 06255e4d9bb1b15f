#pragma once
// The Receptive Field lab's ImGui panel, a view over RfLab rebuilt every frame: the architecture
// (presets, JSON load/save, input size), the layer-stack editor (every field of every layer,
// parallel blocks with their branches; insert, remove, move), the theoretical receptive field
// table and its growth plot, the effective receptive field's settings and statistics, the input
// image, and the sqrt(depth) lesson. Writes only through the lab's validating setters; a rejected
// edit leaves the lab unchanged and its message is shown in red.
#include <map>
#include <string>

#include "ControlRect.h"
#include "EditErrors.h"
#include "RfLab.h"

namespace flowscope {

class RfPanel {
 public:
  explicit RfPanel(EditErrors& edits) : edits_(edits) {}
  void build(RfLab& lab, std::map<std::string, ControlRect>& rects);

 private:
  void architectureSection(RfLab& lab, std::map<std::string, ControlRect>& rects);
  void layerList(RfLab& lab, const std::vector<RfLayer>& layers, const LayerPath& prefix,
                 std::map<std::string, ControlRect>& rects);
  void tableWindow(RfLab& lab, std::map<std::string, ControlRect>& rects);
  void erfSection(RfLab& lab, std::map<std::string, ControlRect>& rects);
  EditErrors& edits_;  // the viewport's one error line
  char archPath_[512] = "architecture.json";
  char imagePath_[512] = "";
  char weightsPath_[512] = "";
};

}  // namespace flowscope
