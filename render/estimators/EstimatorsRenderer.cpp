#include "EstimatorsRenderer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "OverlayChart.h"
#include "OverlayFont.h"
#include "Theme.h"

namespace flowscope {
namespace {

constexpr uint32_t kMaxVertices = 1 << 18;
constexpr int kBins = 40;
constexpr float kMargin = 16.0f, kGap = 12.0f;

glm::vec4 colorOf(EstimatorKind k) {
  switch (k) {
    case EstimatorKind::Pathwise:
      return {0.35f, 0.85f, 0.95f, 1.0f};
    case EstimatorKind::Reinforce:
      return {0.98f, 0.55f, 0.25f, 1.0f};
    case EstimatorKind::ReinforceBaseline:
      return {0.95f, 0.85f, 0.3f, 1.0f};
    case EstimatorKind::ReinforceLoo:
      return {0.45f, 0.95f, 0.55f, 1.0f};
    case EstimatorKind::GumbelSoftmax:
      return {0.95f, 0.45f, 0.7f, 1.0f};
    case EstimatorKind::StraightThrough:
      return {0.7f, 0.6f, 1.0f, 1.0f};
  }
  return {1, 1, 1, 1};
}

struct Cell {
  glm::vec2 lo, hi;
};

// Panel k (0..5) below the caption: a 3 x 2 grid in a wide frame, 2 x 3 in a narrower one.
Cell cellAt(int k, float w, float h, float top) {
  const int cols = w / std::max(h - top, 1.0f) > 1.6f ? 3 : 2, rows = 6 / cols;
  const int col = k % cols, row = k / cols;
  const float cw = (w - 2 * kMargin - float(cols - 1) * kGap) / float(cols),
              ch = (h - top - kMargin - float(rows - 1) * kGap) / float(rows);
  const glm::vec2 lo{kMargin + float(col) * (cw + kGap), top + float(row) * (ch + kGap)};
  return {lo, lo + glm::vec2(cw, ch)};
}

// The estimates' shared range: the 1st to 99th percentile of all of them, and the exact value.
std::pair<double, double> histogramRange(const EstimatorsLab& lab, double exact) {
  std::vector<double> all;
  for (const auto& r : lab.rows()) all.insert(all.end(), r.estimates.begin(), r.estimates.end());
  if (all.empty()) return {exact - 1.0, exact + 1.0};
  std::sort(all.begin(), all.end());
  double lo = std::min(all[all.size() / 100], exact),
         hi = std::max(all[all.size() * 99 / 100], exact);
  if (!(hi > lo)) lo -= 0.5, hi += 0.5;
  const double pad = 0.05 * (hi - lo);
  return {lo - pad, hi + pad};
}

void histograms(std::vector<OverlayVertex>& out, const EstimatorsLab& lab, Cell c) {
  quad(out, c.lo, c.hi, theme().box);
  const int k = lab.settings().component;
  const double exact = lab.exact().empty() ? 0.0 : lab.exact()[size_t(k)];
  textBlock(
      out, {c.lo.x + 6, c.lo.y + 4},
      {"dL/dθ_" + std::to_string(k) + " estimates (means of " +
       std::to_string(lab.settings().samples) + "); white: exact " + formatValue("%.4g", exact)},
      theme().text);
  const auto [lo, hi] = histogramRange(lab, exact);
  const size_t n = std::max<size_t>(1, lab.rows().size());
  const float top = c.lo.y + OverlayFont::kLineHeight + 10.0f, bottom = c.hi.y - 20.0f;
  const float strip = (bottom - top) / float(n);
  const auto X = [&](double v) {
    return c.lo.x + 8.0f + float((v - lo) / (hi - lo)) * (c.hi.x - c.lo.x - 16.0f);
  };
  for (size_t i = 0; i < lab.rows().size(); ++i) {
    const EstimatorRow& r = lab.rows()[i];
    std::vector<int> counts(kBins, 0);
    for (double v : r.estimates) {
      const int b = int(std::floor((v - lo) / (hi - lo) * kBins));
      if (b >= 0 && b < kBins) ++counts[size_t(b)];
    }
    const int most = std::max(1, *std::max_element(counts.begin(), counts.end()));
    const float base = top + strip * float(i + 1) - 2.0f,
                height = strip - OverlayFont::kLineHeight - 4.0f;
    for (int b = 0; b < kBins; ++b) {
      const float x0 = X(lo + (hi - lo) * b / kBins), x1 = X(lo + (hi - lo) * (b + 1) / kBins);
      const float y = base - height * float(counts[size_t(b)]) / float(most);
      if (counts[size_t(b)] > 0)
        quad(out, {x0, y}, {x1 - 1.0f, base}, colorOf(r.kind) * glm::vec4(1, 1, 1, 0.8f));
    }
    const double mean = r.stats.mean[size_t(k)], var = r.stats.variance[size_t(k)];
    segment(out, {X(mean), base - height}, {X(mean), base}, 1.5f, colorOf(r.kind));
    segment(out, {X(exact), base - height - 2.0f}, {X(exact), base}, 1.5f, theme().text);
    textBlock(out, {c.lo.x + 8.0f, base - height - OverlayFont::kLineHeight},
              {estimatorKindName(r.kind) + "  mean " + formatValue("%.4g", mean) + "  var " +
               formatValue("%.3g", var)},
              colorOf(r.kind));
  }
  textBlock(out, {c.lo.x + 6, c.hi.y - OverlayFont::kLineHeight - 2},
            {"range " + formatValue("%.3g", lo) + ".." + formatValue("%.3g", hi) +
             " (1st..99th percentile)"},
            ink(0.7f));
}

std::vector<double> sweepSamples() {
  std::vector<double> x;
  for (int m : EstimatorsLab::kSweepSamples) x.push_back(m);
  return x;
}

void samplesCharts(std::vector<OverlayVertex>& out, const EstimatorsLab& lab, Cell var, Cell bias) {
  std::vector<ChartLine> v, b;
  for (const auto& r : lab.rows()) {
    v.push_back({estimatorKindName(r.kind), sweepSamples(), r.varianceBySamples, colorOf(r.kind)});
    b.push_back({estimatorKindName(r.kind), sweepSamples(), r.biasBySamples, colorOf(r.kind)});
  }
  lineChart(out, {var.lo, var.hi, "variance against samples M", "M", true, true}, v);
  lineChart(out,
            {bias.lo, bias.hi,
             "|bias| against M (" + std::to_string(EstimatorsLab::kSweepRepeats) + " estimates)",
             "M", true, true},
            b);
}

void tauOrDensity(std::vector<OverlayVertex>& out, const EstimatorsLab& lab, Cell c) {
  if (const auto& t = lab.tauSweep()) {
    lineChart(out, {c.lo, c.hi, "gumbel-softmax against τ", "τ", true, true},
              {{"|bias|", EstimatorsLab::kSweepTaus, t->bias, {0.95f, 0.45f, 0.7f, 1.0f}},
               {"variance", EstimatorsLab::kSweepTaus, t->variance, {0.35f, 0.85f, 0.95f, 1.0f}}});
    return;
  }
  const auto& p = lab.problem();
  if (p.dist == EstimatorDist::Categorical) return;
  // 1-D: f and the density over mu +- 4 sigma; 2-D: both along the line y = mu2.
  const bool plane = p.dist == EstimatorDist::Gaussian2d;
  const double mu = p.theta[0], s = p.theta.back();
  std::vector<double> z, density, f;
  for (int i = 0; i <= 200; ++i) {
    const double x = mu - 4.0 * s + 8.0 * s * i / 200.0;
    z.push_back(x);
    density.push_back(std::exp(-0.5 * std::pow((x - mu) / s, 2)));
    if (plane)
      f.push_back(p.expression ? p.expression->evaluate(x, p.theta[1]).f
                               : gaussian2FValue(p.f2, x, p.theta[1]));
    else
      f.push_back(p.expression ? p.expression->evaluate(x).f : gaussianFValue(p.f, x));
  }
  // The density scaled onto f's range, so that both read on one axis.
  const auto [flo, fhi] = std::minmax_element(f.begin(), f.end());
  const double span = std::max(*fhi - *flo, 1e-9);
  for (double& d : density) d = *flo + span * d;
  lineChart(
      out,
      {c.lo, c.hi,
       plane ? "f(x, μ2) and p_θ along y = μ2 (scaled)" : "f(z) and p_θ(z) (scaled to f's range)",
       plane ? "x" : "z", false, false},
      {{"density", z, density, {0.35f, 0.85f, 0.95f, 1.0f}},
       {plane ? "f(x, μ2)" : "f(z)", z, f, {0.98f, 0.55f, 0.25f, 1.0f}}});
}

void simplexOrPaths(std::vector<OverlayVertex>& out, const EstimatorsLab& lab, Cell c) {
  const auto& p = lab.problem();
  if (p.dist != EstimatorDist::Categorical) {  // the paths in (mu, sigma) or (mu1, mu2)
    std::vector<ChartLine> lines;
    for (const auto& path : lab.descent()) {
      ChartLine l{estimatorKindName(path.kind), {}, {}, colorOf(path.kind)};
      for (const auto& th : path.theta) l.x.push_back(th[0]), l.y.push_back(th[1]);
      lines.push_back(l);
    }
    const bool plane = p.dist == EstimatorDist::Gaussian2d;
    lineChart(out,
              {c.lo, c.hi, plane ? "descent paths in (μ1, μ2)" : "descent paths in (μ, σ)",
               plane ? "μ1" : "μ", false, false},
              lines);
    return;
  }
  quad(out, c.lo, c.hi, theme().box);
  if (lab.simplex().empty()) {  // K != 3: Gumbel-max frequencies against softmax
    textBlock(out, {c.lo.x + 6, c.lo.y + 4},
              {"Gumbel-max argmax_k (θ_k + g_k): frequencies (bars) against softmax(θ) (white)"},
              theme().text);
    const size_t K = lab.probabilities().size();
    const float w = (c.hi.x - c.lo.x - 16.0f) / float(K), base = c.hi.y - 24.0f;
    const float height = c.hi.y - c.lo.y - 60.0f;
    for (size_t k = 0; k < K; ++k) {
      const float x = c.lo.x + 8.0f + w * float(k);
      quad(out, {x + 4, base - height * float(lab.gumbelFrequencies()[k])}, {x + w - 4, base},
           {0.95f, 0.45f, 0.7f, 0.85f});
      const float y = base - height * float(lab.probabilities()[k]);
      segment(out, {x + 2, y}, {x + w - 2, y}, 2.0f, theme().text);
      textBlock(out, {x + 4, base + 2}, {std::to_string(k)}, theme().text);
    }
    return;
  }
  textBlock(out, {c.lo.x + 6, c.lo.y + 4}, {"relaxed softmax((θ + g)/τ) on the simplex"},
            theme().text);
  const float side = std::min(c.hi.x - c.lo.x - 40.0f, (c.hi.y - c.lo.y - 70.0f) / 0.866f);
  const glm::vec2 centre{(c.lo.x + c.hi.x) / 2.0f, c.lo.y + 40.0f};
  const glm::vec2 v0{centre.x, centre.y}, v1{centre.x - side / 2, centre.y + 0.866f * side},
      v2{centre.x + side / 2, centre.y + 0.866f * side};
  segment(out, v0, v1, 1.0f, ink(0.6f));
  segment(out, v1, v2, 1.0f, ink(0.6f));
  segment(out, v2, v0, 1.0f, ink(0.6f));
  textBlock(out, {v0.x + 6, v0.y - 2}, {"0"}, theme().text);
  textBlock(out, {v1.x - 14, v1.y - 4}, {"1"}, theme().text);
  textBlock(out, {v2.x + 4, v2.y - 4}, {"2"}, theme().text);
  const glm::vec4 colors[] = {
      {0.35f, 0.85f, 0.95f, 0.8f}, {0.95f, 0.85f, 0.3f, 0.8f}, {0.95f, 0.45f, 0.7f, 0.8f}};
  std::string legend;
  for (size_t t = 0; t < lab.simplex().size(); ++t) {
    for (const auto& y : lab.simplex()[t])
      disc(out, float(y[0]) * v0 + float(y[1]) * v1 + float(y[2]) * v2, 2.0f, colors[t % 3]);
    textBlock(out, {c.lo.x + 8, c.hi.y - OverlayFont::kLineHeight * float(3 - t) - 4},
              {"τ = " + formatValue("%.2g", EstimatorsLab::kSimplexTaus[t])}, colors[t % 3]);
  }
}

void descentChart(std::vector<OverlayVertex>& out, const EstimatorsLab& lab, Cell c) {
  std::vector<ChartLine> lines;
  for (const auto& path : lab.descent()) {
    ChartLine l{
        estimatorKindName(path.kind) +
            (path.divergedAt >= 0 ? " (diverged at step " + std::to_string(path.divergedAt) + ")"
                                  : ""),
        {},
        path.loss,
        colorOf(path.kind)};
    for (size_t t = 0; t < path.loss.size(); ++t) l.x.push_back(double(t));
    lines.push_back(l);
  }
  lineChart(out,
            {c.lo, c.hi,
             "descent: exact L(θ_t), step " + std::to_string(lab.descentSteps()) + "/" +
                 std::to_string(lab.settings().steps),
             "step", false, false},
            lines);
}

}  // namespace

std::vector<OverlayVertex> EstimatorsRenderer::buildVertices(const EstimatorsLab& lab,
                                                             uint32_t width, uint32_t height) {
  std::vector<OverlayVertex> out;
  out.reserve(1 << 15);
  const float w = float(width), h = float(height);
  const EstimatorsSettings& s = lab.settings();
  const auto& p = lab.problem();
  std::string what;
  if (p.dist == EstimatorDist::Gaussian)
    what = "z ~ N(μ = " + formatValue("%.3g", p.theta[0]) +
           ", σ = " + formatValue("%.3g", p.theta[1]) + "²), f(z) = " + s.f;
  else if (p.dist == EstimatorDist::Gaussian2d)
    what = "z ~ N((" + formatValue("%.3g", p.theta[0]) + ", " + formatValue("%.3g", p.theta[1]) +
           "), " + formatValue("%.3g", p.theta[2]) + "² I), f(x, y) = " + s.f2;
  else
    what = "z ~ softmax(θ) over " + std::to_string(p.theta.size()) + " classes, f a table";
  std::vector<std::string> caption = {
      "L(θ) = E_{z ~ p_θ}[f(z)] = " + formatValue("%.5g", lab.objectiveValue()) + ";  " + what,
      std::to_string(s.repeats) + " estimates of " + std::to_string(s.samples) +
          " samples each, τ " + formatValue("%.3g", s.tau) + ", seed " + std::to_string(s.seed) +
          "; " + lab.backendName()};
  for (const auto& skipped : lab.skipped()) caption.back() += ";  not shown: " + skipped;
  caption.back() +=
      ";  SGD lr " + formatValue("%.3g", s.learningRate) + " (Space runs the descent)";
  const std::vector<std::string> wrapped = wrapLines(caption, w - 2 * kMargin);
  textBlock(out, {kMargin, 8.0f}, wrapped, theme().text);
  const float top = 16.0f + OverlayFont::kLineHeight * float(wrapped.size());
  if (w < 300.0f || h < 240.0f) return out;
  histograms(out, lab, cellAt(0, w, h, top));
  samplesCharts(out, lab, cellAt(1, w, h, top), cellAt(2, w, h, top));
  tauOrDensity(out, lab, cellAt(3, w, h, top));
  simplexOrPaths(out, lab, cellAt(4, w, h, top));
  descentChart(out, lab, cellAt(5, w, h, top));
  return out;
}

EstimatorsRenderer::EstimatorsRenderer(const GpuContext& ctx, VkRenderPass pass, uint32_t slots)
    : overlay_(ctx, pass, slots, kMaxVertices) {}

void EstimatorsRenderer::draw(VkCommandBuffer cmd, const EstimatorsLab& lab, const LabFrame& f) {
  setViewportAndScissor(cmd, f.x, f.width, f.height, f.y);
  const OverlaySize o = overlaySize(f.width, f.height, f.uiScale);
  overlay_.drawVertices(cmd, f.slot, buildVertices(lab, o.width, o.height), o.width, o.height);
}

std::unique_ptr<LabRenderer> makeEstimatorsRenderer(Lab& lab, const GpuContext& ctx,
                                                    VkRenderPass pass, uint32_t slots) {
  return std::make_unique<DrawnLabRenderer<EstimatorsRenderer, EstimatorsLab>>(
      ctx, pass, slots, dynamic_cast<const EstimatorsLab&>(lab));
}

}  // namespace flowscope
