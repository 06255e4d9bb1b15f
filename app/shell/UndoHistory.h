#pragma once
// Undo / redo of a lab's edits (Ctrl+Z / Ctrl+Shift+Z): parameter edits, drags, painting, layer
// edits, opened data, all alike, by the lab's scene. Between edits (no mouse held, no widget
// active) the window records the lab's scene whenever its edit state (Lab::editState: not the
// camera, not playback) changed; undo reopens the previous scene with today's camera, so undo
// after redo gives back the very same scene JSON.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "Lab.h"

namespace flowscope {

class UndoHistory {
 public:
  static constexpr size_t kDepth = 200;  // the oldest edits beyond are forgotten
  // Records the lab's state if an edit changed it since the last call.
  void observe(const Lab& lab);
  // Reopen the previous (next) recorded scene; false when there is none.
  bool undo(Lab& lab);
  bool redo(Lab& lab);
  size_t undoCount() const { return undo_.size(); }
  size_t redoCount() const { return redo_.size(); }

 private:
  bool step(Lab& lab, std::vector<nlohmann::json>& from, std::vector<nlohmann::json>& to);
  void restore(Lab& lab, nlohmann::json scene);
  nlohmann::json current_;  // the scene as last recorded (null before the first)
  std::string currentKey_;  // its edit state, dumped
  std::vector<nlohmann::json> undo_, redo_;
};

}  // namespace flowscope
