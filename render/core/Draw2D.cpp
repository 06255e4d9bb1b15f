#include "Draw2D.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include <map>
#include <mutex>

#include "OverlayFont.h"
#include "Resources.h"
#include "SvgRecorder.h"

namespace flowscope {
namespace {
constexpr float kBoxPad = 3.0f;

void glyphQuad(std::vector<OverlayVertex>& out, glm::vec2 pen, const OverlayFont::Glyph& g,
               glm::vec4 color) {
  const glm::vec2 a = pen + g.offset, b = a + g.size;
  const OverlayVertex v[4] = {{a, color, g.atlasMin},
                              {{b.x, a.y}, color, {g.atlasMax.x, g.atlasMin.y}},
                              {b, color, g.atlasMax},
                              {{a.x, b.y}, color, {g.atlasMin.x, g.atlasMax.y}}};
  for (int k : {0, 1, 2, 0, 2, 3}) out.push_back(v[k]);
}

// The glyphs of `s` alone, top-left at `at` (a text element when recording an SVG).
void glyphs(std::vector<OverlayVertex>& out, glm::vec2 at, const std::string& s, glm::vec4 color) {
  const OverlayFont& font = OverlayFont::instance();
  if (SvgRecorder* svg = SvgRecorder::active())
    svg->text(at, font.ascent(), OverlayFont::kPixels, s, color);
  glm::vec2 pen = at + glm::vec2(0.0f, font.ascent());
  for (char32_t c : OverlayFont::decode(s)) {
    const OverlayFont::Glyph& g = font.glyph(c);
    if (g.size.x > 0.0f) glyphQuad(out, pen, g, color);
    pen.x += g.advance;
  }
}
}  // namespace

// A segment a -> b as a quad `width` pixels wide.
void segment(std::vector<OverlayVertex>& out, glm::vec2 a, glm::vec2 b, float width,
             glm::vec4 color) {
  glm::vec2 d = b - a;
  float len = glm::length(d);
  if (len < 1e-3f) return;
  if (SvgRecorder* svg = SvgRecorder::active()) svg->line(a, b, width, color);
  glm::vec2 n = glm::vec2(-d.y, d.x) / len * (0.5f * width);
  for (glm::vec2 p : {a - n, a + n, b + n, a - n, b + n, b - n}) out.push_back({p, color});
}

void quad(std::vector<OverlayVertex>& out, glm::vec2 a, glm::vec2 b, glm::vec4 color) {
  if (SvgRecorder* svg = SvgRecorder::active()) svg->rect(a, b, color);
  glm::vec2 c{b.x, a.y}, d{a.x, b.y};
  for (glm::vec2 p : {a, c, b, a, b, d}) out.push_back({p, color});
}

void text(std::vector<OverlayVertex>& out, glm::vec2 at, const std::string& s, glm::vec4 color) {
  if (s.empty()) return;
  quad(out, at - glm::vec2(kBoxPad, 1.0f),
       at + glm::vec2(textWidth(s) + kBoxPad, OverlayFont::kLineHeight), theme().textBox);
  glyphs(out, at, s, color);
}

OverlaySize overlaySize(uint32_t width, uint32_t height, float scale) {
  const float s = scale > 0.0f ? scale : 1.0f;
  return {std::max(1u, uint32_t(std::lround(float(width) / s))),
          std::max(1u, uint32_t(std::lround(float(height) / s)))};
}

float textWidth(const std::string& s) {
  const OverlayFont& font = OverlayFont::instance();
  float width = 0.0f;
  for (char32_t c : OverlayFont::decode(s)) width += font.glyph(c).advance;
  return width;
}

std::vector<std::string> wrapLines(const std::vector<std::string>& lines, float maxWidth) {
  std::vector<std::string> out;
  for (const std::string& line : lines) {
    std::string current;
    size_t start = 0;
    while (start <= line.size()) {
      size_t end = line.find(' ', start);
      if (end == std::string::npos) end = line.size();
      const std::string word = line.substr(start, end - start);
      const std::string joined = current.empty() ? word : current + " " + word;
      if (!current.empty() && textWidth(joined) > maxWidth) {
        out.push_back(current);
        current = word;
      } else {
        current = joined;
      }
      start = end + 1;
    }
    out.push_back(current);
  }
  return out;
}

float textBlock(std::vector<OverlayVertex>& out, glm::vec2 at,
                const std::vector<std::string>& lines, glm::vec4 color, Align align) {
  for (const std::string& line : lines) {
    text(out, {align == Align::Right ? at.x - textWidth(line) : at.x, at.y}, line, color);
    at.y += OverlayFont::kLineHeight;
  }
  return at.y;
}

const std::vector<std::array<float, 4>>& namedColormap(const std::string& name) {
  static std::mutex mutex;
  static std::map<std::string, std::vector<std::array<float, 4>>> loaded;
  std::lock_guard lock(mutex);
  auto it = loaded.find(name);
  if (it == loaded.end()) it = loaded.emplace(name, loadColormap(name)).first;
  return it->second;
}

float colorBar(std::vector<OverlayVertex>& out, glm::vec2 at, float width, const ColorBar& bar) {
  constexpr float kBar = 12.0f, kSlices = 64.0f;
  const float line = OverlayFont::kLineHeight;
  quad(out, at - glm::vec2(kBoxPad, 1.0f), at + glm::vec2(width + kBoxPad, kColorBarHeight),
       theme().textBox);
  glyphs(out, at, bar.title, theme().text);
  const auto& lut = namedColormap(bar.colormap);
  const float y0 = at.y + line + 2.0f, slice = width / kSlices;
  for (int k = 0; k < int(kSlices); ++k) {
    const auto& c = lut[size_t(std::lround(float(k) / (kSlices - 1.0f) * 255.0f))];
    quad(out, {at.x + slice * float(k), y0}, {at.x + slice * float(k + 1), y0 + kBar},
         {c[0], c[1], c[2], 1.0f});
  }
  const float y1 = y0 + kBar + 2.0f;
  glyphs(out, {at.x, y1}, bar.low, theme().text);
  glyphs(out, {at.x + width - textWidth(bar.high), y1}, bar.high, theme().text);
  if (!bar.middle.empty()) {
    quad(out, {at.x + 0.5f * width - 0.5f, y0 + kBar}, {at.x + 0.5f * width + 0.5f, y1},
         theme().text);
    glyphs(out, {at.x + 0.5f * (width - textWidth(bar.middle)), y1}, bar.middle, theme().text);
  }
  return at.y + kColorBarHeight;
}

std::string formatValue(const char* printfFormat, double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), printfFormat, v);
  return buf;
}

std::string formatTick(double v, double step) {
  int decimals = std::max(0, -int(std::floor(std::log10(step) + 1e-9)));
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, std::abs(v) < 0.5 * step ? 0.0 : v);
  return buf;
}

void disc(std::vector<OverlayVertex>& out, glm::vec2 center, float radius, glm::vec4 color) {
  if (SvgRecorder* svg = SvgRecorder::active()) svg->circle(center, radius, color);
  constexpr float kCos[7] = {1.0f, 0.5f, -0.5f, -1.0f, -0.5f, 0.5f, 1.0f};
  constexpr float kSin[7] = {0.0f, 0.8660254f, 0.8660254f, 0.0f, -0.8660254f, -0.8660254f, 0.0f};
  for (int k = 0; k < 6; ++k) {
    out.push_back({center, color});
    out.push_back({center + radius * glm::vec2(kCos[k], kSin[k]), color});
    out.push_back({center + radius * glm::vec2(kCos[k + 1], kSin[k + 1]), color});
  }
}

double niceStep(double raw) {
  double base = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * base >= raw) return m * base;
  return 10.0 * base;
}

void gridAndAxes(std::vector<OverlayVertex>& out, const View2D& view, int w, int h) {
  const double step = niceStep(90.0 / view.pixelsPerUnit(h));
  glm::dvec2 lo = view.pixelToWorld({0.0, double(h)}, w, h),
             hi = view.pixelToWorld({double(w), 0.0}, w, h);
  for (double x = std::ceil(lo.x / step) * step; x <= hi.x; x += step) {
    float px = float(view.worldToPixel({x, 0.0}, w, h).x);
    bool axis = std::abs(x) < 0.5 * step;
    quad(out, {px - (axis ? 1.0f : 0.5f), 0.0f}, {px + (axis ? 1.0f : 0.5f), float(h)},
         axis ? theme().axis : theme().grid);
    if (px > 60.0f && px < w - 40.0f)
      text(out, {px + 4.0f, float(h) - 18.0f}, formatTick(x, step), theme().text);
  }
  for (double y = std::ceil(lo.y / step) * step; y <= hi.y; y += step) {
    float py = float(view.worldToPixel({0.0, y}, w, h).y);
    bool axis = std::abs(y) < 0.5 * step;
    quad(out, {0.0f, py - (axis ? 1.0f : 0.5f)}, {float(w), py + (axis ? 1.0f : 0.5f)},
         axis ? theme().axis : theme().grid);
    if (py > 40.0f && py < h - 60.0f)
      text(out, {6.0f, py - 16.0f}, formatTick(y, step), theme().text);
  }
}

}  // namespace flowscope
