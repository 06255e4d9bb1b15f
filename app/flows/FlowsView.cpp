#include "FlowsView.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "DockLayout.h"
#include "PanelWidgets.h"

namespace flowscope {
namespace {

constexpr size_t kChartPoints = 300;

}  // namespace

std::unique_ptr<LabView> makeFlowsView(Lab& lab, EditErrors& edits) {
  return std::make_unique<FlowsView>(dynamic_cast<FlowsLab&>(lab), edits);
}

bool FlowsView::handleInput(const QEvent* event, const ViewSurface& surface) {
  PlaneEditor editor;  // drag pans, the wheel zooms
  return plane_.handle(event, lab_.camera(), surface, surface.width, editor, edits_);
}

std::optional<LabRequest> FlowsView::buildPanel(ControlRects& rects) {
  DockLayout::current().begin("Normalizing Flows", DockSide::Left, ui(430));
  edits_.show();
  hint(
      "f maps data x to latent z; log p(x) = log N(f(x); 0, σ²I) + Σ log |det J| of the layers "
      "(nats). Training minimises the NLL = −mean log p on minibatches. Space trains, Right / "
      "Left add or remove a layer of the picture, R resets.");
  trainingSection(rects);
  if (foldable("Flow", true)) flowSection();
  if (foldable("Shown", true)) shownSection(rects);
  if (foldable("Continuous flow (ODE likelihood)", false)) continuousSection(rects);
  ImGui::End();
  curvesWindow();
  return std::nullopt;
}

void FlowsView::trainingSection(ControlRects& rects) {
  ImGui::TextWrapped("training: %s; drawing: %s", lab_.backendName().c_str(),
                     lab_.drawingBackend().c_str());
  if (ImGui::Button(lab_.playing() ? "Pause" : "Train")) lab_.togglePlay();
  remember(rects, "flows_play");
  ImGui::SameLine();
  if (ImGui::Button("Step")) edits_.apply([&] { lab_.trainSteps(1); });
  ImGui::SameLine();
  if (ImGui::Button("+500")) edits_.apply([&] { lab_.trainSteps(500); });
  remember(rects, "flows_train500");
  ImGui::SameLine();
  if (ImGui::Button("Reset")) edits_.apply([&] { lab_.resetTraining(); });
  ImGui::Text("step %ld / %ld", lab_.steps(), lab_.settings().training.adam.totalSteps);
  ImGui::InputText("flow file", path_, sizeof(path_));
  if (ImGui::Button("Save flow")) edits_.apply([&] { lab_.saveFlow(path_); });
  ImGui::SameLine();
  if (ImGui::Button("Load flow")) edits_.apply([&] { lab_.loadFlow(path_); });
  hint("safetensors, as `flowscope-cli flow-train` writes them (`logp --model flow:FILE`).");
}

void FlowsView::flowSection() {
  FlowsSettings s = lab_.settings();
  bool changed = false;
  if (ImGui::BeginCombo("data", s.data.c_str())) {
    for (const auto& name : presetNames())
      if (ImGui::Selectable(name.c_str(), s.data == name)) s.data = name, changed = true;
    ImGui::EndCombo();
  }
  FlowSpec& f = s.training.flow;
  changed |= enumCombo("flow", f.kind,
                       {FlowKind::Nice, FlowKind::RealNvp, FlowKind::Glow, FlowKind::Spline},
                       flowKindName);
  ImGui::TextDisabled("%s", flowKindTitle(f.kind).c_str());
  changed |= ImGui::SliderInt(f.kind == FlowKind::Glow ? "steps (3 layers each)" : "couplings",
                              &f.layers, 1, 32);
  changed |= ImGui::SliderInt("width", &f.width, 16, 512, "%d", ImGuiSliderFlags_Logarithmic);
  changed |= ImGui::SliderInt("depth", &f.depth, 1, 8);
  changed |= enumCombo(
      "activation", f.activation,
      {Activation::Relu, Activation::Silu, Activation::Gelu, Activation::Tanh, Activation::Elu},
      activationName);
  float base = float(f.baseScale);
  if (ImGui::SliderFloat("base σ", &base, 0.1f, 5.0f, "%.2f")) f.baseScale = base, changed = true;
  if (f.kind == FlowKind::Spline) {
    changed |= ImGui::SliderInt("bins", &f.bins, 2, 16);
    float b = float(f.tailBound);
    if (ImGui::SliderFloat("tail bound B", &b, 1.0f, 10.0f, "%.1f"))
      f.tailBound = b, changed = true;
  }
  float lr = float(s.training.adam.learningRate);
  if (ImGui::SliderFloat("learning rate", &lr, 1e-4f, 3e-2f, "%.1e", ImGuiSliderFlags_Logarithmic))
    s.training.adam.learningRate = lr, changed = true;
  int total = int(s.training.adam.totalSteps);
  if (ImGui::SliderInt("total steps", &total, 100, 20000, "%d", ImGuiSliderFlags_Logarithmic))
    s.training.adam.totalSteps = total, changed = true;
  changed |=
      ImGui::SliderInt("batch", &s.training.batch, 16, 4096, "%d", ImGuiSliderFlags_Logarithmic);
  changed |= ImGui::SliderInt("steps / frame", &s.stepsPerFrame, 1, 200, "%d",
                              ImGuiSliderFlags_Logarithmic);
  if (changed) edits_.apply([&] { lab_.setSettings(s); });
  ImGui::TextDisabled("%zu parameters; editing the flow resets training",
                      flowLayout(lab_.settings().training.flow).count);
}

void FlowsView::shownSection(ControlRects& rects) {
  FlowsSettings s = lab_.settings();
  bool changed = false;
  int dir = s.generate ? 1 : 0;
  changed |= ImGui::RadioButton("gaussianise (data → latent)", &dir, 0);
  changed |= ImGui::RadioButton("generate (latent → data)", &dir, 1);
  s.generate = dir == 1;
  int layer = lab_.shownLayer();
  if (ImGui::SliderInt("layers applied", &layer, 0, lab_.layerCount())) {
    s.layer = layer == lab_.layerCount() ? -1 : layer;
    changed = true;
  }
  remember(rects, "flows_layer");
  if (ImGui::Button(lab_.animatingLayers() ? "Animating..." : "Animate the layers"))
    lab_.animateLayers(true);
  remember(rects, "flows_animate");
  changed |= enumCombo("heatmap", s.heatmap,
                       {FlowHeatmap::Split, FlowHeatmap::Model, FlowHeatmap::Data,
                        FlowHeatmap::LayerLogDet, FlowHeatmap::Divergence, FlowHeatmap::None},
                       flowHeatmapName);
  hint(
      "split: the flow's density exp(log p) left of the middle, the data's right (a point "
      "cloud's blurred by 0.1); logdet: the shown layer's log |det J| at its input; divergence: "
      "the continuous view below.");
  changed |= ImGui::Checkbox("grid", &s.showGrid);
  ImGui::SameLine();
  changed |= ImGui::Checkbox("points", &s.showPoints);
  if (changed) edits_.apply([&] { lab_.setSettings(s); });
}

void FlowsView::continuousSection(ControlRects& rects) {
  FlowsSettings s = lab_.settings();
  bool changed = false;
  hint(
      "The probability-flow ODE of flow matching, x_t = (1 − t) x0 + t ε (t = 0 data, t = 1 "
      "noise), for the exact data: log p0(x) = log N(x1) + ∫ div v dt along the path "
      "(instantaneous change of variables); edm path: x = x0 + σ ε, σ to 80. Hutchinson: div v ≈ "
      "ε^T (∂v/∂x) ε with K probes.");
  float t = float(s.divergenceTime);
  if (ImGui::SliderFloat("divergence t", &t, 0.01f, 0.99f, "%.2f"))
    s.divergenceTime = t, changed = true;
  float y = float(s.lineY);
  if (ImGui::SliderFloat("line y", &y, -4.0f, 4.0f, "%.2f")) s.lineY = y, changed = true;
  changed |= enumCombo("path", s.ode.path, {OdePath::Flow, OdePath::Edm}, odePathName);
  changed |= enumCombo("solver", s.ode.solver, {OdeSolver::Euler, OdeSolver::Heun, OdeSolver::Rk4},
                       odeSolverName);
  changed |=
      ImGui::SliderInt("ODE steps", &s.ode.steps, 4, 1024, "%d", ImGuiSliderFlags_Logarithmic);
  changed |=
      enumCombo("trace", s.ode.trace, {TraceKind::Exact, TraceKind::Hutchinson}, traceKindName);
  if (s.ode.trace == TraceKind::Hutchinson) {
    changed |=
        ImGui::SliderInt("probes K", &s.ode.probes, 1, 256, "%d", ImGuiSliderFlags_Logarithmic);
    changed |= enumCombo("probe", s.ode.probe, {ProbeKind::Gaussian, ProbeKind::Rademacher},
                         probeKindName);
  }
  if (changed) edits_.apply([&] { lab_.setSettings(s); });
  ImGui::InputText("model", odeModel_, sizeof(odeModel_));
  hint(
      "empty: the exact data (a mixture); else a network file of `flowscope-cli train` (or the "
      "Training lab's Save weights), its ODE compared with the data's closed form.");
  if (std::string(odeModel_) != s.odeModel) {
    s.odeModel = odeModel_;
    edits_.apply([&] { lab_.setSettings(s); });
  }
  if (ImGui::Button("Compute the ODE likelihood along the line"))
    edits_.apply([&] { lab_.computeOdeLine(); });
  remember(rects, "flows_ode");
}

void FlowsView::curvesWindow() {
  DockLayout::current().begin("Flow curves", DockSide::Right, ui(400));
  const float w = ImGui::GetContentRegionAvail().x;
  // NLL: minibatch (binned) and held-out, and the data's own NLL (a mixture's) as the floor.
  const std::vector<float>& nll = lab_.nllCurve();
  std::vector<double> x, train;
  const size_t bin = std::max<size_t>(1, nll.size() / kChartPoints);
  for (size_t i = 0; i + bin <= nll.size(); i += bin) {
    double sum = 0.0;
    for (size_t k = i; k < i + bin; ++k) sum += nll[k];
    x.push_back(double(i + bin));
    train.push_back(sum / double(bin));
  }
  std::vector<double> held(x.size(), NAN), floor(x.size(), NAN);
  for (size_t i = 0; i < x.size(); ++i) {
    for (const auto& [step, v] : lab_.heldOutCurve())
      if (double(step) <= x[i]) held[i] = v;
    if (lab_.dataEntropyBound()) floor[i] = *lab_.dataEntropyBound();
  }
  ImGui::TextUnformatted("NLL (nats per point)");
  if (!x.empty())
    chart("##nll", x,
          {{"minibatch", train, kAmber}, {"held-out", held, kCyan}, {"data's own", floor, kGreen}},
          false, false, "step", ImVec2(w, ui(150)));
  else
    ImGui::TextDisabled("press Train");
  // Each layer's share: NLL = −mean log N(z) − Σ mean log|det J_k|.
  if (const FlowPicture* view = lab_.view(); view && !view->layerLogDet.empty()) {
    ImGui::TextWrapped("held-out NLL by layer (−mean log|det J|; base: −mean log N(z))");
    const ImVec2 o = ImGui::GetCursorScreenPos();
    const float h = ui(110);
    ImGui::InvisibleButton("##layers", ImVec2(w, h));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(o, ImVec2(o.x + w, o.y + h), IM_COL32(20, 22, 28, 255));
    std::vector<double> bars{-view->baseLogp};
    for (double d : view->layerLogDet) bars.push_back(-d);
    double top = 1e-9;
    for (double b : bars) top = std::max(top, std::abs(b));
    const float mid = o.y + h / 2, bw = w / float(bars.size());
    dl->AddLine(ImVec2(o.x, mid), ImVec2(o.x + w, mid), IM_COL32(120, 120, 130, 255));
    for (size_t i = 0; i < bars.size(); ++i) {
      const float len = float(bars[i] / top) * (h / 2 - ui(4));
      dl->AddRectFilled(ImVec2(o.x + bw * float(i) + 1, std::min(mid, mid - len)),
                        ImVec2(o.x + bw * float(i + 1) - 1, std::max(mid, mid - len)),
                        i == 0 ? kGreen : (int(i) == lab_.shownLayer() ? kAmber : kCyan));
    }
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped(
        "green: base %.3f; bars: layers 1..%zu (up: adds NLL; amber: the shown "
        "layer); total %.4f",
        -view->baseLogp, view->layerLogDet.size(), view->heldOutNll);
    ImGui::PopStyleColor();
  }
  const OdeLine& line = lab_.odeLine();
  if (!line.x.empty()) {
    ImGui::Separator();
    ImGui::TextWrapped("ODE log p along the line (%s) and the data's closed form",
                       line.model.c_str());
    std::vector<double> diff, lo, hi;
    for (size_t i = 0; i < line.x.size(); ++i) {
      diff.push_back(line.ode[i] - line.closed[i]);
      lo.push_back(line.ode[i] - 2.0 * line.standardError[i]);
      hi.push_back(line.ode[i] + 2.0 * line.standardError[i]);
    }
    std::vector<Series> series{{"ODE", line.ode, kAmber}, {"closed form", line.closed, kCyan}};
    if (line.hutchinson) {
      series.push_back({"± 2 s.e.", lo, kPink});
      series.push_back({"", hi, kPink});
    }
    chart("##odeline", line.x, series, false, false, "x", ImVec2(w, ui(120)));
    if (line.hutchinson)
      ImGui::TextWrapped("Hutchinson: mean standard error %.3g (K = %d probes)",
                         line.meanStandardError, lab_.settings().ode.probes);
    chart("##odediff", line.x, {{"ODE − closed form", diff, kPink}}, false, false, "x",
          ImVec2(w, ui(80)));
    if (!line.trajectory.empty()) {
      ImGui::TextUnformatted("log p(x(t), t) carried along the white trajectory");
      chart("##traj", line.trajectoryT, {{"log p(x(t), t)", line.trajectoryLogp, kGreen}}, true,
            false, "t", ImVec2(w, ui(90)));
    }
    ImGui::TextUnformatted("max |error| on 16 of the points");
    if (ImGui::BeginTable("##odeerr", int(line.steps.size()) + 1, ImGuiTableFlags_Borders)) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted("steps");
      for (int n : line.steps) {
        ImGui::TableNextColumn();
        ImGui::Text("%d", n);
      }
      const char* names[] = {"euler", "heun", "rk4"};
      for (size_t r = 0; r < line.error.size(); ++r) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(names[r]);
        for (double e : line.error[r]) {
          ImGui::TableNextColumn();
          ImGui::Text("%.0e", e);
        }
      }
      ImGui::EndTable();
    }
  }
  ImGui::End();
}

}  // namespace flowscope
