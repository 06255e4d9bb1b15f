#include "TrainingRenderer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "DiffusionParams.h"
#include "OverlayFont.h"

namespace flowscope {
namespace {

constexpr uint32_t kMaxVertices = 1 << 19;
constexpr glm::vec4 kSampleColor{1.0f, 0.58f, 0.22f, 0.9f};
constexpr glm::vec4 kLearnedColor{0.3f, 0.85f, 0.97f, 0.95f};
constexpr glm::vec4 kDataColor{0.78f, 0.8f, 0.85f, 0.7f};
constexpr float kCaptionX = 16.0f;
constexpr float kBarWidth = 240.0f;
constexpr size_t kMaxDrawnData =
    1000;  // a sample of the training set: discs cost lavapipe ~5 us each

// An arrow from `a` to `b` (pixels): a shaft and two barbs.
void arrow(std::vector<OverlayVertex>& out, glm::vec2 a, glm::vec2 b, glm::vec4 color) {
  const glm::vec2 d = b - a;
  const float len = glm::length(d);
  if (len < 0.5f) return;
  segment(out, a, b, 1.6f, color);
  const glm::vec2 u = d / len, n(-u.y, u.x);
  const float head = std::min(6.0f, 0.4f * len);
  segment(out, b, b - head * u + 0.5f * head * n, 1.6f, color);
  segment(out, b, b - head * u - 0.5f * head * n, 1.6f, color);
}

// Arrows scaled together: the longest of both fields is 0.9 of the arrow grid's spacing.
void arrows(std::vector<OverlayVertex>& out, const Evaluation& e, const TrainingSettings& s,
            const View2D& view, int w, int h) {
  float longest = 1e-12f;
  for (const auto* set : {&e.learnedArrows, &e.exactArrows})
    for (const glm::vec4& a : *set) longest = std::max(longest, glm::length(glm::vec2(a.z, a.w)));
  const float scale = 0.9f * float(Evaluation::kArrowPixels) / longest;
  auto draw = [&](const std::vector<glm::vec4>& set, glm::vec4 color) {
    for (const glm::vec4& a : set) {
      const glm::vec2 p(view.worldToPixel({a.x, a.y}, w, h));
      arrow(out, p, p + scale * glm::vec2(a.z, -a.w), color);
    }
  };
  if (s.showExact) draw(e.exactArrows, ink(0.55f));
  if (s.showLearned) draw(e.learnedArrows, kLearnedColor);
}

std::string levelText(const TrainingSettings& s) {
  return s.training.objective.kind == ObjectiveKind::Flow ? "t = " + formatValue("%.3g", s.level)
                                                          : "σ = " + formatValue("%.3g", s.level);
}

std::vector<std::string> caption(const TrainingLab& lab) {
  const TrainingSettings& s = lab.settings();
  const TrainingSpec& t = s.training;
  std::vector<std::string> c;
  c.push_back(objectiveName(t.objective.kind) + " on " + s.data.label() + " (N " +
              std::to_string(lab.trainingSet().size()) + "), " + std::to_string(t.network.depth) +
              " × " + std::to_string(t.network.width) + " " + activationName(t.network.activation) +
              (t.coupling != MinibatchCoupling::Independent
                   ? ", " + minibatchCouplingName(t.coupling) + " minibatch coupling"
                   : ""));
  std::string line = "step " + std::to_string(lab.steps()) + "/" +
                     std::to_string(t.adam.totalSteps) + "  loss " +
                     formatValue("%.4g", lab.lossCurve().empty() ? 0.0 : lab.lossCurve().back());
  if (!lab.heldOutCurve().empty())
    line += "  held-out " + formatValue("%.4g", lab.heldOutCurve().back().second);
  if (lab.irreducibleLoss()) line += "  floor " + formatValue("%.4g", *lab.irreducibleLoss());
  c.push_back(line);
  if (const Evaluation* e = lab.evaluation()) {
    std::string q = "samples (step " + std::to_string(e->step) + ", " + samplerKindName(s.sampler) +
                    ", " + std::to_string(s.samplerSteps) + " steps): energy distance " +
                    formatValue("%.4f", e->energyDistance) + ", copies " +
                    formatValue("%.0f%%", 100.0 * e->memorised) + " (nearest < 1/3 second nearest)";
    if (!e->oneStep.empty()) q += ", one step " + formatValue("%.3f", e->oneStepEnergyDistance);
    c.push_back(q);
  }
  if (!lab.reflowRounds().empty()) {
    const ReflowRound& r = lab.reflowRounds().back();
    c.push_back("reflow round " + std::to_string(r.round) + ": " + std::to_string(r.crossings) +
                " crossings, straightness " + formatValue("%.3f", r.straightness));
  }
  return c;
}

std::vector<std::string> legend(const TrainingLab& lab) {
  const TrainingSettings& s = lab.settings();
  std::vector<std::string> l;
  const std::string field = fieldName(s.field) + " at " + levelText(s);
  if (s.showLearned) l.push_back("cyan: the network's " + field);
  if (s.showExact)
    l.push_back(std::string("grey arrows: the exact ") +
                (lab.dataset().mixture ? "mixture's" : "ideal denoiser's (training set)") + " " +
                field);
  if (s.showSamples) l.push_back("orange: the network's samples");
  if (s.showData)
    l.push_back("grey dots: the training set" +
                std::string(lab.trainingSet().size() > kMaxDrawnData ? " (1,000 of them)" : ""));
  return l;
}

}  // namespace

std::vector<OverlayVertex> TrainingRenderer::buildVertices(const TrainingLab& lab, uint32_t width,
                                                           uint32_t height) {
  std::vector<OverlayVertex> out;
  out.reserve(1 << 16);
  const int w = int(width), h = int(height);
  const View2D& view = lab.camera();
  gridAndAxes(out, view, w, h);
  const TrainingSettings& s = lab.settings();
  if (s.showData) {
    const auto& d = lab.trainingSet();
    const size_t stride = std::max<size_t>(1, d.size() / kMaxDrawnData);
    for (size_t i = 0; i < d.size(); i += stride)
      disc(out, glm::vec2(view.worldToPixel(d[i], w, h)), 1.8f, kDataColor);
  }
  const Evaluation* e = lab.evaluation();
  if (e && s.showSamples)
    for (const glm::vec2& p : e->samples)
      disc(out, glm::vec2(view.worldToPixel(glm::dvec2(p), w, h)), 2.2f, kSampleColor);
  if (e) arrows(out, *e, s, view, w, h);
  textBlock(out, {kCaptionX, 10.0f}, wrapLines(caption(lab), float(w) - kCaptionX - 12.0f),
            theme().text);
  const bool bar = e && s.showDifference;
  const std::vector<std::string> l =
      wrapLines(legend(lab), float(w) - kCaptionX - (bar ? kBarWidth + 36.0f : 12.0f));
  textBlock(out, {kCaptionX, float(h) - 40.0f - OverlayFont::kLineHeight * float(l.size())}, l,
            theme().text);
  if (bar)
    colorBar(
        out, {float(w) - 12.0f - kBarWidth, float(h) - 40.0f - kColorBarHeight}, kBarWidth,
        {"magma", "heatmap: |learned − exact|", "0", formatValue("%.3g", e->difference.hi), ""});
  return out;
}

TrainingRenderer::TrainingRenderer(const GpuContext& ctx, VkRenderPass pass, uint32_t slots)
    : overlay_(ctx, pass, slots, kMaxVertices), heatmap_(ctx, pass, slots, "magma") {}

void TrainingRenderer::draw(VkCommandBuffer cmd, const TrainingLab& lab, const LabFrame& f) {
  setViewportAndScissor(cmd, f.x, f.width, f.height, f.y);
  const Evaluation* e = lab.evaluation();
  // The difference grid's nodes were spaced for the view it was evaluated for: scaled to this one.
  if (e && lab.settings().showDifference)
    heatmap_.draw(
        cmd, f.slot, e->difference, e->serial,
        float(Evaluation::kCellPixels) * float(f.height) / float(std::max(1u, e->viewHeight)),
        f.width, f.height);
  const OverlaySize o = overlaySize(f.width, f.height, f.uiScale);
  overlay_.drawVertices(cmd, f.slot, buildVertices(lab, o.width, o.height), o.width, o.height);
}

std::unique_ptr<LabRenderer> makeTrainingRenderer(Lab& lab, const GpuContext& ctx,
                                                  VkRenderPass pass, uint32_t slots) {
  return std::make_unique<DrawnLabRenderer<TrainingRenderer, TrainingLab>>(
      ctx, pass, slots, dynamic_cast<const TrainingLab&>(lab));
}

}  // namespace flowscope
