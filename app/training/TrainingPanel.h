#pragma once
// The Training lab's panel (what is trained, play/step/reset, what is shown, reflow, weights),
// its curves window (minibatch and held-out loss on log axes with the irreducible loss, sample
// quality, memorisation) and its neurons window (the first hidden layer's units over the plane).
#include <map>
#include <optional>
#include <string>

#include "ControlRect.h"
#include "EditErrors.h"
#include "TrainingLab.h"

namespace flowscope {

class TrainingPanel {
 public:
  explicit TrainingPanel(EditErrors& edits) : edits_(edits) {}
  // Returns the Diffusion & Flow lab's request when "Sample it in the Diffusion & Flow lab" was
  // pressed (the weights saved first).
  std::optional<LabRequest> build(TrainingLab& lab, std::map<std::string, ControlRect>& rects);

 private:
  std::optional<LabRequest> runSection(TrainingLab& lab, std::map<std::string, ControlRect>& rects);
  void dataSection(TrainingLab& lab);
  void networkSection(TrainingLab& lab);
  void objectiveSection(TrainingLab& lab);
  void optimiserSection(TrainingLab& lab);
  void showSection(TrainingLab& lab);
  void reflowSection(TrainingLab& lab);
  void curvesWindow(const TrainingLab& lab, std::map<std::string, ControlRect>& rects);
  void neuronsWindow(const TrainingLab& lab);
  EditErrors& edits_;
  char weightsPath_[512] = "model.safetensors";
};

}  // namespace flowscope
