#pragma once
// Where the panels sit, so that none covers the lab's content by default: each lab's main panel
// docked to the viewport's left edge at full height, its other windows stacked down the right
// edge (collapsed ones as title bars at the bottom right), and the lab's content the rectangle
// left between them (content(), what the camera fits and the lab is drawn in). When the right
// column would leave the plot under 40% of the width (a large UI scale on a small screen), the
// right windows start collapsed and, opened, float over the plot. With docking off (View >
// Dock panels) every window floats where the user puts it and the content is the whole viewport.
#include <imgui.h>

#include <set>
#include <string>

namespace flowscope {

enum class DockSide { Left, Right };

// A rectangle in the viewport's framebuffer pixels (origin top-left).
struct ContentRect {
  float x = 0.0f, y = 0.0f, width = 0.0f, height = 0.0f;
};

class DockLayout {
 public:
  // Each frame before any panel: the viewport's size (ImGui's display size) and whether windows
  // dock.
  void beginFrame(float width, float height, bool docked);
  bool docked() const { return docked_; }
  // In place of ImGui::Begin for a lab's window, `width` wide (ImGui pixels): placed at its side
  // when docked, first placed there when floating. Returns what Begin returns; call End as usual.
  // `foldWhenNarrow` false: a right window the user asked for just now (a lesson's note) stays
  // open in the narrow layout, over the plot's top right.
  bool begin(const char* name, DockSide side, float width, bool* open = nullptr,
             ImGuiWindowFlags flags = 0, bool foldWhenNarrow = true);
  // The lab's area this frame: the viewport less the docked windows' columns and stacks.
  ContentRect content() const;

  // The layout the panels of the current ImGui frame use.
  static DockLayout& current();

 private:
  // Set the next window's place; return whether it is placed collapsed.
  bool placeLeft(float width, ImGuiWindowFlags& flags);
  bool placeRight(const char* name, float width, ImGuiWindowFlags& flags, bool foldWhenNarrow);

  float width_ = 0.0f, height_ = 0.0f;
  bool docked_ = true;
  bool narrow_ = false, rightSeen_ = false;
  std::set<std::string> folded_;       // right windows folded since the layout became narrow
  float left_ = 0.0f, right_ = 0.0f;   // the columns reserved this frame
  float columnY_ = 0.0f;               // the right column's next free y
  int stacked_ = 0, lastStacked_ = 0;  // collapsed right windows (bottom-right title bars)
  float lastRightWidth_ = 0.0f, rightWidth_ = 0.0f;
};

}  // namespace flowscope
