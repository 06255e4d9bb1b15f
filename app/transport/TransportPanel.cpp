#include "TransportPanel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "Dataset.h"
#include "DockLayout.h"
#include "PanelWidgets.h"

namespace flowscope {
namespace {

// log10 of a series for plotting; NaN (not evaluated) entries repeat the previous value.
std::vector<float> log10Series(const std::vector<SinkhornRecord>& h, bool gap) {
  std::vector<float> out;
  out.reserve(h.size());
  float last = 0.0f;
  for (const auto& r : h) {
    const double v = gap ? r.gap : r.marginalError;
    if (std::isfinite(v)) last = float(std::log10(std::max(v, 1e-16)));
    out.push_back(last);
  }
  return out;
}

}  // namespace

std::optional<LabRequest> TransportPanel::build(TransportLab& lab, ControlRects& rects) {
  std::optional<LabRequest> request;
  DockLayout::current().begin("Transport", DockSide::Left, ui(400));
  edits_.show();
  hint(
      "Drag a point to move it (the plan re-solves warm); Shift+click adds a source point, "
      "Ctrl+click a target point; drag empty space to pan, wheel to zoom. The Lab menu "
      "(Ctrl+1...) switches labs.");
  int mode = int(lab.settings().mode);
  ImGui::RadioButton("Plan", &mode, 0);
  remember(rects, "transport.mode.plan");
  ImGui::SameLine();
  ImGui::RadioButton("Couplings for flow matching", &mode, 1);
  remember(rects, "transport.mode.coupling");
  ImGui::RadioButton("W1 critic", &mode, 2);
  remember(rects, "transport.mode.critic");
  ImGui::SameLine();
  ImGui::RadioButton("2-D GAN", &mode, 3);
  remember(rects, "transport.mode.gan");
  if (mode != int(lab.settings().mode)) lab.setMode(TransportMode(mode));

  if (lab.settings().mode == TransportMode::Plan) {
    const TransportSolution& s = lab.solution();
    const bool sq = lab.settings().cost == CostKind::SqEuclidean;
    if (s.f.empty()) {
      ImGui::TextUnformatted(lab.progress() ? "solving..." : "no solution");
    } else {
      ImGui::Text("%s = %.6g   <P,C> = %.6g", sq ? "W2" : "W1", s.w, s.cost);
      ImGui::Text("%ld %s, marginal error %.2e, %.1f ms", s.iterations,
                  s.method == OtMethod::Sinkhorn ? "iterations" : "pivots", s.marginalError,
                  s.timeMs);
      // A line of its own, kept when empty: the figures' line stays within the panel and the
      // controls below never move as solves start and end.
      ImGui::TextUnformatted(lab.progress() ? "(the previous solve's figures; solving)" : " ");
    }
    if (s.status != SolveStatus::Converged && !s.message.empty())
      ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.35f, 1.0f), "%s", s.message.c_str());
    if (foldable("Source a (orange)", false)) measureSection(lab, false);
    if (foldable("Target b (teal)", false)) measureSection(lab, true);
    if (foldable("Solver", true)) solverSection(lab, rects);
    if (foldable("Display", true)) displaySection(lab, rects);
    if (lab.settings().method == OtMethod::Sinkhorn && foldable("Sinkhorn step-through", false))
      stepThroughSection(lab, rects);
  } else if (lab.settings().mode == TransportMode::Coupling) {
    request = couplingSection(lab, rects);
  } else if (lab.settings().mode == TransportMode::Critic) {
    criticSection(lab, rects);
  } else {
    ganSection(lab, rects);
  }
  ImGui::End();
  return request;
}

void TransportPanel::measureSection(TransportLab& lab, bool target) {
  ImGui::PushID(target ? "target" : "source");
  MeasureSpec spec = target ? lab.settings().target : lab.settings().source;
  std::vector<std::string> names = {"gaussian"};
  for (const auto& p : presetNames()) names.push_back(p);
  if (ImGui::BeginCombo("points", spec.name.c_str())) {
    for (const auto& n : names)
      if (ImGui::Selectable(n.c_str(), n == spec.name)) {
        MeasureSpec next = spec;
        next.name = n;
        next.weightsPath.clear();
        edits_.apply([&] { target ? lab.setTarget(next) : lab.setSource(next); });
      }
    ImGui::EndCombo();
  }
  int count = spec.count;
  if (ImGui::SliderInt("count", &count, 2, TransportLab::kMaxPoints, "%d",
                       ImGuiSliderFlags_Logarithmic) &&
      count != spec.count) {
    MeasureSpec next = spec;
    next.count = count;
    edits_.apply([&] { target ? lab.setTarget(next) : lab.setSource(next); });
  }
  float scale = float(spec.scale);
  float offset[2] = {float(spec.offset.x), float(spec.offset.y)};
  bool edited = ImGui::SliderFloat("scale", &scale, 0.1f, 4.0f, "%.2f");
  edited |= ImGui::SliderFloat2("offset", offset, -6.0f, 6.0f, "%.2f");
  if (edited) {
    MeasureSpec next = spec;
    next.scale = scale;
    next.offset = {offset[0], offset[1]};
    edits_.apply([&] { target ? lab.setTarget(next) : lab.setSource(next); });
  }
  char* path = target ? targetPath_ : sourcePath_;
  char* weights = target ? targetWeights_ : sourceWeights_;
  ImGui::InputText("CSV (x,y)", path, 512);
  ImGui::InputText("weights CSV (w)", weights, 512);
  if (ImGui::Button("Load CSV")) {
    MeasureSpec next = spec;
    next.name = path;
    next.weightsPath = weights;
    next.scale = 1.0;
    next.offset = {0.0, 0.0};
    edits_.apply([&] { target ? lab.setTarget(next) : lab.setSource(next); });
  }
  hint(
      "Weights are normalised to sum 1; a negative or all-zero weight is an error naming the "
      "file and row.");
  ImGui::PopID();
}

void TransportPanel::solverSection(TransportLab& lab, std::map<std::string, ControlRect>& rects) {
  const TransportSettings& s = lab.settings();
  int method = int(s.method);
  ImGui::RadioButton("exact (network simplex)", &method, 0);
  remember(rects, "transport.method.exact");
  ImGui::SameLine();
  ImGui::RadioButton("Sinkhorn", &method, 1);
  remember(rects, "transport.method.sinkhorn");
  if (method != int(s.method)) edits_.apply([&] { lab.setMethod(OtMethod(method)); });
  int cost = int(s.cost);
  ImGui::RadioButton("|x-y|^2 (W2)", &cost, 0);
  ImGui::SameLine();
  ImGui::RadioButton("|x-y| (W1)", &cost, 1);
  if (cost != int(s.cost)) edits_.apply([&] { lab.setCost(CostKind(cost)); });
  if (s.method == OtMethod::Sinkhorn) {
    float eps = float(s.epsilon);
    if (ImGui::SliderFloat("ε", &eps, 1e-3f, 10.0f, "%.4g", ImGuiSliderFlags_Logarithmic))
      edits_.apply([&] { lab.setEpsilon(eps); });
    remember(rects, "transport.epsilon");
    hint(
        "ε is POT's reg: min <P,C> + ε Σ P log P. GeomLoss blur = √ε for |x−y|². "
        "The reported cost is <P,C> (POT's sinkhorn2); W = cost^(1/p).");
    ImGui::Text("blur = √ε = %.4g", std::sqrt(s.epsilon));
    bool anneal = s.annealing;
    if (ImGui::Checkbox("ε-annealing", &anneal)) edits_.apply([&] { lab.setAnnealing(anneal); });
    hint("ε from max C, halving, 3 iterations each, down to the chosen ε");
    float tol = float(s.tolerance);
    hint("tolerance: the L1 marginal error |P1 - a| + |P^T 1 - b| that stops the solve");
    if (ImGui::InputFloat("tolerance", &tol, 0.0f, 0.0f, "%.1e",
                          ImGuiInputTextFlags_EnterReturnsTrue))
      edits_.apply([&] { lab.setTolerance(tol); });
    int maxIt = s.maxIterations;
    if (ImGui::InputInt("max iterations", &maxIt, 0, 0, ImGuiInputTextFlags_EnterReturnsTrue))
      edits_.apply([&] { lab.setMaxIterations(maxIt); });
  }
}

void TransportPanel::displaySection(TransportLab& lab, std::map<std::string, ControlRect>& rects) {
  const TransportSettings& s = lab.settings();
  bool plan = s.showPlan, matrix = s.showMatrix, interp = s.showInterpolation;
  if (ImGui::Checkbox("plan segments", &plan)) lab.setShowPlan(plan);
  ImGui::SameLine();
  if (ImGui::Checkbox("plan matrix", &matrix)) lab.setShowMatrix(matrix);
  int potential = int(s.potential);
  ImGui::Text("potential heatmap:");
  ImGui::RadioButton("none", &potential, 0);
  ImGui::SameLine();
  ImGui::RadioButton("f (source)", &potential, 1);
  remember(rects, "transport.potential.f");
  ImGui::SameLine();
  ImGui::RadioButton("g (target)", &potential, 2);
  if (potential != int(s.potential)) lab.setPotential(PotentialShown(potential));
  if (ImGui::Checkbox("displacement interpolation (McCann)", &interp))
    lab.setShowInterpolation(interp);
  remember(rects, "transport.interpolation");
  float t = float(s.t);
  if (ImGui::SliderFloat("t", &t, 0.0f, 1.0f, "%.3f")) edits_.apply([&] { lab.setT(t); });
  remember(rects, "transport.t");
  bool animate = s.animate;
  if (ImGui::Checkbox("animate t (Space)", &animate)) lab.setAnimate(animate);
  hint(
      "Each plan entry P_ij carries mass P_ij along the straight line (1-t) x_i + t y_j: the "
      "W2 geodesic between a and b for |x-y|^2.");
  if (ImGui::Button("Reset view (Home)")) lab.resetCamera();
}

void TransportPanel::stepThroughSection(TransportLab& lab,
                                        std::map<std::string, ControlRect>& rects) {
  bool on = lab.settings().stepThrough;
  if (ImGui::Checkbox("record every iteration", &on)) lab.setStepThrough(on);
  remember(rects, "transport.stepthrough");
  if (!on || lab.history().empty()) {
    hint(
        "Records f, g, the marginal error and the primal-dual gap of every iteration (annealing "
        "stages included); Left / Right then step through them.");
    return;
  }
  int k = lab.step();
  if (ImGui::SliderInt("iteration", &k, 1, int(lab.history().size()))) lab.setStep(k);
  remember(rects, "transport.iteration");
  if (ImGui::Button("< (Left)")) lab.stepBy(-1);
  ImGui::SameLine();
  if (ImGui::Button("> (Right)")) lab.stepBy(1);
  const SinkhornRecord& r = lab.history()[size_t(lab.step() - 1)];
  ImGui::Text("eps_k %.4g   marginal error %.2e   gap %.2e", r.epsilon, r.marginalError, r.gap);
  const auto err = log10Series(lab.history(), false);
  const auto gap = log10Series(lab.history(), true);
  ImGui::PlotLines("log10 marginal err", err.data(), int(err.size()), 0, nullptr, FLT_MAX, FLT_MAX,
                   ui(0, 70));
  ImGui::PlotLines("log10 gap", gap.data(), int(gap.size()), 0, nullptr, FLT_MAX, FLT_MAX,
                   ui(0, 70));
  hint(
      "gap: entropic objective of the rounded, feasible plan (Altschuler et al. 2017) minus the "
      "dual objective; >= 0, and 0 at the solution.");
}

std::optional<LabRequest> TransportPanel::couplingSection(TransportLab& lab, ControlRects& rects) {
  const TransportSettings& s = lab.settings();
  hint(
      "Data x0 (the target's points) paired with noise ε ~ N(0, I), in the app's one time "
      "convention: x_t = (1−t) x0 + t ε, t = 0 data, t = 1 noise (as the Diffusion & Flow "
      "lab's flow schedule). Flow matching regresses the velocity ε − x0 along these paths "
      "(it points to the noise; sampling runs from t = 1 to 0); crossing paths force the "
      "learned field to "
      "average directions, so curved trajectories and more sampler steps. OT pairing has the "
      "shortest, least crossing paths (Pooladian et al. 2023; Tong et al. 2023).");
  int kind = int(s.coupling);
  ImGui::RadioButton("independent", &kind, 0);
  ImGui::SameLine();
  ImGui::RadioButton("exact OT", &kind, 1);
  remember(rects, "transport.coupling.exact");
  ImGui::SameLine();
  ImGui::RadioButton("Sinkhorn", &kind, 2);
  if (kind != int(s.coupling)) lab.setCoupling(CouplingKind(kind));
  bool interp = s.showInterpolation, animate = s.animate;
  if (ImGui::Checkbox("points on the paths at t", &interp)) lab.setShowInterpolation(interp);
  float t = float(s.t);
  if (ImGui::SliderFloat("t##paths", &t, 0.0f, 1.0f, "%.3f")) edits_.apply([&] { lab.setT(t); });
  remember(rects, "transport.coupling.t");
  if (ImGui::Checkbox("animate t (Space)##paths", &animate)) lab.setAnimate(animate);
  float eps = float(s.couplingEpsilon);
  if (ImGui::SliderFloat("Sinkhorn ε", &eps, 1e-3f, 10.0f, "%.4g", ImGuiSliderFlags_Logarithmic))
    edits_.apply([&] { lab.setCouplingEpsilon(eps); });
  int n = s.couplingCount;
  if (ImGui::SliderInt("pairs", &n, 16, 1000, "%d", ImGuiSliderFlags_Logarithmic))
    edits_.apply([&] { lab.setCouplingCount(n); });
  hint(
      "Sinkhorn pairing: each noise point draws its partner from its row of the entropic plan "
      "(seeded). Crossings: pairs of straight paths whose segments intersect.");
  if (ImGui::BeginTable("couplings", 3, ImGuiTableFlags_Borders)) {
    ImGui::TableSetupColumn("coupling");
    ImGui::TableSetupColumn("crossings");
    ImGui::TableSetupColumn("mean |ε-x0|²");
    ImGui::TableHeadersRow();
    for (const Coupling& c : lab.couplings()) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::Text("%s", couplingName(c.kind).c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%zu", c.crossings);
      ImGui::TableNextColumn();
      ImGui::Text("%.4f", c.meanSquaredLength);
    }
    ImGui::EndTable();
  }
  // The chosen coupling as the Diffusion & Flow lab's flow-sampler option (CouplingModel.h).
  const bool use = ImGui::Button("Use in Diffusion & Flow lab");
  remember(rects, "transport.coupling.use");
  hint(
      "Sets that lab's flow coupling to this one (same kind, pairs, ε), its data to the "
      "target's preset when it is one, and a flow sampler, with the same t (t = 0 data, t = 1 "
      "noise).");
  if (!use) return std::nullopt;
  // In the Diffusion & Flow lab's words (DiffusionLab::receive): that lab checks and clamps them.
  nlohmann::json content = {{"flow_coupling",
                             {{"kind", couplingKey(s.coupling)},
                              {"pairs", s.couplingCount},
                              {"epsilon", s.couplingEpsilon}}}};
  if (isPreset(s.target.name)) content["data_preset"] = s.target.name;
  return LabRequest{"diffusion", std::move(content)};
}

}  // namespace flowscope
