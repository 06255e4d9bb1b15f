#include "EstimatorsView.h"

#include <imgui.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "DockLayout.h"
#include "PanelWidgets.h"

namespace flowscope {

namespace {

// f: one of `named` from a combo, or the expression typed into `typed` once its button is pressed.
// True when f changed.
template <size_t N>
bool functionPicker(const char* combo, const char* input, const char* button, std::string& f,
                    const std::vector<std::string>& named, char (&typed)[N]) {
  bool changed = false;
  if (ImGui::BeginCombo(combo, f.c_str())) {
    for (const std::string& name : named)
      if (ImGui::Selectable(name.c_str(), f == name)) f = name, changed = true;
    ImGui::EndCombo();
  }
  ImGui::InputText(input, typed, N);
  ImGui::SameLine();
  if (ImGui::Button(button)) f = typed, changed = true;
  return changed;
}

}  // namespace

std::unique_ptr<LabView> makeEstimatorsView(Lab& lab, EditErrors& edits) {
  return std::make_unique<EstimatorsView>(dynamic_cast<EstimatorsLab&>(lab), edits);
}

std::optional<LabRequest> EstimatorsView::buildPanel(ControlRects& rects) {
  DockLayout::current().begin("Estimators", DockSide::Left, ui(430));
  edits_.show();
  hint(
      "L(θ) = E_{z~p_θ}[f(z)]. Each estimator of ∇L against the exact gradient: pathwise "
      "(reparameterisation z = μ + σε), REINFORCE f(z)∇log p(z) with no baseline, a running "
      "mean or the leave-one-out mean, Gumbel-softmax at temperature τ and its straight-through "
      "version. Space runs the descent, Right steps it, R starts it over.");
  problemSection(rects);
  if (foldable("Estimators", true)) estimatorSection(rects);
  if (foldable("Descent", true)) descentSection(rects);
  ImGui::End();
  return std::nullopt;
}

void EstimatorsView::problemSection(ControlRects& rects) {
  EstimatorsSettings s = lab_.settings();
  bool changed = false;
  int dist = int(s.dist);
  ImGui::RadioButton("Gaussian", &dist, 0);
  remember(rects, "estimators.dist.gaussian");
  ImGui::SameLine();
  ImGui::RadioButton("2-D", &dist, 2);
  remember(rects, "estimators.dist.gaussian2d");
  ImGui::SameLine();
  ImGui::RadioButton("categorical", &dist, 1);
  remember(rects, "estimators.dist.categorical");
  if (dist != int(s.dist)) s.dist = EstimatorDist(dist), s.component = 0, changed = true;
  if (s.dist == EstimatorDist::Gaussian) {
    float mu = float(s.gaussianTheta[0]), sigma = float(s.gaussianTheta[1]);
    if (ImGui::SliderFloat("μ", &mu, -3.0f, 3.0f, "%.3f")) s.gaussianTheta[0] = mu, changed = true;
    remember(rects, "estimators.mu");
    if (ImGui::SliderFloat("σ", &sigma, 0.05f, 3.0f, "%.3f"))
      s.gaussianTheta[1] = sigma, changed = true;
    std::vector<std::string> named;
    for (GaussianF f :
         {GaussianF::Square, GaussianF::Sin, GaussianF::Cos, GaussianF::Step, GaussianF::Abs})
      named.push_back(gaussianFName(f));
    changed |= functionPicker("f", "f(x) =", "use", s.f, named, expression_);
    hint("+ - * / ^, sin cos tan exp log sqrt abs tanh step sigmoid, pi; e.g. x^3 - 2*x");
  } else if (s.dist == EstimatorDist::Gaussian2d) {
    float m1 = float(s.planeTheta[0]), m2 = float(s.planeTheta[1]), sigma = float(s.planeTheta[2]);
    if (ImGui::SliderFloat("μ1", &m1, -3.0f, 3.0f, "%.3f")) s.planeTheta[0] = m1, changed = true;
    if (ImGui::SliderFloat("μ2", &m2, -3.0f, 3.0f, "%.3f")) s.planeTheta[1] = m2, changed = true;
    if (ImGui::SliderFloat("σ (both axes)", &sigma, 0.05f, 3.0f, "%.3f"))
      s.planeTheta[2] = sigma, changed = true;
    std::vector<std::string> named;
    for (Gaussian2F f :
         {Gaussian2F::Bowl, Gaussian2F::Product, Gaussian2F::Wave, Gaussian2F::Quadrant})
      named.push_back(gaussian2FName(f));
    changed |= functionPicker("f(x, y)", "f(x, y) =", "use##2", s.f2, named, plane_);
    hint("an expression in x and y; its exact L and gradient by quadrature (401 x 401 points)");
  } else {
    int k = int(s.logits.size());
    if (ImGui::SliderInt("classes K", &k, 2, 8)) {
      s.logits.resize(size_t(k), 0.0);
      s.table.resize(size_t(k), 0.0);
      s.component = std::min(s.component, k - 1);
      changed = true;
    }
    for (size_t j = 0; j < s.logits.size(); ++j) {
      ImGui::PushID(int(j));
      float l = float(s.logits[j]), f = float(s.table[j]);
      ImGui::SetNextItemWidth(ui(120));
      if (ImGui::SliderFloat("##logit", &l, -4.0f, 4.0f, "θ %.2f")) s.logits[j] = l, changed = true;
      ImGui::SameLine();
      ImGui::SetNextItemWidth(ui(120));
      if (ImGui::SliderFloat("##f", &f, -5.0f, 5.0f, "f %.2f")) s.table[j] = f, changed = true;
      ImGui::SameLine();
      ImGui::Text("class %zu", j);
      ImGui::PopID();
    }
  }
  const int components = int(s.dist == EstimatorDist::Gaussian     ? 2
                             : s.dist == EstimatorDist::Gaussian2d ? 3
                                                                   : s.logits.size());
  changed |= ImGui::SliderInt("component of θ", &s.component, 0, components - 1);
  if (changed) edits_.apply([&] { lab_.setSettings(s); });
  ImGui::Text("L = %.5g, exact dL/dθ_%d = %.5g", lab_.objectiveValue(), lab_.settings().component,
              lab_.exact().empty() ? 0.0 : lab_.exact()[size_t(lab_.settings().component)]);
}

void EstimatorsView::estimatorSection(ControlRects& rects) {
  EstimatorsSettings s = lab_.settings();
  bool changed = false;
  changed |= ImGui::SliderInt("samples M", &s.samples, 1, 256, "%d", ImGuiSliderFlags_Logarithmic);
  remember(rects, "estimators.samples");
  changed |=
      ImGui::SliderInt("estimates", &s.repeats, 100, 20000, "%d", ImGuiSliderFlags_Logarithmic);
  float tau = float(s.tau);
  if (ImGui::SliderFloat("τ", &tau, 0.05f, 5.0f, "%.3g", ImGuiSliderFlags_Logarithmic))
    s.tau = tau, changed = true;
  remember(rects, "estimators.tau");
  int seed = int(s.seed);
  if (ImGui::InputInt("seed", &seed) && seed >= 0) s.seed = uint64_t(seed), changed = true;
  if (changed) edits_.apply([&] { lab_.setSettings(s); });
  ImGui::TextWrapped("estimates: %s", lab_.backendName().c_str());
  const size_t k = size_t(lab_.settings().component);
  for (const EstimatorRow& r : lab_.rows())
    ImGui::TextWrapped("%s: mean %+.4f, var %.3g, bias %+.2g ± %.2g",
                       estimatorKindName(r.kind).c_str(), r.stats.mean[k], r.stats.variance[k],
                       r.stats.bias[k], r.stats.standardError[k]);
  for (const auto& why : lab_.skipped()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("%s", why.c_str());
    ImGui::PopStyleColor();
  }
}

void EstimatorsView::descentSection(ControlRects& rects) {
  if (ImGui::Button(lab_.playing() ? "Pause" : "Run")) lab_.togglePlay();
  remember(rects, "estimators.play");
  ImGui::SameLine();
  if (ImGui::Button("+50")) lab_.descend(50);
  remember(rects, "estimators.plus50");
  ImGui::SameLine();
  if (ImGui::Button("Reset")) lab_.resetDescent();
  ImGui::Text("step %ld / %d", lab_.descentSteps(), lab_.settings().steps);
  EstimatorsSettings s = lab_.settings();
  bool changed = false;
  float lr = float(s.learningRate);
  if (ImGui::SliderFloat("SGD lr", &lr, 1e-3f, 1.0f, "%.3g", ImGuiSliderFlags_Logarithmic))
    s.learningRate = lr, changed = true;
  changed |= ImGui::SliderInt("steps", &s.steps, 10, 5000, "%d", ImGuiSliderFlags_Logarithmic);
  if (changed) edits_.apply([&] { lab_.setSettings(s); });
  hint(
      "θ ← θ − lr g with each estimator's g from M samples, the same draws for all at a step; "
      "the chart plots the exact L(θ_t). Straight-through is left out (its gradient is "
      "Gumbel-softmax's).");
  for (const DescentPath& p : lab_.descent()) {
    if (p.divergedAt >= 0)
      ImGui::TextWrapped("%s: diverged at step %ld", estimatorKindName(p.kind).c_str(),
                         p.divergedAt);
    else
      ImGui::TextWrapped("%s: L %.5g", estimatorKindName(p.kind).c_str(), p.loss.back());
  }
}

}  // namespace flowscope
