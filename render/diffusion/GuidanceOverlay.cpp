#include "GuidanceOverlay.h"

#include <algorithm>
#include <cstdio>

#include "Draw2D.h"
#include "Guidance.h"
#include "MixtureGrids.h"
#include "Theme.h"

namespace flowscope {
namespace {

const GuidedModel* guidedOf(const DiffusionFrame& f) {
  return dynamic_cast<const GuidedModel*>(f.sim.data().guided.get());
}

// An arrow from `a` to `b` (pixels) with a small head.
void arrow(std::vector<OverlayVertex>& out, glm::vec2 a, glm::vec2 b, glm::vec4 color) {
  segment(out, a, b, 2.0f, color);
  const glm::vec2 d = b - a;
  const float len = glm::length(d);
  if (len < 4.0f) return;
  const glm::vec2 u = d / len, n(-u.y, u.x);
  const float head = std::min(7.0f, 0.35f * len);
  segment(out, b, b - head * u + 0.5f * head * n, 2.0f, color);
  segment(out, b, b - head * u - 0.5f * head * n, 2.0f, color);
}

void classMarks(std::vector<OverlayVertex>& out, const DiffusionFrame& f) {
  const Dataset& d = f.sim.data();
  const int w = int(f.width), h = int(f.height);
  if (d.mixture && !d.mixture->labels().empty()) {
    for (size_t k = 0; k < d.mixture->components().size(); ++k) {
      const glm::vec2 p(f.view.worldToPixel(d.mixture->components()[k].mean, w, h));
      disc(out, p, 7.0f, theme().background);
      disc(out, p, 5.0f, classColor(d.mixture->labels()[k]));
    }
  } else if (d.points && !d.pointLabels.empty()) {
    const auto& pts = d.points->points();
    const size_t stride = std::max<size_t>(1, pts.size() / 400);
    for (size_t i = 0; i < pts.size() && i < d.pointLabels.size(); i += stride) {
      const glm::vec2 p(f.view.worldToPixel(pts[i], w, h));
      quad(out, p - 2.0f, p + 2.0f, classColor(d.pointLabels[i], 0.8f));
    }
  }
}

void fieldArrows(std::vector<OverlayVertex>& out, const DiffusionFrame& f, const GuidedModel& g) {
  const int w = int(f.width), h = int(f.height);
  const glm::dvec2 level = f.fieldLevel();
  const bool flow = f.sim.config().schedule.kind == ScheduleKind::Flow;
  const double spacing = double(w) / kGuidanceArrowsAcross;
  std::vector<glm::vec2> at;
  std::vector<glm::dvec2> vc, vg;
  double largest = 1e-30;
  for (double py = 0.5 * spacing; py < h; py += spacing)
    for (double px = 0.5 * spacing; px < w; px += spacing) {
      const glm::dvec2 x = f.view.pixelToWorld({px, py}, w, h);
      vc.push_back(fieldAt(g.conditional(), x, level.x, level.y, f.params.field(), flow));
      vg.push_back(fieldAt(g.guide(), x, level.x, level.y, f.params.field(), flow));
      at.push_back({float(px), float(py)});
      largest = std::max({largest, glm::length(vc.back()), glm::length(vg.back())});
    }
  const double scale = 0.9 * spacing / largest;  // pixels per unit of the field
  for (size_t i = 0; i < at.size(); ++i)
    for (const auto& [v, color] : {std::pair{vg[i], glm::vec4(0.6f, 0.6f, 0.6f, 0.9f)},
                                   std::pair{vc[i], classColor(g.spec().classLabel, 0.95f)}}) {
      if (!std::isfinite(v.x) || !std::isfinite(v.y)) continue;
      arrow(out, at[i], at[i] + glm::vec2(float(scale * v.x), float(-scale * v.y)), color);
    }
}

}  // namespace

void guidanceOverlay(std::vector<OverlayVertex>& out, std::vector<std::string>& legend,
                     const DiffusionFrame& f) {
  const GuidedModel* g = guidedOf(f);
  if (!g) return;
  classMarks(out, f);
  const GuidanceSpec& s = g->spec();
  if (f.params.showField()) fieldArrows(out, f, *g);
  char line[160];
  std::snprintf(line, sizeof line, "guided toward class %d: gamma %.3g (w = gamma - 1 = %.3g)",
                s.classLabel, s.scale, s.scale - 1.0);
  legend.push_back(line);
  if (f.params.showField())
    legend.push_back(std::string("coarse arrows: class ") + std::to_string(s.classLabel) +
                     "'s field (its colour), " + (s.autoguided() ? "the weak model's" : "p(x)'s") +
                     " (grey); fine arrows: the guided field");
}

glm::vec4 particleColor(const DiffusionFrame& f) {
  const GuidedModel* g = guidedOf(f);
  return g ? classColor(g->spec().classLabel, kParticleColor.a) : kParticleColor;
}

}  // namespace flowscope
