#include "UndoHistory.h"

namespace flowscope {

// The scene is re-read every time, so what is not an edit (the camera, playback) is as it was
// just before the next edit when that edit is recorded.
void UndoHistory::observe(const Lab& lab) {
  std::string key = lab.editState().dump();
  if (!current_.is_null() && key == currentKey_) {
    current_ = lab.sceneJson();
    return;
  }
  if (!current_.is_null()) {
    undo_.push_back(std::move(current_));
    if (undo_.size() > kDepth) undo_.erase(undo_.begin());
    redo_.clear();
  }
  current_ = lab.sceneJson();
  currentKey_ = std::move(key);
}

bool UndoHistory::undo(Lab& lab) {
  return step(lab, undo_, redo_);
}

bool UndoHistory::redo(Lab& lab) {
  return step(lab, redo_, undo_);
}

// One scene from `from` reopened, the current one onto `to`. An edit not yet recorded is
// recorded first: undo undoes it; it also clears the redo stack.
bool UndoHistory::step(Lab& lab, std::vector<nlohmann::json>& from,
                       std::vector<nlohmann::json>& to) {
  observe(lab);
  if (from.empty()) return false;
  to.push_back(current_);
  nlohmann::json scene = std::move(from.back());
  from.pop_back();
  restore(lab, std::move(scene));
  return true;
}

// The recorded scene with the camera where the user has it now (panning is not undone).
void UndoHistory::restore(Lab& lab, nlohmann::json scene) {
  const nlohmann::json now = lab.sceneJson();
  if (now.contains("camera")) scene["camera"] = now["camera"];
  lab.openScene(scene, "undo history");
  current_ = lab.sceneJson();
  currentKey_ = lab.editState().dump();
}

}  // namespace flowscope
