#pragma once
// The UI scale: the size of everything drawn besides the plot's data (panel text and widgets,
// captions, legends, axes and tick labels), in steps, on top of the screen's device pixel ratio.
// Ctrl+= / Ctrl+- step it, Ctrl+0 returns to 1; "lecture" is 1.75, which puts the panel's body
// text at 30 pixels (17 x 1.75) on a 1080p screen.
#include <array>

namespace flowscope {

inline constexpr std::array<float, 8> kUiScales = {0.75f, 1.0f, 1.25f, 1.5f,
                                                   1.75f, 2.0f, 2.5f,  3.0f};
inline constexpr float kLectureScale = 1.75f;

// The step nearest `scale`, and the steps above and below it (the ends stay put).
float nearestUiScale(float scale);
float largerUiScale(float scale);
float smallerUiScale(float scale);

}  // namespace flowscope
