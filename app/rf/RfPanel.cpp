#include "RfPanel.h"

#include <imgui.h>

#include <cstdio>

#include "DockLayout.h"
#include "PanelWidgets.h"

namespace flowscope {

void RfPanel::build(RfLab& lab, std::map<std::string, ControlRect>& rects) {
  DockLayout::current().begin("Receptive Field", DockSide::Left, ui(430));
  edits_.show();
  hint(
      "Hover the image: the selected layer's unit there, its theoretical receptive field (cyan) "
      "and the padding it reaches into (orange). Click: pin that unit; its effective receptive "
      "field is drawn over the image (magma, yellow box). Drag pans, wheel zooms. Coordinates are "
      "pixel indices, pixel i centred at i. The Lab menu (Ctrl+1...) switches labs.");
  if (foldable("Architecture", true)) architectureSection(lab, rects);
  if (foldable("Layers (editor)", true)) {
    hint(
        "name, type, then kernel k, stride s, padding p (symmetric), dilation d (drag or "
        "double-click to type); square kernels; ^ v x + move, remove, insert. A parallel block "
        "sums its branches (an empty branch is the identity).");
    // A copy: an edit replaces the lab's architecture while the rows after it are still drawn.
    const std::vector<RfLayer> layers = lab.architecture().layers;
    layerList(lab, layers, {}, rects);
  }
  if (foldable("Effective receptive field", true)) erfSection(lab, rects);
  ImGui::End();
  tableWindow(lab, rects);
}

void RfPanel::architectureSection(RfLab& lab, std::map<std::string, ControlRect>& rects) {
  const Architecture& a = lab.architecture();
  if (ImGui::BeginCombo("preset", a.name.c_str())) {
    for (const auto& n : rfPresetNames())
      if (ImGui::Selectable(n.c_str(), n == a.name)) edits_.apply([&] { lab.loadArchitecture(n); });
    ImGui::EndCombo();
  }
  remember(rects, "rf_preset");
  ImGui::InputText("file", archPath_, sizeof(archPath_));
  remember(rects, "rf_path");
  if (ImGui::Button("Load JSON")) edits_.apply([&] { lab.loadArchitecture(archPath_); });
  remember(rects, "rf_load");
  ImGui::SameLine();
  if (ImGui::Button("Save JSON")) edits_.apply([&] { lab.saveArchitecture(archPath_); });
  remember(rects, "rf_save");
  int size[2] = {a.height, a.width};
  ImGui::SetNextItemWidth(ui(160));
  if (ImGui::InputInt2("input H, W", size, ImGuiInputTextFlags_EnterReturnsTrue))
    edits_.apply([&] { lab.setInputSize(size[0], size[1]); });
  remember(rects, "rf_input");
  // The image.
  const RfLabSettings& s = lab.settings();
  if (ImGui::BeginCombo("image", s.image.c_str())) {
    for (const auto& n : rfImageNames())
      if (ImGui::Selectable(n.c_str(), n == s.image)) edits_.apply([&] { lab.setImage(n); });
    ImGui::EndCombo();
  }
  ImGui::InputText("PNG", imagePath_, sizeof(imagePath_));
  ImGui::SameLine();
  if (ImGui::Button("Open")) edits_.apply([&] { lab.setImage(imagePath_); });
}

void RfPanel::layerList(RfLab& lab, const std::vector<RfLayer>& layers, const LayerPath& prefix,
                        std::map<std::string, ControlRect>& rects) {
  static const char* kTypes[] = {"conv", "maxpool", "avgpool", "parallel"};
  for (size_t i = 0; i < layers.size(); ++i) {
    const RfLayer& l = layers[i];
    LayerPath path = prefix;
    path.push_back(int(i));
    ImGui::PushID(int(i));
    // A row's controls close together, so a row fits the panel's width.
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(ui(3), ImGui::GetStyle().ItemSpacing.y));
    const bool selected = lab.selected() == l.name;
    if (ImGui::Selectable(l.name.c_str(), selected, 0, ui(80, 0)))
      edits_.apply([&] { lab.selectLayer(l.name); });
    if (prefix.empty() && i == 0) remember(rects, "rf_layer_0");
    ImGui::SameLine();
    int type = int(l.type);
    ImGui::SetNextItemWidth(ui(70));
    if (ImGui::Combo("##type", &type, kTypes, 4))
      edits_.apply([&] {
        RfLayer m = l;
        m.type = RfLayerType(type);
        if (m.type == RfLayerType::Parallel && m.branches.empty()) m.branches = {{}, {}};
        if (m.type != RfLayerType::Parallel) m.branches.clear();
        lab.replaceLayer(path, m);
      });
    if (l.type != RfLayerType::Parallel) {
      int* fields[] = {nullptr, nullptr, nullptr, nullptr};
      RfLayer m = l;
      fields[0] = &m.kernel, fields[1] = &m.stride, fields[2] = &m.padding, fields[3] = &m.dilation;
      const char* labels[] = {"##k", "##s", "##p", "##d"};
      for (int f = 0; f < 4; ++f) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(ui(26));
        ImGui::PushID(f);
        if (ImGui::DragInt(labels[f], fields[f], 0.1f, f == 2 ? 0 : 1, 512))
          edits_.apply([&] { lab.replaceLayer(path, m); });
        if (prefix.empty() && i == 0 && f == 0) remember(rects, "rf_kernel_0");
        ImGui::PopID();
      }
    }
    ImGui::SameLine();
    if (ImGui::SmallButton("^")) edits_.apply([&] { lab.moveLayer(path, -1); });
    ImGui::SameLine();
    if (ImGui::SmallButton("v")) edits_.apply([&] { lab.moveLayer(path, +1); });
    ImGui::SameLine();
    if (ImGui::SmallButton("x")) edits_.apply([&] { lab.removeLayer(path); });
    ImGui::SameLine();
    if (ImGui::SmallButton("+")) {
      LayerPath after = path;
      after.back() += 1;
      edits_.apply([&] {
        RfLayer n;
        n.name = l.name + "_copy";
        for (int k = 2; lab.table().find(n.name); ++k) n.name = l.name + "_" + std::to_string(k);
        n.kernel = 3, n.padding = 1;
        lab.insertLayer(after, n);
      });
    }
    ImGui::PopStyleVar();
    if (l.type == RfLayerType::Parallel) {
      ImGui::Indent(14);
      for (size_t b = 0; b < l.branches.size(); ++b) {
        ImGui::PushID(int(b) + 1000);
        LayerPath branch = path;
        branch.push_back(int(b));
        ImGui::TextDisabled("branch %zu%s", b, l.branches[b].empty() ? " (identity)" : "");
        ImGui::SameLine();
        if (ImGui::SmallButton("+ layer"))
          edits_.apply([&] {
            RfLayer n;
            n.name = l.name + "_b" + std::to_string(b) + "_" + std::to_string(l.branches[b].size());
            n.kernel = 3, n.padding = 1;
            LayerPath at = branch;
            at.push_back(int(l.branches[b].size()));
            lab.insertLayer(at, n);
          });
        layerList(lab, l.branches[b], branch, rects);
        ImGui::PopID();
      }
      if (ImGui::SmallButton("+ branch")) edits_.apply([&] { lab.addBranch(path); });
      ImGui::Unindent(14);
    }
    ImGui::PopID();
  }
}

void RfPanel::erfSection(RfLab& lab, std::map<std::string, ControlRect>& rects) {
  const ErfOptions& o = lab.erfOptions();
  const RfLabSettings& s = lab.settings();
  hint(
      "The gradient |dy/dx| of the pinned unit (click the image) with respect to the input: a "
      "unit impulse back-propagated through the stack (transpose convolutions) with one channel "
      "per layer, averaged over seeds.");
  int w = int(o.weights);
  const char* names[] = {"uniform (1/k^2)", "random N(0,1)", "loaded (JSON)"};
  if (ImGui::Combo("weights", &w, names, 2 + (weightsPath_[0] ? 1 : 0)))
    edits_.apply([&] { lab.setWeights(RfWeights(w), weightsPath_); });
  remember(rects, "rf_weights");
  ImGui::SetNextItemWidth(ui(220));
  ImGui::InputText("##weightsfile", weightsPath_, sizeof(weightsPath_));
  ImGui::SameLine();
  if (ImGui::Button("Load weights JSON"))
    edits_.apply([&] { lab.setWeights(RfWeights::Loaded, weightsPath_); });
  bool relu = o.relu;
  if (ImGui::Checkbox("ReLU after each conv", &relu)) edits_.apply([&] { lab.setRelu(relu); });
  remember(rects, "rf_relu");
  int seeds = o.seeds;
  if (ImGui::SliderInt("seeds", &seeds, 1, 32)) edits_.apply([&] { lab.setSeeds(seeds); });
  bool onImage = s.erfOnImage;
  if (ImGui::Checkbox("forward pass on the image", &onImage))
    edits_.apply([&] { lab.setErfOnImage(onImage); });
  hint("off: on N(0, 1) noise instead of the image");
  bool show = s.showErf, grid = s.showGrid;
  if (ImGui::Checkbox("show ERF", &show)) lab.setShowErf(show);
  ImGui::SameLine();
  if (ImGui::Checkbox("unit centres", &grid)) lab.setShowGrid(grid);
  float opacity = s.erfOpacity;
  if (ImGui::SliderFloat("opacity", &opacity, 0.1f, 1.0f)) lab.setErfOpacity(opacity);
  const ErfStats& st = lab.stats();
  const auto [ur, uc] = lab.erfUnit();
  ImGui::Text("unit (%d, %d) of %s", ur, uc, lab.selected().c_str());
  char spread[160];
  std::snprintf(spread, sizeof(spread),
                "spread %.2f px; 95%% of the mass in %d px = %.1f%% of the box", st.spread,
                st.pixels95, 100.0 * st.area95);
  ImGui::TextWrapped("%s", spread);
  ImGui::Text("computed in %.2f ms on the %s", lab.computeMs(), lab.onGpu() ? "GPU" : "CPU");
  if (!lab.note().empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.6f, 0.3f, 1.0f));
    ImGui::TextWrapped("%s", lab.note().c_str());
    ImGui::PopStyleColor();
  }
}

void RfPanel::tableWindow(RfLab& lab, std::map<std::string, ControlRect>& rects) {
  DockLayout::current().begin("Theoretical receptive field", DockSide::Right, ui(410));
  hint(
      "size r: the box a unit sees; jump j: input pixels between neighbouring units; start: "
      "the input coordinate of the first unit's centre. span = d(k-1)+1; r += (span-1) j; "
      "j *= s; start += ((span-1)/2 - p) j.");
  const RfTable& t = lab.table();
  if (ImGui::BeginTable("rf", 5,
                        ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_Borders,
                        ui(0, 230))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    for (const char* c : {"layer", "size", "jump", "start", "units"}) ImGui::TableSetupColumn(c);
    ImGui::TableHeadersRow();
    for (const RfRow& r : t.rows) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      std::string label = std::string(size_t(r.level) * 2, ' ') + r.name;
      if (r.misaligned) label += " (misaligned!)";
      if (ImGui::Selectable(label.c_str(), lab.selected() == r.name,
                            ImGuiSelectableFlags_SpanAllColumns))
        edits_.apply([&] { lab.selectLayer(r.name); });
      ImGui::TableNextColumn();
      ImGui::Text("%lld", (long long)r.out.size);
      ImGui::TableNextColumn();
      ImGui::Text("%lld", (long long)r.out.jump);
      ImGui::TableNextColumn();
      ImGui::Text("%.1f", r.out.start);
      ImGui::TableNextColumn();
      ImGui::Text("%dx%d", r.out.unitsH, r.out.unitsW);
    }
    ImGui::EndTable();
  }
  remember(rects, "rf_table");
  std::vector<double> depth, size;
  for (const RfRow& r : t.rows)
    if (r.level == 0) depth.push_back(r.depth), size.push_back(double(r.out.size));
  chart("growth", depth, {{"theoretical size r", size, kCyan}}, false, false, "depth", ui(390, 90));
  bool growth = lab.settings().showGrowth;
  if (ImGui::Checkbox("sqrt(depth) lesson: ERF spread of every layer", &growth))
    lab.setShowGrowth(growth);
  remember(rects, "rf_growth");
  if (growth && !lab.growth().empty()) {
    const auto& g = lab.growth();
    const GrowthFit sq = lab.sqrtFit(), lin = lab.linearFit();
    std::vector<double> d, spread, fit, half;
    for (const auto& p : g) {
      d.push_back(p.depth), spread.push_back(p.spread);
      fit.push_back(sq.coefficient * std::sqrt(double(p.depth)));
      half.push_back(double(p.size - 1) / 2.0 / 3.0);
    }
    chart("spread", d,
          {{"ERF spread", spread, kAmber},
           {"c sqrt(depth)", fit, kGreen},
           {"(r-1)/6 (linear)", half, kCyan}},
          false, false, "depth", ui(390, 120));
    ImGui::Text("spread ~ %.3f sqrt(depth), R^2 %.3f", sq.coefficient, sq.r2);
    ImGui::Text("r - 1 ~ %.2f depth, R^2 %.3f (Luo et al. 2016)", lin.coefficient, lin.r2);
    ImGui::Text("95%% area: %.1f%% at depth %d, %.1f%% at depth %d", 100.0 * g.front().area95,
                g.front().depth, 100.0 * g.back().area95, g.back().depth);
  }
  ImGui::End();
}

}  // namespace flowscope
