#include "TrainingPanel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "DiffusionParams.h"
#include "DockLayout.h"
#include "PanelWidgets.h"

namespace flowscope {
namespace {

constexpr size_t kChartPoints = 300;

// The loss curve binned to at most kChartPoints means (x: the bin's last step).
void binned(const std::vector<float>& losses, long first, std::vector<double>& x,
            std::vector<double>& y) {
  const size_t bin = std::max<size_t>(1, losses.size() / kChartPoints);
  for (size_t i = 0; i + bin <= losses.size(); i += bin) {
    double sum = 0.0;
    for (size_t k = i; k < i + bin; ++k) sum += losses[k];
    x.push_back(double(first + long(i + bin)));
    y.push_back(sum / double(bin));
  }
}

// A magma-like ramp for the neuron tiles: dark blue (low) to orange (high), as TF Playground.
ImU32 neuronColor(float t) {
  t = std::clamp(t, 0.0f, 1.0f);
  const float r = 0.1f + 0.9f * t, g = 0.2f + 0.45f * t, b = 0.55f - 0.45f * t;
  return IM_COL32(int(255 * r), int(255 * g), int(255 * b), 255);
}

}  // namespace

std::optional<LabRequest> TrainingPanel::build(TrainingLab& lab,
                                               std::map<std::string, ControlRect>& rects) {
  DockLayout::current().begin("Training", DockSide::Left, ui(430));
  edits_.show();
  ImGui::TextWrapped("backend: %s", lab.backendName().c_str());
  TrainingBackend backend = lab.trainingBackend();
  if (enumCombo("trainer", backend,
                {TrainingBackend::Auto, TrainingBackend::Cpu, TrainingBackend::Gpu},
                [](BackendChoice c) { return backendChoiceName(c); }))
    edits_.apply([&] {
      try {
        lab.setTrainingBackend(backend);
      } catch (const GpuError& e) {  // the lab is unchanged: said on the panel's error line
        throw InputError(std::string("trainer: ") + e.what());
      }
    });
  hint(
      "auto: Vulkan's fused MLP on a GPU, the fast CPU trainer on a CPU device such as lavapipe "
      "(far faster there); a change starts training over.");
  hint(
      "A small network learns the data's denoiser or velocity by the objective below; arrows "
      "compare it with the exact model at the level (cyan learned, grey exact), the heatmap is "
      "their difference. Space plays, Right steps, R resets. Flow: x_t = (1 − t) x0 + t ε, t = 0 "
      "data, t = 1 noise.");
  std::optional<LabRequest> request = runSection(lab, rects);
  if (foldable("Data", true)) dataSection(lab);
  if (foldable("Network", false)) networkSection(lab);
  if (foldable("Objective", true)) objectiveSection(lab);
  if (foldable("Optimiser", false)) optimiserSection(lab);
  if (foldable("Shown", true)) showSection(lab);
  if (foldable("Reflow", false)) reflowSection(lab);
  ImGui::End();
  curvesWindow(lab, rects);
  neuronsWindow(lab);
  return request;
}

std::optional<LabRequest> TrainingPanel::runSection(TrainingLab& lab,
                                                    std::map<std::string, ControlRect>& rects) {
  if (ImGui::Button(lab.playing() ? "Pause" : "Play")) lab.togglePlay();
  remember(rects, "training_play");
  ImGui::SameLine();
  if (ImGui::Button("Step")) edits_.apply([&] { lab.trainSteps(1); });
  remember(rects, "training_step");
  ImGui::SameLine();
  if (ImGui::Button("+100")) edits_.apply([&] { lab.trainSteps(100); });
  ImGui::SameLine();
  if (ImGui::Button("Reset")) edits_.apply([&] { lab.resetTraining(); });
  remember(rects, "training_reset");
  int perFrame = lab.settings().stepsPerFrame;
  if (ImGui::SliderInt("steps / frame", &perFrame, 1, 200, "%d", ImGuiSliderFlags_Logarithmic))
    edits_.apply([&] { lab.setStepsPerFrame(perFrame); });
  ImGui::Text("step %ld / %ld, %.2f s of training", lab.steps(),
              lab.settings().training.adam.totalSteps, lab.trainingMs() / 1000.0);
  if (const auto r = lab.reached())
    ImGui::TextWrapped("energy distance < %.2f first seen at step %ld, after %.2f s of training",
                       TrainingLab::kQualityTarget, r->step, r->ms / 1000.0);
  if (lab.finished())
    hint(
        "done: the learning rate's cosine schedule has ended (Reset, or raise "
        "total steps under Optimiser)");
  ImGui::InputText("weights", weightsPath_, sizeof(weightsPath_));
  if (ImGui::Button("Save weights")) edits_.apply([&] { lab.saveWeights(weightsPath_); });
  ImGui::SameLine();
  if (ImGui::Button("Load weights")) edits_.apply([&] { lab.loadWeights(weightsPath_); });
  hint(
      "safetensors, as `flowscope-cli train` writes them; `sample --model learned:FILE` and "
      "the Diffusion & Flow lab read them.");
  std::optional<LabRequest> request;
  if (ImGui::Button("Sample it in the Diffusion & Flow lab"))
    edits_.apply([&] {
      lab.saveWeights(weightsPath_);
      const std::string path = std::filesystem::absolute(weightsPath_).string();
      request = LabRequest{"diffusion", {{"learned", path}, {"data", toJson(lab.settings().data)}}};
    });
  remember(rects, "training_to_diffusion");
  return request;
}

void TrainingPanel::dataSection(TrainingLab& lab) {
  const DataSource& source = lab.settings().data;
  if (ImGui::BeginCombo("data", source.label().c_str())) {
    for (const auto& name : presetNames())
      if (ImGui::Selectable(name.c_str(),
                            source.kind == DataSource::Kind::Preset && source.name == name))
        edits_.apply([&] { lab.setData(DataSource::ofPreset(name)); });
    for (const auto& image : shippedImages())
      if (ImGui::Selectable(image.c_str(),
                            source.kind == DataSource::Kind::File && source.name == image))
        edits_.apply([&] { lab.setData(DataSource::ofFile(image)); });
    ImGui::EndCombo();
  }
  const Dataset& d = lab.dataset();
  const int most = d.mixture ? 100000 : int(d.points->points().size());
  int n = std::min(lab.settings().points, most);
  if (ImGui::SliderInt("points N", &n, 4, most, "%d", ImGuiSliderFlags_Logarithmic))
    edits_.apply([&] { lab.setPoints(n); });
  hint(d.mixture ? "N draws of the mixture; held-out: 2,000 fresh draws"
                 : "the cloud's first N points; held-out: the points after them");
}

void TrainingPanel::networkSection(TrainingLab& lab) {
  TrainingSpec t = lab.settings().training;
  MlpSpec& m = t.network;
  bool changed = false;
  changed |= ImGui::SliderInt("width", &m.width, 16, 512, "%d", ImGuiSliderFlags_Logarithmic);
  changed |= ImGui::SliderInt("depth", &m.depth, 1, 8);
  changed |= enumCombo(
      "activation", m.activation,
      {Activation::Relu, Activation::Silu, Activation::Gelu, Activation::Tanh, Activation::Elu},
      activationName);
  changed |= ImGui::Checkbox("residual", &m.residual);
  changed |=
      enumCombo("embedding", m.embedding.kind,
                {EmbeddingKind::None, EmbeddingKind::Sinusoidal, EmbeddingKind::RandomFourier},
                embeddingName);
  if (m.embedding.kind != EmbeddingKind::None) {
    changed |= ImGui::SliderInt("features", &m.embedding.width, 2, 256);
    m.embedding.width += m.embedding.width % 2;
    if (m.embedding.kind == EmbeddingKind::RandomFourier) {
      float scale = float(m.embedding.scale);
      if (ImGui::SliderFloat("frequency scale", &scale, 0.1f, 100.0f, "%.3g",
                             ImGuiSliderFlags_Logarithmic))
        m.embedding.scale = scale, changed = true;
    }
  }
  if (changed) edits_.apply([&] { lab.setTraining(t); });
  ImGui::TextDisabled("%zu parameters; editing resets training", size_t(layoutOf(m).count));
}

void TrainingPanel::objectiveSection(TrainingLab& lab) {
  TrainingSpec t = lab.settings().training;
  ObjectiveSpec& o = t.objective;
  bool changed = enumCombo(
      "objective", o.kind,
      {ObjectiveKind::Edm, ObjectiveKind::DdpmEpsilon, ObjectiveKind::DdpmV, ObjectiveKind::Flow},
      objectiveName);
  if (o.kind == ObjectiveKind::Flow) {
    changed |= enumCombo("t sampling", o.timeSampling,
                         {TimeSampling::Uniform, TimeSampling::LogitNormal}, timeSamplingName);
    if (o.timeSampling == TimeSampling::LogitNormal) {
      float ms[2] = {float(o.tMean), float(o.tStd)};
      if (ImGui::InputFloat2("m, s", ms, "%.3g", ImGuiInputTextFlags_EnterReturnsTrue))
        o.tMean = ms[0], o.tStd = ms[1], changed = true;
    }
    changed |= enumCombo(
        "coupling", t.coupling,
        {MinibatchCoupling::Independent, MinibatchCoupling::Exact, MinibatchCoupling::Sinkhorn},
        minibatchCouplingName);
    if (t.coupling == MinibatchCoupling::Sinkhorn) {
      float eps = float(t.couplingEpsilon);
      if (ImGui::SliderFloat("coupling ε", &eps, 1e-3f, 10.0f, "%.3g",
                             ImGuiSliderFlags_Logarithmic))
        t.couplingEpsilon = eps, changed = true;
    }
  } else if (o.kind == ObjectiveKind::Edm) {
    hint("ln σ ~ N(P_mean −1.2, P_std 1.2²), σ_data 0.5, preconditioned (Karras et al. 2022)");
  } else {
    changed |= enumCombo("schedule", o.schedule, {ScheduleKind::Linear, ScheduleKind::Cosine},
                         scheduleName);
  }
  if (changed) edits_.apply([&] { lab.setTraining(t); });
}

void TrainingPanel::optimiserSection(TrainingLab& lab) {
  TrainingSpec t = lab.settings().training;
  bool changed = false;
  float lr = float(t.adam.learningRate);
  if (ImGui::SliderFloat("learning rate", &lr, 1e-5f, 1e-1f, "%.2e", ImGuiSliderFlags_Logarithmic))
    t.adam.learningRate = lr, changed = true;
  int warm = int(t.adam.warmupSteps), total = int(t.adam.totalSteps);
  if (ImGui::InputInt("warm-up steps", &warm, 50, 500, ImGuiInputTextFlags_EnterReturnsTrue))
    t.adam.warmupSteps = warm, changed = true;
  if (ImGui::InputInt("total steps", &total, 500, 5000, ImGuiInputTextFlags_EnterReturnsTrue))
    t.adam.totalSteps = total, changed = true;
  changed |= ImGui::SliderInt("batch", &t.batch, 16, 4096, "%d", ImGuiSliderFlags_Logarithmic);
  float ema = float(t.emaDecay);
  if (ImGui::SliderFloat("EMA decay", &ema, 0.0f, 0.9999f, "%.4f"))
    t.emaDecay = ema, changed = true;
  int seed = int(t.seed);
  if (ImGui::InputInt("seed", &seed, 1, 10, ImGuiInputTextFlags_EnterReturnsTrue))
    t.seed = uint64_t(std::max(0, seed)), t.network.seed = t.seed,
    t.network.embedding.seed = t.seed, changed = true;
  hint("AdamW, warm-up then cosine decay to 0 at total steps; samples use the EMA weights.");
  if (changed) edits_.apply([&] { lab.setTraining(t); });
}

void TrainingPanel::showSection(TrainingLab& lab) {
  const TrainingSettings& s = lab.settings();
  const bool flow = s.training.objective.kind == ObjectiveKind::Flow;
  float level = float(s.level);
  if (flow ? ImGui::SliderFloat("t", &level, 0.001f, 0.999f, "%.3f")
           : ImGui::SliderFloat("σ", &level, 0.002f, 80.0f, "%.3g", ImGuiSliderFlags_Logarithmic))
    edits_.apply([&] { lab.setLevel(level); });
  FieldKind field = s.field;
  if (enumCombo("field", field,
                {FieldKind::Velocity, FieldKind::DenoiserDisplacement, FieldKind::Score},
                fieldName))
    edits_.apply([&] { lab.setField(field); });
  SamplerKind sampler = s.sampler;
  if (ImGui::BeginCombo("sampler", samplerKindName(sampler).c_str())) {
    for (SamplerKind k : allSamplers())
      if (ImGui::Selectable(samplerKindName(k).c_str(), k == sampler))
        edits_.apply([&] { lab.setSampler(k, s.samplerSteps); });
    ImGui::EndCombo();
  }
  int steps = s.samplerSteps, particles = s.particles;
  if (ImGui::SliderInt("sampler steps", &steps, 1, 200, "%d", ImGuiSliderFlags_Logarithmic))
    edits_.apply([&] { lab.setSampler(s.sampler, steps); });
  if (ImGui::SliderInt("samples", &particles, 16, 20000, "%d", ImGuiSliderFlags_Logarithmic))
    edits_.apply([&] { lab.setParticles(particles); });
  bool show[5] = {s.showSamples, s.showData, s.showLearned, s.showExact, s.showDifference};
  const char* names[5] = {"samples##show", "training set", "learned", "exact", "difference"};
  bool changed = false;
  for (int k = 0; k < 5; ++k) {
    if (k > 0) sameLineIfFits(names[k]);
    changed |= ImGui::Checkbox(names[k], &show[k]);
  }
  if (changed) lab.setShow(show[0], show[1], show[2], show[3], show[4]);
}

void TrainingPanel::reflowSection(TrainingLab& lab) {
  hint(
      "Reflow (k-rectified flow): the network's own ODE carries noise z to y; training goes on "
      "on the pairs (z, y), which straightens the paths so fewer steps suffice. Crossings: of "
      "the segments z → y, as in the Transport lab's couplings.");
  int pairs = lab.settings().reflowPairs;
  if (ImGui::SliderInt("pairs", &pairs, 100, 50000, "%d", ImGuiSliderFlags_Logarithmic))
    edits_.apply([&] { lab.setReflowPairs(pairs); });
  if (ImGui::Button("Reflow round")) edits_.apply([&] { lab.reflow(); });
  for (const ReflowRound& r : lab.reflowRounds())
    ImGui::Text("round %d at step %ld: %zu crossings, |y − z|² %.3f, straightness %.3f", r.round,
                r.step, r.crossings, r.meanSquaredLength, r.straightness);
}

void TrainingPanel::curvesWindow(const TrainingLab& lab,
                                 std::map<std::string, ControlRect>& rects) {
  DockLayout::current().begin("Training curves", DockSide::Right, ui(400));
  std::vector<double> x, train;
  binned(lab.lossCurve(), 0, x, train);
  std::vector<Series> series;
  if (!x.empty()) series.push_back({"minibatch", train, kAmber});
  std::vector<double> heldOut(x.size(), NAN), floor(x.size(), NAN);
  const auto& h = lab.heldOutCurve();
  for (size_t i = 0, k = 0; i < x.size(); ++i) {
    while (k + 1 < h.size() && double(h[k + 1].first) <= x[i]) ++k;
    if (!h.empty()) heldOut[i] = h[k].second;
    if (lab.irreducibleLoss()) floor[i] = *lab.irreducibleLoss();
  }
  if (lab.hasHeldOut() && !x.empty()) series.push_back({"held-out (EMA)", heldOut, kCyan});
  if (lab.irreducibleLoss() && !x.empty()) series.push_back({"irreducible", floor, kGreen});
  if (!x.empty()) chart("loss", x, series, false, true, "step", ui(380, 170));
  remember(rects, "training_curves");
  if (lab.irreducibleLoss())
    ImGui::TextWrapped(
        "irreducible loss %.4g: the exact model's on the held-out batch; a network "
        "cannot go below it",
        *lab.irreducibleLoss());
  else
    hint(
        "no irreducible line: a point cloud's exact model is its ideal denoiser, which a network "
        "that generalises should not match");
  if (const Evaluation* e = lab.evaluation()) {
    ImGui::Text("energy distance %.4f (step %ld)", e->energyDistance, e->step);
    if (!e->oneStep.empty())
      ImGui::Text("one flow-euler step: %.4f; straightness %.3f", e->oneStepEnergyDistance,
                  e->straightness);
    ImGui::Text("mean |learned − exact| %.3g (exact %.3g)", e->meanDifference, e->meanExact);
    ImGui::TextWrapped(
        "copies of a training point: %.0f%% of the network's samples (a copy: "
        "nearer its nearest training point than 1/3 of the distance to the second "
        "nearest)",
        100.0 * e->memorised);
    if (lab.idealMemorised())
      ImGui::TextWrapped("the ideal denoiser of the same %zu points: %.0f%% (it always copies)",
                         lab.trainingSet().size(), 100.0 * *lab.idealMemorised());
    ImGui::TextDisabled("evaluated in %.0f ms off the frame", e->ms);
  }
  ImGui::End();
}

void TrainingPanel::neuronsWindow(const TrainingLab& lab) {
  DockLayout::current().begin("First-layer neurons", DockSide::Right, ui(400));
  const Evaluation* e = lab.evaluation();
  if (!e || e->neurons.units.empty()) {
    ImGui::TextDisabled("not evaluated yet");
    ImGui::End();
    return;
  }
  hint(
      "each tile: one unit of the first hidden layer over the view, at the level (what it "
      "responds to); blue low, orange high, one scale for all");
  const NeuronTiles& t = e->neurons;
  const float tile = ui(84), cell = tile / float(NeuronTiles::kSide);
  const int perRow = std::max(1, int((ImGui::GetContentRegionAvail().x + ui(4)) / (tile + ui(4))));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (size_t u = 0; u < t.units.size(); ++u) {
    if (u % size_t(perRow) != 0) ImGui::SameLine(0, ui(4));
    const ImVec2 o = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton(("unit" + std::to_string(u)).c_str(), ImVec2(tile, tile));
    for (int r = 0; r < NeuronTiles::kSide; ++r)
      for (int c = 0; c < NeuronTiles::kSide; ++c) {
        const float v = t.units[u][size_t(r * NeuronTiles::kSide + c)];
        dl->AddRectFilled(ImVec2(o.x + c * cell, o.y + r * cell),
                          ImVec2(o.x + (c + 1) * cell, o.y + (r + 1) * cell),
                          neuronColor((v - t.lo) / std::max(1e-12f, t.hi - t.lo)));
      }
  }
  ImGui::TextDisabled("range %.3g .. %.3g", t.lo, t.hi);
  ImGui::End();
}

}  // namespace flowscope
