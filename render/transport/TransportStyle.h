#pragma once
// What the Transport lab's layers share on screen: the clouds' colours, the caption's margin, the
// colour bar's width, and captions wrapped to the frame.
#include <string>
#include <vector>

#include "Draw2D.h"
#include "OverlayFont.h"
#include "Theme.h"

namespace flowscope {

inline constexpr glm::vec4 kSourceColor{1.0f, 0.58f, 0.22f, 0.95f};
inline constexpr glm::vec4 kTargetColor{0.25f, 0.82f, 0.95f, 0.95f};
inline constexpr float kCaptionX = 16.0f;  // the content's left (the panel is docked beside)
inline constexpr float kColorBarWidth = 240.0f;

// The caption from the top, or the legend up from the bottom, wrapped to the frame.
inline void transportLines(std::vector<OverlayVertex>& out, float x, float y,
                           const std::vector<std::string>& ls, float width, bool fromBottom) {
  const std::vector<std::string> wrapped = wrapLines(ls, width - x - 12.0f);
  if (fromBottom) y -= OverlayFont::kLineHeight * float(wrapped.size());
  textBlock(out, {x, y}, wrapped, theme().text);
}

}  // namespace flowscope
