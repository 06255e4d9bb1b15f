#include "ProgressWindow.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "PanelWidgets.h"
#include "UiUnits.h"

namespace flowscope {

void buildProgressWindow(VulkanViewport& viewport, const Lab& lab, const ContentRect& area) {
  const std::optional<LabProgress> p = lab.progress();
  if (!p) return;
  const float width = std::min(ui(380), area.width - ui(16));
  ImGui::SetNextWindowPos(ImVec2(area.x + area.width - ui(8), area.y + area.height - ui(8)),
                          ImGuiCond_Always, ImVec2(1.0f, 1.0f));
  ImGui::SetNextWindowSize(ImVec2(width, 0.0f), ImGuiCond_Always);
  ImGui::SetNextWindowBgAlpha(0.85f);
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                 ImGuiWindowFlags_NoSavedSettings |
                                 ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav;
  if (ImGui::Begin("Working", nullptr, flags)) {
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(p->what.c_str());
    ImGui::PopTextWrapPos();
    if (p->fraction >= 0.0) {
      ImGui::ProgressBar(float(p->fraction), ImVec2(-1.0f, 0.0f));
    } else {  // no fraction known: a bar that sweeps back and forth
      const float phase = float(ImGui::GetTime() * 0.8 - std::floor(ImGui::GetTime() * 0.8));
      ImGui::ProgressBar(phase < 0.5f ? 2.0f * phase : 2.0f - 2.0f * phase, ImVec2(-1.0f, 0.0f),
                         "working...");
    }
    remember(viewport.controlRects(), "lab.progress");
  }
  ImGui::End();
}

}  // namespace flowscope
