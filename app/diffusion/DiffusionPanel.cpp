#include "DiffusionPanel.h"

#include <imgui.h>

#include <cmath>
#include <cstdio>

#include "DockLayout.h"
#include "LearnedModel.h"
#include "LiveMetrics.h"
#include "PanelWidgets.h"
#include "ParticleLayer.h"
#include "SweepController.h"

namespace flowscope {
namespace {

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
      return "Flow matching ODE dx/dt = E[ε − x0 | x] (or the flow coupling's velocity, below), "
             "Euler; 50+ steps.";
    case SamplerKind::FlowMidpoint:
      return "Flow ODE, midpoint rule (second order); NFE 2N.";
    case SamplerKind::FlowHeun:
      return "Flow ODE, Heun (second order); NFE 2N−1.";
  }
  return "";
}

void section(const char* title) {
  ImGui::Spacing();
  ImGui::Separator();
  ImGui::TextColored(ImVec4(0.65f, 0.8f, 1.0f, 1.0f), "%s", title);
}

}  // namespace

void DiffusionPanel::build(DiffusionLab& lab, const DiffusionSimulation& sim,
                           std::map<std::string, ControlRect>& rects, PanelContext& context) {
  DockLayout::current().begin("Diffusion & Flow", DockSide::Left, ui(380));
  edits_.show();
  ImGui::TextWrapped(
      "Every process as x = s(t)·(x0 + σ(t)·ε). Exact denoiser D = E[x0 | x] of the data (no "
      "training); "
      "float32 on the GPU.");
  playbackSection(lab, sim, rects);
  if (foldable("Data", true)) dataSection(lab);
  if (foldable("Sampler and schedule", true)) samplerSection(lab, rects);
  if (isFlowSampler(lab.params().sampler().kind) && foldable("Flow coupling", true))
    couplingSection(lab, sim);
  if (foldable("Guidance", lab.params().guidance().conditional())) guidanceSection(lab);
  if (foldable("Display", false)) displaySection(lab, rects);
  if (foldable("Paint data", false)) paintSection(lab);
  section("Windows");
  ImGui::Checkbox("metrics", &context.metricsOpen);
  ImGui::SameLine();
  ImGui::Checkbox("NFE sweep", &context.sweepOpen);
  ImGui::SameLine();
  ImGui::Checkbox("guidance", &context.guidanceOpen);
  ImGui::End();
  if (context.metricsOpen) metricsWindow(lab, sim, context);
  if (context.sweepOpen) sweepWindow(lab, context);
  if (context.guidanceOpen) guidanceWindow(lab, context, rects);
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
  ImGui::TextWrapped("step %d / %d   t = %.4g   s = %.3g   σ = %.4g", shown, sim.steps(), l.t, l.s,
                     l.sigma());
  ImGui::TextWrapped("model evaluations (NFE): %d of %d", sim.evaluations(shown),
                     sim.evaluations(sim.steps()));
}

void DiffusionPanel::dataSection(DiffusionLab& lab) {
  const DataSource& source = lab.dataSource();
  if (ImGui::BeginCombo("data", source.label().c_str())) {
    for (const auto& name : presetNames())
      if (ImGui::Selectable(name.c_str(),
                            source.kind == DataSource::Kind::Preset && source.name == name)) {
        DataSource next = DataSource::ofPreset(name);
        next.unitVariance = source.unitVariance;
        edits_.apply([&] { lab.setData(next); });
      }
    for (const auto& image : shippedImages())
      if (ImGui::Selectable(image.c_str(),
                            source.kind == DataSource::Kind::File && source.name == image)) {
        DataSource next = DataSource::ofFile(image);
        next.unitVariance = source.unitVariance;
        edits_.apply([&] { lab.setData(next); });
      }
    ImGui::EndCombo();
  }
  bool unit = source.unitVariance;
  if (ImGui::Checkbox("unit variance", &unit)) {
    DataSource next = source;
    next.unitVariance = unit;
    edits_.apply([&] { lab.setData(next); });
  }
  const Dataset& d = lab.dataset();
  if (d.mixture) {
    sameLineIfFits("mixture, closed form");
    ImGui::TextDisabled("mixture, closed form");
  } else {
    ImGui::TextDisabled("%zu points, empirical denoiser", d.points->points().size());
  }
  if (unit) ImGui::TextDisabled("rescaled by %.4g to variance 1 per axis", d.scale);
  hint("File > Open data... loads a mixture .json, a point cloud .csv or a density .png.");
  modelChoice(lab);
}

void DiffusionPanel::modelChoice(DiffusionLab& lab) {
  const bool learned = !lab.learnedModel().empty();
  int kind = learned ? 1 : 0;
  const char* kinds[] = {
      lab.dataset().mixture ? "exact (closed form)" : "empirical (ideal denoiser)",
      "learned (a trained network)"};
  if (ImGui::Combo("model", &kind, kinds, 2) && kind == 0 && learned)
    edits_.apply([&] { lab.setLearnedModel(""); });
  if (kind == 1 || learned) {
    ImGui::InputText("weights##learned", learnedPath_, sizeof(learnedPath_));
    if (ImGui::Button("Load network")) edits_.apply([&] { lab.setLearnedModel(learnedPath_); });
    if (learned) {
      const MlpSpec& m = dynamic_cast<const LearnedModel&>(*lab.dataset().learned).weights().spec;
      ImGui::TextWrapped(
          "learned: %s (%d x %d %s, %s); steps on the %s", lab.learnedModel().c_str(), m.depth,
          m.width, activationName(m.activation).c_str(),
          objectiveName(
              dynamic_cast<const LearnedModel&>(*lab.dataset().learned).objective().spec().kind)
              .c_str(),
          "CPU (float32) on a CPU Vulkan device, else the GPU");
    }
    hint(
        "A .safetensors file from the Training lab or `flowscope-cli train`: every sampler and "
        "view runs on it; the heatmap keeps the data's density.");
  }
}

void DiffusionPanel::samplerSection(DiffusionLab& lab, std::map<std::string, ControlRect>& rects) {
  DiffusionParams& p = lab.params();
  const SamplerParams& sp = p.sampler();
  if (ImGui::BeginCombo("sampler", samplerKindName(sp.kind).c_str())) {
    for (SamplerKind kind : allSamplers())
      if (ImGui::Selectable(samplerKindName(kind).c_str(), kind == sp.kind))
        edits_.apply([&] {
          if (p.chooseSampler(kind))
            notice_ = samplerKindName(kind) + " needs another schedule: switched to " +
                      scheduleName(p.schedule().kind);
          else
            notice_.clear();
        });
    ImGui::EndCombo();
  }
  ScheduleParams sched = p.schedule();
  if (ImGui::BeginCombo("schedule", scheduleName(sched.kind).c_str())) {
    for (ScheduleKind kind : compatibleSchedules(sp.kind))
      if (ImGui::Selectable(scheduleName(kind).c_str(), kind == sched.kind))
        edits_.apply([&] { p.setSchedule(defaultSchedule(kind, sched.steps)); });
    ImGui::EndCombo();
  }
  if (!notice_.empty()) hint(notice_.c_str());
  int steps = sched.steps;
  if (ImGui::SliderInt("steps N", &steps, 1, 1000, "%d", ImGuiSliderFlags_Logarithmic))
    edits_.apply([&] { p.setSteps(steps); });
  const auto enter = ImGuiInputTextFlags_EnterReturnsTrue;
  if (sched.kind == ScheduleKind::Linear || sched.kind == ScheduleKind::Cosine) {
    int spacing = int(sched.spacing);
    const char* spacings[] = {"leading", "trailing", "linspace"};
    if (ImGui::Combo("spacing", &spacing, spacings, 3)) {
      ScheduleParams next = sched;
      next.spacing = Spacing(spacing);
      edits_.apply([&] { p.setSchedule(next); });
    }
  }
  if (sched.kind == ScheduleKind::Karras || sched.kind == ScheduleKind::Ve) {
    double sigmaMin = sched.sigmaMin, sigmaMax = sched.sigmaMax, rho = sched.rho;
    if (ImGui::InputDouble("σ_min", &sigmaMin, 0, 0, "%.4g", enter))
      edits_.apply([&] { p.setSigmaMin(sigmaMin); });
    if (ImGui::InputDouble("σ_max", &sigmaMax, 0, 0, "%.4g", enter))
      edits_.apply([&] { p.setSigmaMax(sigmaMax); });
    remember(rects, "sigma_max");
    if (sched.kind == ScheduleKind::Karras && ImGui::InputDouble("ρ", &rho, 0, 0, "%.4g", enter))
      edits_.apply([&] { p.setRho(rho); });
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
  if (changed) edits_.apply([&] { p.setSampler(next); });
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
        edits_.apply([&] { p.setParticleCount(kParticleChoices[i]); });
    }
    ImGui::EndCombo();
  }
  if (p.particleCount() > ParticleLayer::kPointLimit)
    hint("drawn as a splatted density (more than 65,536 particles)");
  uint64_t seed = p.seed();
  const uint64_t one = 1, ten = 10;
  if (ImGui::InputScalar("seed", ImGuiDataType_U64, &seed, &one, &ten, "%llu", enter))
    edits_.apply([&] { p.setSeed(seed); });
}

void DiffusionPanel::couplingSection(DiffusionLab& lab, const DiffusionSimulation& sim) {
  const FlowCouplingParams c = lab.params().flowCoupling();
  // Sliders edit a draft, applied on release: every change re-solves the coupling.
  if (!couplingEditing_) couplingDraft_ = c;
  bool commit = false;
  auto track = [&] {
    if (ImGui::IsItemActive()) couplingEditing_ = true;
    if (ImGui::IsItemDeactivated()) {
      couplingEditing_ = false;
      commit |= ImGui::IsItemDeactivatedAfterEdit();
    }
  };
  if (ImGui::BeginCombo("coupling", flowCouplingName(c.kind).c_str())) {
    for (FlowCoupling k : {FlowCoupling::None, FlowCoupling::Independent, FlowCoupling::Exact,
                           FlowCoupling::Sinkhorn})
      if (ImGui::Selectable(flowCouplingName(k).c_str(), k == c.kind)) {
        couplingDraft_.kind = k;
        commit = true;
      }
    ImGui::EndCombo();
  }
  if (c.kind == FlowCoupling::None) {
    hint(
        "none: the exact velocity E[ε − x0 | x] of the independent coupling of N(0, I) and the "
        "data. Choose exact or sinkhorn to see why OT-coupled flows need fewer steps.");
  } else {
    ImGui::SliderInt("pairs K", &couplingDraft_.pairs, FlowCouplingParams::kMinPairs,
                     FlowCouplingParams::kMaxPairs, "%d", ImGuiSliderFlags_Logarithmic);
    track();
    const double bwLo = 0.01, bwHi = 1.0, epsLo = 0.001, epsHi = 1.0;
    ImGui::SliderScalar("bandwidth bw", ImGuiDataType_Double, &couplingDraft_.bandwidth, &bwLo,
                        &bwHi, "%.3g", ImGuiSliderFlags_Logarithmic);
    track();
    if (c.kind == FlowCoupling::Sinkhorn) {
      ImGui::SliderScalar("ε (POT reg)", ImGuiDataType_Double, &couplingDraft_.epsilon, &epsLo,
                          &epsHi, "%.3g", ImGuiSliderFlags_Logarithmic);
      track();
    }
    if (const auto& m = sim.data().coupling)
      ImGui::Text("%zu pairs: %zu crossings, mean |z − y|² %.4g (%.0f ms)", m->noise().size(),
                  m->crossings, m->meanSquaredLength, m->timeMs);
    hint(
        "Particles 0..K−1 start at the coupling's noise points z_k, paired with data samples "
        "y_k. The ODE integrates the marginal velocity Σ_k softmax_k(−|x − μ_k|²/(2bw²))(z_k − "
        "y_k) of the straight paths μ_k(t) = (1−t) y_k + t z_k (OT-CFM). Exact-OT paths barely "
        "cross: one Euler step lands where 50 do (see straightness in Metrics).");
  }
  if (commit && !(couplingDraft_ == c)) edits_.apply([&] { lab.setFlowCoupling(couplingDraft_); });
}

void DiffusionPanel::paintSection(DiffusionLab& lab) {
  bool painting = lab.painting();
  if (ImGui::Checkbox("paint with the mouse", &painting)) lab.setPainting(painting);
  ImGui::SameLine();
  ImGui::Text("%zu points", lab.painted().size());
  if (ImGui::Button("Use painted points")) edits_.apply([&] { lab.usePainted(); });
  ImGui::SameLine();
  if (ImGui::Button("Clear")) lab.clearPainted();
  ImGui::SameLine();
  if (ImGui::Button("Unpick all")) lab.clearPicked();
}

void DiffusionPanel::metricsWindow(const DiffusionLab& lab, const DiffusionSimulation& sim,
                                   PanelContext& context) {
  DockLayout::current().begin("Metrics", DockSide::Right, ui(320), &context.metricsOpen);
  const LiveMetrics& m = *context.metrics;
  ImGui::Text("NFE so far: %d of %d", sim.evaluations(sim.current()), sim.evaluations(sim.steps()));
  if (m.state >= 0) {
    ImGui::Text("state %d, on %zu particles:", m.state, kLiveSamples);
    ImGui::Text("energy distance to data  %.4g", m.energyDistance);
    if (m.guided)
      ImGui::Text("to p(x|c) %.4g, to target q_γ %.4g", m.readout.energyToClass,
                  m.readout.energyToTilted);
    ImGui::Text("sliced W2 (64 dirs)      %.4g", m.slicedW2);
    ImGui::Text("mean path length         %.4g", m.paths.meanPathLength);
    ImGui::Text("straightness |end−start|/len  %.3f", m.paths.meanStraightness);
    ImGui::Text("mean curvature (1/length)    %.4g", m.paths.meanCurvature);
    if (m.memorised >= 0.0)
      ImGui::Text("memorised: %.1f%% within %.2g·std of a training point", 100.0 * m.memorised,
                  kMemorisationRadius);
  }
  hint("Path figures on the 256 tracked particles, from the noise to the shown state.");
  (void)lab;
  ImGui::End();
}

void DiffusionPanel::sweepPlot(const std::vector<SweepRow>& rows) {
  const ImVec2 size(ImGui::GetContentRegionAvail().x, 200.0f);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled(origin, ImVec2(origin.x + size.x, origin.y + size.y),
                      IM_COL32(20, 22, 28, 255));
  ImGui::Dummy(size);
  if (rows.empty()) return;
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& r : rows)
    lo = std::min(lo, std::log10(r.energyDistance)),
    hi = std::max(hi, std::log10(r.energyDistance));
  if (!(hi > lo)) hi = lo + 1.0;
  const double nfeLo = std::log2(2.0), nfeHi = std::log2(256.0);
  auto at = [&](const SweepRow& r) {
    return ImVec2(
        origin.x + 8 + float((std::log2(double(r.nfe)) - nfeLo) / (nfeHi - nfeLo)) * (size.x - 16),
        origin.y + 8 + float((hi - std::log10(r.energyDistance)) / (hi - lo)) * (size.y - 24));
  };
  const ImU32 colors[] = {IM_COL32(255, 150, 60, 255),  IM_COL32(90, 200, 255, 255),
                          IM_COL32(140, 230, 120, 255), IM_COL32(240, 100, 180, 255),
                          IM_COL32(250, 230, 90, 255),  IM_COL32(180, 140, 255, 255)};
  int series = 0;
  for (size_t i = 0; i < rows.size();) {
    size_t j = i;
    const ImU32 c = colors[series % 6];
    while (j < rows.size() && rows[j].sampler == rows[i].sampler) {
      if (j > i) draw->AddLine(at(rows[j - 1]), at(rows[j]), c, 2.0f);
      draw->AddCircleFilled(at(rows[j]), 3.0f, c);
      ++j;
    }
    draw->AddText(ImVec2(origin.x + size.x - ui(120), origin.y + ui(6) + ui(14) * series), c,
                  samplerKindName(rows[i].sampler).c_str());
    ++series;
    i = j;
  }
  char label[64];
  std::snprintf(label, sizeof(label), "energy distance %.2g .. %.2g (log)", std::pow(10.0, lo),
                std::pow(10.0, hi));
  draw->AddText(ImVec2(origin.x + ui(8), origin.y + size.y - ui(16)), IM_COL32(200, 200, 210, 255),
                label);
  draw->AddText(ImVec2(origin.x + size.x - ui(150), origin.y + size.y - ui(16)),
                IM_COL32(200, 200, 210, 255), "NFE 2..256 (log)");
}

void DiffusionPanel::sweepWindow(DiffusionLab& lab, PanelContext& context) {
  DockLayout::current().begin("Quality against NFE", DockSide::Right, ui(420), &context.sweepOpen);
  SweepController& sweep = *context.sweep;
  for (size_t i = 0; i < allSamplers().size(); ++i) {
    bool on = sweepSamplers_[i];
    if (ImGui::Checkbox(samplerKindName(allSamplers()[i]).c_str(), &on)) sweepSamplers_[i] = on;
    if (i % 3 != 2) ImGui::SameLine();
  }
  ImGui::NewLine();
  if (!sweep.running()) {
    if (ImGui::Button("Run sweep")) {
      std::vector<SamplerParams> chosen;
      for (size_t i = 0; i < allSamplers().size(); ++i)
        if (sweepSamplers_[i]) {
          SamplerParams sp = lab.params().sampler();
          sp.kind = allSamplers()[i];
          chosen.push_back(sp);
        }
      sweep.start(lab.datasetPtr(), chosen, 2000, lab.params().seed());
    }
  } else if (ImGui::Button("Cancel")) {
    sweep.cancel();
  }
  ImGui::SameLine();
  ImGui::ProgressBar(sweep.progress(), ImVec2(-1, 0));
  ImGui::TextDisabled("NFE 4..128, 2,000 samples each, on %s; Analysis > Export sweep CSV...",
                      sweep.device().c_str());
  sweepPlot(sweep.rows());
  ImGui::End();
}

void DiffusionPanel::displaySection(DiffusionLab& lab, ControlRects& rects) {
  DiffusionParams& p = lab.params();
  bool on = p.showHeatmap();
  if (ImGui::Checkbox("heatmap", &on)) p.setShowHeatmap(on);
  ImGui::SameLine();
  int heat = p.heatmap() == HeatmapKind::DataDensity ? 0 : 1;
  const char* heats[] = {"log p_data", "log p_t (noised)"};
  ImGui::SetNextItemWidth(ui(170));
  if (ImGui::Combo("##heatmap", &heat, heats, 2))
    p.setHeatmap(heat ? HeatmapKind::NoisedDensity : HeatmapKind::DataDensity);
  on = p.showField();
  if (ImGui::Checkbox("arrows", &on)) p.setShowField(on);
  ImGui::SameLine();
  int field = int(p.field());
  const char* fields[] = {"score ∇log p_t", "denoiser D(x)−x", "ε-prediction", "velocity"};
  ImGui::SetNextItemWidth(ui(170));
  if (ImGui::Combo("##field", &field, fields, 4)) p.setField(FieldKind(field));
  int arrows = p.arrowsAcross();
  if (ImGui::SliderInt("arrows across", &arrows, DiffusionParams::kMinArrows,
                       DiffusionParams::kMaxArrows))
    edits_.apply([&] { p.setArrowsAcross(arrows); });
  on = p.showStreamlines();
  if (ImGui::Checkbox("streamlines", &on)) p.setShowStreamlines(on);
  ImGui::SameLine();
  on = p.showGhosts();
  if (ImGui::Checkbox("x0 ghosts", &on)) p.setShowGhosts(on);
  on = p.showCoupling();
  if (ImGui::Checkbox("start→now lines", &on)) p.setShowCoupling(on);
  ImGui::SameLine();
  on = p.showPaths();
  if (ImGui::Checkbox("paths (256)", &on)) p.setShowPaths(on);
  on = p.showTimeStrip();
  if (ImGui::Checkbox("σ strip", &on)) p.setShowTimeStrip(on);
  on = p.showTrails();
  if (ImGui::Checkbox("trails", &on)) p.setShowTrails(on);
  ImGui::SameLine();
  on = p.showParticles();
  if (ImGui::Checkbox("particles", &on)) p.setShowParticles(on);
  int trail = p.trailLength();
  if (ImGui::SliderInt("trail length", &trail, 1, DiffusionParams::kMaxTrailLength))
    edits_.apply([&] { p.setTrailLength(trail); });
  float speed = float(p.playbackStepsPerSecond());
  if (ImGui::SliderFloat("steps / second", &speed, 0.25f, 60.0f, "%.2f",
                         ImGuiSliderFlags_Logarithmic))
    edits_.apply([&] { p.setPlaybackStepsPerSecond(speed); });
  on = p.loop();
  if (ImGui::Checkbox("loop", &on)) p.setLoop(on);
  ImGui::SameLine();
  if (ImGui::Button("Reset view")) lab.resetCamera();
  on = p.splitView();
  if (ImGui::Checkbox("split view vs", &on)) p.setSplitView(on);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ui(150));
  if (ImGui::BeginCombo("##compare", samplerKindName(p.compareSampler()).c_str())) {
    for (SamplerKind kind : allSamplers())
      if (ImGui::Selectable(samplerKindName(kind).c_str(), kind == p.compareSampler()))
        p.setCompareSampler(kind);
    ImGui::EndCombo();
  }
  if (p.splitView()) {
    // Which of the comparison's states stands beside the shown one (its caption gives its step).
    int at = int(p.compareAt());
    ImGui::TextUnformatted("compared at equal");
    ImGui::SameLine();
    ImGui::RadioButton("step", &at, int(CompareAt::Step));
    remember(rects, "compare_at.step");
    ImGui::SameLine();
    ImGui::RadioButton("σ", &at, int(CompareAt::Sigma));
    remember(rects, "compare_at.sigma");
    ImGui::SameLine();
    ImGui::RadioButton("NFE", &at, int(CompareAt::Nfe));
    remember(rects, "compare_at.nfe");
    if (at != int(p.compareAt())) p.setCompareAt(CompareAt(at));
  }
  hint(
      "Drag: pan. Wheel: zoom. Ctrl+click: pick a particle (its full path). Space: play/pause, "
      "→/←: step, "
      "R: reset.");
}

}  // namespace flowscope
