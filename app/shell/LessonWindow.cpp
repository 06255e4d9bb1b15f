#include "LessonWindow.h"

#include <imgui.h>

#include "DockLayout.h"
#include "PanelWidgets.h"
#include "UiUnits.h"

namespace flowscope {

int buildLessonWindow(VulkanViewport& viewport) {
  const auto& lesson = viewport.lesson();
  if (!lesson || lesson->lab != viewport.shown()) return 0;
  bool open = true;
  int step = 0;
  if (viewport.takeLessonOpened()) ImGui::SetNextWindowCollapsed(false, ImGuiCond_Always);
  DockLayout::current().begin("Lesson", DockSide::Right, ui(360), &open, 0, false);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(lesson->title.c_str());
  ImGui::Separator();
  ImGui::TextUnformatted(lesson->note.c_str());
  ImGui::PopTextWrapPos();
  if (lesson->index >= 0) {
    ImGui::Spacing();
    ImGui::BeginDisabled(lesson->index == 0);
    if (ImGui::Button("< Previous")) step = -1;
    remember(viewport.controlRects(), "lesson.previous");
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::Text("%d / %d", lesson->index + 1, lesson->count);
    ImGui::SameLine();
    ImGui::BeginDisabled(lesson->index + 1 >= lesson->count);
    if (ImGui::Button("Next >")) step = 1;
    remember(viewport.controlRects(), "lesson.next");
    ImGui::EndDisabled();
    hint("Page Down / Page Up: next / previous lesson (Lessons menu).");
  }
  ImGui::End();
  if (!open) viewport.setLesson(std::nullopt);
  return step;
}

}  // namespace flowscope
