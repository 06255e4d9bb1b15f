#include "Draw2D.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

// stb_easy_font is a header of static functions: no implementation macro needed.
#include <stb/stb_easy_font.h>

namespace flowscope {
namespace {
constexpr float kTextScale = 2.0f;
}  // namespace

// A segment a -> b as a quad `width` pixels wide.
void segment(std::vector<OverlayVertex>& out, glm::vec2 a, glm::vec2 b, float width,
             glm::vec4 color) {
  glm::vec2 d = b - a;
  float len = glm::length(d);
  if (len < 1e-3f) return;
  glm::vec2 n = glm::vec2(-d.y, d.x) / len * (0.5f * width);
  for (glm::vec2 p : {a - n, a + n, b + n, a - n, b + n, b - n}) out.push_back({p, color});
}

void quad(std::vector<OverlayVertex>& out, glm::vec2 a, glm::vec2 b, glm::vec4 color) {
  glm::vec2 c{b.x, a.y}, d{a.x, b.y};
  for (glm::vec2 p : {a, c, b, a, b, d}) out.push_back({p, color});
}

void text(std::vector<OverlayVertex>& out, glm::vec2 at, const std::string& s, glm::vec4 color) {
  static char buffer[1 << 16];
  std::string copy = s;
  int quads = stb_easy_font_print(0, 0, copy.data(), nullptr, buffer, sizeof(buffer));
  for (glm::vec2 offset : {glm::vec2(1.0f, 1.0f), glm::vec2(0.0f)}) {
    glm::vec4 c = offset.x > 0 ? kShadowColor : color;
    for (int q = 0; q < quads; ++q) {
      glm::vec2 v[4];
      for (int k = 0; k < 4; ++k) {
        float xy[2];
        std::memcpy(xy, buffer + (q * 4 + k) * 16, sizeof(xy));
        v[k] = at + offset + kTextScale * glm::vec2(xy[0], xy[1]);
      }
      for (int k : {0, 1, 2, 0, 2, 3}) out.push_back({v[k], c});
    }
  }
}

OverlaySize overlaySize(uint32_t width, uint32_t height, float scale) {
  const float s = scale > 0.0f ? scale : 1.0f;
  return {std::max(1u, uint32_t(std::lround(float(width) / s))),
          std::max(1u, uint32_t(std::lround(float(height) / s)))};
}

float textWidth(const std::string& s) {
  std::string copy = s;
  return kTextScale * float(stb_easy_font_width(copy.data()));
}

std::string formatTick(double v, double step) {
  int decimals = std::max(0, -int(std::floor(std::log10(step) + 1e-9)));
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, std::abs(v) < 0.5 * step ? 0.0 : v);
  return buf;
}

void disc(std::vector<OverlayVertex>& out, glm::vec2 center, float radius, glm::vec4 color) {
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
         axis ? kAxisColor : kGridColor);
    if (px > 60.0f && px < w - 40.0f)
      text(out, {px + 4.0f, float(h) - 18.0f}, formatTick(x, step), kTextColor);
  }
  for (double y = std::ceil(lo.y / step) * step; y <= hi.y; y += step) {
    float py = float(view.worldToPixel({0.0, y}, w, h).y);
    bool axis = std::abs(y) < 0.5 * step;
    quad(out, {0.0f, py - (axis ? 1.0f : 0.5f)}, {float(w), py + (axis ? 1.0f : 0.5f)},
         axis ? kAxisColor : kGridColor);
    if (py > 40.0f && py < h - 60.0f)
      text(out, {6.0f, py - 16.0f}, formatTick(y, step), kTextColor);
  }
}

}  // namespace flowscope
