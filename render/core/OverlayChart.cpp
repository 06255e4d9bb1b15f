#include "OverlayChart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "OverlayFont.h"
#include "Theme.h"

namespace flowscope {
namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3g", v);
  return buf;
}

bool usable(double v, bool log) {
  return std::isfinite(v) && (!log || v > 0.0);
}

}  // namespace

void lineChart(std::vector<OverlayVertex>& out, const ChartBox& b,
               const std::vector<ChartLine>& lines) {
  quad(out, b.lo, b.hi, theme().box);
  textBlock(out, {b.lo.x + 6.0f, b.lo.y + 4.0f}, {b.title}, theme().text);
  const auto tx = [&](double v) { return b.logX ? std::log10(v) : v; };
  const auto ty = [&](double v) { return b.logY ? std::log10(v) : v; };
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (const auto& l : lines)
    for (size_t i = 0; i < std::min(l.x.size(), l.y.size()); ++i)
      if (usable(l.x[i], b.logX) && usable(l.y[i], b.logY)) {
        x0 = std::min(x0, tx(l.x[i])), x1 = std::max(x1, tx(l.x[i]));
        y0 = std::min(y0, ty(l.y[i])), y1 = std::max(y1, ty(l.y[i]));
      }
  if (!(x1 >= x0)) return;
  if (!(x1 > x0)) x1 = x0 + 1.0;
  if (!(y1 > y0)) y0 -= 0.5, y1 += 0.5;
  const float top = b.lo.y + OverlayFont::kLineHeight * float(1 + lines.size()) + 8.0f;
  const float bottom = b.hi.y - OverlayFont::kLineHeight - 8.0f;
  const glm::vec2 lo{b.lo.x + 8.0f, top}, hi{b.hi.x - 8.0f, bottom};
  const auto P = [&](double x, double y) {
    return glm::vec2(lo.x + float((tx(x) - x0) / (x1 - x0)) * (hi.x - lo.x),
                     hi.y - float((ty(y) - y0) / (y1 - y0)) * (hi.y - lo.y));
  };
  segment(out, {lo.x, hi.y}, hi, 1.0f, ink(0.4f));
  segment(out, {lo.x, hi.y}, lo, 1.0f, ink(0.4f));
  float legendY = b.lo.y + 4.0f + OverlayFont::kLineHeight;
  for (const auto& l : lines) {
    textBlock(out, {b.lo.x + 6.0f, legendY}, {l.label}, l.color);
    legendY += OverlayFont::kLineHeight;
    for (size_t i = 1; i < std::min(l.x.size(), l.y.size()); ++i)
      if (usable(l.x[i - 1], b.logX) && usable(l.y[i - 1], b.logY) && usable(l.x[i], b.logX) &&
          usable(l.y[i], b.logY))
        segment(out, P(l.x[i - 1], l.y[i - 1]), P(l.x[i], l.y[i]), 2.0f, l.color);
  }
  const auto back = [](double v, bool log) { return log ? std::pow(10.0, v) : v; };
  textBlock(out, {b.lo.x + 6.0f, b.hi.y - OverlayFont::kLineHeight - 2.0f},
            {b.xLabel + " " + number(back(x0, b.logX)) + ".." + number(back(x1, b.logX)) +
             (b.logX ? " (log)" : "") + ";  y " + number(back(y0, b.logY)) + ".." +
             number(back(y1, b.logY)) + (b.logY ? " (log)" : "")},
            ink(0.7f));
}

}  // namespace flowscope
