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

const double kZero = 0.0, kOne = 1.0;

// What each sampler is and the step count it is usually run with.
const char* samplerHint(SamplerKind kind) {
  switch (kind) {
    case SamplerKind::Ddpm:
      return "Ancestral sampling of the VP chain (Ho et al. 2020); usually 1000 steps.";
    case SamplerKind::Ddim:
      return "DDIM (Song et al. 2021a): η = 0 deterministic, η = 1 is DDPM; 50–100 steps.";
    case SamplerKind::Euler:
      return "Probability-flow ODE, Euler in σ (first order); 50+ steps.";
    case SamplerKind::Heun:
      return "Probability-flow ODE, Heun in σ (EDM Alg. 1, second order); 18 steps, NFE 2N−1.";
    case SamplerKind::EdmStochastic:
      return "EDM Alg. 2: noise churn then a Heun step; ~40 steps.";
    case SamplerKind::EulerMaruyama:
      return "Reverse-time SDE, Euler–Maruyama in σ; hundreds of steps.";
    case SamplerKind::DpmPP2M:
      return "DPM-Solver++(2M), multistep in log σ; 10–20 steps, NFE N.";
    case SamplerKind::Langevin:
      return "Annealed Langevin dynamics (SMLD) on geometric σ levels; NFE N·T + 1.";
    case SamplerKind::FlowEuler:
      return "Flow matching ODE dx/dt = E[ε − x0 | x], Euler; 50+ steps.";
    case SamplerKind::FlowMidpoint:
      return "Flow ODE, midpoint rule (second order); NFE 2N.";
    case SamplerKind::FlowHeun:
      return "Flow ODE, Heun (second order); NFE 2N−1.";
  }
  return "";
}

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
  ImGui::Begin("Diffusion & Flow");
  ImGui::TextWrapped(
      "Variance exploding (EDM): x = x0 + σ·ε. Time variable: σ. Exact denoiser D(x; σ) of the "
      "mixture, float32 on the GPU.");
  playbackSection(lab, sim, rects);
  dataSection(lab);
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
  const NoiseLevel& l = sim.level(shown);
  ImGui::Text("step %d / %d   t = %.4g   s = %.3g   σ = %.4g", shown, sim.steps(), l.t, l.s,
              l.sigma());
  ImGui::Text("denoiser evaluations: %d of %d", sim.evaluations(shown),
              sim.evaluations(sim.steps()));
}

void DiffusionPanel::dataSection(DiffusionLab& lab) {
  section("Data (exact model, no training)");
  const DataSource& source = lab.dataSource();
  if (ImGui::BeginCombo("data", source.label().c_str())) {
    for (const auto& name : presetNames())
      if (ImGui::Selectable(name.c_str(),
                            source.kind == DataSource::Kind::Preset && source.name == name)) {
        DataSource next = DataSource::ofPreset(name);
        next.unitVariance = source.unitVariance;
        apply([&] { lab.setData(next); });
      }
    ImGui::EndCombo();
  }
  bool unit = source.unitVariance;
  if (ImGui::Checkbox("unit variance", &unit)) {
    DataSource next = source;
    next.unitVariance = unit;
    apply([&] { lab.setData(next); });
  }
  const Dataset& d = lab.dataset();
  ImGui::SameLine();
  if (d.mixture)
    ImGui::TextDisabled("mixture, closed form");
  else
    ImGui::TextDisabled("%zu points, empirical denoiser", d.points->points().size());
  if (unit) ImGui::TextDisabled("rescaled by %.4g to variance 1 per axis", d.scale);
  hint("File > Open data… loads a mixture .json, a point cloud .csv or a density .png.");
}

void DiffusionPanel::samplerSection(DiffusionLab& lab) {
  DiffusionParams& p = lab.params();
  section("Sampler and schedule");
  const SamplerParams& sp = p.sampler();
  if (ImGui::BeginCombo("sampler", samplerKindName(sp.kind).c_str())) {
    for (SamplerKind kind : allSamplers())
      if (ImGui::Selectable(samplerKindName(kind).c_str(), kind == sp.kind)) {
        if (p.chooseSampler(kind))
          notice_ = samplerKindName(kind) + " needs another schedule: switched to " +
                    scheduleName(p.schedule().kind);
        else
          notice_.clear();
      }
    ImGui::EndCombo();
  }
  ScheduleParams sched = p.schedule();
  if (ImGui::BeginCombo("schedule", scheduleName(sched.kind).c_str())) {
    for (ScheduleKind kind : compatibleSchedules(sp.kind))
      if (ImGui::Selectable(scheduleName(kind).c_str(), kind == sched.kind))
        apply([&] { p.setSchedule(defaultSchedule(kind, sched.steps)); });
    ImGui::EndCombo();
  }
  if (!notice_.empty()) hint(notice_.c_str());
  int steps = sched.steps;
  if (ImGui::SliderInt("steps N", &steps, 1, 1000, "%d", ImGuiSliderFlags_Logarithmic))
    apply([&] { p.setSteps(steps); });
  const auto enter = ImGuiInputTextFlags_EnterReturnsTrue;
  if (sched.kind == ScheduleKind::Linear || sched.kind == ScheduleKind::Cosine) {
    int spacing = int(sched.spacing);
    const char* spacings[] = {"leading", "trailing", "linspace"};
    if (ImGui::Combo("spacing", &spacing, spacings, 3)) {
      ScheduleParams next = sched;
      next.spacing = Spacing(spacing);
      apply([&] { p.setSchedule(next); });
    }
  }
  if (sched.kind == ScheduleKind::Karras || sched.kind == ScheduleKind::Ve) {
    double sigmaMin = sched.sigmaMin, sigmaMax = sched.sigmaMax, rho = sched.rho;
    if (ImGui::InputDouble("σ_min", &sigmaMin, 0, 0, "%.4g", enter))
      apply([&] { p.setSigmaMin(sigmaMin); });
    if (ImGui::InputDouble("σ_max", &sigmaMax, 0, 0, "%.4g", enter))
      apply([&] { p.setSigmaMax(sigmaMax); });
    if (sched.kind == ScheduleKind::Karras && ImGui::InputDouble("ρ", &rho, 0, 0, "%.4g", enter))
      apply([&] { p.setRho(rho); });
  }
  SamplerParams next = sp;
  bool changed = false;
  if (sp.kind == SamplerKind::Ddim)
    changed |= ImGui::SliderScalar("η", ImGuiDataType_Double, &next.eta, &kZero, &kOne, "%.2f");
  if (sp.kind == SamplerKind::EdmStochastic) {
    changed |= ImGui::InputDouble("S_churn", &next.sChurn, 0, 0, "%.4g", enter);
    changed |= ImGui::InputDouble("S_tmin", &next.sTmin, 0, 0, "%.4g", enter);
    changed |= ImGui::InputDouble("S_tmax", &next.sTmax, 0, 0, "%.4g", enter);
    changed |= ImGui::InputDouble("S_noise", &next.sNoise, 0, 0, "%.4g", enter);
  }
  if (sp.kind == SamplerKind::Langevin) {
    changed |= ImGui::InputDouble("step ε", &next.langevinEps, 0, 0, "%.3g", enter);
    changed |= ImGui::SliderInt("steps per level", &next.langevinStepsPerLevel, 1, 200);
  }
  if (changed) apply([&] { p.setSampler(next); });
  hint(samplerHint(sp.kind));

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
