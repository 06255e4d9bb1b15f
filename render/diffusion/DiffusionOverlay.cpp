#include "DiffusionOverlay.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "GuidanceOverlay.h"
#include "HeatmapLayer.h"
#include "OverlayFont.h"
#include "Streamlines.h"
#include "TrailLayer.h"

namespace flowscope {
namespace {

constexpr glm::vec4 kStreamColor{0.95f, 0.97f, 1.0f, 0.45f};
constexpr glm::vec4 kPickedColor{1.0f, 0.3f, 0.55f, 0.95f};
constexpr glm::vec4 kPaintColor{1.0f, 0.35f, 1.0f, 0.9f};

}  // namespace

std::string captionOf(const DiffusionFrame& f) {
  const NoiseLevel& l = f.levelShown();
  const SamplingConfig& c = f.sim.config();
  char buf[320];
  std::snprintf(
      buf, sizeof(buf), "step %d/%d   t %.4g  s %.3g  σ %.4g   %s on %s   NFE %d   %d particles",
      f.sim.current(), f.sim.steps(), l.t, l.s, l.sigma(), samplerKindName(c.sampler.kind).c_str(),
      scheduleName(c.schedule.kind).c_str(), f.sim.evaluations(f.sim.current()), c.particleCount);
  const Dataset& d = f.sim.data();
  if (d.learned) return std::string(buf) + "   model: learned, " + d.learnedName;
  return buf;
}

TimeStripAxis timeStripAxis(const std::vector<NoiseLevel>& levels) {
  TimeStripAxis axis{INFINITY, -INFINITY, int(levels.size()) - 1};
  for (const auto& l : levels)
    if (l.tau > 0.0 && std::isfinite(l.sigma()))
      axis.sigmaMin = std::min(axis.sigmaMin, l.sigma()),
      axis.sigmaMax = std::max(axis.sigmaMax, l.sigma());
  return axis;
}

std::string formatSigma(double sigma) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3g", sigma);
  return buf;
}

std::string fieldLegend(FieldKind kind, bool flow) {
  switch (kind) {
    case FieldKind::Score:
      return "arrows: score ∇ log p_t, pointing to higher density";
    case FieldKind::DenoiserDisplacement:
      return "arrows: denoiser D(x) - x, pointing to the predicted data";
    case FieldKind::Eps:
      return "arrows: ε-prediction, pointing away from the data";
    case FieldKind::Velocity:
      return std::string("arrows: velocity ") + (flow ? "dx/dt = ε − x0" : "d(x/s)/dσ = ε") +
             ", pointing to noise; sampling runs against them";
  }
  return {};
}

namespace {

void polylines(std::vector<OverlayVertex>& out, const DiffusionFrame& f,
               const std::vector<std::vector<glm::dvec2>>& lines, float width, glm::vec4 color,
               bool endDot) {
  const int w = int(f.width), h = int(f.height);
  for (const auto& line : lines) {
    for (size_t k = 1; k < line.size(); ++k)
      segment(out, glm::vec2(f.view.worldToPixel(line[k - 1], w, h)),
              glm::vec2(f.view.worldToPixel(line[k], w, h)), width, color);
    if (endDot && !line.empty()) {
      glm::vec2 p(f.view.worldToPixel(line.back(), w, h));
      quad(out, p - 3.0f, p + 3.0f, color);
    }
  }
}

// Where in the schedule the shown step is: log sigma of every level, the shown one enlarged, with
// the sigma range on the left and the step numbers below.
void timeStrip(std::vector<OverlayVertex>& out, const DiffusionFrame& f, float bottom) {
  const auto& levels = f.sim.levels();
  // 260 px of steps, fewer in a narrow frame, with the sigma labels (86 px) left of them.
  const float w = std::clamp(float(f.width) - 130.0f, 60.0f, 260.0f), h = 40.0f;
  const float x0 = float(f.width) - w - 20.0f, y0 = bottom - 68.0f;
  const TimeStripAxis axis = timeStripAxis(levels);
  if (!(axis.sigmaMax > axis.sigmaMin)) return;
  const double lo = std::log(axis.sigmaMin), hi = std::log(axis.sigmaMax);
  const float left = x0 - 86.0f;
  quad(out, {left, y0 - 22.0f}, {x0 + w + 6.0f, y0 + h + 24.0f}, theme().box);
  text(out, {left + 6.0f, y0 - 20.0f}, "σ by step, log scale", theme().text);
  text(out, {left + 6.0f, y0 - 2.0f}, formatSigma(axis.sigmaMax), theme().text);
  text(out, {left + 6.0f, y0 + h - 12.0f}, formatSigma(axis.sigmaMin), theme().text);
  text(out, {x0, y0 + h + 8.0f}, "0", theme().text);
  const std::string last = std::to_string(axis.steps);
  text(out, {x0 + w - textWidth(last), y0 + h + 8.0f}, last, theme().text);
  const int n = int(levels.size()) - 1;
  for (int k = 0; k <= n; ++k) {
    const NoiseLevel& l = levels[k];
    double y = l.tau == 0.0 ? lo : std::isfinite(l.sigma()) ? std::log(l.sigma()) : hi;
    glm::vec2 p(x0 + w * float(k) / float(std::max(n, 1)),
                y0 + h * float(1.0 - (y - lo) / (hi - lo)));
    const bool shown = k == f.sim.current();
    const float r = shown ? 4.0f : 1.0f;
    quad(out, p - r, p + r, shown ? kParticleColor : theme().text);
  }
}

}  // namespace

// A line for each drawn layer the caption and the arrow, trail and heatmap legends leave unnamed.
std::vector<std::string> layerLegend(const DiffusionFrame& f, bool streamlines) {
  std::vector<std::string> out;
  const DiffusionParams& p = f.params;
  if (p.showParticles())
    out.push_back(std::string(f.sim.data().guided ? "dots (the class's colour)" : "orange dots") +
                  ": the particles x at the shown step");
  if (p.showPaths()) out.push_back("yellow: tracked particles' paths from the noise");
  if (p.showCoupling()) out.push_back("violet: straight lines from each start point to it now");
  if (p.showGhosts()) out.push_back("green-yellow: the x0-prediction D(x), joined to its particle");
  if (streamlines) out.push_back("thin curves: streamlines of the arrows' field");
  if (f.picked && !f.picked->empty()) out.push_back("pink: the picked particles' paths");
  if (f.painted && !f.painted->empty()) out.push_back("magenta: points being painted");
  return out;
}

ColorBar heatBar(HeatmapKind kind, double floor, double peak) {
  // Enough digits that the two ends differ however close they are (a flat p_t at large sigma).
  const int digits = std::clamp(
      int(std::ceil(std::log10(std::max(std::abs(peak), 1.0) / std::max(peak - floor, 1e-6)))) + 2,
      3, 8);
  char low[32], high[32];
  std::snprintf(low, sizeof(low), "%.*g", digits, floor);
  std::snprintf(high, sizeof(high), "%.*g", digits, peak);
  return {"viridis",
          std::string("heatmap: log p") + (kind == HeatmapKind::DataDensity ? "_data" : "_t") +
              "(x), nats",
          low, high, ""};
}

std::vector<OverlayVertex> buildOverlay(const DiffusionFrame& f,
                                        const std::vector<std::vector<glm::dvec2>>* streamlines) {
  std::vector<OverlayVertex> out;
  const int w = int(f.width), h = int(f.height);
  if (streamlines) polylines(out, f, *streamlines, 1.0f, ink(kStreamColor.a), false);
  if (f.picked) polylines(out, f, *f.picked, 2.0f, kPickedColor, true);
  if (f.painted)
    for (const auto& p : *f.painted) {
      glm::vec2 q(f.view.worldToPixel(p, w, h));
      quad(out, q - 2.0f, q + 2.0f, kPaintColor);
    }
  gridAndAxes(out, f.view, w, h);
  // The caption above the x-axis labels, wrapped to the frame, and the sigma strip above it.
  const std::vector<std::string> caption = wrapLines({captionOf(f)}, float(w) - 24.0f);
  const float captionTop = float(h) - 26.0f - OverlayFont::kLineHeight * float(caption.size());
  textBlock(out, {10.0f, captionTop}, caption, theme().text);
  if (f.params.showTimeStrip()) timeStrip(out, f, captionTop);
  std::vector<std::string> legend = layerLegend(f, streamlines != nullptr);
  guidanceOverlay(out, legend, f);
  if (f.params.showField()) {
    legend.push_back(
        fieldLegend(f.params.field(), f.sim.config().schedule.kind == ScheduleKind::Flow));
    legend.push_back("arrow length ~ |v| / max |v| in view");
  }
  if (f.params.showTrails() && TrailLayer::segments(f) > 0)
    legend.push_back("trails: last " + std::to_string(TrailLayer::segments(f)) + " steps of " +
                     std::to_string(std::min<int>(f.sim.config().particleCount,
                                                  TrailLayer::kMaxTrailParticles)) +
                     " particles");
  float y = textBlock(out, {float(w) - 12.0f, 10.0f}, wrapLines(legend, 0.6f * float(w)),
                      theme().text, Align::Right);
  if (f.params.showHeatmap() && std::isfinite(f.heatPeak))
    y = colorBar(out, {float(w) - 12.0f - kHeatBarWidth, y + 6.0f}, kHeatBarWidth,
                 heatBar(f.params.heatmap(), f.heatFloor, f.heatPeak));
  // The split view's half: its run's name under the legend (at least 72 px down).
  if (!f.title.empty())
    text(out, {0.5f * float(w) - 0.5f * textWidth(f.title), std::max(y + 8.0f, 72.0f)}, f.title,
         theme().text);
  return out;
}

const std::vector<std::vector<glm::dvec2>>* DiffusionOverlay::streamlines(const DiffusionFrame& f) {
  if (!f.params.showStreamlines()) return nullptr;
  const glm::dvec2 level = f.fieldLevel();
  const bool flow = f.sim.config().schedule.kind == ScheduleKind::Flow;
  StreamKey key{f.sim.id(),    level,   f.params.field(), f.view.center,
                f.view.height, f.width, f.height};
  if (!(key == streamKey_)) {
    const int w = int(f.width), h = int(f.height);
    glm::dvec2 lo = f.view.pixelToWorld({0.0, double(h)}, w, h),
               hi = f.view.pixelToWorld({double(w), 0.0}, w, h);
    StreamlineSpec spec;
    spec.step = f.view.height / 160.0;
    spec.seedsX = std::max(4, w / 70);
    spec.seedsY = std::max(4, h / 70);
    streamlines_ = traceStreamlines(f.sim.data().model(), level.x, level.y, f.params.field(), flow,
                                    lo, hi, spec);
    streamKey_ = key;
  }
  return &streamlines_;
}

void DiffusionOverlay::draw(VkCommandBuffer cmd, const DiffusionFrame& f, double heatFloor,
                            double heatPeak) {
  const OverlaySize size = overlaySize(f.width, f.height, f.uiScale);
  DiffusionFrame logical = f;
  logical.width = size.width, logical.height = size.height;
  logical.heatPeak = heatPeak;
  logical.heatFloor = heatFloor;
  layer_.drawVertices(cmd, f.slot, buildOverlay(logical, streamlines(logical)), size.width,
                      size.height);
}

}  // namespace flowscope
