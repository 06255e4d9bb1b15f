#include "TransportRenderer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "OverlayFont.h"
#include "Resources.h"
#include "SvgRecorder.h"
#include "TransportStyle.h"

namespace flowscope {
namespace {

const uint32_t kMatrixVert[] =
#include "matrix.vert.spv.inc"
    ;
const uint32_t kMatrixFrag[] =
#include "matrix.frag.spv.inc"
    ;

constexpr uint32_t kMaxVertices = 1 << 18;
constexpr size_t kMatrixCapacity = 160 * 160;

constexpr glm::vec4 kInterpColor{1.0f, 0.38f, 0.78f, 0.9f};
constexpr glm::vec4 kNoiseColor{0.78f, 0.82f, 0.9f, 0.8f};
constexpr glm::vec4 kWarnColor{1.0f, 0.45f, 0.35f, 1.0f};

// Radius in pixels for a point of weight w among n (area ~ weight; uniform = 3 px).
float radiusOf(double w, size_t n) {
  return float(3.0 * std::sqrt(std::max(0.0, w * double(n))));
}

void planVertices(std::vector<OverlayVertex>& out, const TransportLab& lab, int w, int h,
                  const ScalarGrid* potential, bool segments) {
  const TransportSettings& s = lab.settings();
  const View2D& view = lab.camera();
  const auto px = [&](glm::dvec2 p) { return glm::vec2(view.worldToPixel(p, w, h)); };
  const auto& entries = lab.drawnEntries();
  const double maxMass = entries.empty() ? 1.0 : entries.front().mass;
  if (s.showPlan && segments)
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {  // heaviest drawn last
      const float alpha = float(0.03 + 0.75 * it->mass / maxMass);
      segment(out, px(lab.source().points[it->i]), px(lab.target().points[it->j]), 1.2f,
              ink(alpha));
    }
  const Measure& a = lab.source();
  const Measure& b = lab.target();
  for (size_t k = 0; k < b.points.size(); ++k)
    disc(out, px(b.points[k]), radiusOf(b.weights[k], b.points.size()), kTargetColor);
  for (size_t k = 0; k < a.points.size(); ++k)
    disc(out, px(a.points[k]), radiusOf(a.weights[k], a.points.size()), kSourceColor);
  if (s.showInterpolation) {
    const auto pts = lab.interpolated(s.t);
    const size_t n = std::max(a.points.size(), b.points.size());
    for (size_t k = 0; k < pts.size(); ++k)
      disc(out, px(pts[k]), std::max(1.0f, radiusOf(entries[k].mass, n)), kInterpColor);
  }

  const TransportSolution& sol = lab.solution();
  std::vector<std::string> caption;
  const bool sinkhorn = s.method == OtMethod::Sinkhorn;
  const std::string costText =
      s.cost == CostKind::SqEuclidean ? "sqeuclidean |x−y|² (W2)" : "euclidean |x−y| (W1)";
  if (sinkhorn)
    caption.push_back("Sinkhorn, ε " + formatValue("%.4g", s.epsilon) + " (POT reg; blur " +
                      formatValue("%.3g", std::sqrt(s.epsilon)) + "), " + costText +
                      (s.annealing ? ", annealed" : ""));
  else
    caption.push_back("exact OT (network simplex), " + costText);
  // While a solve runs off the frame the previous one stays shown, and says so.
  const bool solving = lab.progress().has_value();
  if (sol.f.empty())
    caption.push_back(solving ? "solving…" : "no solution");
  else
    caption.push_back(std::string(s.cost == CostKind::SqEuclidean ? "W2 " : "W1 ") +
                      formatValue("%.6g", sol.w) + "  <P,C> " + formatValue("%.6g", sol.cost) +
                      "  error " + formatValue("%.1e", sol.marginalError) + "  " +
                      std::to_string(sol.iterations) + (sinkhorn ? " it  " : " pivots  ") +
                      std::to_string(a.points.size()) + "→" + std::to_string(b.points.size()) +
                      (solving ? "  (the previous solve's; solving…)" : ""));
  if (s.stepThrough && !lab.history().empty()) {
    const SinkhornRecord& r = lab.history()[size_t(lab.step() - 1)];
    caption.push_back("iteration " + std::to_string(lab.step()) + "/" +
                      std::to_string(lab.history().size()) + "  ε_k " +
                      formatValue("%.3g", r.epsilon) + "  error " +
                      formatValue("%.1e", r.marginalError) + "  gap " + formatValue("%.1e", r.gap));
  }
  if (sol.status != SolveStatus::Converged && !sol.message.empty())
    caption.push_back("! " + sol.message);
  // At the top, right of the panel (which starts at the left edge).
  transportLines(out, kCaptionX, 10.0f, caption, float(w), false);

  std::vector<std::string> legend;
  legend.push_back("orange: source a, teal: target b (disc area ~ weight)");
  if (s.showPlan)
    legend.push_back("segments: " + std::to_string(entries.size()) + " entries" +
                     (sinkhorn ? " ≥ 1e-2 max P" : "") + " (" +
                     formatValue("%.1f", 100.0 * lab.massDrawn()) + "% of mass), opacity ~ P_ij");
  if (s.potential != PotentialShown::None) {
    const bool src = s.potential == PotentialShown::Source;
    const std::string who = src ? "f(x)" : "g(y)", other = src ? "g_j" : "f_i";
    const std::string pt = src ? "C(x,y_j)" : "C(x_i,y)";
    legend.push_back("heatmap: " + who + " = " +
                     (sinkhorn ? "−ε log Σ " + std::string(src ? "b_j" : "a_i") + " exp((" + other +
                                     " - " + pt + ")/ε)"
                               : "min " + pt + " - " + other) +
                     ", viridis");
  }
  if (s.showInterpolation)
    legend.push_back("pink: McCann interpolation (source at t = 0, target at 1), t = " +
                     formatValue("%.2f", s.t) + ", (1-t) x_i + t y_j per entry");
  const bool potentialBar = potential && s.potential != PotentialShown::None;
  transportLines(out, kCaptionX, float(h) - 40.0f, legend,
                 potentialBar ? float(w) - kColorBarWidth - 24.0f : float(w), true);
  if (potentialBar) {
    const bool src = s.potential == PotentialShown::Source;
    colorBar(out, {float(w) - 12.0f - kColorBarWidth, float(h) - 40.0f - kColorBarHeight},
             kColorBarWidth,
             {"viridis", std::string("heatmap: ") + (src ? "f(x)" : "g(y)") + ", cost units",
              formatValue("%.3g", potential->lo), formatValue("%.3g", potential->hi), ""});
  }
  if (s.showMatrix && !lab.planMatrix().values.empty()) {
    const float size = float(TransportRenderer::insetSide(uint32_t(w), uint32_t(h)));
    const float x0 = float(w) - size - 16.0f, y0 = float(TransportRenderer::kInsetTop);
    quad(out, {x0 - 4.0f, y0 - 42.0f}, {x0 + size + 4.0f, y0 + size + 4.0f}, theme().box);
    // Right-aligned to the inset, so a narrowed inset keeps its captions inside the frame.
    textBlock(out, {x0 + size, y0 - 38.0f}, {"plan P, √ scale", "rows a, cols b"}, theme().text,
              Align::Right);
    // Bin masses over the largest, coloured at √: the bar's middle is a quarter of the largest.
    colorBar(out, {x0, y0 + size + 10.0f}, size, {"magma", "bin mass / max", "0", "1", "0.25"});
  }
}

void couplingVertices(std::vector<OverlayVertex>& out, const TransportLab& lab, int w, int h) {
  const View2D& view = lab.camera();
  const auto px = [&](glm::dvec2 p) { return glm::vec2(view.worldToPixel(p, w, h)); };
  const auto& noise = lab.couplingNoise();
  const auto& data = lab.couplingData();
  if (lab.couplings().empty()) return;
  const Coupling& c = lab.shownCoupling();
  for (size_t k = 0; k < c.partner.size(); ++k)
    segment(out, px(noise[k]), px(data[c.partner[k]]), 1.2f, ink(0.35f));
  for (const auto& p : noise) disc(out, px(p), 2.5f, kNoiseColor);
  for (const auto& p : data) disc(out, px(p), 2.5f, kSourceColor);
  const double t = lab.settings().t;
  const bool moving = lab.settings().showInterpolation;
  if (moving)  // the flow paths at t: where a sample is at that time
    for (size_t k = 0; k < c.partner.size(); ++k)
      disc(out, px((1.0 - t) * data[c.partner[k]] + t * noise[k]), 3.0f, kInterpColor);
  std::vector<std::string> legend = {
      "data x0 orange, noise ε grey: " + std::to_string(noise.size()) + " paths (1−t) x0 + t ε",
      "t = 0 data, t = 1 noise, as in every lab", "crossings: pairs of intersecting paths"};
  if (moving) legend.push_back("pink: x_t on every path at t = " + formatValue("%.3f", t));
  for (const Coupling& k : lab.couplings()) {
    std::string line = (k.kind == c.kind ? "> " : "  ") + couplingName(k.kind);
    if (k.kind == CouplingKind::Sinkhorn)
      line += " (ε " + formatValue("%.3g", lab.settings().couplingEpsilon) + ")";
    line += ": " + std::to_string(k.crossings) + " crossings, mean |ε−x0|² " +
            formatValue("%.3f", k.meanSquaredLength) + ", " + formatValue("%.0f", k.timeMs) + " ms";
    legend.push_back(line);
  }
  transportLines(out, kCaptionX, float(h) - 40.0f, legend, float(w), true);
}

}  // namespace

std::vector<OverlayVertex> TransportRenderer::buildVertices(const TransportLab& lab, uint32_t width,
                                                            uint32_t height,
                                                            const ScalarGrid* potential,
                                                            const CriticOverlay* critic,
                                                            bool planSegments) {
  std::vector<OverlayVertex> out;
  out.reserve(1 << 16);
  gridAndAxes(out, lab.camera(), int(width), int(height));
  const TransportMode mode = lab.settings().mode;
  if (mode == TransportMode::Critic || mode == TransportMode::Gan)
    learnedVertices(out, lab, int(width), int(height), critic);
  else if (mode == TransportMode::Plan)
    planVertices(out, lab, int(width), int(height), potential, planSegments);
  else
    couplingVertices(out, lab, int(width), int(height));
  return out;
}

TransportRenderer::TransportRenderer(const GpuContext& ctx, VkRenderPass pass, uint32_t slots)
    : ctx_(ctx),
      magma_(loadColormap("magma")),
      magmaBuffer_(uploadColormap(ctx, magma_)),
      overlay_(ctx, pass, slots, kMaxVertices),
      heatmap_(ctx, pass, slots, "viridis"),
      ink_(ctx, pass, slots),
      matrixBindings_(ctx.device(), 2, sizeof(HeatmapPush), slots),
      matrix_(ctx, matrixBindings_, slots, kMatrixCapacity * sizeof(float), {&magmaBuffer_}) {
  matrixPipeline_ = createPulledPipeline(ctx.device(), kMatrixVert, kMatrixFrag,
                                         VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST,
                                         matrixBindings_.layout(), pass, false);
}

TransportRenderer::~TransportRenderer() {
  vkDestroyPipeline(ctx_.device(), matrixPipeline_, nullptr);
}

const ScalarGrid& TransportRenderer::grid(const TransportLab& lab, uint32_t width,
                                          uint32_t height) {
  if (refreshGrid(lab, width, height))
    grid_ = lab.potentialGrid(lab.camera(), int(width), int(height), int(gridCell_));
  return grid_;
}

bool TransportRenderer::refreshGrid(const TransportLab& lab, uint32_t width, uint32_t height) {
  const TransportSettings& s = lab.settings();
  const GridKey key{lab.revision(),      s.potential, s.mode, lab.camera().center,
                    lab.camera().height, width,       height};
  if (key == gridKey_) return false;
  gridCell_ = kCellPixels;
  while (size_t(width / gridCell_ + 2) * (height / gridCell_ + 2) > HostHeatmap::kCapacity)
    ++gridCell_;
  gridKey_ = key;
  ++gridVersion_;
  return true;
}

const CriticOverlay& TransportRenderer::critic(const TransportLab& lab, uint32_t width,
                                               uint32_t height) {
  if (refreshGrid(lab, width, height))
    critic_ = criticOverlay(lab, lab.camera(), int(width), int(height), int(gridCell_));
  return critic_;
}

void TransportRenderer::draw(VkCommandBuffer cmd, const TransportLab& lab, const LabFrame& f) {
  const uint32_t width = f.width, height = f.height, slot = f.slot;
  const float uiScale = f.uiScale;
  setViewportAndScissor(cmd, f.x, width, height, f.y);
  const TransportSettings& s = lab.settings();
  if (s.mode == TransportMode::Critic || s.mode == TransportMode::Gan) {
    const CriticOverlay& c = critic(lab, width, height);
    if (!c.grid.values.empty())
      heatmap_.draw(cmd, slot, c.grid, gridVersion_, float(gridCell_), width, height);
    const OverlaySize o = overlaySize(width, height, uiScale);
    // The overlay maps the world onto its own (scaled) size: the same lines, in its pixels.
    overlay_.drawVertices(cmd, slot, buildVertices(lab, o.width, o.height, nullptr, &c), o.width,
                          o.height);
    return;
  }
  const ScalarGrid* potential = nullptr;
  if (s.mode == TransportMode::Plan && s.potential != PotentialShown::None) {
    const ScalarGrid& g = grid(lab, width, height);
    if (!g.values.empty()) {
      potential = &g;
      heatmap_.draw(cmd, slot, g, gridVersion_, float(gridCell_), width, height);
    }
  }
  const OverlaySize o = overlaySize(width, height, uiScale);
  // The plan's segments as one ink layer (InkLayer.h), except in an SVG export (vector lines) or
  // beyond the layer's capacity (a frame above 3840 x 2160: triangles, as before).
  bool inked = s.mode == TransportMode::Plan && s.showPlan && !SvgRecorder::active();
  if (inked) {
    refreshInk(lab, width, height, uiScale);
    inked = inkBox_.coverage.size() <= InkLayer::kCapacity;
  }
  if (inked) ink_.draw(cmd, slot, inkBox_, inkVersion_, ink(1.0f), f.x, f.y, width, height);
  overlay_.drawVertices(cmd, slot,
                        buildVertices(lab, o.width, o.height, potential, nullptr, !inked), o.width,
                        o.height);
  const PlanMatrix& m = lab.planMatrix();
  // The inset where the overlay framed it: its rectangle in overlay pixels, scaled.
  if (s.mode == TransportMode::Plan && s.showMatrix && !m.values.empty() &&
      o.width > insetSide(o.width, o.height) + 32 &&
      o.height > insetSide(o.width, o.height) + kInsetTop + 20) {
    const VkDescriptorSet set = matrix_.set(slot, lab.revision(), [&](GpuBuffer& b) {
      std::vector<float> v(m.values.size());
      for (size_t k = 0; k < v.size(); ++k) v[k] = std::sqrt(m.values[k]);  // the sqrt scale
      b.upload(v.data(), v.size() * sizeof(float));
    });
    const float scaleX = float(width) / float(o.width), scaleY = float(height) / float(o.height);
    const uint32_t inset = insetSide(o.width, o.height);
    const uint32_t x0 = uint32_t(std::lround(float(o.width - inset - 16) * scaleX)),
                   y0 = uint32_t(std::lround(float(kInsetTop) * scaleY)),
                   side = uint32_t(std::lround(float(inset) * scaleY));
    setViewportAndScissor(cmd, f.x + x0, side, side, f.y + y0);
    HeatmapPush push{m.cols, m.rows, 0.0f, 1.0f, 1.0f, 0.0f, {float(side), float(side)}};
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, matrixPipeline_);
    matrixBindings_.bind(cmd, set);
    matrixBindings_.push(cmd, &push);
    vkCmdDraw(cmd, m.rows * m.cols * 6, 1, 0, 0);
    setViewportAndScissor(cmd, f.x, width, height, f.y);
  }
}

void TransportRenderer::refreshInk(const TransportLab& lab, uint32_t width, uint32_t height,
                                   float uiScale) {
  const View2D& view = lab.camera();
  const InkKey key{lab.revision(), view.center, view.height, width, height, uiScale};
  if (key == inkKey_) return;
  inkKey_ = key;
  inkImage_.clear(width, height);
  const auto& entries = lab.drawnEntries();
  const double maxMass = entries.empty() ? 1.0 : entries.front().mass;
  const auto px = [&](glm::dvec2 p) { return glm::vec2(view.worldToPixel(p, width, height)); };
  for (const PlanEntry& e : entries)  // opacity ~ P_ij, as the segments' own
    inkImage_.segment(px(lab.source().points[e.i]), px(lab.target().points[e.j]), 1.2f * uiScale,
                      float(0.03 + 0.75 * e.mass / maxMass));
  inkBox_ = inkImage_.box();
  ++inkVersion_;
}

std::unique_ptr<LabRenderer> makeTransportRenderer(Lab& lab, const GpuContext& ctx,
                                                   VkRenderPass pass, uint32_t slots) {
  return std::make_unique<DrawnLabRenderer<TransportRenderer, TransportLab>>(
      ctx, pass, slots, dynamic_cast<const TransportLab&>(lab));
}

}  // namespace flowscope
