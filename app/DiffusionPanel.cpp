#include "DiffusionPanel.h"

#include <imgui.h>

#include <cstdio>

#include "InputError.h"
#include "ParticleLayer.h"

namespace flowscope {
namespace {

void remember(std::map<std::string, ControlRect>& rects, const char* name) {
  ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  rects[name] = {a.x, a.y, b.x, b.y};
}

const int kParticleChoices[] = {1000, 4096, 8192, 16384, 65536, 262144, 1048576};

void hint(const char* text) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
  ImGui::TextWrapped("%s", text);
  ImGui::PopStyleColor();
}

void section(const char* title) {
  ImGui::Spacing();
  ImGui::Separator();
  ImGui::TextColored(ImVec4(0.65f, 0.8f, 1.0f, 1.0f), "%s", title);
}

}  // namespace

template <typename Fn>
void DiffusionPanel::apply(Fn&& setter) {
  try {
    setter();
    error_.clear();
  } catch (const InputError& e) {
    error_ = e.what();
  }
}

void DiffusionPanel::build(DiffusionLab& lab, const DiffusionSimulation& sim,
                           std::map<std::string, ControlRect>& rects) {
  ImGui::SetNextWindowPos(ImVec2(10, 10), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize(ImVec2(380, 0), ImGuiCond_FirstUseEver);
  ImGui::Begin("Diffusion: exact Gaussian mixture");
  ImGui::TextWrapped(
      "Variance exploding (EDM): x = x0 + σ·ε. Time variable: σ. Exact denoiser D(x; σ) of the "
      "mixture, float32 on the GPU.");
  playbackSection(lab, sim, rects);
  samplerSection(lab);
  displaySection(lab);
  if (!error_.empty()) ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.4f, 1.0f), "%s", error_.c_str());
  ImGui::End();
}

void DiffusionPanel::playbackSection(DiffusionLab& lab, const DiffusionSimulation& sim,
                                     std::map<std::string, ControlRect>& rects) {
  const int steps = lab.params().schedule().steps;
  Playback& pb = lab.playback();
  section("Playback");
  if (ImGui::Button("Reset")) pb.reset();
  remember(rects, "reset");
  ImGui::SameLine();
  if (ImGui::Button("< Back")) pb.stepBack(steps);
  remember(rects, "back");
  ImGui::SameLine();
  if (ImGui::Button(pb.playing() ? "Pause" : "Play ")) pb.toggle();
  remember(rects, "play");
  ImGui::SameLine();
  if (ImGui::Button("Step >")) pb.stepForward(steps);
  remember(rects, "step");
  int k = pb.target();
  if (ImGui::SliderInt("step", &k, 0, steps)) pb.scrub(k, steps);
  remember(rects, "scrub");
  const int shown = sim.current();
  ImGui::Text("step %d / %d    σ = %.5g", shown, sim.steps(), sim.sigma(shown));
  ImGui::Text("denoiser evaluations: %d of %d", sim.evaluations(shown),
              sim.evaluations(sim.steps()));
}

void DiffusionPanel::samplerSection(DiffusionLab& lab) {
  DiffusionParams& p = lab.params();
  section("Sampler (Karras et al. 2022, Alg. 1)");
  int sampler = p.sampler() == EdmSamplerKind::Heun ? 1 : 0;
  const char* samplers[] = {"Euler (N evals)", "Heun (2N-1 evals)"};
  if (ImGui::Combo("sampler", &sampler, samplers, 2))
    apply([&] { p.setSampler(sampler ? EdmSamplerKind::Heun : EdmSamplerKind::Euler); });
  int steps = p.schedule().steps;
  if (ImGui::SliderInt("steps N", &steps, 1, 200, "%d", ImGuiSliderFlags_Logarithmic))
    apply([&] { p.setSteps(steps); });
  double sigmaMin = p.schedule().sigmaMin, sigmaMax = p.schedule().sigmaMax, rho = p.schedule().rho;
  const auto enter = ImGuiInputTextFlags_EnterReturnsTrue;
  if (ImGui::InputDouble("σ_min", &sigmaMin, 0, 0, "%.4g", enter))
    apply([&] { p.setSigmaMin(sigmaMin); });
  if (ImGui::InputDouble("σ_max", &sigmaMax, 0, 0, "%.4g", enter))
    apply([&] { p.setSigmaMax(sigmaMax); });
  if (ImGui::InputDouble("ρ", &rho, 0, 0, "%.4g", enter)) apply([&] { p.setRho(rho); });
  hint("Karras schedule: σ_i = (σmax^(1/ρ) + i/(N−1)·(σmin^(1/ρ) − σmax^(1/ρ)))^ρ, σ_N = 0");

  int choice = 0;
  for (int i = 0; i < int(std::size(kParticleChoices)); ++i)
    if (kParticleChoices[i] <= p.particleCount()) choice = i;
  char label[32];
  std::snprintf(label, sizeof(label), "%d", p.particleCount());
  if (ImGui::BeginCombo("particles", label)) {
    for (int i = 0; i < int(std::size(kParticleChoices)); ++i) {
      std::snprintf(label, sizeof(label), "%d", kParticleChoices[i]);
      if (ImGui::Selectable(label, i == choice))
        apply([&] { p.setParticleCount(kParticleChoices[i]); });
    }
    ImGui::EndCombo();
  }
  if (p.particleCount() > ParticleLayer::kPointLimit)
    hint("drawn as a splatted density (more than 65,536 particles)");
  uint64_t seed = p.seed();
  const uint64_t one = 1, ten = 10;
  if (ImGui::InputScalar("seed", ImGuiDataType_U64, &seed, &one, &ten, "%llu", enter))
    apply([&] { p.setSeed(seed); });
}

void DiffusionPanel::displaySection(DiffusionLab& lab) {
  DiffusionParams& p = lab.params();
  section("Display");
  bool on = p.showHeatmap();
  if (ImGui::Checkbox("heatmap", &on)) p.setShowHeatmap(on);
  ImGui::SameLine();
  int heat = p.heatmap() == HeatmapKind::DataDensity ? 0 : 1;
  const char* heats[] = {"log p_0 (data)", "log p_σ (noised)"};
  ImGui::SetNextItemWidth(170);
  if (ImGui::Combo("##heatmap", &heat, heats, 2))
    p.setHeatmap(heat ? HeatmapKind::NoisedDensity : HeatmapKind::DataDensity);
  on = p.showField();
  if (ImGui::Checkbox("arrows", &on)) p.setShowField(on);
  ImGui::SameLine();
  int field = p.field() == FieldKind::Score ? 0 : 1;
  const char* fields[] = {"score ∇log p_σ", "denoiser D(x)−x"};
  ImGui::SetNextItemWidth(170);
  if (ImGui::Combo("##field", &field, fields, 2))
    p.setField(field ? FieldKind::DenoiserDisplacement : FieldKind::Score);
  on = p.showTrails();
  if (ImGui::Checkbox("trails", &on)) p.setShowTrails(on);
  ImGui::SameLine();
  on = p.showParticles();
  if (ImGui::Checkbox("particles", &on)) p.setShowParticles(on);
  int trail = p.trailLength();
  if (ImGui::SliderInt("trail length", &trail, 1, DiffusionParams::kMaxTrailLength))
    apply([&] { p.setTrailLength(trail); });
  float speed = float(p.playbackStepsPerSecond());
  if (ImGui::SliderFloat("steps / second", &speed, 0.25f, 60.0f, "%.2f",
                         ImGuiSliderFlags_Logarithmic))
    apply([&] { p.setPlaybackStepsPerSecond(speed); });
  on = p.loop();
  if (ImGui::Checkbox("loop", &on)) p.setLoop(on);
  ImGui::SameLine();
  if (ImGui::Button("Reset view")) lab.resetCamera();
  hint("Drag: pan. Wheel: zoom. Space: play/pause, →/←: step, R: reset.");
}

}  // namespace flowscope
