#pragma once
// Host-built 2-D primitives in pixel coordinates (origin top-left), drawn as triangles by
// OverlayLayer: segments, quads, discs, text (OverlayFont: the panel's font as an anti-aliased
// distance field, each string on a translucent box; headless renders carry the same labels as
// the window) and the axes grid of a View2D.
#include <glm/glm.hpp>

#include <array>
#include <string>
#include <vector>

#include "ShaderLayout.h"
#include "Theme.h"
#include "View2D.h"

namespace flowscope {

// `atlas`: the texel in OverlayFont's atlas for a glyph's vertex; negative for solid shapes.
struct OverlayVertex {
  glm::vec2 pixel;
  glm::vec4 color;
  glm::vec2 atlas{-1.0f, -1.0f};
};
FLOWSCOPE_SHADER_SIZE(OverlayVertex, 32);  // overlay.vert's inputs, one vertex binding
FLOWSCOPE_SHADER_OFFSET(OverlayVertex, pixel, 0);
FLOWSCOPE_SHADER_OFFSET(OverlayVertex, color, 8);
FLOWSCOPE_SHADER_OFFSET(OverlayVertex, atlas, 24);

// The overlay's own pixel grid at a UI scale: the framebuffer's size divided by `scale` (at least
// 1 x 1). Built at this size and drawn stretched over the framebuffer, text, lines and margins
// grow by `scale` while world points keep their place (View2D maps by height).
struct OverlaySize {
  uint32_t width, height;
};
OverlaySize overlaySize(uint32_t width, uint32_t height, float scale);

// A segment a -> b as a quad `width` pixels wide.
void segment(std::vector<OverlayVertex>& out, glm::vec2 a, glm::vec2 b, float width,
             glm::vec4 color);
void quad(std::vector<OverlayVertex>& out, glm::vec2 a, glm::vec2 b, glm::vec4 color);
// A filled hexagon of the given radius.
void disc(std::vector<OverlayVertex>& out, glm::vec2 center, float radius, glm::vec4 color);
// UTF-8 `s` with its top-left corner at `at`, one line OverlayFont::kLineHeight tall, on a
// theme().textBox box.
void text(std::vector<OverlayVertex>& out, glm::vec2 at, const std::string& s, glm::vec4 color);
float textWidth(const std::string& s);
// `lines`, each broken at spaces into lines at most `maxWidth` wide (a word wider than that
// stands alone).
std::vector<std::string> wrapLines(const std::vector<std::string>& lines, float maxWidth);
// Lines top-down from `at.y`, OverlayFont::kLineHeight apart: left-aligned from `at.x`, or
// right-aligned to end at `at.x`. Returns the y below the last line.
enum class Align { Left, Right };
float textBlock(std::vector<OverlayVertex>& out, glm::vec2 at,
                const std::vector<std::string>& lines, glm::vec4 color, Align align = Align::Left);
// A colour bar for a heatmap, matrix or ERF: `title` (what is coloured, its units), the colormap
// left (`low`) to right (`high`), and the values at its ends under them; `middle`, when given,
// labels the bar's centre (for a non-linear scale). Drawn on a text box, `width` wide with its
// top-left at `at`; returns the y below it.
struct ColorBar {
  std::string colormap;  // assets/colormaps/<name>.csv
  std::string title, low, high, middle;
};
float colorBar(std::vector<OverlayVertex>& out, glm::vec2 at, float width, const ColorBar& bar);
inline constexpr float kColorBarHeight = 56.0f;
// The named colormap, loaded once (loadColormap).
const std::vector<std::array<float, 4>>& namedColormap(const std::string& name);

// Tick spacing of 1, 2 or 5 x 10^k closest above `rawStep`.
double niceStep(double rawStep);
std::string formatTick(double v, double step);
// printf of one number ("%.3g"), for captions and legends.
std::string formatValue(const char* printfFormat, double v);
// Grid lines every ~90 px, the axes brighter, tick labels along the bottom and left edges.
void gridAndAxes(std::vector<OverlayVertex>& out, const View2D& view, int width, int height);

}  // namespace flowscope
