#pragma once
// Panel sizes that follow the UI scale: a length written for the base font (17 pixels at scale 1)
// becomes ui(length), in proportion to the font the panel is drawn with now (the UI scale times
// the screen's device pixel ratio). Call inside an ImGui frame.
#include <imgui.h>

namespace flowscope {

inline constexpr float kBaseFontPixels = 17.0f;

inline float ui(float pixelsAtScaleOne) {
  return pixelsAtScaleOne * ImGui::GetFontSize() / kBaseFontPixels;
}
inline ImVec2 ui(float x, float y) {
  return ImVec2(ui(x), ui(y));
}

}  // namespace flowscope
