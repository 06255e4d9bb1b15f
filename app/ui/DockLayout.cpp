#include "DockLayout.h"

#include <imgui_internal.h>

#include <algorithm>

namespace flowscope {
namespace {
constexpr float kNarrowShare = 0.4f;  // the least share of the width the plot keeps
}  // namespace

DockLayout& DockLayout::current() {
  static DockLayout fallback;  // panels built outside a viewport (none in the app)
  auto* layout = static_cast<DockLayout*>(ImGui::GetIO().UserData);
  return layout ? *layout : fallback;
}

void DockLayout::beginFrame(float width, float height, bool docked) {
  width_ = width, height_ = height, docked_ = docked;
  left_ = right_ = columnY_ = 0.0f;
  lastStacked_ = stacked_;
  stacked_ = 0;
  lastRightWidth_ = rightWidth_;
  rightWidth_ = 0.0f;
  rightSeen_ = false;
}

bool DockLayout::begin(const char* name, DockSide side, float width, bool* open,
                       ImGuiWindowFlags flags, bool foldWhenNarrow) {
  const bool collapsed = side == DockSide::Left ? placeLeft(width, flags)
                                                : placeRight(name, width, flags, foldWhenNarrow);
  const bool shown = ImGui::Begin(name, open, flags);
  if (docked_ && !ImGui::IsWindowCollapsed()) {
    const ImVec2 size = ImGui::GetWindowSize();
    if (side == DockSide::Left)
      left_ = std::max(left_, size.x);
    else if (!collapsed && !narrow_)
      columnY_ += size.y, right_ = std::max(right_, size.x);
  }
  return shown;
}

bool DockLayout::placeLeft(float width, ImGuiWindowFlags& flags) {
  if (!docked_) {
    ImGui::SetNextWindowPos(ImVec2(0.0f, 0.0f), ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowSize(ImVec2(width, 0.0f), ImGuiCond_FirstUseEver);
    return false;
  }
  ImGui::SetNextWindowPos(ImVec2(0.0f, 0.0f), ImGuiCond_Always);
  ImGui::SetNextWindowSize(ImVec2(width, height_), ImGuiCond_Always);
  flags |= ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize;
  return false;
}

bool DockLayout::placeRight(const char* name, float width, ImGuiWindowFlags& flags,
                            bool foldWhenNarrow) {
  const float title = ImGui::GetFrameHeight();
  if (!docked_) {
    ImGui::SetNextWindowPos(ImVec2(width_ - width, columnY_), ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowSize(ImVec2(width, 0.0f), ImGuiCond_FirstUseEver);
    columnY_ += 2.0f * title;
    return false;
  }
  if (!rightSeen_) {  // the plot's share with last frame's right column beside the left panel
    narrow_ = width_ - left_ - std::max(lastRightWidth_, width) < kNarrowShare * width_;
    rightSeen_ = true;
  }
  rightWidth_ = std::max(rightWidth_, width);
  if (!narrow_) folded_.clear();
  bool collapsed = false;
  if (narrow_ && foldWhenNarrow && folded_.insert(name).second) {  // first time this narrow spell
    ImGui::SetNextWindowCollapsed(true, ImGuiCond_Always);
    collapsed = true;
  } else if (const ImGuiWindow* w = ImGui::FindWindowByName(name)) {
    collapsed = w->Collapsed;
  }
  ImVec2 pos(width_ - width, columnY_);
  if (collapsed) {
    pos.y = height_ - title * float(++stacked_);
  } else if (narrow_) {
    pos.y = 0.0f;  // opened by the user over the plot
  } else {
    const float room = std::max(4.0f * title, height_ - columnY_ - title * float(lastStacked_));
    ImGui::SetNextWindowSizeConstraints(ImVec2(width, 0.0f), ImVec2(width, room));
  }
  ImGui::SetNextWindowPos(pos, ImGuiCond_Always);
  ImGui::SetNextWindowSize(ImVec2(width, 0.0f), ImGuiCond_Always);
  flags |= ImGuiWindowFlags_NoMove;
  return collapsed;
}

ContentRect DockLayout::content() const {
  if (!docked_) return {0.0f, 0.0f, width_, height_};
  const bool column = right_ > 0.0f;
  const float right = column ? std::max(right_, rightWidth_) : 0.0f;
  const float bottom = column ? 0.0f : ImGui::GetFrameHeight() * float(stacked_);
  return {left_, 0.0f, std::max(1.0f, width_ - left_ - right), std::max(1.0f, height_ - bottom)};
}

}  // namespace flowscope
