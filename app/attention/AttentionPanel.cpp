#include "AttentionPanel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "Dataset.h"
#include "DockLayout.h"
#include "FastCpu.h"
#include "PanelWidgets.h"

namespace flowscope {
namespace {

// Viridis-like ramp for weights in [0, 1].
ImU32 heat(double v) {
  v = std::clamp(v, 0.0, 1.0);
  const float r = float(0.27 + v * (0.99 - 0.27) * v), g = float(0.0 + 0.9 * std::sqrt(v)),
              b = float(0.33 + 0.4 * std::sin(3.14159 * v) - 0.2 * v);
  return ImGui::ColorConvertFloat4ToU32(ImVec4(r, g, std::clamp(b, 0.0f, 1.0f), 1.0f));
}

// A matrix drawn as cells of `cell` pixels, values / vmax; returns the hovered (row, column).
// Above kMaxCells a side, each drawn square covers a bin of entries and shows the bin's largest
// (so a sharp weight stays visible), keeping the frame's ImGui geometry bounded.
constexpr size_t kMaxCells = 128;
// Cells a causal mask removes (key after query) are drawn apart from small weights: flat grey
// with a diagonal stroke, never a colour of the weight scale.
constexpr ImU32 kMaskedFill = IM_COL32(70, 72, 80, 255),
                kMaskedStroke = IM_COL32(125, 128, 140, 255);
std::pair<int, int> heatmap(const char* id, const Matrix& m, size_t rows, double vmax, float cell,
                            bool causal) {
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 size(cell * float(m.cols), cell * float(rows));
  ImGui::InvisibleButton(id, ImVec2(std::max(size.x, 1.0f), std::max(size.y, 1.0f)));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const size_t bin = (std::max(rows, m.cols) + kMaxCells - 1) / kMaxCells;
  for (size_t i0 = 0; i0 < rows; i0 += bin)
    for (size_t j0 = 0; j0 < m.cols; j0 += bin) {
      double v = 0.0;
      for (size_t i = i0; i < std::min(rows, i0 + bin); ++i)
        for (size_t j = j0; j < std::min(m.cols, j0 + bin); ++j) v = std::max(v, m(i, j));
      const ImVec2 a(origin.x + cell * float(j0), origin.y + cell * float(i0));
      const float wide = cell * float(std::min(bin, m.cols - j0)),
                  tall = cell * float(std::min(bin, rows - i0));
      const ImVec2 b(a.x + wide, a.y + tall);
      // A bin is masked when every key in it comes after every query in it.
      if (causal && j0 > std::min(rows, i0 + bin) - 1) {
        dl->AddRectFilled(a, b, kMaskedFill);
        if (wide >= 4.0f) dl->AddLine(a, b, kMaskedStroke);
        continue;
      }
      dl->AddRectFilled(a, b, heat(v / vmax));
    }
  if (!ImGui::IsItemHovered()) return {-1, -1};
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const int c = int((mouse.x - origin.x) / cell), r = int((mouse.y - origin.y) / cell);
  if (r < 0 || c < 0 || size_t(r) >= rows || size_t(c) >= m.cols) return {-1, -1};
  dl->AddRect(ImVec2(origin.x, origin.y + cell * r),
              ImVec2(origin.x + size.x, origin.y + cell * (r + 1)), IM_COL32(90, 220, 240, 255));
  dl->AddRect(ImVec2(origin.x + cell * c, origin.y),
              ImVec2(origin.x + cell * (c + 1), origin.y + size.y), IM_COL32(240, 90, 140, 255));
  return {r, c};
}

}  // namespace

void AttentionPanel::build(AttentionLab& lab, std::map<std::string, ControlRect>& rects) {
  DockLayout::current().begin("Attention", DockSide::Left, ui(380));
  edits_.show();
  hint(
      "Click a token to select it as the query; Shift+click adds a token (painting), drag one to "
      "move it; drag empty space to pan, wheel to zoom. The Lab menu (Ctrl+1...) switches labs.");
  if (foldable("Tokens", true)) tokensSection(lab, rects);
  if (foldable("Projections", false)) projectionSection(lab);
  if (foldable("Attention", true)) variantSection(lab, rects);
  if (foldable("Display", true)) displaySection(lab, rects);
  ImGui::End();
  matrixWindow(lab, rects);
  lessonsWindow(lab, rects);
}

void AttentionPanel::tokensSection(AttentionLab& lab, std::map<std::string, ControlRect>& rects) {
  const AttentionSettings& s = lab.settings();
  std::vector<std::string> names = presetNames();
  names.push_back("painted");
  if (ImGui::BeginCombo("tokens", s.tokens.c_str())) {
    for (const auto& n : names)
      if (ImGui::Selectable(n.c_str(), n == s.tokens))
        edits_.apply([&] { lab.setTokens(n, s.count, s.tokenSeed); });
    ImGui::EndCombo();
  }
  remember(rects, "attention.tokens");
  int count = s.count;
  if (ImGui::SliderInt("count", &count, 2, AttentionLab::kMaxTokens, "%d",
                       ImGuiSliderFlags_Logarithmic) &&
      count != s.count && isPreset(s.tokens))
    edits_.apply([&] { lab.setTokens(s.tokens, count, s.tokenSeed); });
  remember(rects, "attention.count");
  if (ImGui::Button("Clear (paint your own)")) lab.clearTokens();
  ImGui::TextDisabled("tokens CSV: a header, then d columns a row");
  ImGui::InputText("CSV", tokensPath_, sizeof(tokensPath_));
  if (ImGui::Button("Load tokens CSV"))
    edits_.apply([&] { lab.setTokens(tokensPath_, s.count, 1); });
  ImGui::TextWrapped("n = %zu tokens, d_in = %zu; token i sits at position i", lab.tokenCount(),
                     lab.tokens().cols);
}

void AttentionPanel::projectionSection(AttentionLab& lab) {
  hint(
      "Q = X Wq, K = X Wk, V = X Wv (d_in x d_out on the right). random: N(0, 1/d_in) entries, "
      "seeded, width kept; CSV: a header line then d_in rows.");
  const char* labels[] = {"Wq", "Wk", "Wv"};
  const char which[] = {'q', 'k', 'v'};
  for (int i = 0; i < 3; ++i) {
    ImGui::PushID(i);
    const AttentionSettings& s = lab.settings();
    Projection p = i == 0 ? s.wq : i == 1 ? s.wk : s.wv;
    int kind = int(p.kind);
    ImGui::Text("%s", labels[i]);
    ImGui::SameLine();
    bool changed = ImGui::RadioButton("identity", &kind, 0);
    ImGui::SameLine();
    changed |= ImGui::RadioButton("random", &kind, 1);
    ImGui::SameLine();
    changed |= ImGui::RadioButton("CSV", &kind, 2);
    int seed = int(p.seed);
    if (p.kind == ProjectionKind::Random && ImGui::InputInt("seed", &seed) && seed >= 0) {
      p.seed = uint64_t(seed);
      changed = true;
    }
    ImGui::InputText("path", projectionPath_[i], sizeof(projectionPath_[i]));
    if (ImGui::Button("Load")) {
      kind = 2;
      changed = true;
    }
    if (changed) {
      p.kind = ProjectionKind(kind);
      p.path = projectionPath_[i];
      edits_.apply([&] { lab.setProjection(which[i], p); });
    }
    ImGui::PopID();
  }
}

void AttentionPanel::variantSection(AttentionLab& lab, std::map<std::string, ControlRect>& rects) {
  AttentionOptions o = lab.settings().options;
  bool changed = false;
  const AttentionKind kinds[] = {AttentionKind::Softmax, AttentionKind::LinearElu,
                                 AttentionKind::LinearRelu, AttentionKind::Performer};
  if (ImGui::BeginCombo("kind", attentionKindName(o.kind).c_str())) {
    for (AttentionKind k : kinds)
      if (ImGui::Selectable(attentionKindName(k).c_str(), k == o.kind)) o.kind = k, changed = true;
    ImGui::EndCombo();
  }
  remember(rects, "attention.kind");
  const size_t dh = lab.queries().cols / size_t(std::max(1, o.heads));
  int scale = int(o.scale);
  ImGui::Text("scale");
  ImGui::SameLine();
  changed |= ImGui::RadioButton("1/sqrt(d/h)", &scale, 0);
  ImGui::SameLine();
  changed |= ImGui::RadioButton("none", &scale, 1);
  ImGui::SameLine();
  changed |= ImGui::RadioButton("value", &scale, 2);
  remember(rects, "attention.scale.value");
  o.scale = ScaleMode(scale);
  if (o.scale == ScaleMode::Value) {
    float v = float(o.scaleValue);
    if (ImGui::SliderFloat("logit scale", &v, 0.01f, 100.0f, "%.3g", ImGuiSliderFlags_Logarithmic))
      o.scaleValue = v, changed = true;
    remember(rects, "attention.scale.slider");
  }
  char inUse[128];
  std::snprintf(inUse, sizeof(inUse),
                "scale in use: %.4g (softmax and Performer; linear kinds have none)",
                scaleFor(o, std::max<size_t>(dh, 1)));
  hint(inUse);
  changed |= ImGui::Checkbox("causal", &o.causal);
  remember(rects, "attention.causal");
  ImGui::SameLine();
  ImGui::TextDisabled("key j visible to query i iff j <= i");
  int heads = o.heads;
  if (ImGui::SliderInt("heads", &heads, 1, 8)) o.heads = heads, changed = true;
  changed |= ImGui::Checkbox("RoPE (RoFormer pairs 2i, 2i+1)", &o.rope);
  remember(rects, "attention.rope");
  if (o.rope) {
    float base = float(o.ropeBase);
    if (ImGui::SliderFloat("RoPE base", &base, 2.0f, 100000.0f, "%.0f",
                           ImGuiSliderFlags_Logarithmic))
      o.ropeBase = base, changed = true;
    hint("θ_i = base^(−2i/(d/h)), angle = position · θ_i");
  }
  if (o.kind == AttentionKind::Performer) {
    int m = o.features;
    if (ImGui::SliderInt("random features M", &m, 1, 4096, "%d", ImGuiSliderFlags_Logarithmic))
      o.features = m, changed = true;
    remember(rects, "attention.features");
    int seed = int(o.seed);
    if (ImGui::InputInt("feature seed", &seed) && seed >= 0)
      o.seed = uint64_t(seed), changed = true;
    // The approximation error against exact softmax on these tokens.
    if (lab.tokenCount()) {
      ImGui::Text("max |A_performer - A_softmax| = %.3g", lab.performerError());
      remember(rects, "attention.performer.error");
    }
  }
  if (changed) edits_.apply([&] { lab.setOptions(o); });
}

void AttentionPanel::displaySection(AttentionLab& lab, std::map<std::string, ControlRect>& rects) {
  const AttentionSettings& s = lab.settings();
  bool lines = s.showLines, field = s.showField, compare = s.showCompare, link = s.diffusionLink;
  if (ImGui::Checkbox("query lines", &lines)) lab.setShowLines(lines);
  ImGui::SameLine();
  if (ImGui::Checkbox("attention field", &field)) lab.setShowField(field);
  remember(rects, "attention.field");
  if (ImGui::Checkbox("softmax vs linear", &compare)) lab.setShowCompare(compare);
  remember(rects, "attention.compare");
  if (compare && s.options.kind == AttentionKind::Softmax) {
    int k = s.compareWith == AttentionKind::LinearRelu  ? 1
            : s.compareWith == AttentionKind::Performer ? 2
                                                        : 0;
    ImGui::SameLine();
    if (ImGui::Combo("##with", &k, "linear-elu\0linear-relu\0performer\0"))
      edits_.apply([&] {
        lab.setCompareWith(k == 0   ? AttentionKind::LinearElu
                           : k == 1 ? AttentionKind::LinearRelu
                                    : AttentionKind::Performer);
      });
  }
  if (ImGui::Checkbox("diffusion link (ideal denoiser = attention)", &link))
    lab.setDiffusionLink(link);
  remember(rects, "attention.link");
  if (link) {
    float sigma = float(s.sigma);
    if (ImGui::SliderFloat("σ", &sigma, 0.01f, 4.0f, "%.3f", ImGuiSliderFlags_Logarithmic))
      edits_.apply([&] { lab.setSigma(sigma); });
    remember(rects, "attention.sigma");
    hint(
        "Data points are keys and values, the noisy point x = y + σ n is the query, and the "
        "scores are −|x − y_j|² / (2σ²): temperature 1/(2σ²). The output is "
        "E[y | x], the Diffusion lab's ideal denoiser (its EmpiricalModel, shown beside it). As "
        "σ shrinks the softmax hardens onto the nearest point.");
  }
}

void AttentionPanel::matrixWindow(AttentionLab& lab, std::map<std::string, ControlRect>& rects) {
  // Sized by the weights computed (an edit this frame is computed after the panel is built).
  const int heads = lab.settings().options.heads;
  const size_t n = lab.weights().rows / size_t(std::max(1, heads));
  if (!n || lab.settings().diffusionLink) {
    lab.setHover(-1, -1);
    return;
  }
  DockLayout::current().begin("Attention matrix", DockSide::Right, ui(360));
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + ui(320));
  const Matrix& w = lab.weights();
  const float cell = std::clamp(ui(300) / float(n), 1.0f, ui(14));
  std::pair<int, int> hover{-1, -1};
  if (w.rows == n * size_t(heads)) {
    ImGui::TextDisabled(
        "row i = query i, column j = key j; head 1 of %d; colour = weight / the largest", heads);
    double vmax = 0.0;
    for (size_t k = 0; k < n * w.cols; ++k) vmax = std::max(vmax, w.data[k]);
    const bool causal = lab.settings().options.causal;
    hover = heatmap("matrix", w, n, std::max(vmax, 1e-12), cell, causal);
    remember(rects, "attention.matrix");
    rects["attention.matrix.colorbar"] =
        colorBarWidget("##matrix.colorbar", "weight (colour of a cell)", heat, 0.0, vmax,
                       std::min(ui(300), cell * float(w.cols)));
    if (hover.first >= 0 && ImGui::IsMouseClicked(0)) lab.setSelected(hover.first);
    if (causal)
      ImGui::TextDisabled("grey, struck through: masked (key after query), weight 0 by the mask");
    if (hover.first >= 0 && causal && hover.second > hover.first)
      ImGui::Text("query %d, key %d: masked (the key comes after the query)", hover.first,
                  hover.second);
    else if (hover.first >= 0)
      ImGui::Text("query %d, key %d: weight %.4f", hover.first, hover.second,
                  w(size_t(hover.first), size_t(hover.second)));
    else
      ImGui::Text("selected query %d (hover a cell; click selects its row)", lab.selected());
    // Row entropies (head 1), against log(visible keys), the uniform attention's.
    const auto& e = lab.entropies();
    std::vector<float> ef(e.begin(), e.begin() + long(std::min(n, e.size())));
    ImGui::PlotHistogram("##entropy", ef.data(), int(ef.size()), 0, "row entropy (nats)", 0.0f,
                         float(std::log(double(w.cols)) + 0.05), ui(320, 60));
    remember(rects, "attention.entropies");
    if (size_t(lab.selected()) < e.size())
      ImGui::Text("H(row %d) = %.3f nats; uniform over m keys: log m = %.3f", lab.selected(),
                  e[size_t(lab.selected())], std::log(double(w.cols)));
  }
  lab.setHover(hover.first, hover.second);
  if (lab.settings().showCompare && lab.compareA().rows == n) {
    ImGui::Separator();
    ImGui::Text("%s | %s | |difference| (head 1)", attentionKindName(lab.compareKindA()).c_str(),
                attentionKindName(lab.compareKindB()).c_str());
    const Matrix &a = lab.compareA(), &b = lab.compareB(), &d = lab.compareDifference();
    double vmax = 1e-12, dmax = 1e-12;
    for (size_t k = 0; k < a.data.size(); ++k)
      vmax = std::max({vmax, a.data[k], b.data[k]}), dmax = std::max(dmax, d.data[k]);
    const float small = std::clamp(ui(100) / float(n), 1.0f, ui(8));
    const bool causal = lab.settings().options.causal;
    heatmap("a", a, n, vmax, small, causal);
    ImGui::SameLine();
    heatmap("b", b, n, vmax, small, causal);
    ImGui::SameLine();
    heatmap("d", d, n, dmax, small, causal);
    remember(rects, "attention.compare.maps");
    const float barWidth = small * float(n);
    ImGui::BeginGroup();
    rects["attention.compare.colorbar"] =
        colorBarWidget("##compare.colorbar", "weights", heat, 0.0, vmax, barWidth);
    ImGui::EndGroup();
    ImGui::SameLine();
    ImGui::BeginGroup();
    rects["attention.difference.colorbar"] =
        colorBarWidget("##difference.colorbar", "|difference|", heat, 0.0, dmax, barWidth);
    ImGui::EndGroup();
    ImGui::Text("max |difference| = %.3g (difference map scaled to it)", dmax);
  }
  ImGui::PopTextWrapPos();
  ImGui::End();
}

void AttentionPanel::lessonsWindow(AttentionLab& lab, std::map<std::string, ControlRect>& rects) {
  ImGui::SetNextWindowCollapsed(true, ImGuiCond_FirstUseEver);  // the matrix shows first
  DockLayout::current().begin("Lessons", DockSide::Right, ui(360));
  if (ImGui::CollapsingHeader("Why divide by sqrt(d)", ImGuiTreeNodeFlags_DefaultOpen)) {
    const auto& pts = lab.sqrtD();
    std::vector<double> d, vu, vs, eu, es, uniform;
    for (const auto& p : pts) {
      d.push_back(p.d), vu.push_back(p.varUnscaled), vs.push_back(p.varScaled);
      eu.push_back(p.entropyUnscaled), es.push_back(p.entropyScaled),
          uniform.push_back(std::log(64.0));
    }
    ImGui::PushTextWrapPos(ui(390));
    chart("var", d, {{"var(q.k)", vu, kAmber}, {"var(q.k/sqrt d)", vs, kCyan}}, true, true, "d",
          ui(390, 90));
    remember(rects, "attention.lesson.sqrtd");
    chart("ent", d,
          {{"entropy unscaled", eu, kAmber}, {"scaled", es, kCyan}, {"log 64", uniform, kGreen}},
          true, false, "d", ui(390, 90));
    hint(
        "q, k with N(0,1) entries: q.k has variance d, so unscaled logits grow with d and the "
        "softmax over 64 keys collapses onto one (entropy -> 0); dividing by sqrt(d) keeps the "
        "variance at 1 and the entropy flat. Live samples: 64 queries x 64 keys per d.");
    if (ImGui::Button("Resample")) lab.resampleSqrtD();
    ImGui::PopTextWrapPos();
  }
  if (ImGui::CollapsingHeader("RoPE: relative position")) {
    std::vector<double> dist;
    for (int k = 0; k <= 256; ++k) dist.push_back(k);
    std::vector<Series> series{{"all-ones q, k (d = 64)", lab.ropeOnesCurve(), kAmber}};
    if (!lab.ropeCurve().empty()) series.push_back({"selected q . key 0", lab.ropeCurve(), kCyan});
    chart("rope", dist, series, false, false, "m - n", ui(390, 100));
    remember(rects, "attention.lesson.rope");
    ImGui::Text("score(m, n) = rope(q, m) . rope(k, n); shift both by s: max change %.1e",
                lab.ropeShift());
    ImGui::PushTextWrapPos(ui(390));
    hint(
        "The score depends on m - n only (the shift check), and for the all-ones pair decays "
        "with distance (RoFormer 3.4.3). base = the RoPE base slider's value.");
    ImGui::PopTextWrapPos();
  }
  if (ImGui::CollapsingHeader("Cost: ms against n")) {
    static int maxN = 4096;
    ImGui::SliderInt("up to n", &maxN, 512, 16384, "%d", ImGuiSliderFlags_Logarithmic);
    if (ImGui::Button(lab.measuring() ? "Measuring..." : "Measure on this device"))
      lab.measure(maxN);
    remember(rects, "attention.measure");
    const auto& c = lab.costs();
    if (!c.empty()) {
      std::vector<double> n, soft, lin;
      for (const auto& p : c)
        n.push_back(p.n), soft.push_back(p.softmaxMs), lin.push_back(p.linearMs);
      chart("cost", n, {{"softmax (streaming)", soft, kPink}, {"linear elu+1", lin, kGreen}}, true,
            true, "n", ui(390, 100));
      const auto& last = c.back();
      ImGui::TextWrapped(
          "n = %d: softmax %.2f ms, linear %.2f ms (d = 64) on %s", last.n, last.softmaxMs,
          last.linearMs,
          lab.onGpu() ? "the Vulkan kernels"
                      : ("the CPU: softmax " + fastCpuName() + ", linear by prefix sums in double")
                            .c_str());
    }
    ImGui::TextDisabled("Softmax costs O(n^2 d), linear O(n d^2): log-log slopes 2 and 1.");
  }
  ImGui::End();
}

}  // namespace flowscope
