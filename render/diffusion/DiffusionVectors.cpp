#include "DiffusionVectors.h"

#include <algorithm>
#include <cmath>

#include "Draw2D.h"
#include "FieldLayer.h"
#include "GhostLayer.h"
#include "MixtureGrids.h"
#include "ParticleLayer.h"
#include "Prediction.h"
#include "Theme.h"
#include "TrailLayer.h"

namespace flowscope {
namespace {

// World -> the overlay's pixels (the SVG's units, scaled by the document).
struct ToSvg {
  const DiffusionFrame& f;
  float perPixel;  // overlay pixels per framebuffer pixel
  glm::vec2 operator()(glm::dvec2 p) const {
    return glm::vec2(f.view.worldToPixel(p, int(f.width), int(f.height))) * perPixel;
  }
};

void arrows(SvgRecorder& svg, const DiffusionFrame& f, const ToSvg& at) {
  if (!f.params.showField()) return;
  const GridSpec grid = FieldLayer::arrowGrid(f, f.width, f.height);
  const glm::dvec2 level = f.fieldLevel();
  const std::vector<glm::vec4> field =
      fieldGridCpu(f.sim.data().model(), grid, level.x, level.y, f.params.field(),
                   f.sim.config().schedule.kind == ScheduleKind::Flow);
  float vmax = 1e-30f;
  for (const glm::vec4& a : field) vmax = std::max(vmax, glm::length(glm::vec2(a.z, a.w)));
  const double maxLength = 0.9 * f.view.height / double(grid.ny);  // world units, as drawn
  for (const glm::vec4& a : field) {
    const glm::dvec2 v(a.z, a.w);
    const double mag = glm::length(v), ratio = mag / vmax;
    if (!(mag > 0.0)) continue;
    const glm::dvec2 dir = v / mag, side(-dir.y, dir.x), mid(a.x, a.y);
    const double len = maxLength * ratio, head = 0.3 * len;
    const glm::dvec2 tail = mid - 0.5 * len * dir, tip = mid + 0.5 * len * dir;
    const glm::vec4 color = ink(kArrowColor.a * float(0.35 + 0.65 * ratio));
    const float width = at.perPixel;
    svg.line(at(tail), at(tip), width, color);
    svg.line(at(tip), at(tip - head * dir + 0.5 * head * side), width, color);
    svg.line(at(tip), at(tip - head * dir - 0.5 * head * side), width, color);
  }
}

void tracks(SvgRecorder& svg, const DiffusionFrame& f, const ToSvg& at) {
  const bool paths = f.params.showPaths(), coupling = f.params.showCoupling();
  const int current = f.sim.current();
  if ((!paths && !coupling) || current == 0) return;
  for (const auto& path : f.sim.trackedPaths()) {
    if (coupling) svg.line(at(path[0]), at(path[size_t(current)]), at.perPixel, kCouplingColor);
    if (paths)
      for (int s = 0; s < current; ++s)
        svg.line(at(path[size_t(s)]), at(path[size_t(s) + 1]), at.perPixel, kPathColor);
  }
}

void trails(SvgRecorder& svg, const DiffusionFrame& f, const ToSvg& at) {
  const uint32_t segments = TrailLayer::segments(f);
  if (!f.params.showTrails() || segments == 0) return;
  const size_t drawn =
      std::min<size_t>(size_t(f.sim.config().particleCount), TrailLayer::kMaxTrailParticles);
  const glm::vec4 color = activeTheme() == ThemeKind::Light ? kTrailColorLight : kTrailColor;
  // State newest - j for j = 0 .. segments; segment j joins states newest - j - 1 and newest - j.
  std::vector<std::vector<glm::vec2>> states;
  for (uint32_t j = 0; j <= segments; ++j)
    states.push_back(f.sim.positions(f.sim.current() - int(j), drawn));
  for (size_t p = 0; p < drawn; ++p)
    for (uint32_t j = 0; j < segments; ++j) {
      const float fade = 1.0f - float(j) / float(segments);  // age 0 at the newest end
      svg.line(at(glm::dvec2(states[j + 1][p])), at(glm::dvec2(states[j][p])), at.perPixel,
               glm::vec4(glm::vec3(color), color.a * fade));
    }
}

void ghosts(SvgRecorder& svg, const DiffusionFrame& f, const ToSvg& at) {
  if (!f.params.showGhosts()) return;
  const size_t count = std::min<size_t>(size_t(f.sim.config().particleCount), GhostLayer::kGhosts);
  const std::vector<ParticleState> states = f.sim.state(f.sim.current(), count);
  const NoiseLevel& l = f.levelShown();
  const std::vector<glm::vec4> predictions =
      predictX0Cpu(f.sim.data().model(), states, l.s, std::max(l.tau, 1e-6));
  const glm::vec4 line(glm::vec3(kGhostColor), kGhostColor.a * 0.45f);
  for (const glm::vec4& p : predictions)
    svg.line(at(glm::dvec2(p.x, p.y)), at(glm::dvec2(p.z, p.w)), at.perPixel, line);
  for (const glm::vec4& p : predictions)
    svg.circle(at(glm::dvec2(p.z, p.w)), 1.5f * at.perPixel, kGhostColor);
}

void particles(SvgRecorder& svg, const DiffusionFrame& f, const ToSvg& at) {
  if (!f.params.showParticles() || ParticleLayer::splats(f)) return;
  for (const glm::vec2& p : f.sim.positions(f.sim.current()))
    svg.circle(at(glm::dvec2(p)), 1.0f * at.perPixel, kParticleColor);
}

}  // namespace

void recordDiffusionVectors(SvgRecorder& svg, const DiffusionFrame& f) {
  const OverlaySize o = overlaySize(f.width, f.height, f.uiScale);
  const ToSvg at{f, float(o.width) / float(f.width)};
  svg.setOrigin(glm::vec2(float(f.xOffset), float(f.yOffset)) * at.perPixel);  // the split view
  arrows(svg, f, at);
  tracks(svg, f, at);
  trails(svg, f, at);
  ghosts(svg, f, at);
  particles(svg, f, at);
}

}  // namespace flowscope
