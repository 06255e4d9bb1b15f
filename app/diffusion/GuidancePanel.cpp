// The Diffusion panel's guidance: the section that chooses the class, gamma, the interval and
// autoguidance, and the Guidance window (what the guided samples reach beside the tilted target,
// the distances, and the gamma sweep).
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "DiffusionPanel.h"
#include "DockLayout.h"
#include "GuidanceTarget.h"
#include "LiveMetrics.h"
#include "PanelWidgets.h"
#include "Theme.h"

namespace flowscope {
namespace {

ImU32 imColor(glm::vec4 c) {
  return ImGui::ColorConvertFloat4ToU32(ImVec4(c.r, c.g, c.b, c.a));
}

// The sweep's gammas and its sample count.
const double kSweepGammas[] = {0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0};
constexpr int kSweepSamples = 2000;

// A grid of masses as square cells, white (none) to the class colour (the largest).
void drawGrid(const DensityGrid& g, ImVec2 origin, float side, glm::vec4 color, double top) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled(origin, ImVec2(origin.x + side, origin.y + side), IM_COL32(18, 20, 26, 255));
  const float cell = side / float(g.n);
  for (int j = 0; j < g.n; ++j)
    for (int i = 0; i < g.n; ++i) {
      const double m = g.mass[size_t(j) * g.n + i];
      if (m <= 0.0) continue;
      const float a = float(std::min(1.0, std::sqrt(m / top)));  // sqrt: the tails show
      const ImVec2 lo(origin.x + cell * i, origin.y + side - cell * (j + 1));
      draw->AddRectFilled(lo, ImVec2(lo.x + cell, lo.y + cell),
                          imColor({color.r, color.g, color.b, a}));
    }
  ImGui::Dummy(ImVec2(side, side));
}

}  // namespace

void DiffusionPanel::guidanceSection(DiffusionLab& lab) {
  const int classes = guidanceClasses(lab.dataset());
  if (classes == 0) {
    hint(
        "No classes in this data: a mixture's \"labels\", a CSV's label column (x,y,label), the "
        "presets gmm8 (4 classes), grid25, moons, rings, spiral (2), or a network trained with "
        "classes (train --conditional).");
    return;
  }
  const GuidanceSpec g = lab.params().guidance();
  if (!guidanceEditing_) guidanceDraft_ = g;
  bool commit = false;
  auto track = [&] {
    if (ImGui::IsItemActive()) guidanceEditing_ = true;
    if (ImGui::IsItemDeactivated()) {
      guidanceEditing_ = false;
      commit |= ImGui::IsItemDeactivatedAfterEdit();
    }
  };
  const std::string shown =
      g.classLabel < 0 ? "none: p(x)" : "class " + std::to_string(g.classLabel);
  if (ImGui::BeginCombo("class c", shown.c_str())) {
    if (ImGui::Selectable("none: p(x)", g.classLabel < 0))
      guidanceDraft_.classLabel = -1, commit = true;
    for (int c = 0; c < classes; ++c) {
      ImGui::PushID(c);  // one swatch id a class
      ImGui::ColorButton("##swatch", ImGui::ColorConvertU32ToFloat4(imColor(classColor(c))),
                         ImGuiColorEditFlags_NoTooltip, ImVec2(ui(14), ui(14)));
      ImGui::SameLine();
      const std::string name = "class " + std::to_string(c);
      if (ImGui::Selectable(name.c_str(), c == g.classLabel))
        guidanceDraft_.classLabel = c, commit = true;
      ImGui::PopID();
    }
    ImGui::EndCombo();
  }
  if (g.classLabel >= 0) {
    const double lo = 0.0, hi = 10.0;
    ImGui::SliderScalar("γ guidance", ImGuiDataType_Double, &guidanceDraft_.scale, &lo, &hi,
                        "%.2f");
    track();
    ImGui::Text("w = γ − 1 = %.2f   (γ 0: p(x), 1: p(x | c))", guidanceDraft_.scale - 1.0);
    bool interval = std::isfinite(guidanceDraft_.sigmaHi) || guidanceDraft_.sigmaLo > 0.0;
    if (ImGui::Checkbox("only for σ in an interval", &interval)) {
      guidanceDraft_.sigmaLo = interval ? 0.28 : 0.0;  // a starting interval; the sliders move it
      guidanceDraft_.sigmaHi = interval ? 5.42 : INFINITY;
      commit = true;
    }
    if (interval) {
      const double sLo = 0.002, sHi = 80.0;
      ImGui::SliderScalar("σ_lo", ImGuiDataType_Double, &guidanceDraft_.sigmaLo, &sLo, &sHi, "%.3g",
                          ImGuiSliderFlags_Logarithmic);
      track();
      ImGui::SliderScalar("σ_hi", ImGuiDataType_Double, &guidanceDraft_.sigmaHi, &sLo, &sHi, "%.3g",
                          ImGuiSliderFlags_Logarithmic);
      track();
    }
    if (lab.dataset().mixture && !lab.dataset().learned) {
      const double fLo = 1.0, fHi = 10.0;
      ImGui::SliderScalar("autoguidance ×Σ", ImGuiDataType_Double, &guidanceDraft_.autoguidance,
                          &fLo, &fHi, "%.2f");
      track();
    }
    hint(
        "D = D_u + γ (D_c − D_u) (Ho & Salimans; diffusers' guidance_scale). Outside the σ "
        "interval the conditional model alone (Kynkäänniemi et al. 2024). Autoguidance × F > 1: "
        "D_u is class c's own mixture with covariances × F (Karras et al. 2024). Coarse arrows: "
        "class c's field and the guide's; fine arrows: the guided one.");
  }
  if (commit && !(guidanceDraft_ == g)) edits_.apply([&] { lab.setGuidance(guidanceDraft_); });
}

void DiffusionPanel::guidanceWindow(DiffusionLab& lab, PanelContext& context, ControlRects& rects) {
  DockLayout::current().begin("Guidance", DockSide::Right, ui(340), &context.guidanceOpen);
  const LiveMetrics& m = *context.metrics;
  if (!m.guided) {
    ImGui::TextWrapped(
        "Choose a class in the panel's Guidance section to compare what guided "
        "samples reach with the tilted target p(x | c)^γ p(x)^(1−γ).");
    ImGui::End();
    return;
  }
  const float side = std::floor((ImGui::GetContentRegionAvail().x - ui(8)) / 2.0f);
  const glm::vec4 color = classColor(m.guidance.classLabel);
  double top = 1e-300;
  for (double v : m.target.mass) top = std::max(top, v);
  for (double v : m.histogram.mass) top = std::max(top, v);
  ImGui::Text("samples, state %d", m.state);
  ImGui::SameLine(side + ui(8));
  ImGui::Text("target q_γ");
  drawGrid(m.histogram, ImGui::GetCursorScreenPos(), side, color, top);
  ImGui::SameLine(side + ui(8));
  drawGrid(m.target, ImGui::GetCursorScreenPos(), side, color, top);
  ImGui::Text("γ %.2f (w %.2f), class %d", m.guidance.scale, m.guidance.scale - 1.0,
              m.guidance.classLabel);
  ImGui::Text("spread (std per axis)      %.4g", m.readout.spread);
  ImGui::Text("energy distance to p(x|c)  %.4g", m.readout.energyToClass);
  ImGui::Text("energy distance to target  %.4g", m.readout.energyToTilted);
  ImGui::Text("total variation to target  %.3f", m.readout.tvToTilted);
  hint(
      "q_γ ∝ p(x | c)^γ p(x)^(1−γ) (the guide's density for p(x) with autoguidance), "
      "normalised on 64 × 64 cells around class c for γ ≥ 1 (its mean ± max(4 std, 1.5 × its "
      "distance to the data's mean)), around the data for γ < 1; √mass shading, the class's "
      "colour. Distances on 1,000 samples; "
      "the TV includes the histogram's sampling noise and the mass outside the grid. Read them "
      "at the last step.");
  ImGui::Separator();
  if (guidanceJob_.ready()) edits_.apply([&] { guidanceSweep_ = guidanceJob_.take(); });
  if (!guidanceJob_.running()) {
    if (ImGui::Button("Run γ sweep")) startGuidanceSweep(lab);
    remember(rects, "guidance sweep");
    ImGui::SameLine();
    ImGui::TextDisabled("γ 0..8, %d samples each, CPU", kSweepSamples);
  } else {
    if (ImGui::Button("Cancel")) guidanceJob_.cancel();
    remember(rects, "guidance sweep");
    ImGui::SameLine();
    ImGui::ProgressBar(float(std::max(0.0, guidanceJob_.monitor()->fraction.load())),
                       ImVec2(-1, 0));
  }
  guidanceSweepPlot(color);
  ImGui::End();
}

// One run per gamma on a worker thread (the CPU backend), stopping between runs when cancelled.
void DiffusionPanel::startGuidanceSweep(DiffusionLab& lab) {
  const DiffusionParams& p = lab.params();
  const SamplingConfig config{p.sampler(), p.schedule(), kSweepSamples, p.seed()};
  guidanceJob_.start([data = lab.datasetPtr(), g = p.guidance(), config](JobMonitor& m) {
    std::vector<GuidanceSweepRow> rows;
    const size_t n = std::size(kSweepGammas);
    for (size_t k = 0; k < n && !m.stop; ++k) {
      rows.push_back(guidanceSweep(data, g, config, std::span(&kSweepGammas[k], 1)).front());
      m.fraction = double(k + 1) / double(n);
    }
    return rows;
  });
}

void DiffusionPanel::guidanceSweepPlot(glm::vec4 classColour) {
  const ImVec2 size(ImGui::GetContentRegionAvail().x, ui(170));
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled(origin, ImVec2(origin.x + size.x, origin.y + size.y),
                      IM_COL32(20, 22, 28, 255));
  ImGui::Dummy(size);
  if (guidanceSweep_.empty()) return;
  double spreadTop = 1e-30, distTop = 1e-30;
  for (const auto& r : guidanceSweep_) {
    spreadTop = std::max(spreadTop, r.readout.spread);
    distTop = std::max({distTop, r.readout.energyToClass, r.readout.energyToTilted});
  }
  const double gammaTop = guidanceSweep_.back().gamma;
  auto at = [&](double gamma, double v) {
    return ImVec2(origin.x + ui(8) + float(gamma / gammaTop) * (size.x - ui(16)),
                  origin.y + ui(8) + float(1.0 - v) * (size.y - ui(16)));
  };
  const ImU32 spreadColor = imColor(classColour), toClass = IM_COL32(230, 230, 235, 255),
              toTarget = IM_COL32(150, 150, 160, 255);
  draw->AddLine(at(1.0, 0.0), at(1.0, 1.0), IM_COL32(90, 90, 100, 255));  // gamma = 1
  for (size_t i = 0; i < guidanceSweep_.size(); ++i) {
    const auto& r = guidanceSweep_[i];
    const double values[] = {r.readout.spread / spreadTop, r.readout.energyToClass / distTop,
                             r.readout.energyToTilted / distTop};
    const ImU32 colors[] = {spreadColor, toClass, toTarget};
    for (int k = 0; k < 3; ++k) {
      draw->AddCircleFilled(at(r.gamma, values[k]), 3.0f, colors[k]);
      if (i == 0) continue;
      const auto& q = guidanceSweep_[i - 1];
      const double prev[] = {q.readout.spread / spreadTop, q.readout.energyToClass / distTop,
                             q.readout.energyToTilted / distTop};
      draw->AddLine(at(q.gamma, prev[k]), at(r.gamma, values[k]), colors[k], 2.0f);
    }
  }
  const ImVec4 grey(0.78f, 0.78f, 0.82f, 1.0f);
  ImGui::TextColored(grey, "γ 0..%.0f along x (the line: γ = 1)", gammaTop);
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(spreadColor), "line: spread (max %.3g)",
                     spreadTop);
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(toClass), "line: energy distance to p(x|c)");
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(toTarget),
                     "line: energy distance to q_γ (max %.3g, both)", distTop);
}

}  // namespace flowscope
