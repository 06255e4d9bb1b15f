#pragma once
// Small ImGui helpers shared by the labs' panels.
#include <imgui.h>

#include <map>
#include <string>

#include "DiffusionPanel.h"  // ControlRect

namespace flowscope {

// Records the last item's rectangle under `name` (GUI tests click there).
inline void remember(std::map<std::string, ControlRect>& rects, const char* name) {
  ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  rects[name] = {a.x, a.y, b.x, b.y};
}

// Wrapped explanatory text in the disabled colour.
inline void hint(const char* text) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
  ImGui::TextWrapped("%s", text);
  ImGui::PopStyleColor();
}

// A section the user can fold; `open` says how it starts.
inline bool foldable(const char* title, bool open) {
  ImGui::Spacing();
  return ImGui::CollapsingHeader(title, open ? ImGuiTreeNodeFlags_DefaultOpen : 0);
}

}  // namespace flowscope
