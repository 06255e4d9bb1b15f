#include "CriticVertices.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "Contours.h"
#include "Draw2D.h"
#include "OverlayFont.h"
#include "Theme.h"
#include "TransportStyle.h"

namespace flowscope {
namespace {

constexpr glm::vec4 kSteepColor{1.0f, 0.2f, 0.2f, 0.9f};
constexpr glm::vec4 kLevelColor{1.0f, 1.0f, 1.0f, 0.45f};
constexpr glm::vec4 kPushColor{1.0f, 1.0f, 1.0f, 0.75f};
constexpr glm::vec4 kModeColor{1.0f, 1.0f, 1.0f, 0.35f};

// The shown grid: critic mode's halves side by side (one range), or the critic's f.
ScalarGrid composite(const CriticField& f, bool split, uint32_t& seam) {
  ScalarGrid g = f.critic;
  seam = g.nx;
  if (!split || f.exact.values.size() != g.values.size()) return g;
  seam = g.nx / 2;
  for (uint32_t r = 0; r < g.ny; ++r)
    for (uint32_t c = seam; c < g.nx; ++c) g.values[r * g.nx + c] = f.exact.values[r * g.nx + c];
  g.lo = std::min(f.critic.lo, f.exact.lo);
  g.hi = std::max(f.critic.hi, f.exact.hi);
  return g;
}

void criticText(std::vector<OverlayVertex>& out, const TransportLab& lab, int w, int h,
                const CriticOverlay* o) {
  const CriticDemo& d = lab.demo();
  const CriticSettings& s = lab.settings().critic;
  std::vector<std::string> caption;
  std::string method = lipschitzName(s.spec.method);
  if (s.spec.method == LipschitzMethod::Penalty)
    method += " (λ " + formatValue("%.3g", s.spec.lambda) + ")";
  if (s.spec.method == LipschitzMethod::Clip)
    method += " (c " + formatValue("%.3g", s.spec.clip) + ")";
  caption.push_back("Kantorovich–Rubinstein critic, " + method +
                    ": W1 = sup over 1-Lipschitz f of " + "E_a f − E_b f");
  if (const DualCritic* c = d.critic()) {
    const double exact = d.exact().cost, est = c->estimate();
    caption.push_back("step " + std::to_string(c->steps()) + "/" + std::to_string(s.steps) +
                      "   estimate " + formatValue("%.5g", est) + "   exact W1 " +
                      formatValue("%.5g", exact) + " (" +
                      formatValue("%+.1f", 100.0 * (est - exact) / exact) + "%)   max |∇f| " +
                      formatValue("%.3g", c->maxGradientNorm()) + "   estimate / max |∇f| " +
                      formatValue("%.5g", c->normalisedEstimate()));
  }
  transportLines(out, kCaptionX, 10.0f, caption, float(w), false);
  std::vector<std::string> legend = {
      "left of the line: the critic f (shifted by " + formatValue("%.3g", o ? o->shift : 0.0) +
          "); right: the exact potential φ(x) = min_j |x − y_j| − v_j",
      "white: " + std::to_string(kCriticLevels) +
          " level lines, one spacing on both sides; red dots: |∇f| > 1 (not 1-Lipschitz there)",
      "orange: source a, teal: target b; euclidean cost"};
  transportLines(out, kCaptionX, float(h) - 40.0f, legend, float(w) - kColorBarWidth - 24.0f, true);
}

void ganText(std::vector<OverlayVertex>& out, const TransportLab& lab, int w, int h) {
  const CriticDemo& d = lab.demo();
  const GanSettings& s = lab.settings().gan;
  const Gan* g = d.gan();
  std::vector<std::string> caption;
  std::string loss =
      s.spec.loss == GanLoss::Wasserstein
          ? "WGAN, critic " + lipschitzName(s.spec.critic.method)
          : "original GAN (non-saturating), critic " + lipschitzName(s.spec.critic.method);
  caption.push_back("2-D GAN: " + loss + ", " + std::to_string(s.spec.criticSteps) +
                    " D : " + std::to_string(s.spec.generatorSteps) + " G steps an iteration");
  if (g) {
    std::string line =
        "iteration " + std::to_string(g->iterations()) + "/" + std::to_string(s.iterations);
    if (!g->history().empty()) {
      const auto& r = g->history().back();
      line += "   D loss " + formatValue("%.4g", r.criticLoss) + "   G loss " +
              formatValue("%.4g", r.generatorLoss) + "   W1(generated, data) " +
              formatValue("%.3g", r.w1);
    }
    if (!g->modes().centres.empty())
      line += "   modes covered " + std::to_string(g->modesCovered()) + "/" +
              std::to_string(g->modes().centres.size());
    caption.push_back(line);
  }
  transportLines(out, kCaptionX, 10.0f, caption, float(w), false);
  std::vector<std::string> legend = {
      "teal: data (the target cloud); orange: generated G(z), z ~ N(0, I), 512 fixed draws",
      "white arrows: each sample's push −dL_G/dx (" +
          std::string(s.spec.loss == GanLoss::Wasserstein ? "∇f" : "σ(−f) ∇f") +
          "); heatmap: the critic f, white level lines, red dots |∇f| > 1"};
  if (g && !g->modes().centres.empty())
    legend.push_back("circles: the mixture's modes; covered: ≥ 1/(4K) of the samples within");
  transportLines(out, kCaptionX, float(h) - 40.0f, legend, float(w) - kColorBarWidth - 24.0f, true);
}

}  // namespace

CriticOverlay criticOverlay(const TransportLab& lab, const View2D& view, int width, int height,
                            int cell) {
  CriticOverlay o;
  const bool split = lab.settings().mode == TransportMode::Critic;
  const CriticField f = lab.criticField(view, width, height, cell);
  if (f.critic.values.empty()) return o;
  uint32_t seam = 0;
  o.grid = composite(f, split, seam);
  o.split = seam < o.grid.nx;
  o.shift = f.shift;
  const auto world = [&](glm::vec2 g) {
    return view.pixelToWorld({double(g.x) * cell, double(g.y) * cell}, width, height);
  };
  o.seamX = world({float(seam), 0.0f}).x;
  const float step = (o.grid.hi - o.grid.lo) / float(kCriticLevels + 1);
  for (int k = 1; k <= kCriticLevels; ++k) {
    const float level = o.grid.lo + step * float(k);
    for (const auto& [a, b] : levelLines(o.grid, level, 0, seam))
      o.lines.push_back({world(a), world(b)});
    if (o.split)
      for (const auto& [a, b] : levelLines(o.grid, level, seam, o.grid.nx - 1))
        o.lines.push_back({world(a), world(b)});
  }
  for (uint32_t r = 0; r + 1 < o.grid.ny; ++r)
    for (uint32_t c = 0; c + 1 < seam; ++c)
      if (f.gradientNorm[r * o.grid.nx + c] > 1.0f)
        o.steep.push_back({world({float(c), float(r)}), world({float(c + 1), float(r + 1)})});
  return o;
}

void learnedVertices(std::vector<OverlayVertex>& out, const TransportLab& lab, int w, int h,
                     const CriticOverlay* o) {
  const View2D& view = lab.camera();
  const auto px = [&](glm::dvec2 p) { return glm::vec2(view.worldToPixel(p, w, h)); };
  const bool gan = lab.settings().mode == TransportMode::Gan;
  if (o) {
    for (const auto& c : o->steep) disc(out, 0.5f * (px(c[0]) + px(c[1])), 1.5f, kSteepColor);
    for (const auto& l : o->lines) segment(out, px(l[0]), px(l[1]), 1.0f, kLevelColor);
    if (o->split) {
      const float x = px({o->seamX, 0.0}).x;
      segment(out, {x, 0.0f}, {x, float(h)}, 2.0f, theme().text);
    }
  }
  const CriticDemo& d = lab.demo();
  for (const auto& p : lab.target().points) disc(out, px(p), 2.5f, kTargetColor);
  if (!gan) {
    for (const auto& p : lab.source().points) disc(out, px(p), 2.5f, kSourceColor);
    criticText(out, lab, w, h, o);
  } else if (const Gan* g = d.gan()) {
    for (const auto& c : g->modes().centres) {
      const float r = float(glm::length(px(c + glm::dvec2(g->modes().radius, 0.0)) - px(c)));
      for (int k = 0; k < 48; ++k) {
        const double a0 = 2.0 * M_PI * k / 48, a1 = 2.0 * M_PI * (k + 1) / 48;
        segment(out, px(c) + r * glm::vec2(std::cos(a0), std::sin(a0)),
                px(c) + r * glm::vec2(std::cos(a1), std::sin(a1)), 1.0f, kModeColor);
      }
    }
    // Arrows scaled so that the longest is 40 px.
    double longest = 1e-12;
    for (const auto& v : g->pushes()) longest = std::max(longest, glm::length(v));
    const double pxPerUnit = glm::length(px({1.0, 0.0}) - px({0.0, 0.0}));
    const double scale = 40.0 / std::max(pxPerUnit, 1e-12) / longest;
    for (size_t i = 0; i < g->samples().size(); ++i) {
      const glm::dvec2 x = g->samples()[i];
      segment(out, px(x), px(x + scale * g->pushes()[i]), 1.0f, kPushColor);
    }
    for (const auto& p : g->samples()) disc(out, px(p), 2.5f, kSourceColor);
    ganText(out, lab, w, h);
  }
  if (o && !o->grid.values.empty())
    colorBar(out, {float(w) - 12.0f - kColorBarWidth, float(h) - 40.0f - kColorBarHeight},
             kColorBarWidth,
             {"viridis", gan ? "heatmap: critic f" : "heatmap: f + shift | φ, cost units",
              formatValue("%.3g", o->grid.lo), formatValue("%.3g", o->grid.hi), ""});
}

}  // namespace flowscope
