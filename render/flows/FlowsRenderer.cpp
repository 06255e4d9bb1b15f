#include "FlowsRenderer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "OverlayFont.h"

namespace flowscope {
namespace {

constexpr uint32_t kMaxVertices = 1 << 19;
constexpr glm::vec4 kGridColor{0.35f, 0.8f, 0.95f, 0.75f};
constexpr glm::vec4 kPointColor{1.0f, 0.6f, 0.2f, 0.9f};
constexpr float kCaptionX = 16.0f, kBarWidth = 260.0f;

bool densityMap(FlowHeatmap h) {
  return h == FlowHeatmap::Split || h == FlowHeatmap::Model || h == FlowHeatmap::Data;
}

// The state at fractional layer u: linear between the two layers around it.
glm::vec2 at(const std::vector<std::vector<glm::vec2>>& states, double u, size_t i) {
  const size_t a = size_t(std::floor(u)), b = std::min(states.size() - 1, a + 1);
  const float w = float(u - double(a));
  return (1.0f - w) * states[std::min(a, states.size() - 1)][i] + w * states[b][i];
}

std::vector<std::string> caption(const FlowsLab& lab) {
  const FlowsSettings& s = lab.settings();
  const FlowSpec& f = s.training.flow;
  std::vector<std::string> c;
  c.push_back(flowKindTitle(f.kind) + " on " + s.data + ": " + std::to_string(lab.layerCount()) +
              " layers, conditioners " + std::to_string(f.depth) + " × " + std::to_string(f.width) +
              " " + activationName(f.activation) + ", base N(0, " +
              formatValue("%.3g", f.baseScale) + "² I)");
  std::string line =
      "step " + std::to_string(lab.steps()) + "/" + std::to_string(s.training.adam.totalSteps);
  if (!lab.nllCurve().empty()) line += "   NLL " + formatValue("%.4f", lab.nllCurve().back());
  if (const FlowPicture* v = lab.view(); v && v->step >= 0)
    line += "   held-out " + formatValue("%.4f", v->heldOutNll);
  if (lab.dataEntropyBound())
    line += "   data's own " + formatValue("%.4f", *lab.dataEntropyBound());
  c.push_back(line + " nats/point");
  const int k = lab.shownLayer();
  const double u = lab.animatedLayer();
  std::string shown = s.generate ? "generate (latent → data): " : "gaussianise (data → latent): ";
  if (lab.animatingLayers())
    shown += "layer " + formatValue("%.1f", u) + " of " + std::to_string(lab.layerCount());
  else
    shown +=
        std::to_string(k) + " of " + std::to_string(lab.layerCount()) + " layers applied" +
        (k > 0 ? " (last: " + lab.layerName(s.generate ? lab.layerCount() - k + 1 : k) + ")" : "");
  c.push_back(shown);
  return c;
}

std::vector<std::string> legend(const FlowsLab& lab) {
  const FlowsSettings& s = lab.settings();
  std::vector<std::string> l;
  if (s.showGrid)
    l.push_back(s.generate ? "cyan: a grid over the base Gaussian (±3σ), carried toward the data"
                           : "cyan: a grid over the data, carried toward the latent Gaussian");
  if (s.showPoints)
    l.push_back(s.generate ? "orange: base draws z ~ N(0, σ²I), carried through f^-1"
                           : "orange: training points, carried through f");
  if (!lab.odeLine().x.empty())
    l.push_back(
        "grey line: where the ODE likelihood was computed; white: one ODE trajectory "
        "from its densest point to t = 1, carrying log p (continuity equation)");
  if (lab.separatedModes())
    l.push_back(
        "topology: f is a diffeomorphism, so one Gaussian cannot split into separated "
        "modes; the model keeps thin filaments of density between them");
  return l;
}

}  // namespace

std::vector<OverlayVertex> FlowsRenderer::buildVertices(const FlowsLab& lab, uint32_t width,
                                                        uint32_t height) {
  std::vector<OverlayVertex> out;
  out.reserve(1 << 16);
  const int w = int(width), h = int(height);
  const View2D& view = lab.camera();
  gridAndAxes(out, view, w, h);
  const FlowPicture* v = lab.view();
  const FlowsSettings& s = lab.settings();
  if (v && !v->gridStates.empty()) {
    const double u = std::min(lab.animatedLayer(), double(v->gridStates.size() - 1));
    auto px = [&](glm::vec2 p) { return glm::vec2(view.worldToPixel(glm::dvec2(p), w, h)); };
    if (s.showGrid)
      for (size_t line = 0; line < v->gridLines; ++line)
        for (size_t k = 0; k + 1 < v->gridPointsPerLine; ++k) {
          const size_t i = line * v->gridPointsPerLine + k;
          segment(out, px(at(v->gridStates, u, i)), px(at(v->gridStates, u, i + 1)), 1.3f,
                  kGridColor);
        }
    if (s.showPoints)
      for (size_t i = 0; i < v->pointStates.front().size(); ++i)
        disc(out, px(at(v->pointStates, u, i)), 2.0f, kPointColor);
  }
  const OdeLine& line = lab.odeLine();
  if (!line.x.empty()) {  // the ODE's line and one trajectory with its carried log-density
    auto px = [&](glm::dvec2 p) { return glm::vec2(view.worldToPixel(p, w, h)); };
    segment(out, px({line.x.front(), s.lineY}), px({line.x.back(), s.lineY}), 1.5f, ink(0.6f));
    const glm::vec4 white{1.0f, 1.0f, 1.0f, 0.95f};
    for (size_t i = 0; i + 1 < line.trajectory.size(); ++i)
      segment(out, px(line.trajectory[i]), px(line.trajectory[i + 1]), 2.0f, white);
    if (!line.trajectory.empty()) {
      disc(out, px(line.trajectory.front()), 4.0f, white);
      text(out, px(line.trajectory.front()) + glm::vec2(8.0f, -20.0f),
           "log p0 " + formatValue("%.3f", line.trajectoryLogp.front()), theme().text);
      disc(out, px(line.trajectory.back()), 4.0f, white);
      text(out, px(line.trajectory.back()) + glm::vec2(8.0f, 4.0f),
           "t = 1: log p " + formatValue("%.3f", line.trajectoryLogp.back()), theme().text);
    }
  }
  if (v && s.heatmap == FlowHeatmap::Split) {
    segment(out, {float(w) / 2, 0.0f}, {float(w) / 2, float(h)}, 2.0f, theme().text);
    text(out, {float(w) / 2 - 70.0f, float(h) / 2}, "model", theme().text);
    text(out, {float(w) / 2 + 12.0f, float(h) / 2}, "data", theme().text);
  }
  textBlock(out, {kCaptionX, 10.0f}, wrapLines(caption(lab), float(w) - kCaptionX - 12.0f),
            theme().text);
  const bool bar = v && !v->heatmap.values.empty();
  const std::vector<std::string> l =
      wrapLines(legend(lab), float(w) - kCaptionX - (bar ? kBarWidth + 36.0f : 12.0f));
  textBlock(out, {kCaptionX, float(h) - 40.0f - OverlayFont::kLineHeight * float(l.size())}, l,
            theme().text);
  if (bar)
    colorBar(out, {float(w) - 12.0f - kBarWidth, float(h) - 40.0f - kColorBarHeight}, kBarWidth,
             {densityMap(s.heatmap) ? "magma" : "viridis", v->heatmapLabel,
              formatValue("%.3g", v->heatmap.lo), formatValue("%.3g", v->heatmap.hi), ""});
  return out;
}

FlowsRenderer::FlowsRenderer(const GpuContext& ctx, VkRenderPass pass, uint32_t slots)
    : overlay_(ctx, pass, slots, kMaxVertices),
      density_(ctx, pass, slots, "magma"),
      signedMap_(ctx, pass, slots, "viridis") {}

void FlowsRenderer::draw(VkCommandBuffer cmd, const FlowsLab& lab, const LabFrame& f) {
  setViewportAndScissor(cmd, f.x, f.width, f.height, f.y);
  const FlowPicture* v = lab.view();
  if (v && !v->heatmap.values.empty()) {
    HostHeatmap& map = densityMap(lab.settings().heatmap) ? density_ : signedMap_;
    map.draw(cmd, f.slot, v->heatmap, v->serial,
             float(FlowPicture::kCellPixels) * float(f.height) / float(std::max(1u, v->viewHeight)),
             f.width, f.height);
  }
  const OverlaySize o = overlaySize(f.width, f.height, f.uiScale);
  overlay_.drawVertices(cmd, f.slot, buildVertices(lab, o.width, o.height), o.width, o.height);
}

std::unique_ptr<LabRenderer> makeFlowsRenderer(Lab& lab, const GpuContext& ctx, VkRenderPass pass,
                                               uint32_t slots) {
  return std::make_unique<DrawnLabRenderer<FlowsRenderer, FlowsLab>>(
      ctx, pass, slots, dynamic_cast<const FlowsLab&>(lab));
}

}  // namespace flowscope
