// The Transport panel's critic and GAN sections (TransportPanel.h): the critic's and generator's
// settings through the lab's validating setters, the training's progress, and the curves of the
// W1 estimate against the exact W1, and of the GAN's losses, W1 and modes covered.
#include <imgui.h>

#include <algorithm>

#include "DockLayout.h"
#include "PanelWidgets.h"
#include "TransportPanel.h"

namespace flowscope {
namespace {

constexpr int kStepChoices[] = {100, 500, 1000, 1500, 3000, 10000};

// The critic's network and Lipschitz method; true when changed.
bool criticControls(CriticSpec& c, bool allowNone) {
  bool changed = false;
  std::initializer_list<LipschitzMethod> methods =
      allowNone
          ? std::initializer_list<LipschitzMethod>{LipschitzMethod::None, LipschitzMethod::Clip,
                                                   LipschitzMethod::Penalty,
                                                   LipschitzMethod::Spectral}
          : std::initializer_list<LipschitzMethod>{LipschitzMethod::Clip, LipschitzMethod::Penalty,
                                                   LipschitzMethod::Spectral};
  changed |= enumCombo("Lipschitz", c.method, methods, lipschitzName);
  hint(
      "clip: every parameter clamped to [−c, c] (WGAN); gp: + λ (|∇f| − 1)² between the clouds "
      "(WGAN-GP); sn: each weight matrix over its largest singular value (spectral norm)");
  if (c.method == LipschitzMethod::Penalty) {
    float lambda = float(c.lambda);
    if (ImGui::SliderFloat("λ", &lambda, 0.1f, 1000.0f, "%.3g", ImGuiSliderFlags_Logarithmic))
      c.lambda = lambda, changed = true;
  }
  if (c.method == LipschitzMethod::Clip) {
    float clip = float(c.clip);
    if (ImGui::SliderFloat("c", &clip, 1e-3f, 1.0f, "%.3g", ImGuiSliderFlags_Logarithmic))
      c.clip = clip, changed = true;
  }
  changed |= ImGui::SliderInt("width", &c.width, 16, 256);
  changed |= ImGui::SliderInt("depth", &c.depth, 1, 6);
  changed |= enumCombo(
      "activation", c.activation,
      {Activation::Relu, Activation::Silu, Activation::Gelu, Activation::Tanh, Activation::Elu},
      activationName);
  float lr = float(c.learningRate);
  if (ImGui::SliderFloat("lr (Adam 0.5, 0.9)", &lr, 1e-5f, 1e-2f, "%.1e",
                         ImGuiSliderFlags_Logarithmic))
    c.learningRate = lr, changed = true;
  changed |= ImGui::SliderInt("batch", &c.batch, 16, 1024);
  int seed = int(c.seed);
  if (ImGui::InputInt("seed", &seed) && seed >= 0) c.seed = uint64_t(seed), changed = true;
  return changed;
}

// A training target: the choices as buttons; true when one was chosen.
bool targetButtons(const char* what, int& target) {
  ImGui::Text("%s to:", what);
  bool changed = false;
  for (int n : kStepChoices) {
    ImGui::SameLine();
    ImGui::PushID(n);
    if (ImGui::SmallButton(std::to_string(n).c_str())) target = n, changed = true;
    ImGui::PopID();
  }
  return changed;
}

}  // namespace

void TransportPanel::criticSection(TransportLab& lab, ControlRects& rects) {
  CriticSettings c = lab.settings().critic;
  const CriticDemo& d = lab.demo();
  if (const DualCritic* critic = d.critic()) {
    const double exact = d.exact().cost, est = critic->estimate();
    ImGui::Text("step %ld / %d%s", critic->steps(), c.steps,
                d.finished(false) ? "" : "  (training)");
    ImGui::Text("W1: estimate %.5g, exact %.5g (%+.1f%%)", est, exact,
                100.0 * (est - exact) / exact);
    ImGui::Text("max |∇f| %.3g, estimate / max |∇f| %.5g", critic->maxGradientNorm(),
                critic->normalisedEstimate());
    std::vector<double> x, y, line;
    for (const auto& r : critic->history()) {
      x.push_back(double(r.step));
      y.push_back(r.estimate);
      line.push_back(exact);
    }
    if (x.size() >= 2)
      chart("##w1", x, {{"E_a f − E_b f", y, kCyan}, {"exact W1", line, kAmber}}, false, false,
            "step", ImVec2(ImGui::GetContentRegionAvail().x, ui(150)));
  }
  hint(
      "The critic f maximises E_a f − E_b f (a: the source, b: the target) under a Lipschitz "
      "constraint; by Kantorovich-Rubinstein the supremum over 1-Lipschitz f is W1 (euclidean "
      "cost). Left of the line the critic, right the exact potential.");
  bool changed = targetButtons("train", c.steps);
  remember(rects, "transport.critic.steps");
  if (foldable("Critic network", true)) changed |= criticControls(c.spec, false);
  if (changed) edits_.apply([&] { lab.setCritic(c); });
  if (foldable("Source a (orange)", false)) measureSection(lab, false);
  if (foldable("Target b (teal)", false)) measureSection(lab, true);
}

void TransportPanel::ganSection(TransportLab& lab, ControlRects& rects) {
  GanSettings g = lab.settings().gan;
  const CriticDemo& d = lab.demo();
  if (const Gan* gan = d.gan()) {
    ImGui::Text("iteration %ld / %d%s", gan->iterations(), g.iterations,
                d.finished(true) ? "" : "  (training)");
    const bool mixture = !gan->modes().centres.empty();
    if (mixture)
      ImGui::Text("modes covered %d / %zu", gan->modesCovered(), gan->modes().centres.size());
    std::vector<double> x, dl, gl, w1, modes;
    for (size_t k = 0; k < gan->history().size(); ++k) {
      const auto& r = gan->history()[k];
      x.push_back(double(r.iteration));
      dl.push_back(r.criticLoss);
      gl.push_back(r.generatorLoss);
      w1.push_back(r.w1);
      modes.push_back(double(r.modes));
    }
    const ImVec2 size(ImGui::GetContentRegionAvail().x, ui(120));
    if (x.size() >= 2) {
      chart("##losses", x, {{"D loss", dl, kCyan}, {"G loss", gl, kAmber}}, false, false,
            "iteration", size);
      std::vector<Series> s = {{"W1(generated, data)", w1, kGreen}};
      if (mixture) s.push_back({"modes covered", modes, kPink});
      chart("##w1modes", x, s, false, false, "iteration", size);
    }
  }
  hint(
      "The data is the target cloud (choose gmm8 for the ring of 8 Gaussians). wgan: the critic "
      "maximises E_data f − E_G f, the generator −E f(G(z)); original: a logistic "
      "discriminator and the non-saturating loss −E log σ(f(G(z))).");
  bool changed = targetButtons("train", g.iterations);
  remember(rects, "transport.gan.iterations");
  if (enumCombo("loss", g.spec.loss, {GanLoss::Wasserstein, GanLoss::Original}, ganLossName)) {
    // Each loss with its usual critic: WGAN-GP's penalty, none for the original GAN.
    g.spec.critic.method =
        g.spec.loss == GanLoss::Original ? LipschitzMethod::None : LipschitzMethod::Penalty;
    g.spec.criticSteps = g.spec.loss == GanLoss::Original ? 1 : 5;
    changed = true;
  }
  remember(rects, "transport.gan.loss");
  changed |= ImGui::SliderInt("D steps / iteration", &g.spec.criticSteps, 1, 20);
  changed |= ImGui::SliderInt("G steps / iteration", &g.spec.generatorSteps, 1, 20);
  float glr = float(g.spec.generatorLearningRate);
  if (ImGui::SliderFloat("G lr", &glr, 1e-5f, 1e-2f, "%.1e", ImGuiSliderFlags_Logarithmic))
    g.spec.generatorLearningRate = glr, changed = true;
  changed |= ImGui::SliderInt("G width", &g.spec.generatorWidth, 16, 256);
  changed |= ImGui::SliderInt("G depth", &g.spec.generatorDepth, 1, 6);
  if (foldable("Critic (discriminator)", false)) changed |= criticControls(g.spec.critic, true);
  if (changed) edits_.apply([&] { lab.setGan(g); });
  if (foldable("Data: target b (teal)", false)) measureSection(lab, true);
}

}  // namespace flowscope
