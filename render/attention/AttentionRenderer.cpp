#include "AttentionRenderer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace flowscope {
namespace {

constexpr glm::vec4 kToken{0.98f, 0.72f, 0.30f, 1.0f};     // keys / tokens: amber
constexpr glm::vec4 kQuery{0.35f, 0.85f, 0.95f, 1.0f};     // the selected query: cyan
constexpr glm::vec4 kHoverKey{0.95f, 0.35f, 0.55f, 1.0f};  // the hovered column's key
constexpr glm::vec4 kOutput{0.45f, 1.0f, 0.55f, 1.0f};

void arrow(std::vector<OverlayVertex>& out, glm::vec2 a, glm::vec2 b, float width,
           glm::vec4 color) {
  segment(out, a, b, width, color);
  const glm::vec2 d = b - a;
  const float len = std::sqrt(glm::dot(d, d));
  if (len < 1e-3f) return;
  const glm::vec2 u = d / len, n{-u.y, u.x};
  const float head = std::min(8.0f, 0.4f * len);
  segment(out, b, b - head * u + 0.5f * head * n, width, color);
  segment(out, b, b - head * u - 0.5f * head * n, width, color);
}

// The score scale as written on the slide: 1/√d for "sqrt" (d per head).
std::string scaleShown(const AttentionOptions& o) {
  return o.scale == ScaleMode::Sqrt ? "1/√d" : scaleText(o);
}

std::string settingsCaption(const AttentionLab& lab) {
  const AttentionOptions& o = lab.settings().options;
  char buf[256];
  std::snprintf(
      buf, sizeof(buf), "%s attention, scale %s%s, %d head%s%s, n = %zu, d = %zu, on the %s",
      attentionKindName(o.kind).c_str(), scaleShown(o).c_str(), o.causal ? ", causal" : "", o.heads,
      o.heads == 1 ? "" : "s", o.rope ? ", RoPE" : "", lab.tokenCount(), lab.queries().cols,
      lab.onGpu() ? "GPU" : "CPU");
  return buf;
}

}  // namespace

AttentionRenderer::AttentionRenderer(const GpuContext& ctx, VkRenderPass pass, uint32_t slots)
    : overlay_(ctx, pass, slots) {}

void AttentionRenderer::draw(VkCommandBuffer cmd, const AttentionLab& lab, const LabFrame& f) {
  const uint32_t width = f.width, height = f.height, slot = f.slot;
  const float uiScale = f.uiScale;
  const OverlaySize o = overlaySize(width, height, uiScale);
  overlay_.drawVertices(cmd, slot, buildVertices(lab, o.width, o.height), o.width, o.height);
}

std::vector<OverlayVertex> AttentionRenderer::buildVertices(const AttentionLab& lab, uint32_t width,
                                                            uint32_t height) {
  std::vector<OverlayVertex> out;
  const View2D& view = lab.camera();
  const int w = int(width), h = int(height);
  auto px = [&](glm::dvec2 p) { return glm::vec2(view.worldToPixel(p, w, h)); };
  gridAndAxes(out, view, w, h);
  const AttentionSettings& s = lab.settings();
  const size_t n = lab.tokenCount();

  if (s.diffusionLink) {
    const DenoiserAttention& d = lab.denoiser();
    const double ppu = view.pixelsPerUnit(h);
    const glm::vec2 x = px(s.noisy);
    // The sigma circle.
    for (int k = 0; k < 64; ++k) {
      const double a0 = 2 * M_PI * k / 64, a1 = 2 * M_PI * (k + 1) / 64;
      segment(out, x + float(s.sigma * ppu) * glm::vec2(std::cos(a0), std::sin(a0)),
              x + float(s.sigma * ppu) * glm::vec2(std::cos(a1), std::sin(a1)), 1.5f, ink(0.35f));
    }
    const double wMax =
        d.weights.empty() ? 1.0 : *std::max_element(d.weights.begin(), d.weights.end());
    for (size_t j = 0; j < n && j < d.weights.size(); ++j) {
      const float a = float(d.weights[j] / wMax);
      if (a > 0.01f)
        segment(out, x, px(lab.tokenPoint(j)), 0.5f + 5.0f * a,
                glm::vec4(kQuery.r, kQuery.g, kQuery.b, 0.15f + 0.6f * a));
      disc(out, px(lab.tokenPoint(j)), 3.0f + 6.0f * a,
           glm::mix(glm::vec4(0.5f, 0.5f, 0.55f, 1.0f), kToken, a));
    }
    arrow(out, x, px({d.outX, d.outY}), 2.5f, kOutput);
    disc(out, x, 7.0f, kQuery);
    disc(out, px({d.outX, d.outY}), 5.0f, kOutput);
    char buf[256];
    std::snprintf(buf, sizeof(buf),
                  "Diffusion link: keys = values = data, query = noisy x, scores −|x − y|² · T, "
                  "T = 1/(2σ²) = %.4g (σ %.3g)",
                  1.0 / (2 * s.sigma * s.sigma), s.sigma);
    const std::string link = buf;
    const glm::dvec2 e = lab.empiricalDenoised();
    std::snprintf(buf, sizeof(buf),
                  "attention output (%.5f, %.5f); the Diffusion lab's ideal denoiser D(x; σ) "
                  "(%.5f, %.5f); |difference| %.1e; entropy %.3f of log n = %.3f",
                  d.outX, d.outY, e.x, e.y, std::hypot(d.outX - e.x, d.outY - e.y), d.entropy,
                  std::log(double(std::max<size_t>(n, 1))));
    textBlock(out, {16, 16},
              wrapLines({link, buf, "Drag the cyan query; the σ slider moves the temperature."},
                        float(width) - 32.0f),
              theme().text);
    return out;
  }

  // The field: each arrow points from a query position toward its output, its length scaled so
  // the longest fits one grid cell (the caption says so).
  double longest = 0.0;
  for (const auto& a : lab.field()) longest = std::max(longest, glm::length(a.to - a.from));
  if (!lab.field().empty() && longest > 0.0) {
    const glm::vec2 c0 = px(lab.field()[0].from), c1 = px(lab.field()[1].from);
    const float cell = 0.9f * std::abs(c1.x - c0.x);
    for (const auto& a : lab.field()) {
      const glm::dvec2 d = a.to - a.from;
      const float len = float(glm::length(d) / longest);
      const glm::vec2 from = px(a.from),
                      dir = glm::vec2(d.x, -d.y) / float(glm::length(d) + 1e-300);
      arrow(out, from, from + cell * len * dir, 1.2f, inkSoft(0.25f + 0.5f * len));
    }
  }

  const Matrix& wts = lab.weights();
  const int heads = s.options.heads;
  const int shownQuery =
      lab.hoverRow() >= 0 && size_t(lab.hoverRow()) < n ? lab.hoverRow() : lab.selected();
  if (n && wts.rows == n * size_t(heads)) {
    const glm::vec2 q = px(lab.tokenPoint(size_t(shownQuery)));
    if (s.showLines) {
      for (size_t j = 0; j < wts.cols; ++j) {
        double a = 0.0;
        for (int hd = 0; hd < heads; ++hd) a += wts(size_t(hd) * n + size_t(shownQuery), j);
        a /= heads;
        if (a < 1e-3) continue;
        segment(out, q, px(lab.tokenPoint(j)), float(0.5 + 10.0 * a),
                glm::vec4(kQuery.r, kQuery.g, kQuery.b, float(0.25 + 0.6 * std::min(1.0, 3 * a))));
      }
    }
    for (size_t j = 0; j < n; ++j) {
      const bool key = int(j) == lab.hoverColumn();
      disc(out, px(lab.tokenPoint(j)), key ? 8.0f : 5.0f, key ? kHoverKey : kToken);
    }
    disc(out, q, 9.0f, kQuery);
    disc(out, q, 5.0f, kToken);
    const Matrix& o = lab.outputs();
    if (o.cols >= 2) {
      const glm::vec2 y = px({o(size_t(shownQuery), 0), o(size_t(shownQuery), 1)});
      arrow(out, q, y, 2.5f, kOutput);
    }
  } else {
    for (size_t j = 0; j < n; ++j) disc(out, px(lab.tokenPoint(j)), 5.0f, kToken);
  }
  char buf[200];
  std::snprintf(buf, sizeof(buf),
                "query %d (cyan): lines to the keys (amber tokens), width = weight (mean of "
                "heads); green arrow: "
                "its output. Field: a query at position n anywhere, arrow toward its output "
                "(longest = 1 cell)",
                shownQuery);
  textBlock(out, {16, 16}, wrapLines({settingsCaption(lab), buf}, float(width) - 32.0f),
            theme().text);
  return out;
}

std::unique_ptr<LabRenderer> makeAttentionRenderer(Lab& lab, const GpuContext& ctx,
                                                   VkRenderPass pass, uint32_t slots) {
  return std::make_unique<DrawnLabRenderer<AttentionRenderer, AttentionLab>>(
      ctx, pass, slots, dynamic_cast<const AttentionLab&>(lab));
}

}  // namespace flowscope
